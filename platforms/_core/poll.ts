/**
 * The one CI wait loop. A platform supplies only "look at the commit's CI
 * once"; this loop owns validation, timing, cancellation, progress, error
 * classification and the shape of the result.
 *
 * @module
 */

import { HttpError, sleep as defaultSleep } from "./http.ts";
import { MAX_TIMEOUT_MINUTES, SHA_PATTERN } from "./wait_limits.ts";
import type { CiConclusion, CiProbe, CiResult, Logger, Secrets, WaitOptions } from "../types.ts";

/** Inputs of {@linkcode pollCi}. */
export interface PollInput {
  sha: string;
  options?: WaitOptions;
  logger: Logger;
  secrets: Secrets;
  probe: CiProbe;
  /** Injected in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_TIMEOUT_MINUTES = 15;
const DEFAULT_INTERVAL_SECONDS = 20;

function positive(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Poll `probe` until the commit's CI ends, the timeout passes or the signal
 * aborts. Never rejects.
 *
 * - an invalid SHA ends at once with `no_runs` and `error`, before any request;
 * - a non-retryable error (401, 403 that is not a rate limit, 404, 422, a
 *   permission refusal, an answer over the body size cap) ends at once with
 *   `no_runs` and `error`;
 * - a retryable error (408, 425, 429, any 5xx, a 304 to a request without a
 *   validator, a broken or stalled body, malformed JSON, network) is logged
 *   and polling goes on, waiting at least as long as the server asked;
 * - at the deadline: `timeout`, whatever was or was not seen — silence until
 *   the deadline is not proof that the commit has no CI, and a caller reads
 *   `no_runs` as "nothing to wait for".
 */
export async function pollCi(input: PollInput): Promise<CiResult> {
  const { sha, logger, secrets, probe } = input;
  const options = input.options ?? {};
  const pause = input.sleep ?? defaultSleep;
  const result = (conclusion: CiConclusion, extra: Partial<CiResult> = {}): CiResult => ({
    conclusion,
    url: extra.url ?? "",
    name: extra.name ?? "",
    sha,
    ...(extra.error ? { error: secrets.redact(extra.error) } : {}),
  });

  if (typeof sha !== "string" || !SHA_PATTERN.test(sha)) {
    const error = `invalid commit SHA ${JSON.stringify(String(sha).slice(0, 60))}: ` +
      "expected 7 to 40 hexadecimal characters";
    logger.error(error);
    return result("no_runs", { error });
  }

  const timeoutMs = Math.min(
    positive(options.timeoutMinutes, DEFAULT_TIMEOUT_MINUTES),
    MAX_TIMEOUT_MINUTES,
  ) * 60_000;
  const intervalMs = positive(options.pollIntervalSeconds, DEFAULT_INTERVAL_SECONDS) * 1000;
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const deadline = AbortSignal.timeout(Math.max(1, timeoutMs));
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const cancelled = () => options.signal?.aborted === true;

  let polls = 0;
  let pending: string[] = [];
  let lastError = "";

  while (true) {
    if (cancelled()) return result("cancelled", { name: pending.join(", "), error: "aborted" });
    if (deadline.aborted) break;

    let waitMs = intervalMs;
    try {
      const snapshot = await raceAbort(probe(signal), signal);
      polls++;
      lastError = "";
      if (snapshot.state === "done") {
        return result(snapshot.conclusion, { url: snapshot.url, name: snapshot.name });
      }
      if (snapshot.state === "pending") pending = snapshot.pending;
    } catch (error) {
      if (cancelled()) return result("cancelled", { name: pending.join(", "), error: "aborted" });
      if (deadline.aborted) break;
      polls++;
      const message = error instanceof Error ? error.message : String(error);
      // An oversized answer is not retried by the HTTP core, but it is no proof that the
      // commit has no CI either: keep polling, and the deadline ends the wait as timeout.
      if (error instanceof HttpError && !error.retryable && error.kind !== "too_large") {
        logger.error(message);
        return result("no_runs", { error: message });
      }
      lastError = message;
      logger.warn(`${message}; will poll again`);
      if (error instanceof HttpError && error.retryAfterMs !== undefined) {
        waitMs = Math.max(waitMs, error.retryAfterMs);
      }
    }

    try {
      options.onProgress?.({ elapsedMs: elapsed(), pending: [...pending], polls });
    } catch (error) {
      logger.warn(`onProgress callback threw: ${error instanceof Error ? error.message : error}`);
    }

    try {
      await pause(Math.min(waitMs, Math.max(0, timeoutMs - elapsed())), signal);
    } catch {
      // Aborted or deadline: the top of the loop decides which.
    }
  }

  return result("timeout", {
    name: pending.join(", "),
    error: lastError ||
      (polls === 0 ? "the platform did not answer before the deadline" : undefined),
  });
}

/** Settle with `promise`, or reject as soon as `signal` aborts: a hung request cannot hold a cancel. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
