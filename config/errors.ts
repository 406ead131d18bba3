/**
 * The errors this package throws. Adapters never throw; only configuration
 * and the factory do, with a message that says what to change.
 *
 * @module
 */

/**
 * Where in a config file a problem sits, 1-based.
 *
 * @example
 * ```ts
 * import { ConfigError } from "@pace/platforms";
 * const error = new ConfigError("bad value", "pace.config.yaml", { line: 3, column: 7 });
 * console.log(error.position?.line); // 3
 * ```
 */
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

/** Edit distance where swapping two adjacent letters counts as one edit (`jria` → `jira`). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
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
