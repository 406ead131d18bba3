/**
 * The contract between PACE and a platform: the adapter interfaces, their
 * result types, and the {@linkcode PlatformDefinition} through which every
 * platform (built-in or a user's own) is registered.
 *
 * @module
 */

/**
 * How a wait for a commit's CI ended.
 *
 * @example
 * ```ts
 * import type { CiConclusion } from "@pace/platforms";
 * const exitCodes: Record<CiConclusion, number> = {
 *   success: 0, failure: 1, cancelled: 3, no_runs: 4, timeout: 5,
 * };
 * ```
 */
export type CiConclusion = "success" | "failure" | "cancelled" | "no_runs" | "timeout";

/**
 * The outcome of {@linkcode CIAdapter.waitForCommitCi}.
 *
 * @example Reading a result
 * ```ts
 * import type { CiResult } from "@pace/platforms";
 * const result: CiResult = { conclusion: "success", url: "", name: "build", sha: "abc1234" };
 * if (result.conclusion !== "success") console.error(result.error ?? result.name);
 * ```
 */
export interface CiResult {
  /** The terminal state the wait ended in. */
  conclusion: CiConclusion;
  /** Web URL of the run, pipeline or build that decided the result (`""` when none). */
  url: string;
  /** Its name: check run, status context, pipeline or job. */
  name: string;
  /** The SHA that was asked for, echoed. */
  sha: string;
  /** Why the wait ended on an error, redacted. Absent on a normal end. */
  error?: string;
}

/**
 * A snapshot handed to {@linkcode WaitOptions.onProgress} after every poll.
 *
 * @example
 * ```ts
 * import type { WaitProgress } from "@pace/platforms";
 * const show = (p: WaitProgress) => `${p.elapsedMs} ms, poll ${p.polls}: ${p.pending.join(", ")}`;
 * ```
 */
export interface WaitProgress {
  /** Milliseconds since the wait started. */
  elapsedMs: number;
  /** Names of the checks, pipelines or builds still running. */
  pending: string[];
  /** How many polls have completed so far. */
  polls: number;
}

/**
 * Options of {@linkcode CIAdapter.waitForCommitCi}. Both durations take
 * fractions, so tests can wait for milliseconds.
 *
 * @example A short wait that can be cancelled
 * ```ts
 * import type { WaitOptions } from "@pace/platforms";
 * const controller = new AbortController();
 * const options: WaitOptions = {
 *   timeoutMinutes: 0.5,
 *   pollIntervalSeconds: 0.05,
 *   signal: controller.signal,
 *   onProgress: (p) => console.error(`${p.elapsedMs} ms: ${p.pending.join(", ")}`),
 * };
 * ```
 */
export interface WaitOptions {
  /** Give up after this many minutes (default 15). */
  timeoutMinutes?: number;
  /** Poll every this many seconds (default 20). */
  pollIntervalSeconds?: number;
  /** Aborting resolves the wait with conclusion `cancelled`. */
  signal?: AbortSignal;
  /** Called after every poll. */
  onProgress?: (progress: WaitProgress) => void;
}

/**
 * A day's gate report (`.pace/day-N/gate.md`), as far as this package reads it.
 *
 * @example
 * ```ts
 * import type { GateReport } from "@pace/platforms";
 * const gate: GateReport = { gate_decision: "HOLD", hold_reason: "tests fail" };
 * ```
 */
export interface GateReport {
  /** `SHIP`, `HOLD` or another decision. */
  gate_decision?: string;
  /** Why the day was held. */
  hold_reason?: string;
  /** Work pushed to a later day. */
  deferred?: unknown[];
  /** Everything else the gate agent wrote. */
  [key: string]: unknown;
}

/**
 * One advisory finding.
 *
 * @example
 * ```ts
 * import type { AdvisoryItem } from "@pace/platforms";
 * const item: AdvisoryItem = { id: "S-1", finding: "Token logged in debug output" };
 * ```
 */
export interface AdvisoryItem {
  /** Stable identifier of the finding, e.g. `S-1`. */
  id: string;
  /** One-line description. */
  finding: string;
  /** The day the finding was first raised. */
  day_raised?: number;
  /** The agent that raised it. */
  agent?: string;
  /** `open`, `resolved`, … */
  status?: string;
}

/**
 * The two states a story ticket can be moved to.
 *
 * @example
 * ```ts
 * import type { StoryStatus } from "@pace/platforms";
 * const status: StoryStatus = "done";
 * ```
 */
export type StoryStatus = "done" | "in_progress";

/**
 * The CI side of a platform: pull requests, CI status, job summaries, variables.
 * Every method resolves; failures become `""`, `false` or a {@linkcode CiResult}
 * carrying `error`.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("local", { repoRoot: "." });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * console.log(result.conclusion);
 * ```
 */
export interface CIAdapter {
  /** The registered platform name, e.g. `github`. */
  readonly platform: string;
  /** Open (or find) the review PR for a human-gate day. Returns its URL or path, `""` on failure. */
  openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string>;
  /** Poll until the commit's CI reaches a terminal state. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult>;
  /** Log the one-line day summary; `true` when it was posted. */
  postDailySummary(day: number, gateReport: GateReport): Promise<boolean>;
  /** Write the full markdown report where the platform shows it; `false` when it failed. */
  writeJobSummary(markdown: string): Promise<boolean>;
  /** Set a CI variable. `false` when unsupported or failed. */
  setVariable(name: string, value: string): Promise<boolean>;
  /** Read a CI variable: the environment first, then the platform's store. */
  getVariable(name: string): Promise<string | undefined>;
}

/**
 * The tracker side of a platform: escalations, advisories, story tickets.
 * Every method resolves; failures are logged and become `""` or `false`.
 *
 * @example
 * ```ts
 * import { getTrackerAdapter } from "@pace/platforms";
 * const tracker = getTrackerAdapter("local", { repoRoot: "." });
 * await tracker.pushAdvisoryItems(3, [{ id: "S-1", finding: "Token logged" }], "SENTINEL");
 * ```
 */
export interface TrackerAdapter {
  /** The registered platform name, e.g. `jira`. */
  readonly platform: string;
  /** Open (or find) the HOLD escalation for a day. Returns its URL, `""` on failure. */
  openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string>;
  /** File one agent's advisory findings for a day. `""` for an empty list. */
  pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string>;
  /** Mirror the day's story card as a ticket and record it in `story-ticket.yaml`. */
  pushStory(day: number, dayDir: string): Promise<string>;
  /**
   * Close/resolve (`done`) or reopen/start (`in_progress`) the story ticket.
   * `false` when it failed, or when no ticket was recorded for the day.
   */
  updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<boolean>;
  /** Close a planning issue by number; `false` when it failed or the platform cannot. */
  closePlanIssue(issueNumber: number): Promise<boolean>;
  /**
   * Comment the day's handoff note on the story ticket, once: `true` when it is
   * there (also from an earlier run), `false` when it failed or no ticket was recorded.
   */
  postHandoffComment(day: number, dayDir: string): Promise<boolean>;
}

/**
 * What one look at a commit's CI found.
 *
 * @example
 * ```ts
 * import type { CiSnapshot } from "@pace/platforms";
 * const running: CiSnapshot = { state: "pending", pending: ["build"] };
 * const passed: CiSnapshot = { state: "done", conclusion: "success", url: "", name: "build" };
 * ```
 */
export type CiSnapshot =
  /** Nothing has been reported for the commit yet. */
  | { state: "none" }
  /** Something is still running; `pending` names it. */
  | { state: "pending"; pending: string[] }
  /** A terminal state. */
  | { state: "done"; conclusion: CiConclusion; url: string; name: string };

/**
 * Asked once per poll; `signal` aborts on cancel and at the deadline. A CI
 * adapter hands one to `BaseCIAdapter.poll`, which owns the rest of the wait.
 *
 * @example
 * ```ts
 * import type { CiProbe } from "@pace/platforms";
 * const probe: CiProbe = async (signal) => {
 *   const response = await fetch("https://ci.example.com/status/abc1234", { signal });
 *   const { state } = await response.json();
 *   return state === "running"
 *     ? { state: "pending", pending: ["build"] }
 *     : { state: "done", conclusion: state === "ok" ? "success" : "failure", url: "", name: "build" };
 * };
 * ```
 */
export type CiProbe = (signal: AbortSignal) => Promise<CiSnapshot>;

/**
 * The branching side of a platform: PACE's branch hierarchy (`main` →
 * `staging` → `release/NAME` → `rel/sprint/pace-N`) and pull requests between
 * those branches. Every method resolves; failures are logged and become
 * `undefined`, `false` or `""`.
 *
 * @example
 * ```ts
 * import { getBranchingAdapter } from "@pace/platforms";
 * const branching = getBranchingAdapter({ platform: { ci: "local", tracker: "local" } });
 * await branching.ensureHierarchy("v2.0", 1);
 * ```
 */
export interface BranchingAdapter {
  /** The platform name (`local` for the local one). */
  readonly platform: string;
  /** The branch's head commit; `undefined` when it does not exist or on failure. */
  getBranchSha(branch: string): Promise<string | undefined>;
  /** Create `newBranch` at `fromBranch`'s head; `true` when it exists afterwards. Never moves a branch. */
  createBranch(newBranch: string, fromBranch: string): Promise<boolean>;
  /** Open (or find the open) pull request `head` → `base`; its URL, `""` on failure. */
  createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels?: string[],
  ): Promise<string>;
  /** Create each missing level of the hierarchy from its parent; `false` when one cannot be. */
  ensureHierarchy(releaseName: string, sprintNum: number): Promise<boolean>;
}

export type * from "./definition.ts";
