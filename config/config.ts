/**
 * `pace.config.yaml`'s `platform` section: which platform serves CI and
 * which the tracker. Every other section belongs to the rest of PACE and is
 * not validated here.
 *
 * @module
 */

import { ConfigError, didYouMean } from "./errors.ts";
import { type ConfigDocument, parseConfigDocument } from "./document.ts";
import { loadConfigDocument, type LoadConfigOptions } from "./discover.ts";
import { describe, isMapping, locate } from "./_values.ts";
import { getPlatform, platformNames } from "../platforms/registry.ts";
import type { PaceConfig } from "../platforms/types.ts";

export { DISCOVERY_PATHS, type LoadConfigOptions } from "./discover.ts";

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

const SIDES = ["ci", "tracker"] as const;
const PLATFORM_KEYS = ["ci", "tracker", "type"];

/**
 * Read the `platform` section of a parsed config file.
 *
 * - no `platform` section (or an empty document): `local` for both sides —
 *   unless a top-level key is a typo away from `platform` (`platfrom:`,
 *   `Platform:`), which is an error rather than a silent fallback;
 * - legacy `platform.type: X` sets both; explicit `ci`/`tracker` win over it;
 * - `ci`, `tracker` and `type` are the only keys of the section;
 * - names are case-insensitive and must be registered platforms that can
 *   serve that side.
 *
 * @throws {ConfigError} naming the file, line and column, the bad key or
 * value and the valid choices.
 *
 * @example
 * ```ts
 * import { configFromDocument, loadConfigDocument } from "@pace/platforms";
 * const document = await loadConfigDocument();
 * const config = configFromDocument(document); // the same as `await loadConfig()`
 * console.log(config.platform.ci);
 * ```
 */
export function configFromDocument(document: ConfigDocument): PaceConfig {
  const { data, source, text } = document;
  const label = source ?? "<config>";
  const config = (ci: string, tracker: string): PaceConfig =>
    source === undefined ? { platform: { ci, tracker } } : { platform: { ci, tracker }, source };

  if (data === null || data === undefined) return config(DEFAULT_PLATFORM, DEFAULT_PLATFORM);
  if (!isMapping(data)) {
    throw new ConfigError(
      `the top level must be a mapping with a "platform" section, got ${describe(data)}`,
      label,
      { line: 1, column: 1 },
    );
  }
  if (!Object.hasOwn(data, "platform")) {
    for (const key of Object.keys(data)) {
      const hint = didYouMean(key, ["platform"]);
      if (!hint) continue;
      throw new ConfigError(
        `unknown top-level key ${JSON.stringify(key)}${hint}; without a "platform" section ` +
          `both sides would silently run ${DEFAULT_PLATFORM}`,
        label,
        locate(text, [key]),
      );
    }
  }
  const platform = data.platform;
  if (platform === null || platform === undefined) {
    return config(DEFAULT_PLATFORM, DEFAULT_PLATFORM);
  }
  if (!isMapping(platform)) {
    throw new ConfigError(
      `"platform" must be a mapping like "platform: { ci: github, tracker: jira }", got ${
        describe(platform)
      }; valid keys: ${PLATFORM_KEYS.join(", ")}`,
      label,
      locate(text, ["platform"]),
    );
  }
  for (const key of Object.keys(platform)) {
    if (PLATFORM_KEYS.includes(key)) continue;
    throw new ConfigError(
      `unknown key ${JSON.stringify(`platform.${key}`)}${
        didYouMean(key, PLATFORM_KEYS)
      }; valid keys: ${PLATFORM_KEYS.join(", ")}`,
      label,
      locate(text, ["platform", key]),
    );
  }

  const allNames = () => [...new Set([...platformNames("ci"), ...platformNames("tracker")])];
  const name = (key: string): string | undefined => {
    const value = platform[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || !value.trim()) {
      const choices = key === "type" ? allNames() : platformNames(key as "ci" | "tracker");
      throw new ConfigError(
        `platform.${key} must be a platform name, got ${describe(value)}; valid: ${
          choices.join(", ")
        }`,
        label,
        locate(text, ["platform", key], "value"),
      );
    }
    return value.trim().toLowerCase();
  };

  const legacy = name("type");
  const chosen = { ci: name("ci") ?? legacy, tracker: name("tracker") ?? legacy };
  for (const side of SIDES) {
    const value = chosen[side];
    if (value === undefined) continue;
    const key = platform[side] !== undefined && platform[side] !== null ? side : "type";
    const definition = getPlatform(value);
    const choices = platformNames(side);
    if (!definition) {
      throw new ConfigError(
        `unknown platform ${JSON.stringify(value)} for platform.${key}${
          didYouMean(value, allNames())
        }; valid ${side} platforms: ${choices.join(", ")}`,
        label,
        locate(text, ["platform", key], "value"),
      );
    }
    if (!definition[side]) {
      const other = side === "ci" ? "tracker" : "CI";
      throw new ConfigError(
        `${JSON.stringify(value)} is ${other}-only and cannot serve as platform.${side}${
          key === "type" ? ` (set by platform.type; add an explicit "${side}:" key)` : ""
        }; valid ${side} platforms: ${choices.join(", ")}`,
        label,
        locate(text, ["platform", key], "value"),
      );
    }
  }
  return config(chosen.ci ?? DEFAULT_PLATFORM, chosen.tracker ?? DEFAULT_PLATFORM);
}

/**
 * Parse and validate the text of a `pace.config.yaml` (see
 * {@linkcode configFromDocument} for the rules). Invalid YAML and a key that
 * appears twice anywhere in the file are errors too.
 *
 * @param text The YAML text.
 * @param source The file name used in error messages.
 * @throws {ConfigError} naming the file, line and column, the bad key or
 * value and the valid choices.
 *
 * @example
 * ```ts
 * import { parseConfig } from "@pace/platforms";
 * const config = parseConfig("platform:\n  ci: github\n  tracker: jira\n");
 * console.log(config.platform); // { ci: "github", tracker: "jira" }
 * ```
 */
export function parseConfig(text: string, source?: string): PaceConfig {
  return configFromDocument(parseConfigDocument(text, source));
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
  return configFromDocument(await loadConfigDocument(path, options));
}
