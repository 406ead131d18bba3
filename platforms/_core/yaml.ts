/**
 * The one YAML dependency. Every module parses YAML through here, so the swap
 * to `@std/yaml` (unreachable today: JSR is not available on our build
 * machines) is a change to this file alone.
 *
 * `js-yaml` is used rather than the `yaml` package because it reads no
 * environment variables while parsing, so it works under the narrow
 * `--allow-env=…` list that `pace permissions` prints.
 *
 * The specifier is a full `npm:` one, not an import-map name, so the package
 * works when imported by path or URL from a project without this import map.
 *
 * @module
 */

// @ts-types="npm:@types/js-yaml@4.0.9"
import yaml from "npm:js-yaml@4.3.2";

/** Where a YAML syntax error sits, 1-based. */
export interface YamlErrorPosition {
  line: number;
  column: number;
  reason: string;
}

/** Thrown by {@linkcode parseYaml} for text that is not valid YAML. */
export class YamlSyntaxError extends Error {
  /** 1-based position of the problem, when the parser knows it. */
  readonly position: YamlErrorPosition | undefined;
  constructor(message: string, position?: YamlErrorPosition) {
    super(message);
    this.name = "YamlSyntaxError";
    this.position = position;
  }
}

/**
 * Parse YAML text with the JSON-compatible core schema (no custom tags, no
 * functions), so artifact files can never instantiate anything.
 */
export function parseYaml(text: string): unknown {
  try {
    return yaml.load(text, { schema: yaml.CORE_SCHEMA, json: true });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = (error as { mark?: { line: number; column: number } }).mark;
      const reason = (error as { reason?: string }).reason ?? error.message;
      throw new YamlSyntaxError(
        reason,
        mark ? { line: mark.line + 1, column: mark.column + 1, reason } : undefined,
      );
    }
    throw error;
  }
}

/** Serialise a plain value as block-style YAML. */
export function stringifyYaml(value: unknown): string {
  return yaml.dump(value, { schema: yaml.CORE_SCHEMA, lineWidth: -1, noRefs: true });
}
