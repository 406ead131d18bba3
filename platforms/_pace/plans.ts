/**
 * What each operation creates, independent of any platform: title, labels,
 * marker and body for the review PR, escalation, advisory, story and handoff
 * comment. Every platform asks here and only maps the result onto its API,
 * so what each item is called, labelled and marked is decided in one place.
 *
 * @module
 */

import {
  collectReview,
  findBlocker,
  handoffNote,
  readArtifact,
  readDay,
  storyCard,
} from "./artifacts.ts";
import {
  advisoryLabels,
  advisoryTitle,
  advisoryTitlePrefix,
  artifactFile,
  escalationLabels,
  escalationTitle,
  escalationTitlePrefix,
  reviewBranch,
  reviewTitle,
  storyLabels,
  storyTitle,
  storyTitlePrefix,
} from "./names.ts";
import { boundText, type RenderedDoc } from "./render.ts";
import { advisoryDoc, escalationDoc, handoffDoc, reviewPrDoc, storyDoc } from "./bodies.ts";
import type { AdvisoryItem, Logger } from "../types.ts";

/** One item to create (or find): everything a tracker needs, platform-neutral. */
export interface ItemPlan {
  /** The exact title. */
  title: string;
  /** What every PACE title of this kind, day (and agent) starts with. */
  titlePrefix: string;
  /** The exact labels; an existing open item carrying all of them is this item. */
  labels: string[];
  /** The body; `doc.marker` finds the item where labels do not exist. */
  doc: RenderedDoc;
}

/** The review PR for a gate day. */
export interface ReviewPlan {
  /** `[PACE Review Gate] Days S–N`. */
  title: string;
  /** `pace/review-day-N`. */
  branch: string;
  /** The body. */
  doc: RenderedDoc;
}

/** Log the problems met while reading artifacts, once each. */
function logProblems(logger: Logger, problems: Iterable<string | undefined>): void {
  for (const problem of new Set(problems)) if (problem) logger.warn(problem);
}

/** The review PR: period, counts and deferred items of `[start, day)`. */
export async function reviewPlan(
  day: number,
  paceDir: string,
  logger: Logger,
  contextNote?: string,
): Promise<ReviewPlan> {
  const review = await collectReview(paceDir, day);
  logProblems(logger, review.problems);
  return {
    title: reviewTitle(review.start, day),
    branch: reviewBranch(day),
    doc: reviewPrDoc(review, contextNote),
  };
}

/** The HOLD escalation: blocker from the caller, else gate → sentinel → conduit. */
export async function escalationPlan(
  day: number,
  dayDir: string,
  logger: Logger,
  holdReason?: string,
): Promise<ItemPlan & { blocker: string }> {
  const artifacts = await readDay(dayDir, day);
  logProblems(
    logger,
    [artifacts.story, artifacts.handoff, artifacts.gate, artifacts.sentinel, artifacts.conduit]
      .filter((file) => file.exists)
      .map((file) => file.problem),
  );
  // An agent wrote it: bounded like every field of the body.
  const blocker = boundText(findBlocker(holdReason, artifacts));
  return {
    blocker,
    title: escalationTitle(day, blocker),
    titlePrefix: escalationTitlePrefix(day),
    labels: escalationLabels(day),
    doc: escalationDoc(artifacts, blocker),
  };
}

/** One agent's advisory findings for a day; `undefined` for an empty list. */
export function advisoryPlan(
  day: number,
  items: AdvisoryItem[],
  agent: string,
): ItemPlan | undefined {
  if (!Array.isArray(items) || items.length === 0) return undefined;
  const name = typeof agent === "string" && agent.trim() ? agent.trim() : "agent";
  return {
    title: advisoryTitle(day, name, items.length),
    titlePrefix: advisoryTitlePrefix(day, name),
    labels: advisoryLabels(day, name),
    doc: advisoryDoc(day, name, items),
  };
}

/** The story ticket; throws with a clear reason when `story.md` is missing. */
export async function storyPlan(day: number, dayDir: string, logger: Logger): Promise<ItemPlan> {
  const file = await readArtifact(artifactFile(dayDir, "story"));
  if (!file.exists) throw new Error(`no story card: ${file.path} does not exist`);
  if (file.problem) logger.warn(file.problem);
  const card = storyCard(file);
  return {
    title: storyTitle(day, card?.target ?? ""),
    titlePrefix: storyTitlePrefix(day),
    labels: storyLabels(day),
    doc: storyDoc(day, card, file.raw),
  };
}

/** The handoff comment; throws with a clear reason when `handoff.md` is missing. */
export async function handoffPlan(
  day: number,
  dayDir: string,
  logger: Logger,
): Promise<RenderedDoc> {
  const file = await readArtifact(artifactFile(dayDir, "handoff"));
  if (!file.exists) throw new Error(`no handoff note: ${file.path} does not exist`);
  if (file.problem) logger.warn(file.problem);
  return handoffDoc(day, handoffNote(file), file.raw);
}
