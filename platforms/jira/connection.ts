/**
 * The connection the tracker and the probe share: settings from the
 * environment, the shared HTTP client, and Jira's endpoints in the dialect of
 * the deployment — Cloud (REST v3, ADF bodies, `/search/jql` with token
 * pagination; the old `/rest/api/3/search` answers 410) or Data Center/Server
 * (REST v2, wiki bodies, `/search` with `startAt`). With `JIRA_CLOUD_ID`,
 * Cloud's REST goes through Atlassian's gateway while links stay on
 * `JIRA_URL`. A refusal (401, 403, an unknown project or cloud id) gains a
 * hint saying what to change.
 *
 * @module
 */

import {
  allPages,
  HttpClient,
  HttpError,
  type JsonRequest,
  type JsonResponse,
  type NextPage,
} from "../_core/http.ts";
import { isRecord } from "../_core/json.ts";
import type { RenderedDoc } from "../_pace/render.ts";
import type { ResolvedContext } from "../types.ts";
import { type AdfDoc, toAdf } from "./adf.ts";
import { isJiraKey } from "./jql.ts";
import { CLOUD_ID_SOURCE, readJiraSettings } from "./settings.ts";
import { toJiraWiki } from "./wiki.ts";

/** Jira's text fields (description, comment) hold at most 32 767 characters. */
const BODY_LIMIT = 32_000;
/** Results per search page. */
const PAGE_SIZE = 50;
/** The most pages one listing reads. */
export const MAX_PAGES = 20;

/** A status, with the category that decides open or done. */
export interface JiraStatus {
  name?: string;
  statusCategory?: { key?: string; name?: string };
}

/** An issue as a search or a create answers it. */
export interface JiraIssue {
  id: string;
  key: string;
  fields?: {
    summary?: string;
    labels?: string[];
    status?: JiraStatus;
    project?: { key?: string };
  };
}

/** The configured project, as `GET /project/{key}` describes it. */
export interface JiraProject {
  id?: string;
  key: string;
  name?: string;
  issueTypes?: { name?: string; subtask?: boolean }[];
}

/** The same error with a hint appended, still an {@linkcode HttpError}. */
function withHint(error: HttpError, hint: string): HttpError {
  return new HttpError(`${error.message} \u2014 ${hint}`, {
    status: error.status,
    kind: error.kind,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    body: error.body,
  });
}

/** Jira's offset paging: the next `startAt` while fewer than `total` were read. */
const byOffset: NextPage = ({ answer, request, batch, count }) => {
  const total = isRecord(answer.data) ? Number(answer.data.total ?? 0) : 0;
  if (batch.length === 0 || !(count < total)) return undefined;
  return { path: request.path, query: { ...request.query, startAt: count } };
};

/** One project on one Jira, as the tracker talks to it. */
export class JiraConnection {
  /** `JIRA_URL` without trailing slashes (context path kept): where links point. */
  readonly baseUrl: string;
  /** Where REST calls go: `JIRA_URL`, or the gateway's `…/ex/jira/{cloudId}`. */
  readonly apiUrl: string;
  /** `JIRA_CLOUD_ID`, when REST goes through the gateway. */
  readonly cloudId: string | undefined;
  /** Jira Cloud (REST v3, ADF, Basic) rather than Data Center (REST v2, wiki, Bearer). */
  readonly cloud: boolean;
  /** `JIRA_PROJECT_KEY`, upper case. */
  readonly projectKey: string;
  readonly #context: ResolvedContext;
  readonly #authorization: string | undefined;
  #client: HttpClient | undefined;

  /** Connect as the environment of `context` says. */
  constructor(context: ResolvedContext) {
    this.#context = context;
    const settings = readJiraSettings(context.env, context);
    this.baseUrl = settings.url;
    this.apiUrl = settings.apiUrl;
    this.cloudId = settings.cloudId;
    this.cloud = settings.cloud;
    this.projectKey = settings.projectKey;
    this.#authorization = settings.authorization;
  }

  /** `Jira Cloud (REST v3)` or `Jira Data Center/Server (REST v2)`. */
  get flavour(): string {
    if (!this.cloud) return "Jira Data Center/Server (REST v2)";
    return this.cloudId ? "Jira Cloud (REST v3 through api.atlassian.com)" : "Jira Cloud (REST v3)";
  }

  // Built on first use: a connection whose settings are incomplete is never asked to send.
  get #http(): HttpClient {
    const { secrets, fetch, logger } = this.#context;
    this.#client ??= new HttpClient({
      baseUrl: `${this.apiUrl}/`,
      platform: "Jira",
      secrets,
      fetch,
      logger,
      headers: { accept: "application/json" },
      credentials: this.#authorization ? { authorization: this.#authorization } : {},
    });
    return this.#client;
  }

  /** `JIRA_URL/browse/KEY`. */
  browseUrl(key: string): string {
    return `${this.baseUrl}/browse/${encodeURIComponent(key)}`;
  }

  /** A body in the deployment's format: ADF on Cloud, wiki markup on Data Center. */
  render(doc: RenderedDoc): AdfDoc | string {
    return this.cloud
      ? toAdf(doc, { maxLength: BODY_LIMIT })
      : toJiraWiki(doc, { maxLength: BODY_LIMIT });
  }

  /** Send one request to `rest/api/{2|3}/path` (callers encode every part). */
  async request<T>(method: string, path: string, init: JsonRequest = {}): Promise<T> {
    return (await this.#send<T>(method, path, init)).data;
  }

  /** One request; the whole answer (a list's pages need its headers), refusals explained. */
  async #send<T>(method: string, path: string, init: JsonRequest): Promise<JsonResponse<T>> {
    const api = `rest/api/${this.cloud ? "3" : "2"}/${path}`;
    try {
      return await this.#http.request<T>(method, api, init);
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): unknown {
    if (!(error instanceof HttpError)) return error;
    const key = this.projectKey;
    if (error.status === 401) return withHint(error, this.#unauthorizedHint());
    if (error.status === 404 && this.cloudId && !/errorMessages/.test(error.body)) {
      // Jira's own 404s carry errorMessages; the gateway's, for a site it does not know, do not.
      return withHint(
        error,
        `api.atlassian.com found no Jira site with JIRA_CLOUD_ID ${this.cloudId}: ` +
          `use the cloud id of the site at JIRA_URL (${CLOUD_ID_SOURCE})`,
      );
    }
    if (error.status === 403) {
      return withHint(
        error,
        `the Jira account lacks a permission in project ${key} (it needs Browse projects, ` +
          "Create issues, Add comments and Transition issues)" +
          (this.cloud ? ", or Jira Cloud wants a CAPTCHA solved after failed logins" : ""),
      );
    }
    if (error.status === 400 && /does not exist for the field 'project'/i.test(error.body)) {
      return withHint(error, `JIRA_PROJECT_KEY "${key}" is not a project this account can see`);
    }
    return error;
  }

  #unauthorizedHint(): string {
    if (!this.cloud) {
      return "Jira did not accept JIRA_TOKEN: it must be a personal access token " +
        "(Profile \u2192 Personal Access Tokens); for Jira Cloud set JIRA_EMAIL too";
    }
    if (this.cloudId) {
      return "Jira Cloud (through api.atlassian.com) did not accept the credentials: JIRA_TOKEN " +
        "must be an API token (scoped tokens need Jira's read and write scopes) or a service " +
        "account's token, JIRA_EMAIL the email of that account or service account, and " +
        `JIRA_CLOUD_ID the cloud id of the site at JIRA_URL (${CLOUD_ID_SOURCE})`;
    }
    return "Jira Cloud did not accept the credentials: JIRA_TOKEN must be an API token " +
      "(id.atlassian.com \u2192 Security \u2192 API tokens) of the account whose email is " +
      "JIRA_EMAIL; a scoped API token or a service account's token is accepted only through " +
      `api.atlassian.com: set JIRA_CLOUD_ID too (${CLOUD_ID_SOURCE})`;
  }

  /** Every issue the JQL finds (up to {@linkcode MAX_PAGES} pages), with `fields`. */
  async search(jql: string, fields: string[]): Promise<JiraIssue[]> {
    const query = { jql, fields: fields.join(","), maxResults: PAGE_SIZE };
    // Cloud pages by token and leaves `nextPageToken` out on the last page
    // (JRACLOUD-92184); Data Center by offset against `total`.
    const next: NextPage = this.cloud
      ? ({ answer, request }) => {
        const data = isRecord(answer.data) ? answer.data : {};
        const token = typeof data.nextPageToken === "string" ? data.nextPageToken : "";
        if (data.isLast === true || !token) return undefined;
        return { path: request.path, query: { ...query, nextPageToken: token } };
      }
      : byOffset;
    const found = await allPages<JiraIssue>(
      { request: (method, path, init) => this.#send(method, path, init ?? {}) },
      {
        path: this.cloud ? "search/jql" : "search",
        query: this.cloud ? query : { ...query, startAt: 0 },
      },
      {
        platform: "Jira",
        pick: (data) => isRecord(data) ? data.issues : data,
        next,
        maxPages: MAX_PAGES,
      },
    );
    return found.filter((issue) => isJiraKey(issue?.key));
  }

  /**
   * Every comment at `path` (`issue/KEY/comment`), offset page by offset
   * page. An answer without its `comments` list is an error: read as "no
   * comment", it would post the same comment twice.
   */
  comments(path: string): Promise<{ body?: unknown }[]> {
    return allPages<{ body?: unknown }>(
      { request: (method, at, init) => this.#send(method, at, init ?? {}) },
      { path, query: { startAt: 0, maxResults: 100 } },
      {
        platform: "Jira",
        pick: (data) => isRecord(data) ? data.comments : data,
        next: byOffset,
        maxPages: MAX_PAGES,
      },
    );
  }

  /**
   * The issue `key` with `fields`, or `undefined` when Jira has none by that
   * key. Unlike Cloud's search, this read sees an issue the moment it exists.
   */
  async issue(key: string, fields: string[]): Promise<JiraIssue | undefined> {
    if (!isJiraKey(key)) throw new Error(`"${key}" is not a Jira issue key`);
    const issue = await this.request<JiraIssue | undefined>(
      "GET",
      `issue/${encodeURIComponent(key)}`,
      { query: { fields: fields.join(",") }, accept: [404] },
    );
    return isJiraKey(issue?.key) ? issue : undefined;
  }

  /** The configured project, as Jira describes it. */
  project(): Promise<JiraProject> {
    return this.request<JiraProject>("GET", `project/${encodeURIComponent(this.projectKey)}`);
  }
}
