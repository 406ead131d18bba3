/**
 * The core fetch: one budget per call (body included), retries with backoff,
 * the origin guard for credentials, and every body read whole and capped
 * before the caller sees the answer.
 *
 * @module
 */

import type { Logger, Secrets } from "../../types.ts";
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, expectedJson, readBody } from "./body.ts";
import { describeUrl, HttpError, type HttpErrorKind, snippet } from "./errors.ts";
import {
  abortReason,
  isRetryableStatus,
  isUnprocessed,
  retryDelayFromHeaders,
  sleep,
} from "./retry.ts";

/** The default bound on one call, retries, waits and body included. */
export const DEFAULT_TIMEOUT_MS = 15_000;

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const MAX_REDIRECTS = 5;

/** Options of {@linkcode createHttpFetch} and `HttpClient`. */
export interface HttpOptions {
  /** The API base. Its origin is the only one credentials are sent to. */
  baseUrl: string;
  /** Names the platform in error messages (`GitHub`). */
  platform: string;
  /** Secrets to mask in error messages. */
  secrets: Secrets;
  /** The underlying fetch (injected in tests). */
  fetch?: typeof fetch;
  /** Headers for every request. */
  headers?: Record<string, string>;
  /** Credential headers, sent only to the origin of `baseUrl`. */
  credentials?: Record<string, string>;
  /** Bound on one call: retries, waits and reading the body included. Default 15 000 ms. */
  timeoutMs?: number;
  /**
   * Cap on one response body, in bytes. Default 8 MiB. A successful answer
   * past it fails with an {@linkcode HttpError} of kind `too_large`, not
   * retryable: the same request would bring the same body.
   */
  maxBodyBytes?: number;
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** First backoff step. Default 250 ms; doubles per retry, with jitter. */
  backoffMs?: number;
  /** Debug log of retries. */
  logger?: Logger;
  /** Injected for tests: resolves after `ms`, rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected for tests: a number in [0, 1). */
  random?: () => number;
}

/** One finished call: the final answer with its body already read. */
export interface Exchange {
  /** The method finally sent (a 303 turns a POST into a GET). */
  method: string;
  /** Where the answer came from (after redirects). */
  url: URL;
  /** The answer's status. */
  status: number;
  /** The answer's reason phrase. */
  statusText: string;
  /** The answer's headers. */
  headers: Headers;
  /** The whole body (empty when a non-2xx body could not be read: it is only context). */
  bytes: Uint8Array;
  /** The body as UTF-8 text. */
  text(): string;
  /** The parsed body, when the answer had to be JSON. */
  json: { value: unknown } | undefined;
}

/** Send one call and read its answer whole; see {@linkcode createHttpFetch}. */
export type Exchanger = (input: RequestInfo | URL, init?: RequestInit) => Promise<Exchange>;

/** Whether a request carries a validator a 304 can answer. */
function isConditional(headers: Headers): boolean {
  return headers.has("if-none-match") || headers.has("if-modified-since");
}

function isPermissionError(error: unknown): boolean {
  const errors = Deno.errors as Record<string, unknown>;
  const NotCapable = errors.NotCapable as (new () => Error) | undefined;
  return (NotCapable !== undefined && error instanceof NotCapable) ||
    error instanceof Deno.errors.PermissionDenied;
}

/**
 * The engine under {@linkcode createHttpFetch} and `HttpClient`: the whole
 * call, body included, within one budget; failures as {@linkcode HttpError}.
 */
export function createExchanger(options: HttpOptions): Exchanger {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const origin = new URL(options.baseUrl).origin;
  const budget = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 250;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const credentialNames = Object.keys(options.credentials ?? {}).map((n) => n.toLowerCase());
  const { platform, secrets } = options;

  const fail = (message: string, init: ConstructorParameters<typeof HttpError>[1]) =>
    new HttpError(secrets.redact(`${platform}: ${message}`), init);

  function backoffDelay(attempt: number): number {
    const step = Math.min(backoff * 2 ** attempt, 5_000);
    return Math.round(step / 2 + random() * step / 2);
  }

  return async function exchange(input, init) {
    const request = input instanceof Request ? input : undefined;
    let url = new URL(request ? request.url : String(input));
    let method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    let body: BodyInit | null | undefined = init?.body ?? (request ? await request.text() : null);
    if (body === "") body = null;
    // A body is built from agent text, which may quote a token: no registered
    // secret leaves the process in one, in any of its encodings.
    if (typeof body === "string") body = secrets.redact(body);
    const callerSignal = init?.signal ?? request?.signal ?? undefined;
    const started = Date.now();
    const remaining = () => budget - (Date.now() - started);
    let attempt = 0;
    let redirects = 0;

    /** Whether one more attempt, `delay` from now, fits the retries and the budget. */
    const canRetry = (delay: number) => attempt < retries && delay < remaining();
    const retry = async (delay: number, why: string): Promise<void> => {
      options.logger?.debug(
        secrets.redact(`${method} ${describeUrl(url, secrets)} ${why}; retrying in ${delay} ms`),
      );
      attempt++;
      await wait(delay, callerSignal);
    };

    while (true) {
      const where = `${method} ${describeUrl(url, secrets)}`;
      const headers = new Headers(request?.headers);
      for (const [k, v] of new Headers(init?.headers)) headers.set(k, v);
      for (const [k, v] of Object.entries(options.headers ?? {})) {
        if (!headers.has(k)) headers.set(k, v);
      }
      // Credentials travel only to the configured origin, whoever asked.
      for (const name of credentialNames) headers.delete(name);
      if (url.origin === origin) {
        for (const [k, v] of Object.entries(options.credentials ?? {})) headers.set(k, v);
      } else {
        headers.delete("authorization");
      }

      const left = remaining();
      if (left <= 0) {
        throw fail(`${where} timed out after ${budget} ms`, { kind: "timeout", retryable: true });
      }
      // One signal for the headers and the body: the body is part of the call.
      const timeout = AbortSignal.timeout(left);
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;

      let response: Response;
      try {
        response = await baseFetch(url, { method, headers, body, redirect: "manual", signal });
      } catch (error) {
        if (callerSignal?.aborted) throw abortReason(callerSignal);
        if (isPermissionError(error)) {
          throw fail(
            `${where} refused by Deno's permissions: ${
              (error as Error).message
            } (run \`pace permissions\` for the flags this config needs)`,
            { kind: "permission", retryable: false },
          );
        }
        const timedOut = timeout.aborted;
        const kind: HttpErrorKind = timedOut ? "timeout" : "network";
        const reason = timedOut ? `timed out after ${budget} ms` : (error as Error).message;
        // A POST that may have reached the server is never sent twice.
        const delay = backoffDelay(attempt);
        if (IDEMPOTENT.has(method) && canRetry(delay)) {
          await retry(delay, `failed: ${reason}`);
          continue;
        }
        throw fail(`${where} failed: ${reason}`, { kind, retryable: true });
      }

      if (REDIRECT_STATUS.has(response.status) && response.headers.has("location")) {
        await response.body?.cancel().catch(() => {});
        if (++redirects > MAX_REDIRECTS) {
          throw fail(`${where}: too many redirects`, {
            kind: "http",
            status: response.status,
            retryable: false,
          });
        }
        url = new URL(response.headers.get("location")!, url);
        if (response.status === 303) {
          method = "GET";
          body = null;
        }
        continue;
      }

      const status = response.status;
      // A 304 to a request without a validator is a cache or proxy answering
      // for the server: nothing was said about the resource, so ask again.
      const strayNotModified = status === 304 && !isConditional(headers);
      const retryable = strayNotModified || isRetryableStatus(status, response.headers);
      // A 5xx on a POST may hide a completed create; 408, 425 and rate limits
      // say the server did not act on it.
      const repeatable = IDEMPOTENT.has(method) || isUnprocessed(status, response.headers);
      if (retryable && repeatable) {
        const delay = retryDelayFromHeaders(response.headers) ?? backoffDelay(attempt);
        if (canRetry(delay)) {
          await response.body?.cancel().catch(() => {});
          await retry(delay, `answered ${status}`);
          continue;
        }
      }
      if (strayNotModified) {
        await response.body?.cancel().catch(() => {});
        throw fail(`${where} answered 304 Not Modified to a request that was not conditional`, {
          status,
          kind: "http",
          retryable: true,
          retryAfterMs: retryDelayFromHeaders(response.headers),
        });
      }

      if (status < 200 || status > 599) {
        await response.body?.cancel().catch(() => {});
        throw fail(`${where} answered an invalid status ${status}`, {
          status,
          kind: "parse",
          retryable: true,
        });
      }
      const ok = status >= 200 && status < 300;
      let bytes: Uint8Array;
      try {
        bytes = await readBody(response, maxBytes);
      } catch (error) {
        if (callerSignal?.aborted) throw abortReason(callerSignal);
        if (!ok) {
          // An error's body is only context: the status says what happened.
          bytes = new Uint8Array(0);
        } else if (error instanceof BodyTooLargeError) {
          throw fail(
            `${where} answered ${status} with a body over the ${maxBytes}-byte cap; stopped reading`,
            { status, kind: "too_large", retryable: false },
          );
        } else {
          const timedOut = timeout.aborted;
          const reason = timedOut
            ? `timed out after ${budget} ms`
            : `failed: ${(error as Error).message}`;
          // A body that broke is a dropped connection: a GET may ask again.
          const delay = backoffDelay(attempt);
          if (!timedOut && IDEMPOTENT.has(method) && canRetry(delay)) {
            await retry(delay, `answered ${status} but its body ${reason}`);
            continue;
          }
          throw fail(`${where} answered ${status} but its body ${reason}`, {
            status,
            kind: timedOut ? "timeout" : "network",
            retryable: true,
          });
        }
      }

      let text: string | undefined;
      const decoded = () => text ??= new TextDecoder().decode(bytes);
      let json: { value: unknown } | undefined;
      if (ok && method !== "HEAD" && bytes.byteLength > 0) {
        try {
          json = expectedJson(
            decoded(),
            response.headers.get("content-type"),
            headers.get("accept"),
          );
        } catch (error) {
          // HTML from a proxy, or JSON cut short, is not an answer: never data.
          const body = snippet(decoded(), secrets);
          throw fail(
            `${where} answered ${status} with ${(error as Error).message}: ${body.slice(0, 80)}`,
            {
              status,
              kind: "parse",
              retryable: true,
              body,
            },
          );
        }
      }
      return {
        method,
        url,
        status,
        statusText: response.statusText,
        headers: response.headers,
        bytes,
        text: decoded,
        json,
      };
    }
  };
}

/** The answer of `exchange` as a `Response` whose body is the bytes already read. */
export function toResponse(exchange: Exchange): Response {
  const empty = exchange.method === "HEAD" || NULL_BODY_STATUS.has(exchange.status);
  const response = new Response(empty ? null : exchange.bytes as Uint8Array<ArrayBuffer>, {
    status: exchange.status,
    statusText: exchange.statusText,
    headers: exchange.headers,
  });
  Object.defineProperty(response, "url", { value: exchange.url.href });
  return response;
}

/**
 * Build the core fetch. It never resolves later than `timeoutMs` after it was
 * called (plus a few milliseconds), body included, and throws
 * {@linkcode HttpError} for every failure that produced no usable answer: no
 * response, a body that broke, stalled or passed the cap, or a successful
 * answer that had to be JSON and was not. The `Response` it resolves holds
 * the body already read, so a consumer's own read cannot fail or grow.
 *
 * @example
 * ```ts ignore
 * const fetch = createHttpFetch({ baseUrl: "https://api.example.test", platform: "Acme", secrets });
 * const response = await fetch("https://api.example.test/items");
 * ```
 */
export function createHttpFetch(options: HttpOptions): typeof fetch {
  const exchange = createExchanger(options);
  return async (input, init) => toResponse(await exchange(input, init));
}
