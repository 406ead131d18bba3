/**
 * The connection every GitLab adapter shares: settings from the environment,
 * the shared HTTP core with the token in `PRIVATE-TOKEN` (sent only to the
 * configured origin), paths under the project, and pagination. The project
 * travels as its numeric id or as its full path in ONE URL-encoded segment
 * (`group%2Fsub%2Frepo`), which is how GitLab routes it.
 *
 * @module
 */

import {
  allPages,
  followLink,
  HttpClient,
  type JsonRequest,
  type NextPage,
} from "../_core/http.ts";
import type { ResolvedContext } from "../types.ts";
import { readGitLabSettings } from "./settings.ts";

/** GitLab caps descriptions near 1 MiB and notes at 1 000 000 characters; stay under both. */
export const BODY_LIMIT = 1_000_000;
const PER_PAGE = 100;
const MAX_PAGES = 50;

/** Query parameters of one request. */
export type Query = NonNullable<JsonRequest["query"]>;

/** A project as `GET /projects/:id` answers (the fields PACE reads). */
export interface Project {
  id: number;
  path_with_namespace: string;
  default_branch: string | null;
  web_url: string;
}

/**
 * GitLab's rule for the next page: `x-next-page` names it (empty on the
 * last page); without that header (past 10 000 rows, keyset pagination)
 * the `Link: rel="next"` URL does.
 */
function nextPage(path: string, query: Query): NextPage {
  return (state) => {
    const { answer, request } = state;
    const header = answer.headers.get("x-next-page");
    if (header === null) return followLink(state);
    const page = Number(header);
    const current = Number(request.query?.page ?? answer.url.searchParams.get("page") ?? 1);
    // A page that does not move forward would read the same page again.
    if (!header.trim() || !Number.isInteger(page) || page <= current) return undefined;
    return { path, query: { ...query, per_page: PER_PAGE, page } };
  };
}

/** One project on one GitLab instance, as the adapters talk to it. */
export class GitLabConnection {
  /** `GITLAB_URL/api/v4`. */
  readonly apiUrl: string;
  /** As configured: `group/sub/repo` or `123`. */
  readonly project: string;
  /** What keeps the settings from working; empty when they work. */
  readonly problems: readonly string[];
  /** The shared HTTP client, rooted at the API. */
  readonly http: HttpClient;
  readonly #projectSegment: string;

  /** Connect as the environment of `context` says; the token is masked before any request. */
  constructor(context: ResolvedContext) {
    const settings = readGitLabSettings(context.env, context);
    this.apiUrl = settings.apiUrl;
    this.project = settings.project;
    this.problems = settings.problems;
    this.#projectSegment = encodeURIComponent(settings.project);
    this.http = new HttpClient({
      baseUrl: settings.apiUrl,
      platform: "GitLab",
      secrets: context.secrets,
      fetch: context.fetch,
      logger: context.logger,
      credentials: settings.token ? { "private-token": settings.token } : {},
    });
  }

  /** `projects/<id or encoded path>[/rest]`, relative to the API root. */
  path(rest = ""): string {
    return `projects/${this.#projectSegment}${rest ? `/${rest}` : ""}`;
  }

  /** One request; the parsed body. */
  async send<T>(method: string, path: string, init: JsonRequest = {}): Promise<T> {
    return (await this.http.request<T>(method, path, init)).data;
  }

  /**
   * Every page of a list (`per_page=100`, at most `maxPages`), following
   * `x-next-page`, else `Link: rel="next"`. An answer that is not a list is
   * an error, never "nothing found": reading it as empty would create a
   * duplicate.
   */
  all<T>(
    path: string,
    query: Query = {},
    signal?: AbortSignal,
    maxPages = MAX_PAGES,
  ): Promise<T[]> {
    return allPages<T>(this.http, { path, query: { ...query, per_page: PER_PAGE, page: 1 } }, {
      platform: "GitLab",
      next: nextPage(path, query),
      signal,
      maxPages,
    });
  }

  /** The project: default branch, path, web URL. */
  projectInfo(): Promise<Project> {
    return this.send<Project>("GET", this.path());
  }
}
