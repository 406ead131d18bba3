import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliIo, EXIT, main } from "../cli.ts";
import { localPlatform, registerPlatform } from "../mod.ts";
import type { BranchingAdapter, Env } from "../mod.ts";
import { assert, assertEquals, assertNotMatch, assertStringIncludes } from "./_assert.ts";

interface Captured {
  code: number;
  out: string[];
  err: string[];
  stdout: string;
  stderr: string;
}

/** Run `main` in-process in `cwd` with captured streams. */
async function cli(
  args: string[],
  cwd: string,
  options: { env?: Env; stdin?: string } = {},
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: options.env ?? {},
    cwd,
    readStdin: options.stdin === undefined ? undefined : () => Promise.resolve(options.stdin!),
  };
  const code = await main(args, io);
  return { code, out, err, stdout: out.join("\n"), stderr: err.join("\n") };
}

function show(run: Captured): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const made = await Deno.makeTempDir({ prefix: "pace-cli-branch-" });
  try {
    await fn(await Deno.realPath(made));
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

const prFile = (root: string, name: string) => join(root, ".pace", "pull-requests", name);
const SPRINT_PR = "rel_sprint_pace-1--into--release_v1.0.md";

// ---------------------------------------------------------------------------
// A registered platform whose branching fails, and counts every call

const calls: string[] = [];

const failingBranching: BranchingAdapter = {
  platform: "branchtest-fail",
  getBranchSha: (branch) => (calls.push(`sha ${branch}`), Promise.resolve(undefined)),
  createBranch: (branch) => (calls.push(`create ${branch}`), Promise.resolve(false)),
  createPullRequest: (head) => (calls.push(`pr ${head}`), Promise.resolve("")),
  ensureHierarchy: (release) => (calls.push(`hierarchy ${release}`), Promise.resolve(false)),
};

registerPlatform({
  name: "branchtest-fail",
  env: ["BRANCHTEST_TOKEN"],
  hosts: () => [],
  missing: (env) => env.BRANCHTEST_TOKEN ? [] : ["BRANCHTEST_TOKEN"],
  ci: localPlatform.ci,
  branching: () => failingBranching,
});

const FAILING_CONFIG = "platform:\n  ci: branchtest-fail\n  tracker: local\n";
const TOKEN = { BRANCHTEST_TOKEN: "branchtest-secret-value" };

/** One of each command, valid on the command line. */
const EVERY_COMMAND: string[][] = [
  ["branch", "sha", "main"],
  ["branch", "create", "staging", "--from", "main"],
  ["branch", "pr", "--head", "rel/sprint/pace-1", "--base", "release/v1.0", "--title", "T"],
  ["branch", "ensure-hierarchy", "--release", "v1.0", "--sprint", "1"],
];

// ---------------------------------------------------------------------------
// Every command on the local platform

Deno.test("cli branch: every command on local, as text and as --json", async () => {
  await withRoot(async (root) => {
    const run = (...args: string[]) => cli(args, root);

    const sha = await run("branch", "sha", "main");
    assertEquals([sha.code, sha.out], [EXIT.ok, ["local"]], show(sha));
    const shaJson = await run("--json", "branch", "sha", "release/v1.0");
    assertEquals(JSON.parse(shaJson.stdout), { ok: true, branch: "release/v1.0", sha: "local" });

    const create = await run("branch", "create", "staging", "--from", "main");
    assertEquals([create.code, create.out], [EXIT.ok, ["staging"]], show(create));
    assertStringIncludes(create.stderr, "[Local] branch staging from main: recorded only");
    const createJson = await run("branch", "create", "staging", "--json", "--from", "main");
    assertEquals(JSON.parse(createJson.stdout), {
      ok: true,
      from: "main",
      branch: "staging",
      sha: "local",
    });

    const pr = await run(
      "branch",
      "pr",
      "--head",
      "rel/sprint/pace-1",
      "--base",
      "release/v1.0",
      "--title",
      "Sprint 1 into v1.0",
      "--body",
      "Ships the sign-up form.",
      "--label",
      "pace-release",
      "--label",
      "pace-sprint-1",
    );
    assertEquals([pr.code, pr.out], [EXIT.ok, [prFile(root, SPRINT_PR)]], show(pr));
    const text = await Deno.readTextFile(prFile(root, SPRINT_PR));
    for (const part of ["# Sprint 1 into v1.0", "Ships the sign-up form.", "pace-release"]) {
      assertStringIncludes(text, part);
    }
    // A re-run finds it: same path, file untouched.
    const again = await run(
      "--json",
      "branch",
      "pr",
      "--title",
      "Other",
      "--base",
      "release/v1.0",
      "--head",
      "rel/sprint/pace-1",
    );
    assertEquals(JSON.parse(again.stdout), { ok: true, url: prFile(root, SPRINT_PR) });
    assertEquals(await Deno.readTextFile(prFile(root, SPRINT_PR)), text);

    const hierarchy = await run("branch", "ensure-hierarchy", "--release", "v1.0", "--sprint", "2");
    assertEquals(
      [hierarchy.code, hierarchy.out],
      [EXIT.ok, ["rel/sprint/pace-2"]],
      show(hierarchy),
    );
    const fromDay = await run("branch", "ensure-hierarchy", "--release", "v1.0", "--day", "8");
    assertEquals(fromDay.out, ["rel/sprint/pace-2"], "day 8 of 7-day sprints: sprint 2");
    const hierarchyJson = await run(
      "branch",
      "ensure-hierarchy",
      "--day",
      "3",
      "--json",
      "--release",
      "v1.0",
    );
    assertEquals(JSON.parse(hierarchyJson.stdout), {
      ok: true,
      release: "v1.0",
      sprint: 1,
      branch: "rel/sprint/pace-1",
      sha: "local",
    });
  });
});

Deno.test("cli branch: pr takes its body from a file or stdin, and global options anywhere", async () => {
  await withRoot(async (root) => {
    const elsewhere = await Deno.makeTempDir({ dir: root, prefix: "cwd-" });
    await Deno.writeTextFile(join(root, "body.md"), "Body from a file.\n");
    const fromFile = await cli([
      "branch",
      "--repo-root",
      root,
      "pr",
      "--head",
      "staging",
      "--base",
      "main",
      "--title",
      "Staging into main",
      "--body-file",
      join(root, "body.md"),
      "--json",
    ], elsewhere);
    const staging = prFile(root, "staging--into--main.md");
    assertEquals(JSON.parse(fromFile.stdout), { ok: true, url: staging }, show(fromFile));
    assertStringIncludes(await Deno.readTextFile(staging), "Body from a file.");

    const fromStdin = await cli(
      [
        "branch",
        "pr",
        "--head",
        "feature/x",
        "--base",
        "staging",
        "--title",
        "X",
        "--body-file",
        "-",
      ],
      root,
      { stdin: "Body from stdin.\n" },
    );
    assertEquals(fromStdin.code, EXIT.ok, show(fromStdin));
    const feature = prFile(root, "feature_x--into--staging.md");
    assertEquals(fromStdin.out, [feature]);
    assertStringIncludes(await Deno.readTextFile(feature), "Body from stdin.");
  });
});

// ---------------------------------------------------------------------------
// Usage errors: exit 2, one line, before any call to the adapter

Deno.test("cli branch: usage errors exit 2 with one line, before any call", async () => {
  await withRoot(async (root) => {
    await Deno.writeTextFile(join(root, "pace.config.yaml"), FAILING_CONFIG);
    calls.length = 0;
    const cases: [string[], string][] = [
      [["branch", "sha"], "usage: pace branch sha BRANCH"],
      [["branch", "sha", "a", "b"], "usage: pace branch sha BRANCH"],
      [["branch", "sha", ""], "BRANCH: a branch name must not be empty"],
      [["branch", "sha", "a..b"], 'BRANCH: invalid branch name "a..b"'],
      [["branch", "sha", "has space"], "BRANCH: invalid branch name"],
      [["branch", "sha", "x.lock"], "BRANCH: invalid branch name"],
      [["branch", "sha", "main", "--from", "x"], '--from does not apply to "branch sha"'],
      [["branch", "create", "staging"], "--from is required"],
      [["branch", "create", "trail/", "--from", "main"], "NEW: invalid branch name"],
      [["branch", "create", "staging", "--from", "a~1"], "--from: invalid branch name"],
      [["branch", "pr", "--base", "main", "--title", "T"], "--head is required"],
      [["branch", "pr", "--head", "x", "--title", "T"], "--base is required"],
      [["branch", "pr", "--head", "x", "--base", "main"], "--title is required"],
      [["branch", "pr", "--head", "x", "--base", "main", "--title", " "], "--title is required"],
      [["branch", "pr", "--head", "x:y", "--base", "main", "--title", "T"], "--head: invalid"],
      [["branch", "pr", "--head", "x", "--base", "ma^in", "--title", "T"], "--base: invalid"],
      [["branch", "pr", "--head", "main", "--base", "main", "--title", "T"], "are both"],
      [
        [
          "branch",
          "pr",
          "--head",
          "x",
          "--base",
          "main",
          "--title",
          "T",
          "--body",
          "b",
          "--body-file",
          "f",
        ],
        "give --body or --body-file, not both",
      ],
      [
        ["branch", "pr", "--head", "x", "--base", "main", "--title", "T", "--body-file", "nope.md"],
        "cannot read nope.md",
      ],
      [
        ["branch", "pr", "--head", "x", "--base", "main", "--title", "T", "--body-file", "-"],
        "no standard input",
      ],
      [
        ["branch", "pr", "--head", "x", "--base", "main", "--title", "T", "--label", ""],
        "--label must not be empty",
      ],
      [["branch", "ensure-hierarchy", "--release", "v1"], "no sprint given"],
      [
        ["branch", "ensure-hierarchy", "--release", "v1", "--sprint", "1", "--day", "3"],
        "not both",
      ],
      [["branch", "ensure-hierarchy", "--release", "v1", "--sprint", "0"], "--sprint must be"],
      [["branch", "ensure-hierarchy", "--release", "v1", "--sprint", "1.5"], 'got "1.5"'],
      [["branch", "ensure-hierarchy", "--release", "v1", "--sprint", "two"], 'got "two"'],
      [["branch", "ensure-hierarchy", "--release", "v1", "--day=-3"], "--day must be"],
      [["branch", "ensure-hierarchy", "--release", "v1", "--day", "0"], "--day must be"],
      [["branch", "ensure-hierarchy", "--release", "v1", "--day", "100001"], "at most 100000"],
      [["branch", "ensure-hierarchy", "--release", "a..b", "--sprint", "1"], "the release name"],
      [["branch", "ensure-hierarchy", "--release", "v1.lock", "--sprint", "1"], "invalid"],
      [["branch", "ensure-hierarchy", "--release", "", "--sprint", "1"], "must not be empty"],
      [["branch", "ensure-hierarchy", "--sprint", "1"], "no release to build"],
      [["branch", "frobnicate"], 'unknown command "branch frobnicate"'],
    ];
    for (const [args, message] of cases) {
      for (const json of [false, true]) {
        const run = await cli(json ? [...args, "--json"] : args, root, { env: TOKEN });
        const label = `${args.join(" ")}${json ? " --json" : ""}: ${show(run)}`;
        assertEquals(run.code, EXIT.usage, label);
        const errors = run.err.filter((line) => line.startsWith("pace: "));
        assertEquals(errors.length, 1, label);
        assert(!errors[0].includes("\n"), `one line: ${label}`);
        assertStringIncludes(errors[0], message, label);
        if (json) {
          const answer = JSON.parse(run.stdout);
          assertEquals(answer.ok, false, label);
          assertStringIncludes(answer.error, message, label);
        } else {
          assertEquals(run.out, [], label);
        }
      }
    }
    assertEquals(calls, [], "no usage error reached the adapter");
    assert(!await exists(join(root, ".pace")), "nothing written");
  });
});

Deno.test("cli branch: missing credentials of the CI platform exit 2 before any call", async () => {
  await withRoot(async (root) => {
    await Deno.writeTextFile(join(root, "pace.config.yaml"), FAILING_CONFIG);
    calls.length = 0;
    for (const args of EVERY_COMMAND) {
      const run = await cli([...args, "--json"], root);
      const label = `${args.join(" ")}: ${show(run)}`;
      assertEquals(run.code, EXIT.usage, label);
      assertStringIncludes(run.stderr, "BRANCHTEST_TOKEN is not set", label);
      assertEquals(JSON.parse(run.stdout).ok, false, label);
    }
    assertEquals(calls, []);
  });
});

Deno.test("cli branch: jenkins needs no Jenkins credentials: its branching is local", async () => {
  await withRoot(async (root) => {
    await Deno.writeTextFile(
      join(root, "pace.config.yaml"),
      "platform: {ci: jenkins, tracker: jira}\n",
    );
    const run = await cli(["branch", "ensure-hierarchy", "--release", "v1.0", "--day", "3"], root);
    assertEquals([run.code, run.out], [EXIT.ok, ["rel/sprint/pace-1"]], show(run));
    assertStringIncludes(run.stderr, "[Jenkins] no branching of its own");
    const pr = await cli(
      ["branch", "pr", "--head", "rel/sprint/pace-1", "--base", "release/v1.0", "--title", "T"],
      root,
    );
    assertEquals([pr.code, pr.out], [EXIT.ok, [prFile(root, SPRINT_PR)]], show(pr));
  });
});

// ---------------------------------------------------------------------------
// A branching adapter that fails

Deno.test('cli branch: an adapter that resolves false, "" or undefined exits 1 with ok:false', async () => {
  await withRoot(async (root) => {
    await Deno.writeTextFile(join(root, "pace.config.yaml"), FAILING_CONFIG);
    calls.length = 0;
    for (const args of EVERY_COMMAND) {
      const text = await cli(args, root, { env: TOKEN });
      assertEquals([text.code, text.out], [EXIT.failed, []], show(text));
      const json = await cli([...args, "--json"], root, { env: TOKEN });
      assertEquals(json.code, EXIT.failed, show(json));
      const answer = JSON.parse(json.stdout);
      assertEquals(answer.ok, false, show(json));
      assert(typeof answer.error === "string" && answer.error !== "", show(json));
      assertNotMatch(json.stdout + json.stderr, /branchtest-secret-value/);
    }
    const absent = await cli(["branch", "sha", "main", "--json"], root, { env: TOKEN });
    assertEquals(JSON.parse(absent.stdout), { ok: false, error: 'branch "main" does not exist' });
    assertEquals(calls.filter((call) => call === "hierarchy v1.0").length, 2);
  });
});

registerPlatform({
  name: "branchtest-headless",
  env: [],
  hosts: () => [],
  ci: localPlatform.ci,
  branching: () => ({
    ...failingBranching,
    platform: "branchtest-headless",
    createBranch: () => Promise.resolve(true),
    ensureHierarchy: () => Promise.resolve(true),
  }),
});

Deno.test("cli branch: a branch that was made but whose head cannot be read is still ok", async () => {
  await withRoot(async (root) => {
    await Deno.writeTextFile(
      join(root, "pace.config.yaml"),
      "platform: {ci: branchtest-headless, tracker: local}\n",
    );
    const create = await cli(["branch", "create", "staging", "--from", "main", "--json"], root);
    assertEquals(create.code, EXIT.ok, show(create));
    assertEquals(JSON.parse(create.stdout), { ok: true, from: "main", branch: "staging" });
    assertStringIncludes(create.stderr, "staging exists, but its head could not be read");
    const hierarchy = await cli(
      ["branch", "ensure-hierarchy", "--release", "v1", "--day", "1"],
      root,
    );
    assertEquals(
      [hierarchy.code, hierarchy.out],
      [EXIT.ok, ["rel/sprint/pace-1"]],
      show(hierarchy),
    );
  });
});

// ---------------------------------------------------------------------------
// ensure-hierarchy from the config in use

const RELEASES = [
  "releases:",
  "  - name: 2026-q2",
  "    status: done",
  "  - name: 2026-q3",
  "    status: active",
  "    sprint_days: 14",
  "  - name: 2026-q4",
  "    status: planned",
  "",
].join("\n");

Deno.test("cli branch: ensure-hierarchy takes the release and sprint from the config", async () => {
  await withRoot(async (root) => {
    const config = join(root, "pace.config.yaml");
    const hierarchy = async (env: Env, ...args: string[]) => {
      const run = await cli(["branch", "ensure-hierarchy", "--json", ...args], root, { env });
      assertEquals(run.code, EXIT.ok, show(run));
      const { release, sprint } = JSON.parse(run.stdout);
      return [release, sprint];
    };

    await Deno.writeTextFile(config, RELEASES);
    assertEquals(await hierarchy({}, "--day", "15"), ["2026-q3", 2], "active, 14-day sprints");
    assertEquals(await hierarchy({}, "--sprint", "5"), ["2026-q3", 5]);
    assertEquals(await hierarchy({ PACE_RELEASE: "2026-q4" }, "--day", "15"), ["2026-q4", 3]);
    assertEquals(await hierarchy({}, "--release", "2026-q3", "--day", "29"), ["2026-q3", 3]);
    assertEquals(await hierarchy({}, "--release", "2027-q1", "--day", "8"), ["2027-q1", 2]);

    await Deno.writeTextFile(config, "release:\n  name: v1.0\n  sprint_days: 5\n");
    assertEquals(await hierarchy({}, "--day", "6"), ["v1.0", 2], "legacy release");

    // Another file through --config, from anywhere on the line.
    await Deno.writeTextFile(join(root, "other.yaml"), "release: {name: v9}\n");
    assertEquals(await hierarchy({}, "--day", "8", "--config", "other.yaml"), ["v9", 2]);
    assertEquals(await hierarchy({ PACE_CONFIG: "other.yaml" }, "--day", "1"), ["v9", 1]);
  });
});

Deno.test("cli branch: a release the config cannot decide is exit 2 with one line", async () => {
  await withRoot(async (root) => {
    const config = join(root, "pace.config.yaml");
    const cases: [string, Env, string[], string][] = [
      [
        "releases:\n  - {name: a, status: active}\n  - {name: b, status: active}\n",
        {},
        ["--day", "1"],
        "2 releases have",
      ],
      [RELEASES, { PACE_RELEASE: "2026-q9" }, ["--day", "1"], "PACE_RELEASE names"],
      [RELEASES, { PACE_RELEASE: "a..b" }, ["--day", "1"], "PACE_RELEASE"],
      ["releases:\n  - {name: a, status: done}\n", {}, ["--day", "1"], "no release to build"],
      ["platform: {ci: local}\n", {}, ["--sprint", "1"], "no release to build"],
      ["releases: v1\n", {}, ["--day", "1"], '"releases" must be a list'],
      ["releases:\n  - {name: 'x y', status: active}\n", {}, ["--day", "1"], "invalid branch"],
      [
        "releases:\n  - {name: a, status: active, sprint_days: 0}\n",
        {},
        ["--day", "1"],
        "sprint_days",
      ],
      ["release: {name: 2.0}\n", {}, ["--day", "1"], "must be a string"],
      ["release: v1\n", {}, ["--day", "1"], '"release" must be a mapping'],
    ];
    for (const [text, env, args, message] of cases) {
      await Deno.writeTextFile(config, text);
      const run = await cli(["branch", "ensure-hierarchy", ...args, "--json"], root, { env });
      const label = `${JSON.stringify(text)} ${JSON.stringify(env)}: ${show(run)}`;
      assertEquals(run.code, EXIT.usage, label);
      const errors = run.err.filter((line) => line.startsWith("pace: "));
      assertEquals(errors.length, 1, label);
      assertStringIncludes(errors[0], message, label);
      assertEquals(JSON.parse(run.stdout).ok, false, label);
    }
    assert(!await exists(join(root, ".pace")), "nothing written");
  });
});

// ---------------------------------------------------------------------------
// The whole group as a subprocess under exactly the printed flags

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const BROAD = ["--allow-read", "--allow-write", "--allow-env"];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function pace(
  cwd: string,
  flags: string[],
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, CLI, ...args],
    cwd,
    env: { NO_COLOR: "1", PACE_CONFIG: "", PACE_RELEASE: "", GITHUB_ACTIONS: "", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function describeRun(run: Run): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

Deno.test("cli branch: every command runs under exactly the flags pace permissions prints", async () => {
  await withRoot(async (root) => {
    await Deno.writeTextFile(join(root, "pace.config.yaml"), RELEASES);
    const printed = await pace(root, BROAD, ["permissions"]);
    assertEquals(printed.code, 0, describeRun(printed));
    const flags = printed.stdout.trim().split(" ");
    assert(!flags.some((flag) => flag === "-A" || flag === "--allow-all"), printed.stdout);
    assert(!flags.some((flag) => flag.startsWith("--allow-net")), "local needs no network");

    const run = async (
      args: string[],
      options: { env?: Record<string, string>; stdin?: string } = {},
    ) => {
      const result = await pace(root, flags, args, options);
      assertNotMatch(result.stderr, /Uncaught|NotCapable|PermissionDenied|Requires \w+ access/);
      assertNotMatch(result.stderr, /broader access/, describeRun(result));
      return result;
    };

    const sha = await run(["branch", "sha", "main"]);
    assertEquals([sha.code, sha.stdout], [0, "local\n"], describeRun(sha));

    const create = await run(["branch", "create", "staging", "--from", "main", "--json"]);
    assertEquals(JSON.parse(create.stdout).ok, true, describeRun(create));

    const active = await run(["branch", "ensure-hierarchy", "--day", "15"]);
    assertEquals([active.code, active.stdout], [0, "rel/sprint/pace-2\n"], describeRun(active));
    const named = await run(["branch", "ensure-hierarchy", "--day", "15", "--json"], {
      env: { PACE_RELEASE: "2026-q4" },
    });
    assertEquals(JSON.parse(named.stdout).release, "2026-q4", describeRun(named));
    const unknown = await run(["branch", "ensure-hierarchy", "--day", "1"], {
      env: { PACE_RELEASE: "nope" },
    });
    assertEquals(unknown.code, 2, describeRun(unknown));

    const pr = await run(
      [
        "branch",
        "pr",
        "--head",
        "rel/sprint/pace-2",
        "--base",
        "release/2026-q3",
        "--title",
        "Sprint 2",
        "--body-file",
        "-",
        "--label",
        "pace-release",
      ],
      { stdin: "Sprint 2 ships.\n" },
    );
    const path = prFile(root, "rel_sprint_pace-2--into--release_2026-q3.md");
    assertEquals([pr.code, pr.stdout], [0, `${path}\n`], describeRun(pr));
    assertStringIncludes(await Deno.readTextFile(path), "Sprint 2 ships.");

    const bad = await run(["branch", "sha", "a..b"]);
    assertEquals(bad.code, 2, describeRun(bad));
  });
});
