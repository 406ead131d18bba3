/**
 * The tracker operations, written once: escalation, advisory, story, status,
 * handoff and closing a plan issue, each as find-or-create over a small
 * per-platform API. A forge (GitHub, GitLab, Bitbucket, Gitea) supplies a
 * {@linkcode ForgeIssueApi}: how to list, create, move and comment on its
 * issues. Everything else lives here: which listed issue is PACE's open item,
 * bodies rendered within the forge's limit, idempotency, the
 * `story-ticket.yaml` record, the "no ticket recorded" rule and the log
 * lines. A tracker that finds and renders its own way (Jira) supplies a
 * {@linkcode CustomIssueApi}.
 *
 * @module
 */

import { BaseTrackerAdapter } from "../base.ts";
import type { AdvisoryItem, Logger, ResolvedContext, StoryStatus } from "../types.ts";
import { readTicketRef, writeTicketRef } from "./artifacts.ts";
import { ensureItem } from "./ensure.ts";
import { toMarkdown } from "./markdown.ts";
import { carriesMarker, cutCodePoints, marker, singleLine } from "./names.ts";
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

/** An issue as a forge lists it: what finding PACE's open item reads. */
export interface ListedIssue extends ForgeIssue {
  /** Whether the forge's answer says it is open. */
  open: boolean;
  /** Its Markdown body. */
  body?: string | null;
  /** Its title. */
  title?: string;
  /** Whether it is a pull request, on a forge that lists them among its issues. */
  pull?: boolean;
}

/** What every tracker platform supplies: how to move, comment on and address one issue. */
export interface IssueMoves {
  /** `done`: close or resolve; `in_progress`: reopen or start. */
  setStatus(id: ForgeIssue["id"], status: StoryStatus): Promise<void>;
  /** Whether the item already carries a comment with `marker`. */
  hasComment(id: ForgeIssue["id"], marker: string): Promise<boolean>;
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

/**
 * What a forge whose issues have Markdown bodies supplies: its primitives.
 * The tracker finds PACE's open item among what they list (every answer
 * checked, since forges widen or drop filters) and renders every body.
 */
export interface ForgeIssueApi extends IssueMoves {
  /** The longest body the forge takes, in characters; longer ones are cut to fit. */
  bodyLimit: number;
  /**
   * The issues the forge answers for a filter on open issues carrying all of
   * `labels`; absent where issues have no labels.
   */
  byLabels?(labels: readonly string[]): Promise<ListedIssue[]>;
  /**
   * The open issues among which the marker finds an item whose labels were
   * dropped, preferred first: the newest few pages, or those a body search
   * finds for `plan`.
   */
  recentOpen(plan: ItemPlan): Promise<ListedIssue[]>;
  /**
   * Whether a listed issue without the plan's marker is nonetheless its item
   * (a title the forge's own rule accepts); absent where only the marker counts.
   */
  claims?(issue: ListedIssue, plan: ItemPlan): boolean;
  /** Create the item with `body`, rendered to fit; the answer as the forge gave it. */
  createIssue(plan: ItemPlan, body: string): Promise<ForgeIssue>;
  /** Add a comment with `body`, rendered to fit. */
  postComment(id: ForgeIssue["id"], body: string): Promise<void>;
}

/** What a platform that finds and renders its own way supplies (Jira: a search that lags). */
export interface CustomIssueApi extends IssueMoves {
  /**
   * PACE's open item for `plan`: one carrying all of `plan.labels`, or whose
   * body carries `plan.doc.marker` where the package wrote it (labels can be
   * dropped by the forge). `undefined` when there is none.
   */
  find(plan: ItemPlan): Promise<ForgeIssue | undefined>;
  /** Create the item; the answer as the forge gave it. */
  create(plan: ItemPlan): Promise<ForgeIssue>;
  /** Add a comment. */
  comment(id: ForgeIssue["id"], doc: RenderedDoc): Promise<void>;
}

/**
 * What a platform supplies so the forge tracker can run on it: a forge's
 * primitives, or a find and rendering of its own.
 */
export type IssueApi = ForgeIssueApi | CustomIssueApi;

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

/** The issue without what only finding it needed. */
function asForgeIssue({ id, url, labels }: ListedIssue): ForgeIssue {
  return { id, url, labels };
}

/**
 * PACE's open item for `plan` on a forge: an open issue (not a pull request)
 * carrying all of the plan's labels, else, since a forge can drop labels on
 * create, one whose body ends with the plan's marker. Each answer is checked:
 * a forge may widen or ignore a filter, and agent text may quote a marker.
 */
async function findOnForge(
  api: ForgeIssueApi,
  plan: ItemPlan,
  logger: Logger,
): Promise<ForgeIssue | undefined> {
  const isOpenIssue = (issue: ListedIssue) => issue.open === true && !issue.pull;
  // No labels would match every open issue.
  if (api.byLabels && plan.labels.length) {
    const labelled = (await api.byLabels(plan.labels)).find((issue) =>
      isOpenIssue(issue) && plan.labels.every((label) => issue.labels?.includes(label))
    );
    if (labelled) return asForgeIssue(labelled);
  }
  const marked = (await api.recentOpen(plan)).find((issue) =>
    isOpenIssue(issue) &&
    (carriesMarker(issue.body, plan.doc.marker) || api.claims?.(issue, plan) === true)
  );
  if (!marked) return undefined;
  if (api.byLabels) {
    logger.debug(`${plan.doc.marker}: found ${marked.url} by its marker, not its labels`);
  }
  return asForgeIssue(marked);
}

/** A forge's primitives as the operations use them: the find rule and rendering added. */
function onForge(api: ForgeIssueApi, logger: Logger): CustomIssueApi {
  const render = (doc: RenderedDoc) => toMarkdown(doc, { maxLength: api.bodyLimit });
  return {
    find: (plan) => findOnForge(api, plan, logger),
    create: (plan) => api.createIssue(plan, render(plan.doc)),
    comment: (id, doc) => api.postComment(id, render(doc)),
    setStatus: (id, status) => api.setStatus(id, status),
    hasComment: (id, mark) => api.hasComment(id, mark),
    closePlan: api.closePlan && ((number) => api.closePlan!(number)),
    parseId: (recorded) => api.parseId(recorded),
    labelsDroppedHint: api.labelsDroppedHint,
  };
}

/** The issue a plan came to: found, or created (and whether it kept its labels). */
async function ensureIssue(
  api: CustomIssueApi,
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
 * A tracker adapter over a forge's {@linkcode ForgeIssueApi} or a platform's
 * own {@linkcode IssueApi}. Platforms build one in their `tracker` factory.
 */
export class ForgeTracker extends BaseTrackerAdapter {
  /** The registered platform name. */
  readonly platform: string;
  readonly #api: CustomIssueApi;

  /** A tracker named `platform` over `api`. */
  constructor(context: ResolvedContext, platform: string, api: IssueApi) {
    super(context);
    this.platform = platform;
    this.#api = "find" in api ? api : onForge(api, this.logger);
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
