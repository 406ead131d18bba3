/**
 * The `local` platform: every operation as files under `.pace/`, no network,
 * no credentials. It is the embedded default when no config says otherwise,
 * and what the demo and the contract test kit's own tests run on.
 *
 * @module
 */

import { readTicketRef, writeTicketRef } from "./_pace/artifacts.ts";
import {
  appendText,
  exists,
  readJsonStore,
  writeJsonStoreValue,
  writeText,
} from "./_core/files.ts";
import { advisoryPlan, escalationPlan, handoffPlan, reviewPlan, storyPlan } from "./_pace/plans.ts";
import {
  advisoryFile,
  escalationFile,
  handoffCommentFile,
  paceDirOf,
  reviewPrFile,
  storyTicketFile,
  variablesFile,
} from "./_pace/names.ts";
import { toMarkdown } from "./_pace/render.ts";
import { checkStoryStatus } from "./_pace/tickets.ts";
import { BaseCIAdapter, BaseTrackerAdapter } from "./base.ts";
import type {
  AdvisoryItem,
  CiResult,
  PlatformDefinition,
  ResolvedContext,
  StoryStatus,
  WaitOptions,
} from "./types.ts";

/** Write `text` at `path` unless it exists; either way return `path`. */
async function createOnce(path: string, text: () => string): Promise<string> {
  if (await exists(path)) return path;
  await writeText(path, text());
  return path;
}

/**
 * Local CI: the review PR is a markdown file, there is no CI to wait for
 * (`no_runs` at once), variables live in `.pace/variables.json`.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("local", { repoRoot: "." });
 * const path = await ci.openReviewPr(15, ".pace"); // ".../.pace/day-15/review-pr.md"
 * ```
 */
export class LocalCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "local";

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
  }

  /** Open (or find) the review PR for a human-gate day; its URL or path, `""` on failure. */
  openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    return this.safely("open review PR", "", async () => {
      const dir = this.path(paceDir || paceDirOf(this.context.repoRoot));
      const plan = await reviewPlan(day, dir, this.logger, contextNote);
      const path = await createOnce(
        reviewPrFile(dir, day),
        () => `${toMarkdown(plan.doc, { includeTitle: true })}`,
      );
      this.logger.info(`review PR for day ${day}: ${path}`);
      return path;
    });
  }

  /** Poll until the commit's CI ends; never rejects. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    return this.poll(
      sha,
      options,
      () => Promise.resolve({ state: "done", conclusion: "no_runs", url: "", name: "" }),
    );
  }

  /** Set a variable; `false` (logged) on failure. */
  override setVariable(name: string, value: string): Promise<boolean> {
    return this.safely(`set variable ${name}`, false, async () => {
      if (!name) throw new Error("a variable needs a name");
      await writeJsonStoreValue(variablesFile(this.context.repoRoot), name, String(value));
      return true;
    });
  }

  /** The environment first, then the platform's variable store. */
  override async getVariable(name: string): Promise<string | undefined> {
    const fromEnv = this.env[name];
    if (fromEnv !== undefined) return fromEnv;
    return (await readJsonStore(variablesFile(this.context.repoRoot)))[name];
  }
}

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
  openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string> {
    return this.safely("open escalation", "", async () => {
      const dir = this.path(dayDir);
      const plan = await escalationPlan(day, dir, this.logger, holdReason);
      const path = await createOnce(
        escalationFile(dir),
        () => toMarkdown(plan.doc, { includeTitle: true }) + labelsLine(plan.labels),
      );
      this.logger.info(`escalation for day ${day}: ${path}`);
      return path;
    });
  }

  /** File one agent's findings for a day; `""` for an empty list. */
  pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string> {
    return this.safely("push advisory items", "", async () => {
      const plan = advisoryPlan(day, items, agent);
      if (!plan) return "";
      const path = await createOnce(
        advisoryFile(paceDirOf(this.context.repoRoot), day, agent),
        () => toMarkdown(plan.doc, { includeTitle: true }) + labelsLine(plan.labels),
      );
      this.logger.info(`advisory for day ${day} (${agent}): ${path}`);
      return path;
    });
  }

  /** Mirror the day's story card as a ticket and record it in `story-ticket.yaml`. */
  pushStory(day: number, dayDir: string): Promise<string> {
    return this.safely("push story", "", async () => {
      const dir = this.path(dayDir);
      const existing = await readTicketRef(dir);
      if (existing && existing.platform === "local" && await exists(existing.url)) {
        return existing.url;
      }
      const plan = await storyPlan(day, dir, this.logger);
      const path = await createOnce(
        storyTicketFile(dir),
        () => toMarkdown(plan.doc, { includeTitle: true }) + labelsLine(plan.labels),
      );
      await writeTicketRef(dir, { url: path, id: path, platform: "local" });
      this.logger.info(`story ticket for day ${day}: ${path}`);
      return path;
    });
  }

  /** Close (`done`) or reopen (`in_progress`) the day's story ticket. */
  updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<void> {
    return this.safely("update story status", undefined, async () => {
      checkStoryStatus(status);
      const path = storyTicketFile(this.path(dayDir));
      if (!await exists(path)) {
        throw new Error(`no story ticket for day ${day}: run push-story first`);
      }
      await appendText(path, `\nStatus: ${status} (${new Date().toISOString()})\n`);
      this.logger.info(`story for day ${day} is now ${status}`);
    });
  }

  /** Comment the day's handoff note on the story ticket, once. */
  postHandoffComment(day: number, dayDir: string): Promise<void> {
    return this.safely("post handoff comment", undefined, async () => {
      const dir = this.path(dayDir);
      const doc = await handoffPlan(day, dir, this.logger);
      const path = handoffCommentFile(dir);
      await writeText(path, toMarkdown(doc, { includeTitle: true }));
      this.logger.info(`handoff comment for day ${day}: ${path}`);
    });
  }
}

function labelsLine(labels: string[]): string {
  return `\nLabels: ${labels.join(", ")}\n`;
}

/**
 * The `local` platform definition: no hosts, no variables.
 *
 * @example
 * ```ts
 * import { localPlatform } from "@pace/platforms";
 * console.log(localPlatform.hosts({})); // []
 * ```
 */
export const localPlatform: PlatformDefinition = {
  name: "local",
  title: "Local",
  env: [],
  hosts: () => [],
  ci: (context) => new LocalCIAdapter(context),
  tracker: (context) => new LocalTrackerAdapter(context),
  probe: () => Promise.resolve({ ok: true, detail: "local files, no network needed" }),
};
