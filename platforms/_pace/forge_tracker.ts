/**
 * The tracker operations, written once: escalation, advisory, story, status,
 * handoff and closing a plan issue, each as find-or-create over a small
 * per-platform {@linkcode IssueApi}. A forge (GitHub, GitLab, Bitbucket,
 * Gitea) or Jira supplies only how to find, create, move and comment on one
 * of its issues; idempotency, the `story-ticket.yaml` record, the "no ticket
 * recorded" rule and the log lines live here.
 *
 * @module
 */

import { BaseTrackerAdapter } from "../base.ts";
import type { AdvisoryItem, Logger, ResolvedContext, StoryStatus } from "../types.ts";
import { readTicketRef, writeTicketRef } from "./artifacts.ts";
import { ensureItem } from "./ensure.ts";
import { cutCodePoints, marker, singleLine } from "./names.ts";
import { advisoryPlan, escalationPlan, handoffPlan, type ItemPlan, storyPlan } from "./plans.ts";
import type { RenderedDoc } from "./render.ts";

/** An issue as the forge tracker needs it. */
export interface ForgeIssue {
  /** What the forge addresses it by: a number (`12`) or a key (`PACE-12`). */
  id: number | string;
  /** Its web page. */
  url: string;
  /** The labels the forge's answer carries, when it echoes them. */
  labels?: readonly string[];
}

/** What a platform supplies so the forge tracker can run on it. */
export interface IssueApi {
  /**
   * PACE's open item for `plan`: one carrying all of `plan.labels`, or whose
   * body carries `plan.doc.marker` where the package wrote it (labels can be
   * dropped by the forge). `undefined` when there is none.
   */
  find(plan: ItemPlan): Promise<ForgeIssue | undefined>;
  /** Create the item; the answer as the forge gave it. */
  create(plan: ItemPlan): Promise<ForgeIssue>;
  /** `done`: close or resolve; `in_progress`: reopen or start. */
  setStatus(id: ForgeIssue["id"], status: StoryStatus): Promise<void>;
  /** Whether the item already carries a comment with `marker`. */
  hasComment(id: ForgeIssue["id"], marker: string): Promise<boolean>;
  /** Add a comment. */
  comment(id: ForgeIssue["id"], doc: RenderedDoc): Promise<void>;
  /** Close a planning issue by its number; absent when the platform cannot. */
  closePlan?(issueNumber: number): Promise<void>;
  /** The recorded id as this platform's id; throws for one that cannot be its own. */
  parseId(recorded: string | number): ForgeIssue["id"];
  /**
   * Why a create may come back without its labels (the missing permission),
   * for the warning; absent where issues have no labels.
   */
  labelsDroppedHint?: string;
}

/** `status` as a {@linkcode StoryStatus}; throws a clear error for anything else. */
export function checkStoryStatus(status: unknown): StoryStatus {
  if (status === "done" || status === "in_progress") return status;
  throw new Error(`unknown status ${JSON.stringify(status)}: use done or in_progress`);
}

/** A positive issue number from a recorded id, or a clear error: `0x10` is not 16. */
export function issueNumber(recorded: string | number): number {
  const text = String(recorded).trim();
  const number = /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(number)) {
    throw new Error(`${JSON.stringify(text.slice(0, 40))} is not an issue number`);
  }
  return number;
}

/** The issue a plan came to: found, or created (and whether it kept its labels). */
async function ensureIssue(
  api: IssueApi,
  what: string,
  plan: ItemPlan,
  logger: Logger,
): Promise<ForgeIssue> {
  return await ensureItem({
    what,
    logger,
    find: () => api.find(plan),
    create: async () => {
      const issue = await api.create(plan);
      logger.info(`${what}: created ${issue.url}`);
      if (api.labelsDroppedHint && issue.labels) {
        const missing = plan.labels.filter((label) => !issue.labels!.includes(label));
        if (missing.length) {
          logger.warn(
            `${what}: created without the labels ${
              missing.join(", ")
            }: ${api.labelsDroppedHint}; ` +
              "re-runs still find it by its marker",
          );
        }
      }
      return issue;
    },
  });
}

/**
 * A tracker adapter over an {@linkcode IssueApi}. Platforms build one in
 * their `tracker` factory.
 */
export class ForgeTracker extends BaseTrackerAdapter {
  /** The registered platform name. */
  readonly platform: string;
  readonly #api: IssueApi;

  /** A tracker named `platform` over `api`. */
  constructor(context: ResolvedContext, platform: string, api: IssueApi) {
    super(context);
    this.platform = platform;
    this.#api = api;
  }

  /** Open (or find) the HOLD escalation for a day; its URL. */
  async openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string> {
    const plan = await escalationPlan(day, this.path(dayDir), this.logger, holdReason);
    return (await ensureIssue(this.#api, `escalation for day ${day}`, plan, this.logger)).url;
  }

  /** File one agent's findings for a day; `""` for an empty list. */
  async pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string> {
    const plan = advisoryPlan(day, items, agent);
    if (!plan) return "";
    // The agent's name is its own text: one line, bounded.
    const what = `advisory for day ${day} (${cutCodePoints(singleLine(String(agent)), 80)})`;
    return (await ensureIssue(this.#api, what, plan, this.logger)).url;
  }

  /** Mirror the day's story card as an issue once, and record it in `story-ticket.yaml`. */
  async pushStory(day: number, dayDir: string): Promise<string> {
    const dir = this.path(dayDir);
    const recorded = await readTicketRef(dir);
    const recordedId = recorded?.platform === this.platform
      ? recorded.key ?? recorded.id
      : undefined;
    if (recordedId !== undefined) {
      // A record that cannot be this platform's id is refused, not trusted.
      this.#api.parseId(recordedId);
      this.logger.info(`story for day ${day}: recorded ${recorded!.url}`);
      return recorded!.url;
    }
    const plan = await storyPlan(day, dir, this.logger);
    const issue = await ensureIssue(this.#api, `story for day ${day}`, plan, this.logger);
    const ref = typeof issue.id === "number"
      ? { url: issue.url, id: issue.id, platform: this.platform }
      : { url: issue.url, key: issue.id, platform: this.platform };
    await writeTicketRef(dir, ref);
    return issue.url;
  }

  /** The story ticket `pushStory` recorded for this platform, or `undefined` (logged). */
  async #recordedStory(day: number, dayDir: string, what: string) {
    const recorded = await readTicketRef(this.path(dayDir));
    const id = recorded?.platform === this.platform ? recorded.key ?? recorded.id : undefined;
    if (id === undefined) {
      this.logger.warn(
        `${what} for day ${day}: no ${this.platform} story ticket recorded in ` +
          "story-ticket.yaml (run push-story first); nothing done",
      );
      return undefined;
    }
    return this.#api.parseId(id);
  }

  /** Close (`done`) or reopen (`in_progress`) the day's story ticket. */
  async updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<boolean> {
    checkStoryStatus(status);
    const id = await this.#recordedStory(day, dayDir, "story status");
    if (id === undefined) return false;
    await this.#api.setStatus(id, status);
    this.logger.info(`story ${id} for day ${day} is now ${status}`);
    return true;
  }

  /** Comment the day's handoff note on the story ticket, once. */
  async postHandoffComment(day: number, dayDir: string): Promise<boolean> {
    const id = await this.#recordedStory(day, dayDir, "handoff");
    if (id === undefined) return false;
    const doc = await handoffPlan(day, this.path(dayDir), this.logger);
    const api = this.#api;
    let posted = false;
    await ensureItem({
      what: `handoff for day ${day}`,
      logger: this.logger,
      find: async () => await api.hasComment(id, marker("handoff", day)) || undefined,
      create: async () => {
        await api.comment(id, doc);
        posted = true;
        return true;
      },
    });
    this.logger.info(`handoff for day ${day}: ${posted ? "commented on" : "already on"} ${id}`);
    return true;
  }

  /** Close a planning issue; `false` where the platform has none. */
  override async closePlanIssue(issueNumber: number): Promise<boolean> {
    if (!this.#api.closePlan) return false;
    if (!Number.isSafeInteger(issueNumber) || issueNumber < 1) {
      throw new Error(`issue number must be a whole number ≥ 1, got ${issueNumber}`);
    }
    await this.#api.closePlan(issueNumber);
    this.logger.info(`closed plan issue #${issueNumber}`);
    return true;
  }
}
