import { join } from "node:path";
import {
  BaseCIAdapter,
  BaseTrackerAdapter,
  ConfigError,
  DISCOVERY_PATHS,
  loadConfig,
  parseConfig,
  registerPlatform,
} from "../mod.ts";
import type { CiResult, Env, ResolvedContext } from "../mod.ts";
import { configFromDocument } from "../config/config.ts";
import { parseConfigDocument } from "../config/document.ts";
import { loadConfigDocument } from "../config/discover.ts";
import { type KeyPath, pathId, scanKeys } from "../config/_keys.ts";
import {
  assert,
  assertEquals,
  assertNotMatch,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "./_assert.ts";

// Test platforms registered from outside the package, as a user would: one
// that can only be a tracker and one that can only be CI.
class NullTracker extends BaseTrackerAdapter {
  readonly platform: string;
  constructor(context: ResolvedContext, name: string) {
    super(context);
    this.platform = name;
  }
  openEscalationIssue() {
    return Promise.resolve("");
  }
  pushAdvisoryItems() {
    return Promise.resolve("");
  }
  pushStory() {
    return Promise.resolve("");
  }
  updateStoryStatus() {
    return Promise.resolve(false);
  }
  postHandoffComment() {
    return Promise.resolve(false);
  }
}

class NullCI extends BaseCIAdapter {
  readonly platform = "cfgtest-ci-only";
  openReviewPr() {
    return Promise.resolve("");
  }
  waitForCommitCi(sha: string): Promise<CiResult> {
    return Promise.resolve({ conclusion: "no_runs", url: "", name: "", sha });
  }
}

registerPlatform({
  name: "cfgtest-tracker-only",
  env: [],
  hosts: () => [],
  tracker: (context) => new NullTracker(context, "cfgtest-tracker-only"),
});
registerPlatform({
  name: "cfgtest-ci-only",
  env: [],
  hosts: () => [],
  ci: (context) => new NullCI(context),
});

const FILE = "pace.config.yaml";

/** parseConfig must throw a ConfigError; returns it for further checks. */
function configError(text: string, ...includes: string[]): ConfigError {
  const error = assertThrows(() => parseConfig(text, FILE), ConfigError);
  for (const part of includes) assertStringIncludes(error.message, part);
  assertEquals(error.source, FILE);
  return error;
}

Deno.test("parseConfig: ci and tracker, names case-insensitive and trimmed", () => {
  assertEquals(parseConfig("platform:\n  ci: GitHub\n  tracker: LOCAL\n", FILE), {
    platform: { ci: "github", tracker: "local" },
    source: FILE,
  });
  assertEquals(parseConfig("platform: { ci: ' local ', tracker: github }").platform, {
    ci: "local",
    tracker: "github",
  });
  assertEquals(parseConfig("platform:\n  ci: github\n").platform, {
    ci: "github",
    tracker: "local",
  });
  assertEquals(parseConfig("platform:\n  tracker: github\n").platform, {
    ci: "local",
    tracker: "github",
  });
});

Deno.test("parseConfig: without a source the result has none", () => {
  const config = parseConfig("platform:\n  ci: local\n");
  assertEquals("source" in config, false);
});

Deno.test("parseConfig: empty text, comments only, no platform section → local for both", () => {
  for (
    const text of [
      "",
      "   \n",
      "# nothing here\n",
      "agents:\n  forge: { model: x }\nsprint:\n  days: 30\n",
      "platform:\n",
      "platform: ~\n",
      "platform:\n  ci: ~\n  tracker:\n",
    ]
  ) {
    assertEquals(
      parseConfig(text, FILE),
      { platform: { ci: "local", tracker: "local" }, source: FILE },
      JSON.stringify(text),
    );
  }
});

Deno.test("parseConfig: legacy platform.type sets both; explicit ci/tracker wins", () => {
  assertEquals(parseConfig("platform:\n  type: github\n").platform, {
    ci: "github",
    tracker: "github",
  });
  assertEquals(parseConfig("platform:\n  type: GitHub\n  tracker: local\n").platform, {
    ci: "github",
    tracker: "local",
  });
  assertEquals(parseConfig("platform:\n  ci: local\n  type: github\n").platform, {
    ci: "local",
    tracker: "github",
  });
  // A tracker-only type is fine when the CI side is given explicitly.
  assertEquals(parseConfig("platform:\n  type: cfgtest-tracker-only\n  ci: local\n").platform, {
    ci: "local",
    tracker: "cfgtest-tracker-only",
  });
});

Deno.test("parseConfig: PACE's own sections are not validated", () => {
  const text = "project: demo\nplatform:\n  ci: local\n  tracker: local\n" +
    "agents: [forge, sentinel]\nreleases: whatever\nrelease: [1, 2]\nsprint: { days: x }\n" +
    "platform_notes: free text\n";
  assertEquals(parseConfig(text).platform, { ci: "local", tracker: "local" });
  // With "platform" present, a key near it is someone else's section.
  assertEquals(parseConfig("platform:\n  ci: local\nplatforms: [a]\n").platform, {
    ci: "local",
    tracker: "local",
  });
});

Deno.test("parseConfig: unknown platform names file, line, column, value, choices, hint", () => {
  const error = configError(
    "# PACE\nplatform:\n  ci: githbu\n  tracker: local\n",
    `${FILE}:3:7:`,
    '"githbu"',
    'did you mean "github"?',
    "valid ci platforms: ",
    "local",
    "github",
  );
  assertEquals(error.position, { line: 3, column: 7 });
  assertNotMatch(error.message, /cfgtest-tracker-only/, "a tracker-only name is not a ci choice");

  const tracker = configError(
    "platform:\n  ci: local\n  tracker: locl\n",
    `${FILE}:3:12:`,
    '"locl"',
    'did you mean "local"?',
    "valid tracker platforms: ",
    "cfgtest-tracker-only",
  );
  assertEquals(tracker.position, { line: 3, column: 12 });
  assertNotMatch(tracker.message, /cfgtest-ci-only/, "a ci-only name is not a tracker choice");

  // Far from every name: no hint, but still the choices.
  const far = configError("platform:\n  ci: teamcity\n", `${FILE}:2:7:`, '"teamcity"', "local");
  assertNotMatch(far.message, /did you mean/);

  // Flow style: the column points into the same line.
  const flow = configError("platform: { ci: githbu }\n", `${FILE}:1:17:`);
  assertEquals(flow.position, { line: 1, column: 17 });
});

Deno.test("parseConfig: a tracker-only platform cannot be ci", () => {
  const error = configError(
    "project: x\n\nplatform:\n  ci: cfgtest-tracker-only\n",
    `${FILE}:4:7:`,
    '"cfgtest-tracker-only"',
    "tracker-only",
    "platform.ci",
    "valid ci platforms: ",
    "cfgtest-ci-only",
  );
  assertEquals(error.position, { line: 4, column: 7 });
  // Through the legacy key, the message says how to fix it.
  configError(
    "platform:\n  type: cfgtest-tracker-only\n",
    `${FILE}:2:9:`,
    "tracker-only",
    "platform.type",
    '"ci:"',
  );
});

Deno.test("parseConfig: a CI-only platform cannot be tracker", () => {
  const error = configError(
    "platform:\n  ci: local\n  tracker: cfgtest-ci-only\n",
    `${FILE}:3:12:`,
    '"cfgtest-ci-only"',
    "CI-only",
    "platform.tracker",
    "valid tracker platforms: ",
    "cfgtest-tracker-only",
  );
  assertEquals(error.position, { line: 3, column: 12 });
  configError("platform:\n  type: cfgtest-ci-only\n", `${FILE}:2:9:`, "CI-only");
});

Deno.test("parseConfig: non-string values name the key, the value and the choices", () => {
  const cases: [string, string][] = [
    ["platform:\n  ci: 3\n", "number 3"],
    ["platform:\n  ci: true\n", "boolean true"],
    ["platform:\n  ci: [github]\n", "a list"],
    ["platform:\n  ci: { name: github }\n", "a mapping"],
    ["platform:\n  ci: ''\n", 'string ""'],
  ];
  for (const [text, value] of cases) {
    const error = configError(text, `${FILE}:2:7:`, "platform.ci", value, "local", "github");
    assertEquals(error.position, { line: 2, column: 7 }, text);
  }
  configError("platform:\n  tracker: 12\n", `${FILE}:2:12:`, "platform.tracker", "number 12");
  configError("platform:\n  type: [a, b]\n", `${FILE}:2:9:`, "platform.type", "a list");
});

Deno.test("parseConfig: platform itself must be a mapping", () => {
  const error = configError(
    "project: x\nplatform: github\n",
    `${FILE}:2:1:`,
    '"platform" must be a mapping',
    'string "github"',
    "valid keys: ci, tracker, type",
  );
  assertEquals(error.position, { line: 2, column: 1 });
  configError("platform:\n  - github\n", `${FILE}:1:1:`, "a list");
});

Deno.test("parseConfig: a near-miss key is an error with a hint, at the key", () => {
  configError(
    "platform:\n  trakcer: github\n",
    `${FILE}:2:3:`,
    '"platform.trakcer"',
    'did you mean "tracker"?',
    "valid keys: ci, tracker, type",
  );
  configError(
    "platform:\n  ci: local\n  trackr: jira\n",
    `${FILE}:3:3:`,
    'did you mean "tracker"?',
  );
  configError("platform:\n  CI: github\n", `${FILE}:2:3:`, '"platform.CI"', 'did you mean "ci"?');
});

Deno.test("parseConfig: any unknown key inside platform is an error, hint or not", () => {
  const error = configError(
    "# PACE\nplatform:\n  continuous: github\n  tracker: jira\n",
    `${FILE}:3:3:`,
    '"platform.continuous"',
    "valid keys: ci, tracker, type",
  );
  assertEquals(error.position, { line: 3, column: 3 });
  assertNotMatch(error.message, /did you mean/);
  // Flow style: the column of the key inside the braces.
  const flow = configError(
    "platform: { ci: local, notes: x }\n",
    `${FILE}:1:24:`,
    "platform.notes",
  );
  assertEquals(flow.position, { line: 1, column: 24 });
  // Even with a null value: the key itself is the slip.
  configError("platform:\n  ci: local\n  tracker_url:\n", `${FILE}:3:3:`, "platform.tracker_url");
});

Deno.test("parseConfig: without platform, a top-level key a typo away is an error", () => {
  for (
    const [text, key, at] of [
      ["platfrom:\n  ci: github\n", "platfrom", "1:1"],
      ["project: x\nplatforms:\n  ci: github\n", "platforms", "2:1"],
      ["Platform:\n  ci: github\n", "Platform", "1:1"],
      ["sprint: {}\nplatfom: { ci: github }\n", "platfom", "2:1"],
      ["plattform: ~\n", "plattform", "1:1"],
    ]
  ) {
    configError(
      text,
      `${FILE}:${at}:`,
      `unknown top-level key "${key}"`,
      'did you mean "platform"?',
      "local",
    );
  }
  // Keys far from "platform" are PACE's own sections.
  for (const text of ["plan: x\nformat: y\nplatform_notes: z\nreleases: []\n", "agents: {}\n"]) {
    assertEquals(parseConfig(text).platform, { ci: "local", tracker: "local" }, text);
  }
});

Deno.test("parseConfig: a duplicate key anywhere is an error at the second one", () => {
  const cases: [string, string, string, string][] = [
    ["platform:\n  ci: github\n  tracker: jira\n  ci: local\n", "4:3", '"platform.ci"', "line 2"],
    ["platform:\n  ci: github\nplatform:\n  ci: local\n", "3:1", '"platform"', "line 1"],
    ["platform: { ci: github, ci: local }\n", "1:25", '"platform.ci"', "column 13"],
    ['platform:\n  ci: github\n  "ci": local\n', "3:3", '"platform.ci"', "line 2"],
    ["agents:\n  forge: a\n  sentinel: b\n  forge: c\n", "4:3", '"agents.forge"', "line 2"],
    [
      "releases:\n  - name: r1\n    status: active\n    name: r2\n",
      "4:5",
      '"releases[0].name"',
      "line 2",
    ],
    ["releases:\n- name: r1\n  name: r2\n", "3:3", '"releases[0].name"', "line 2"],
    ["sprint:\n  days: 7\n\n\nsprint: 8\n", "5:1", '"sprint"', "line 1"],
    ["a: {b: {c: 1,\n  c: 2}}\n", "2:3", '"a.b.c"', "line 1"],
  ];
  for (const [text, at, key, first] of cases) {
    const error = configError(text, `${FILE}:${at}:`, "duplicate key", key, first);
    assertStringIncludes(error.message, "only the last");
  }
});

Deno.test("parseConfig: valid YAML in every style raises no false duplicate", () => {
  const text = [
    "%YAML 1.2",
    "---",
    "# platform: { ci: a }   (a comment, not a key)",
    "platform:",
    "  ci: github   # ci: again, in a comment",
    "  tracker: local",
    "notes: |",
    "  ci: this is text",
    "  ci: still text",
    "",
    "  platform: text too",
    "folded: >-",
    "    name: x",
    "    name: y",
    "plain: a long value",
    "  that goes on, name:x",
    'quoted: "a: b',
    '  a: c"',
    "single: 'it''s: fine",
    "  name: x'",
    "flow: {a: 1,",
    "  b: [1, 2,",
    "    {a: 1}], c: 'x: y'}",
    "releases:",
    "  - name: r1",
    "    status: done",
    "  - name: r2",
    "    status: active",
    "  - { name: r3, status: planned }",
    "  -",
    "    name: r4",
    "  - - name: r5",
    "    - name: r6",
    "base: &base",
    "  name: shared",
    "derived:",
    "  <<: *base",
    "  other: 1",
    "anchored: &a value",
    "aliased: *a",
    "tagged: !!str 12",
    "list:",
    "- name: a",
    "- name: a",
    "after: 1",
    "...",
  ].join("\n");
  assertEquals(parseConfig(text, FILE).platform, { ci: "github", tracker: "local" });
  // The scanner walked the whole document rather than stopping early.
  const { sites, duplicates } = scanKeys(text);
  assertEquals(duplicates, []);
  const paths: KeyPath[] = [
    ["after"],
    ["list", 1, "name"],
    ["releases", 4, 1, "name"],
    ["releases", 2, "status"],
    ["flow", "b", 2, "a"],
    ["flow", "c"],
    ["derived", "other"],
  ];
  for (const path of paths) assert(sites.has(pathId(path)), JSON.stringify(path));
  assertEquals(sites.get(pathId(["flow", "c"]))?.value, { line: 23, column: 17 });
  // Windows line endings.
  assertEquals(parseConfig(text.replaceAll("\n", "\r\n"), FILE).platform.ci, "github");
});

Deno.test("parseConfig: constructs the scanner does not model are left to the parser", () => {
  // An explicit "?" key: the scanner stops there rather than guess.
  const text = "platform:\n  ci: local\n? [a, b]\n: pair\nx: 1\n";
  assertEquals(parseConfig(text).platform, { ci: "local", tracker: "local" });
  assertEquals(scanKeys(text).duplicates, []);
});

Deno.test("parseConfig: positions hold after multi-line values and in sequences", () => {
  const text = "notes: |\n  platform:\n    ci: x\nlong: 'a\n  b'\nplatform:\n  ci: githbu\n";
  configError(text, `${FILE}:7:7:`, '"githbu"');
  configError(
    "\uFEFFplatform:\n  ci: local\n  tracker: nope\n",
    `${FILE}:3:12:`,
    '"nope"',
  );
  configError("platform: {\n  ci: local,\n  tracker: nope\n}\n", `${FILE}:3:12:`, '"nope"');
});

Deno.test("parseConfig: a YAML list or a scalar at the top is refused", () => {
  const list = configError(
    "- platform: github\n- x\n",
    `${FILE}:1:1:`,
    "top level must be a mapping",
    "a list",
  );
  assertEquals(list.position, { line: 1, column: 1 });
  configError("just some text\n", `${FILE}:1:1:`, "top level", 'string "just some text"');
  configError("42\n", `${FILE}:1:1:`, "number 42");
});

Deno.test("parseConfig: invalid YAML names file, line and column", () => {
  const error = configError("platform:\n  ci: [github\n  tracker: local\n", "invalid YAML");
  assert(error.position, "the position is known");
  assertStringIncludes(error.message, `${FILE}:${error.position.line}:${error.position.column}:`);
  assert(error.position.line >= 2, `line ${error.position.line}`);

  const tabs = configError("platform:\n\tci: github\n", "invalid YAML");
  assertEquals(tabs.position?.line, 2);
  configError("platform: {ci: local\n", "invalid YAML", `${FILE}:2:`);
});

Deno.test("parseConfig: without a source the message uses a placeholder", () => {
  const error = assertThrows(() => parseConfig("platform:\n  ci: nope\n"), ConfigError);
  assertStringIncludes(error.message, "<config>:2:7:");
});

// ---------------------------------------------------------------------------
// loadConfig and discovery

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pace-config-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function write(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
  return path;
}

const GITHUB_BOTH = "platform:\n  type: github\n";
const LOCAL_GITHUB = "platform:\n  ci: local\n  tracker: github\n";
const GITHUB_LOCAL = "platform:\n  ci: github\n  tracker: local\n";

Deno.test("loadConfig: discovery order is --config, PACE_CONFIG, ./pace.config.yaml, ./pace/", async () => {
  assertEquals(DISCOVERY_PATHS, ["pace.config.yaml", "pace/pace.config.yaml"]);
  await withDir(async (dir) => {
    // Nothing at all: local default, no source.
    assertEquals(await loadConfig(undefined, { cwd: dir, env: {} }), {
      platform: { ci: "local", tracker: "local" },
    });

    await write(dir, "pace/pace.config.yaml", GITHUB_BOTH);
    assertEquals(await loadConfig(undefined, { cwd: dir, env: {} }), {
      platform: { ci: "github", tracker: "github" },
      source: "pace/pace.config.yaml",
    });

    await write(dir, "pace.config.yaml", LOCAL_GITHUB);
    assertEquals(await loadConfig(undefined, { cwd: dir, env: {} }), {
      platform: { ci: "local", tracker: "github" },
      source: "pace.config.yaml",
    });

    const fromEnv = await write(dir, "elsewhere/env.yaml", GITHUB_LOCAL);
    assertEquals(await loadConfig(undefined, { cwd: dir, env: { PACE_CONFIG: fromEnv } }), {
      platform: { ci: "github", tracker: "local" },
      source: fromEnv,
    });
    // A relative PACE_CONFIG is resolved against cwd.
    assertEquals(
      (await loadConfig(undefined, { cwd: dir, env: { PACE_CONFIG: "elsewhere/env.yaml" } }))
        .platform,
      { ci: "github", tracker: "local" },
    );
    // An empty PACE_CONFIG counts as unset.
    assertEquals(
      (await loadConfig(undefined, { cwd: dir, env: { PACE_CONFIG: "  " } })).source,
      "pace.config.yaml",
    );

    const explicit = await write(dir, "explicit.yaml", "platform:\n  type: local\n");
    assertEquals(await loadConfig("explicit.yaml", { cwd: dir, env: { PACE_CONFIG: fromEnv } }), {
      platform: { ci: "local", tracker: "local" },
      source: "explicit.yaml",
    });
    assertEquals(
      (await loadConfig(explicit, { cwd: "/", env: { PACE_CONFIG: fromEnv } })).source,
      explicit,
    );
  });
});

Deno.test("loadConfig: a directory named pace.config.yaml is skipped by discovery", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(join(dir, "pace.config.yaml"));
    await write(dir, "pace/pace.config.yaml", GITHUB_LOCAL);
    assertEquals((await loadConfig(undefined, { cwd: dir, env: {} })).source, DISCOVERY_PATHS[1]);
  });
});

Deno.test("loadConfig: empty file or no platform section → local, source kept", async () => {
  await withDir(async (dir) => {
    await write(dir, "pace.config.yaml", "");
    assertEquals(await loadConfig(undefined, { cwd: dir, env: {} }), {
      platform: { ci: "local", tracker: "local" },
      source: "pace.config.yaml",
    });
    await write(dir, "other.yaml", "sprint:\n  days: 30\n");
    assertEquals((await loadConfig("other.yaml", { cwd: dir, env: {} })).platform, {
      ci: "local",
      tracker: "local",
    });
  });
});

Deno.test("loadConfig: a missing --config path is an error, never a fallback", async () => {
  await withDir(async (dir) => {
    await write(dir, "pace.config.yaml", GITHUB_BOTH); // would be found by discovery
    const error = await assertRejects(
      () => loadConfig("missing.yaml", { cwd: dir, env: {} }),
      ConfigError,
      "missing.yaml",
    );
    assertStringIncludes(error.message, "not found");
    assertEquals(error.source, join(dir, "missing.yaml"));
  });
});

Deno.test("loadConfig: a missing PACE_CONFIG is an error, never a fallback", async () => {
  await withDir(async (dir) => {
    await write(dir, "pace.config.yaml", GITHUB_BOTH);
    const error = await assertRejects(
      () => loadConfig(undefined, { cwd: dir, env: { PACE_CONFIG: "gone/pace.yaml" } }),
      ConfigError,
      "not found",
    );
    assertStringIncludes(error.message, join("gone", "pace.yaml"));
  });
});

Deno.test("loadConfig: an unreadable --config (a directory) is an error", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(join(dir, "conf.yaml"));
    const error = await assertRejects(
      () => loadConfig("conf.yaml", { cwd: dir, env: {} }),
      ConfigError,
      "conf.yaml",
    );
    assertStringIncludes(error.message, "directory");
    await assertRejects(
      () => loadConfig(undefined, { cwd: dir, env: { PACE_CONFIG: "conf.yaml" } }),
      ConfigError,
      "directory",
    );
  });
});

/** Whether a mode-000 file is unreadable here (not as root, not on Windows). */
function modeZeroIsUnreadable(): boolean {
  if (Deno.build.os === "windows") return false;
  const path = Deno.makeTempFileSync({ prefix: "pace-config-mode-" });
  try {
    Deno.chmodSync(path, 0o000);
    Deno.readFileSync(path);
    return false; // root reads anything
  } catch {
    return true;
  } finally {
    Deno.removeSync(path);
  }
}

Deno.test({
  name: "loadConfig: a file without read permission (mode 000) is an error",
  ignore: !modeZeroIsUnreadable(),
  async fn() {
    await withDir(async (dir) => {
      const path = await write(dir, "locked.yaml", GITHUB_BOTH);
      await Deno.chmod(path, 0o000);
      await assertRejects(
        () => loadConfig(path, { cwd: dir, env: {} }),
        ConfigError,
        "cannot be read",
      );
    });
  },
});

Deno.test("loadConfig: a bad file found by discovery names that file", async () => {
  await withDir(async (dir) => {
    await write(dir, "pace/pace.config.yaml", "platform:\n  ci: githbu\n");
    await assertRejects(
      () => loadConfig(undefined, { cwd: dir, env: {} }),
      ConfigError,
      'pace/pace.config.yaml:2:7: unknown platform "githbu"',
    );
    const bad = await write(dir, "bad.yaml", "platform: [\n");
    const error = await assertRejects(
      () => loadConfig(bad, { cwd: dir, env: {} }),
      ConfigError,
      "invalid YAML",
    );
    assertStringIncludes(error.message, `${bad}:`);
  });
});

Deno.test("loadConfig: a duplicate key in the file names file, line and column", async () => {
  await withDir(async (dir) => {
    await write(dir, "pace.config.yaml", "platform:\n  ci: github\n  ci: local\n");
    const error = await assertRejects(
      () => loadConfig(undefined, { cwd: dir, env: {} }),
      ConfigError,
      'pace.config.yaml:3:3: duplicate key "platform.ci"',
    );
    assertEquals(error.position, { line: 3, column: 3 });
  });
});

/** An environment that records every variable asked for. */
function recordingEnv(values: Record<string, string> = {}): { env: Env; read: Set<string> } {
  const read = new Set<string>();
  const env = new Proxy(values as Env, {
    get: (target, key) => {
      if (typeof key === "string") read.add(key);
      return typeof key === "string" ? target[key] : undefined;
    },
    has: (target, key) => {
      if (typeof key === "string") read.add(key);
      return key in target;
    },
    ownKeys: () => {
      read.add("*");
      return [];
    },
  });
  return { env, read };
}

Deno.test("loadConfig: reads PACE_CONFIG and no other variable", async () => {
  await withDir(async (dir) => {
    await write(dir, "pace.config.yaml", "platform:\n  ci: github\n  tracker: jira\n");
    const { env, read } = recordingEnv();
    await loadConfig(undefined, { cwd: dir, env });
    await loadConfigDocument(undefined, { cwd: dir, env });
    assertEquals([...read], ["PACE_CONFIG"]);
  });
});

Deno.test("loadConfigDocument: the parsed file, its source and text; empty without a file", async () => {
  await withDir(async (dir) => {
    assertEquals(await loadConfigDocument(undefined, { cwd: dir, env: {} }), { data: undefined });
    const text = "platform:\n  ci: github\nreleases:\n  - { name: r1, status: active }\n";
    await write(dir, "pace/pace.config.yaml", text);
    const document = await loadConfigDocument(undefined, { cwd: dir, env: {} });
    assertEquals(document, {
      data: { platform: { ci: "github" }, releases: [{ name: "r1", status: "active" }] },
      source: "pace/pace.config.yaml",
      text,
    });
    assertEquals(configFromDocument(document), await loadConfig(undefined, { cwd: dir, env: {} }));
    // The document does not interpret sections: a bad platform is found later.
    const bad = await write(dir, "bad.yaml", "platform:\n  ci: nope\n");
    assertEquals((await loadConfigDocument(bad)).data, { platform: { ci: "nope" } });
    assertThrows(() => configFromDocument(parseConfigDocument("platform:\n  ci: nope\n")));
    // ...but invalid YAML and duplicates are refused at once.
    await write(dir, "dup.yaml", "a: 1\na: 2\n");
    await assertRejects(
      () => loadConfigDocument("dup.yaml", { cwd: dir }),
      ConfigError,
      "dup.yaml:2:1: duplicate key",
    );
    await assertRejects(
      () => loadConfigDocument("missing.yaml", { cwd: dir }),
      ConfigError,
      "not found",
    );
  });
});
