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
 * A place log lines go. `console` is a Logger.
 *
 * @example
 * ```ts
 * import type { Logger } from "@pace/platforms";
 * const quiet: Logger = { debug() {}, info() {}, warn: console.warn, error: console.error };
 * ```
 */
export interface Logger {
  /** Detail useful when diagnosing. */
  debug(...args: unknown[]): void;
  /** Normal progress. */
  info(...args: unknown[]): void;
  /** Something failed but the run goes on. */
  warn(...args: unknown[]): void;
  /** Something failed. */
  error(...args: unknown[]): void;
}

/**
 * Environment variables, as a plain lookup.
 *
 * @example
 * ```ts
 * import type { Env } from "@pace/platforms";
 * const env: Env = { GITHUB_TOKEN: "ghp_example", GITHUB_API_URL: undefined };
 * ```
 */
export type Env = Record<string, string | undefined>;

/**
 * What an adapter is built from. Everything is optional.
 *
 * @example Injecting a fetch and an environment
 * ```ts
 * import type { AdapterContext } from "@pace/platforms";
 * const context: AdapterContext = {
 *   env: { GITHUB_TOKEN: "ghp_example", GITHUB_REPOSITORY: "octo/repo" },
 *   repoRoot: "/tmp/checkout",
 *   fetch: globalThis.fetch,
 *   logger: console,
 * };
 * ```
 */
export interface AdapterContext {
  /** Default: the process environment, read permission-aware. */
  env?: Env;
  /** Default: the current directory. `pace-summary.md` and `.pace/` live here. */
  repoRoot?: string;
  /** Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default: `console`. Adapters prefix lines with the platform and mask secrets. */
  logger?: Logger;
}

/**
 * The secret registry an adapter registers its credentials with.
 *
 * @example
 * ```ts
 * import type { Secrets } from "@pace/platforms";
 * function mask(secrets: Secrets, token: string, line: string): string {
 *   secrets.add(token);
 *   return secrets.redact(line);
 * }
 * ```
 */
export interface Secrets {
  /** Mask this value (and its common encodings) from now on. Short values are ignored. */
  add(value: string | undefined): void;
  /** Replace every registered secret in `text` with `***`. */
  redact(text: string): string;
  /** The registered values, longest first (for CI log masks). */
  values(): string[];
}

/**
 * The context a platform factory receives: every default filled in, the
 * logger already prefixed with the platform's title and redacting.
 *
 * @example
 * ```ts
 * import type { ResolvedContext } from "@pace/platforms";
 * function token(context: ResolvedContext): string | undefined {
 *   const value = context.env.ACME_TOKEN;
 *   context.secrets.add(value); // masked from now on
 *   return value;
 * }
 * ```
 */
export interface ResolvedContext {
  /** Environment lookup; reading an unpermitted variable yields `undefined`. */
  env: Env;
  /** Absolute repository root. */
  repoRoot: string;
  /** The fetch to send every request through. */
  fetch: typeof fetch;
  /** Prefixed (`[GitHub] …`), redacting logger. */
  logger: Logger;
  /** Where the adapter registers credential values so they never leak. */
  secrets: Secrets;
}

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
  /** Log the one-line day summary. */
  postDailySummary(day: number, gateReport: GateReport): Promise<void>;
  /** Write the full markdown report where the platform shows it. */
  writeJobSummary(markdown: string): Promise<void>;
  /** Set a CI variable. `false` when unsupported or failed. */
  setVariable(name: string, value: string): Promise<boolean>;
  /** Read a CI variable: the environment first, then the platform's store. */
  getVariable(name: string): Promise<string | undefined>;
}

/**
 * The tracker side of a platform: escalations, advisories, story tickets.
 * Every method resolves; failures become `""` or are logged.
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
  /** Close/resolve (`done`) or reopen/start (`in_progress`) the story ticket. */
  updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<void>;
  /** Close a planning issue by number. */
  closePlanIssue(issueNumber: number): Promise<void>;
  /** Comment the day's handoff note on the story ticket. */
  postHandoffComment(day: number, dayDir: string): Promise<void>;
}

/**
 * What `pace check` learns about reaching a platform.
 *
 * @example
 * ```ts
 * import type { ProbeResult } from "@pace/platforms";
 * const probe: ProbeResult = { ok: true, detail: "octo/repo reachable" };
 * ```
 */
export interface ProbeResult {
  /** Whether the platform answered as expected. */
  ok: boolean;
  /** One line for the user: what was reached, or why not. */
  detail: string;
}

/**
 * CI log conventions (GitHub Actions workflow commands, GitLab sections).
 *
 * @example
 * ```ts
 * import type { LogConventions } from "@pace/platforms";
 * const plain: LogConventions = {
 *   group: (title) => `--- ${title}`,
 *   endGroup: () => "---",
 *   error: (message) => `ERROR: ${message}`,
 *   mask: () => "",
 * };
 * ```
 */
export interface LogConventions {
  /** Start a collapsible group. */
  group(title: string): string;
  /** End the innermost group. */
  endGroup(): string;
  /** An error annotation line. */
  error(message: string): string;
  /** A line that masks `value` in the rest of the job log, or `""`. */
  mask(value: string): string;
}

/**
 * File-system paths a platform reads or writes beyond `.pace/` and its summaries.
 *
 * @example
 * ```ts
 * import type { PlatformPaths } from "@pace/platforms";
 * const paths: PlatformPaths = { read: ["/tmp/summary"], write: ["/tmp/summary"] };
 * ```
 */
export interface PlatformPaths {
  /** Paths read. */
  read?: string[];
  /** Paths written. */
  write?: string[];
}

/**
 * A platform: plain data plus factories. Built-ins and third-party platforms
 * are registered the same way, with {@linkcode registerPlatform}.
 *
 * @example A minimal tracker-only platform
 * ```ts
 * import { BaseTrackerAdapter, type PlatformDefinition } from "@pace/platforms";
 * const definition: PlatformDefinition = {
 *   name: "notes",
 *   env: ["NOTES_URL"],
 *   hosts: (env) => env.NOTES_URL ? [new URL(env.NOTES_URL).host] : [],
 *   tracker: (context) => new (class extends BaseTrackerAdapter {
 *     readonly platform = "notes";
 *     openEscalationIssue() { return Promise.resolve(""); }
 *     pushAdvisoryItems() { return Promise.resolve(""); }
 *     pushStory() { return Promise.resolve(""); }
 *     updateStoryStatus() { return Promise.resolve(); }
 *     postHandoffComment() { return Promise.resolve(); }
 *   })(context),
 * };
 * ```
 */
export interface PlatformDefinition {
  /** The name used in `pace.config.yaml` (lowercase letters, digits, `-`, `_`). */
  name: string;
  /** How log lines name it, e.g. `GitHub` in `[GitHub] …`. Default: `name`. */
  title?: string;
  /** Builds the CI adapter. Absent: the platform cannot be `platform.ci`. */
  ci?: (context: ResolvedContext) => CIAdapter;
  /** Builds the tracker adapter. Absent: the platform cannot be `platform.tracker`. */
  tracker?: (context: ResolvedContext) => TrackerAdapter;
  /** Every environment variable the platform reads. */
  env: readonly string[];
  /** The variables among `env` that hold secrets (masked in CI logs by the CLI). */
  secretEnv?: readonly string[];
  /** The hosts (`host` or `host:port`) it calls, given the environment. */
  hosts: (env: Env) => string[];
  /** Required settings that are missing, each named for the user (`GITHUB_TOKEN`). */
  missing?: (env: Env) => string[];
  /** Extra files it reads or writes (e.g. `$GITHUB_STEP_SUMMARY`). */
  paths?: (env: Env, repoRoot: string) => PlatformPaths;
  /** One cheap authenticated request, for `pace check`. */
  probe?: (context: ResolvedContext) => Promise<ProbeResult>;
  /** The CI log conventions to use when running inside this platform's CI. */
  logConventions?: (env: Env) => LogConventions | undefined;
}

/**
 * The part of `pace.config.yaml` this package reads, after validation.
 *
 * @example
 * ```ts
 * import type { PaceConfig } from "@pace/platforms";
 * const config: PaceConfig = { platform: { ci: "github", tracker: "jira" } };
 * ```
 */
export interface PaceConfig {
  /** Which platform serves each side. */
  platform: { ci: string; tracker: string };
  /** The file it was read from, when it came from a file. */
  source?: string;
}

/**
 * What a platform needs from Deno's sandbox: `--allow-net`, `--allow-env`,
 * `--allow-read`, `--allow-write` lists.
 *
 * @example
 * ```ts
 * import type { Permissions } from "@pace/platforms";
 * const perms: Permissions = { net: [], env: ["PACE_CONFIG"], read: ["."], write: [".pace"] };
 * ```
 */
export interface Permissions {
  /** Hosts, `host` or `host:port`. Empty: no network at all. */
  net: string[];
  /** Environment variable names. */
  env: string[];
  /** Paths read. */
  read: string[];
  /** Paths written. */
  write: string[];
}
