/**
 * A `pace.config.yaml` as parsed YAML, before any section is interpreted.
 * The `platform` section is read by {@linkcode parseConfig}; PACE's own
 * sections (`releases`, `release`, …) are read from here by whoever needs them.
 *
 * @module
 */

import { parseYaml, YamlSyntaxError } from "../platforms/_core/yaml.ts";
import { ConfigError } from "./errors.ts";
import { scanKeys } from "./_keys.ts";
import { formatPath } from "./_values.ts";

/**
 * The parsed YAML of a config file, with where it came from.
 *
 * @example
 * ```ts
 * import { type ConfigDocument, parseConfigDocument } from "@pace/platforms";
 * const document: ConfigDocument = parseConfigDocument("release:\n  name: r1\n");
 * console.log(document.data); // { release: { name: "r1" } }
 * ```
 */
export interface ConfigDocument {
  /** The parsed YAML; `undefined` or `null` when there is no file or it is empty. */
  readonly data: unknown;
  /** The file it was read from, when it came from a file. */
  readonly source?: string;
  /** Its text, for the line and column of an error. */
  readonly text?: string;
}

/**
 * Parse the text of a config file. Invalid YAML and a key that appears twice
 * in one mapping (anywhere in the file: YAML would silently keep the last)
 * are errors; the sections themselves are not interpreted.
 *
 * @param text The YAML text.
 * @param source The file name used in error messages and kept on the result.
 * @throws {ConfigError} naming the file, line and column.
 *
 * @example
 * ```ts
 * import { parseConfigDocument } from "@pace/platforms";
 * const document = parseConfigDocument("platform:\n  ci: github\n", "pace.config.yaml");
 * console.log(document.source); // "pace.config.yaml"
 * ```
 */
export function parseConfigDocument(text: string, source?: string): ConfigDocument {
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
  const [duplicate] = scanKeys(text).duplicates;
  if (duplicate) {
    const { site, first } = duplicate;
    throw new ConfigError(
      `duplicate key ${JSON.stringify(formatPath(site.path))} (first at line ${first.key.line}, ` +
        `column ${first.key.column}): YAML would silently keep only the last one; remove one`,
      label,
      site.key,
    );
  }
  return source === undefined ? { data, text } : { data, source, text };
}
