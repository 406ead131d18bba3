/**
 * Which config file is in use: an explicit path, else `PACE_CONFIG`, else
 * `./pace.config.yaml`, else `./pace/pace.config.yaml`, else none.
 *
 * @module
 */

import { join, resolve } from "../platforms/_core/paths.ts";
import { processEnv } from "../platforms/_core/env.ts";
import type { Env } from "../platforms/types.ts";
import { ConfigError } from "./errors.ts";
import { type ConfigDocument, parseConfigDocument } from "./document.ts";

/**
 * Where the CLI looks, in order, after `--config` and `PACE_CONFIG`.
 *
 * @example
 * ```ts
 * import { DISCOVERY_PATHS } from "@pace/platforms";
 * console.log(DISCOVERY_PATHS.join(", ")); // pace.config.yaml, pace/pace.config.yaml
 * ```
 */
export const DISCOVERY_PATHS: readonly string[] = ["pace.config.yaml", "pace/pace.config.yaml"];

/**
 * Options of {@linkcode loadConfig} discovery, for tests and embedding.
 *
 * @example
 * ```ts
 * import { loadConfig } from "@pace/platforms";
 * const config = await loadConfig(undefined, { cwd: ".", env: {} });
 * ```
 */
export interface LoadConfigOptions {
  /** Where discovery looks. Default: the current directory. */
  cwd?: string;
  /** Where `PACE_CONFIG` is read (the only variable read). Default: the process environment. */
  env?: Env;
}

function unreadable(error: unknown): string {
  return `cannot be read (${error instanceof Error ? error.message : String(error)})`;
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "file not found"
      : error instanceof Deno.errors.IsADirectory
      ? "is a directory"
      : unreadable(error);
    throw new ConfigError(`config ${reason}`, path);
  }
}

/**
 * Find and parse the config file, without interpreting its sections. With
 * `path`, that file must exist and parse. Without, discovery tries
 * `PACE_CONFIG` (which must then exist), `./pace.config.yaml` and
 * `./pace/pace.config.yaml`; when none exists the document is empty
 * (`data` undefined, no `source`).
 *
 * @throws {ConfigError} for a missing or unreadable explicit path, invalid
 * YAML or a duplicate key.
 *
 * @example
 * ```ts
 * import { loadConfigDocument, resolveRelease } from "@pace/platforms";
 * const document = await loadConfigDocument();
 * try {
 *   console.log(resolveRelease(document, {}, { day: 9 }));
 * } catch (error) {
 *   console.error((error as Error).message); // e.g. no release to build
 * }
 * ```
 */
export async function loadConfigDocument(
  path?: string,
  options: LoadConfigOptions = {},
): Promise<ConfigDocument> {
  const cwd = options.cwd ?? ".";
  if (path !== undefined) {
    return parseConfigDocument(await readConfigFile(resolve(cwd, path)), path);
  }
  const fromEnv = (options.env ?? processEnv()).PACE_CONFIG?.trim();
  if (fromEnv) return parseConfigDocument(await readConfigFile(resolve(cwd, fromEnv)), fromEnv);
  for (const candidate of DISCOVERY_PATHS) {
    let text: string;
    try {
      text = await Deno.readTextFile(join(cwd, candidate));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
        continue;
      }
      throw new ConfigError(`config ${unreadable(error)}`, candidate);
    }
    return parseConfigDocument(text, candidate);
  }
  return { data: undefined };
}
