/**
 * Every compatibility-critical string in one place: titles, labels, branch
 * names, body markers and local file names. Existing PACE users filter their
 * issue lists and scripts on these exact strings, so they are built here once
 * and every platform calls these functions instead of spelling them out.
 *
 * @module
 */

import { join } from "../_core/paths.ts";

/** EN DASH (U+2013), used in review period ranges: `Days 1–14`. */
export const EN_DASH = "\u2013";

/** EM DASH (U+2014), used between a title's fixed part and its free text. */
export const EM_DASH = "\u2014";

/** The blocker used when neither the caller nor any agent report names one. */
export const UNKNOWN_BLOCKER = `Unknown ${EM_DASH} see agent reports below`;

/** The directory under the repository root that holds PACE's artifacts. */
export const PACE_DIR_NAME = ".pace";

/** How many characters of the blocker an escalation title carries. */
export const TITLE_BLOCKER_LENGTH = 80;

/** Story targets longer than this are cut in the title: trackers cap titles near 255. */
export const TITLE_TARGET_LENGTH = 200;

/** Agent names longer than this are cut in titles, with a short hash keeping them apart. */
export const TITLE_AGENT_LENGTH = 40;

/** Longest agent slug: `pace-<slug>` stays within the 50 characters forges allow a label. */
export const AGENT_SLUG_LENGTH = 44;

/** ZERO WIDTH SPACE (U+200B): invisible, and it breaks a sequence a forge would act on. */
export const ZWSP = "\u200B";

/** The kinds of item PACE creates, as used in body markers. */
export type MarkerKind = "hold" | "advisory" | "story" | "review" | "handoff";

/** The artifact files an agent writes into `.pace/day-N/`, by role. */
export const ARTIFACT_FILES: {
  readonly story: "story.md";
  readonly handoff: "handoff.md";
  readonly gate: "gate.md";
  readonly sentinel: "sentinel.md";
  readonly conduit: "conduit.md";
} = {
  story: "story.md",
  handoff: "handoff.md",
  gate: "gate.md",
  sentinel: "sentinel.md",
  conduit: "conduit.md",
};

/** A role in {@linkcode ARTIFACT_FILES}. */
export type ArtifactRole = keyof typeof ARTIFACT_FILES;

/** Collapse every run of whitespace (newlines included) to one space and trim. */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The first `max` code points of `text`, never splitting a surrogate pair. */
export function cutCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let count = 0;
  let index = 0;
  while (index < text.length && count < max) {
    const code = text.codePointAt(index) ?? 0;
    index += code > 0xffff ? 2 : 1;
    count++;
  }
  return text.slice(0, index);
}

/** A short, stable hash of `text`: the first 10 hex digits of its SHA-256. */
function shortHash(text: string): string {
  // FNV-1a (64 bit): stable and cheap; a cryptographic hash would load node:crypto at startup.
  let hash = 0xcbf29ce484222325n;
  for (const byte of UTF8.encode(text)) {
    hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0").slice(0, 10);
}

/** Characters a slug keeps as they are; everything else is written `~hh` per UTF-8 byte. */
const SLUG_KEPT = /[\p{L}\p{N}._-]/u;

const UTF8 = new TextEncoder();

/**
 * Who an agent is: its name on one line, in lowercase, with every run of
 * blanks and hyphens as one `-` and none at the ends.
 */
function agentIdentity(agent: string): string {
  const name = singleLine(agent).normalize("NFC").toLowerCase().replace(/[\s-]+/g, "-");
  const start = name.startsWith("-") ? 1 : 0;
  const end = name.length > start && name.endsWith("-") ? name.length - 1 : name.length;
  return name.slice(start, end);
}

/**
 * An agent name as it appears in labels, markers and file names. Letter case,
 * surrounding blanks and runs of blanks and hyphens are spelling, not identity:
 * `Code Reviewer` is `code-reviewer`, as it always was. Past that the slug is
 * one-to-one, so two agents never share a label, marker or file: letters,
 * digits, `.`, `_` and `-` stay, every other character is written as its UTF-8
 * bytes, `~hh` each (`C++` → `c~2b~2b`, `C#` → `c~23`). `~` never stands for
 * itself, so an escape cannot be confused with a plain name. A slug longer
 * than {@linkcode AGENT_SLUG_LENGTH} is cut and ends with `~~` and a hash of
 * the whole name. A slug never holds `,` (a label separator), `/` (a path),
 * `:` or `--` (either would break the marker).
 */
export function agentSlug(agent: string): string {
  const identity = agentIdentity(agent);
  let slug = "";
  for (const char of identity) {
    if (SLUG_KEPT.test(char)) slug += char;
    else for (const byte of UTF8.encode(char)) slug += `~${byte.toString(16).padStart(2, "0")}`;
    // Past the limit the rest only feeds the hash.
    if (slug.length > AGENT_SLUG_LENGTH) {
      const suffix = `~~${shortHash(identity)}`;
      return fitUnits(slug, AGENT_SLUG_LENGTH - suffix.length) + suffix;
    }
  }
  return slug || "unknown";
}

/** The longest start of `text` of at most `units` UTF-16 code units, never splitting a pair. */
function fitUnits(text: string, units: number): string {
  let end = 0;
  for (const char of text) {
    if (end + char.length > units) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * An agent name as it appears in titles: one line, uppercase. A name longer
 * than {@linkcode TITLE_AGENT_LENGTH} is cut and followed by a short hash of
 * the whole name, so two long names sharing a start still title apart.
 */
export function agentTitle(agent: string): string {
  const line = breakMarkers(singleLine(agent)).toUpperCase();
  if (line === "") return "UNKNOWN";
  const cut = cutCodePoints(line, TITLE_AGENT_LENGTH);
  if (cut === line) return line;
  return `${cut.trimEnd()}\u2026 ${shortHash(agentIdentity(agent)).slice(0, 8)}`;
}

/** The head branch of a day's review PR: `pace/review-day-N`. */
export function reviewBranch(day: number): string {
  return `pace/review-day-${day}`;
}

/** First day of the review period `day` belongs to: 1, 15 from day 15, 29 from day 29. */
export function reviewPeriodStart(day: number): number {
  if (day >= 29) return 29;
  if (day >= 15) return 15;
  return 1;
}

/** `[PACE Review Gate] Days S–N` (EN DASH). */
export function reviewTitle(start: number, day: number): string {
  return `[PACE Review Gate] Days ${start}${EN_DASH}${day}`;
}

/** The blocker as it appears in a title: one line, at most 80 code points. */
export function titleBlocker(blocker: string): string {
  return cutCodePoints(breakMarkers(singleLine(blocker)), TITLE_BLOCKER_LENGTH).trimEnd() ||
    UNKNOWN_BLOCKER;
}

/** `[PACE HOLD] Day N — ` — what every escalation title of the day starts with. */
export function escalationTitlePrefix(day: number): string {
  return `[PACE HOLD] Day ${day} ${EM_DASH} `;
}

/** `[PACE HOLD] Day N — <blocker, one line, 80 code points>`. */
export function escalationTitle(day: number, blocker: string): string {
  return escalationTitlePrefix(day) + titleBlocker(blocker);
}

/** The per-day label every PACE item carries: `pace-day-N`. */
export function dayLabel(day: number): string {
  return `pace-day-${day}`;
}

/** `pace-<agent>`, the per-agent advisory label. */
export function agentLabel(agent: string): string {
  return `pace-${agentSlug(agent)}`;
}

/** Labels of an escalation: `pace-hold`, `pace-day-N`. */
export function escalationLabels(day: number): string[] {
  return ["pace-hold", dayLabel(day)];
}

/** `[PACE Advisory] AGENT Day N — ` — what the agent's advisory title of the day starts with. */
export function advisoryTitlePrefix(day: number, agent: string): string {
  return `[PACE Advisory] ${agentTitle(agent)} Day ${day} ${EM_DASH} `;
}

/** `[PACE Advisory] AGENT Day N — K finding(s)` (the literal text "finding(s)"). */
export function advisoryTitle(day: number, agent: string, count: number): string {
  return `${advisoryTitlePrefix(day, agent)}${count} finding(s)`;
}

/** Labels of an advisory: `pace-advisory`, `pace-<agent>`, `pace-day-N`. */
export function advisoryLabels(day: number, agent: string): string[] {
  return ["pace-advisory", agentLabel(agent), dayLabel(day)];
}

/** `[PACE Day N] ` — what the day's story title starts with. */
export function storyTitlePrefix(day: number): string {
  return `[PACE Day ${day}] `;
}

/** `[PACE Day N] <target>`; `Day N story` stands in for an empty target. */
export function storyTitle(day: number, target: string): string {
  const line = breakMarkers(singleLine(target));
  const cut = cutCodePoints(line, TITLE_TARGET_LENGTH);
  const text = cut === line ? line : `${cut.trimEnd()}\u2026`;
  return storyTitlePrefix(day) + (text || `Day ${day} story`);
}

/** Labels of a story ticket: `pace-story`, `pace-day-N`. */
export function storyLabels(day: number): string[] {
  return ["pace-story", dayLabel(day)];
}

/**
 * The stable marker of one PACE item, `pace:<kind>:day-N` or, for an
 * advisory, `pace:advisory:day-N:<agent>`. Search bodies for
 * {@linkcode markerComment} rather than the bare marker: `pace:hold:day-1`
 * is a prefix of `pace:hold:day-12`, the closing ` -->` is not.
 */
export function marker(kind: "advisory", day: number, agent: string): string;
/** The stable marker of a non-advisory PACE item: `pace:<kind>:day-N`. */
export function marker(kind: Exclude<MarkerKind, "advisory">, day: number): string;
export function marker(kind: MarkerKind, day: number, agent?: string): string {
  const base = `pace:${kind}:day-${day}`;
  return kind === "advisory" && agent !== undefined ? `${base}:${agentSlug(agent)}` : base;
}

/** The marker as a hidden HTML comment, for markdown bodies: `<!-- pace:… -->`. */
export function markerComment(m: string): string {
  // `--` cannot appear inside an HTML comment without risking an early end.
  return `<!-- ${m.replace(/-{2,}/g, "-")} -->`;
}

/**
 * Whether a markdown body carries `m` where the package writes it: its last
 * line is the marker comment and nothing else. Text quoted in the body cannot
 * pass for the marker there, nor can a line that merely ends with it.
 */
export function carriesMarker(body: string | null | undefined, m: string): boolean {
  if (typeof body !== "string") return false;
  const text = body.trimEnd();
  return text.slice(text.lastIndexOf("\n") + 1).trim() === markerComment(m);
}

/** Where free text spells the start of a marker, `pace:<kind>:day-`, in any letter case. */
const MARKER_LIKE = /pace(?=:[a-z]{1,32}:day-)/gi;

/**
 * `text` with every `pace:<kind>:day-` broken by a zero-width space after
 * `pace`, in any letter case: it reads the same, but text an agent wrote can
 * no longer spell a marker for a tracker that looks for one anywhere in a body
 * or comment (Jira, Bitbucket's content search).
 */
export function breakMarkers(text: string): string {
  return text.replace(MARKER_LIKE, `$&${ZWSP}`);
}

/** {@linkcode breakMarkers}'s pattern: each match ends where the zero-width space goes. */
export function markerLike(): RegExp {
  return new RegExp(MARKER_LIKE.source, MARKER_LIKE.flags);
}

/** `.pace` under the repository root. */
export function paceDirOf(repoRoot: string): string {
  return join(repoRoot, PACE_DIR_NAME);
}

/** `<paceDir>/day-N`. */
export function dayDir(paceDir: string, day: number): string {
  return join(paceDir, `day-${day}`);
}

/** One of the day's agent artifacts, e.g. `<dayDir>/gate.md`. */
export function artifactFile(dir: string, role: ArtifactRole): string {
  return join(dir, ARTIFACT_FILES[role]);
}

/** Local review PR: `<paceDir>/day-N/review-pr.md`. */
export function reviewPrFile(paceDir: string, day: number): string {
  return join(dayDir(paceDir, day), "review-pr.md");
}

/** Local escalation: `<dayDir>/escalation-issue.md`. */
export function escalationFile(dir: string): string {
  return join(dir, "escalation-issue.md");
}

/** Local advisory: `<paceDir>/advisory-dayN-<agent>.md`. */
export function advisoryFile(paceDir: string, day: number, agent: string): string {
  return join(paceDir, `advisory-day${day}-${agentSlug(agent)}.md`);
}

/** Local story ticket: `<dayDir>/story-ticket.md`. */
export function storyTicketFile(dir: string): string {
  return join(dir, "story-ticket.md");
}

/** Where `pushStory` records the ticket it created: `<dayDir>/story-ticket.yaml`. */
export function storyRefFile(dir: string): string {
  return join(dir, "story-ticket.yaml");
}

/** Local handoff comment: `<dayDir>/story-handoff-comment.md`. */
export function handoffCommentFile(dir: string): string {
  return join(dir, "story-handoff-comment.md");
}

/**
 * `.pace/pull-requests/HEAD--into--BASE.md`: the local pull request of two
 * branches. `/` becomes `_` and anything but letters, digits, `.`, `_` and
 * `-` becomes `-`, so a branch name can never leave the folder.
 */
export function localPullRequestFile(paceDir: string, head: string, base: string): string {
  const safe = (branch: string) =>
    branch.replace(/\//g, "_").replace(/[^A-Za-z0-9._-]/g, "-").replace(/^\.+/, "_").slice(0, 120);
  return join(paceDir, "pull-requests", `${safe(head)}--into--${safe(base)}.md`);
}

/** Local variable store: `<repoRoot>/.pace/variables.json`. */
export function variablesFile(repoRoot: string): string {
  return join(paceDirOf(repoRoot), "variables.json");
}

/** Default job summary: `<repoRoot>/pace-summary.md`. */
export function summaryFile(repoRoot: string): string {
  return join(repoRoot, "pace-summary.md");
}

/** Jenkins job summary, archived as a build artifact: `<repoRoot>/jenkins-summary.md`. */
export function jenkinsSummaryFile(repoRoot: string): string {
  return join(repoRoot, "jenkins-summary.md");
}

/** Jenkins variable store: `<repoRoot>/jenkins-variables.json`. */
export function jenkinsVariablesFile(repoRoot: string): string {
  return join(repoRoot, "jenkins-variables.json");
}

/** `Day N summary: ✅ SHIP`, or `Day N summary: 🔴 <decision>` (`UNKNOWN` when absent). */
export function dailySummaryLine(day: number, gateDecision: unknown): string {
  const decision = typeof gateDecision === "string" || typeof gateDecision === "number"
    ? singleLine(String(gateDecision)).toUpperCase()
    : "";
  if (decision === "SHIP") return `Day ${day} summary: \u2705 SHIP`;
  return `Day ${day} summary: \u{1F534} ${decision || "UNKNOWN"}`;
}
