/**
 * `deno task demo`: a whole PACE day on the local platform, through the
 * `pace` CLI, under the narrow permissions `pace permissions` prints.
 *
 * It writes a sample `.pace/` into a fresh temporary directory, asks the CLI
 * for the flags the local config needs, then runs every operation as a
 * subprocess with exactly those flags (never `-A`) and checks each exit code.
 * The directory is kept so you can look at what was produced.
 *
 * ```sh
 * deno task demo
 * ```
 *
 * Exit 0 when every step behaved as expected, 1 otherwise.
 *
 * @module
 */

import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { writeSamplePace } from "../testing.ts";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
/** Enough to ask for the flags; everything else runs under what it prints. */
const BROAD = ["--allow-read", "--allow-write", "--allow-env"];
const SHA = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
/** Where local branching writes the release PR (the slashes of branch names made safe). */
const RELEASE_PR = ".pace/pull-requests/rel_sprint_pace-1--into--release_v1.0.md";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

/** Run `deno run --no-prompt <flags> cli.ts <args>` in `cwd`. */
async function pace(cwd: string, flags: string[], args: string[]): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, CLI, ...args],
    cwd,
    // PACE_CONFIG from the caller's shell would point the CLI elsewhere.
    env: { PACE_CONFIG: "", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout).trim(),
    stderr: decoder.decode(output.stderr).trim(),
  };
}

/** An argument as a shell would need it typed. */
function shellWord(arg: string): string {
  return /^[\w./=:,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function listFiles(dir: string): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  const walk = async (current: string) => {
    for await (const entry of Deno.readDir(current)) {
      const path = join(current, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) files.set(path, (await Deno.stat(path)).size);
    }
  };
  await walk(dir);
  return files;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

interface Step {
  title: string;
  args: string[];
  /** The exit code this step must end with. */
  expect: number;
  /** What the exit code means, when it is not plain success. */
  why?: string;
  /** The file it produces, relative to the repository root. */
  artifact?: string;
  /** Where the result goes when it is not a file. */
  output?: string;
  /** A line stderr must contain. */
  stderrHas?: string;
}

async function demo(): Promise<number> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pace-demo-" }));
  const pacePath = await writeSamplePace(root);
  const before = await listFiles(root);
  console.log(`PACE demo in ${root}`);
  console.log(`sample artifacts written to ${pacePath} (days 1-14; day 3 is a HOLD)\n`);

  // 1. The narrowest permissions for this config, from the CLI itself.
  const printed = await pace(root, BROAD, ["permissions"]);
  if (printed.code !== 0 || !printed.stdout.startsWith("--allow-")) {
    console.error(`pace permissions failed (exit ${printed.code}):\n${printed.stderr}`);
    return 1;
  }
  const flags = printed.stdout.split(" ");
  console.log("$ pace permissions");
  console.log(`  ${printed.stdout}`);
  console.log(
    `  (${flags.some((f) => f.startsWith("--allow-net")) ? "" : "no network at all; "}` +
      "every step below runs under exactly these flags)\n",
  );

  // Inputs the steps read, inside the repository so the flags cover them.
  await Deno.writeTextFile(
    join(root, "sentinel-findings.yaml"),
    "- id: S-1\n  finding: Token printed in debug log\n" +
      "- id: S-2\n  finding: Password reset has no rate limit\n",
  );
  await Deno.writeTextFile(
    join(root, "day-report.md"),
    "# PACE day 3\n\n- Gate: HOLD\n- Blocker: integration tests fail on the reset mail\n",
  );

  const steps: Step[] = [
    {
      title: "branch hierarchy (release v1.0, day 3)",
      args: ["branch", "ensure-hierarchy", "--release", "v1.0", "--day", "3"],
      expect: 0,
      output: "the sprint branch on stdout (local has no remote: nothing to create)",
    },
    {
      title: "push story (day 1)",
      args: ["tracker", "push-story", "--day", "1"],
      expect: 0,
      artifact: ".pace/day-1/story-ticket.md",
    },
    {
      title: "wait for CI",
      args: ["ci", "wait", SHA, "--timeout-minutes", "0.01"],
      expect: 4,
      why: "no_runs: the local platform has no CI, as expected",
      output: "the conclusion on stdout",
    },
    {
      title: "daily summary (day 3)",
      args: ["ci", "daily-summary", "--day", "3"],
      expect: 0,
      output: "one log line on stderr",
      stderrHas: "Day 3 summary: \u{1F534} HOLD",
    },
    {
      title: "escalation (day 3)",
      args: ["tracker", "escalate", "--day", "3"],
      expect: 0,
      artifact: ".pace/day-3/escalation-issue.md",
    },
    {
      title: "advisory (day 3, SENTINEL)",
      args: [
        "tracker",
        "advisory",
        "--day",
        "3",
        "--agent",
        "SENTINEL",
        "--items",
        "sentinel-findings.yaml",
      ],
      expect: 0,
      artifact: ".pace/advisory-day3-sentinel.md",
    },
    {
      title: "review PR (day 14, gate day)",
      args: ["ci", "review-pr", "--day", "14"],
      expect: 0,
      artifact: ".pace/day-14/review-pr.md",
    },
    {
      title: "job summary",
      args: ["ci", "job-summary", "day-report.md"],
      expect: 0,
      artifact: "pace-summary.md",
    },
    {
      title: "story status done (day 1)",
      args: ["tracker", "story-status", "--day", "1", "--status", "done"],
      expect: 0,
      artifact: ".pace/day-1/story-ticket.md",
    },
    {
      title: "handoff comment (day 1)",
      args: ["tracker", "handoff", "--day", "1"],
      expect: 0,
      artifact: ".pace/day-1/story-handoff-comment.md",
    },
    {
      title: "release PR (sprint 1 into release/v1.0)",
      args: [
        "branch",
        "pr",
        "--head",
        "rel/sprint/pace-1",
        "--base",
        "release/v1.0",
        "--title",
        "Sprint 1 into release v1.0",
        "--body-file",
        "day-report.md",
        "--label",
        "pace-release",
      ],
      expect: 0,
      artifact: RELEASE_PR,
    },
  ];

  let failures = 0;
  for (const [index, step] of steps.entries()) {
    const run = await pace(root, flags, step.args);
    const problems: string[] = [];
    if (run.code !== step.expect) problems.push(`expected exit ${step.expect}`);
    if (step.artifact && !await exists(join(root, step.artifact))) {
      problems.push(`${step.artifact} is missing`);
    }
    if (step.stderrHas && !run.stderr.includes(step.stderrHas)) {
      problems.push(`stderr lacks "${step.stderrHas}"`);
    }
    if (/Requires \w+ access|NotCapable|broader access/.test(run.stderr)) {
      problems.push("a permission problem was reported");
    }
    const mark = problems.length ? "FAIL" : "ok  ";
    console.log(`${mark} ${index + 1}. ${step.title}`);
    console.log(`       $ pace ${step.args.map(shellWord).join(" ")}`);
    console.log(`       exit ${run.code}${step.why ? ` (${step.why})` : ""}`);
    console.log(`       -> ${step.artifact ?? step.output}`);
    const logged = step.stderrHas &&
      run.stderr.split("\n").find((line) => line.includes(step.stderrHas!));
    if (logged) console.log(`       stderr: ${logged}`);
    if (run.stdout) {
      console.log(`       stdout: ${run.stdout.split("\n").join("\n               ")}`);
    }
    if (problems.length) {
      failures++;
      console.log(`       problem: ${problems.join("; ")}`);
      if (run.stderr) console.log(`       stderr:\n${run.stderr.replace(/^/gm, "         ")}`);
    }
  }

  const after = await listFiles(root);
  console.log("\nFiles created or changed (the demo wrote the two inputs; pace wrote the rest):");
  for (const [path, size] of after) {
    if (before.get(path) === size) continue;
    console.log(`  ${String(size).padStart(6)} B  ${relative(root, path)}`);
  }

  for (
    const [file, count] of [[".pace/day-3/escalation-issue.md", 12], [RELEASE_PR, 10]] as const
  ) {
    const path = join(root, file);
    if (!await exists(path)) continue;
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n").slice(0, count);
    console.log(`\nFirst lines of ${file}:`);
    for (const line of lines) console.log(`  | ${line}`);
  }

  console.log(`\nThe demo directory is kept: ${root}`);
  if (failures) {
    console.error(`${failures} step(s) did not behave as expected`);
    return 1;
  }
  console.log(`All ${steps.length} steps behaved as expected under: ${flags.join(" ")}`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await demo());
}
