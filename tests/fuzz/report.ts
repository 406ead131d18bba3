/**
 * What a fuzz case found, and how `deno task fuzz` prints it: one table per
 * matrix (rows: fault, input or secret form; columns: platforms), the failing
 * cases with the reason and the module suspected, and one summary line.
 *
 * @module
 */

/** The three matrices. */
export type Matrix = "faults" | "inputs" | "secrets";

/** One case: a platform, a fault / input / secret form, an operation. */
export interface CaseResult {
  matrix: Matrix;
  platform: string;
  /** The fault, the input or the secret form (with the answer that echoed it). */
  name: string;
  /** The operation (or operations, `a+b`) the case ran. */
  op: string;
  /** Survived / handled / no leak. */
  ok: boolean;
  /** Why not, one line each. */
  problems: string[];
  /** Items found more than once after the case (each extra one counts). */
  duplicates: number;
  /** Secret matrix: sinks that held a secret in any form. */
  leaks: number;
  /** Secret matrix: sinks scanned. */
  checks?: number;
  /** Milliseconds the case took. */
  ms: number;
  /** The module most likely responsible when it failed. */
  suspect?: string;
  /** More about a failure (what the faulted run resolved); not grouped on. */
  detail?: string;
  /** Peak RSS in kB, for cases run in a child process. */
  childPeakKb?: number;
}

/** A case that could not be run in the platform (no such side, fault never reached). */
export const SKIPPED = Symbol("skipped");

/** Totals of one run. */
export interface Totals {
  faults: { tried: number; ok: number };
  inputs: { tried: number; ok: number };
  secrets: { tried: number; leaks: number };
  duplicates: number;
  /** Peak RSS of the fuzz process, kB. */
  selfPeakKb: number;
  /** Highest peak RSS of a child process, kB. */
  childPeakKb: number;
}

/** The RSS limit every process must stay under, in MB. */
export const RSS_LIMIT_MB = 200;

/** Peak (VmHWM) and current (VmRSS) resident set of a process, in kB. */
export interface Memory {
  peakKb: number;
  rssKb: number;
}

/**
 * The memory of process `pid` (default: this one), from `/proc/PID/status`.
 * Deno lets only `--allow-all` read `/proc` directly, so `cat` (under
 * `--allow-run`) reads it; zeros when it cannot be read (the process is gone).
 */
export async function memoryOf(pid: number = Deno.pid): Promise<Memory> {
  try {
    const { stdout } = await new Deno.Command("cat", {
      args: [`/proc/${pid}/status`],
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(stdout);
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    return { peakKb: kb("VmHWM"), rssKb: kb("VmRSS") };
  } catch {
    return { peakKb: 0, rssKb: 0 };
  }
}

/** Add up the results; `selfPeak`: this process's peak RSS, kB. */
export function totals(
  results: readonly CaseResult[],
  childPeak: number,
  selfPeak: number,
): Totals {
  const of = (m: Matrix) => results.filter((r) => r.matrix === m);
  const secretCases = of("secrets");
  return {
    faults: { tried: of("faults").length, ok: of("faults").filter((r) => r.ok).length },
    inputs: { tried: of("inputs").length, ok: of("inputs").filter((r) => r.ok).length },
    secrets: {
      tried: secretCases.reduce((n, r) => n + (r.checks ?? 1), 0),
      leaks: secretCases.reduce((n, r) => n + r.leaks, 0),
    },
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    selfPeakKb: selfPeak,
    childPeakKb: Math.max(childPeak, ...results.map((r) => r.childPeakKb ?? 0)),
  };
}

/** The summary line. */
export function summaryLine(t: Totals): string {
  const peak = Math.max(t.selfPeakKb, t.childPeakKb);
  return `faults: ${t.faults.tried} tried, ${t.faults.ok} survived; ` +
    `inputs: ${t.inputs.tried} tried, ${t.inputs.ok} handled; ` +
    `secret forms: ${t.secrets.tried} checked, ${t.secrets.leaks} leaks; ` +
    `duplicates: ${t.duplicates}; peak RSS: ${Math.round(peak / 1024)} MB`;
}

/** Whether the run passes: every count at its target. */
export function passed(t: Totals): boolean {
  return t.faults.ok === t.faults.tried && t.inputs.ok === t.inputs.tried &&
    t.secrets.leaks === 0 && t.duplicates === 0 &&
    Math.max(t.selfPeakKb, t.childPeakKb) <= RSS_LIMIT_MB * 1024;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/**
 * One matrix as a table: a row per name, a column per platform; a cell is
 * `ok/tried` (`leaks/checked` for secrets), `-` where nothing ran.
 */
export function matrixTable(results: readonly CaseResult[], matrix: Matrix): string {
  const cases = results.filter((r) => r.matrix === matrix);
  if (!cases.length) return `${matrix}: nothing ran\n`;
  const platforms = [...new Set(cases.map((r) => r.platform))];
  const names = [...new Set(cases.map((r) => r.name))];
  const head = matrix === "faults"
    ? "fault (survived/tried)"
    : matrix === "inputs"
    ? "input (handled/tried)"
    : "secret form (leaks/checked)";
  const width = Math.max(head.length, ...names.map((n) => n.length)) + 2;
  const col = Math.max(11, ...platforms.map((p) => p.length + 2));
  const lines = [pad(head, width) + platforms.map((p) => pad(p, col)).join("")];
  for (const name of names) {
    let line = pad(name, width);
    for (const platform of platforms) {
      const here = cases.filter((r) => r.name === name && r.platform === platform);
      let cell = "-";
      if (here.length) {
        const good = matrix === "secrets"
          ? here.reduce((n, r) => n + r.leaks, 0)
          : here.filter((r) => r.ok).length;
        const of = matrix === "secrets"
          ? here.reduce((n, r) => n + (r.checks ?? 1), 0)
          : here.length;
        const bad = matrix === "secrets" ? good > 0 : good < of;
        cell = `${good}/${of}${bad ? " !" : ""}`;
      }
      line += pad(cell, col);
    }
    lines.push(line.trimEnd());
  }
  return lines.join("\n") + "\n";
}

/**
 * The failing cases, grouped by matrix, platform and problem so that one
 * defect seen by many cases is one line (with how many cases and which).
 */
export function failureList(results: readonly CaseResult[], limit = 120): string {
  const groups = new Map<string, { count: number; cases: string[]; suspect?: string }>();
  for (const r of results) {
    if (r.ok && r.leaks === 0 && r.duplicates === 0) continue;
    for (const problem of r.problems.length ? r.problems : ["(failed)"]) {
      const key = `${r.matrix} ${r.platform}: ${normalise(problem)}`;
      const group = groups.get(key) ?? { count: 0, cases: [], suspect: r.suspect };
      group.count++;
      if (group.cases.length < 4) group.cases.push(`${r.name}/${r.op}`);
      groups.set(key, group);
    }
  }
  if (!groups.size) return "no failures\n";
  const lines = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, g]) =>
    `FAIL ${key} ×${g.count} [${g.cases.join(", ")}${g.count > g.cases.length ? ", …" : ""}]` +
    (g.suspect ? ` (suspect: ${g.suspect})` : "")
  );
  const shown = lines.slice(0, limit);
  if (lines.length > limit) shown.push(`… and ${lines.length - limit} more groups`);
  return shown.join("\n") + "\n";
}

/** Problems differ in numbers, ports and URLs; group them without those. */
function normalise(problem: string): string {
  return problem
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, "http://LOCAL")
    .replace(/\b\d+(\.\d+)? ?ms\b/g, "N ms")
    .replace(/\/tmp\/[^\s"']+/g, "/tmp/…")
    .slice(0, 220);
}
