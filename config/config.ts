/**
 * `pace.config.yaml`: parsing, validation and discovery. Only the `platform`
 * section is read; every other section belongs to the rest of PACE.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { processEnv } from "../platforms/_core/env.ts";
import { parseYaml, YamlSyntaxError } from "../platforms/_core/yaml.ts";
import { ConfigError, type ConfigErrorPosition, didYouMean } from "./errors.ts";
import { getPlatform, platformNames } from "../platforms/registry.ts";
import type { Env, PaceConfig } from "../platforms/types.ts";

/**
 * The config used when no file or no `platform` section is found.
 *
 * @example
 * ```ts
 * import { DEFAULT_PLATFORM } from "@pace/platforms";
 * console.log(DEFAULT_PLATFORM); // "local"
 * ```
 */
export const DEFAULT_PLATFORM = "local";

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

const SIDES = ["ci", "tracker"] as const;
const PLATFORM_KEYS = ["ci", "tracker", "type"];

/**
 * Find the line and column of `platform.<key>`'s value in block or flow YAML,
 * for error messages. Best effort: `undefined` when it cannot be found.
 */
function locate(text: string, key?: string): ConfigErrorPosition | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => /^platform\s*:/.test(line));
  if (start < 0) return undefined;
  if (!key) return { line: start + 1, column: 1 };
  const pattern = new RegExp(`(^|[\\s{,])${key}\\s*:\\s*`);
  for (let i = start; i < lines.length; i++) {
    if (i > start && /^\S/.test(lines[i]) && !lines[i].startsWith("#")) break;
    const line = i === start
      ? lines[i].replace(/^platform\s*:/, (m) => " ".repeat(m.length))
      : lines[i];
    const match = pattern.exec(line);
    if (match) return { line: i + 1, column: match.index + match[0].length + 1 };
  }
  return { line: start + 1, column: 1 };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 40)})`;
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Parse and validate the text of a `pace.config.yaml`.
 *
 * - no `platform` section (or empty text): `local` for both sides;
 * - legacy `platform.type: X` sets both; explicit `ci`/`tracker` win over it;
 * - names are case-insensitive and must be registered platforms that can
 *   serve that side.
 *
 * @param text The YAML text.
 * @param source The file name used in error messages.
 * @throws {ConfigError} naming the file, line and column, the bad value and
 * the valid choices.
 *
 * @example
 * ```ts
 * import { parseConfig } from "@pace/platforms";
 * const config = parseConfig("platform:\n  ci: github\n  tracker: jira\n");
 * console.log(config.platform); // { ci: "github", tracker: "jira" }
 * ```
 */
export function parseConfig(text: string, source?: string): PaceConfig {
  const label = source ?? "<config>";
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new ConfigError(`invalid YAML: ${error.message}`, label, error.position);
    }
    throw error;
  }
  const config = (ci: string, tracker: string): PaceConfig =>
    source === undefined ? { platform: { ci, tracker } } : { platform: { ci, tracker }, source };

  if (data === null || data === undefined) return config(DEFAULT_PLATFORM, DEFAULT_PLATFORM);
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError(
      `the top level must be a mapping with a "platform" section, got ${describe(data)}`,
      label,
      { line: 1, column: 1 },
    );
  }
  const platform = (data as Record<string, unknown>).platform;
  if (platform === null || platform === undefined) {
    return config(DEFAULT_PLATFORM, DEFAULT_PLATFORM);
  }
  if (typeof platform !== "object" || Array.isArray(platform)) {
    throw new ConfigError(
      `"platform" must be a mapping like "platform: { ci: github, tracker: jira }", got ${
        describe(platform)
      }`,
      label,
      locate(text),
    );
  }
  const section = platform as Record<string, unknown>;
  for (const key of Object.keys(section)) {
    if (PLATFORM_KEYS.includes(key)) continue;
    const hint = didYouMean(key, PLATFORM_KEYS);
    if (hint) {
      throw new ConfigError(
        `unknown key "platform.${key}"${hint}; valid keys: ${PLATFORM_KEYS.join(", ")}`,
        label,
        locate(text, key),
      );
    }
  }

  const name = (key: string): string | undefined => {
    const value = section[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || !value.trim()) {
      const choices = key === "type"
        ? [...new Set([...platformNames("ci"), ...platformNames("tracker")])]
        : platformNames(key as "ci" | "tracker");
      throw new ConfigError(
        `platform.${key} must be a platform name, got ${describe(value)}; valid: ${
          choices.join(", ")
        }`,
        label,
        locate(text, key),
      );
    }
    return value.trim().toLowerCase();
  };

  const legacy = name("type");
  const chosen = { ci: name("ci") ?? legacy, tracker: name("tracker") ?? legacy };
  for (const side of SIDES) {
    const value = chosen[side];
    if (value === undefined) continue;
    const key = section[side] !== undefined && section[side] !== null ? side : "type";
    const definition = getPlatform(value);
    const choices = platformNames(side);
    if (!definition) {
      const all = [...new Set([...platformNames("ci"), ...platformNames("tracker")])];
      throw new ConfigError(
        `unknown platform "${value}" for platform.${key}${
          didYouMean(value, all)
        }; valid ${side} platforms: ${choices.join(", ")}`,
        label,
        locate(text, key),
      );
    }
    if (!definition[side]) {
      const other = side === "ci" ? "tracker" : "CI";
      throw new ConfigError(
        `"${value}" is ${other}-only and cannot serve as platform.${side}${
          key === "type" ? ` (set by platform.type; add an explicit "${side}:" key)` : ""
        }; valid ${side} platforms: ${choices.join(", ")}`,
        label,
        locate(text, key),
      );
    }
  }
  return config(chosen.ci ?? DEFAULT_PLATFORM, chosen.tracker ?? DEFAULT_PLATFORM);
}

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
  /** Where `PACE_CONFIG` is read. Default: the process environment. */
  env?: Env;
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "file not found"
      : error instanceof Deno.errors.IsADirectory
      ? "is a directory"
      : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    throw new ConfigError(`config ${reason}`, path);
  }
}

/**
 * Load the config. With `path`, that file must exist and parse. Without,
 * discovery tries `PACE_CONFIG` (which must then exist), `./pace.config.yaml`,
 * `./pace/pace.config.yaml`, and falls back to `local` for both sides.
 *
 * @throws {ConfigError} for a missing or unreadable explicit path, or a bad file.
 *
 * @example
 * ```ts
 * import { loadConfig } from "@pace/platforms";
 * const config = await loadConfig(); // local/local when there is no file
 * console.log(config.platform.ci, config.source ?? "(built-in default)");
 * ```
 */
export async function loadConfig(
  path?: string,
  options: LoadConfigOptions = {},
): Promise<PaceConfig> {
  const cwd = options.cwd ?? ".";
  if (path !== undefined) {
    const file = resolve(cwd, path);
    return parseConfig(await readConfigFile(file), path);
  }
  const fromEnv = (options.env ?? processEnv()).PACE_CONFIG?.trim();
  if (fromEnv) return parseConfig(await readConfigFile(resolve(cwd, fromEnv)), fromEnv);
  for (const candidate of DISCOVERY_PATHS) {
    const file = join(cwd, candidate);
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
        continue;
      }
      throw new ConfigError(
        `config cannot be read (${error instanceof Error ? error.message : String(error)})`,
        candidate,
      );
    }
    return parseConfig(text, candidate);
  }
  return { platform: { ci: DEFAULT_PLATFORM, tracker: DEFAULT_PLATFORM } };
}
