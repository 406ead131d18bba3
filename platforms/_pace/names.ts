/**
 * Every compatibility-critical string in one place: titles, labels, branch
 * names, body markers and local file names. Existing PACE users filter their
 * issue lists and scripts on these exact strings, so they are built here once
 * and every platform calls these functions instead of spelling them out.
 *
 * @module
 */

import { join } from "node:path";

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

/**
 * An agent name as it appears in labels, markers and file names: lowercase,
 * whitespace as `-`. Anything that could break a label filter (`,`), a path
 * (`/`) or the hidden HTML marker (`-->`) also becomes `-`.
 */
export function agentSlug(agent: string): string {
  const slug = agent.trim().toLowerCase()
    .replace(/[^\p{L}\p{N}._-]+/gu, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|-+$/g, "");
  return slug || "unknown";
}

/** An agent name as it appears in titles: one line, uppercase. */
export function agentTitle(agent: string): string {
  return singleLine(agent).toUpperCase() || "UNKNOWN";
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
  return cutCodePoints(singleLine(blocker), TITLE_BLOCKER_LENGTH).trimEnd() ||
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
  const line = singleLine(target);
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
 * Whether a markdown body carries `m` where the package writes it: as its
 * last line. Text quoted in the body cannot pass for the marker there.
 */
export function carriesMarker(body: string | null | undefined, m: string): boolean {
  return typeof body === "string" && body.trimEnd().endsWith(markerComment(m));
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
