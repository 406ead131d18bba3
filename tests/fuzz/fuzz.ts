/**
 * `deno task fuzz`: the fault, bad-input and secret-form matrices against
 * every registered platform, on fake servers at 127.0.0.1. Prints one table
 * per matrix, the failing cases with the module to look at, and the summary
 * line; exits 1 on any unsurvived fault, unhandled input, leak, duplicate or
 * process over 200 MB of peak RSS.
 *
 * Each platform's matrices run in child processes (the heavy cases alone),
 * so peak RSS is measured per process and a runaway case is killed without
 * taking the run with it.
 *
 * ```sh
 * deno task fuzz                                  # everything
 * deno task fuzz --platform github --matrix faults --verbose
 * deno task fuzz --platform jira --only 500,hang  # some faults / inputs / forms
 * ```
 *
 * @module
 */

import { pool } from "./bound.ts";
import { type ChildOutcome, type ChildSpec, RESULT_PREFIX, runChild } from "./children.ts";
import { NETWORK_FAULTS, planNetworkCases, runNetworkCase } from "./faults.ts";
import { planFileCases, runFileCase } from "./file_faults.ts";
import { INPUTS, planInputCases, runInputCase } from "./inputs.ts";
import {
  type CaseResult,
  failureList,
  matrixTable,
  memoryOf,
  passed,
  SKIPPED,
  summaryLine,
  totals,
} from "./report.ts";
import { fuzzPlatforms, unfuzzedPlatforms } from "./rigs.ts";
import { planSecretCases } from "./secrets.ts";

const ENTRY = new URL(import.meta.url).pathname;

/** Run the cases of `spec` here, `jobs` at a time (slow ones all at once). */
export async function runSpec(spec: ChildSpec): Promise<CaseResult[]> {
  const jobs = spec.jobs ?? 12;
  const keep = (results: (CaseResult | typeof SKIPPED)[]) =>
    results.filter((r): r is CaseResult => r !== SKIPPED);
  const filter = { names: spec.names, heavy: spec.heavy, light: spec.light };
  switch (spec.matrix) {
    case "faults": {
      const plans = await planNetworkCases({
        platforms: [spec.platform],
        faults: spec.names,
        ops: spec.ops,
        heavy: spec.heavy,
        light: spec.light,
      });
      const slow = plans.filter((p) => p.fault.slow);
      const quick = plans.filter((p) => !p.fault.slow);
      const [a, b] = await Promise.all([
        pool(slow.map((p) => () => runNetworkCase(p)), 24),
        pool(quick.map((p) => () => runNetworkCase(p)), jobs),
      ]);
      return keep([...a, ...b]);
    }
    case "files": {
      const plans = await planFileCases([spec.platform], filter);
      return keep(await pool(plans.map((p) => () => runFileCase(p.platform, p.fault, p.op)), jobs));
    }
    case "inputs": {
      const plans = planInputCases({ platforms: [spec.platform], ...filter });
      return keep(await pool(plans.map((p) => () => runInputCase(p.platform, p.input)), jobs));
    }
    case "secrets":
      return keep(await pool(planSecretCases([spec.platform], spec.names), jobs));
  }
}

/**
 * The network faults in groups, one child each: the slow ones together (they
 * wait, all at once), the others a few at a time, so that no child runs so
 * many cases that its own bookkeeping weighs on its peak RSS.
 */
function faultGroups(only?: string[]): string[][] {
  const wanted = NETWORK_FAULTS.filter((f) => !f.heavy && (!only || only.includes(f.name)));
  const slow = wanted.filter((f) => f.slow).map((f) => f.name);
  const quick = wanted.filter((f) => !f.slow).map((f) => f.name);
  const groups = slow.length ? [slow] : [];
  for (let i = 0; i < quick.length; i += 6) groups.push(quick.slice(i, i + 6));
  return groups;
}

/** The children of a full run over `platforms`. */
export function planChildren(
  platforms: string[],
  matrices: string[],
  only?: string[],
): ChildSpec[] {
  const specs: ChildSpec[] = [];
  const heavyInputs = INPUTS.filter((i) => i.heavy).map((i) => i.name);
  for (const platform of platforms) {
    const remote = platform !== "local";
    const stores = platform === "local" || platform === "jenkins";
    if (matrices.includes("faults")) {
      if (remote) {
        for (const names of faultGroups(only)) specs.push({ matrix: "faults", platform, names });
      }
      if (remote) specs.push({ matrix: "faults", platform, heavy: true, names: only, jobs: 1 });
      if (stores) specs.push({ matrix: "files", platform, light: true, names: only });
      if (stores) specs.push({ matrix: "files", platform, heavy: true, names: only, jobs: 1 });
    }
    if (matrices.includes("inputs")) {
      specs.push({ matrix: "inputs", platform, light: true, names: only });
      for (const name of heavyInputs.filter((n) => !only || only.includes(n))) {
        specs.push({ matrix: "inputs", platform, heavy: true, names: [name], jobs: 1 });
      }
    }
    if (matrices.includes("secrets") && remote) {
      specs.push({ matrix: "secrets", platform, names: only, jobs: 8 });
    }
  }
  return specs;
}

/** How long a child may run. */
function limitOf(spec: ChildSpec): number {
  if (spec.matrix === "inputs" && spec.heavy) return 30_000;
  if (spec.heavy) return 120_000;
  return 300_000;
}

/** A killed or broken child, as a failed case of its matrix. */
function childFailure(outcome: ChildOutcome): CaseResult {
  const { spec } = outcome;
  return {
    matrix: spec.matrix === "files" ? "faults" : spec.matrix,
    platform: spec.platform,
    name: spec.names?.length === 1 ? spec.names[0] : `(${spec.heavy ? "heavy" : "all"} cases)`,
    op: "child",
    ok: false,
    problems: [`child process ${outcome.failure}`],
    duplicates: 0,
    leaks: spec.matrix === "secrets" ? 1 : 0,
    checks: spec.matrix === "secrets" ? 1 : undefined,
    ms: outcome.ms,
    childPeakKb: outcome.peakKb,
    suspect: spec.heavy
      ? "platforms/_core/http/body.ts / platforms/_core/yaml.ts / artifact readers"
      : undefined,
  };
}

/** A child in a few words. */
function label(spec: ChildSpec): string {
  const names = spec.names
    ? ` ${spec.names.slice(0, 3).join(",")}${spec.names.length > 3 ? ",…" : ""}`
    : "";
  return `${spec.matrix} ${spec.platform}${names}${spec.heavy ? " (heavy)" : ""}`;
}

interface Options {
  platforms: string[];
  matrices: string[];
  only?: string[];
  verbose: boolean;
  children: number;
}

function parse(args: string[]): Options | { child: ChildSpec } {
  const value = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const child = value("child");
  if (child) return { child: JSON.parse(child) };
  const list = (name: string) => value(name)?.split(",").map((s) => s.trim()).filter(Boolean);
  return {
    platforms: list("platform") ?? fuzzPlatforms(),
    matrices: list("matrix") ?? ["faults", "inputs", "secrets"],
    only: list("only"),
    verbose: args.includes("--verbose"),
    children: Number(value("children") ?? 6),
  };
}

async function orchestrate(options: Options): Promise<number> {
  const started = performance.now();
  const specs = planChildren(options.platforms, options.matrices, options.only);
  console.log(
    `fuzzing ${options.platforms.join(", ")}: ${options.matrices.join(", ")} ` +
      `(${specs.length} child processes, ${options.children} at a time)`,
  );
  const unfuzzed = unfuzzedPlatforms();
  if (unfuzzed.length) console.log(`no fake server for ${unfuzzed.join(", ")}: not fuzzed`);
  let done = 0;
  const tmp = await Deno.makeTempDir({ prefix: "pace-fuzz-run-" });
  const outcomes = await pool(
    specs.map((spec) => async () => {
      const outcome = await runChild(ENTRY, spec, limitOf(spec), tmp);
      done++;
      if (options.verbose || outcome.failure) {
        console.log(
          `  [${done}/${specs.length}] ${label(spec)}: ${outcome.results.length} cases, ` +
            `${Math.round(outcome.ms / 1000)} s, peak ${Math.round(outcome.peakKb / 1024)} MB` +
            (outcome.failure ? ` — ${outcome.failure}` : ""),
        );
      }
      return outcome;
    }),
    options.children,
  ).finally(() => Deno.remove(tmp, { recursive: true }).catch(() => {}));
  const results = outcomes.flatMap((o) => o.failure ? [...o.results, childFailure(o)] : o.results);
  const childPeak = Math.max(0, ...outcomes.map((o) => o.peakKb));
  for (const matrix of ["faults", "inputs", "secrets"] as const) {
    if (!options.matrices.includes(matrix)) continue;
    console.log(`\n== ${matrix} ==`);
    console.log(matrixTable(results, matrix));
  }
  console.log("== failures ==");
  console.log(failureList(results));
  if (options.verbose) {
    for (const r of results.filter((r) => !r.ok)) {
      console.log(
        `  ${r.matrix} ${r.platform} ${r.name} ${r.op}: ${r.problems.join(" | ")}` +
          (r.detail ? ` ${r.detail}` : ""),
      );
    }
  }
  const t = totals(results, childPeak, (await memoryOf()).peakKb);
  const heaviest = outcomes.reduce((a, b) => (b.peakKb > a.peakKb ? b : a), outcomes[0]);
  if (heaviest) {
    const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
    console.log(
      `peak RSS: fuzz process ${mb(t.selfPeakKb)}; heaviest child ${mb(heaviest.peakKb)} ` +
        `(${label(heaviest.spec)})`,
    );
  }
  console.log(`took ${Math.round((performance.now() - started) / 1000)} s`);
  console.log(summaryLine(t));
  return passed(t) ? 0 : 1;
}

if (import.meta.main) {
  const options = parse(Deno.args);
  if ("child" in options) {
    const results = await runSpec(options.child);
    console.log(RESULT_PREFIX + JSON.stringify({ results, peakKb: (await memoryOf()).peakKb }));
    Deno.exit(0);
  }
  Deno.exit(await orchestrate(options));
}
