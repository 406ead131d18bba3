/**
 * The one HTTP core every remote platform talks through.
 *
 * {@linkcode createHttpFetch} builds a `fetch` with the behaviour SPEC §7 asks
 * for: a bound on every call (retries included), exponential backoff with
 * jitter on network errors, 5xx and 429, `Retry-After` and GitHub's rate-limit
 * reset honoured, POST retried only when the server certainly did not act on
 * it, credentials attached only to the configured origin (a redirect elsewhere
 * is followed without them), Deno's permission refusals reported as such.
 * Octokit receives this fetch; the other platforms use {@linkcode HttpClient},
 * a thin JSON layer over it.
 *
 * @module
 */

import type { Logger, Secrets } from "../types.ts";

/** What went wrong, for callers that branch on it. */
export type HttpErrorKind = "http" | "network" | "timeout" | "permission" | "parse" | "aborted";

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);
const MAX_REDIRECTS = 5;
const BODY_SNIPPET = 300;

/**
 * A failed request: the status (0 when no answer came), a short redacted body,
 * and whether waiting and asking again may help.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly kind: HttpErrorKind;
  readonly retryable: boolean;
  /** How long the server asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  /** The response body, cut short and redacted. */
  readonly body: string;
  constructor(
    message: string,
    init: {
      status?: number;
      kind: HttpErrorKind;
      retryable: boolean;
      retryAfterMs?: number;
      body?: string;
    },
  ) {
    super(message);
    this.name = "HttpError";
    this.status = init.status ?? 0;
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.body = init.body ?? "";
  }
}

/** Options of {@linkcode createHttpFetch} and {@linkcode HttpClient}. */
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
  /** Bound on one call, retries and waits included. Default 15 000 ms. */
  timeoutMs?: number;
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

/** Wait `ms`, or reject as soon as `signal` aborts. */
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

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * How long a response asks the client to wait before asking again:
 * `Retry-After` (seconds or HTTP date), else GitHub's exhausted rate limit
 * (`x-ratelimit-remaining: 0` + `x-ratelimit-reset`), else `undefined`.
 */
export function retryDelayFromHeaders(headers: Headers, now = Date.now()): number | undefined {
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

/** A 403 is retryable only when it is a rate limit (primary or secondary). */
function isRateLimited(status: number, headers: Headers): boolean {
  if (status === 429) return true;
  return status === 403 &&
    (headers.get("x-ratelimit-remaining") === "0" || headers.has("retry-after"));
}

/** Whether a status is worth asking again for, after waiting. */
export function isRetryableStatus(status: number, headers: Headers): boolean {
  return RETRYABLE_STATUS.has(status) || isRateLimited(status, headers);
}

function isPermissionError(error: unknown): boolean {
  const errors = Deno.errors as Record<string, unknown>;
  const NotCapable = errors.NotCapable as (new () => Error) | undefined;
  return (NotCapable !== undefined && error instanceof NotCapable) ||
    error instanceof Deno.errors.PermissionDenied;
}

/** A URL with its query dropped, masked: safe for a message. */
function describeUrl(url: URL, secrets: Secrets): string {
  return secrets.redact(`${url.origin}${url.pathname}`);
}

/**
 * Build the core fetch. It never resolves later than `timeoutMs` after it was
 * called (plus a few milliseconds), and throws {@linkcode HttpError} for every
 * failure that produced no response.
 */
export function createHttpFetch(options: HttpOptions): typeof fetch {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const origin = new URL(options.baseUrl).origin;
  const budget = options.timeoutMs ?? 15_000;
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 250;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const credentialNames = Object.keys(options.credentials ?? {}).map((n) => n.toLowerCase());
  const { platform, secrets } = options;

  const fail = (message: string, init: ConstructorParameters<typeof HttpError>[1]) =>
    new HttpError(secrets.redact(`${platform}: ${message}`), init);

  return async function httpFetch(input: RequestInfo | URL, init?: RequestInit) {
    const request = input instanceof Request ? input : undefined;
    let url = new URL(request ? request.url : String(input));
    let method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    let body: BodyInit | null | undefined = init?.body ?? (request ? await request.text() : null);
    if (body === "") body = null;
    const callerSignal = init?.signal ?? request?.signal ?? undefined;
    const started = Date.now();
    const remaining = () => budget - (Date.now() - started);
    let attempt = 0;
    let redirects = 0;

    while (true) {
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
        throw fail(`${method} ${describeUrl(url, secrets)} timed out after ${budget} ms`, {
          kind: "timeout",
          retryable: true,
        });
      }
      const timeout = AbortSignal.timeout(left);
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;

      let response: Response;
      try {
        response = await baseFetch(url, { method, headers, body, redirect: "manual", signal });
      } catch (error) {
        if (callerSignal?.aborted) throw abortReason(callerSignal);
        if (isPermissionError(error)) {
          throw fail(
            `${method} ${describeUrl(url, secrets)} refused by Deno's permissions: ${
              (error as Error).message
            } (run \`pace permissions\` for the flags this config needs)`,
            { kind: "permission", retryable: false },
          );
        }
        const timedOut = timeout.aborted;
        const kind: HttpErrorKind = timedOut ? "timeout" : "network";
        const reason = timedOut ? `timed out after ${budget} ms` : (error as Error).message;
        // A POST that may have reached the server is never sent twice.
        if (IDEMPOTENT.has(method) && attempt < retries) {
          const delay = backoffDelay(attempt);
          if (delay < remaining()) {
            options.logger?.debug(`${method} ${describeUrl(url, secrets)}: ${reason}; retrying`);
            attempt++;
            await wait(delay, callerSignal);
            continue;
          }
        }
        throw fail(`${method} ${describeUrl(url, secrets)} failed: ${reason}`, {
          kind,
          retryable: true,
        });
      }

      if (REDIRECT_STATUS.has(response.status) && response.headers.has("location")) {
        await response.body?.cancel();
        if (++redirects > MAX_REDIRECTS) {
          throw fail(`${method} ${describeUrl(url, secrets)}: too many redirects`, {
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
      const retryable = isRetryableStatus(status, response.headers);
      // A 429 or rate-limit 403 means the server refused before acting, so even
      // a POST is safe to repeat; a 5xx on a POST may hide a completed create.
      const repeatable = IDEMPOTENT.has(method) || isRateLimited(status, response.headers);
      if (retryable && repeatable && attempt < retries) {
        const asked = retryDelayFromHeaders(response.headers);
        const delay = asked ?? backoffDelay(attempt);
        if (delay < remaining()) {
          await response.body?.cancel();
          options.logger?.debug(
            `${method} ${describeUrl(url, secrets)} answered ${status}; retrying in ${delay} ms`,
          );
          attempt++;
          await wait(delay, callerSignal);
          continue;
        }
      }
      return response;
    }
  };

  function backoffDelay(attempt: number): number {
    const step = Math.min(backoff * 2 ** attempt, 5_000);
    return Math.round(step / 2 + random() * step / 2);
  }
}

/** Turn a non-2xx response into an {@linkcode HttpError} with a short, redacted body. */
export async function errorFromResponse(
  response: Response,
  method: string,
  url: URL,
  platform: string,
  secrets: Secrets,
): Promise<HttpError> {
  let text = "";
  try {
    text = await response.text();
  } catch {
    // The body is only context for the message.
  }
  const snippet = secrets.redact(text.replace(/\s+/g, " ").trim().slice(0, BODY_SNIPPET));
  const retryable = isRetryableStatus(response.status, response.headers);
  return new HttpError(
    secrets.redact(
      `${platform}: ${method} ${describeUrl(url, secrets)} → ${response.status}${
        response.statusText ? ` ${response.statusText}` : ""
      }${snippet ? `: ${snippet}` : ""}`,
    ),
    {
      status: response.status,
      kind: "http",
      retryable,
      retryAfterMs: retryDelayFromHeaders(response.headers),
      body: snippet,
    },
  );
}

/** One JSON request of {@linkcode HttpClient}. */
export interface JsonRequest {
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as-is (form bodies). */
  body?: BodyInit;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Statuses to hand back instead of throwing (e.g. 304, 404). */
  accept?: number[];
}

/** A parsed answer of {@linkcode HttpClient.request}. */
export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  url: URL;
  /** Parsed JSON; `undefined` for empty bodies and accepted error statuses. */
  data: T;
}

/**
 * A small JSON client over {@linkcode createHttpFetch}: paths resolve against
 * the base URL, non-2xx answers become {@linkcode HttpError}, malformed JSON is
 * an error rather than a crash.
 */
export class HttpClient {
  readonly fetch: typeof fetch;
  readonly baseUrl: URL;
  readonly #platform: string;
  readonly #secrets: Secrets;

  constructor(options: HttpOptions) {
    this.fetch = createHttpFetch(options);
    this.baseUrl = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
    this.#platform = options.platform;
    this.#secrets = options.secrets;
  }

  /** Resolve `path` (relative to the base, leading `/` allowed) or an absolute URL. */
  url(path: string, query?: JsonRequest["query"]): URL {
    const url = /^https?:\/\//.test(path)
      ? new URL(path)
      : new URL(path.replace(/^\//, ""), this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url;
  }

  /** Send one request; throw {@linkcode HttpError} unless the status is 2xx or accepted. */
  async request<T = unknown>(
    method: string,
    path: string,
    init: JsonRequest = {},
  ): Promise<JsonResponse<T>> {
    const url = this.url(path, init.query);
    const headers: Record<string, string> = { accept: "application/json", ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    const response = await this.fetch(url, { method, headers, body, signal: init.signal });
    const ok = response.status >= 200 && response.status < 300;
    if (!ok && !init.accept?.includes(response.status)) {
      throw await errorFromResponse(response, method, url, this.#platform, this.#secrets);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The body can stall or break after the headers: still an HttpError.
      if (init.signal?.aborted) throw abortReason(init.signal);
      const timedOut = error instanceof DOMException && error.name === "TimeoutError";
      throw new HttpError(
        this.#secrets.redact(
          `${this.#platform}: ${method} ${
            describeUrl(url, this.#secrets)
          } answered ${response.status} but its body ${
            timedOut ? "timed out" : `failed: ${(error as Error).message}`
          }`,
        ),
        { status: response.status, kind: timedOut ? "timeout" : "network", retryable: true },
      );
    }
    let data: unknown = undefined;
    if (ok && text.trim()) {
      try {
        data = JSON.parse(text);
      } catch {
        throw new HttpError(
          this.#secrets.redact(
            `${this.#platform}: ${method} ${
              describeUrl(url, this.#secrets)
            } answered ${response.status} with malformed JSON: ${text.slice(0, 80)}`,
          ),
          { status: response.status, kind: "parse", retryable: true },
        );
      }
    }
    return { status: response.status, headers: response.headers, url, data: data as T };
  }
}
