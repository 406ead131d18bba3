/**
 * The command line: option specs, parsing, and the checks that turn an
 * argument that cannot be right into a usage error (exit 2) before anything
 * is read from or sent to a platform.
 *
 * @module
 */

import {
  MAX_TIMEOUT_MINUTES,
  MIN_POLL_SECONDS,
  SHA_PATTERN,
} from "../platforms/_core/wait_limits.ts";
import { MAX_DAY } from "../platforms/_outcomes.ts";

/** A mistake on the command line or in the setup: exit 2, one line on stderr. */
export class UsageError extends Error {}

/** One `--option`. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** May be given more than once (`--label a --label b`). */
  multiple?: boolean;
  /** One line for `--help`. */
  help: string;
}

/** Parsed option values: a string, a flag, or every value of a repeatable option. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Options every command takes, anywhere on the line. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: { type: "string", help: "config file (default: $PACE_CONFIG, ./pace.config.yaml)" },
  "repo-root": { type: "string", help: "repository root holding .pace/ (default: cwd)" },
  json: { type: "boolean", help: "print one JSON object on stdout" },
  verbose: { type: "boolean", help: "also print debug lines" },
  help: { type: "boolean", short: "h", help: "show help" },
  version: { type: "boolean", help: "print the version of pace" },
};

export { MAX_TIMEOUT_MINUTES, MIN_POLL_SECONDS };
export { MAX_DAY };

/** `--day N`, shared by most commands. */
export const DAY_OPTION: OptionSpec = {
  type: "string",
  help: `day number (1 to ${MAX_DAY})`,
};

/** The command line split into options and positionals. */
export interface CommandLine {
  values: OptionValues;
  positionals: string[];
}

/**
 * Parse `args` against the global options and every command's options
 * (a global option may stand anywhere, so all are known up front). Strict:
 * an unknown option, a flag given a value, or an option without its value is
 * a usage error. `--` ends the options. Written here rather than taken from
 * `node:util`: any `node:` import starts Deno's Node layer, which a CLI run
 * would pay for at every start.
 */
export function parseCommandLine(
  args: string[],
  specs: Record<string, OptionSpec>,
): CommandLine {
  const values: OptionValues = {};
  const positionals: string[] = [];
  const byShort = new Map(
    Object.entries(specs).filter(([, spec]) => spec.short).map((
      [name, spec],
    ) => [spec.short, name]),
  );
  const set = (name: string, value: string | boolean) => {
    const spec = specs[name];
    if (spec.multiple) {
      const list = values[name];
      values[name] = [...(Array.isArray(list) ? list : []), String(value)];
    } else values[name] = value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const equals = long ? arg.indexOf("=") : -1;
    const names = long
      ? [arg.slice(2, equals === -1 ? undefined : equals)]
      : [...arg.slice(1)].map((letter) => byShort.get(letter) ?? `-${letter}`);
    for (const [index, name] of names.entries()) {
      const shown = long ? `--${name}` : name.startsWith("-") ? name : `-${specs[name]?.short}`;
      if (!Object.hasOwn(specs, name)) {
        throw new UsageError(
          `unknown option ${
            quoted(shown)
          }: see pace --help (a value starting with "-" goes after "--")`,
        );
      }
      if (specs[name].type === "boolean") {
        if (equals !== -1) throw new UsageError(`option --${name} takes no value`);
        set(name, true);
        continue;
      }
      if (equals !== -1) {
        set(name, arg.slice(equals + 1));
      } else if (index < names.length - 1) {
        // `-cVALUE`: the rest of the group is the value.
        set(name, arg.slice(2 + index));
        break;
      } else {
        const value = args[i + 1];
        if (value === undefined) throw new UsageError(`option ${shown} needs a value`);
        if (value.startsWith("-") && value !== "-") {
          throw new UsageError(
            `option ${shown} needs a value; one starting with "-" is given as ${shown}=${value}`,
          );
        }
        set(name, value);
        i++;
      }
    }
  }
  return { values, positionals };
}

/** Quote a user's value for a one-line message, cut short if it is long. */
export function quoted(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** A string option's value, `undefined` when absent. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** A string option that must be given and not be blank. */
export function requiredOption(values: OptionValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value.trim() === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** A whole number from 1 to `max`, or a usage error naming `label`. */
export function positiveInteger(raw: string, label: string, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new UsageError(`${label} must be a whole number ≥ 1, got ${quoted(raw)}`);
  }
  // Compared as a number only when short enough to be exact.
  if (raw.replace(/^0+/, "").length > String(max).length || Number(raw) > max) {
    throw new UsageError(`${label} must be at most ${max}, got ${quoted(raw)}`);
  }
  return Number(raw);
}

/** `--day N`: required, a whole number from 1 to {@linkcode MAX_DAY}. */
export function dayOption(values: OptionValues): number {
  const raw = values.day;
  if (raw === undefined) throw new UsageError("--day is required");
  return positiveInteger(String(raw), "--day", MAX_DAY);
}

/** Bounds of a numeric option. */
export interface NumberBounds {
  min?: number;
  max?: number;
  /** Why the bounds are what they are, for the message. */
  unit?: string;
}

/**
 * A decimal option (fractions allowed, as `WaitOptions` takes them), or
 * `undefined` when absent. Negative, non-decimal and out-of-bounds values are
 * usage errors.
 */
export function numberOption(
  values: OptionValues,
  name: string,
  bounds: NumberBounds = {},
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) {
    throw new UsageError(`--${name} must be a number ≥ 0, got ${quoted(raw)}`);
  }
  const value = Number(text);
  const unit = bounds.unit ? ` ${bounds.unit}` : "";
  if (bounds.max !== undefined && value > bounds.max) {
    throw new UsageError(`--${name} must be at most ${bounds.max}${unit}, got ${quoted(raw)}`);
  }
  if (bounds.min !== undefined && value < bounds.min) {
    throw new UsageError(`--${name} must be at least ${bounds.min}${unit}, got ${quoted(raw)}`);
  }
  return value;
}

/** A commit SHA argument: 7 to 40 hexadecimal characters. */
export function shaArgument(raw: string): string {
  if (!SHA_PATTERN.test(raw)) {
    throw new UsageError(
      `SHA must be 7 to 40 hexadecimal characters (a commit id), got ${quoted(raw)}`,
    );
  }
  return raw;
}
