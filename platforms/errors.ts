/**
 * The errors this package throws. Adapters never throw; only configuration
 * and the factory do, with a message that says what to change.
 *
 * @module
 */

/** Where in a config file a problem sits, 1-based. */
export interface ConfigErrorPosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/**
 * A bad `pace.config.yaml`, a missing or unreadable explicit config path, or
 * an unknown platform. The message names the file, line and column, the bad
 * value and the valid choices.
 *
 * @example
 * ```ts
 * import { ConfigError, parseConfig } from "@pace/platforms";
 * try {
 *   parseConfig("platform:\n  ci: githbu\n", "pace.config.yaml");
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.message);
 * }
 * ```
 */
export class ConfigError extends Error {
  /** The file the problem is in, when there is one. */
  readonly source: string | undefined;
  /** Where in that file, when known. */
  readonly position: ConfigErrorPosition | undefined;

  /** `message` is prefixed with `source:line:column: ` when they are known. */
  constructor(message: string, source?: string, position?: ConfigErrorPosition) {
    const where = source
      ? `${source}${position ? `:${position.line}:${position.column}` : ""}: `
      : "";
    super(`${where}${message}`);
    this.name = "ConfigError";
    this.source = source;
    this.position = position;
  }
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** ` (did you mean "github"?)` for a near miss among `choices`, else `""`. */
export function didYouMean(value: string, choices: readonly string[]): string {
  const lower = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const choice of choices) {
    const d = distance(lower, choice.toLowerCase());
    if (d < bestDistance) {
      best = choice;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.min(2, Math.floor(lower.length / 3)));
  return best !== undefined && bestDistance <= tolerance ? ` (did you mean "${best}"?)` : "";
}
