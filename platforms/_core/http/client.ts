/**
 * A thin JSON client over the core exchange, for the platforms that do not
 * bring their own (all but GitHub).
 *
 * @module
 */

import type { Secrets } from "../../types.ts";
import { describeUrl, errorFromResponse, HttpError, snippet } from "./errors.ts";
import { createExchanger, type Exchanger, type HttpOptions, toResponse } from "./fetch.ts";

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
  /** The final status. */
  status: number;
  /** The answer's headers. */
  headers: Headers;
  /** The URL asked for. */
  url: URL;
  /** Parsed JSON; `undefined` for empty bodies and accepted error statuses. */
  data: T;
}

/**
 * A small JSON client over the core fetch: paths resolve against the base
 * URL, non-2xx answers become {@linkcode HttpError}, malformed JSON is an
 * error rather than a crash, and the whole call (body included) has one
 * budget and one size cap.
 *
 * @example
 * ```ts ignore
 * const client = new HttpClient({ baseUrl: "https://api.example.test/v1", platform: "Acme", secrets });
 * const { data } = await client.request<{ id: number }[]>("GET", "items", { query: { page: 2 } });
 * ```
 */
export class HttpClient {
  /** The core fetch this client sends through (bodies read whole and capped). */
  readonly fetch: typeof fetch;
  /** The base URL, with a trailing slash. */
  readonly baseUrl: URL;
  readonly #exchange: Exchanger;
  readonly #platform: string;
  readonly #secrets: Secrets;

  /** A client for one API base. */
  constructor(options: HttpOptions) {
    const exchange = createExchanger(options);
    this.#exchange = exchange;
    this.fetch = async (input, init) => toResponse(await exchange(input, init));
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
    const answer = await this.#exchange(url, { method, headers, body, signal: init.signal });
    const ok = answer.status >= 200 && answer.status < 300;
    if (!ok && !init.accept?.includes(answer.status)) {
      throw await errorFromResponse(toResponse(answer), method, url, this.#platform, this.#secrets);
    }
    let data: unknown = undefined;
    if (ok && answer.json) {
      data = answer.json.value;
    } else if (ok && answer.text().trim()) {
      // The caller asked for more than JSON; the answer must still be JSON.
      try {
        data = JSON.parse(answer.text());
      } catch {
        const text = snippet(answer.text(), this.#secrets);
        throw new HttpError(
          this.#secrets.redact(
            `${this.#platform}: ${method} ${
              describeUrl(url, this.#secrets)
            } answered ${answer.status} with malformed JSON: ${text.slice(0, 80)}`,
          ),
          { status: answer.status, kind: "parse", retryable: true, body: text },
        );
      }
    }
    return { status: answer.status, headers: answer.headers, url, data: data as T };
  }
}
