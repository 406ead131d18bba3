/**
 * The connection every Bitbucket adapter shares: settings and credentials
 * from the environment, the shared HTTP client, pagination by the body's
 * `next` URL, BBQL string literals, and the repository (main branch, web
 * URL) fetched once.
 *
 * @module
 */

import {
  HttpClient,
  HttpError,
  type JsonRequest,
  type PageReader,
  readPages,
} from "../_core/http.ts";
import { isRecord } from "../_core/json.ts";
import type { ResolvedContext } from "../types.ts";
import { type BitbucketCredential, unauthorizedHint } from "./credentials.ts";
import { readBitbucketSettings } from "./settings.ts";

/**
 * Bodies are cut to this many characters: Bitbucket accepts long PR
 * descriptions but refuses comments of 32 768 characters or more.
 */
export const BODY_LIMIT = 32_000;
/** Issue and pull-request lists cap `pagelen` at 50. */
export const LIST_PAGELEN = 50;
/** Upper bound on pages read per list, so a runaway `next` chain cannot loop forever. */
export const MAX_PAGES = 50;

/** A link of Bitbucket's `links` objects. */
export interface Link {
  href?: string;
}

/** A repository, as far as PACE reads it. */
export interface Repository {
  full_name?: string;
  mainbranch?: { name?: string } | null;
  has_issues?: boolean;
  links?: { html?: Link };
}

/** How to read a list. */
export interface ListOptions {
  /** Query parameters of the first page (`next` links carry their own). */
  query?: JsonRequest["query"];
  /** Parameters that repeat, e.g. `{ state: ["OPEN", "MERGED"] }`. */
  repeated?: Record<string, string[]>;
  signal?: AbortSignal;
  /** Stop after this many pages. */
  maxPages?: number;
}

/** A BBQL string literal: double-quoted, with `\` and `"` escaped. */
export function bbqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** An item's web page (`links.html`), `""` when it has none. */
export function webUrl(item: { links?: { html?: Link } }): string {
  return item.links?.html?.href ?? "";
}

/** One repository on Bitbucket Cloud, as the adapters talk to it. */
export class BitbucketConnection {
  readonly workspace: string;
  readonly repoSlug: string;
  readonly apiUrl: string;
  /** Which credential is in use. */
  readonly credential: BitbucketCredential | undefined;
  /** Who Basic authenticates as (the email or the user); `undefined` for Bearer. */
  readonly account: string | undefined;
  readonly http: HttpClient;
  /** The client for pages: its refusals explained as {@linkcode BitbucketConnection.request}'s are. */
  readonly #reader: PageReader = {
    request: (method, path, init) =>
      this.http.request(method, path, init).catch((error) => Promise.reject(this.#explain(error))),
  };
  #repository: Promise<Repository> | undefined;

  /** Connect as the environment of `context` says; every credential is registered first. */
  constructor(context: ResolvedContext) {
    const settings = readBitbucketSettings(context.env, context);
    this.workspace = settings.workspace;
    this.repoSlug = settings.repoSlug;
    this.apiUrl = settings.apiUrl;
    this.credential = settings.credential;
    this.account = settings.account;
    this.http = new HttpClient({
      baseUrl: this.apiUrl,
      platform: "Bitbucket",
      secrets: context.secrets,
      fetch: context.fetch,
      logger: context.logger,
      credentials: settings.authorization ? { authorization: settings.authorization } : {},
    });
  }

  /** `repositories/{workspace}/{repo_slug}/…`, every part encoded. */
  path(...parts: (string | number)[]): string {
    return ["repositories", this.workspace, this.repoSlug, ...parts]
      .map((part) => encodeURIComponent(String(part)))
      .join("/");
  }

  /** One request against the repository; its parsed answer. */
  async request<T>(
    method: string,
    parts: (string | number)[],
    init: JsonRequest = {},
  ): Promise<T> {
    try {
      const { data } = await this.http.request<T>(method, this.path(...parts), init);
      return data;
    } catch (error) {
      throw this.#explain(error);
    }
  }

  /**
   * The pages of a list, following the body's `next` URL. A `next` pointing
   * outside the API is refused: credentials never follow it, and a list
   * cannot continue somewhere else.
   */
  pages<T>(parts: (string | number)[], options: ListOptions = {}): AsyncGenerator<T[]> {
    // A repeatable parameter (`state=OPEN&state=MERGED`) rides in the path:
    // the client's query object holds one value per name.
    const repeated = new URLSearchParams();
    for (const [name, values] of Object.entries(options.repeated ?? {})) {
      for (const value of values) repeated.append(name, value);
    }
    const tail = repeated.size ? `?${repeated}` : "";
    return readPages<T>(this.#reader, { path: this.path(...parts) + tail, query: options.query }, {
      platform: "Bitbucket",
      // A page is `{ values: [...], next? }`; `next` carries the query along.
      pick: (data) => isRecord(data) ? data.values : data,
      next: ({ answer }) => {
        const next = isRecord(answer.data) ? answer.data.next : undefined;
        return next ? { path: this.#checkNext(String(next)) } : undefined;
      },
      signal: options.signal,
      maxPages: options.maxPages ?? MAX_PAGES,
    });
  }

  /** Every item of a list (at most {@linkcode MAX_PAGES} pages). */
  async all<T>(parts: (string | number)[], options: ListOptions = {}): Promise<T[]> {
    const items: T[] = [];
    for await (const batch of this.pages<T>(parts, options)) items.push(...batch);
    return items;
  }

  #checkNext(next: string): string {
    // Asking again would get the same link: these end a wait at once.
    const refuse = (message: string) =>
      new HttpError(`Bitbucket: ${message}`, { kind: "parse", retryable: false });
    let url: URL;
    try {
      url = new URL(next, this.http.baseUrl);
    } catch {
      throw refuse(`malformed next link ${JSON.stringify(next.slice(0, 80))}`);
    }
    const base = this.http.baseUrl;
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw refuse(`the next link leaves the API (${url.origin}${url.pathname}); not followed`);
    }
    return url.href;
  }

  /**
   * A 401 names the credential that was sent and the other two; Bitbucket
   * answers every issue path of a repository without an issue tracker with a
   * 404: say what to do about it instead.
   */
  #explain(error: unknown): unknown {
    if (error instanceof HttpError && error.status === 401 && this.credential) {
      return new HttpError(`${error.message} — ${unauthorizedHint(this.credential)}`, {
        status: 401,
        kind: "http",
        retryable: false,
        body: error.body,
      });
    }
    if (
      !(error instanceof HttpError) || error.status !== 404 ||
      !/no issue tracker/i.test(`${error.body} ${error.message}`)
    ) {
      return error;
    }
    return new HttpError(
      `${this.workspace}/${this.repoSlug} has no issue tracker — enable it in the repository ` +
        "settings (Features → Issues) or choose another tracker in pace.config.yaml",
      { status: 404, kind: "http", retryable: false, body: error.body },
    );
  }

  /** The repository (fetched once per adapter; a failure is asked again next time). */
  repository(signal?: AbortSignal): Promise<Repository> {
    if (!this.#repository) {
      // An answer that is not a repository (`null`, say) is an error, never cached:
      // one bad answer must not fail every later poll of the wait.
      const pending = this.request<Repository>("GET", [], { signal }).then((repo) => {
        if (!isRecord(repo)) {
          throw new HttpError(`Bitbucket: the repository answer is not a repository`, {
            status: 200,
            kind: "parse",
            retryable: true,
          });
        }
        return repo;
      });
      this.#repository = pending;
      pending.catch(() => {
        if (this.#repository === pending) this.#repository = undefined;
      });
    }
    return this.#repository;
  }

  /** The repository's web page, e.g. `https://bitbucket.org/ws/repo` (from `links.html`). */
  async webRepoUrl(signal?: AbortSignal): Promise<string> {
    return webUrl(await this.repository(signal)).replace(/\/+$/, "");
  }
}
