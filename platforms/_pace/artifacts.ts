/**
 * Tolerant readers of the artifacts PACE's agents write under `.pace/day-N/`,
 * and the rules built on them: which blocker an escalation names, what a
 * review period holds, where a story ticket is recorded.
 *
 * Agents are language models; their files may be missing, empty, a list
 * instead of a mapping, markdown around the YAML, or not text at all. Reading
 * never throws: every reader returns what it could make of the file, its raw
 * text (so a body can quote it verbatim and nothing is lost) and a `problem`
 * naming what was wrong.
 *
 * @module
 */

import { basename, dirname } from "node:path";
import type { GateReport } from "../types.ts";
import { parseYaml, stringifyYaml, YamlSyntaxError } from "../_core/yaml.ts";
import {
  artifactFile,
  type ArtifactRole,
  dayDir as dayDirOf,
  reviewPeriodStart,
  storyRefFile,
  UNKNOWN_BLOCKER,
} from "./names.ts";

/** One artifact file as read: its text, its YAML mapping if any, and what was wrong. */
export interface ArtifactFile {
  /** File name, e.g. `gate.md`; problems are phrased with it. */
  name: string;
  /** Path as given. */
  path: string;
  /** Whether the file exists (an unreadable file exists). */
  exists: boolean;
  /** The file's text, verbatim (`""` when missing, unreadable or not text). */
  raw: string;
  /** The YAML mapping found in the file, if any. */
  data: Record<string, unknown> | undefined;
  /** What kept the file from yielding a mapping; absent when `data` is set. */
  problem?: string;
  /** Where the mapping came from, for renderers that quote `raw`. */
  format?: "yaml" | "front-matter" | "fenced";
}

/** Whether `value` is a YAML mapping (a plain object). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeKind(value: unknown): string {
  if (value === null || value === undefined) return "holds no YAML data";
  if (Array.isArray(value)) return "is a list, not a mapping";
  if (typeof value === "string") return "is plain text, not a YAML mapping";
  return `is a ${typeof value}, not a mapping`;
}

type Attempt =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; problem: string };

/** Parse `text` as a YAML mapping; `lineOffset` makes error lines file-absolute. */
function tryMapping(text: string, lineOffset: number, what: string): Attempt {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      const where = error.position
        ? ` (line ${error.position.line + lineOffset}, column ${error.position.column})`
        : "";
      return { ok: false, problem: `${what} is not valid YAML${where}: ${error.message}` };
    }
    return { ok: false, problem: `${what} could not be parsed: ${String(error)}` };
  }
  if (isRecord(value)) return { ok: true, data: value };
  return { ok: false, problem: `${what} ${describeKind(value)}` };
}

/** Front matter: `---` on the first line, closed by `---` or `...`. */
function frontMatter(text: string): { body: string; line: number } | undefined {
  const match = /^---[ \t]*\n([\s\S]*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  return match ? { body: match[1] ?? "", line: 1 } : undefined;
}

/** The first ```yaml / ```yml (or ~~~) fenced block; an unclosed one runs to the end. */
function fencedYaml(text: string): { body: string; line: number } | undefined {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})[ \t]*(?:ya?ml)(?![\w-])/i.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j]);
    }
    return { body: body.join("\n"), line: i + 1 };
  }
  return undefined;
}

/**
 * Find the YAML mapping in an artifact's text: the whole text, else its front
 * matter, else its first fenced yaml block.
 */
export function parseArtifactText(
  name: string,
  text: string,
): Pick<ArtifactFile, "data" | "problem" | "format"> {
  const normalized = text.replace(/\r\n?/g, "\n");
  if (normalized.trim() === "") return { data: undefined, problem: `${name} is empty` };
  const whole = tryMapping(normalized, 0, name);
  if (whole.ok) return { data: whole.data, format: "yaml" };
  // A problem inside an embedded block says more than the whole text's.
  const front = frontMatter(normalized);
  if (front) {
    const attempt = tryMapping(front.body, front.line, `${name} front matter`);
    if (attempt.ok) return { data: attempt.data, format: "front-matter" };
    return { data: undefined, problem: attempt.problem };
  }
  const fenced = fencedYaml(normalized);
  if (fenced) {
    const attempt = tryMapping(fenced.body, fenced.line, `${name} yaml block`);
    if (attempt.ok) return { data: attempt.data, format: "fenced" };
    return { data: undefined, problem: attempt.problem };
  }
  return { data: undefined, problem: whole.problem };
}

function readError(name: string, error: unknown): string {
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return `${name} could not be read: permission denied`;
  }
  if (error instanceof Deno.errors.IsADirectory) return `${name} is a directory, not a file`;
  return `${name} could not be read: ${error instanceof Error ? error.message : String(error)}`;
}

/** Read one artifact file. Never throws. */
export async function readArtifact(path: string): Promise<ArtifactFile> {
  const name = basename(path);
  const file: ArtifactFile = { name, path, exists: false, raw: "", data: undefined };
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { ...file, problem: `${name} not found` };
    return { ...file, exists: true, problem: readError(name, error) };
  }
  file.exists = true;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ...file, problem: `${name} is not text` };
  }
  if (text.includes("\0")) return { ...file, problem: `${name} is not text` };
  return { ...file, raw: text, ...parseArtifactText(name, text) };
}

/** Everything the agents wrote for one day. */
export interface DayArtifacts {
  /** The day number. */
  day: number;
  /** The `.pace/day-N` directory. */
  dayDir: string;
  /** `story.md`: the story card. */
  story: ArtifactFile;
  /** `handoff.md`: FORGE's handoff note. */
  handoff: ArtifactFile;
  /** `gate.md`: the gate report. */
  gate: ArtifactFile;
  /** `sentinel.md`: SENTINEL's report. */
  sentinel: ArtifactFile;
  /** `conduit.md`: CONDUIT's report. */
  conduit: ArtifactFile;
}

/** Read all of a day's artifacts. Never throws. */
export async function readDay(dayDir: string, day: number): Promise<DayArtifacts> {
  const read = (role: ArtifactRole) => readArtifact(artifactFile(dayDir, role));
  const [story, handoff, gate, sentinel, conduit] = await Promise.all([
    read("story"),
    read("handoff"),
    read("gate"),
    read("sentinel"),
    read("conduit"),
  ]);
  return { day, dayDir, story, handoff, gate, sentinel, conduit };
}

/**
 * A YAML value as one human-readable string: strings as they are, numbers and
 * booleans printed, a flat mapping as `k: v, k: v`, a flat list joined with
 * `, `, anything nested as JSON.
 */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  const scalar = (v: unknown) =>
    v === null || ["string", "number", "boolean", "bigint"].includes(typeof v);
  if (Array.isArray(value)) {
    if (value.every(scalar)) return value.map(toText).join(", ");
  } else if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.every(([, v]) => scalar(v))) {
      return entries.map(([k, v]) => `${k}: ${toText(v)}`).join(", ");
    }
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A YAML value as a list of non-empty, trimmed strings; a lone scalar is one item. */
export function toList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => toText(item).trim()).filter((item) => item !== "");
}

/** The story card in `story.md`. */
export interface StoryCard {
  /** What the day delivers. */
  target: string;
  /** Acceptance criteria. */
  acceptance: string[];
  /** What the day deliberately leaves out. */
  outOfScope: string[];
}

/** The story card of a read `story.md`, or `undefined` when it holds none. */
export function storyCard(file: ArtifactFile): StoryCard | undefined {
  const data = file.data;
  if (!data) return undefined;
  const card: StoryCard = {
    target: toText(data.target).trim(),
    acceptance: toList(data.acceptance ?? data.acceptance_criteria),
    outOfScope: toList(data.out_of_scope ?? data.outOfScope),
  };
  if (!card.target && card.acceptance.length === 0 && card.outOfScope.length === 0) {
    return undefined;
  }
  return card;
}

/** FORGE's handoff note in `handoff.md`. */
export interface Handoff {
  /** The commit FORGE made (`""` when not given). */
  commit: string;
  /** What was done, verbatim (may span lines). */
  summary: string;
  /** Files touched. */
  files: string[];
  /** Work pushed to a later day. */
  deferred: string[];
}

/**
 * A SHA of digits and at most one `e` parses as a YAML number (`1234e56`), so
 * a numeric commit is taken from the raw text instead.
 */
function rawCommit(raw: string): string | undefined {
  return /^[ \t]*commit[ \t]*:[ \t]*["']?([0-9a-f]{7,64})\b/im.exec(raw)?.[1];
}

/** The handoff note of a read `handoff.md`, or `undefined` when it holds none. */
export function handoffNote(file: ArtifactFile): Handoff | undefined {
  const data = file.data;
  if (!data) return undefined;
  const commit = typeof data.commit === "number"
    ? rawCommit(file.raw) ?? toText(data.commit)
    : toText(data.commit).trim();
  const note: Handoff = {
    commit,
    summary: toText(data.summary).replace(/\s+$/, ""),
    files: toList(data.files),
    deferred: toList(data.deferred),
  };
  if (!note.commit && !note.summary && note.files.length === 0 && note.deferred.length === 0) {
    return undefined;
  }
  return note;
}

/**
 * The gate report of a read `gate.md`: every key kept, `gate_decision` and
 * `hold_reason` as strings, `deferred` as a list. `{}` when unusable.
 */
export function gateReport(file: ArtifactFile): GateReport {
  if (!file.data) return {};
  const report: GateReport = { ...file.data };
  for (const key of ["gate_decision", "hold_reason"] as const) {
    if (report[key] === null || report[key] === undefined) delete report[key];
    else report[key] = toText(report[key]);
  }
  if (report.deferred === null || report.deferred === undefined) delete report.deferred;
  else if (!Array.isArray(report.deferred)) report.deferred = [report.deferred];
  return report;
}

/** A `hold_reason` of a read artifact, trimmed (`""` when absent). */
export function holdReasonOf(file: ArtifactFile): string {
  return toText(file.data?.hold_reason).trim();
}

/**
 * The blocker an escalation names: `holdReason` if given, else the first
 * non-empty `hold_reason` of gate → sentinel → conduit, else
 * `Unknown — see agent reports below`.
 */
export function findBlocker(holdReason: string | undefined, day: DayArtifacts): string {
  const given = holdReason?.trim();
  if (given) return given;
  for (const file of [day.gate, day.sentinel, day.conduit]) {
    const reason = holdReasonOf(file);
    if (reason) return reason;
  }
  return UNKNOWN_BLOCKER;
}

/** One day of a review period. */
export interface ReviewDay {
  /** The day number. */
  day: number;
  /** The uppercased `gate_decision`, or `UNKNOWN` when absent or unreadable. */
  decision: string;
  /** The gate's `deferred` items. */
  deferred: string[];
}

/** What a review PR summarises: the days of the period before `day`. */
export interface ReviewSummary {
  /** First day of the period. */
  start: number;
  /** The human-gate day; the period covers `[start, day)`. */
  day: number;
  /** One entry per day of the period, in order. */
  days: ReviewDay[];
  /** Days whose gate said SHIP. */
  shipped: number;
  /** Every other day: HOLD, another decision, or no readable gate. */
  other: number;
  /** Every deferred item of the period, with its day. */
  deferred: { day: number; item: string }[];
  /** Gate files that exist but could not be used, one line each. */
  problems: string[];
}

/** Summarise the review period ending before `day` from its gate reports. Never throws. */
export async function collectReview(paceDir: string, day: number): Promise<ReviewSummary> {
  const start = reviewPeriodStart(day);
  const numbers: number[] = [];
  for (let d = start; d < day; d++) numbers.push(d);
  const gates = await Promise.all(
    numbers.map((d) => readArtifact(artifactFile(dayDirOf(paceDir, d), "gate"))),
  );
  const summary: ReviewSummary = {
    start,
    day,
    days: [],
    shipped: 0,
    other: 0,
    deferred: [],
    problems: [],
  };
  gates.forEach((file, index) => {
    const d = numbers[index];
    if (file.exists && file.problem) summary.problems.push(`Day ${d}: ${file.problem}`);
    const report = gateReport(file);
    const decision = (report.gate_decision ?? "").trim().toUpperCase() || "UNKNOWN";
    const deferred = toList(report.deferred);
    summary.days.push({ day: d, decision, deferred });
    if (decision === "SHIP") summary.shipped++;
    else summary.other++;
    for (const item of deferred) summary.deferred.push({ day: d, item });
  });
  return summary;
}

/** The ticket `pushStory` created, as recorded in `story-ticket.yaml`. */
export interface TicketRef {
  /** Web URL of the ticket. */
  url: string;
  /** The platform that holds it, e.g. `github`. */
  platform: string;
  /** Numeric or opaque id (GitHub/GitLab/Bitbucket issue number). */
  id?: string | number;
  /** Jira issue key, e.g. `PACE-12`. */
  key?: string;
}

/** The day's recorded story ticket, or `undefined` when missing or without a URL. */
export async function readTicketRef(dayDir: string): Promise<TicketRef | undefined> {
  const file = await readArtifact(storyRefFile(dayDir));
  const data = file.data;
  if (!data) return undefined;
  const url = toText(data.url).trim();
  if (!url) return undefined;
  const ref: TicketRef = { url, platform: toText(data.platform).trim() };
  if (typeof data.id === "number" || (typeof data.id === "string" && data.id.trim())) {
    ref.id = typeof data.id === "string" ? data.id.trim() : data.id;
  }
  const key = toText(data.key).trim();
  if (key) ref.key = key;
  return ref;
}

/** Record the day's story ticket in `story-ticket.yaml`. Creates the directory; may throw. */
export async function writeTicketRef(dayDir: string, ref: TicketRef): Promise<void> {
  const path = storyRefFile(dayDir);
  const record: Record<string, unknown> = { url: ref.url, platform: ref.platform };
  if (ref.id !== undefined) record.id = ref.id;
  if (ref.key !== undefined) record.key = ref.key;
  await Deno.mkdir(dirname(path), { recursive: true });
  // Write then rename, so a reader never sees half a reference.
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temp, stringifyYaml(record));
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
