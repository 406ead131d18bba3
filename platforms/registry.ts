/**
 * The platform registry and the adapter factory. Built-in platforms are
 * registered through the same {@linkcode registerPlatform} a user calls, so a
 * user's platform works everywhere a built-in does: config validation, the
 * factory, permissions and the CLI all ask this module, never a platform.
 *
 * @module
 */

import { resolve } from "./_core/paths.ts";
import { currentDir, processEnv } from "./_core/env.ts";
import { redactingLogger, SecretRegistry } from "./_core/secrets.ts";
import { ConfigError, didYouMean } from "../config/errors.ts";
import { guardAdapter, type Outcome } from "./_core/guard.ts";
import { BRANCHING_OUTCOMES, CI_OUTCOMES, TRACKER_OUTCOMES } from "./_outcomes.ts";
import { bitbucketPlatform } from "./bitbucket.ts";
import { githubPlatform } from "./github.ts";
import { forgejoPlatform, giteaPlatform } from "./gitea.ts";
import { gitlabPlatform } from "./gitlab.ts";
import { jenkinsPlatform } from "./jenkins.ts";
import { jiraPlatform } from "./jira.ts";
import { localPlatform } from "./local.ts";
import type {
  AdapterContext,
  BranchingAdapter,
  CIAdapter,
  Env,
  PaceConfig,
  PlatformDefinition,
  ResolvedContext,
  TrackerAdapter,
} from "./types.ts";

const definitions = new Map<string, PlatformDefinition>();
const builtins = new Set<string>();

const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * Add a platform. Its `ci` and/or `tracker` factories receive the resolved
 * context; `env` lists the variables it reads and `hosts(env)` the hosts it
 * calls, so `pace permissions` can grant exactly those.
 *
 * @throws {TypeError} for a malformed definition or a name already taken.
 *
 * @example Register a tracker and select it from config
 * ```ts
 * import { BaseTrackerAdapter, getTrackerAdapter, registerPlatform } from "@pace/platforms";
 * registerPlatform({
 *   name: "example-tracker",
 *   env: ["EXAMPLE_TOKEN"],
 *   hosts: () => ["tracker.example.com"],
 *   tracker: (context) => new (class extends BaseTrackerAdapter {
 *     readonly platform = "example-tracker";
 *     openEscalationIssue() { return Promise.resolve("https://tracker.example.com/1"); }
 *     pushAdvisoryItems() { return Promise.resolve(""); }
 *     pushStory() { return Promise.resolve(""); }
 *     updateStoryStatus() { return Promise.resolve(false); }
 *     postHandoffComment() { return Promise.resolve(false); }
 *   })(context),
 * });
 * const tracker = getTrackerAdapter({ platform: { ci: "local", tracker: "example-tracker" } });
 * ```
 */
export function registerPlatform(definition: PlatformDefinition): void {
  if (!definition || typeof definition !== "object") {
    throw new TypeError("registerPlatform: expected a platform definition object");
  }
  const { name } = definition;
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw new TypeError(
      `registerPlatform: invalid name ${
        JSON.stringify(name)
      }: use lowercase letters, digits, "-" and "_", starting with a letter`,
    );
  }
  if (!definition.ci && !definition.tracker && !definition.branching) {
    throw new TypeError(
      `registerPlatform: "${name}" has no ci, tracker or branching factory`,
    );
  }
  if (!Array.isArray(definition.env) || typeof definition.hosts !== "function") {
    throw new TypeError(`registerPlatform: "${name}" needs an env list and a hosts(env) function`);
  }
  const existing = definitions.get(name);
  if (existing && existing !== definition) {
    throw new TypeError(`registerPlatform: a platform named "${name}" is already registered`);
  }
  definitions.set(name, definition);
}

/**
 * One registered platform, as {@linkcode listPlatforms} reports it.
 *
 * @example
 * ```ts
 * import { listPlatforms } from "@pace/platforms";
 * for (const p of listPlatforms()) console.log(p.name, p.ci, p.tracker, p.builtin);
 * ```
 */
export interface PlatformInfo {
  /** The config name. */
  name: string;
  /** The log prefix. */
  title: string;
  /** Whether it can serve as `platform.ci`. */
  ci: boolean;
  /** Whether it can serve as `platform.tracker`. */
  tracker: boolean;
  /** Whether it keeps branches of its own (otherwise local branching stands in). */
  branching: boolean;
  /** The variables it reads. */
  env: string[];
  /** Whether it ships with this package. */
  builtin: boolean;
}

/**
 * Every registered platform, built-ins first.
 *
 * @example
 * ```ts
 * import { listPlatforms } from "@pace/platforms";
 * const trackers = listPlatforms().filter((p) => p.tracker).map((p) => p.name);
 * ```
 */
export function listPlatforms(): PlatformInfo[] {
  return [...definitions.values()].map((d) => ({
    name: d.name,
    title: d.title ?? d.name,
    ci: typeof d.ci === "function",
    tracker: typeof d.tracker === "function",
    branching: typeof d.branching === "function",
    env: [...d.env],
    builtin: builtins.has(d.name),
  }));
}

/** The definition registered under `name`, or `undefined`. */
export function getPlatform(name: string): PlatformDefinition | undefined {
  return definitions.get(name);
}

/** The names that can serve one side. */
export function platformNames(side: "ci" | "tracker"): string[] {
  return [...definitions.values()].filter((d) => d[side]).map((d) => d.name);
}

/** The definition for one side of a config; {@linkcode ConfigError} when it cannot serve. */
export function definitionFor(name: string, side: "ci" | "tracker"): PlatformDefinition {
  const definition = definitions.get(name);
  const choices = platformNames(side);
  if (!definition) {
    throw new ConfigError(
      `unknown ${side} platform "${name}"${didYouMean(name, choices)}; valid: ${
        choices.join(", ")
      }`,
    );
  }
  if (!definition[side]) {
    const other = side === "ci" ? "tracker" : "ci";
    throw new ConfigError(
      `"${name}" is a ${other}-only platform and cannot be platform.${side}; valid: ${
        choices.join(", ")
      }`,
    );
  }
  return definition;
}

/**
 * Variable names whose values are secrets even when a definition forgets to
 * say so. A project key (`JIRA_PROJECT_KEY`) names a project, not a
 * credential: masking it would hide every issue key in the log.
 */
const SECRET_NAME = /_(TOKEN|PASSWORD|SECRET|KEY)$/;
const NOT_SECRET = /_PROJECT_KEY$/;

/** Whether a variable's name says it holds a secret (`GITHUB_TOKEN`, `X_APP_PASSWORD`). */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_NAME.test(upper) && !NOT_SECRET.test(upper);
}

/**
 * The variables of `definition` whose values are secrets: those it lists in
 * `secretEnv`, and every `env` entry named like one.
 */
export function secretVariables(definition: PlatformDefinition): string[] {
  const named = definition.env.filter(isSecretName);
  return [...new Set([...(definition.secretEnv ?? []), ...named])];
}

/**
 * A registry of every registered platform's secret values in `env`, not only
 * one platform's: a local tracker's file must not quote the GitHub token an
 * agent pasted into an artifact either. A variable the process may not read
 * is simply unset.
 */
export function knownSecrets(env: Env, also?: PlatformDefinition): SecretRegistry {
  const secrets = new SecretRegistry();
  for (const definition of [...(also ? [also] : []), ...definitions.values()]) {
    for (const name of secretVariables(definition)) secrets.add(env[name]);
  }
  return secrets;
}

/**
 * Fill in every default of an {@linkcode AdapterContext} for one platform.
 * Every secret variable of the definition is registered before the adapter
 * exists, so its value is masked even if the adapter never registers it.
 */
export function resolveContext(
  definition: PlatformDefinition,
  context: AdapterContext = {},
): ResolvedContext {
  const env = context.env ?? processEnv();
  const secrets = knownSecrets(env, definition);
  return {
    env,
    repoRoot: resolve(context.repoRoot ?? currentDir()),
    fetch: context.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    logger: redactingLogger(
      context.logger ?? console,
      definition.title ?? definition.name,
      secrets,
    ),
    secrets,
  };
}

function sideOf(config: PaceConfig | string, side: "ci" | "tracker"): string {
  if (typeof config === "string") return config;
  const name = config?.platform?.[side];
  if (typeof name !== "string") {
    throw new ConfigError(`config has no platform.${side}: pass the result of loadConfig()`);
  }
  return name;
}

/**
 * Build the CI adapter the config selects. Every method of the result
 * resolves, even for a third-party adapter that throws.
 *
 * @throws {ConfigError} when the platform is unknown or cannot serve as CI.
 *
 * @example Local CI, no credentials, no network
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter({ platform: { ci: "local", tracker: "local" } }, { repoRoot: "." });
 * const result = await ci.waitForCommitCi("0123abc");
 * console.log(result.conclusion); // "no_runs"
 * ```
 */
export function getCIAdapter(config: PaceConfig | string, context?: AdapterContext): CIAdapter {
  return buildAdapter(definitionFor(sideOf(config, "ci"), "ci"), "ci", context);
}

/**
 * Build the tracker adapter the config selects. Every method of the result
 * resolves, even for a third-party adapter that throws.
 *
 * @throws {ConfigError} when the platform is unknown or cannot serve as tracker.
 *
 * @example Local tracker
 * ```ts
 * import { getTrackerAdapter } from "@pace/platforms";
 * const tracker = getTrackerAdapter({ platform: { ci: "local", tracker: "local" } });
 * await tracker.pushAdvisoryItems(3, [], "SENTINEL"); // "" — nothing to file
 * ```
 */
export function getTrackerAdapter(
  config: PaceConfig | string,
  context?: AdapterContext,
): TrackerAdapter {
  return buildAdapter(definitionFor(sideOf(config, "tracker"), "tracker"), "tracker", context);
}

/**
 * Build the branching adapter for the config's CI platform: branches live
 * where the code and its CI live. A CI platform without branching of its own
 * (Jenkins, say) gets the local branching adapter, which only records.
 *
 * @throws {ConfigError} when the CI platform is unknown.
 *
 * @example Local branching: no remote, pull requests as files
 * ```ts
 * import { getBranchingAdapter } from "@pace/platforms";
 * const branching = getBranchingAdapter({ platform: { ci: "local", tracker: "local" } });
 * await branching.ensureHierarchy("v2.0", 1); // true
 * ```
 */
export function getBranchingAdapter(
  config: PaceConfig | string,
  context?: AdapterContext,
): BranchingAdapter {
  const definition = definitionFor(sideOf(config, "ci"), "ci");
  if (definition.branching) return buildAdapter(definition, "branching", context);
  resolveContext(definition, context).logger.info(
    "no branching of its own: the local branching adapter only records branches and pull requests",
  );
  return buildAdapter(definitions.get("local")!, "branching", context);
}

/**
 * What `definition.missing(env)` found, as one sentence: a bare variable name
 * reads "NAME is not set", a sentence stays as it is.
 */
export function describeProblems(problems: readonly string[]): string {
  return problems.map((p) => /^[A-Z][A-Z0-9_]*$/.test(p) ? `${p} is not set` : p).join("; ");
}

type Side = "ci" | "tracker" | "branching";
const OUTCOMES: Record<Side, Record<string, Outcome>> = {
  ci: CI_OUTCOMES,
  tracker: TRACKER_OUTCOMES,
  branching: BRANCHING_OUTCOMES,
};

/**
 * Build one side of `definition` behind the guard: every contract method
 * resolves, secrets are masked, impossible days are refused, and while the
 * definition reports missing settings every call resolves its empty value.
 * The factory and the contract test kit both build adapters here.
 */
export function buildAdapter<S extends Side>(
  definition: PlatformDefinition,
  side: S,
  context?: AdapterContext,
): S extends "ci" ? CIAdapter : S extends "tracker" ? TrackerAdapter : BranchingAdapter {
  const factory = definition[side];
  if (typeof factory !== "function") {
    throw new ConfigError(`"${definition.name}" has no ${side} adapter`);
  }
  const resolved = resolveContext(definition, context);
  const problems = definition.missing?.(resolved.env) ?? [];
  const unavailable = problems.length ? describeProblems(problems) : undefined;
  let adapter: object | Promise<object>;
  try {
    adapter = (factory as (c: ResolvedContext) => object | Promise<object>)(resolved);
  } catch (error) {
    adapter = Promise.reject(error);
  }
  const outcomes: Record<string, Outcome> = { ...OUTCOMES[side] };
  if (unavailable && outcomes.getVariable) {
    // Without credentials the environment still answers; the platform's store is not asked.
    outcomes.getVariable = {
      empty: (args: unknown[]) => typeof args[0] === "string" ? resolved.env[args[0]] : undefined,
    };
  }
  return guardAdapter({
    adapter,
    outcomes,
    known: { platform: definition.name },
    logger: resolved.logger,
    secrets: resolved.secrets,
    unavailable,
  }) as never;
}

/** The built-in platforms, registered exactly as a user's would be. */
const BUILTINS: readonly PlatformDefinition[] = [
  localPlatform,
  githubPlatform,
  gitlabPlatform,
  bitbucketPlatform,
  jenkinsPlatform,
  jiraPlatform,
  giteaPlatform,
  forgejoPlatform,
];

for (const definition of BUILTINS) {
  registerPlatform(definition);
  builtins.add(definition.name);
}
