/**
 * The `jira` platform: Jira as PACE's tracker (it has no CI side, so a config
 * naming it as `platform.ci` is refused).
 *
 * - **Jira Cloud** when `JIRA_EMAIL` is set: REST v3, Basic
 *   `JIRA_EMAIL:JIRA_TOKEN` (an Atlassian API token), descriptions and
 *   comments in Atlassian Document Format, search through
 *   `/rest/api/3/search/jql` with token pagination (Cloud removed the old
 *   `/rest/api/3/search`; it answers 410).
 * - **Jira Data Center / Server** otherwise: REST v2, `Bearer JIRA_TOKEN` (a
 *   personal access token), wiki-markup bodies, `/rest/api/2/search` with
 *   `startAt` pagination. `JIRA_URL` may carry a context path
 *   (`https://jira.example.com/jira`).
 *
 * Every create searches first (project, all of the item's labels, status
 * category not Done; every JQL value quoted and escaped) and returns the
 * existing issue's `JIRA_URL/browse/KEY` instead of a duplicate — also after a
 * create that Jira performed but answered 5xx. Bodies come from the shared
 * section model (`_items.ts`), rendered with `toAdf` or `toJiraWiki`.
 *
 * @module
 */

import { readTicketRef, writeTicketRef } from "./_pace/artifacts.ts";
import { ensureItem } from "./_pace/ensure.ts";
import { envValue, hostsOf } from "./_core/settings.ts";
import { HttpClient, HttpError, type JsonRequest } from "./_core/http.ts";
import {
  advisoryPlan,
  escalationPlan,
  handoffPlan,
  type ItemPlan,
  storyPlan,
} from "./_pace/plans.ts";
import { marker, storyLabels } from "./_pace/names.ts";
import { type AdfDoc, type RenderedDoc, toAdf, toJiraWiki } from "./_pace/render.ts";
import { checkStoryStatus } from "./_pace/tickets.ts";
import { BaseTrackerAdapter } from "./base.ts";
import type { AdvisoryItem, PlatformDefinition, ResolvedContext, StoryStatus } from "./types.ts";

/**
 * Issue types and priorities used when the `JIRA_*_ISSUE_TYPE` /
 * `JIRA_*_PRIORITY` variables are not set (SPEC §4). The story carries no
 * priority: Jira gives it the project's default.
 *
 * @example
 * ```ts
 * import { JIRA_ISSUE_DEFAULTS } from "@pace/platforms";
 * console.log(JIRA_ISSUE_DEFAULTS.hold); // { issueType: "Bug", priority: "High" }
 * ```
 */
export const JIRA_ISSUE_DEFAULTS: {
  readonly hold: { readonly issueType: string; readonly priority: string };
  readonly advisory: { readonly issueType: string; readonly priority: string };
  readonly story: { readonly issueType: string };
  readonly review: { readonly issueType: string };
} = {
  hold: { issueType: "Bug", priority: "High" },
  advisory: { issueType: "Task", priority: "Medium" },
  story: { issueType: "Story" },
  review: { issueType: "Task" },
};

/** Jira's text fields (description, comment) hold at most 32 767 characters. */
const BODY_LIMIT = 32_000;
const PAGE_SIZE = 50;
const MAX_PAGES = 20;
const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-\d+$/;
const PROJECT_KEY = /^[A-Z][A-Z0-9_]+$/;
/** Done-category transitions that close without doing the work: the last resort for `done`. */
const NOT_DONE_WORDS =
  /\b(won'?t|wont|cancel(l?ed)?|reject(ed)?|invalid|duplicate|declined?|obsolete|abandon(ed)?)\b/i;

/** The variables Jira needs; `JIRA_EMAIL` additionally selects Cloud. */
const REQUIRED = ["JIRA_URL", "JIRA_TOKEN", "JIRA_PROJECT_KEY"] as const;

/**
 * Whether `value` is a Jira issue key such as `PACE-12`. Anything else (a
 * path, a URL, a lowercase key) is never sent to Jira as a path part.
 */
export function isJiraKey(value: unknown): value is string {
  return typeof value === "string" && ISSUE_KEY.test(value);
}

/**
 * A JQL string literal: `value` in double quotes, with `\`, `"` and control
 * characters escaped, so no label or key can change the query's structure.
 * `jqlString('say "hi"')` is `"say \"hi\""`.
 */
export function jqlString(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => {
    switch (c) {
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return `\\${c}`;
    }
  });
  return `"${escaped}"`;
}

/**
 * The JQL that finds PACE's item: an issue of `projectKey` carrying every one
 * of `labels`; with `openOnly` (the default) only one whose status category is
 * not Done. Every value is quoted and escaped.
 * `itemJql("PACE", ["pace-hold", "pace-day-3"])` is
 * `project = "PACE" AND labels = "pace-hold" AND labels = "pace-day-3" AND statusCategory != "Done"`.
 */
export function itemJql(projectKey: string, labels: readonly string[], openOnly = true): string {
  const clauses = [
    `project = ${jqlString(projectKey)}`,
    ...labels.map((label) => `labels = ${jqlString(label)}`),
  ];
  if (openOnly) clauses.push(`statusCategory != ${jqlString("Done")}`);
  return clauses.join(" AND ");
}

/** One workflow transition, as `GET /issue/{key}/transitions` lists it. */
export interface JiraTransition {
  /** Transition id, sent back to perform it. */
  id: string;
  /** Its name, e.g. `Done`, `Won't Do`, `Start Progress`. */
  name: string;
  /** The status it leads to. */
  to?: { name?: string; statusCategory?: { key?: string; name?: string } };
  /** Cloud: `false` when a condition hides it from this user. */
  isAvailable?: boolean;
}

function normalizeName(name: string | undefined): string {
  return (name ?? "").trim().replace(/\s+/g, " ").toLowerCase();
}

/**
 * The transition that moves an issue to `status` (SPEC §10): for `done` the
 * one named `Done` (any case), else one into a status named Done, else one
 * into the Done category that does not read like a rejection, else any into
 * the Done category — so `Won't Do` is never taken while `Done` exists. For
 * `in_progress` the one named `In Progress`, else one into a status named In
 * Progress, else one into the In Progress (`indeterminate`) category.
 */
export function pickTransition(
  transitions: readonly JiraTransition[],
  status: StoryStatus,
): JiraTransition | undefined {
  const usable = transitions.filter((t) =>
    t && typeof t.id === "string" && t.id !== "" && t.isAvailable !== false
  );
  const wanted = status === "done" ? "done" : "in progress";
  const category = status === "done" ? "done" : "indeterminate";
  const byName = usable.find((t) => normalizeName(t.name) === wanted);
  if (byName) return byName;
  const inCategory = usable.filter((t) => t.to?.statusCategory?.key === category);
  const byStatus = inCategory.find((t) => normalizeName(t.to?.name) === wanted);
  if (byStatus) return byStatus;
  if (status === "done") {
    const positive = inCategory.find((t) =>
      !NOT_DONE_WORDS.test(t.name) && !NOT_DONE_WORDS.test(t.to?.name ?? "")
    );
    if (positive) return positive;
  }
  return inCategory[0];
}

/** The text of a comment body: a wiki string as it is, an ADF document's text nodes joined. */
function commentText(body: unknown): string {
  if (typeof body === "string") return body;
  const parts: string[] = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > 64 || !node || typeof node !== "object") return;
    const { text, content } = node as { text?: unknown; content?: unknown };
    if (typeof text === "string") parts.push(text);
    if (Array.isArray(content)) { for (const child of content) walk(child, depth + 1); }
  };
  walk(body, 0);
  return parts.join("\n");
}

/** Whether `text` holds `mark` as a whole token (`…day-1` is not in `…day-12`). */
function holdsMarker(text: string, mark: string): boolean {
  let from = 0;
  while (true) {
    const index = text.indexOf(mark, from);
    if (index < 0) return false;
    const next = text[index + mark.length] ?? "";
    if (!/[\w-]/.test(next)) return true;
    from = index + 1;
  }
}

/**
 * The handoff comment with a visible marker line in front. ADF has no hidden
 * comments, so the marker is shown; it leads the comment because a body cut
 * to Jira's size limit loses its tail, never its first section.
 */
function withMarkerLine(doc: RenderedDoc): RenderedDoc {
  return {
    ...doc,
    sections: [
      {
        blocks: [{
          type: "paragraph",
          content: ["Posted by PACE \u00b7 ", { text: doc.marker, code: true }],
        }],
      },
      ...doc.sections,
    ],
  };
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Jira's `{"errorMessages": [...], "errors": {...}}`, read from an error body. */
function jiraErrors(body: string): { messages: string[]; errors: Record<string, string> } {
  try {
    const data = JSON.parse(body) as { errorMessages?: unknown; errors?: unknown };
    const messages = Array.isArray(data.errorMessages)
      ? data.errorMessages.filter((m): m is string => typeof m === "string")
      : [];
    const errors: Record<string, string> = {};
    if (data.errors && typeof data.errors === "object") {
      for (const [k, v] of Object.entries(data.errors)) if (typeof v === "string") errors[k] = v;
    }
    return { messages, errors };
  } catch {
    return { messages: [], errors: {} };
  }
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

interface JiraStatus {
  name?: string;
  statusCategory?: { key?: string; name?: string };
}

interface JiraIssue {
  id: string;
  key: string;
  fields?: { summary?: string; labels?: string[]; status?: JiraStatus };
}

interface JiraComment {
  id?: string;
  body?: unknown;
}

interface JiraProject {
  id?: string;
  key: string;
  name?: string;
  issueTypes?: { name?: string; subtask?: boolean }[];
}

/** Which PACE item a create is for: decides the issue type, the priority and their variables. */
type ItemKind = "hold" | "advisory" | "story";

interface KindSettings {
  issueType: string;
  issueTypeVar: string;
  priority?: string;
  priorityVar?: string;
}

/**
 * The connection the adapter and the probe share: settings from the
 * environment, the shared HTTP client, and Jira's endpoints in the dialect of
 * the deployment (Cloud v3 or Data Center v2).
 */
class JiraConnection {
  /** `JIRA_URL` without trailing slashes (context path kept). */
  readonly baseUrl: string;
  /** Jira Cloud (REST v3, ADF, Basic) rather than Data Center (REST v2, wiki, Bearer). */
  readonly cloud: boolean;
  /** `JIRA_PROJECT_KEY`, upper case. */
  readonly projectKey: string;
  /** Why nothing can be sent, when a setting is missing or malformed. */
  readonly missing: string | undefined;
  readonly #context: ResolvedContext;
  readonly #http: HttpClient;

  constructor(context: ResolvedContext) {
    this.#context = context;
    const { env, secrets } = context;
    const token = envValue(env, "JIRA_TOKEN");
    const email = envValue(env, "JIRA_EMAIL");
    // Register before anything can fail: the Basic pair's base64 is the header value.
    secrets.add(token);
    if (email && token) secrets.add(`${email}:${token}`);
    this.cloud = email !== undefined;
    const rawUrl = envValue(env, "JIRA_URL") ?? "";
    this.baseUrl = rawUrl.replace(/\/+$/, "");
    this.projectKey = (envValue(env, "JIRA_PROJECT_KEY") ?? "").toUpperCase();

    const unset = REQUIRED.filter((name) => !envValue(env, name));
    let problem: string | undefined;
    if (unset.length) {
      problem = `${unset.join(", ")} ${unset.length === 1 ? "is" : "are"} not set ` +
        "(Jira needs JIRA_URL, JIRA_TOKEN and JIRA_PROJECT_KEY, and JIRA_EMAIL for Jira Cloud)";
    } else {
      problem = urlProblem(this.baseUrl) ??
        (PROJECT_KEY.test(this.projectKey)
          ? undefined
          : `JIRA_PROJECT_KEY must be a project key like PACE (letters, digits, _), got "${
            envValue(env, "JIRA_PROJECT_KEY")
          }"`);
    }
    this.missing = problem;
    const credentials: Record<string, string> = !token
      ? {}
      : email
      ? { authorization: `Basic ${base64(`${email}:${token}`)}` }
      : { authorization: `Bearer ${token}` };
    this.#http = new HttpClient({
      baseUrl: problem ? "http://jira.invalid/" : `${this.baseUrl}/`,
      platform: "Jira",
      secrets,
      fetch: context.fetch,
      logger: context.logger,
      headers: { accept: "application/json" },
      credentials,
    });
  }

  /** `Jira Cloud (REST v3)` or `Jira Data Center/Server (REST v2)`. */
  get flavour(): string {
    return this.cloud ? "Jira Cloud (REST v3)" : "Jira Data Center/Server (REST v2)";
  }

  /** `rest/api/{2|3}/…`: callers encode every part. */
  #api(path: string): string {
    return `rest/api/${this.cloud ? "3" : "2"}/${path}`;
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

  /** Send one request; a 4xx gains a hint saying what to change. */
  async request<T>(method: string, path: string, init: JsonRequest = {}): Promise<T> {
    try {
      return (await this.#http.request<T>(method, this.#api(path), init)).data;
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): unknown {
    if (!(error instanceof HttpError)) return error;
    const key = this.projectKey;
    if (error.status === 401) {
      return withHint(
        error,
        this.cloud
          ? "Jira Cloud did not accept the credentials: JIRA_TOKEN must be an API token " +
            "(id.atlassian.com \u2192 Security \u2192 API tokens) of the account whose email is JIRA_EMAIL"
          : "Jira did not accept JIRA_TOKEN: it must be a personal access token " +
            "(Profile \u2192 Personal Access Tokens); for Jira Cloud set JIRA_EMAIL too",
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
      return withHint(
        error,
        `JIRA_PROJECT_KEY "${key}" is not a project this account can see`,
      );
    }
    return error;
  }

  /** Every issue the JQL finds (up to 20 pages), with `fields`. */
  async search(jql: string, fields: string[]): Promise<JiraIssue[]> {
    const found: JiraIssue[] = [];
    const query = { jql, fields: fields.join(","), maxResults: PAGE_SIZE };
    if (this.cloud) {
      let nextPageToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const data = await this.request<
          { issues?: JiraIssue[]; nextPageToken?: string | null; isLast?: boolean }
        >("GET", "search/jql", { query: { ...query, nextPageToken } });
        found.push(...(data?.issues ?? []));
        // Cloud leaves nextPageToken out on the last page (JRACLOUD-92184).
        nextPageToken = data?.nextPageToken ?? undefined;
        if (data?.isLast === true || !nextPageToken) break;
      }
    } else {
      let startAt = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        const data = await this.request<{ issues?: JiraIssue[]; total?: number }>(
          "GET",
          "search",
          { query: { ...query, startAt } },
        );
        const batch = data?.issues ?? [];
        found.push(...batch);
        startAt += batch.length;
        if (batch.length === 0 || startAt >= (data?.total ?? 0)) break;
      }
    }
    return found.filter((issue) => isJiraKey(issue?.key));
  }

  /** PACE's open issue carrying every one of `labels`, if any. */
  async findOpen(labels: string[]): Promise<JiraIssue | undefined> {
    const issues = await this.search(itemJql(this.projectKey, labels), [
      "summary",
      "status",
      "labels",
    ]);
    // The JQL already filters; this guards against a Jira that ignores a clause.
    return issues.find((issue) => issue.fields?.status?.statusCategory?.key !== "done");
  }

  /** The day's story issue in any status: an open one first, else the newest. */
  async findStory(day: number): Promise<JiraIssue | undefined> {
    const issues = await this.search(itemJql(this.projectKey, storyLabels(day), false), [
      "summary",
      "status",
    ]);
    const number = (issue: JiraIssue) => Number(issue.key.split("-").pop());
    const newestFirst = [...issues].sort((a, b) => number(b) - number(a));
    return newestFirst.find((i) => i.fields?.status?.statusCategory?.key !== "done") ??
      newestFirst[0];
  }

  /** The configured project, as Jira describes it. */
  project(): Promise<JiraProject> {
    return this.request<JiraProject>("GET", `project/${encodeURIComponent(this.projectKey)}`);
  }

  /** Find the open issue for `plan`, else create it. */
  ensureIssue(what: string, plan: ItemPlan, settings: KindSettings): Promise<JiraIssue> {
    return ensureItem({
      what,
      logger: this.#context.logger,
      find: () => this.findOpen(plan.labels),
      create: () => this.#create(what, plan, settings),
    });
  }

  async #create(what: string, plan: ItemPlan, settings: KindSettings): Promise<JiraIssue> {
    const logger = this.#context.logger;
    const fields: Record<string, unknown> = {
      project: { key: this.projectKey },
      summary: plan.title,
      issuetype: { name: settings.issueType },
      labels: plan.labels,
      description: this.render(plan.doc),
    };
    if (settings.priority) fields.priority = { name: settings.priority };
    let issue: JiraIssue;
    try {
      issue = await this.request<JiraIssue>("POST", "issue", { json: { fields } });
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 400) throw error;
      const { errors, messages } = jiraErrors(error.body);
      const onlyPriority = Object.keys(errors).length === 1 && errors.priority !== undefined;
      if (
        onlyPriority && fields.priority &&
        /cannot be set|not on the appropriate screen/i.test(errors.priority)
      ) {
        // A 400 is a create Jira did not perform: sending it again cannot duplicate.
        logger.warn(
          `${what}: project ${this.projectKey} has no priority field on its create screen ` +
            `(${errors.priority}); creating it without ${settings.priorityVar}`,
        );
        delete fields.priority;
        issue = await this.request<JiraIssue>("POST", "issue", { json: { fields } });
      } else {
        throw await this.#createError(error, settings, errors, messages);
      }
    }
    if (!isJiraKey(issue?.key)) {
      throw new Error(`Jira answered the create without an issue key: ${JSON.stringify(issue)}`);
    }
    logger.info(`${what}: created ${issue.key} ${this.browseUrl(issue.key)}`);
    return issue;
  }

  /** Turn a 400 on create into a message naming the variable to change. */
  async #createError(
    error: HttpError,
    settings: KindSettings,
    errors: Record<string, string>,
    messages: string[],
  ): Promise<Error> {
    const key = this.projectKey;
    const hints: string[] = [];
    if (errors.issuetype !== undefined) {
      let available = "";
      try {
        const project = await this.project();
        const names = (project.issueTypes ?? []).filter((t) => !t.subtask).map((t) => t.name)
          .filter((n): n is string => typeof n === "string");
        if (names.length) available = ` (it has: ${names.join(", ")})`;
      } catch {
        // The list is only a hint.
      }
      hints.push(
        `issue type "${settings.issueType}" is not available: set ${settings.issueTypeVar} ` +
          `to an issue type of project ${key}${available}`,
      );
    }
    if (errors.priority !== undefined && settings.priorityVar) {
      hints.push(
        `priority "${settings.priority}" is not accepted: set ${settings.priorityVar} ` +
          `to a priority of project ${key}`,
      );
    }
    if (errors.project !== undefined) {
      hints.push(`check JIRA_PROJECT_KEY ("${key}") and the account's Create issues permission`);
    }
    const detail = JSON.stringify(errors) !== "{}"
      ? JSON.stringify(errors)
      : messages.join("; ") || error.body;
    return new Error(
      `Jira refused the issue (400): ${detail}${hints.length ? ` \u2014 ${hints.join("; ")}` : ""}`,
    );
  }

  /** The issue's current status. */
  async statusOf(key: string): Promise<JiraStatus | undefined> {
    const data = await this.request<{ fields?: { status?: JiraStatus } }>(
      "GET",
      `issue/${encodeURIComponent(key)}`,
      { query: { fields: "status" } },
    );
    return data?.fields?.status;
  }

  /** The transitions Jira offers for the issue now. */
  async transitions(key: string): Promise<JiraTransition[]> {
    const data = await this.request<{ transitions?: JiraTransition[] }>(
      "GET",
      `issue/${encodeURIComponent(key)}/transitions`,
    );
    return Array.isArray(data?.transitions) ? data.transitions : [];
  }

  /** Perform one transition. */
  async transition(key: string, id: string): Promise<void> {
    await this.request("POST", `issue/${encodeURIComponent(key)}/transitions`, {
      json: { transition: { id } },
    });
  }

  /** Every comment of the issue (up to 20 pages). */
  async comments(key: string): Promise<JiraComment[]> {
    const comments: JiraComment[] = [];
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data = await this.request<{ comments?: JiraComment[]; total?: number }>(
        "GET",
        `issue/${encodeURIComponent(key)}/comment`,
        { query: { startAt, maxResults: 100 } },
      );
      const batch = data?.comments ?? [];
      comments.push(...batch);
      startAt += batch.length;
      if (batch.length === 0 || startAt >= (data?.total ?? 0)) break;
    }
    return comments;
  }

  /** Add a comment in the deployment's body format. */
  async addComment(key: string, doc: RenderedDoc): Promise<void> {
    await this.request("POST", `issue/${encodeURIComponent(key)}/comment`, {
      json: { body: this.render(doc) },
    });
  }
}

function urlProblem(url: string): string | undefined {
  const expected = "the Jira base URL like https://acme.atlassian.net or " +
    "https://jira.example.com/jira";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `JIRA_URL must be ${expected}, got "${url}"`;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return `JIRA_URL must be ${expected} (http or https), got "${url}"`;
  }
  if (parsed.username || parsed.password) {
    return "JIRA_URL must not carry credentials: use JIRA_EMAIL and JIRA_TOKEN";
  }
  if (parsed.search || parsed.hash) {
    return `JIRA_URL must be ${expected}, without a query or fragment`;
  }
  return undefined;
}

/**
 * Jira as PACE's tracker: escalations, advisories and story issues, each found
 * by JQL before anything is created; the story moved through the workflow's
 * own transitions; the handoff commented once.
 *
 * @example
 * ```ts
 * import { getTrackerAdapter } from "@pace/platforms";
 * const tracker = getTrackerAdapter("jira", {
 *   env: {
 *     JIRA_URL: "https://acme.atlassian.net",
 *     JIRA_EMAIL: "pace-bot@acme.example",
 *     JIRA_TOKEN: "ATATT-example",
 *     JIRA_PROJECT_KEY: "PACE",
 *   },
 * });
 * const url = await tracker.openEscalationIssue(3, ".pace/day-3"); // https://acme.atlassian.net/browse/PACE-7
 * ```
 */
export class JiraTrackerAdapter extends BaseTrackerAdapter {
  /** The registered platform name. */
  readonly platform = "jira";
  readonly #jira: JiraConnection;

  /** Build from a resolved context (use the factory: `getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#jira = new JiraConnection(context);
    if (this.#jira.missing) this.disable(this.#jira.missing);
    else this.logger.debug(`${this.#jira.flavour} at ${this.#jira.baseUrl}`);
    if (envValue(this.env, "JIRA_REVIEW_ISSUE_TYPE")) {
      this.logger.info(
        "JIRA_REVIEW_ISSUE_TYPE is not used: Jira is tracker-only, the review gate is a " +
          "pull request on the CI platform",
      );
    }
  }

  /** `true` for Jira Cloud (REST v3), `false` for Data Center/Server (REST v2). */
  get cloud(): boolean {
    return this.#jira.cloud;
  }

  #settings(kind: ItemKind): KindSettings {
    const upper = kind.toUpperCase();
    const issueTypeVar = `JIRA_${upper}_ISSUE_TYPE`;
    const settings: KindSettings = {
      issueTypeVar,
      issueType: envValue(this.env, issueTypeVar) ?? JIRA_ISSUE_DEFAULTS[kind].issueType,
    };
    if (kind !== "story") {
      const priorityVar = `JIRA_${upper}_PRIORITY`;
      settings.priorityVar = priorityVar;
      settings.priority = envValue(this.env, priorityVar) ?? JIRA_ISSUE_DEFAULTS[kind].priority;
    }
    return settings;
  }

  /** Open (or find) the HOLD escalation for a day; its browse URL. */
  openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string> {
    return this.safely("open escalation", "", async () => {
      const plan = await escalationPlan(day, this.path(dayDir), this.logger, holdReason);
      const issue = await this.#jira.ensureIssue(
        `escalation for day ${day}`,
        plan,
        this.#settings("hold"),
      );
      return this.#jira.browseUrl(issue.key);
    });
  }

  /** File one agent's findings for a day; `""` for an empty list. */
  pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string> {
    return this.safely("push advisory items", "", async () => {
      const plan = advisoryPlan(day, items, agent);
      if (!plan) return "";
      const issue = await this.#jira.ensureIssue(
        `advisory for day ${day} (${agent})`,
        plan,
        this.#settings("advisory"),
      );
      return this.#jira.browseUrl(issue.key);
    });
  }

  /** Mirror the day's story card as an issue and record its key in `story-ticket.yaml`. */
  pushStory(day: number, dayDir: string): Promise<string> {
    return this.safely("push story", "", async () => {
      const dir = this.path(dayDir);
      const recorded = await readTicketRef(dir);
      if (recorded?.platform === "jira" && recorded.key !== undefined) {
        if (isJiraKey(recorded.key)) return recorded.url;
        this.logger.warn(
          `story-ticket.yaml holds key ${
            JSON.stringify(recorded.key)
          }, not a Jira issue key; looking the story up by its labels instead`,
        );
      }
      const plan = await storyPlan(day, dir, this.logger);
      const issue = await this.#jira.ensureIssue(
        `story for day ${day}`,
        plan,
        this.#settings("story"),
      );
      const url = this.#jira.browseUrl(issue.key);
      await writeTicketRef(dir, { url, key: issue.key, platform: "jira" });
      return url;
    });
  }

  /** The story issue's key: from `story-ticket.yaml` (validated), else by its labels. */
  async #storyKey(day: number, dayDir: string): Promise<string> {
    const recorded = await readTicketRef(this.path(dayDir));
    if (recorded?.platform === "jira" && recorded.key !== undefined) {
      if (!isJiraKey(recorded.key)) {
        throw new Error(
          `story-ticket.yaml holds key ${
            JSON.stringify(recorded.key)
          }, not a Jira issue key like ${this.#jira.projectKey}-12; refusing to use it`,
        );
      }
      return recorded.key;
    }
    const found = await this.#jira.findStory(day);
    if (!found) {
      throw new Error(
        `no story issue for day ${day} in project ${this.#jira.projectKey}: run push-story first`,
      );
    }
    return found.key;
  }

  /** Move `key` to `status` through the workflow's own transitions. */
  async #move(key: string, status: StoryStatus, what: string): Promise<void> {
    const jira = this.#jira;
    const current = await jira.statusOf(key);
    const category = current?.statusCategory?.key;
    if (category === (status === "done" ? "done" : "indeterminate")) {
      this.logger.info(`${what} ${key} is already ${current?.name ?? status}`);
      return;
    }
    const transitions = await jira.transitions(key);
    let chosen = pickTransition(transitions, status);
    if (!chosen && status === "in_progress" && category === "done") {
      // No way straight into In Progress: reopening is the closest move.
      const reopen = transitions.filter((t) =>
        t.isAvailable !== false && t.to?.statusCategory?.key === "new"
      );
      chosen = reopen.find((t) => /reopen/i.test(t.name)) ?? reopen[0];
    }
    if (!chosen) {
      const names = transitions.map((t) => `"${t.name}"`).join(", ") || "none";
      throw new Error(
        `${what} ${key}: no transition leads to ${
          status === "done" ? "Done" : "In Progress"
        } from "${current?.name ?? "?"}" (available: ${names})`,
      );
    }
    await jira.transition(key, chosen.id);
    this.logger.info(
      `${what} ${key}: "${chosen.name}" \u2192 ${chosen.to?.name ?? status} (${status})`,
    );
  }

  /** Transition the story issue to Done (`done`) or In Progress (`in_progress`). */
  updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<void> {
    return this.safely("update story status", undefined, async () => {
      checkStoryStatus(status);
      const key = await this.#storyKey(day, dayDir);
      await this.#move(key, status, `story for day ${day}`);
    });
  }

  /** Comment the day's handoff note on the story issue, once. */
  postHandoffComment(day: number, dayDir: string): Promise<void> {
    return this.safely("post handoff comment", undefined, async () => {
      const doc = await handoffPlan(day, this.path(dayDir), this.logger);
      const key = await this.#storyKey(day, dayDir);
      const mark = marker("handoff", day);
      const comments = await this.#jira.comments(key);
      if (comments.some((c) => holdsMarker(commentText(c.body), mark))) {
        this.logger.info(`handoff for day ${day}: already on ${key}`);
        return;
      }
      await this.#jira.addComment(key, withMarkerLine(doc));
      this.logger.info(`handoff for day ${day}: commented on ${key}`);
    });
  }

  /** Transition the plan issue `JIRA_PROJECT_KEY-N` to Done. */
  override closePlanIssue(issueNumber: number): Promise<void> {
    return this.safely(`close plan issue ${issueNumber}`, undefined, async () => {
      if (!Number.isInteger(issueNumber) || issueNumber < 1) {
        throw new Error(`issue number must be a whole number ≥ 1, got ${issueNumber}`);
      }
      const key = `${this.#jira.projectKey}-${issueNumber}`;
      if (!isJiraKey(key)) throw new Error(`"${key}" is not a Jira issue key`);
      await this.#move(key, "done", "plan issue");
    });
  }
}

/**
 * The `jira` platform definition: tracker only.
 *
 * @example
 * ```ts
 * import { jiraPlatform } from "@pace/platforms";
 * console.log(jiraPlatform.hosts({ JIRA_URL: "https://jira.example.com:8443/jira" }));
 * // ["jira.example.com:8443"]
 * ```
 */
export const jiraPlatform: PlatformDefinition = {
  name: "jira",
  title: "Jira",
  env: [
    "JIRA_URL",
    "JIRA_TOKEN",
    "JIRA_EMAIL",
    "JIRA_PROJECT_KEY",
    "JIRA_HOLD_ISSUE_TYPE",
    "JIRA_HOLD_PRIORITY",
    "JIRA_ADVISORY_ISSUE_TYPE",
    "JIRA_ADVISORY_PRIORITY",
    "JIRA_STORY_ISSUE_TYPE",
    "JIRA_REVIEW_ISSUE_TYPE",
  ],
  secretEnv: ["JIRA_TOKEN"],
  hosts: (env) => hostsOf(envValue(env, "JIRA_URL")),
  missing: (env) => REQUIRED.filter((name) => !envValue(env, name)),
  tracker: (context) => new JiraTrackerAdapter(context),
  probe: async (context) => {
    const jira = new JiraConnection(context);
    if (jira.missing) return { ok: false, detail: jira.missing };
    try {
      const project = await jira.project();
      return {
        ok: true,
        detail: `project ${project.key}${
          project.name ? ` (${project.name})` : ""
        } reachable at ${jira.baseUrl} \u2014 ${jira.flavour}`,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const hint = error instanceof HttpError && error.status === 404
        ? ` \u2014 no project ${jira.projectKey} visible to this account: check JIRA_PROJECT_KEY`
        : "";
      return { ok: false, detail: context.secrets.redact(`${message}${hint}`) };
    }
  },
};
