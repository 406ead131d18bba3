/**
 * A local Jira REST server for tests, in two modes:
 *
 * - `cloud`: Jira Cloud's REST v3 — Basic `email:token`, ADF descriptions and
 *   comments (validated structurally: `doc`/version 1, allowed node types and
 *   children, no empty text nodes, allowed mark combinations; a plain string
 *   answers Jira's `Operation value must be an Atlassian Document` 400),
 *   `GET`/`POST /rest/api/3/search/jql` with `nextPageToken` pagination
 *   (`issues`, `nextPageToken`, `isLast`, `reconcileIssues`), and the removed
 *   `/rest/api/3/search` answering 410 Gone. Like Cloud, its search can lag
 *   writes ({@linkcode FakeJira.searchLag}: a new issue stays out of the next
 *   N searches, or until {@linkcode FakeJira.settle}) while a read by key,
 *   and a search naming the issue's id in `reconcileIssues`, see it at once.
 *   It also answers as Atlassian's gateway does, under
 *   `/ex/jira/{cloudId}` (a wrong cloud id: 404), and with
 *   {@linkcode FakeJira.scopedToken} refuses the token anywhere else (401),
 *   as Jira does for scoped API tokens and service accounts.
 * - `datacenter`: Jira Data Center's REST v2 — `Authorization: Bearer <PAT>`,
 *   wiki-markup string bodies, `/rest/api/2/search` with
 *   `startAt`/`maxResults`/`total`.
 *
 * Both serve under an optional context path (`JIRA_URL` =
 * `http://127.0.0.1:PORT/jira`), evaluate the JQL PACE sends (`project = "X"
 * AND labels = "a" AND statusCategory != "Done"`, quoted/escaped values,
 * `OR`, parentheses, `IN`, `ORDER BY`), keep issue types, priorities and a
 * workflow per project, and answer with Jira's status codes and error bodies.
 *
 * ```ts
 * await using jira = FakeJira.start({ mode: "cloud" });
 * const env = { JIRA_URL: jira.url, JIRA_EMAIL: jira.email, JIRA_TOKEN: jira.token, JIRA_PROJECT_KEY: "PACE" };
 * // ... run the adapter ...
 * assertEquals(jira.violations, []);
 * ```
 *
 * Every request lands in {@linkcode FakeJira.requests}. What real Jira would
 * refuse because the client is wrong — an unknown path or method, an
 * undocumented query parameter, a body of the wrong shape, invalid ADF, the
 * wrong REST version or auth scheme for the mode, unparseable JQL — is
 * answered like Jira (400/404/405/410/415) and recorded in
 * {@linkcode FakeJira.violations}. Answers a correct client can meet (an
 * unknown issue type, project or issue; 401; a scripted 429) are not
 * violations. {@linkcode FakeJira.script} queues faults (status, headers,
 * body, hang, dropped connection).
 *
 * @module
 */
import {
  type AuthCheck,
  basicAuthorization,
  type Call,
  type Credential,
  FakeServer,
  isObject,
  Refusal,
  type Reply,
  route,
} from "./_base.ts";
import { createIssue, listComments, postComment, transitionIssue } from "./jira/issues.ts";
import {
  defaultWorkflow,
  type FakeComment,
  type FakeIssue,
  type FakeJiraOptions,
  type FakeProject,
  type JiraMode,
  type RecordedRequest,
} from "./jira/model.ts";
import { reconcileIds, searchJql, searchV2 } from "./jira/search.ts";
import {
  FAKE_CLOUD_ID,
  GATEWAY,
  GATEWAY_NOT_FOUND,
  PARAMS,
  unauthorizedReply,
} from "./jira/protocol.ts";
import {
  findProject,
  ISSUE_KEY,
  issueView,
  jiraError,
  notFoundIssue,
  now,
  projectView,
  transitionsOf,
} from "./jira/views.ts";

// The names tests import stay where they always were.
export type { ScriptRule } from "./_base.ts";
export type * from "./jira/model.ts";
export { defaultWorkflow, rateLimited } from "./jira/model.ts";
export { validateAdf } from "./jira/adf.ts";
export { JqlError, type JqlNode, type JqlQuery, parseJql } from "./jira/jql.ts";
export { FAKE_CLOUD_ID } from "./jira/protocol.ts";

const NOT_FOUND: Reply = { status: 404, body: "<html>Not Found</html>" };

/** The fake Jira; see the module documentation. */
export class FakeJira extends FakeServer<RecordedRequest> {
  /** `JIRA_URL`: origin plus context path. */
  declare readonly url: string;
  readonly mode: JiraMode;
  readonly contextPath: string;
  readonly email: string;
  readonly token: string;
  /** The exact `Authorization` header value the server accepts. */
  readonly authorization: string;
  /** Projects by key. */
  readonly projects: Map<string, FakeProject> = new Map();
  /** Every issue, in creation order. */
  readonly issues: FakeIssue[] = [];
  /** Largest page handed out. */
  pageCap: number;
  /**
   * Cloud: how many `/search/jql` requests leave out an issue created from
   * now on; `Infinity`: until {@linkcode FakeJira.settle}. 0: none.
   */
  searchLag: number;
  /** Cloud: the site's id on Atlassian's gateway (`/ex/jira/{cloudId}`). */
  readonly cloudId: string;
  /** Cloud: the token works only through the gateway; calls to the site answer 401. */
  scopedToken: boolean;

  protected override jsonType = "application/json;charset=UTF-8";
  protected override textType = "text/html;charset=UTF-8";

  #nextId = 10000;
  #nextCommentId = 20000;

  private constructor(options: FakeJiraOptions) {
    super({ mount: options.contextPath });
    this.contextPath = this.mount;
    this.mode = options.mode ?? "cloud";
    this.email = options.email ?? "pace-bot@acme.example";
    this.token = options.token ??
      (this.mode === "cloud"
        ? "ATATT3xFfGF0-fake-api-token-0123456789"
        : "NjQ1fake-pat-0123456789abcdef");
    this.authorization = this.mode === "cloud"
      ? basicAuthorization(this.email, this.token)
      : `Bearer ${this.token}`;
    this.pageCap = options.pageCap ?? 100;
    this.searchLag = options.searchLag ?? 0;
    this.cloudId = options.cloudId ?? FAKE_CLOUD_ID;
    this.scopedToken = options.scopedToken ?? false;
    const projects = options.projects ?? [{ key: "PACE" }];
    projects.forEach((p, i) => {
      this.projects.set(p.key, {
        id: p.id ?? String(10100 + i),
        name: p.name ?? `${p.key} project`,
        issueTypes: p.issueTypes ?? ["Bug", "Task", "Story", "Epic", "Subtask"],
        priorities: p.priorities ?? ["Highest", "High", "Medium", "Low", "Lowest"],
        priorityOnCreateScreen: p.priorityOnCreateScreen ?? true,
        workflow: p.workflow ?? defaultWorkflow(),
        key: p.key,
      });
    });
    this.routes = this.mode === "cloud" ? this.#cloudSearch() : this.#dataCenterSearch();
    this.routes.push(...this.#resources());
  }

  /** Start on a free port of 127.0.0.1. */
  static start(options: FakeJiraOptions = {}): FakeJira {
    return new FakeJira(options);
  }

  /** The site's base on Atlassian's gateway: origin + `/ex/jira/{cloudId}`. */
  get gatewayUrl(): string {
    return `${this.origin}/ex/jira/${this.cloudId}`;
  }

  /** Let the search index catch up: every issue shows in searches from now on. */
  settle(): void {
    for (const issue of this.issues) delete issue.searchHiddenFor;
  }

  /** REST version the mode speaks. */
  get version(): "2" | "3" {
    return this.mode === "cloud" ? "3" : "2";
  }

  /** Add an issue directly (e.g. a plan issue, or a done story). */
  addIssue(input: Partial<FakeIssue> & { summary: string }): FakeIssue {
    const project = input.project ?? "PACE";
    const workflow = this.projects.get(project)?.workflow ?? defaultWorkflow();
    const number = this.issues.filter((i) => i.project === project).length + 1;
    const issue: FakeIssue = {
      id: String(this.#nextId++),
      description: null,
      issueType: "Task",
      priority: null,
      labels: [],
      status: workflow.statuses[0].name,
      created: now(),
      comments: [],
      ...input,
      project,
      key: input.key ?? `${project}-${number}`,
    };
    this.issues.push(issue);
    return issue;
  }

  /** Add a comment to `issue`. */
  addComment(issue: FakeIssue, body: unknown): FakeComment {
    const comment: FakeComment = { id: String(this.#nextCommentId++), body, created: now() };
    issue.comments.push(comment);
    return comment;
  }

  /** The issue with `key`. */
  issue(key: string): FakeIssue | undefined {
    return this.issues.find((i) => i.key === key);
  }

  // -------------------------------------------------------------------------
  // The pipeline

  protected override serverHeaders(): Record<string, string> {
    return { "x-arequestid": `fake-${this.requests.length}` };
  }

  protected override outside(call: Call<RecordedRequest>): Reply {
    return this.refuse(call, `outside the context path ${this.contextPath}`, NOT_FOUND);
  }

  protected override credentials(): Credential[] {
    return this.mode === "cloud"
      ? [{ scheme: "basic", user: this.email, password: this.token }]
      : [{ scheme: "bearer", token: this.token }];
  }

  /**
   * Credentials first; a scoped token is then refused anywhere but on the
   * gateway (not a client bug: the configuration lacks `JIRA_CLOUD_ID`).
   */
  protected override authenticate(call: Call<RecordedRequest>): Reply | undefined {
    const check = this.checkCredentials(call);
    if (!check.ok) return this.unauthorized(call, check);
    if (this.scopedToken && !GATEWAY.test(call.path)) return unauthorizedReply(this.mode);
    return undefined;
  }

  /** Jira checks credentials before anything else; a missing or wrong scheme is a client bug. */
  protected override unauthorized(call: Call<RecordedRequest>, check: AuthCheck): Reply {
    const expected = this.mode === "cloud" ? "basic" : "bearer";
    if (!check.ok && check.scheme === "none") this.violate(call, "no Authorization header");
    else if (!check.ok && check.scheme !== expected) {
      this.violate(call, `${this.mode} expects ${expected} authentication, got ${check.scheme}`);
    }
    return unauthorizedReply(this.mode);
  }

  protected override admit(call: Call<RecordedRequest>): Reply | undefined {
    if (call.malformed) {
      return this.refuse(
        call,
        "body is not JSON",
        jiraError(400, ["Unexpected character: the body is not valid JSON."]),
      );
    }
    const type = (call.headers.get("content-type") ?? "").toLowerCase();
    if (["POST", "PUT"].includes(call.method) && !type.startsWith("application/json")) {
      return this.refuse(call, "POST without Content-Type: application/json", {
        status: 415,
        body: "Unsupported Media Type",
      });
    }
    return undefined;
  }

  /**
   * `/rest/api/{2|3}` (on Cloud also below `/ex/jira/{cloudId}`), in the
   * version the mode speaks, then the resources below it.
   */
  protected override dispatch(call: Call<RecordedRequest>): Reply | Promise<Reply> {
    let path = call.path;
    const gateway = GATEWAY.exec(path);
    if (gateway) {
      if (this.mode !== "cloud") {
        return this.refuse(call, "Jira Data Center is not behind Atlassian's gateway", NOT_FOUND);
      }
      // The gateway knows no such site: its own 404, not Jira's.
      if (gateway[1] !== this.cloudId) return { status: 404, body: GATEWAY_NOT_FOUND };
      path = gateway[2] ?? "/";
    }
    const api = /^\/rest\/api\/(2|3|latest)(\/.*)?$/.exec(path);
    if (!api) return this.refuse(call, "not a Jira REST API path", NOT_FOUND);
    const [, version, rest = ""] = api;
    if (version !== this.version) {
      const jira = this.mode === "cloud" ? "Jira Cloud" : "Jira Data Center";
      return this.refuse(
        call,
        `${jira} is spoken with REST v${this.version}, not v${version}`,
        this.mode === "datacenter" && version === "3"
          ? NOT_FOUND
          : jiraError(400, [`PACE's Jira ${this.mode} client must use /rest/api/${this.version}`]),
      );
    }
    return super.dispatch(call, rest);
  }

  protected override unknownRoute(call: Call<RecordedRequest>): Reply {
    return this.refuse(call, "no such Jira REST resource", NOT_FOUND);
  }

  protected override wrongMethod(call: Call<RecordedRequest>, allowed: string[]): Reply {
    return this.refuse(call, `method not allowed (allowed: ${allowed.join(", ")})`, {
      status: 405,
      body: "",
    });
  }

  protected override undocumentedQuery(call: Call<RecordedRequest>, names: string[]): Reply {
    const documented = call.route?.query?.join(", ") || "none";
    return this.refuse(
      call,
      `undocumented query parameter(s) ${names.join(", ")} (documented: ${documented})`,
      jiraError(400, [`Unrecognized query parameter(s): ${names.join(", ")}`]),
    );
  }

  // -------------------------------------------------------------------------
  // Routes

  #cloudSearch() {
    return [
      route<RecordedRequest>(
        "*",
        "/search",
        (call) =>
          this.refuse(call, "the removed /rest/api/3/search was called (use /search/jql)", {
            status: 410,
            body: {
              errorMessages: [
                "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. " +
                "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046",
              ],
              errors: {},
            },
          }),
      ),
      route<RecordedRequest>("GET", "/search/jql", (call) => {
        const ids = call.query.has("reconcileIssues")
          ? call.query.getAll("reconcileIssues")
          : undefined;
        const reconcile = reconcileIds(this, call, ids);
        if (!(reconcile instanceof Set)) return reconcile;
        return searchJql(this, call, Object.fromEntries(call.query), reconcile);
      }, PARAMS.searchJql),
      route<RecordedRequest>("POST", "/search/jql", (call) => {
        const params = this.#searchBody(call, PARAMS.searchJql);
        const reconcile = reconcileIds(
          this,
          call,
          (call.body as Record<string, unknown>).reconcileIssues,
        );
        if (!(reconcile instanceof Set)) return reconcile;
        return searchJql(this, call, params, reconcile);
      }, []),
    ];
  }

  #dataCenterSearch() {
    return [
      route<RecordedRequest>(
        "GET",
        "/search",
        (call) => searchV2(this, call, Object.fromEntries(call.query)),
        PARAMS.searchV2,
      ),
      route<RecordedRequest>(
        "POST",
        "/search",
        (call) => searchV2(this, call, this.#searchBody(call, PARAMS.searchV2)),
        [],
      ),
    ];
  }

  #resources() {
    const mode = this.mode;
    return [
      route<RecordedRequest>("GET", "/project/:key", (call) => {
        const found = findProject(this, call.params.key);
        if (!found) {
          return jiraError(404, [`No project could be found with key '${call.params.key}'.`]);
        }
        return { status: 200, body: projectView(this, found) };
      }, PARAMS.project),
      route<RecordedRequest>(
        "POST",
        "/issue",
        (call) => createIssue(this, call, call.body),
        PARAMS.createIssue,
      ),
      route<RecordedRequest>("GET", "/issue/:key", (call) => {
        const issue = this.#issueAt(call);
        if (!issue) return notFoundIssue();
        return { status: 200, body: issueView(this, issue, call.query.get("fields") ?? "*all") };
      }, PARAMS.getIssue[mode]),
      route<RecordedRequest>("GET", "/issue/:key/transitions", (call) => {
        const issue = this.#issueAt(call);
        if (!issue) return notFoundIssue();
        return {
          status: 200,
          body: { expand: "transitions", transitions: transitionsOf(this, issue) },
        };
      }, PARAMS.getTransitions[mode]),
      route<RecordedRequest>(
        "POST",
        "/issue/:key/transitions",
        (call) => transitionIssue(this, call, this.#issueAt(call), call.body),
        PARAMS.doTransition,
      ),
      route<RecordedRequest>("GET", "/issue/:key/comment", (call) => {
        const issue = this.#issueAt(call);
        return issue ? listComments(this, issue, call.query) : notFoundIssue();
      }, PARAMS.getComments),
      route<RecordedRequest>(
        "POST",
        "/issue/:key/comment",
        (call) => postComment(this, call, this.#issueAt(call), call.body),
        PARAMS.addComment,
      ),
    ];
  }

  /** The issue the path names; a path naming no issue key or id is a client bug. */
  #issueAt(call: Call<RecordedRequest>): FakeIssue | undefined {
    const key = call.params.key;
    if (!ISSUE_KEY.test(key) && !/^\d+$/.test(key)) {
      throw new Refusal(notFoundIssue(), `"${key}" is not an issue key or id`);
    }
    return this.issues.find((i) => i.key === key || i.id === key);
  }

  /** A search body as query parameters; unknown fields are a client bug. */
  #searchBody(call: Call<RecordedRequest>, allowed: string[]): Record<string, string> {
    const body = call.body;
    if (!isObject(body)) {
      throw new Refusal(
        jiraError(400, ["Invalid request payload."]),
        "search body must be a JSON object",
      );
    }
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
    if (unknown.length) {
      throw new Refusal(
        jiraError(400, [`Unrecognized field(s): ${unknown.join(", ")}`]),
        `unknown search body field(s) ${unknown.join(", ")}`,
      );
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) {
      params[k] = Array.isArray(v) ? v.join(",") : String(v);
    }
    return params;
  }
}
