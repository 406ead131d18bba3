/**
 * The bench's figures as one markdown table: medians per contestant, the
 * 1 000-check-run commit, the floors, and the ratios to the Python yardstick
 * beside the targets. Pure: measured samples in, text out.
 *
 * @module
 */

/** One measured run of a contestant. */
export interface Sample {
  /** Spawn to exit. */
  ms: number;
  /** Requests the server received. */
  requests: number;
  /** Of which answered 304 Not Modified. */
  notModified: number;
  /** Peak resident set, KiB. */
  peakKb?: number;
  /** Detection runs: exit minus the moment CI turned green. */
  detectionMs?: number;
  /** GitHub check-run pages fetched. */
  pages?: number;
}

/** The samples of one contestant (a platform of `pace`, or the yardstick). */
export interface Contestant {
  /** Row label, e.g. "pace · github". */
  label: string;
  /** CI already green: a whole `ci wait` from spawn to exit. */
  cold: Sample[];
  /** CI turns green during the wait. */
  detect: Sample[];
}

/** Everything {@linkcode renderTable} prints. */
export interface BenchResults {
  /** e.g. "AMD EPYC, 2 CPUs, Linux 6.18, deno 2.9.6, Python 3.11.7 + requests 2.34.2". */
  machine: string;
  latencyMs: number;
  intervalSeconds: number;
  /** When CI turns green after the first poll, in the detection runs. */
  greenAfterMs: number;
  /** `pace` per platform; GitHub first. */
  pace: Contestant[];
  /** The Python original's equivalent, when python3 with requests is present. */
  yardstick?: Contestant;
  /** The bare wait: the runtime, the YAML config and the round trip, no package. */
  bare?: Contestant;
  /** A commit with many check runs: pace, then the yardstick. */
  many: { label: string; runs: number; samples: Sample[] }[];
  /** The cost of starting at all: `deno run` of an empty file, python3 importing requests. */
  floors: { label: string; samples: Sample[] }[];
}

/** The median of `values` (the lower middle one for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function pick(samples: readonly Sample[], field: keyof Sample): number {
  return median(
    samples.map((s) => s[field]).filter((v): v is number => typeof v === "number"),
  );
}

const ms = (v: number) => Number.isNaN(v) ? "–" : `${v.toFixed(0)} ms`;
const seconds = (v: number) => Number.isNaN(v) ? "–" : `${(v / 1000).toFixed(2)} s`;
const mb = (kb: number) => Number.isNaN(kb) ? "–" : `${(kb / 1024).toFixed(0)} MB`;
const share = (part: number, whole: number) =>
  Number.isNaN(part) || !whole ? "–" : `${((part / whole) * 100).toFixed(0)} %`;
const thousands = (v: number) => String(v).replace(/\B(?=(\d{3})+$)/g, " ");
const count = (v: number) => Number.isNaN(v) ? "–" : `${v}`;

function peak(c: Contestant): number {
  return pick([...c.cold, ...c.detect], "peakKb");
}

function row(c: Contestant): string[] {
  const requests = pick(c.detect, "requests");
  const notModified = pick(c.detect, "notModified");
  return [
    c.label,
    ms(pick(c.cold, "ms")),
    seconds(pick(c.detect, "detectionMs")),
    count(requests),
    count(requests - notModified),
    share(notModified, requests),
    mb(peak(c)),
  ];
}

function ratio(value: number, target: number, label: string): string {
  if (!Number.isFinite(value)) return "–";
  return `${value.toFixed(2)} (${label}) ${value <= target ? "✓" : "✗"}`;
}

/**
 * The median of the ratios of runs made side by side (run i of each came one
 * after the other), so that a machine getting busier or quieter during the
 * bench weighs on both sides of each ratio alike.
 */
export function pairedRatio(
  ours: readonly Sample[],
  theirs: readonly Sample[],
  field: "ms" | "detectionMs",
): number {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(ours.length, theirs.length); i++) {
    const a = ours[i][field];
    const b = theirs[i][field];
    if (typeof a === "number" && typeof b === "number" && b > 0) ratios.push(a / b);
  }
  return median(ratios);
}

function ratioRow(ours: Contestant, yardstick: Contestant): string[] {
  const nonCached = (c: Contestant) => pick(c.detect, "requests") - pick(c.detect, "notModified");
  const rss = peak(ours) / 1024;
  return [
    `${ours.label} ÷ yardstick`,
    ratio(pairedRatio(ours.cold, yardstick.cold, "ms"), 0.5, "≤ 0.5"),
    ratio(pairedRatio(ours.detect, yardstick.detect, "detectionMs"), 1, "≤ 1"),
    "",
    ratio(nonCached(ours) / nonCached(yardstick), 1, "≤ 1"),
    "",
    Number.isNaN(rss) ? "–" : `${rss.toFixed(0)} MB (≤ 80) ${rss <= 80 ? "✓" : "✗"}`,
  ];
}

/** Pad every column to its widest cell, as `deno fmt` lays out a markdown table. */
function markdown(head: string[], rows: string[][]): string {
  const width = (s: string) => [...s].length;
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + " ".repeat(widths[i] - width(c))).join(" | ")} |`;
  return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)]
    .join("\n");
}

/**
 * The table, then one line saying how it was measured.
 *
 * @example
 * ```ts ignore
 * console.log(renderTable(results));
 * ```
 */
export function renderTable(results: BenchResults): string {
  const head = [
    "run",
    "cold start (CI green)",
    "detection",
    "requests / wait",
    "not 304",
    "answered 304",
    "peak RSS",
  ];
  const rows: string[][] = results.pace.map(row);
  if (results.yardstick) rows.push(row(results.yardstick));
  if (results.bare) rows.push(row(results.bare));
  for (const many of results.many) {
    const pages = pick(many.samples, "pages");
    rows.push([
      `${many.label}, ${thousands(many.runs)} check runs`,
      ms(pick(many.samples, "ms")),
      "",
      `${count(pick(many.samples, "requests"))} (${count(pages)} check-run page${
        pages === 1 ? "" : "s"
      })`,
      "",
      "",
      mb(pick(many.samples, "peakKb")),
    ]);
  }
  for (const floor of results.floors) {
    rows.push([floor.label, ms(pick(floor.samples, "ms")), "", "", "", "", ""]);
  }
  const github = results.pace.find((c) => c.label.endsWith("github"));
  if (github && results.yardstick) rows.push(ratioRow(github, results.yardstick));
  if (results.bare && results.yardstick) {
    // The floor's share: how far under the target the runtime and the round trip alone come.
    const share = pairedRatio(results.bare.cold, results.yardstick.cold, "ms");
    rows.push([
      "floor · bare wait ÷ yardstick",
      Number.isFinite(share) ? share.toFixed(2) : "–",
      "",
      "",
      "",
      "",
      "",
    ]);
  }
  const runs = Math.max(0, ...results.pace.map((c) => c.cold.length));
  const detectRuns = Math.max(0, ...results.pace.map((c) => c.detect.length));
  const how = `Medians of ${runs} cold starts and ${detectRuns} detection runs per row ` +
    `(ratios: the median of the ratios of runs made side by side); ` +
    `every answer ${results.latencyMs} ms late; detection: CI turns green ` +
    `${(results.greenAfterMs / 1000).toFixed(1)} s after the first poll, polls every ` +
    `${results.intervalSeconds} s. Machine: ${results.machine}.`;
  return `${markdown(head, rows)}\n\n${how}`;
}
