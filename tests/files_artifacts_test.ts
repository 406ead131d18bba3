/**
 * Hostile artifacts, as real file layouts in a temp dir: links out of (and
 * inside) `.pace/`, a linked day directory, a FIFO, a `/dev/zero` link, a
 * huge file, a YAML alias bomb and agent text with 300 000 inner spaces.
 * Whatever the agents put under `.pace/`, reading returns promptly with a
 * problem, and nothing outside `.pace/` reaches a body.
 *
 * Cases that hung or blew up before run in a child process under
 * `--allow-read=.` with a deadline (an `AbortSignal.timeout` that kills it),
 * so a regression fails the test instead of hanging the suite.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";
import {
  collectReview,
  findBlocker,
  handoffNote,
  readArtifact,
  readDay,
  readTicketRef,
} from "../platforms/_pace/artifacts.ts";

const canRun = Deno.permissions.querySync({ name: "run" }).state === "granted";
const unix = Deno.build.os !== "windows";
const SECRET = "TOP-SECRET-OUTSIDE-PACE";
const MiB = 1024 * 1024;

/** A temp dir holding `repo/.pace/day-3/` and a sibling `outside/secret.txt`. */
async function withLayout(
  fn: (dirs: { root: string; repo: string; pace: string; day: string; secret: string }) => Promise<
    void
  >,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "pace-hostile-" });
  try {
    const repo = join(root, "repo");
    const pace = join(repo, ".pace");
    const day = join(pace, "day-3");
    await Deno.mkdir(day, { recursive: true });
    await Deno.mkdir(join(root, "outside"));
    const secret = join(root, "outside", "secret.txt");
    await Deno.writeTextFile(secret, `hold_reason: ${SECRET}\n`);
    await fn({ root, repo, pace, day, secret });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/**
 * Run `body` (a module's top level, with `artifacts`, `plans` and `markdown`
 * imported) in `cwd` under `--allow-read=.` only; it is killed at `deadlineMs`.
 */
async function inChild(
  root: string,
  cwd: string,
  body: string,
  deadlineMs = 15_000,
): Promise<{ code: number; signal: string | null; stdout: string; stderr: string }> {
  const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = join(root, `child-${crypto.randomUUID()}.ts`);
  await Deno.writeTextFile(
    script,
    [
      `import * as artifacts from ${url("../platforms/_pace/artifacts.ts")};`,
      `import * as plans from ${url("../platforms/_pace/plans.ts")};`,
      `import * as markdown from ${url("../platforms/_pace/markdown.ts")};`,
      "const logs: string[] = [];",
      "const logger = { debug() {}, info() {}, warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };",
      "void artifacts; void plans; void markdown; void logger;",
      body,
    ].join("\n"),
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--config=${fileURLToPath(new URL("../deno.json", import.meta.url))}`,
      "--allow-read=.",
      script,
    ],
    cwd,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(deadlineMs),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    signal: output.signal,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function finished(run: { code: number; signal: string | null; stderr: string }): void {
  assertEquals(run.signal, null, `killed at the deadline: ${run.stderr}`);
  assertEquals(run.code, 0, run.stderr);
}

// ---------------------------------------------------------------------------
// Links, special files and size

Deno.test({
  name: "artifacts: a link out of .pace/ is refused under --allow-read=. and never quoted",
  ignore: !canRun || !unix,
  fn: async () => {
    await withLayout(async ({ root, repo, day, secret }) => {
      await Deno.writeTextFile(join(day, "gate.md"), "gate_decision: HOLD\n");
      await Deno.symlink(secret, join(day, "sentinel.md"));
      const run = await inChild(
        root,
        repo,
        `const plan = await plans.escalationPlan(3, ".pace/day-3", logger);
         const sentinel = await artifacts.readArtifact(".pace/day-3/sentinel.md");
         console.log(JSON.stringify({ sentinel, body: markdown.toMarkdown(plan.doc), blocker: plan.blocker, logs }));`,
      );
      finished(run);
      const { sentinel, body, blocker, logs } = JSON.parse(run.stdout);
      assertEquals([sentinel.exists, sentinel.raw, sentinel.data], [true, "", undefined]);
      assertMatch(sentinel.problem, /^sentinel\.md is a symbolic link \(refused/);
      assert(!body.includes(SECRET), "the link's target is not in the body");
      assert(!blocker.includes(SECRET), "nor in the blocker");
      assertStringIncludes(body, "sentinel.md is a symbolic link");
      assert(logs.some((line: string) => line.startsWith("sentinel.md is a symbolic link")));
    });
  },
});

Deno.test("artifacts: a link to a file inside .pace/ is refused as well", async () => {
  await withLayout(async ({ pace, day }) => {
    await Deno.mkdir(join(pace, "day-2"));
    await Deno.writeTextFile(join(pace, "day-2", "gate.md"), "gate_decision: SHIP\n");
    await Deno.symlink("../day-2/gate.md", join(day, "gate.md"));
    const gate = await readArtifact(join(day, "gate.md"));
    assertEquals([gate.exists, gate.raw, gate.data], [true, "", undefined]);
    assertMatch(gate.problem ?? "", /^gate\.md is a symbolic link/);
    const review = await collectReview(pace, 4);
    assertEquals(review.days.map((d) => d.decision), ["UNKNOWN", "SHIP", "UNKNOWN"]);
    assertMatch(review.problems.join("\n"), /^Day 3: gate\.md is a symbolic link/);
  });
});

Deno.test("artifacts: a day directory linked out of .pace/ yields nothing from it", async () => {
  await withLayout(async ({ root, pace, day, secret }) => {
    await Deno.remove(day);
    await Deno.writeTextFile(join(root, "outside", "gate.md"), `hold_reason: ${SECRET}\n`);
    await Deno.writeTextFile(
      join(root, "outside", "story-ticket.yaml"),
      "url: https://evil.example/1\nplatform: github\n",
    );
    await Deno.symlink(join(root, "outside"), day);
    const artifacts = await readDay(day, 3);
    assertEquals([artifacts.gate.exists, artifacts.gate.raw], [true, ""]);
    assertMatch(artifacts.gate.problem ?? "", /^gate\.md lies outside \.pace\//);
    assertEquals(findBlocker(undefined, artifacts), "Unknown \u2014 see agent reports below");
    assertEquals(await readTicketRef(day), undefined);
    const gate = await readArtifact(join(pace, "day-3", "gate.md"), pace);
    assertMatch(gate.problem ?? "", /lies outside/);
    // The same file read as what it is, outside any .pace/, is fine.
    assertEquals((await readArtifact(secret)).data, { hold_reason: SECRET });
  });
});

Deno.test({
  name: "artifacts: a FIFO is refused without blocking",
  ignore: !canRun || !unix,
  fn: async () => {
    await withLayout(async ({ root, repo, day }) => {
      const made = await new Deno.Command("mkfifo", { args: [join(day, "conduit.md")] }).output();
      assert(made.success, "mkfifo");
      const run = await inChild(
        root,
        repo,
        `const plan = await plans.escalationPlan(3, ".pace/day-3", logger);
         const conduit = await artifacts.readArtifact(".pace/day-3/conduit.md");
         console.log(JSON.stringify({ conduit, logs, title: plan.title }));`,
      );
      finished(run);
      const { conduit, logs, title } = JSON.parse(run.stdout);
      assertEquals([conduit.exists, conduit.raw], [true, ""]);
      assertMatch(conduit.problem, /^conduit\.md is not a regular file/);
      assert(logs.some((line: string) => line.startsWith("conduit.md is not a regular file")));
      assertStringIncludes(title, "Day 3");
    });
  },
});

Deno.test({
  name: "artifacts: a link to /dev/zero is refused without reading it",
  ignore: !canRun || !unix,
  fn: async () => {
    await withLayout(async ({ root, repo, day }) => {
      await Deno.symlink("/dev/zero", join(day, "handoff.md"));
      const run = await inChild(
        root,
        repo,
        `const day = await artifacts.readDay(".pace/day-3", 3);
         console.log(JSON.stringify(day.handoff));`,
        // A regression reads gigabytes; stop it early.
        8_000,
      );
      finished(run);
      const handoff = JSON.parse(run.stdout);
      assertEquals([handoff.exists, handoff.raw], [true, ""]);
      assertMatch(handoff.problem, /^handoff\.md is a symbolic link/);
    });
  },
});

Deno.test("artifacts: a file over 1 MiB is refused unread; 1 MiB exactly is read", async () => {
  await withLayout(async ({ day }) => {
    const line = "hold_reason: x\n";
    const fill = (size: number) => line + "#".repeat(size - line.length - 1) + "\n";
    await Deno.writeTextFile(join(day, "gate.md"), fill(MiB + 1));
    await Deno.writeTextFile(join(day, "sentinel.md"), fill(MiB));
    const gate = await readArtifact(join(day, "gate.md"));
    assertEquals([gate.exists, gate.raw.length, gate.data === undefined], [true, 0, true]);
    assertEquals(gate.problem, "gate.md is too large (over 1 MiB; refused unread)");
    const sentinel = await readArtifact(join(day, "sentinel.md"));
    assertEquals(sentinel.data, { hold_reason: "x" });
    assertEquals(sentinel.raw.length, MiB);
  });
});

// ---------------------------------------------------------------------------
// YAML alias bombs

/** The classic billion laughs: nine levels of ten aliases, a billion strings. */
function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++) {
    const ref = `*${names[i - 1]}`;
    lines.push(`${names[i]}: &${names[i]} [${Array(10).fill(ref).join(",")}]`);
  }
  return `gate_decision: HOLD\n${lines.join("\n")}\n`;
}

Deno.test("artifacts: the billion laughs is read at once, as a problem", async () => {
  await withLayout(async ({ day }) => {
    const bomb = billionLaughs();
    assert(bomb.length < 700, `${bomb.length} bytes`);
    await Deno.writeTextFile(join(day, "gate.md"), bomb);
    const gate = await readArtifact(join(day, "gate.md"));
    // Never hand the parsed bomb to an assertion: printing it is the bomb going off.
    assert(gate.data === undefined, "the bomb yields no data");
    assertEquals([gate.exists, gate.raw], [true, bomb]);
    assertEquals(gate.problem, "gate.md expands its YAML aliases to over 100000 values");
  });
});

Deno.test("artifacts: more than 100 aliases are not parsed at all", async () => {
  await withLayout(async ({ day }) => {
    const many = `base: &b x\nlist: [${Array(101).fill("*b").join(", ")}]\n`;
    await Deno.writeTextFile(join(day, "gate.md"), many);
    const gate = await readArtifact(join(day, "gate.md"));
    assert(gate.data === undefined, "not parsed");
    assertEquals(gate.problem, "gate.md has too many YAML aliases (over 100)");
    const fine = `base: &b x\nlist: [${Array(100).fill("*b").join(", ")}]\n`;
    await Deno.writeTextFile(join(day, "gate.md"), fine);
    assertEquals(((await readArtifact(join(day, "gate.md"))).data?.list as string[]).length, 100);
  });
});

Deno.test({
  name: "artifacts: an escalation over a bomb in gate.md has a bounded body",
  ignore: !canRun,
  fn: async () => {
    await withLayout(async ({ root, repo, day }) => {
      await Deno.writeTextFile(join(day, "gate.md"), billionLaughs());
      await Deno.writeTextFile(join(day, "sentinel.md"), "hold_reason: &r [*r]\n");
      // A regression expands the bomb for minutes and gigabytes: the deadline stops it.
      const run = await inChild(
        root,
        repo,
        `const plan = await plans.escalationPlan(3, ".pace/day-3", logger);
         console.log(JSON.stringify({ body: markdown.toMarkdown(plan.doc), logs }));`,
      );
      finished(run);
      const { body, logs } = JSON.parse(run.stdout);
      assert(body.length < 20_000, `${body.length} characters`);
      assertStringIncludes(body, "gate.md expands its YAML aliases");
      assertStringIncludes(body, '"lol","lol"'); // quoted verbatim
      assertStringIncludes(body, "sentinel.md has a YAML alias that contains itself");
      assert(logs.some((line: string) => line.startsWith("gate.md expands")));
    });
  },
});

// ---------------------------------------------------------------------------
// Linear time on agent text

Deno.test({
  name: "artifacts: 300 000 inner spaces in agent text are read in linear time",
  ignore: !canRun,
  fn: async () => {
    await withLayout(async ({ root, repo, day }) => {
      const spaced = `word${" ".repeat(300_000)}word`;
      await Deno.writeTextFile(
        join(day, "handoff.md"),
        `summary: "${spaced}\t "\ncommit: abc1234\n`,
      );
      await Deno.writeTextFile(join(day, "gate.md"), `hold_reason: "${spaced}"\n`);
      const spaces = " ".repeat(300_000);
      await Deno.writeTextFile(
        join(day, "story.md"),
        `---\ntarget: t\n#${spaces}x\n---${spaces}\n\`\`\`${spaces}\n`,
      );
      await Deno.writeTextFile(
        join(day, "sentinel.md"),
        `# S\n\n\`\`\`yaml${spaces}\nhold_reason: s\n\`\`\`${spaces}\n`,
      );
      // The guard only kills a regression; the run itself takes well under a second.
      const run = await inChild(
        root,
        repo,
        `const day = await artifacts.readDay(".pace/day-3", 3);
         console.log(JSON.stringify({
           summary: artifacts.handoffNote(day.handoff)?.summary,
           blocker: artifacts.findBlocker(undefined, day),
           story: day.story.data,
           sentinel: day.sentinel.data,
         }));`,
      );
      finished(run);
      const result = JSON.parse(run.stdout);
      assertEquals(result.summary, spaced);
      assertEquals(result.blocker, spaced);
      assertEquals(result.story, { target: "t" });
      assertEquals(result.sentinel, { hold_reason: "s" });
    });
  },
});

Deno.test("handoffNote trims only trailing whitespace from the summary", () => {
  const raw = 'summary: "  keep lead\\n\\n  and inner   \\t\\n  "\n';
  const note = handoffNote({
    name: "handoff.md",
    path: "handoff.md",
    exists: true,
    raw,
    data: { summary: "  keep lead\n\n  and inner   \t\n  " },
  });
  assertEquals(note?.summary, "  keep lead\n\n  and inner");
});
