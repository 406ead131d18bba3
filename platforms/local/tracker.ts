/**
 * Local tracker: escalations, advisories and story tickets as markdown files
 * next to the artifacts they come from.
 *
 * @module
 */

import { appendText, exists, writeText } from "../_core/files.ts";
import { readTicketRef, writeTicketRef } from "../_pace/artifacts.ts";
import { checkStoryStatus } from "../_pace/forge_tracker.ts";
import {
  advisoryFile,
  escalationFile,
  handoffCommentFile,
  paceDirOf,
  storyTicketFile,
} from "../_pace/names.ts";
import { advisoryPlan, escalationPlan, handoffPlan, storyPlan } from "../_pace/plans.ts";
import { toMarkdown } from "../_pace/markdown.ts";
import { BaseTrackerAdapter } from "../base.ts";
import type { AdvisoryItem, ResolvedContext, StoryStatus } from "../types.ts";
import { createOnce, labelsLine } from "./files.ts";

/**
 * Local tracker: escalations, advisories and story tickets as markdown files
 * next to the artifacts they come from.
 *
 * @example
 * ```ts
 * import { getTrackerAdapter } from "@pace/platforms";
 * const tracker = getTrackerAdapter("local", { repoRoot: "." });
 * const path = await tracker.openEscalationIssue(3, ".pace/day-3", "tests fail");
 * ```
 */
export class LocalTrackerAdapter extends BaseTrackerAdapter {
  /** The registered platform name. */
  readonly platform = "local";

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
  }

  /** Open (or find) the HOLD escalation for a day; its URL or path. */
  async openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string> {
    const dir = this.path(dayDir);
    const plan = await escalationPlan(day, dir, this.logger, holdReason);
    const path = await createOnce(
      escalationFile(dir),
      () => this.redacted(toMarkdown(plan.doc, { includeTitle: true }) + labelsLine(plan.labels)),
    );
    this.logger.info(`escalation for day ${day}: ${path}`);
    return path;
  }

  /** File one agent's findings for a day; `""` for an empty list. */
  async pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string> {
    const plan = advisoryPlan(day, items, agent);
    if (!plan) return "";
    const path = await createOnce(
      advisoryFile(paceDirOf(this.context.repoRoot), day, agent),
      () => this.redacted(toMarkdown(plan.doc, { includeTitle: true }) + labelsLine(plan.labels)),
    );
    this.logger.info(`advisory for day ${day} (${agent}): ${path}`);
    return path;
  }

  /** Mirror the day's story card as a ticket and record it in `story-ticket.yaml`. */
  async pushStory(day: number, dayDir: string): Promise<string> {
    const dir = this.path(dayDir);
    const existing = await readTicketRef(dir);
    if (existing && existing.platform === "local" && await exists(existing.url)) {
      return existing.url;
    }
    const plan = await storyPlan(day, dir, this.logger);
    const path = await createOnce(
      storyTicketFile(dir),
      () => this.redacted(toMarkdown(plan.doc, { includeTitle: true }) + labelsLine(plan.labels)),
    );
    await writeTicketRef(dir, { url: path, id: path, platform: "local" });
    this.logger.info(`story ticket for day ${day}: ${path}`);
    return path;
  }

  /** Close (`done`) or reopen (`in_progress`) the day's story ticket. */
  async updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<boolean> {
    checkStoryStatus(status);
    const path = await this.#recordedTicket(day, dayDir, "story status");
    if (!path) return false;
    await appendText(path, `\nStatus: ${status} (${new Date().toISOString()})\n`);
    this.logger.info(`story for day ${day} is now ${status}`);
    return true;
  }

  /** The story ticket file `pushStory` recorded, or `undefined` (logged). */
  async #recordedTicket(day: number, dayDir: string, what: string): Promise<string | undefined> {
    const dir = this.path(dayDir);
    const recorded = await readTicketRef(dir);
    const path = storyTicketFile(dir);
    if (recorded?.platform === "local" && await exists(path)) return path;
    this.logger.warn(
      `${what} for day ${day}: no local story ticket recorded (run push-story first); nothing done`,
    );
    return undefined;
  }

  /** Comment the day's handoff note on the story ticket, once. */
  async postHandoffComment(day: number, dayDir: string): Promise<boolean> {
    if (!await this.#recordedTicket(day, dayDir, "handoff")) return false;
    const dir = this.path(dayDir);
    const doc = await handoffPlan(day, dir, this.logger);
    const path = handoffCommentFile(dir);
    await writeText(path, this.redacted(toMarkdown(doc, { includeTitle: true })));
    this.logger.info(`handoff comment for day ${day}: ${path}`);
    return true;
  }

  /** Nothing to close without a remote: `true`, as there is no plan issue left open. */
  override closePlanIssue(issueNumber: number): Promise<boolean> {
    this.logger.info(`plan issue #${issueNumber}: nothing to close locally`);
    return Promise.resolve(true);
  }
}
