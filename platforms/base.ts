/**
 * The base classes every adapter extends: the defaults of the optional
 * methods, the CI wait loop, and PACE's branch hierarchy written once.
 * Adapters throw plainly: the registry's guard turns every failure into the
 * contract's empty value, so no method here catches.
 *
 * @module
 */

import { isAbsolute, resolve } from "./_core/paths.ts";
import { appendCapped, writeText } from "./_core/files.ts";
import { envValue } from "./_core/settings.ts";
import { pollCi } from "./_core/poll.ts";
import { dailySummaryLine, summaryFile } from "./_pace/names.ts";
import {
  BRANCH_MAIN,
  BRANCH_STAGING,
  refNameProblem,
  releaseBranch,
  sprintBranch,
} from "./branches.ts";
import type {
  AdvisoryItem,
  BranchingAdapter,
  CIAdapter,
  CiProbe,
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
 * What every base class shares: the resolved context, the prefixed logger
 * and the environment. Extend {@linkcode BaseCIAdapter},
 * {@linkcode BaseTrackerAdapter} or {@linkcode BaseBranchingAdapter} rather
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

  /** `text` with every known secret masked: for what the adapter writes to a file. */
  protected redacted(text: string): string {
    return this.context.secrets.redact(text);
  }

  /** Resolve a path against the repository root. */
  protected path(path: string): string {
    return isAbsolute(path) ? path : resolve(this.context.repoRoot, path);
  }
}

/**
 * Base of every CI adapter. Subclasses implement `openReviewPr` and
 * `waitForCommitCi`; the rest have working defaults: the daily summary is one
 * log line, the job summary goes to `pace-summary.md`, variables are read from
 * the environment and cannot be set. A subclass with a variable store
 * overrides {@linkcode BaseCIAdapter.readStoredVariable} only: the
 * environment always answers first.
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
   * Run the one shared CI wait loop with this adapter's logger and secrets; a
   * platform supplies only `probe`, one look at the commit.
   */
  protected poll(sha: string, options: WaitOptions | undefined, probe: CiProbe): Promise<CiResult> {
    return pollCi({ sha, options, logger: this.logger, secrets: this.context.secrets, probe });
  }

  /** Log `Day N summary: ✅ SHIP` or `🔴 <decision>`. No API call. */
  postDailySummary(day: number, gateReport: GateReport): Promise<boolean> {
    this.logger.info(dailySummaryLine(day, gateReport?.gate_decision));
    return Promise.resolve(true);
  }

  /**
   * The variable in which the platform's runner names its job-summary file
   * (`GITHUB_STEP_SUMMARY`), if it has one.
   */
  protected readonly summaryFileVariable: string | undefined = undefined;

  /**
   * Append the report to the runner's summary file when the runner names one
   * (capped at 1 MiB, earlier content kept), else write `pace-summary.md` in
   * the repository root.
   */
  async writeJobSummary(markdown: string): Promise<boolean> {
    const runnerFile = this.summaryFileVariable
      ? envValue(this.env, this.summaryFileVariable)
      : undefined;
    if (runnerFile) {
      if (await appendCapped(runnerFile, this.redacted(markdown))) {
        this.logger.warn(`job summary truncated to the 1 MiB limit of ${this.summaryFileVariable}`);
      }
      return true;
    }
    const path = summaryFile(this.context.repoRoot);
    await writeText(path, this.redacted(markdown.endsWith("\n") ? markdown : `${markdown}\n`));
    this.logger.info(`job summary written to ${path}`);
    return true;
  }

  /** Not supported by default: `false`, which PACE treats as non-fatal. */
  setVariable(_name: string, _value: string): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** The environment variable of that name, else the platform's stored one. */
  async getVariable(name: string): Promise<string | undefined> {
    return this.env[name] ?? await this.readStoredVariable(name);
  }

  /** The platform's stored variable (none by default); `undefined` when it has none. */
  protected readStoredVariable(_name: string): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
}

/**
 * Base of every tracker adapter. Subclasses implement the five ticket
 * operations; `closePlanIssue` resolves `false` by default (the platform
 * cannot close plan issues).
 *
 * @example A tracker that files nothing
 * ```ts
 * import { BaseTrackerAdapter } from "@pace/platforms";
 * class NullTracker extends BaseTrackerAdapter {
 *   readonly platform = "null";
 *   openEscalationIssue() { return Promise.resolve(""); }
 *   pushAdvisoryItems() { return Promise.resolve(""); }
 *   pushStory() { return Promise.resolve(""); }
 *   updateStoryStatus() { return Promise.resolve(false); }
 *   postHandoffComment() { return Promise.resolve(false); }
 * }
 * ```
 */
export abstract class BaseTrackerAdapter extends AdapterCore implements TrackerAdapter {
  abstract openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string>;
  abstract pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string>;
  abstract pushStory(day: number, dayDir: string): Promise<string>;
  abstract updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<boolean>;
  abstract postHandoffComment(day: number, dayDir: string): Promise<boolean>;

  /** `false` by default: the platform has no plan issues to close (logged). */
  closePlanIssue(issueNumber: number): Promise<boolean> {
    this.logger.warn(`plan issue #${issueNumber}: ${this.platform} cannot close plan issues`);
    return Promise.resolve(false);
  }
}

/**
 * Base of every branching adapter: `ensureHierarchy` written once over the
 * three calls a platform supplies. It resolves `main`, then creates each
 * missing level from its parent, top down, and never touches a level that
 * exists; a level that cannot be created stops it there.
 *
 * @example A platform whose branches live in memory
 * ```ts
 * import { BaseBranchingAdapter } from "@pace/platforms";
 * class MemoryBranches extends BaseBranchingAdapter {
 *   readonly platform = "memory";
 *   heads = new Map([["main", "abc1234"]]);
 *   getBranchSha(branch: string) { return Promise.resolve(this.heads.get(branch)); }
 *   createBranch(branch: string, from: string) {
 *     const sha = this.heads.get(from);
 *     if (sha && !this.heads.has(branch)) this.heads.set(branch, sha);
 *     return Promise.resolve(this.heads.has(branch));
 *   }
 *   createPullRequest() { return Promise.resolve(""); }
 * }
 * ```
 */
export abstract class BaseBranchingAdapter extends AdapterCore implements BranchingAdapter {
  abstract getBranchSha(branch: string): Promise<string | undefined>;
  abstract createBranch(newBranch: string, fromBranch: string): Promise<boolean>;
  abstract createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels?: string[],
  ): Promise<string>;

  /** Create every missing level of `main → staging → release/NAME → rel/sprint/pace-N`. */
  async ensureHierarchy(releaseName: string, sprintNum: number): Promise<boolean> {
    if (!Number.isSafeInteger(sprintNum) || sprintNum < 1) {
      throw new Error(`sprint must be a whole number ≥ 1, got ${String(sprintNum).slice(0, 40)}`);
    }
    const release = releaseBranch(releaseName);
    const problem = refNameProblem(releaseName) ?? refNameProblem(release);
    if (problem) throw new Error(problem);
    if (await this.getBranchSha(BRANCH_MAIN) === undefined) {
      this.logger.error(`cannot build the branch hierarchy: ${BRANCH_MAIN} cannot be resolved`);
      return false;
    }
    const levels = [BRANCH_MAIN, BRANCH_STAGING, release, sprintBranch(sprintNum)];
    for (let i = 1; i < levels.length; i++) {
      if (await this.getBranchSha(levels[i]) !== undefined) continue;
      if (!await this.createBranch(levels[i], levels[i - 1])) {
        this.logger.error(`cannot create ${levels[i]} from ${levels[i - 1]}; stopping there`);
        return false;
      }
      this.logger.info(`created ${levels[i]} from ${levels[i - 1]}`);
    }
    return true;
  }
}
