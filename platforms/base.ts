/**
 * `BaseCIAdapter` and `BaseTrackerAdapter`: the defaults of the optional
 * methods, and the plumbing that keeps the never-reject rule in one place.
 *
 * @module
 */

import { isAbsolute, resolve } from "node:path";
import { writeText } from "./_core/files.ts";
import { dailySummaryLine, summaryFile } from "./_pace/names.ts";
import { type CiProbe, pollCi } from "./_core/poll.ts";
import { redactError } from "./_core/secrets.ts";
import type {
  AdvisoryItem,
  CIAdapter,
  CiResult,
  Env,
  GateReport,
  Logger,
  ResolvedContext,
  StoryStatus,
  TrackerAdapter,
  WaitOptions,
} from "./types.ts";

/**
 * What both base classes share: the resolved context, the prefixed logger,
 * and {@linkcode AdapterCore.safely}, the never-reject guard for one call.
 * Extend {@linkcode BaseCIAdapter} or {@linkcode BaseTrackerAdapter} rather
 * than this class.
 *
 * @example
 * ```ts
 * import { AdapterCore, BaseCIAdapter } from "@pace/platforms";
 * console.log(Object.getPrototypeOf(BaseCIAdapter) === AdapterCore); // true
 * ```
 */
export abstract class AdapterCore {
  /** The registered platform name. */
  abstract readonly platform: string;
  /** The resolved context the adapter was built from. */
  protected readonly context: ResolvedContext;
  /**
   * Why the adapter cannot work (missing credentials), or `undefined`. When
   * set, {@linkcode AdapterCore.safely} returns the fallback without calling.
   */
  protected unavailable: string | undefined;

  /** Keep the resolved context. */
  constructor(context: ResolvedContext) {
    this.context = context;
  }

  /** The prefixed, redacting logger. */
  protected get logger(): Logger {
    return this.context.logger;
  }

  /** The environment. */
  protected get env(): Env {
    return this.context.env;
  }

  /** Resolve a path against the repository root. */
  protected path(path: string): string {
    return isAbsolute(path) ? path : resolve(this.context.repoRoot, path);
  }

  /**
   * Mark the adapter unusable and log the reason once. Subclasses call this
   * from their constructor when a required variable is missing.
   */
  protected disable(reason: string): void {
    this.unavailable = reason;
    this.logger.warn(`${reason}; calls will return empty results`);
  }

  /**
   * Run `action`; on any failure log it (redacted) and return `fallback`. When
   * the adapter is unavailable, return `fallback` at once.
   */
  protected async safely<T>(what: string, fallback: T, action: () => Promise<T>): Promise<T> {
    if (this.unavailable) {
      this.logger.debug(`${what}: skipped (${this.unavailable})`);
      return fallback;
    }
    try {
      return await action();
    } catch (error) {
      this.logger.error(`${what} failed: ${redactError(error, this.context.secrets)}`);
      return fallback;
    }
  }
}

/**
 * Base of every CI adapter. Subclasses implement `openReviewPr` and
 * `waitForCommitCi`; the rest have working defaults: the daily summary is one
 * log line, the job summary goes to `pace-summary.md`, variables are read from
 * the environment and cannot be set.
 *
 * @example A CI platform that only knows how to wait
 * ```ts
 * import { BaseCIAdapter, type CiResult } from "@pace/platforms";
 * class MyCI extends BaseCIAdapter {
 *   readonly platform = "myci";
 *   openReviewPr(): Promise<string> {
 *     return Promise.resolve("");
 *   }
 *   waitForCommitCi(sha: string): Promise<CiResult> {
 *     return Promise.resolve({ conclusion: "no_runs", url: "", name: "", sha });
 *   }
 * }
 * ```
 */
export abstract class BaseCIAdapter extends AdapterCore implements CIAdapter {
  abstract openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string>;
  abstract waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult>;

  /**
   * Run the one shared CI wait loop with this adapter's logger, secrets and
   * availability; a platform supplies only `probe`, one look at the commit.
   */
  protected poll(sha: string, options: WaitOptions | undefined, probe: CiProbe): Promise<CiResult> {
    return pollCi({
      sha,
      options,
      logger: this.logger,
      secrets: this.context.secrets,
      unavailable: this.unavailable,
      probe,
    });
  }

  /** Log `Day N summary: ✅ SHIP` or `🔴 <decision>`. No API call. */
  postDailySummary(day: number, gateReport: GateReport): Promise<void> {
    this.logger.info(dailySummaryLine(day, gateReport?.gate_decision));
    return Promise.resolve();
  }

  /** Write the report to `pace-summary.md` in the repository root. */
  writeJobSummary(markdown: string): Promise<void> {
    return this.safely("write job summary", undefined, async () => {
      const path = summaryFile(this.context.repoRoot);
      await writeText(path, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
      this.logger.info(`job summary written to ${path}`);
    });
  }

  /** Not supported by default: `false`, which PACE treats as non-fatal. */
  setVariable(_name: string, _value: string): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** The environment variable of that name. */
  getVariable(name: string): Promise<string | undefined> {
    return Promise.resolve(this.env[name]);
  }
}

/**
 * Base of every tracker adapter. Subclasses implement the five ticket
 * operations; `closePlanIssue` is a no-op by default.
 *
 * @example A tracker that files nothing
 * ```ts
 * import { BaseTrackerAdapter } from "@pace/platforms";
 * class NullTracker extends BaseTrackerAdapter {
 *   readonly platform = "null";
 *   openEscalationIssue() { return Promise.resolve(""); }
 *   pushAdvisoryItems() { return Promise.resolve(""); }
 *   pushStory() { return Promise.resolve(""); }
 *   updateStoryStatus() { return Promise.resolve(); }
 *   postHandoffComment() { return Promise.resolve(); }
 * }
 * ```
 */
export abstract class BaseTrackerAdapter extends AdapterCore implements TrackerAdapter {
  abstract openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string>;
  abstract pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string>;
  abstract pushStory(day: number, dayDir: string): Promise<string>;
  abstract updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<void>;
  abstract postHandoffComment(day: number, dayDir: string): Promise<void>;

  /** No-op by default: the platform has no plan issues. */
  closePlanIssue(_issueNumber: number): Promise<void> {
    return Promise.resolve();
  }
}
