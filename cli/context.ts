/**
 * The shape of a command and what it runs with: the parsed line, the config,
 * the adapters of the configured platforms, and where to print.
 *
 * @module
 */

import { resolve } from "../platforms/_core/paths.ts";
import {
  describeProblems,
  getCIAdapter,
  getPlatform,
  getTrackerAdapter,
} from "../platforms/registry.ts";
import { dayDir as dayDirOf, paceDirOf } from "../platforms/_pace/names.ts";
import type {
  AdapterContext,
  CIAdapter,
  Env,
  PaceConfig,
  TrackerAdapter,
} from "../platforms/types.ts";
import { type OptionSpec, type OptionValues, UsageError } from "./args.ts";
import type { CliLogger, Output } from "./output.ts";

/** One command, e.g. `ci wait`. */
export interface Command {
  /** The synopsis, e.g. `pace ci wait SHA [--timeout-minutes N]`. */
  usage: string;
  /** One line for `--help`. */
  summary: string;
  /** The options it takes besides the global ones. */
  options?: Readonly<Record<string, OptionSpec>>;
  /** How many positional arguments it takes. */
  positionals: number;
  /** Leave out the note about broader access than needed (the command that prints the flags). */
  showsPermissions?: boolean;
  /** Do it; resolves to the exit code. Throws {@linkcode UsageError} for a bad argument. */
  run(ctx: RunContext): Promise<number>;
}

/**
 * A command group: `pace ci …`, `pace tracker …`; a group without a name holds
 * stand-alone commands (`pace check`).
 */
export interface CommandGroup {
  /** The first word on the line, or absent for stand-alone commands. */
  name?: string;
  /** Its commands, by the word that selects them. */
  commands: Readonly<Record<string, Command>>;
}

/** The side of the config a command works on. */
export type Side = "ci" | "tracker";

/** Everything a command runs with. */
export interface RunContext extends Output {
  /** The command's positional arguments. */
  args: string[];
  values: OptionValues;
  config: PaceConfig;
  env: Env;
  cwd: string;
  /** Absolute; holds `.pace/`. */
  repoRoot: string;
  /** Whether `--repo-root` was given. */
  explicitRoot: boolean;
  logger: CliLogger;
  /** The adapter context, without any check (for `pace check`). */
  context: AdapterContext;
}

/**
 * The adapter context for one side, once its platform's required settings
 * are known to be there: a platform without its credentials is a setup
 * mistake (exit 2), found before any request.
 */
export function platformContext(ctx: RunContext, side: Side): AdapterContext {
  const name = ctx.config.platform[side];
  const missing = getPlatform(name)?.missing?.(ctx.env) ?? [];
  if (missing.length) {
    throw new UsageError(
      `${name} (platform.${side}) cannot be used: ${
        describeProblems(missing)
      }; \`pace check\` shows what is missing`,
    );
  }
  return ctx.context;
}

/** The CI adapter of the config. */
export function ciAdapter(ctx: RunContext): CIAdapter {
  return getCIAdapter(ctx.config, platformContext(ctx, "ci"));
}

/** The tracker adapter of the config. */
export function trackerAdapter(ctx: RunContext): TrackerAdapter {
  return getTrackerAdapter(ctx.config, platformContext(ctx, "tracker"));
}

/** `.pace/day-N` of the repository. */
export function dayDir(ctx: RunContext, day: number): string {
  return dayDirOf(paceDirOf(ctx.repoRoot), day);
}

/** A path on the command line, resolved against the working directory. */
export function pathArgument(ctx: RunContext, path: string): string {
  return resolve(ctx.cwd, path);
}

/** The text of a FILE argument, or all of standard input for `-`. */
export async function readInput(ctx: RunContext, path: string): Promise<string> {
  if (path === "-") {
    if (!ctx.io.readStdin) throw new UsageError("no standard input available for -");
    return await ctx.io.readStdin();
  }
  try {
    return await Deno.readTextFile(pathArgument(ctx, path));
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : error}`);
  }
}
