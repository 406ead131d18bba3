/**
 * The connection every Gitea (and Forgejo) adapter shares: settings from the
 * environment, the shared HTTP core with `Authorization: token …` (sent only
 * to the instance's origin), paths under the repository, and Gitea's
 * pagination (`page`/`limit`, `X-Total-Count`, `Link`).
 *
 * @module
 */

import {
  allPages,
  hasNextLink,
  HttpClient,
  type JsonRequest,
  moreByTotalCount,
  notAListError,
  pageNumbers,
} from "../_core/http.ts";
import type { ResolvedContext } from "../types.ts";
import { readGiteaSettings } from "./settings.ts";

/** The largest page Gitea serves by default (`MAX_RESPONSE_ITEMS`). */
const PAGE_LIMIT = 50;
const MAX_PAGES = 50;
/**
 * Bodies are cut here: Gitea stores long text, but an agent's runaway
 * artifact should make no huge issue — and a body reads the same as on GitHub.
 */
export const BODY_LIMIT = 65_000;

/** Query parameters of one request. */
export type Query = NonNullable<JsonRequest["query"]>;

/** A repository as `GET /repos/{owner}/{repo}` answers (the fields PACE reads). */
export interface Repository {
  /** `owner/repo`. */
  full_name: string;
  /** Where review pull requests go; empty in a repository without commits. */
  default_branch: string;
  /** Whether it has no commit yet. */
  empty?: boolean;
}

/**
 * More pages while `X-Total-Count` says more items exist (a server may serve
 * smaller pages than asked), else while `Link` names a next page; never
 * after an empty page.
 */
const NEXT = pageNumbers((state) =>
  state.batch.length > 0 && (moreByTotalCount(state) ?? hasNextLink(state))
);

/** One repository on one Gitea or Forgejo instance, as the adapters talk to it. */
export class GiteaConnection {
  /** `GITEA_URL/api/v1`. */
  readonly apiUrl: string;
  /** `owner/repo`. */
  readonly fullName: string;
  /** What keeps the settings from working; empty when they work. */
  readonly problems: readonly string[];
  /** The shared HTTP client, rooted at the API. */
  readonly http: HttpClient;
  /** `Gitea` or `Forgejo`, for messages. */
  readonly title: string;
  readonly #repoPath: string;

  /** Connect as the environment of `context` says; the token is masked before any request. */
  constructor(context: ResolvedContext, title: string) {
    const settings = readGiteaSettings(context.env, context);
    this.apiUrl = settings.apiUrl;
    this.fullName = `${settings.owner}/${settings.repo}`;
    this.problems = settings.problems;
    this.title = title;
    this.#repoPath = `repos/${encodeURIComponent(settings.owner)}/${
      encodeURIComponent(settings.repo)
    }`;
    this.http = new HttpClient({
      // Without a usable URL nothing is sent; the guard answers first.
      baseUrl: settings.apiUrl || "http://gitea.invalid/api/v1",
      platform: title,
      secrets: context.secrets,
      fetch: context.fetch,
      logger: context.logger,
      credentials: settings.token ? { authorization: `token ${settings.token}` } : {},
    });
  }

  /** `repos/{owner}/{repo}[/rest]`, relative to the API root; `rest`'s parts already encoded. */
  path(rest = ""): string {
    return rest ? `${this.#repoPath}/${rest}` : this.#repoPath;
  }

  /** One request; the parsed body. */
  async send<T>(method: string, path: string, init: JsonRequest = {}): Promise<T> {
    return (await this.http.request<T>(method, path, init)).data;
  }

  /** A GET that answers `undefined` for 404. */
  async find<T>(path: string, init: JsonRequest = {}): Promise<T | undefined> {
    const answer = await this.http.request<T>("GET", path, { ...init, accept: [404] });
    return answer.status === 404 ? undefined : answer.data;
  }

  /**
   * Every page of a list, `limit=50`: more pages while `X-Total-Count` says
   * more items exist (a server may serve smaller pages than asked), else
   * while `Link` names a next page. `pick` finds the list in an answer that
   * wraps it. An answer that is not a list is an error, never "nothing
   * found": reading it as empty would create a duplicate.
   */
  all<T>(
    path: string,
    query: Query = {},
    signal?: AbortSignal,
    maxPages = MAX_PAGES,
    pick: (data: unknown) => unknown = (data) => data,
  ): Promise<T[]> {
    return allPages<T>(this.http, { path, query: { ...query, page: 1, limit: PAGE_LIMIT } }, {
      platform: this.title,
      next: NEXT,
      signal,
      maxPages,
      pick,
    });
  }

  /** `data` as a list, or a clear error. */
  list<T>(data: unknown, what: string): T[] {
    if (!Array.isArray(data)) throw notAListError(this.title, `GET ${what}`);
    return data as T[];
  }

  /** The repository: default branch, full name. */
  repository(): Promise<Repository> {
    return this.send<Repository>("GET", this.path());
  }
}
