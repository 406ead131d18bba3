/**
 * What a platform is made of and built from: the context an adapter receives,
 * the logger and secrets it writes through, and the {@linkcode PlatformDefinition}
 * through which every platform (built-in or a user's own) is registered.
 *
 * @module
 */

import type { BranchingAdapter, CIAdapter, TrackerAdapter } from "./types.ts";

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
 *     updateStoryStatus() { return Promise.resolve(false); }
 *     postHandoffComment() { return Promise.resolve(false); }
 *   })(context),
 * };
 * ```
 */
export interface PlatformDefinition {
  /** The name used in `pace.config.yaml` (lowercase letters, digits, `-`, `_`). */
  name: string;
  /** How log lines name it, e.g. `GitHub` in `[GitHub] …`. Default: `name`. */
  title?: string;
  /**
   * Builds the CI adapter. Absent: the platform cannot be `platform.ci`. It may
   * resolve asynchronously, so a platform's code can load on first use.
   */
  ci?: (context: ResolvedContext) => CIAdapter | Promise<CIAdapter>;
  /** Builds the tracker adapter. Absent: the platform cannot be `platform.tracker`. */
  tracker?: (context: ResolvedContext) => TrackerAdapter | Promise<TrackerAdapter>;
  /**
   * Builds the branching adapter. Absent: a CI platform without branches of its
   * own (Jenkins), which gets the local branching adapter.
   */
  branching?: (context: ResolvedContext) => BranchingAdapter | Promise<BranchingAdapter>;
  /** Every environment variable the platform reads. */
  env: readonly string[];
  /**
   * The variables among `env` that hold secrets. Their values are masked in
   * every log line, error and result, as are those of any `env` entry ending in
   * `_TOKEN`, `_PASSWORD`, `_SECRET` or `_KEY`.
   */
  secretEnv?: readonly string[];
  /** The hosts (`host` or `host:port`) it calls, given the environment. */
  hosts: (env: Env) => string[];
  /**
   * What keeps the platform from working: each required variable that is unset
   * (by its name, `GITHUB_TOKEN`) or invalid (a sentence naming it). Empty when
   * it can work. While anything is listed every call resolves its empty value.
   */
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
