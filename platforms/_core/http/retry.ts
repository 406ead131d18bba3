/**
 * When to ask again, and how long to wait first: the status table, the
 * server's own hints (`Retry-After`, GitHub's rate-limit reset) and an
 * abortable sleep.
 *
 * @module
 */

/**
 * Answers that say "not now" rather than "no": a timeout before the request
 * was read (408), too early (425), rate limits (429) and every 5xx, including
 * 501 (some gateways use it for a backend that is down) and Cloudflare's
 * 520–530 (origin unreachable, timed out, TLS failed…).
 */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Statuses that mean the server refused before acting on the request, so even
 * a POST is safe to send again: a 5xx on a POST may hide a completed create.
 */
export function isUnprocessed(status: number, headers: Headers): boolean {
  return status === 408 || status === 425 || isRateLimited(status, headers);
}

/** A 429, or a 403 that is a rate limit (primary or secondary). */
export function isRateLimited(status: number, headers: Headers): boolean {
  if (status === 429) return true;
  return status === 403 &&
    (headers.get("x-ratelimit-remaining") === "0" || headers.has("retry-after"));
}

/**
 * Whether a status is worth asking again for, after waiting: 408, 425, 429,
 * every 5xx, and a 403 that is a rate limit.
 *
 * @example
 * ```ts
 * import { isRetryableStatus } from "./retry.ts";
 * console.log(isRetryableStatus(522, new Headers())); // true
 * console.log(isRetryableStatus(404, new Headers())); // false
 * ```
 */
export function isRetryableStatus(status: number, headers: Headers): boolean {
  return isTransientStatus(status) || isRateLimited(status, headers);
}

/**
 * How long a response asks the client to wait before asking again:
 * `Retry-After` (seconds or HTTP date), else GitHub's exhausted rate limit
 * (`x-ratelimit-remaining: 0` + `x-ratelimit-reset`), else `undefined`.
 *
 * @example
 * ```ts
 * import { retryDelayFromHeaders } from "./retry.ts";
 * console.log(retryDelayFromHeaders(new Headers({ "retry-after": "2" }))); // 2000
 * ```
 */
export function retryDelayFromHeaders(
  headers: Headers,
  now: number = Date.now(),
): number | undefined {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (headers.get("x-ratelimit-remaining") === "0") {
    const reset = Number(headers.get("x-ratelimit-reset"));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

/**
 * Wait `ms`, or reject as soon as `signal` aborts.
 *
 * @example
 * ```ts
 * import { sleep } from "./retry.ts";
 * await sleep(1);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** What an aborted signal rejects with: its reason, else an `AbortError`. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}
