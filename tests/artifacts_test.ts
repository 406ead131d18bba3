/**
 * The tolerant artifact readers: every malformed input yields a record with a
 * problem instead of an exception, and the review, blocker and ticket rules
 * built on them.
 *
 * @module
 */

import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "./_assert.ts";
import {
  type ArtifactFile,
  collectReview,
  countYamlAliases,
  CUT_NOTE,
  DEPTH_LIMIT,
  findBlocker,
  gateReport,
  handoffNote,
  paceRootOf,
  parseArtifactText,
  readArtifact,
  readDay,
  readTicketRef,
  storyCard,
  TEXT_LIMIT,
  toList,
  toText,
  writeTicketRef,
} from "../platforms/_pace/artifacts.ts";
import { UNKNOWN_BLOCKER } from "../platforms/_pace/names.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pace-artifacts-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function write(path: string, content: string | Uint8Array): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  if (typeof content === "string") await Deno.writeTextFile(path, content);
  else await Deno.writeFile(path, content);
}

function artifact(name: string, raw: string): ArtifactFile {
  return { name, path: name, exists: true, raw, ...parseArtifactText(name, raw) };
}

const MISSING: ArtifactFile = {
  name: "x.md",
  path: "x.md",
  exists: false,
  raw: "",
  data: undefined,
  problem: "x.md not found",
};

Deno.test("readArtifact: a missing file is not an error, just absent", async () => {
  await withTempDir(async (dir) => {
    const file = await readArtifact(join(dir, "story.md"));
    assertEquals(file, {
      name: "story.md",
      path: join(dir, "story.md"),
      exists: false,
      raw: "",
      data: undefined,
      problem: "story.md not found",
    });
  });
});

Deno.test("readArtifact: empty and whitespace-only files", async () => {
  await withTempDir(async (dir) => {
    await write(join(dir, "gate.md"), "");
    await write(join(dir, "handoff.md"), "  \n\n\t\n");
    const empty = await readArtifact(join(dir, "gate.md"));
    assertStrictEquals(empty.exists, true);
    assertStrictEquals(empty.data, undefined);
    assertStrictEquals(empty.problem, "gate.md is empty");
    const blank = await readArtifact(join(dir, "handoff.md"));
    assertStrictEquals(blank.problem, "handoff.md is empty");
    assertStrictEquals(blank.raw, "  \n\n\t\n");
  });
});

Deno.test("readArtifact: a list or a scalar is not a mapping", async () => {
  await withTempDir(async (dir) => {
    await write(join(dir, "handoff.md"), "- a\n- b\n");
    await write(join(dir, "story.md"), "Just some prose about the day.\n");
    await write(join(dir, "gate.md"), "42\n");
    await write(join(dir, "conduit.md"), "# only a comment\n");
    const list = await readArtifact(join(dir, "handoff.md"));
    assertStrictEquals(list.problem, "handoff.md is a list, not a mapping");
    assertStrictEquals(list.raw, "- a\n- b\n");
    assertStrictEquals(list.data, undefined);
    assertStrictEquals(list.format, undefined);
    const prose = await readArtifact(join(dir, "story.md"));
    assertStrictEquals(prose.problem, "story.md is plain text, not a YAML mapping");
    const number = await readArtifact(join(dir, "gate.md"));
    assertStrictEquals(number.problem, "gate.md is a number, not a mapping");
    const comment = await readArtifact(join(dir, "conduit.md"));
    assertStrictEquals(comment.problem, "conduit.md holds no YAML data");
  });
});

Deno.test("readArtifact: malformed YAML names line and column", async () => {
  await withTempDir(async (dir) => {
    await write(join(dir, "story.md"), "target: ok\nacceptance: [one,\n");
    const file = await readArtifact(join(dir, "story.md"));
    assertStrictEquals(file.data, undefined);
    assertStrictEquals(
      file.problem,
      "story.md is not valid YAML (line 3, column 1): unexpected end of the stream within a flow collection",
    );
    assertStrictEquals(file.raw, "target: ok\nacceptance: [one,\n");
  });
});

Deno.test("readArtifact: binary bytes and invalid UTF-8 are not text", async () => {
  await withTempDir(async (dir) => {
    await write(join(dir, "gate.md"), new Uint8Array([0x67, 0x61, 0x00, 0x01, 0x02]));
    await write(join(dir, "sentinel.md"), new Uint8Array([0x61, 0xc3, 0x28, 0xff]));
    const nul = await readArtifact(join(dir, "gate.md"));
    assertEquals([nul.exists, nul.raw, nul.data, nul.problem], [
      true,
      "",
      undefined,
      "gate.md is not text",
    ]);
    const invalid = await readArtifact(join(dir, "sentinel.md"));
    assertStrictEquals(invalid.problem, "sentinel.md is not text");
  });
});

Deno.test("readArtifact: a directory in place of a file", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "gate.md"));
    const file = await readArtifact(join(dir, "gate.md"));
    assertStrictEquals(file.exists, true);
    assertStrictEquals(file.data, undefined);
    assertMatch(file.problem ?? "", /^gate\.md (is a directory|could not be read)/);
  });
});

const canRun = Deno.permissions.querySync({ name: "run" }).state === "granted";

Deno.test({
  name: "readArtifact: permission denied (NotCapable) becomes a problem, not a throw",
  // Needs a child process with a narrower --allow-read; skipped without --allow-run.
  ignore: !canRun,
  fn: async () => {
    await withTempDir(async (dir) => {
      await write(join(dir, "secret", "gate.md"), "gate_decision: SHIP\n");
      const script = join(dir, "probe.ts");
      const moduleUrl = new URL("../platforms/_pace/artifacts.ts", import.meta.url).href;
      await Deno.writeTextFile(
        script,
        `import { readArtifact } from ${JSON.stringify(moduleUrl)};\n` +
          `console.log(JSON.stringify(await readArtifact(Deno.args[0])));\n`,
      );
      const config = new URL("../deno.json", import.meta.url).pathname;
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--no-prompt",
          `--config=${config}`,
          `--allow-read=${join(dir, "elsewhere")}`,
          script,
          join(dir, "secret", "gate.md"),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      assertStrictEquals(output.code, 0, stderr);
      const file = JSON.parse(new TextDecoder().decode(output.stdout));
      assertStrictEquals(file.exists, true);
      assertStrictEquals(file.problem, "gate.md could not be read: permission denied");
    });
  },
});

Deno.test("parseArtifactText: markdown with YAML front matter", () => {
  const raw = "---\ntarget: Add login\nacceptance:\n  - works\n---\n\n# Story\n\nProse here.\n";
  const file = artifact("story.md", raw);
  assertEquals(file.data, { target: "Add login", acceptance: ["works"] });
  assertStrictEquals(file.problem, undefined);
  assertStrictEquals(file.format, "front-matter");
});

Deno.test("parseArtifactText: broken front matter reports file lines", () => {
  const file = artifact("story.md", "---\ntarget: ok\nbad: [\n---\n# Story\n");
  assertStrictEquals(file.data, undefined);
  assertMatch(
    file.problem ?? "",
    /^story\.md front matter is not valid YAML \(line 4, column \d+\)/,
  );
});

Deno.test("parseArtifactText: first fenced yaml or yml block", () => {
  const raw = [
    "# Gate report",
    "",
    "The gate held the day.",
    "",
    "```yaml",
    "gate_decision: HOLD",
    "hold_reason: flaky test",
    "```",
    "",
    "```yaml",
    "gate_decision: SHIP",
    "```",
  ].join("\n");
  const file = artifact("gate.md", raw);
  assertEquals(file.data, { gate_decision: "HOLD", hold_reason: "flaky test" });
  assertStrictEquals(file.format, "fenced");
  const tilde = artifact("gate.md", "Report\n\n~~~~yml\ngate_decision: SHIP\n~~~~\n");
  assertEquals(tilde.data, { gate_decision: "SHIP" });
  const broken = artifact("sentinel.md", "# S\n\n```yaml\nhold_reason: [x\n```\n");
  assertMatch(broken.problem ?? "", /^sentinel\.md yaml block is not valid YAML \(line 5,/);
});

Deno.test("parseArtifactText: pure YAML, CRLF and a byte order mark", () => {
  assertEquals(artifact("gate.md", "gate_decision: SHIP\r\nhold_reason: ''\r\n").data, {
    gate_decision: "SHIP",
    hold_reason: "",
  });
  assertStrictEquals(artifact("gate.md", "gate_decision: SHIP\n").format, "yaml");
});

Deno.test("readArtifact strips a UTF-8 byte order mark", async () => {
  await withTempDir(async (dir) => {
    await write(join(dir, "story.md"), "\uFEFFtarget: x\n");
    assertEquals((await readArtifact(join(dir, "story.md"))).data, { target: "x" });
  });
});

Deno.test("readDay reads all five artifacts without throwing", async () => {
  await withTempDir(async (dir) => {
    await write(join(dir, "story.md"), "target: T\n");
    await write(join(dir, "gate.md"), "- not a mapping\n");
    const day = await readDay(dir, 6);
    assertStrictEquals(day.day, 6);
    assertStrictEquals(day.dayDir, dir);
    assertEquals(day.story.data, { target: "T" });
    assertStrictEquals(day.gate.problem, "gate.md is a list, not a mapping");
    assertStrictEquals(day.handoff.exists, false);
    assertStrictEquals(day.sentinel.name, "sentinel.md");
    assertStrictEquals(day.conduit.problem, "conduit.md not found");
  });
});

Deno.test("toText and toList stringify YAML values for humans", () => {
  assertStrictEquals(toText("as is"), "as is");
  assertStrictEquals(toText(3), "3");
  assertStrictEquals(toText(false), "false");
  assertStrictEquals(toText(null), "");
  assertStrictEquals(toText(undefined), "");
  assertStrictEquals(toText({ given: "x", then: "y" }), "given: x, then: y");
  assertStrictEquals(toText(["a", 1]), "a, 1");
  assertStrictEquals(toText({ a: { b: 1 } }), '{"a":{"b":1}}');
  assertEquals(toList(["a", "", null, 2, { k: "v" }, "  b  "]), ["a", "2", "k: v", "b"]);
  assertEquals(toList("single"), ["single"]);
  assertEquals(toList(undefined), []);
});

Deno.test("storyCard reads target, acceptance and out_of_scope", () => {
  const card = storyCard(artifact(
    "story.md",
    "target: Add login\nacceptance:\n  - user logs in\n  - given: a user\n    then: a session\n  - 42\nout_of_scope: SSO\n",
  ));
  assertEquals(card, {
    target: "Add login",
    acceptance: ["user logs in", "given: a user, then: a session", "42"],
    outOfScope: ["SSO"],
  });
  assertStrictEquals(storyCard(artifact("story.md", "other: 1\n")), undefined);
  assertStrictEquals(storyCard(artifact("story.md", "- a\n")), undefined);
  assertStrictEquals(storyCard(MISSING), undefined);
});

Deno.test("handoffNote keeps a multi-line summary and a numeric-looking commit", () => {
  const note = handoffNote(artifact(
    "handoff.md",
    "commit: 1234e56\nsummary: |\n  Line one.\n  Line two.\nfiles: [a.ts, b.ts]\ndeferred:\n  - docs\n",
  ));
  assertEquals(note, {
    commit: "1234e56",
    summary: "Line one.\nLine two.",
    files: ["a.ts", "b.ts"],
    deferred: ["docs"],
  });
  assertStrictEquals(handoffNote(artifact("handoff.md", "unrelated: true\n")), undefined);
  assertStrictEquals(handoffNote(MISSING), undefined);
});

Deno.test("gateReport normalises the gate and is {} when unusable", () => {
  assertEquals(
    gateReport(artifact("gate.md", "gate_decision: HOLD\nhold_reason: 5\ndeferred: one\nx: 1\n")),
    { gate_decision: "HOLD", hold_reason: "5", deferred: ["one"], x: 1 },
  );
  assertEquals(gateReport(artifact("gate.md", "gate_decision: null\n")), {});
  assertEquals(gateReport(artifact("gate.md", "gate_decision: [SHIP\n")), {});
  assertEquals(gateReport(MISSING), {});
});

Deno.test("findBlocker: argument, then gate, sentinel, conduit, then the fallback", () => {
  const day = (gate: string, sentinel: string, conduit: string) => ({
    day: 3,
    dayDir: "d",
    story: MISSING,
    handoff: MISSING,
    gate: gate ? artifact("gate.md", gate) : MISSING,
    sentinel: sentinel ? artifact("sentinel.md", sentinel) : MISSING,
    conduit: conduit ? artifact("conduit.md", conduit) : MISSING,
  });
  const all = day("hold_reason: gate says", "hold_reason: sentinel says", "hold_reason: conduit");
  assertStrictEquals(findBlocker("  given reason  ", all), "given reason");
  assertStrictEquals(findBlocker("   ", all), "gate says");
  assertStrictEquals(findBlocker(undefined, all), "gate says");
  assertStrictEquals(
    findBlocker(undefined, day("hold_reason: '  '", "hold_reason: sentinel says", "")),
    "sentinel says",
  );
  assertStrictEquals(
    findBlocker(undefined, day("[broken", "- list", "hold_reason: conduit says")),
    "conduit says",
  );
  assertStrictEquals(findBlocker("", day("", "", "")), UNKNOWN_BLOCKER);
  assertStrictEquals(findBlocker(undefined, day("", "", "")), "Unknown — see agent reports below");
});

Deno.test("collectReview counts SHIP against the rest over [start, day)", async () => {
  await withTempDir(async (pace) => {
    await write(
      join(pace, "day-1", "gate.md"),
      "gate_decision: SHIP\ndeferred:\n  - polish css\n",
    );
    await write(
      join(pace, "day-2", "gate.md"),
      "gate_decision: hold\nhold_reason: tests\ndeferred:\n  - retry logic\n  - id: D-2\n    note: docs\n",
    );
    // day 3: no directory at all
    await write(join(pace, "day-4", "gate.md"), "gate_decision: [SHIP\n");
    await write(join(pace, "day-5", "gate.md"), "gate_decision: SHIP\n"); // the gate day itself
    const review = await collectReview(pace, 5);
    assertStrictEquals(review.start, 1);
    assertStrictEquals(review.day, 5);
    assertEquals(review.days.map((d) => [d.day, d.decision]), [
      [1, "SHIP"],
      [2, "HOLD"],
      [3, "UNKNOWN"],
      [4, "UNKNOWN"],
    ]);
    assertStrictEquals(review.shipped, 1);
    assertStrictEquals(review.other, 3);
    assertEquals(review.deferred, [
      { day: 1, item: "polish css" },
      { day: 2, item: "retry logic" },
      { day: 2, item: "id: D-2, note: docs" },
    ]);
    assertStrictEquals(review.problems.length, 1);
    assertMatch(review.problems[0], /^Day 4: gate\.md is not valid YAML \(line 2, column 1\)/);
  });
});

Deno.test("collectReview follows the period start and excludes the day itself", async () => {
  await withTempDir(async (pace) => {
    await write(join(pace, "day-14", "gate.md"), "gate_decision: SHIP\n");
    await write(join(pace, "day-15", "gate.md"), "gate_decision: SHIP\n");
    const first = await collectReview(pace, 15);
    assertEquals([first.start, first.days.length, first.shipped, first.other], [15, 0, 0, 0]);
    const second = await collectReview(pace, 16);
    assertEquals(second.days, [{ day: 15, decision: "SHIP", deferred: [] }]);
    const day1 = await collectReview(pace, 1);
    assertEquals([day1.start, day1.days.length], [1, 0]);
    const day29 = await collectReview(pace, 31);
    assertEquals(day29.days.map((d) => d.day), [29, 30]);
    assertStrictEquals(day29.other, 2);
  });
});

Deno.test("ticket reference round trip", async () => {
  await withTempDir(async (dir) => {
    const dayDir = join(dir, ".pace", "day-3");
    await writeTicketRef(dayDir, {
      url: "https://jira.example/browse/PACE-7",
      platform: "jira",
      key: "PACE-7",
    });
    assertEquals(await readTicketRef(dayDir), {
      url: "https://jira.example/browse/PACE-7",
      platform: "jira",
      key: "PACE-7",
    });
    const raw = await Deno.readTextFile(join(dayDir, "story-ticket.yaml"));
    assertMatch(raw, /^url: https:\/\/jira\.example\/browse\/PACE-7$/m);
    await writeTicketRef(dayDir, {
      url: "https://github.com/o/r/issues/12",
      platform: "github",
      id: 12,
    });
    assertEquals(await readTicketRef(dayDir), {
      url: "https://github.com/o/r/issues/12",
      platform: "github",
      id: 12,
    });
    // Nothing but the reference is left behind.
    const names = [];
    for await (const entry of Deno.readDir(dayDir)) names.push(entry.name);
    assertEquals(names, ["story-ticket.yaml"]);
  });
});

Deno.test("readTicketRef is undefined for a missing or invalid reference", async () => {
  await withTempDir(async (dir) => {
    assertStrictEquals(await readTicketRef(dir), undefined);
    await write(join(dir, "story-ticket.yaml"), "platform: github\nid: 3\n");
    assertStrictEquals(await readTicketRef(dir), undefined);
    await write(join(dir, "story-ticket.yaml"), "url: [broken\n");
    assertStrictEquals(await readTicketRef(dir), undefined);
    await write(join(dir, "story-ticket.yaml"), "- url: https://x\n");
    assertStrictEquals(await readTicketRef(dir), undefined);
  });
});

Deno.test("writeTicketRef rejects when the directory cannot be created", async () => {
  await withTempDir(async (dir) => {
    await write(join(dir, "file"), "not a directory");
    await assertRejects(() =>
      writeTicketRef(join(dir, "file", "day-1"), { url: "https://x", platform: "local" })
    );
    assert(true);
  });
});

Deno.test("toText stays bounded on shared, deep and circular values", () => {
  // A node listed twice, sixteen levels deep: 65 536 shared leaves, half a megabyte as JSON
  // (kept small so that a regression fails here instead of exhausting memory).
  let shared: unknown = ["lol"];
  for (let i = 0; i < 16; i++) shared = [shared, shared];
  const text = toText({ bomb: shared });
  assert(text.length <= TEXT_LIMIT + CUT_NOTE.length, `${text.length} characters`);
  assert(text.startsWith('{"bomb":[[[['));
  assert(text.endsWith(CUT_NOTE));

  let deep: unknown = "bottom";
  for (let i = 0; i < DEPTH_LIMIT + 5; i++) deep = { d: deep };
  const nested = toText(deep);
  assert(!nested.includes("bottom"), "cut at the depth limit");
  assertStringIncludes(nested, '"…"');

  const loop: Record<string, unknown> = { name: "x" };
  loop.self = loop;
  loop.list = [loop];
  assertStrictEquals(
    toText(loop),
    '{"name":"x","self":"[circular]","list":["[circular]"]}',
  );

  // A flat list of a long string repeated, and a flat mapping, are bounded too.
  const long = "y".repeat(10_000);
  assert(toText(Array(100).fill(long)).length <= TEXT_LIMIT + CUT_NOTE.length);
  const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, long]));
  assert(toText(wide).endsWith(CUT_NOTE));
  // Ordinary values are untouched.
  assertStrictEquals(toText({ a: [1, "two", null, true] }), '{"a":[1,"two",null,true]}');
  assertStrictEquals(toText("z".repeat(TEXT_LIMIT * 2)).length, TEXT_LIMIT * 2);
});

Deno.test("toList stops at its limit and says how many items were cut", () => {
  const item = "w".repeat(300_000);
  const list = toList(Array(10).fill(item));
  assertStrictEquals(list.length, 4);
  assertStrictEquals(list[3], "… 7 more item(s) cut");
  assert(list.slice(0, 3).every((entry) => entry === item));
});

Deno.test("countYamlAliases counts aliases where a node starts, not stars in text", () => {
  assertStrictEquals(countYamlAliases("a: *x\nb: [*x, *y]\n- *z\n? *k\n*top: 1\n{q: *r}"), 7);
  assertStrictEquals(countYamlAliases("a: some *emphasis* here\nb: '*quoted'\n* bullet\n"), 0);
  assertStrictEquals(countYamlAliases("a: **bold**"), 1);
});

Deno.test("paceRootOf: the nearest .pace ancestor, else the day directory's parent", () => {
  assertStrictEquals(paceRootOf(join("repo", ".pace", "day-3")), join("repo", ".pace"));
  assertStrictEquals(paceRootOf(join(".pace", "day-3")), ".pace");
  assertStrictEquals(paceRootOf(join("/", "r", ".pace", "x", "day-3")), join("/", "r", ".pace"));
  assertStrictEquals(paceRootOf(join("/", "tmp", "days", "day-3")), join("/", "tmp", "days"));
  assertStrictEquals(paceRootOf("day-3"), ".");
});
