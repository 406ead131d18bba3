import { join } from "node:path";
import { ConfigError } from "../config/errors.ts";
import { parseConfigDocument } from "../config/document.ts";
import { loadConfigDocument } from "../config/discover.ts";
import {
  currentSprintNum,
  isValidRefName,
  type ReleaseOptions,
  resolveRelease,
} from "../config/release.ts";
import type { Env } from "../platforms/types.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "./_assert.ts";

const FILE = "pace.config.yaml";

/** resolveRelease on a file-like document, which must throw; returns the error. */
function releaseError(
  text: string,
  env: Env,
  options: ReleaseOptions,
  ...includes: string[]
): ConfigError {
  const error = assertThrows(
    () => resolveRelease(parseConfigDocument(text, FILE), env, options),
    ConfigError,
  );
  for (const part of includes) assertStringIncludes(error.message, part);
  assert(!error.message.includes("\n"), `one line: ${error.message}`);
  return error;
}

const RELEASES = [
  "releases:",
  "  - name: 2026-q1",
  "    status: done",
  "  - name: 2026-q2",
  "    status: active",
  "    sprint_days: 14",
  "  - name: 2026-q3",
  "    status: planned",
  "    sprint_days: 10",
  "",
].join("\n");

// ---------------------------------------------------------------------------
// currentSprintNum and isValidRefName

Deno.test("currentSprintNum: max(1, ceil(day / sprintDays))", () => {
  const cases: [number, number, number][] = [
    [1, 7, 1],
    [7, 7, 1],
    [8, 7, 2],
    [14, 7, 2],
    [15, 7, 3],
    [15, 14, 2],
    [0, 7, 1],
    [1, 1, 1],
    [30, 10, 3],
  ];
  for (const [day, days, sprint] of cases) {
    assertEquals(currentSprintNum(day, days), sprint, `${day}/${days}`);
  }
});

Deno.test("isValidRefName: git's rules for a branch name", () => {
  for (const name of ["2026-q3", "v2.0", "release-1", "team/r1", "a.b", "x@y", "UPPER_case"]) {
    assert(isValidRefName(name), name);
  }
  const invalid = [
    "",
    "a..b",
    "a b",
    "a~b",
    "a^b",
    "a:b",
    "a?b",
    "a*b",
    "a[b",
    "a\\b",
    "a\tb",
    "a\nb",
    "a\x7fb",
    "-r1",
    "r1/",
    "/r1",
    "r1.lock",
    "team/r1.lock/x",
    "a@{b",
    "a//b",
    "r1.",
    ".hidden",
    "team/.hidden",
    "@",
  ];
  for (const name of invalid) assert(!isValidRefName(name), JSON.stringify(name));
});

// ---------------------------------------------------------------------------
// Which release

Deno.test("resolveRelease: the one active entry of releases, with its own sprint_days", () => {
  assertEquals(resolveRelease(RELEASES, {}, { day: 15 }), { name: "2026-q2", sprintNum: 2 });
  assertEquals(resolveRelease(RELEASES, {}, { day: 14 }), { name: "2026-q2", sprintNum: 1 });
  assertEquals(resolveRelease(RELEASES, {}, { sprint: 5 }), { name: "2026-q2", sprintNum: 5 });
  // Without sprint_days: 7 days. Status in any case; flow style.
  const flow = "releases: [{ name: r1, status: done }, { name: r2, status: ' Active ' }]\n";
  assertEquals(resolveRelease(flow, {}, { day: 8 }), { name: "r2", sprintNum: 2 });
});

Deno.test("resolveRelease: PACE_RELEASE names the release, over the active one", () => {
  const env = { PACE_RELEASE: "2026-q3" };
  assertEquals(resolveRelease(RELEASES, env, { day: 11 }), { name: "2026-q3", sprintNum: 2 });
  assertEquals(resolveRelease(RELEASES, { PACE_RELEASE: " 2026-q1 " }, { day: 8 }), {
    name: "2026-q1",
    sprintNum: 2, // no sprint_days: 7
  });
  // Empty or blank: unset.
  assertEquals(resolveRelease(RELEASES, { PACE_RELEASE: "  " }, { day: 1 }).name, "2026-q2");
  assertEquals(resolveRelease(RELEASES, { PACE_RELEASE: "" }, { day: 1 }).name, "2026-q2");
});

Deno.test("resolveRelease: PACE_RELEASE chooses between two active releases", () => {
  const text = "releases:\n  - { name: a, status: active }\n" +
    "  - { name: b, status: active, sprint_days: 5 }\n";
  assertEquals(resolveRelease(text, { PACE_RELEASE: "b" }, { day: 6 }), {
    name: "b",
    sprintNum: 2,
  });
});

Deno.test("resolveRelease: without releases, PACE_RELEASE is taken as it is", () => {
  assertEquals(resolveRelease("", { PACE_RELEASE: "hotfix-1" }, { day: 8 }), {
    name: "hotfix-1",
    sprintNum: 2,
  });
  // The legacy release's sprint_days apply when it is the one named.
  const legacy = "release:\n  name: r9\n  sprint_days: 3\n";
  assertEquals(resolveRelease(legacy, { PACE_RELEASE: "r9" }, { day: 7 }).sprintNum, 3);
  assertEquals(resolveRelease(legacy, { PACE_RELEASE: "other" }, { day: 7 }), {
    name: "other",
    sprintNum: 1,
  });
});

Deno.test("resolveRelease: the legacy release section when no entry is active", () => {
  const legacy = "release:\n  name: v2.0\n  sprint_days: 10\n";
  assertEquals(resolveRelease(legacy, {}, { day: 21 }), { name: "v2.0", sprintNum: 3 });
  assertEquals(resolveRelease("release: { name: v3 }\n", {}, { day: 8 }), {
    name: "v3",
    sprintNum: 2,
  });
  const none = "releases:\n  - { name: old, status: done }\nrelease: { name: fallback }\n";
  assertEquals(resolveRelease(none, {}, { sprint: 1 }), { name: "fallback", sprintNum: 1 });
  // An active entry wins over the legacy section.
  assertEquals(
    resolveRelease(RELEASES + "release: { name: legacy }\n", {}, { sprint: 1 }).name,
    "2026-q2",
  );
});

Deno.test("resolveRelease: an explicit release wins; its entry's sprint_days when listed", () => {
  const env = { PACE_RELEASE: "2026-q1" };
  assertEquals(resolveRelease(RELEASES, env, { release: "2026-q3", day: 11 }), {
    name: "2026-q3",
    sprintNum: 2,
  });
  // Not listed: fine, 7 days.
  assertEquals(resolveRelease(RELEASES, env, { release: "spike", day: 8 }), {
    name: "spike",
    sprintNum: 2,
  });
  // The legacy section counts as listed.
  const legacy = "release: { name: r1, sprint_days: 2 }\n";
  assertEquals(resolveRelease(legacy, {}, { release: "r1", day: 5 }).sprintNum, 3);
  // With a sprint number the config is not consulted: even a malformed section is no obstacle.
  assertEquals(resolveRelease("releases: nonsense\n", {}, { release: "r1", sprint: 4 }), {
    name: "r1",
    sprintNum: 4,
  });
  // Two active releases do not matter when the release is given.
  const two = "releases:\n  - { name: a, status: active }\n  - { name: b, status: active }\n";
  assertEquals(resolveRelease(two, {}, { release: "b", sprint: 1 }).name, "b");
});

Deno.test("resolveRelease: a document from loadConfigDocument; errors name its file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pace-release-" });
  try {
    await Deno.writeTextFile(join(dir, "pace.config.yaml"), RELEASES);
    const document = await loadConfigDocument(undefined, { cwd: dir, env: {} });
    assertEquals(resolveRelease(document, {}, { day: 29 }), { name: "2026-q2", sprintNum: 3 });
    const error = assertThrows(
      () => resolveRelease(document, { PACE_RELEASE: "2026-q4" }, { day: 1 }),
      ConfigError,
    );
    assertStringIncludes(error.message, "pace.config.yaml:1:1:");
    // No file at all: nothing to find.
    await Deno.mkdir(join(dir, "empty"));
    const empty = await loadConfigDocument(undefined, { cwd: join(dir, "empty"), env: {} });
    assertEquals(resolveRelease(empty, { PACE_RELEASE: "r1" }, { sprint: 2 }), {
      name: "r1",
      sprintNum: 2,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveRelease: reads PACE_RELEASE and no other variable", () => {
  const read = new Set<string>();
  const env = new Proxy({} as Env, {
    get: (_target, key) => {
      if (typeof key === "string") read.add(key);
      return undefined;
    },
    has: (_target, key) => {
      if (typeof key === "string") read.add(key);
      return false;
    },
    ownKeys: () => {
      read.add("*");
      return [];
    },
  });
  resolveRelease(RELEASES, env, { day: 3 });
  assertEquals([...read], ["PACE_RELEASE"]);
});

// ---------------------------------------------------------------------------
// When it cannot decide

Deno.test("resolveRelease: neither a sprint nor a day, or both", () => {
  const neither = releaseError(RELEASES, {}, {}, "--sprint N", "--day N");
  assertEquals(neither.source, undefined);
  releaseError(RELEASES, {}, { release: "r1" }, "--sprint N or --day N");
  releaseError(RELEASES, {}, { sprint: 2, day: 3 }, "not both");
});

Deno.test("resolveRelease: a sprint or day that is not a whole number from 1", () => {
  for (const sprint of [0, -1, 1.5, Number.NaN, Infinity]) {
    releaseError(RELEASES, {}, { sprint }, "the sprint must be a whole number");
  }
  for (const day of [0, -3, 2.5, Number.NaN]) {
    releaseError(RELEASES, {}, { day }, "the day must be a whole number");
  }
});

Deno.test("resolveRelease: no release to be found", () => {
  for (
    const text of ["", "# nothing\n", "platform:\n  ci: local\n", "releases: []\n", "release: ~\n"]
  ) {
    releaseError(text, {}, { day: 1 }, "no release to build", "--release NAME", "PACE_RELEASE");
  }
  releaseError(
    "releases:\n  - { name: a, status: done }\n  - { name: b }\n",
    {},
    { sprint: 1 },
    `${FILE}: no release to build`,
    'no entry of "releases" has "status: active"',
  );
  releaseError("sprint: 30\n", {}, { day: 2 }, 'neither a "releases" nor a "release" section');
  // Without any file, the message names none.
  const error = assertThrows(
    () => resolveRelease({ data: undefined }, {}, { day: 1 }),
    ConfigError,
  );
  assert(error.message.startsWith("no release to build"), error.message);
});

Deno.test("resolveRelease: two active releases without PACE_RELEASE", () => {
  const text = "releases:\n  - name: a\n    status: active\n  - name: b\n    status: done\n" +
    "  - name: c\n    status: active\n";
  const error = releaseError(
    text,
    {},
    { day: 3 },
    `${FILE}:7:13:`,
    '2 releases have "status: active"',
    '"a" at line 2',
    '"c" at line 6',
    "PACE_RELEASE",
  );
  assertEquals(error.position, { line: 7, column: 13 });
});

Deno.test("resolveRelease: a PACE_RELEASE that names no entry of releases", () => {
  releaseError(
    RELEASES,
    { PACE_RELEASE: "2026-q4" },
    { day: 1 },
    `${FILE}:1:1:`,
    'PACE_RELEASE names "2026-q4"',
    "listed: 2026-q1, 2026-q2, 2026-q3",
    "did you mean",
  );
  releaseError("releases: []\n", { PACE_RELEASE: "r1" }, { sprint: 1 }, "listed: none");
  // Names are exact: git branch names are case-sensitive.
  releaseError("releases: [{ name: R1 }]\n", { PACE_RELEASE: "r1" }, { sprint: 1 }, '"r1"');
});

Deno.test("resolveRelease: a release name that is not a valid git ref name", () => {
  releaseError(RELEASES, {}, { release: "a b", sprint: 1 }, "the release name", '"a b"');
  releaseError(RELEASES, {}, { release: "", sprint: 1 }, "the release name", "empty");
  releaseError(RELEASES, {}, { release: "-x", sprint: 1 }, '"-"');
  const injected = releaseError("", { PACE_RELEASE: "r1\nr2" }, { sprint: 1 }, "PACE_RELEASE");
  assertStringIncludes(injected.message, "control character");
  releaseError("", { PACE_RELEASE: "x..y" }, { sprint: 1 }, "PACE_RELEASE", '".."');
  const entry = releaseError(
    "releases:\n  - name: bad~name\n    status: active\n",
    {},
    { day: 1 },
    `${FILE}:2:11:`,
    "releases[0].name",
  );
  assertEquals(entry.position, { line: 2, column: 11 });
  releaseError("release:\n  name: 'v1.lock'\n", {}, { day: 1 }, `${FILE}:2:9:`, "release.name");
});

Deno.test("resolveRelease: malformed release sections are named with their position", () => {
  releaseError("releases: r1\n", {}, { day: 1 }, `${FILE}:1:11:`, '"releases" must be a list');
  releaseError(
    "releases:\n  - r1\n",
    {},
    { day: 1 },
    `${FILE}:2:3:`,
    "releases[0] must be a mapping",
  );
  releaseError(
    "releases:\n  - status: active\n",
    {},
    { day: 1 },
    `${FILE}:2:3:`,
    "releases[0] has no name",
  );
  const number = releaseError(
    "releases:\n  - name: 1.0\n    status: active\n",
    {},
    { day: 1 },
    `${FILE}:2:11:`,
    "releases[0].name must be a string",
    "number 1",
    "quote it",
  );
  assertEquals(number.position, { line: 2, column: 11 });
  releaseError(
    "releases:\n  - { name: a, status: done }\n  - { name: a, status: active }\n",
    {},
    { day: 1 },
    `${FILE}:3:13:`,
    'releases[1] repeats the name "a" of releases[0]',
  );
  releaseError("release: v1\n", {}, { day: 1 }, `${FILE}:1:1:`, '"release" must be a mapping');
  releaseError("- a\n- b\n", {}, { day: 1 }, `${FILE}:1:1:`, "top level must be a mapping");
});

Deno.test("resolveRelease: sprint_days must be a whole number of days when a day is given", () => {
  for (
    const [value, shown] of [["0", "number 0"], ["'14'", 'string "14"'], ["1.5", "number 1.5"]]
  ) {
    const text = `releases:\n  - name: r1\n    status: active\n    sprint_days: ${value}\n`;
    releaseError(text, {}, { day: 1 }, `${FILE}:4:18:`, "releases[0].sprint_days", shown);
    // With a sprint number it is not needed.
    assertEquals(resolveRelease(text, {}, { sprint: 2 }), { name: "r1", sprintNum: 2 });
  }
  releaseError(
    "release: { name: r1, sprint_days: -7 }\n",
    {},
    { day: 1 },
    `${FILE}:1:35:`,
    "release.sprint_days",
  );
});

Deno.test("resolveRelease: text that is not valid config YAML is a ConfigError", () => {
  const error = assertThrows(() => resolveRelease("releases: [\n", {}, { day: 1 }), ConfigError);
  assertStringIncludes(error.message, "invalid YAML");
  assertThrows(
    () => resolveRelease("release: { name: a, name: b }\n", {}, { day: 1 }),
    ConfigError,
    "duplicate key",
  );
});
