/**
 * What the `pace` command prints and how it ends: exit codes, `--json`, the
 * stderr logger (with the CI's log conventions), and the rule that an
 * operation which did not take effect never exits 0.
 *
 * @module
 */

import { formatArgs } from "../platforms/_core/secrets.ts";
import { getPlatform, listPlatforms, secretVariables } from "../platforms/registry.ts";
import type { CiConclusion, Env, LogConventions, Logger, PaceConfig } from "../platforms/types.ts";

/**
 * Exit codes of the `pace` command.
 *
 * @example
 * ```ts
 * import { EXIT } from "@pace/platforms/cli";
 * console.log(EXIT.timeout); // 5
 * ```
 */
export const EXIT: {
  readonly ok: 0;
  readonly failed: 1;
  readonly usage: 2;
  readonly cancelled: 3;
  readonly noRuns: 4;
  readonly timeout: 5;
} = { ok: 0, failed: 1, usage: 2, cancelled: 3, noRuns: 4, timeout: 5 };

/** The exit code of each way a `ci wait` can end. */
export const CONCLUSION_EXIT: Readonly<Record<CiConclusion, number>> = {
  success: EXIT.ok,
  failure: EXIT.failed,
  cancelled: EXIT.cancelled,
  no_runs: EXIT.noRuns,
  timeout: EXIT.timeout,
};

/**
 * Where the CLI reads and writes; injected in tests.
 *
 * @example
 * ```ts
 * import { type CliIo, main } from "@pace/platforms/cli";
 * const lines: string[] = [];
 * const io: CliIo = { stdout: (t) => lines.push(t), stderr: () => {}, env: {} };
 * const code = await main(["permissions"], io);
 * ```
 */
export interface CliIo {
  /** One line (or block) of result output. */
  stdout(text: string): void;
  /** Diagnostics, progress and logs. */
  stderr(text: string): void;
  /** Environment lookup. Default: the process environment, permission-aware. */
  env?: Env;
  /** Working directory for config discovery and relative paths. Default: cwd. */
  cwd?: string;
  /** Reads all of standard input (for `-` arguments). */
  readStdin?: () => Promise<string>;
  /** Base fetch for adapters (tests). */
  fetch?: typeof fetch;
  /** Cancels a running `ci wait` (default: SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

/** Where a command's result goes. */
export interface Output {
  io: CliIo;
  /** `--json`: exactly one JSON object on stdout. */
  json: boolean;
  /** The CI's log conventions when running inside one. */
  conventions: LogConventions | undefined;
}

/** Print the result: `text` normally, `object` as one JSON line with `--json`. */
export function emit(out: Output, text: string, object: Record<string, unknown>): void {
  out.io.stdout(out.json ? JSON.stringify(object) : text);
}

/** The log conventions of the CI this process runs in (GitHub Actions, GitLab CI), if any. */
export function conventionsFor(env: Env): LogConventions | undefined {
  for (const { name } of listPlatforms()) {
    const conventions = getPlatform(name)?.logConventions?.(env);
    if (conventions) return conventions;
  }
  return undefined;
}

/** Ask the CI to mask every secret value the configured platforms read, before anything else. */
export function maskSecrets(io: CliIo, env: Env, config: PaceConfig, conventions: LogConventions) {
  const values = new Set<string>();
  for (const name of new Set([config.platform.ci, config.platform.tracker])) {
    const definition = getPlatform(name);
    for (const variable of definition ? secretVariables(definition) : []) {
      const value = env[variable];
      if (value && value.length >= 4) values.add(value);
    }
  }
  for (const value of values) {
    const line = conventions.mask(value);
    if (line) io.stderr(line);
  }
}

/** A point in the log; see {@linkcode CliLogger.since}. */
export interface LogMark {
  errors: number;
  warnings: number;
}

/**
 * The logger adapters write through (after their own prefixing and
 * redaction): every line to stderr, errors as the CI's annotations, and the
 * last warning and error remembered, so a failed operation can say why.
 */
export class CliLogger implements Logger {
  #io: CliIo;
  #verbose: boolean;
  #conventions: LogConventions | undefined;
  #errors = 0;
  #warnings = 0;
  #lastError = "";
  #lastWarning = "";

  constructor(io: CliIo, verbose: boolean, conventions: LogConventions | undefined) {
    this.#io = io;
    this.#verbose = verbose;
    this.#conventions = conventions;
  }

  debug(...args: unknown[]): void {
    if (this.#verbose) this.#io.stderr(formatArgs(args));
  }

  info(...args: unknown[]): void {
    this.#io.stderr(formatArgs(args));
  }

  warn(...args: unknown[]): void {
    const line = formatArgs(args);
    this.#warnings++;
    this.#lastWarning = line;
    this.#io.stderr(line);
  }

  error(...args: unknown[]): void {
    const line = formatArgs(args);
    this.#errors++;
    this.#lastError = line;
    this.#io.stderr(this.#conventions ? this.#conventions.error(line) : line);
  }

  /** Mark the log before a call. */
  mark(): LogMark {
    return { errors: this.#errors, warnings: this.#warnings };
  }

  /** What was logged since `mark`: whether an error was, and the line that best says why. */
  since(mark: LogMark): { errorLogged: boolean; reason: string | undefined } {
    const errorLogged = this.#errors > mark.errors;
    const reason = errorLogged
      ? this.#lastError
      : this.#warnings > mark.warnings
      ? this.#lastWarning
      : undefined;
    return { errorLogged, reason };
  }
}

/** What a call to an adapter came to. */
export interface Attempt<T> {
  value: T;
  ok: boolean;
  /** The last error (else warning) line logged during the call. */
  reason: string | undefined;
}

/** A created item's URL or path: empty means it failed. */
export function createdSomething(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

/**
 * A boolean operation took effect: `true` did, `false` did not. An adapter
 * that resolves nothing (written before these operations answered) counts as
 * done unless it logged an error meanwhile.
 */
export function tookEffect(value: unknown, errorLogged: boolean): boolean {
  if (value === undefined || value === null) return !errorLogged;
  return value !== false;
}

/** Run one adapter call and judge it from its value and what it logged. */
export async function attempt<T>(
  logger: CliLogger,
  call: () => Promise<T>,
  judge: (value: T, errorLogged: boolean) => boolean,
): Promise<Attempt<T>> {
  const mark = logger.mark();
  const value = await call();
  const { errorLogged, reason } = logger.since(mark);
  return { value, ok: judge(value, errorLogged), reason };
}

/**
 * Report a failed operation: one line on stderr (an annotation in CI), and
 * `{"ok": false, "error": …}` with `--json`. Returns the exit code.
 */
export function failed(out: Output, what: string, reason: string | undefined): number {
  const line = reason
    ? `${what} failed; see the log above`
    : `${what} did not take effect (no reason was logged)`;
  out.io.stderr(out.conventions ? out.conventions.error(line) : `pace: ${line}`);
  if (out.json) {
    out.io.stdout(JSON.stringify({ ok: false, error: reason ?? `${what} did not take effect` }));
  }
  return EXIT.failed;
}

/**
 * Report an attempt: on success print `text` (or `{ok: true, ...fields}`)
 * and exit 0; otherwise see {@linkcode failed}.
 */
export function settle(
  out: Output,
  what: string,
  result: Attempt<unknown>,
  text: string,
  fields: Record<string, unknown> = {},
): number {
  if (!result.ok) return failed(out, what, result.reason);
  emit(out, text, { ok: true, ...fields });
  return EXIT.ok;
}

/** Print a usage or config error: one line, an annotation in CI; exit 2. */
export function usageError(out: Output, message: string): number {
  const oneLine = message.replace(/\s*\n\s*/g, " ");
  const line = `pace: ${oneLine}`;
  out.io.stderr(out.conventions ? out.conventions.error(line) : line);
  if (out.json) out.io.stdout(JSON.stringify({ ok: false, error: oneLine }));
  return EXIT.usage;
}
