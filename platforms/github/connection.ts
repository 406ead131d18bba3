/**
 * The connection every GitHub adapter shares: settings from the environment,
 * the shared HTTP core as Octokit's `fetch`, conditional GETs, pagination.
 * Responses are typed by Octokit's OpenAPI-generated `Endpoints`; errors
 * arrive as Octokit's `RequestError` and leave as the core's `HttpError`.
 *
 * @module
 */

import type { Endpoints, RequestParameters } from "npm:@octokit/types@18.0.0";
import type { RequestError } from "npm:@octokit/request-error@7.1.2";
import {
  createHttpFetch,
  DEFAULT_MAX_PAGES,
  errorFromResponse,
  HttpError,
  isRetryableStatus,
  notAListError,
  retryDelayFromHeaders,
} from "../_core/http.ts";
import type { ResolvedContext } from "../types.ts";
import { GITHUB_API_VERSION, readGitHubSettings } from "./settings.ts";

/** GitHub rejects issue and PR bodies longer than this. */
export const BODY_LIMIT = 65_000;
/** The largest page GitHub serves. */
export const PER_PAGE = 100;

const HEADERS = {
  accept: "application/vnd.github+json",
  "x-github-api-version": GITHUB_API_VERSION,
};

/** Whether `error` is GitHub's answer with `status`. */
export function isStatus(error: unknown, status: number): error is HttpError {
  return error instanceof HttpError && error.status === status;
}

/** A REST route GitHub's OpenAPI description defines. */
export type Route = keyof Endpoints;
/** The data a route answers with. */
export type Data<R extends Route> = Endpoints[R]["response"]["data"];
/** A route's parameters, less the owner and repository every call fills in. */
export type Params<R extends Route> =
  & Omit<Endpoints[R]["parameters"], "owner" | "repo">
  & Pick<RequestParameters, "headers" | "request">;

type Request = <R extends Route>(
  route: R,
  params: Record<string, unknown>,
) => Promise<Endpoints[R]["response"]>;

/** One repository on one GitHub, as the adapters talk to it. */
export class GitHubConnection {
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  readonly #context: ResolvedContext;
  readonly #fetch: typeof fetch;
  #request: Promise<Request> | undefined;
  /** Octokit's error class, loaded with Octokit: a `ci wait` needs neither. */
  #requestError: typeof RequestError | undefined;
  /** ETag and body per URL, so an unchanged poll is a free 304. */
  readonly #etags = new Map<string, { etag: string; data: unknown }>();
  /** How many conditional GETs were answered 304 (for the bench). */
  notModified = 0;

  /** Connect as the environment of `context` says. */
  constructor(context: ResolvedContext) {
    this.#context = context;
    const { token, apiUrl, owner, repo } = readGitHubSettings(context.env, context);
    this.owner = owner;
    this.repo = repo;
    this.apiUrl = apiUrl;
    this.#fetch = createHttpFetch({
      baseUrl: apiUrl,
      platform: "GitHub",
      secrets: context.secrets,
      fetch: context.fetch,
      logger: context.logger,
      headers: HEADERS,
      credentials: token ? { authorization: `Bearer ${token}` } : {},
    });
  }

  /**
   * The shared HTTP core's `fetch`, as Octokit receives it: GitHub's headers,
   * the token (to the API's origin only), retries and the time bound. For the
   * rare request that must see the raw answer (`pace check`).
   */
  get fetch(): typeof fetch {
    return this.#fetch;
  }

  #octokit(): Promise<Request> {
    this.#request ??= (async () => {
      const [{ Octokit }, errors] = await Promise.all([
        import("npm:@octokit/core@7.0.8"),
        import("npm:@octokit/request-error@7.1.2"),
      ]);
      this.#requestError = errors.RequestError;
      const logger = this.#context.logger;
      const octokit = new Octokit({
        baseUrl: this.apiUrl,
        request: { fetch: this.#fetch },
        log: { debug() {}, info() {}, warn: logger.warn, error: logger.error },
      });
      // Octokit's default Accept is the v3 media type; pin the documented one.
      return octokit.request.defaults({ headers: HEADERS }) as Request;
    })();
    return this.#request;
  }

  /** Send one request; Octokit's errors become {@linkcode HttpError}. */
  async request<R extends Route>(
    route: R,
    params?: Params<R>,
    signal?: AbortSignal,
  ): Promise<Endpoints[R]["response"]> {
    const request = await this.#octokit();
    const base: Record<string, unknown> = { owner: this.owner, repo: this.repo, ...params };
    if (signal) base.request = { signal };
    try {
      return await request(route, base);
    } catch (error) {
      throw this.#httpError(route, error);
    }
  }

  /**
   * Send a route with multi-segment path parameters (GitHub's
   * `x-multi-segment`: a ref such as `heads/release/v2.0`). Each value
   * travels with its slashes, every segment percent-encoded, as GitHub
   * documents it; Octokit alone would encode the slashes too.
   */
  requestWithSegments<R extends Route, K extends string>(
    route: R,
    segments: Record<K, string>,
    params?: Omit<Params<R>, K>,
  ): Promise<Endpoints[R]["response"]> {
    let expanded: string = route;
    for (const [name, value] of Object.entries<string>(segments)) {
      expanded = expanded.replace(`{${name}}`, value.split("/").map(encodeURIComponent).join("/"));
    }
    return this.request(expanded as R, params as Params<R>);
  }

  /**
   * A GET that sends `If-None-Match` and reuses the cached body on 304. It goes
   * through the HTTP core directly, not Octokit: a `ci wait` polls with it, and
   * need not load Octokit at all.
   */
  async conditional<R extends Route>(
    route: R,
    params: Params<R>,
    signal?: AbortSignal,
  ): Promise<Data<R>> {
    const key = `${route} ${JSON.stringify(params)}`;
    const cached = this.#etags.get(key);
    const url = this.#url(route, params as Record<string, unknown>);
    const response = await this.#fetch(url, {
      headers: cached ? { ...HEADERS, "if-none-match": cached.etag } : HEADERS,
      signal,
    });
    if (response.status === 304 && cached) {
      await response.body?.cancel();
      this.notModified++;
      return cached.data as Data<R>;
    }
    if (!response.ok) {
      throw await errorFromResponse(response, "GET", url, "GitHub", this.#context.secrets);
    }
    const data = await response.json() as Data<R>;
    const etag = response.headers.get("etag");
    if (etag) this.#etags.set(key, { etag, data });
    return data;
  }

  /** The URL of a GET route: path parameters encoded in their segment, the rest as query. */
  #url(route: string, params: Record<string, unknown>): URL {
    const values: Record<string, unknown> = { owner: this.owner, repo: this.repo, ...params };
    const used = new Set<string>();
    const path = route.replace(/^GET /, "").replace(/\{(\w+)\}/g, (_, name: string) => {
      used.add(name);
      return encodeURIComponent(String(values[name]));
    });
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [name, value] of Object.entries(params)) {
      if (!used.has(name) && value !== undefined && name !== "headers" && name !== "request") {
        url.searchParams.set(name, String(value));
      }
    }
    return url;
  }

  #httpError(route: string, error: unknown): unknown {
    if (error instanceof HttpError) return error;
    if (!this.#requestError || !(error instanceof this.#requestError)) return error;
    if (error.cause instanceof HttpError) return error.cause;
    const headers = new Headers();
    for (const [k, v] of Object.entries(error.response?.headers ?? {})) {
      if (v !== undefined) headers.set(k, String(v));
    }
    const { secrets } = this.#context;
    const message = secrets.redact(`GitHub: ${route} → ${error.status}: ${error.message}`);
    return new HttpError(message.slice(0, 500), {
      status: error.status,
      kind: "http",
      retryable: isRetryableStatus(error.status, headers),
      retryAfterMs: retryDelayFromHeaders(headers),
      body: secrets.redact(JSON.stringify(error.response?.data ?? "").slice(0, 300)),
    });
  }

  /**
   * Every page of a list endpoint, `per_page=100`, at most `maxPages`. An
   * answer that is not a list is an error, never "nothing found": reading a
   * broken answer as empty would create a duplicate.
   */
  async all<R extends Route, T>(
    route: R,
    params: Params<R>,
    pick: (data: Data<R>) => readonly T[] | undefined,
    maxPages = DEFAULT_MAX_PAGES,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const { data } = await this.request(route, { ...params, per_page: PER_PAGE, page });
      const batch = pick(data);
      if (!Array.isArray(batch)) throw notAListError("GitHub", route);
      items.push(...batch);
      if (batch.length < PER_PAGE) break;
    }
    return items;
  }
}
