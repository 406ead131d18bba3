import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliIo, EXIT, main } from "../cli.ts";
import { CliLogger, tookEffect } from "../cli/output.ts";
import { BaseCIAdapter, listPlatforms, registerPlatform } from "../mod.ts";
import type {
  CiConclusion,
  CiResult,
  Env,
  ResolvedContext,
  TrackerAdapter,
  WaitOptions,
} from "../mod.ts";
import { writeSamplePace } from "../testing.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "./_assert.ts";
import { FakeGitHub } from "./servers/github.ts";

const noGitHub = !listPlatforms().some((p) => p.name === "github");

interface Captured {
  code: number;
  out: string[];
  err: string[];
  /** Both streams in order, as `out: …` / `err: …`. */
  log: string[];
  stdout: string;
  stderr: string;
}

interface RunOptions {
  cwd: string;
  env?: Env;
  stdin?: string;
  signal?: AbortSignal;
}

/** Run `main` in-process with captured streams. */
async function cli(args: string[], options: RunOptions): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const log: string[] = [];
  const io: CliIo = {
    stdout: (text) => {
      out.push(text);
      log.push(`out: ${text}`);
    },
    stderr: (text) => {
      err.push(text);
      log.push(`err: ${text}`);
    },
    env: options.env ?? {},
    cwd: options.cwd,
    signal: options.signal ?? new AbortController().signal,
    readStdin: options.stdin === undefined ? undefined : () => Promise.resolve(options.stdin!),
  };
  const code = await main(args, io);
  return { code, out, err, log, stdout: out.join("\n"), stderr: err.join("\n") };
}

function show(run: Captured): string {
  return `exit ${run.code}\n${run.log.join("\n")}`;
}

async function withRepo(fn: (root: string) => Promise<void>): Promise<void> {
  const made = await Deno.makeTempDir({ prefix: "pace-cli-" });
  try {
    const root = await Deno.realPath(made);
    await writeSamplePace(root);
    await fn(root);
  } finally {
    await Deno.remove(made, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

const p = (root: string, ...parts: string[]) => join(root, ".pace", ...parts);

// ---------------------------------------------------------------------------
// Every command on the local platform

Deno.test("cli: every command works on the local platform", async () => {
  await withRepo(async (root) => {
    const run = (...args: string[]) => cli(args, { cwd: root });

    const check = await run("check");
    assertEquals([check.code, check.out], [0, ["ok"]], show(check));
    assertStringIncludes(check.stderr, "built-in local default");

    const perms = await run("permissions");
    assertEquals(perms.out, [
      "--allow-env=PACE_CONFIG,PACE_RELEASE --allow-read=. --allow-write=.pace,pace-summary.md",
    ]);

    const story = await run("tracker", "push-story", "--day", "1");
    assertEquals([story.code, story.out], [0, [p(root, "day-1", "story-ticket.md")]], show(story));

    const status = await run("tracker", "story-status", "--day", "1", "--status", "in_progress");
    assertEquals([status.code, status.out], [0, [""]], show(status));
    assertStringIncludes(
      await Deno.readTextFile(p(root, "day-1", "story-ticket.md")),
      "Status: in_progress",
    );

    const handoff = await run("tracker", "handoff", "--day", "1");
    assertEquals(handoff.code, 0, show(handoff));
    assert(await exists(p(root, "day-1", "story-handoff-comment.md")));

    const escalate = await run(
      "tracker",
      "escalate",
      "--day",
      "3",
      "--reason",
      "Deploy key expired",
    );
    assertEquals(escalate.out, [p(root, "day-3", "escalation-issue.md")], show(escalate));
    assertStringIncludes(
      await Deno.readTextFile(p(root, "day-3", "escalation-issue.md")),
      "Day 3 \u2014 Deploy key expired",
    );

    const close = await run("tracker", "close-plan-issue", "12");
    assertEquals(close.code, 0, show(close));

    const review = await run("ci", "review-pr", "--day", "14", "--context-note", "Auth flow");
    assertEquals(review.out, [p(root, "day-14", "review-pr.md")], show(review));
    assertStringIncludes(await Deno.readTextFile(p(root, "day-14", "review-pr.md")), "Auth flow");

    // --pace-dir elsewhere: the review PR lands there.
    const otherPace = join(root, "elsewhere", ".pace");
    await Deno.mkdir(otherPace, { recursive: true });
    const moved = await run("ci", "review-pr", "--day", "15", "--pace-dir", "elsewhere/.pace");
    assertEquals(moved.out, [join(otherPace, "day-15", "review-pr.md")], show(moved));

    const daily = await run("ci", "daily-summary", "--day", "3");
    assertEquals(daily.code, 0, show(daily));
    assert(daily.err.includes("[Local] Day 3 summary: \u{1F534} HOLD"), show(daily));
    const damaged = await run("ci", "daily-summary", "--day", "2");
    assertEquals(damaged.code, 0, "a binary gate.md is no crash");
    assertStringIncludes(damaged.stderr, "Day 2 summary: \u{1F534} UNKNOWN");

    await Deno.writeTextFile(join(root, "report.md"), "# Report\n");
    const summary = await run("ci", "job-summary", "report.md");
    assertEquals(summary.code, 0, show(summary));
    assertEquals(await Deno.readTextFile(join(root, "pace-summary.md")), "# Report\n");
    const fromStdin = await cli(["ci", "job-summary", "-"], { cwd: root, stdin: "# From stdin" });
    assertEquals(fromStdin.code, 0, show(fromStdin));
    assertEquals(await Deno.readTextFile(join(root, "pace-summary.md")), "# From stdin\n");

    const set = await run("ci", "set-var", "PACE_DAY", "3");
    assertEquals([set.code, set.out], [0, ["ok"]], show(set));
    const get = await run("ci", "get-var", "PACE_DAY");
    assertEquals([get.code, get.out], [0, ["3"]], "the bare value");

    const wait = await run("ci", "wait", "0123abcd");
    assertEquals([wait.code, wait.out], [EXIT.noRuns, ["no_runs"]], show(wait));
  });
});

Deno.test("cli: get-var prints the bare value, the environment first; exit 1 when unset", async () => {
  await withRepo(async (root) => {
    const env = { PACE_FROM_ENV: "env value with spaces" };
    const fromEnv = await cli(["ci", "get-var", "PACE_FROM_ENV"], { cwd: root, env });
    assertEquals([fromEnv.code, fromEnv.out], [0, ["env value with spaces"]]);
    const unset = await cli(["ci", "get-var", "PACE_NOPE"], { cwd: root, env });
    assertEquals([unset.code, unset.out], [1, []], show(unset));
    assertStringIncludes(unset.stderr, "PACE_NOPE is not set");
    const json = await cli(["ci", "get-var", "PACE_NOPE", "--json"], { cwd: root, env });
    assertEquals(json.code, 1);
    assertEquals(json.out.map((line) => JSON.parse(line)), [{ ok: false, value: null }]);
  });
});

// ---------------------------------------------------------------------------
// Help

Deno.test("cli: --help at the top, per group and per command exits 0", async () => {
  await withRepo(async (root) => {
    const top = await cli(["--help"], { cwd: root });
    assertEquals(top.code, 0);
    assertStringIncludes(top.stdout, "Commands:");
    assertStringIncludes(top.stdout, "pace ci wait SHA");
    assertStringIncludes(top.stdout, "pace tracker escalate --day N");
    assertStringIncludes(top.stdout, "Exit codes:");
    assertStringIncludes(top.stdout, "local (ci, tracker)");
    assertEquals((await cli(["-h"], { cwd: root })).stdout, top.stdout);

    const group = await cli(["ci", "--help"], { cwd: root });
    assertEquals(group.code, 0);
    assertStringIncludes(group.stdout, "pace ci wait SHA");
    assertStringIncludes(group.stdout, "pace ci get-var NAME");
    assertNotMatch(group.stdout, /tracker escalate/);

    const command = await cli(["ci", "wait", "--help"], { cwd: root });
    assertEquals(command.code, 0);
    assertMatch(command.stdout, /^pace ci wait SHA \[--timeout-minutes N\]/);
    assertStringIncludes(command.stdout, "--poll-interval-seconds");
    assertStringIncludes(command.stdout, "Global options (anywhere on the line):");
    for (const line of ["0  success", "2  usage or config error", "3  ci wait: cancelled"]) {
      assertStringIncludes(command.stdout, line);
    }
    assertStringIncludes(command.stdout, "4  ci wait: no CI runs");
    assertStringIncludes(command.stdout, "5  ci wait: timed out");
    // --help anywhere, even with an otherwise incomplete command.
    const late = await cli(["tracker", "advisory", "--help"], { cwd: root });
    assertEquals(late.code, 0);
    assertMatch(late.stdout, /^pace tracker advisory --day N --agent NAME --items FILE/);

    const bare = await cli([], { cwd: root });
    assertEquals(bare.code, EXIT.usage, "no command is a usage error");
    assertStringIncludes(bare.stdout, "Commands:");
    assertEquals((await cli(["tracker"], { cwd: root })).code, EXIT.usage);
  });
});

// ---------------------------------------------------------------------------
// Global options, --json

Deno.test("cli: global options stand anywhere on the line", async () => {
  await withRepo(async (root) => {
    const elsewhere = await Deno.makeTempDir({ prefix: "pace-cli-cwd-" });
    try {
      const expected = p(root, "day-3", "escalation-issue.md");
      const after = await cli(["tracker", "escalate", "--day", "3", "--repo-root", root], {
        cwd: elsewhere,
      });
      assertEquals(after.out, [expected], show(after));
      const before = await cli(["--repo-root", root, "tracker", "escalate", "--day", "3"], {
        cwd: elsewhere,
      });
      assertEquals(before.out, [expected], show(before));
      const between = await cli(
        ["tracker", "--json", "escalate", "--day=3", `--repo-root=${root}`],
        {
          cwd: elsewhere,
        },
      );
      assertEquals(between.out.map((l) => JSON.parse(l)), [{ ok: true, url: expected }]);
      const first = await cli(["--json", "ci", "wait", "abc1234"], { cwd: root });
      assertEquals(JSON.parse(first.stdout).conclusion, "no_runs");
      // A relative --repo-root is resolved against the working directory.
      const relative = await cli(["tracker", "push-story", "--day", "1", "--repo-root", "."], {
        cwd: root,
      });
      assertEquals(relative.out, [p(root, "day-1", "story-ticket.md")]);
    } finally {
      await Deno.remove(elsewhere, { recursive: true });
    }
  });
});

Deno.test("cli: --json prints exactly one JSON object on stdout, for every command", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(join(root, "items.yaml"), "- id: S-1\n  finding: x\n");
    await Deno.writeTextFile(join(root, "report.md"), "# r\n");
    const commands = [
      ["check"],
      ["permissions"],
      ["ci", "wait", "abc1234"],
      ["ci", "review-pr", "--day", "14"],
      ["ci", "daily-summary", "--day", "3"],
      ["ci", "job-summary", "report.md"],
      ["ci", "set-var", "A", "1"],
      ["ci", "get-var", "A"],
      ["tracker", "escalate", "--day", "3"],
      ["tracker", "advisory", "--day", "3", "--agent", "SENTINEL", "--items", "items.yaml"],
      ["tracker", "push-story", "--day", "1"],
      ["tracker", "story-status", "--day", "1", "--status", "done"],
      ["tracker", "handoff", "--day", "1"],
      ["tracker", "close-plan-issue", "3"],
      ["tracker", "escalate"], // a usage error is JSON too
      ["nonsense"],
    ];
    for (const args of commands) {
      const run = await cli([...args, "--json"], { cwd: root });
      assertEquals(run.out.length, 1, `${args.join(" ")}: ${show(run)}`);
      const value = JSON.parse(run.out[0]);
      assert(value && typeof value === "object" && !Array.isArray(value), args.join(" "));
      assertEquals(run.out[0].includes("\n"), false, "one line");
    }
    const perms = JSON.parse((await cli(["permissions", "--json"], { cwd: root })).stdout);
    assertEquals(perms, {
      net: [],
      env: ["PACE_CONFIG", "PACE_RELEASE"],
      read: ["."],
      write: [".pace", "pace-summary.md"],
    });
    const usage = JSON.parse((await cli(["tracker", "escalate", "--json"], { cwd: root })).stdout);
    assertEquals(usage, { ok: false, error: "--day is required" });
  });
});

Deno.test("cli: ci wait --json prints the CiResult itself, SHA echoed", async () => {
  await withRepo(async (root) => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const ok = await cli(["ci", "wait", sha, "--json"], { cwd: root });
    assertEquals(ok.code, EXIT.noRuns);
    assertEquals(ok.out.map((l) => JSON.parse(l)), [{
      conclusion: "no_runs",
      url: "",
      name: "",
      sha,
    }]);

    const bad = await cli(["ci", "wait", "not-a-sha", "--json"], { cwd: root });
    assertEquals(bad.code, EXIT.usage, "an invalid SHA is a usage error");
    const result = JSON.parse(bad.stdout);
    assertEquals(result.ok, false);
    assertStringIncludes(result.error, "SHA must be 7 to 40 hexadecimal characters");
  });
});

// ---------------------------------------------------------------------------
// Usage and config errors

Deno.test("cli: usage errors exit 2 with one clear line on stderr", async () => {
  await withRepo(async (root) => {
    const cases: [string[], string][] = [
      [["frobnicate"], 'unknown command "frobnicate"'],
      [["ci", "frobnicate"], 'unknown command "ci frobnicate"'],
      [["tracker", "escalate", "--day", "3", "--bogus"], "--bogus"],
      [["tracker", "escalate"], "--day is required"],
      [["tracker", "escalate", "--day", "0"], '--day must be a whole number ≥ 1, got "0"'],
      [["tracker", "escalate", "--day", "abc"], 'got "abc"'],
      [["tracker", "escalate", "--day", "1.5"], 'got "1.5"'],
      [["tracker", "escalate", "--day=-1"], 'got "-1"'],
      [["tracker", "escalate", "--day", "-1"], "--day"],
      [["tracker", "story-status", "--day", "1", "--status", "bogus"], '"bogus"'],
      [["tracker", "story-status", "--day", "1"], "--status must be done or in_progress"],
      [["tracker", "advisory", "--day", "3", "--items", "x.yaml"], "--agent is required"],
      [["tracker", "advisory", "--day", "3", "--agent", "S"], "--items is required"],
      [["tracker", "close-plan-issue", "abc"], "NUMBER must be a whole number"],
      [["ci", "wait"], "usage: pace ci wait SHA"],
      [["ci", "wait", "abc1234", "def5678"], "usage: pace ci wait SHA"],
      [["ci", "set-var", "ONLY_NAME"], "usage: pace ci set-var NAME VALUE"],
      [["check", "extra"], "usage: pace check"],
      [["permissions", "--write"], "--write goes with --deno-json"],
      [["ci", "wait", "abc1234", "--reason", "x"], '--reason does not apply to "ci wait"'],
      [["tracker", "escalate", "--day", "3", "--timeout-minutes", "1"], "--timeout-minutes"],
      [["ci", "wait", "abc1234", "--timeout-minutes=-1"], "--timeout-minutes must be a number ≥ 0"],
      [["ci", "wait", "abc1234", "--timeout-minutes", "-1"], "--timeout-minutes"],
      [["ci", "wait", "abc1234", "--timeout-minutes", "soon"], 'got "soon"'],
      [["ci", "wait", "abc1234", "--poll-interval-seconds", ""], "--poll-interval-seconds"],
      // Arguments that cannot be right.
      [["ci", "wait", ""], 'SHA must be 7 to 40 hexadecimal characters (a commit id), got ""'],
      [["ci", "wait", "not-a-sha"], 'got "not-a-sha"'],
      [["ci", "wait", "abc123"], 'got "abc123"'],
      [["ci", "wait", "a".repeat(41)], "SHA must be 7 to 40"],
      [["ci", "wait", "abc1234\nrm -rf"], 'got "abc1234\\nrm -rf"'],
      [["tracker", "escalate", "--day", "1e23"], 'got "1e23"'],
      [["tracker", "escalate", "--day", "1".repeat(23)], "--day must be at most 100000"],
      [["tracker", "escalate", "--day", "100000000000000000000000"], "at most 100000"],
      [["tracker", "escalate", "--day", "100001"], "--day must be at most 100000"],
      [["ci", "review-pr", "--day", "0"], "--day must be a whole number ≥ 1"],
      [["ci", "daily-summary", "--day", "2.0"], 'got "2.0"'],
      [["tracker", "handoff", "--day", "Infinity"], 'got "Infinity"'],
      [
        ["ci", "wait", "abc1234", "--timeout-minutes", "40000"],
        "--timeout-minutes must be at most 1440",
      ],
      [["ci", "wait", "abc1234", "--timeout-minutes", "1440.5"], "at most 1440"],
      [["ci", "wait", "abc1234", "--timeout-minutes", "1e3"], 'got "1e3"'],
      [["ci", "wait", "abc1234", "--poll-interval-seconds", "0.01"], "must be at least 0.05"],
      [["ci", "wait", "abc1234", "--poll-interval-seconds", "0"], "must be at least 0.05"],
      [["ci", "wait", "abc1234", "--poll-interval-seconds", "0x10"], 'got "0x10"'],
      [["tracker", "close-plan-issue", "0"], "NUMBER must be a whole number ≥ 1"],
      [["tracker", "close-plan-issue", "9".repeat(30)], "NUMBER must be at most"],
      [["ci", "job-summary", "-"], "no standard input"],
      [["ci", "job-summary", "missing.md"], "cannot read missing.md"],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args, { cwd: root });
      const label = `${args.join(" ")}: ${show(run)}`;
      assertEquals(run.code, EXIT.usage, label);
      assertEquals(run.out, [], label);
      const errors = run.err.filter((line) => line.startsWith("pace: "));
      assertEquals(errors.length, 1, label);
      assertEquals(errors[0].includes("\n"), false, `one line: ${label}`);
      assertStringIncludes(errors[0], message, label);
      assertEquals(run.err.at(-1), errors[0], `the error is the last word: ${label}`);
    }
  });
});

Deno.test("cli: config errors exit 2 and name the file", async () => {
  await withRepo(async (root) => {
    const missing = await cli(["check", "--config", "missing.yaml"], { cwd: root });
    assertEquals(missing.code, EXIT.usage);
    assertStringIncludes(missing.stderr, join(root, "missing.yaml"));
    assertStringIncludes(missing.stderr, "not found");

    const fromEnv = await cli(["check"], { cwd: root, env: { PACE_CONFIG: "nowhere.yaml" } });
    assertEquals(fromEnv.code, EXIT.usage, show(fromEnv));
    assertStringIncludes(fromEnv.stderr, "nowhere.yaml");

    await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform:\n  ci: githbu\n");
    const bad = await cli(["tracker", "escalate", "--day", "3"], { cwd: root });
    assertEquals(bad.code, EXIT.usage);
    assertEquals(bad.err, [
      `pace: pace.config.yaml:2:7: unknown platform "githbu" for platform.ci (did you mean "github"?); valid ci platforms: ${
        listPlatforms().filter((x) => x.ci).map((x) => x.name).join(", ")
      }`,
    ]);
    assert(!await exists(p(root, "day-3", "escalation-issue.md")), "nothing was done");

    const json = await cli(["check", "--json"], { cwd: root });
    assertEquals(json.code, EXIT.usage);
    assertStringIncludes(JSON.parse(json.stdout).error, "pace.config.yaml:2:7");
  });
});

// ---------------------------------------------------------------------------
// ci wait: exit codes, options, progress

const waits: { sha: string; options?: WaitOptions }[] = [];

/** A CI-only platform whose result is chosen by the SHA's first character. */
class ScriptedCI extends BaseCIAdapter {
  readonly platform = "clitest-ci";
  openReviewPr() {
    return Promise.resolve("");
  }
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    waits.push({ sha, options });
    if (options?.signal?.aborted) {
      return Promise.resolve({ conclusion: "cancelled", url: "", name: "", sha });
    }
    const pending = [["build"], ["build"], ["build", "lint"], ["lint"]];
    pending.forEach((names, i) =>
      options?.onProgress?.({ elapsedMs: (i + 1) * 500, pending: names, polls: i + 1 })
    );
    const byFirst: Record<string, CiConclusion> = {
      a: "success",
      b: "failure",
      c: "cancelled",
      d: "no_runs",
      e: "timeout",
    };
    const conclusion = byFirst[sha[0]] ?? "failure";
    return Promise.resolve({
      conclusion,
      url: `https://ci.example/${sha}`,
      name: "pipeline",
      sha,
    });
  }
}

registerPlatform({
  name: "clitest-ci",
  env: [],
  hosts: () => [],
  ci: (context) => new ScriptedCI(context),
});

Deno.test("cli: ci wait exits 0 only on success, with a distinct code per conclusion", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(join(root, "ci.yaml"), "platform:\n  ci: clitest-ci\n");
    const expected: [string, number, string][] = [
      ["a".repeat(7), 0, "success"],
      ["b".repeat(7), 1, "failure"],
      ["c".repeat(7), 3, "cancelled"],
      ["d".repeat(7), 4, "no_runs"],
      ["e".repeat(7), 5, "timeout"],
    ];
    for (const [sha, code, conclusion] of expected) {
      const run = await cli(["ci", "wait", sha, "--config", "ci.yaml"], { cwd: root });
      assertEquals(run.code, code, show(run));
      assertEquals(run.out, [`${conclusion} pipeline https://ci.example/${sha}`]);
    }
    assertEquals(new Set(expected.map(([, code]) => code)).size, 5, "codes are distinct");
    assertEquals(EXIT, { ok: 0, failed: 1, usage: 2, cancelled: 3, noRuns: 4, timeout: 5 });
  });
});

Deno.test("cli: ci wait passes fractional options and reports progress when it changes", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(join(root, "ci.yaml"), "platform:\n  ci: clitest-ci\n");
    waits.length = 0;
    const run = await cli(
      [
        "ci",
        "wait",
        "abcdef0",
        "--timeout-minutes",
        "0.01",
        "--poll-interval-seconds",
        "0.05",
        "--config",
        "ci.yaml",
      ],
      { cwd: root },
    );
    assertEquals(run.code, 0, show(run));
    assertEquals(waits.length, 1);
    assertEquals(waits[0].options?.timeoutMinutes, 0.01);
    assertEquals(waits[0].options?.pollIntervalSeconds, 0.05);
    assertEquals(run.err.filter((line) => line.startsWith("waiting")), [
      "waiting 0.5s (poll 1): pending build",
      "waiting 1.5s (poll 3): pending build, lint",
      "waiting 2.0s (poll 4): pending lint",
    ]);
    // Defaults are left to the adapter.
    await cli(["ci", "wait", "abcdef0", "--config", "ci.yaml"], { cwd: root });
    assertEquals(waits[1].options?.timeoutMinutes, undefined);
    assertEquals(waits[1].options?.pollIntervalSeconds, undefined);
    // --timeout-minutes 0 is allowed (one look).
    assertEquals(
      (await cli(["ci", "wait", "abcdef0", "--timeout-minutes", "0", "--config", "ci.yaml"], {
        cwd: root,
      })).code,
      0,
    );
  });
});

Deno.test("cli: an aborted ci wait ends cancelled with exit 3", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(join(root, "ci.yaml"), "platform:\n  ci: clitest-ci\n");
    const controller = new AbortController();
    controller.abort();
    const run = await cli(["ci", "wait", "abcdef0", "--config", "ci.yaml"], {
      cwd: root,
      signal: controller.signal,
    });
    assertEquals([run.code, run.out], [EXIT.cancelled, ["cancelled"]], show(run));
  });
});

Deno.test("cli: local ci wait accepts fractional minutes and refuses negative ones", async () => {
  await withRepo(async (root) => {
    const ok = await cli(["ci", "wait", "abc1234", "--timeout-minutes", "0.01"], { cwd: root });
    assertEquals(ok.code, EXIT.noRuns, show(ok));
    const negative = await cli(["ci", "wait", "abc1234", "--timeout-minutes=-1"], { cwd: root });
    assertEquals(negative.code, EXIT.usage, show(negative));
  });
});

// ---------------------------------------------------------------------------
// tracker advisory --items

const ADVISORY = (root: string) => p(root, "advisory-day3-sentinel.md");
const advisory = (root: string, items: string, stdin?: string) =>
  cli(["tracker", "advisory", "--day", "3", "--agent", "SENTINEL", "--items", items], {
    cwd: root,
    stdin,
  });

Deno.test("cli: advisory items from a YAML list, a JSON list, stdin, or an items: mapping", async () => {
  const sources: [string, string, string | undefined][] = [
    [
      "items.yaml",
      "- id: S-1\n  finding: Token printed in debug log\n- id: 2\n  finding: x\n",
      undefined,
    ],
    [
      "items.json",
      '[{"id":"S-1","finding":"Token printed in debug log"},{"id":2,"finding":"x"}]',
      undefined,
    ],
    ["-", "", "- id: S-1\n  finding: Token printed in debug log\n- {id: 2, finding: x}\n"],
    [
      "mapping.yaml",
      "items:\n  - id: S-1\n    finding: Token printed in debug log\n  - id: 2\n    finding: x\n",
      undefined,
    ],
  ];
  for (const [name, text, stdin] of sources) {
    await withRepo(async (root) => {
      if (name !== "-") await Deno.writeTextFile(join(root, name), text);
      const run = await advisory(root, name, stdin);
      assertEquals([run.code, run.out], [0, [ADVISORY(root)]], `${name}: ${show(run)}`);
      const body = await Deno.readTextFile(ADVISORY(root));
      assertStringIncludes(body, "[PACE Advisory] SENTINEL Day 3 \u2014 2 finding(s)");
      assertStringIncludes(body, "- [S-1] Token printed in debug log");
      assertStringIncludes(body, "- [2] x");
    });
  }
});

Deno.test("cli: an empty advisory list exits 0 and creates nothing", async () => {
  await withRepo(async (root) => {
    for (const text of ["[]", "items: []\n"]) {
      await Deno.writeTextFile(join(root, "empty.yaml"), text);
      const run = await advisory(root, "empty.yaml");
      assertEquals(run.code, 0, show(run));
      assertStringIncludes(run.stderr, "no findings");
      assert(!await exists(ADVISORY(root)), "no advisory file");
    }
  });
});

Deno.test("cli: bad advisory items exit 2, name the file, and create nothing", async () => {
  await withRepo(async (root) => {
    const cases: [string, string, string[]][] = [
      ["broken.yaml", "- id: S-1\n  finding: [unclosed\n", ["broken.yaml:", "not valid YAML"]],
      ["scalar.yaml", "just words\n", ["scalar.yaml", "expected a list"]],
      ["mapping.yaml", "id: S-1\nfinding: x\n", ["mapping.yaml", "expected a list"]],
      ["noid.yaml", "- finding: Token printed\n", ["noid.yaml", "item 1 has no id"]],
      ["nofinding.yaml", "- id: S-1\n  finding: x\n- id: S-2\n", ["item 2 (S-2) has no finding"]],
      ["notmap.yaml", "- just a string\n", ["item 1 is not a mapping"]],
    ];
    for (const [name, text, messages] of cases) {
      await Deno.writeTextFile(join(root, name), text);
      const run = await advisory(root, name);
      assertEquals(run.code, EXIT.usage, `${name}: ${show(run)}`);
      for (const message of messages) assertStringIncludes(run.stderr, message);
      assert(!await exists(ADVISORY(root)), `${name}: no advisory file`);
    }
    const broken = await advisory(root, "broken.yaml");
    assertMatch(broken.stderr, /broken\.yaml:[23]:\d+: /, "the line of the problem");

    const missing = await advisory(root, "nope.yaml");
    assertEquals(missing.code, EXIT.usage);
    assertStringIncludes(missing.stderr, "cannot read nope.yaml");
    assert(!await exists(ADVISORY(root)));
  });
});

// ---------------------------------------------------------------------------
// GitHub Actions log conventions

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

Deno.test({
  name: "cli: in GitHub Actions the token is masked first and failures are ::error::",
  ignore: noGitHub,
  async fn() {
    await withRepo(async (root) => {
      const gh = await FakeGitHub.start();
      try {
        gh.addCheckRun(SHA, { name: "build", conclusion: "failure" });
        await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform:\n  type: github\n");
        const env = {
          GITHUB_ACTIONS: "true",
          GITHUB_TOKEN: gh.token,
          GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
          GITHUB_API_URL: gh.url,
        };
        const run = await cli(
          ["ci", "wait", SHA, "--timeout-minutes", "0.5", "--poll-interval-seconds", "0.05"],
          { cwd: root, env },
        );
        assertEquals(run.code, EXIT.failed, show(run));
        assertEquals(run.log[0], `err: ::add-mask::${gh.token}`, show(run));
        assertEquals(
          run.log.filter((line) => line.includes(gh.token)).length,
          1,
          "the token appears only in the mask line",
        );
        assertStringIncludes(run.stderr, `::group::Waiting for CI on ${SHA}`);
        assertStringIncludes(run.stderr, "::endgroup::");
        assert(
          run.err.some((line) => line.startsWith(`::error::CI failure for ${SHA}: build`)),
          show(run),
        );
        assertEquals(run.out.length, 1);
        assertMatch(run.out[0], /^failure build /);

        // An invalid SHA: a usage error, no request, still an annotation.
        const before = gh.requests.length;
        const bad = await cli(["ci", "wait", "xyz"], { cwd: root, env });
        assertEquals(bad.code, EXIT.usage, show(bad));
        assert(bad.log[0].startsWith("err: ::add-mask::"), show(bad));
        assertEquals(
          bad.err.at(-1),
          '::error::pace: SHA must be 7 to 40 hexadecimal characters (a commit id), got "xyz"',
        );
        assertEquals(gh.requests.length, before);

        // Missing credentials: a usage error too, annotated, before any request.
        const noRepo = await cli(["tracker", "escalate", "--day", "3"], {
          cwd: root,
          env: { ...env, GITHUB_REPOSITORY: "" },
        });
        assertEquals(noRepo.code, EXIT.usage, show(noRepo));
        assertMatch(
          noRepo.err.at(-1) ?? "",
          /^::error::pace: github .*GITHUB_REPOSITORY is not set/,
        );
        assertEquals(gh.requests.length, before);

        // A failed create says so as an annotation, and exits 1.
        gh.script({
          method: "POST",
          path: /\/issues$/,
          status: 403,
          body: { message: "Resource not accessible by integration" },
          times: 5,
        });
        const refused = await cli(["tracker", "escalate", "--day", "3"], { cwd: root, env });
        assertEquals(refused.code, EXIT.failed, show(refused));
        assert(
          refused.err.some((line) => line.startsWith("::error::escalation failed")),
          show(refused),
        );
        assertEquals(refused.out, [], "no URL");
        assertEquals(gh.violations, []);
      } finally {
        await gh.close();
      }
    });
  },
});

Deno.test({
  name: "cli: outside GitHub Actions there are no workflow commands",
  ignore: noGitHub,
  async fn() {
    await withRepo(async (root) => {
      await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform:\n  type: github\n");
      const env = { GITHUB_TOKEN: "ghp_notinactions_0123456789", GITHUB_REPOSITORY: "octo/x" };
      const run = await cli(["ci", "wait", "xyz"], { cwd: root, env });
      assertEquals(run.code, EXIT.usage, show(run));
      assertNotMatch(run.stderr, /^::/m);
      assert(!run.stderr.includes(env.GITHUB_TOKEN));
      const check = await cli(["check"], { cwd: root, env: {} });
      assertEquals(check.code, EXIT.failed, "missing credentials fail the check");
      assertStringIncludes(check.stderr, "GITHUB_TOKEN");
    });
  },
});

// ---------------------------------------------------------------------------
// Arguments that cannot be right, and missing credentials: exit 2 before any request

Deno.test({
  name: "cli: bad arguments are refused before any request reaches the platform",
  ignore: noGitHub,
  async fn() {
    await withRepo(async (root) => {
      const gh = await FakeGitHub.start();
      try {
        await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform:\n  type: github\n");
        const env = {
          GITHUB_TOKEN: gh.token,
          GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
          GITHUB_API_URL: gh.url,
        };
        const cases = [
          ["ci", "wait", ""],
          ["ci", "wait", "xyz"],
          ["ci", "wait", SHA, "--timeout-minutes", "40000"],
          ["ci", "wait", SHA, "--poll-interval-seconds", "0.01"],
          ["ci", "review-pr", "--day", "0"],
          ["tracker", "escalate", "--day", "1.5"],
          ["tracker", "escalate", "--day", "100000000000000000000000"],
          ["tracker", "handoff", "--day", "1e23"],
          ["tracker", "close-plan-issue", "-3"],
        ];
        for (const args of cases) {
          const run = await cli([...args, "--json"], { cwd: root, env });
          const label = `${args.join(" ")}: ${show(run)}`;
          assertEquals(run.code, EXIT.usage, label);
          assertEquals(run.err.filter((line) => line.startsWith("pace: ")).length, 1, label);
          assertEquals(JSON.parse(run.stdout).ok, false, label);
        }
        assertEquals(gh.requests, [], "no request at all");
      } finally {
        await gh.close();
      }
    });
  },
});

Deno.test({
  name: "cli: missing credentials exit 2 before any request; check, permissions, --help still run",
  ignore: noGitHub,
  async fn() {
    await withRepo(async (root) => {
      const gh = await FakeGitHub.start();
      try {
        await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform:\n  type: github\n");
        await Deno.writeTextFile(join(root, "report.md"), "# r\n");
        await Deno.writeTextFile(join(root, "items.yaml"), "- id: S-1\n  finding: x\n");
        const env = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}` };
        const commands = [
          ["ci", "wait", SHA],
          ["ci", "review-pr", "--day", "14"],
          ["ci", "daily-summary", "--day", "3"],
          ["ci", "job-summary", "report.md"],
          ["ci", "set-var", "A", "1"],
          ["ci", "get-var", "A"],
          ["tracker", "escalate", "--day", "3"],
          ["tracker", "advisory", "--day", "3", "--agent", "SENTINEL", "--items", "items.yaml"],
          ["tracker", "push-story", "--day", "1"],
          ["tracker", "story-status", "--day", "1", "--status", "done"],
          ["tracker", "handoff", "--day", "1"],
          ["tracker", "close-plan-issue", "3"],
        ];
        for (const args of commands) {
          const run = await cli(args, { cwd: root, env });
          const label = `${args.join(" ")}: ${show(run)}`;
          assertEquals([run.code, run.out], [EXIT.usage, []], label);
          const errors = run.err.filter((line) => line.startsWith("pace: "));
          assertEquals(errors.length, 1, label);
          assertStringIncludes(errors[0], "GITHUB_TOKEN is not set", label);
          assertEquals(run.err.at(-1), errors[0], label);
          const json = await cli([...args, "--json"], { cwd: root, env });
          assertEquals(json.out.length, 1, label);
          assertEquals(JSON.parse(json.out[0]).ok, false, label);
          assertStringIncludes(JSON.parse(json.out[0]).error, "GITHUB_TOKEN", label);
        }
        assertEquals(gh.requests, [], "nothing was sent without credentials");

        const check = await cli(["check"], { cwd: root, env });
        assertEquals(check.code, EXIT.failed, show(check));
        assertStringIncludes(check.stderr, "GITHUB_TOKEN is not set");
        const perms = await cli(["permissions"], { cwd: root, env });
        assertEquals(perms.code, 0, show(perms));
        assertStringIncludes(perms.stdout, "GITHUB_TOKEN");
        for (const args of [["--help"], ["ci", "wait", "--help"], ["tracker", "--help"]]) {
          assertEquals((await cli(args, { cwd: root, env })).code, 0, args.join(" "));
        }
      } finally {
        await gh.close();
      }
    });
  },
});

// ---------------------------------------------------------------------------
// Operations that do not take effect exit 1, and --json says why

type TrackerMode = "true" | "false" | "false-logged" | "undefined" | "throws";
let trackerMode: TrackerMode = "true";
const trackerCalls: string[] = [];

function trackerAnswer(method: string, context: ResolvedContext): Promise<unknown> {
  trackerCalls.push(method);
  switch (trackerMode) {
    case "false":
      return Promise.resolve(false);
    case "false-logged":
      context.logger.warn("the ticket is being edited");
      context.logger.error(`${method}: ticket T-7 is locked`);
      return Promise.resolve(false);
    case "undefined":
      return Promise.resolve(undefined);
    case "throws":
      return Promise.reject(new Error(`${method} exploded near ${context.env.CLITEST_TOKEN}`));
    default:
      return Promise.resolve(true);
  }
}

/** A tracker whose answers the test chooses; its token and `CLITEST_AUTH` are secrets. */
registerPlatform({
  name: "clitest-tracker",
  env: ["CLITEST_TOKEN", "CLITEST_AUTH"],
  secretEnv: ["CLITEST_AUTH"],
  hosts: () => [],
  missing: (env) => env.CLITEST_TOKEN ? [] : ["CLITEST_TOKEN"],
  tracker: (context) => {
    const url = async (method: string) => {
      const value = await trackerAnswer(method, context);
      return value === true ? `https://tracker.example/${method}` : "";
    };
    return {
      platform: "clitest-tracker",
      openEscalationIssue: () => url("openEscalationIssue"),
      pushAdvisoryItems: () => url("pushAdvisoryItems"),
      pushStory: () => url("pushStory"),
      updateStoryStatus: () => trackerAnswer("updateStoryStatus", context),
      closePlanIssue: () => trackerAnswer("closePlanIssue", context),
      postHandoffComment: () => trackerAnswer("postHandoffComment", context),
    } as unknown as TrackerAdapter;
  },
});

const TRACKER_ENV = { CLITEST_TOKEN: "clitest-secret-token-0123" };

async function withTracker(fn: (root: string) => Promise<void>): Promise<void> {
  await withRepo(async (root) => {
    await Deno.writeTextFile(
      join(root, "pace.config.yaml"),
      "platform:\n  ci: local\n  tracker: clitest-tracker\n",
    );
    try {
      await fn(root);
    } finally {
      trackerMode = "true";
    }
  });
}

const BOOLEAN_COMMANDS = [
  ["tracker", "handoff", "--day", "1"],
  ["tracker", "story-status", "--day", "1", "--status", "done"],
  ["tracker", "close-plan-issue", "12"],
];

Deno.test("cli: a tracker answering false exits 1; --json prints ok:false and the logged error", async () => {
  await withTracker(async (root) => {
    const run = (args: string[]) => cli(args, { cwd: root, env: TRACKER_ENV });
    for (const args of BOOLEAN_COMMANDS) {
      const label = args.join(" ");
      trackerMode = "true";
      const ok = await run([...args, "--json"]);
      assertEquals([ok.code, ok.out], [0, [JSON.stringify({ ok: true })]], show(ok));

      trackerMode = "false-logged";
      const logged = await run([...args, "--json"]);
      assertEquals(logged.code, EXIT.failed, `${label}: ${show(logged)}`);
      assertEquals(logged.out.length, 1, label);
      const body = JSON.parse(logged.out[0]);
      assertEquals(body.ok, false, label);
      assertMatch(body.error, /^\[clitest-tracker\] \w+: ticket T-7 is locked$/, label);

      trackerMode = "false";
      const silent = await run([...args, "--json"]);
      assertEquals(silent.code, EXIT.failed, `${label}: ${show(silent)}`);
      const generic = JSON.parse(silent.stdout);
      assertEquals(generic.ok, false);
      assertMatch(generic.error, /did not take effect/, label);

      const text = await run(args);
      assertEquals([text.code, text.out], [EXIT.failed, []], `${label}: ${show(text)}`);
      assertMatch(text.err.at(-1) ?? "", /^pace: .* did not take effect/, label);
    }
  });
});

Deno.test("cli: a tracker that throws exits 1 with the redacted reason; undefined is success", async () => {
  await withTracker(async (root) => {
    const run = (args: string[]) => cli(args, { cwd: root, env: TRACKER_ENV });
    trackerMode = "throws";
    const thrown = await run(["tracker", "handoff", "--day", "1", "--json"]);
    assertEquals(thrown.code, EXIT.failed, show(thrown));
    const body = JSON.parse(thrown.stdout);
    assertEquals(body.ok, false);
    assertStringIncludes(body.error, "postHandoffComment");
    assertStringIncludes(body.error, "exploded near ***");
    assert(!thrown.log.join("\n").includes(TRACKER_ENV.CLITEST_TOKEN), "the token is masked");

    // A registered adapter that resolves nothing took effect.
    trackerMode = "undefined";
    const quiet = await run(["tracker", "handoff", "--day", "1", "--json"]);
    assertEquals([quiet.code, quiet.out], [0, ['{"ok":true}']], show(quiet));
  });
});

Deno.test("cli: a create that comes back empty exits 1 with ok:false", async () => {
  await withTracker(async (root) => {
    await Deno.writeTextFile(join(root, "items.yaml"), "- id: S-1\n  finding: x\n");
    const creates = [
      ["tracker", "escalate", "--day", "3"],
      ["tracker", "push-story", "--day", "1"],
      ["tracker", "advisory", "--day", "3", "--agent", "SENTINEL", "--items", "items.yaml"],
    ];
    for (const args of creates) {
      trackerMode = "true";
      const ok = await cli([...args, "--json"], { cwd: root, env: TRACKER_ENV });
      assertEquals(ok.code, 0, show(ok));
      assertEquals(JSON.parse(ok.stdout).ok, true);
      assertMatch(JSON.parse(ok.stdout).url, /^https:\/\/tracker\.example\//);
      trackerMode = "false-logged";
      const failed = await cli([...args, "--json"], { cwd: root, env: TRACKER_ENV });
      assertEquals(failed.code, EXIT.failed, show(failed));
      assertEquals(failed.out.map((line) => JSON.parse(line)), [{
        ok: false,
        error: `[clitest-tracker] ${trackerCalls.at(-1)}: ticket T-7 is locked`,
      }]);
    }
  });
});

Deno.test("cli: a registered platform's missing settings exit 2 and its adapter is never called", async () => {
  await withTracker(async (root) => {
    trackerCalls.length = 0;
    const run = await cli(["tracker", "handoff", "--day", "1", "--json"], { cwd: root, env: {} });
    assertEquals(run.code, EXIT.usage, show(run));
    assertStringIncludes(JSON.parse(run.stdout).error, "CLITEST_TOKEN is not set");
    assertEquals(trackerCalls, []);
    // The CI side is local: it needs nothing.
    const ci = await cli(["ci", "review-pr", "--day", "14"], { cwd: root, env: {} });
    assertEquals(ci.code, 0, show(ci));
  });
});

Deno.test({
  name: "cli: tracker handoff against GitHub answering 403 exits 1 with ok:false and the error",
  ignore: noGitHub,
  async fn() {
    await withRepo(async (root) => {
      const gh = await FakeGitHub.start();
      try {
        await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform:\n  type: github\n");
        const env = {
          GITHUB_TOKEN: gh.token,
          GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
          GITHUB_API_URL: gh.url,
        };
        const story = await cli(["tracker", "push-story", "--day", "1"], { cwd: root, env });
        assertEquals(story.code, 0, show(story));
        gh.script({
          path: /\/comments/,
          status: 403,
          body: { message: "Resource not accessible by integration" },
          times: 20,
        });
        const run = await cli(["tracker", "handoff", "--day", "1", "--json"], { cwd: root, env });
        assertEquals(run.code, EXIT.failed, show(run));
        assertEquals(run.out.length, 1);
        const body = JSON.parse(run.out[0]);
        assertEquals(body.ok, false);
        assertMatch(body.error, /^\[GitHub\] /);
        assert(!run.log.join("\n").includes(gh.token), "the token stays out");
        assertEquals(gh.violations, []);
      } finally {
        await gh.close();
      }
    });
  },
});

Deno.test("cli: ci job-summary to a path that cannot be written exits 1", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(join(root, "report.md"), "# Report\n");
    // A directory where the summary file should be: no write can succeed.
    await Deno.mkdir(join(root, "pace-summary.md"));
    const run = await cli(["ci", "job-summary", "report.md"], { cwd: root });
    assertEquals([run.code, run.out], [EXIT.failed, []], show(run));
    assertMatch(run.err.at(-1) ?? "", /^pace: job summary failed/);
    const json = await cli(["ci", "job-summary", "report.md", "--json"], { cwd: root });
    assertEquals(json.code, EXIT.failed, show(json));
    const body = JSON.parse(json.stdout);
    assertEquals(body.ok, false);
    assertMatch(body.error, /^\[Local\] .*pace-summary\.md/);
  });
});

Deno.test("cli: an adapter that resolves nothing succeeds unless it logged an error meanwhile", () => {
  // Adapters written before these operations answered with a boolean.
  assertEquals(tookEffect(true, true), true);
  assertEquals(tookEffect(false, false), false);
  assertEquals(tookEffect(undefined, false), true);
  assertEquals(tookEffect(undefined, true), false);

  const err: string[] = [];
  const logger = new CliLogger({ stdout: () => {}, stderr: (t) => err.push(t) }, false, undefined);
  logger.error("[GitHub] earlier failure");
  const mark = logger.mark();
  assertEquals(logger.since(mark), { errorLogged: false, reason: undefined });
  logger.warn("[GitHub] label missing");
  assertEquals(logger.since(mark), { errorLogged: false, reason: "[GitHub] label missing" });
  logger.error("[GitHub] create issue failed: 403");
  logger.info("[GitHub] done");
  assertEquals(logger.since(mark), {
    errorLogged: true,
    reason: "[GitHub] create issue failed: 403",
  });
  logger.debug("hidden without --verbose");
  assertEquals(err.length, 4);
});

// ---------------------------------------------------------------------------
// get-var never prints a secret

Deno.test("cli: get-var refuses secret names with exit 2 and never prints the value", async () => {
  await withRepo(async (root) => {
    const env: Record<string, string> = {
      GITHUB_TOKEN: "ghp_value_that_must_not_print",
      github_token: "lowercase_value_not_printed",
      JIRA_API_KEY: "key_value_not_printed",
      DB_PASSWORD: "password_value_not_printed",
      SIGNING_SECRET: "secret_value_not_printed",
      BITBUCKET_APP_PASSWORD: "app_password_not_printed",
      CI_JOB_TOKEN: "job_token_not_printed",
      CLITEST_AUTH: "auth_value_not_printed",
      TOKEN_COUNT: "7",
      JIRA_PROJECT_KEY: "PACE",
    };
    const plain = ["TOKEN_COUNT", "JIRA_PROJECT_KEY", "CLITEST_AUTH"];
    const secrets = Object.keys(env).filter((name) => !plain.includes(name));
    for (const name of secrets) {
      const run = await cli(["ci", "get-var", name], { cwd: root, env });
      const label = `${name}: ${show(run)}`;
      assertEquals([run.code, run.out], [EXIT.usage, []], label);
      assertEquals(run.err.filter((line) => line.startsWith("pace: ")).length, 1, label);
      assertStringIncludes(run.stderr, "refusing to print", label);
      assert(!run.log.join("\n").includes(env[name]), label);
      const json = await cli(["ci", "get-var", name, "--json"], { cwd: root, env });
      assertEquals(json.code, EXIT.usage);
      assertEquals(JSON.parse(json.stdout).ok, false);
      assert(!json.stdout.includes(env[name]), label);
    }
    // A name that merely contains TOKEN is no secret, nor is a project key.
    const count = await cli(["ci", "get-var", "TOKEN_COUNT"], { cwd: root, env });
    assertEquals([count.code, count.out], [0, ["7"]], show(count));
    const project = await cli(["ci", "get-var", "JIRA_PROJECT_KEY"], { cwd: root, env });
    assertEquals([project.code, project.out], [0, ["PACE"]], show(project));

    // A configured platform's secretEnv is refused whatever its name.
    const local = await cli(["ci", "get-var", "CLITEST_AUTH"], { cwd: root, env });
    // Not configured: not refused — but a registered platform's secret value is
    // masked on stdout all the same.
    assertEquals([local.code, local.out], [0, ["***"]], "not configured: masked, not refused");
    await Deno.writeTextFile(
      join(root, "pace.config.yaml"),
      "platform:\n  ci: local\n  tracker: clitest-tracker\n",
    );
    const configured = await cli(["ci", "get-var", "CLITEST_AUTH"], { cwd: root, env });
    assertEquals([configured.code, configured.out], [EXIT.usage, []], show(configured));
    assertStringIncludes(configured.stderr, "clitest-tracker");
    assert(!configured.log.join("\n").includes(env.CLITEST_AUTH));
  });
});

// ---------------------------------------------------------------------------
// --version

const DENO_JSON = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));

Deno.test("cli: --version prints the version of deno.json", async () => {
  await withRepo(async (root) => {
    const run = await cli(["--version"], { cwd: root });
    assertEquals([run.code, run.out, run.err], [0, [DENO_JSON.version], []]);
    const json = await cli(["--version", "--json"], { cwd: root });
    assertEquals(JSON.parse(json.stdout), { ok: true, version: DENO_JSON.version });
    // Even with a broken config: nothing is loaded for it.
    await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform: [\n");
    assertEquals((await cli(["--version"], { cwd: root })).out, [DENO_JSON.version]);
    const help = await cli(["--help"], { cwd: root });
    assertStringIncludes(help.stdout, "pace --version");
    assertStringIncludes(help.stdout, `pace ${DENO_JSON.version}`);
  });
});

Deno.test("cli: --version runs as a subprocess without any permission", async () => {
  const cliPath = fileURLToPath(new URL("../cli.ts", import.meta.url));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", cliPath, "--version"],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const stderr = decoder.decode(output.stderr);
  assertEquals(output.code, 0, stderr);
  assertEquals(decoder.decode(output.stdout), `${DENO_JSON.version}\n`);
  assertNotMatch(stderr, /Requires|NotCapable|PermissionDenied/);
});
