/**
 * Tolerant readers of the artifacts PACE's agents write under `.pace/day-N/`,
 * and the rules built on them: which blocker an escalation names, what a
 * review period holds, where a story ticket is recorded.
 *
 * Every file is read through `readArtifact` (regular files inside `.pace/`
 * only, never throwing), and every YAML value is turned into text by
 * `toText`/`toList`, which stay bounded however the agents nest or alias it.
 *
 * @module
 */

import { dirname } from "../_core/paths.ts";
import type { GateReport } from "../types.ts";
import { stringifyYaml } from "../_core/yaml.ts";
import { replaceText } from "../_core/json_store.ts";
import { type ArtifactFile, paceRootOf, readArtifact } from "./artifact_files.ts";
import { toList, toText } from "./artifact_text.ts";
import {
  artifactFile,
  type ArtifactRole,
  dayDir as dayDirOf,
  reviewPeriodStart,
  storyRefFile,
  UNKNOWN_BLOCKER,
} from "./names.ts";

export {
  ARTIFACT_LIMIT,
  type ArtifactFile,
  countYamlAliases,
  isRecord,
  MAX_YAML_ALIASES,
  paceRootOf,
  parseArtifactText,
  readArtifact,
} from "./artifact_files.ts";
export { CUT_NOTE, DEPTH_LIMIT, LIST_LIMIT, TEXT_LIMIT, toList, toText } from "./artifact_text.ts";

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

/**
 * Read all of a day's artifacts. Never throws. Files are confined to
 * `paceDir`, by default the `.pace` directory `dayDir` lies in (see
 * `paceRootOf`).
 */
export async function readDay(
  dayDir: string,
  day: number,
  paceDir: string = paceRootOf(dayDir),
): Promise<DayArtifacts> {
  const read = (role: ArtifactRole) => readArtifact(artifactFile(dayDir, role), paceDir);
  const [story, handoff, gate, sentinel, conduit] = await Promise.all([
    read("story"),
    read("handoff"),
    read("gate"),
    read("sentinel"),
    read("conduit"),
  ]);
  return { day, dayDir, story, handoff, gate, sentinel, conduit };
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
    summary: toText(data.summary).trimEnd(),
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
    numbers.map((d) => readArtifact(artifactFile(dayDirOf(paceDir, d), "gate"), paceDir)),
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

/**
 * The day's recorded story ticket, or `undefined` when missing, refused (see
 * `readArtifact`; confined to `paceDir`) or without a URL.
 */
export async function readTicketRef(
  dayDir: string,
  paceDir: string = paceRootOf(dayDir),
): Promise<TicketRef | undefined> {
  const file = await readArtifact(storyRefFile(dayDir), paceDir);
  const data = file.data;
  if (!data) return undefined;
  const url = toText(data.url).trim();
  if (!url) return undefined;
  const ref: TicketRef = { url, platform: toText(data.platform).trim() };
  if (typeof data.id === "number") {
    // YAML reads `0x10` as 16 and `1e3` as 1000: a number counts only as it was
    // written, so anything but a plain decimal reaches the platform as text and is refused.
    const written = /^id:[ \t]*([^\n#]*)/m.exec(file.raw)?.[1].trim() ?? "";
    ref.id = written === String(data.id) ? data.id : written || String(data.id);
  } else if (typeof data.id === "string" && data.id.trim()) {
    ref.id = data.id.trim();
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
  // Atomic, so a reader never sees half a reference and a link there is replaced, not followed.
  await replaceText(path, stringifyYaml(record));
}
