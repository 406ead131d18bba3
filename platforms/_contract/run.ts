/**
 * One run of the contract kit: the platform under test, the sample `.pace/`
 * it works on, the log it writes to, the requests it sends, and the one way
 * the kit builds an adapter (through the registry's guard, as the factory
 * does).
 *
 * @module
 */

import { join } from "../_core/paths.ts";
import { buildAdapter } from "../registry.ts";
import type {
  AdapterContext,
  BranchingAdapter,
  CIAdapter,
  Env,
  Logger,
  PlatformDefinition,
  TrackerAdapter,
} from "../types.ts";
import { type SeenRequest, Traffic } from "./traffic.ts";

/** The three sides a definition may build. */
export type Side = "ci" | "tracker" | "branching";

/** The adapter type of a side. */
export type AdapterOf<S extends Side> = S extends "ci" ? CIAdapter
  : S extends "tracker" ? TrackerAdapter
  : BranchingAdapter;

/** Runs one named check; resolves `false` when it failed (as `Deno.TestContext.step`). */
export type Step = (name: string, fn: () => void | Promise<void>) => Promise<boolean>;

/** A logger that keeps its lines. */
export interface KitLogger extends Logger {
  /** Every line so far, as `level: text`. */
  readonly lines: string[];
  /** All lines joined with newlines. */
  text(): string;
}

/** What a run is made from. */
export interface RunInput {
  definition: PlatformDefinition;
  repoRoot: string;
  paceDir: string;
  logger: KitLogger;
  /** The fixture's environment. */
  env?: Env;
  /** The fixture's fetch, when it needs its own. */
  fetch?: typeof fetch;
  /** The fixture server's own request count. */
  serverRequests?: () => number;
  /** Values that must never leak. */
  secrets?: readonly string[];
  prepareReview?: (day: number) => void | Promise<void>;
  prepareBranches?: () => void | Promise<void>;
}

/** How {@linkcode KitRun.build} may differ from the run's own context. */
export interface BuildOverrides {
  /** Another definition (a wrapper around the one under test). */
  definition?: PlatformDefinition;
  env?: Env;
  fetch?: typeof fetch;
}

/** The state the kit's steps share. */
export interface KitRun extends RunInput {
  /** The environment every adapter gets: the fixture's plus a variable the kit reads back. */
  readonly env: Env;
  /** Requests sent through the fetch the kit hands to adapters. */
  readonly traffic: Traffic;
  /** Every value a method resolved with, checked for secrets at the end. */
  readonly results: unknown[];
  /** `repoRoot`'s `.pace/day-N`. */
  dayDir(day: number): string;
  /** A number that grows with every request, seen by the kit or by the fixture's server. */
  requests(): number;
  /** The side's adapter, built through the guard; `undefined` when the definition has none. */
  build<S extends Side>(side: S, overrides?: BuildOverrides): AdapterOf<S> | undefined;
  /** Remember a result for the final secret check, and return it. */
  keep<T>(value: T): T;
  /** A run on another sample `.pace/`, with its own traffic, sharing the log and results. */
  fork(repoRoot: string, paceDir: string): KitRun;
  /** Whether the definition builds this side. */
  has(side: Side): boolean;
}

/** A variable the kit puts in the environment and expects `getVariable` to return. */
export const KIT_VARIABLE = { name: "PACE_CONTRACT_VAR", value: "from-env" } as const;

/** Set up the shared state of one run. */
export function createRun(input: RunInput, results: unknown[] = []): KitRun {
  const traffic = new Traffic();
  const env: Env = { ...input.env, [KIT_VARIABLE.name]: KIT_VARIABLE.value };
  return {
    ...input,
    env,
    traffic,
    results,
    dayDir: (day) => join(input.paceDir, `day-${day}`),
    requests: () => traffic.count + (input.serverRequests?.() ?? 0),
    build<S extends Side>(side: S, overrides: BuildOverrides = {}) {
      const definition = overrides.definition ?? input.definition;
      if (typeof definition[side] !== "function") return undefined;
      const context: AdapterContext = {
        env: overrides.env ?? env,
        repoRoot: input.repoRoot,
        fetch: overrides.fetch ?? traffic.recording(input.fetch),
        logger: input.logger,
      };
      return buildAdapter(definition, side, context) as AdapterOf<S>;
    },
    keep<T>(value: T): T {
      results.push(value);
      return value;
    },
    fork: (repoRoot, paceDir) => createRun({ ...input, repoRoot, paceDir }, results),
    has: (side) => typeof input.definition[side] === "function",
  };
}

/** Every file under `dir`, recursively; none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) out.push(...await filesUnder(path));
      else if (entry.isFile) out.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

/** What one call did, as the kit can see it. */
export interface Observed<T> {
  /** What it resolved with. */
  value: T;
  /** Its write requests (anything but GET, HEAD, OPTIONS). */
  writes: SeenRequest[];
  /** How many requests it sent (as the kit and the fixture's server count them). */
  requests: number;
  /** Files it created under `.pace/`. */
  newFiles: string[];
  /** How many log lines it wrote. */
  lines: number;
}

/** Run `fn` and report its requests, new files under `.pace/` and log lines. */
export async function observe<T>(run: KitRun, fn: () => Promise<T>): Promise<Observed<T>> {
  const sent = run.traffic.count;
  const requests = run.requests();
  const lines = run.logger.lines.length;
  const files = new Set(await filesUnder(run.paceDir));
  const value = await fn();
  return {
    value,
    writes: run.traffic.writesSince(sent),
    requests: run.requests() - requests,
    newFiles: (await filesUnder(run.paceDir)).filter((file) => !files.has(file)),
    lines: run.logger.lines.length - lines,
  };
}
