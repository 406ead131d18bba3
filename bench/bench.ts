/**
 * `deno task bench`: what a CI wait costs with a network in the way. Starts
 * the lean server (bench/server.ts, every answer `--latency` ms late), times
 * `pace ci wait` on GitHub, GitLab, Bitbucket and Jenkins beside the Python
 * yardstick, and prints one markdown table of medians. Asserts nothing: speed
 * is measured here, never in the tests.
 *
 * - cold start: a fresh `deno run` under the flags `pace permissions` prints,
 *   CI already green, spawn to exit;
 * - detection: CI turns green `--green-after` ms after the first poll, polls
 *   every `--interval` s; exit minus the moment it turned green; requests per
 *   wait and the share answered 304; peak RSS;
 * - a commit with 1 000 check runs: pages fetched, time;
 * - floors: starting the runtime at all.
 *
 * Runs alternate between contestants so that a busy machine slows all alike.
 * Bounded: a fixed number of runs, each killed after a minute, the whole
 * bench stopped after `--max-minutes`; loopback only.
 *
 * ```sh
 * deno task bench [--runs 15] [--detect-runs 5] [--latency 50] [--interval 1] [--green-after 2500]
 *                  [--max-minutes 10] [--samples] [--help]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  bareWaitRunner,
  findPython,
  floorRunners,
  paceRunner,
  PROCESS_LIMIT_MS,
  type Runner,
  yardstickRunner,
} from "./contestants.ts";
import { type ProcessRun, procText, runProcess } from "./process.ts";
import { type BenchPlatform, LeanServer } from "./server.ts";
import { type BenchResults, type Contestant, renderTable, type Sample } from "./table.ts";

const USAGE = `deno task bench [options]
  --runs N          cold starts per contestant, and runs of the other rows (default 15)
  --detect-runs N   waits that see CI turn green (default 5)
  --latency MS      delay of every answer (default 50)
  --interval S      poll interval of the detection waits (default 1)
  --green-after MS  CI turns green this long after the first poll (default 2500)
  --max-minutes N   start no run after this (default 10)
  --samples         print every sample as JSON after the table`;

const PLATFORMS: BenchPlatform[] = ["github", "gitlab", "bitbucket", "jenkins"];
const MANY_CHECK_RUNS = 1000;

interface Options {
  runs: number;
  detectRuns: number;
  latencyMs: number;
  intervalSeconds: number;
  greenAfterMs: number;
  maxMinutes: number;
  /** Print every sample after the table. */
  samples: boolean;
}

function readOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: "string", default: "15" },
      "detect-runs": { type: "string", default: "5" },
      latency: { type: "string", default: "50" },
      interval: { type: "string", default: "1" },
      "green-after": { type: "string", default: "2500" },
      "max-minutes": { type: "string", default: "10" },
      samples: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const number = (name: keyof typeof values, min: number, max: number) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`--${name} must be a number from ${min} to ${max}`);
    }
    return value;
  };
  return {
    runs: Math.round(number("runs", 1, 50)),
    detectRuns: Math.round(number("detect-runs", 1, 20)),
    latencyMs: number("latency", 0, 2000),
    intervalSeconds: number("interval", 0.05, 10),
    greenAfterMs: number("green-after", 0, 30_000),
    maxMinutes: number("max-minutes", 1, 60),
    samples: values.samples === true,
  };
}

async function machineLine(yardstick: string | undefined): Promise<string> {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(await procText("/proc/cpuinfo"))?.[1]?.trim() ??
    Deno.build.arch;
  const kernel = (await procText("/proc/sys/kernel/osrelease")).trim();
  const load = (await procText("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  return [
    `${cpu}, ${navigator.hardwareConcurrency} CPUs`,
    `${Deno.build.os}${kernel ? ` ${kernel}` : ""}`,
    `deno ${Deno.version.deno}`,
    yardstick,
    load ? `load average ${load} at start` : undefined,
  ].filter(Boolean).join(", ");
}

/** Stops the bench once its time is up: every loop asks before each run. */
class Budget {
  readonly #end: number;
  exhausted = false;
  constructor(minutes: number) {
    this.#end = performance.now() + minutes * 60_000;
  }
  allows(): boolean {
    // A run may take up to a minute: start none that could overrun.
    this.exhausted ||= performance.now() + PROCESS_LIMIT_MS > this.#end;
    return !this.exhausted;
  }
}

function failure(runner: Runner, run: ProcessRun): Error {
  const why = run.killed ? "was killed at its time limit" : `exited ${run.code}`;
  const output = `${run.stdout}\n${run.stderr}`.trim().slice(0, 600);
  return new Error(`${runner.label} ${why}:\n${output}`);
}

async function timed(
  server: LeanServer,
  runner: Runner,
  setup: { greenAfterMs?: number; checkRuns?: number },
  intervalSeconds: number,
): Promise<Sample> {
  server.reset(setup);
  const run = await runProcess(runner.spec(intervalSeconds));
  if (run.code !== 0 || run.killed) throw failure(runner, run);
  const { stats } = server;
  return {
    ms: run.ms,
    requests: stats.requests,
    notModified: stats.notModified,
    peakKb: run.peakKb,
    pages: stats.checkRunPages,
    detectionMs: stats.greenAt === undefined ? undefined : run.exitAt - stats.greenAt,
  };
}

async function bench(
  options: Options,
): Promise<{ table: string; command: string; results: BenchResults }> {
  const root = await Deno.makeTempDir({ prefix: "pace-bench-" });
  await using server = new LeanServer({ latencyMs: options.latencyMs });
  try {
    const pace = await Promise.all(PLATFORMS.map((p) => paceRunner(p, server, root)));
    const python = await findPython();
    const yardstick = python ? yardstickRunner(server, root, python) : undefined;
    const bare = await bareWaitRunner(server, root);
    const floors = await floorRunners(root, python);
    const machine = await machineLine(python?.version);
    const contestants: (Runner & { result: Contestant })[] = [
      ...pace,
      ...(yardstick ? [yardstick] : []),
      bare,
    ]
      .map((runner) => ({ ...runner, result: { label: runner.label, cold: [], detect: [] } }));
    const budget = new Budget(options.maxMinutes);
    const { intervalSeconds, greenAfterMs } = options;

    // One untimed run each: the first `deno run` of a module graph fills Deno's caches.
    for (const c of contestants) await timed(server, c, {}, intervalSeconds);
    for (const f of floors) await runProcess(f.spec(intervalSeconds));

    for (let i = 0; i < options.runs && budget.allows(); i++) {
      for (const c of contestants) c.result.cold.push(await timed(server, c, {}, intervalSeconds));
    }
    for (let i = 0; i < options.detectRuns && budget.allows(); i++) {
      for (const c of contestants) {
        c.result.detect.push(await timed(server, c, { greenAfterMs }, intervalSeconds));
      }
    }
    const manyRunners = [pace[0], ...(yardstick ? [yardstick] : [])];
    const many = manyRunners.map((r) => ({
      label: r.label,
      runs: MANY_CHECK_RUNS,
      samples: [] as Sample[],
    }));
    for (let i = 0; i < options.runs && budget.allows(); i++) {
      for (const [k, r] of manyRunners.entries()) {
        many[k].samples.push(
          await timed(server, r, { checkRuns: MANY_CHECK_RUNS }, intervalSeconds),
        );
      }
    }
    const floorResults = floors.map((f) => ({ label: f.label, samples: [] as Sample[] }));
    for (let i = 0; i < options.runs && budget.allows(); i++) {
      for (const [k, f] of floors.entries()) {
        const run = await runProcess(f.spec(intervalSeconds));
        if (run.code !== 0) throw failure(f, run);
        floorResults[k].samples.push({ ms: run.ms, requests: 0, notModified: 0 });
      }
    }

    const results: BenchResults = {
      machine,
      latencyMs: options.latencyMs,
      intervalSeconds,
      greenAfterMs,
      pace: contestants.slice(0, pace.length).map((c) => c.result),
      yardstick: yardstick ? contestants[pace.length].result : undefined,
      bare: contestants[contestants.length - 1].result,
      many,
      floors: floorResults,
    };
    const cut = budget.exhausted ? "\n\n(stopped early: --max-minutes reached)" : "";
    const command = `deno run ${pace[0].flags.join(" ")} cli.ts ci wait SHA --config github.yaml`;
    return { table: renderTable(results) + cut, command, results };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) {
  const options = readOptions(Deno.args);
  const { table, command, results } = await bench(options);
  console.log(table);
  console.log(`\nThe GitHub cold start, as timed: \`${command}\``);
  if (options.samples) console.log(JSON.stringify(results, null, 1));
}
