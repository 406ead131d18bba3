/**
 * Cases run in child `deno run` processes: every platform's matrices (so no
 * one process carries them all), and alone the heavy ones that may eat
 * memory, CPU or a blocked thread (endless bodies, YAML alias bombs, FIFOs,
 * 300 000-space strings). The parent samples each child's peak RSS from
 * `/proc/<pid>/status` while it runs, kills it when it goes past a hard
 * ceiling or its time limit, and turns that into failed cases.
 *
 * @module
 */

import { type CaseResult, memoryOf } from "./report.ts";

/** The flags `deno task fuzz` runs with; children get the same. */
export const FLAGS = [
  "--allow-net=127.0.0.1,localhost",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys=hostname,osRelease",
];

/** What a child runs. */
export interface ChildSpec {
  matrix: "faults" | "files" | "inputs" | "secrets";
  platform: string;
  /** Fault, input or form names; all when absent. */
  names?: string[];
  ops?: string[];
  /** Only the heavy cases, or none of them. */
  heavy?: boolean;
  light?: boolean;
  /** Cases at a time inside the child. */
  jobs?: number;
}

/** What a child hands back. */
export interface ChildOutcome {
  spec: ChildSpec;
  results: CaseResult[];
  /** Highest VmHWM seen, kB. */
  peakKb: number;
  /** Why the child was killed or failed, if it was. */
  failure?: string;
  ms: number;
}

/** The line a child's result travels on. */
export const RESULT_PREFIX = "FUZZ-RESULT ";

/** The hard ceiling: a child above it is killed (the matrix limit is far lower). */
const KILL_RSS_KB = 1024 * 1024;

/**
 * Run `spec` in a child of `entry`, within `limitMs`. With `tmp`, the child
 * makes its temporary directories there (so a killed child's go with it).
 */
export async function runChild(
  entry: string,
  spec: ChildSpec,
  limitMs: number,
  tmp?: string,
): Promise<ChildOutcome> {
  const started = performance.now();
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--config=${config}`,
      ...FLAGS,
      entry,
      "--child",
      JSON.stringify(spec),
    ],
    stdout: "piped",
    stderr: "piped",
    env: tmp ? { NO_COLOR: "1", TMPDIR: tmp } : { NO_COLOR: "1" },
  }).spawn();
  let peak = 0;
  let failure: string | undefined;
  let sampling = false;
  const sampler = setInterval(async () => {
    if (sampling) return;
    sampling = true;
    const memory = await memoryOf(child.pid);
    sampling = false;
    peak = Math.max(peak, memory.peakKb);
    if (memory.rssKb > KILL_RSS_KB && !failure) {
      failure = `RSS ${Math.round(memory.rssKb / 1024)} MB: killed`;
      kill(child);
    }
  }, 100);
  const timer = setTimeout(() => {
    failure ??= `still running after ${limitMs} ms: killed`;
    kill(child);
  }, limitMs);
  const [output, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  clearInterval(sampler);
  clearTimeout(timer);
  const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  let results: CaseResult[] = [];
  if (line) {
    const parsed = JSON.parse(line.slice(RESULT_PREFIX.length)) as {
      results: CaseResult[];
      peakKb: number;
    };
    results = parsed.results;
    peak = Math.max(peak, parsed.peakKb);
  } else if (!failure) {
    failure = `exited ${output.code} without a result: ${
      stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)
    }`;
  }
  for (const r of results) r.childPeakKb = peak;
  return { spec, results, peakKb: peak, failure, ms: Math.round(performance.now() - started) };
}

function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // Gone already.
  }
}
