/**
 * A local GitLab REST v4 server for tests: the project endpoints PACE uses,
 * answering like gitlab.com or a self-managed instance under a relative URL
 * root (`/gitlab`), and refusing every request GitLab would not accept — or
 * that PACE should not send.
 *
 * ```ts
 * await using gl = FakeGitLab.start({ relativeRoot: "/gitlab" });
 * gl.addPipeline({ sha: "a".repeat(40), status: "success" });
 * const env = { GITLAB_URL: gl.url, GITLAB_TOKEN: gl.token, GITLAB_PROJECT: gl.projectPath };
 * // ... run the adapter ...
 * assertEquals(gl.violations, []);
 * ```
 *
 * What it checks, like GitLab: the API lives at `<root>/api/v4`; the project
 * is its numeric id or its full path as ONE URL-encoded segment
 * (`group%2Fsub%2Frepo` — an unencoded path matches no route); `PRIVATE-TOKEN`
 * (or `Authorization: Bearer`) must carry the token (401
 * `{"message":"401 Unauthorized"}`); required parameters, enumerations and
 * field sizes are validated with GitLab's status codes and error bodies; lists
 * are paginated (`page`, `per_page` ≤ 100) with `x-page`, `x-per-page`,
 * `x-total`, `x-total-pages`, `x-next-page`, `x-prev-page` and `Link`.
 *
 * Stricter than GitLab: a query or body parameter the endpoint does not
 * document, a route that does not exist, a wrong method, a body that is not
 * JSON — each is answered 400/404/405 AND pushed to
 * {@linkcode FakeGitLab.violations}, so a test notices a client bug that
 * GitLab would silently ignore.
 *
 * @module
 */

import { ScriptQueue, sleepUnlessClosed } from "./_script.ts";

// ---------------------------------------------------------------------------
// Types

/** Options of {@linkcode FakeGitLab.start}. */
export interface FakeGitLabOptions {
  /** The token requests must carry. Default `"glpat-FakeToken_0123456789abcdef"`. */
  token?: string;
  /** Full path of the one project. Default `"pace-group/sub/pace-demo"`. */
  projectPath?: string;
  /** Its numeric id. Default `4242`. */
  projectId?: number;
  /** Relative URL root of a self-managed instance, e.g. `"/gitlab"`. Default `""`. */
  relativeRoot?: string;
  /** Default branch. Default `"main"`. */
  defaultBranch?: string;
  /**
   * `"headers"` (default): offset pagination headers and `Link`. `"link"`:
   * only `Link` (as GitLab does past 10 000 rows or with keyset pagination).
   */
  pagination?: "headers" | "link";
}

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  /** Raw path below `<root>/api/v4`, still encoded: `/projects/g%2Fp/pipelines`. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** Parsed JSON body, the raw text when not JSON, `undefined` when empty. */
  body: unknown;
  /** Status answered; `0` for a dropped connection, `-1` while pending. */
  status: number;
  /** The route template matched, e.g. `GET /projects/:id/pipelines`. */
  route?: string;
}

/** A pipeline. */
export interface Pipeline {
  id: number;
  iid: number;
  project_id: number;
  sha: string;
  ref: string;
  status: string;
  source: string;
  name: string | null;
  web_url: string;
  created_at: string;
  updated_at: string;
}

/** Input of {@linkcode FakeGitLab.addPipeline}. */
export interface PipelineInput {
  sha: string;
  status: string;
  ref?: string;
  source?: string;
  name?: string | null;
}

/** A job of a pipeline. */
export interface Job {
  id: number;
  pipeline_id: number;
  name: string;
  stage: string;
  status: string;
  allow_failure: boolean;
  web_url: string;
  retried: boolean;
}

/** Input of {@linkcode FakeGitLab.addJob}. */
export interface JobInput {
  name: string;
  status: string;
  stage?: string;
  allow_failure?: boolean;
  retried?: boolean;
}

/** A merge request. */
export interface MergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  state: "opened" | "closed" | "merged" | "locked";
  source_branch: string;
  target_branch: string;
  labels: string[];
  web_url: string;
}

/** An issue. */
export interface Issue {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  state: "opened" | "closed";
  labels: string[];
  web_url: string;
  closed_at: string | null;
}

/** A note (comment) on an issue. */
export interface Note {
  id: number;
  issue_iid: number;
  body: string;
}

/** A project CI/CD variable. */
export interface Variable {
  key: string;
  value: string;
  variable_type: "env_var" | "file";
  protected: boolean;
  masked: boolean;
  raw: boolean;
  environment_scope: string;
  description: string | null;
}

/** A scripted answer; see {@linkcode FakeGitLab.script}. */
export interface ScriptRule {
  /** Only this method (any case). Default: any. */
  method?: string;
  /** Tested against the raw path below `/api/v4`, and against path + `?query`. */
  path: RegExp;
  /** How many requests it answers. Default 1. */
  times?: number;
  /** Answer with this status (default 200 when `body` or `headers` is given). */
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Wait this long first. Ends early, dropping the connection, when the server closes. */
  hangMs?: number;
  /** The response body errors: the client sees a broken connection. */
  drop?: boolean;
  /**
   * Carry out the request normally, then answer with the scripted status and
   * body instead: a create that happened but was answered, say, 502.
   */
  perform?: boolean;
}

/** GitLab's rate limiter: 429, `Retry-After`, `RateLimit-*`, a plain-text body. */
export function rateLimited(
  rule: Omit<ScriptRule, "status" | "body"> & { retryAfter?: number },
): ScriptRule {
  const retryAfter = rule.retryAfter ?? 1;
  return {
    ...rule,
    status: 429,
    headers: {
      "content-type": "text/plain",
      "retry-after": String(retryAfter),
      "ratelimit-limit": "600",
      "ratelimit-observed": "601",
      "ratelimit-remaining": "0",
      "ratelimit-reset": String(Math.floor(Date.now() / 1000) + retryAfter),
      ...rule.headers,
    },
    body: "Retry later\n",
  };
}

// ---------------------------------------------------------------------------
// Helpers

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A parameter check: an error text (`does not have a valid value`), or `undefined`. */
type Check = (value: unknown) => string | undefined;

interface Route {
  method: string;
  template: string;
  /** Documented query parameters. */
  query?: Record<string, Check>;
  /** Documented body parameters; `undefined`: the request takes no body. */
  body?: Record<string, Check>;
  required?: string[];
  /** At least one of these body parameters (GitLab's `at_least_one_of`). */
  atLeastOne?: string[];
  handler: (ctx: Ctx) => Reply;
}

interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  // deno-lint-ignore no-explicit-any
  body: any;
  url: URL;
}

const INVALID = "does not have a valid value";

const any: Check = () => undefined;
const str: Check = (v) => typeof v === "string" ? undefined : INVALID;
const int: Check = (v) => /^\d+$/.test(String(v)) ? undefined : "is invalid";
const bool: Check = (v) =>
  typeof v === "boolean" || v === "true" || v === "false" ? undefined : "is invalid";
const oneOf = (...values: string[]): Check => (v) =>
  values.includes(String(v)) ? undefined : INVALID;
const date: Check = (v) => Number.isNaN(Date.parse(String(v))) ? "is invalid" : undefined;
const maxLength = (max: number): Check => (v) =>
  typeof v !== "string" ? INVALID : v.length > max ? `is too long (maximum is ${max})` : undefined;

const PAGING = { page: int, per_page: int };

function now(): string {
  return new Date().toISOString();
}

function droppedResponse(status: number): Response {
  const body = new ReadableStream({
    start(controller) {
      controller.error(new Error("connection dropped by FakeGitLab"));
    },
  });
  return new Response(body, { status: status || 200 });
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const message = (status: number, text: unknown): Reply => ({ status, body: { message: text } });
const errorReply = (status: number, text: string): Reply => ({ status, body: { error: text } });

// ---------------------------------------------------------------------------
// The server

/** The fake GitLab; see the module documentation. */
export class FakeGitLab {
  /** Web root, the value for `GITLAB_URL`: `http://127.0.0.1:PORT[/gitlab]`. */
  readonly url: string;
  /** `url + "/api/v4"`. */
  readonly apiUrl: string;
  readonly token: string;
  readonly projectPath: string;
  readonly projectId: number;
  readonly relativeRoot: string;
  readonly defaultBranch: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every problem found with a request (each also answered 400, 404 or 405). */
  readonly violations: string[] = [];

  /** Existing branches. */
  branches: Set<string>;
  /** Known commits (full SHAs, lower case); pipelines add theirs. */
  commits: Set<string> = new Set();
  pipelines: Pipeline[] = [];
  jobs: Job[] = [];
  mergeRequests: MergeRequest[] = [];
  issues: Issue[] = [];
  notes: Note[] = [];
  /** CI/CD variables by key. */
  variables: Map<string, Variable> = new Map();

  #pagination: "headers" | "link";
  #server: Deno.HttpServer<Deno.NetAddr>;
  #rules = new ScriptQueue<ScriptRule>();
  #closing = new AbortController();
  #closed: Promise<void> | undefined;
  #nextId = 9001;
  #routes: Route[];

  private constructor(options: FakeGitLabOptions) {
    this.token = options.token ?? "glpat-FakeToken_0123456789abcdef";
    this.projectPath = options.projectPath ?? "pace-group/sub/pace-demo";
    this.projectId = options.projectId ?? 4242;
    this.relativeRoot = (options.relativeRoot ?? "").replace(/\/+$/, "");
    this.defaultBranch = options.defaultBranch ?? "main";
    this.branches = new Set([this.defaultBranch]);
    this.#pagination = options.pagination ?? "headers";
    this.#server = Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      onListen() {},
      onError: () => new Response(null, { status: 500 }),
    }, (request) => this.#handle(request));
    this.url = `http://127.0.0.1:${this.#server.addr.port}${this.relativeRoot}`;
    this.apiUrl = `${this.url}/api/v4`;
    this.#routes = this.#buildRoutes();
  }

  /** Start a server on a free port of 127.0.0.1. */
  static start(options: FakeGitLabOptions = {}): FakeGitLab {
    return new FakeGitLab(options);
  }

  /** Stop serving; pending hangs end (dropped). Resolves when the server is down. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort();
      this.#closed = this.#server.shutdown();
    }
    return this.#closed;
  }

  /** `await using gl = FakeGitLab.start()` */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Queue a scripted answer; scripts take precedence over the normal handling, in order. */
  script(rule: ScriptRule): void {
    this.#rules.add(rule);
  }

  /** Scripted answers not yet consumed. */
  get pendingScripts(): number {
    return this.#rules.pending;
  }

  /** The project's web page. */
  get projectWebUrl(): string {
    return `${this.url}/${this.projectPath}`;
  }

  /** Add a pipeline (newer than every one before it). */
  addPipeline(input: PipelineInput): Pipeline {
    const id = this.#nextId++;
    const sha = input.sha.toLowerCase();
    this.commits.add(sha);
    const pipeline: Pipeline = {
      id,
      iid: this.pipelines.length + 1,
      project_id: this.projectId,
      sha,
      ref: input.ref ?? this.defaultBranch,
      status: input.status,
      source: input.source ?? "push",
      name: input.name ?? null,
      web_url: `${this.projectWebUrl}/-/pipelines/${id}`,
      created_at: now(),
      updated_at: now(),
    };
    this.pipelines.push(pipeline);
    return pipeline;
  }

  /** Add a job to a pipeline. */
  addJob(pipelineId: number, input: JobInput): Job {
    const id = this.#nextId++;
    const job: Job = {
      id,
      pipeline_id: pipelineId,
      name: input.name,
      stage: input.stage ?? "test",
      status: input.status,
      allow_failure: input.allow_failure ?? false,
      web_url: `${this.projectWebUrl}/-/jobs/${id}`,
      retried: input.retried ?? false,
    };
    this.jobs.push(job);
    return job;
  }

  /** Add an issue. */
  addIssue(input: Partial<Issue> & { title: string }): Issue {
    const iid = this.issues.length + 1;
    const issue: Issue = {
      description: null,
      state: "opened",
      labels: [],
      closed_at: null,
      ...input,
      id: this.#nextId++,
      iid,
      web_url: `${this.projectWebUrl}/-/issues/${iid}`,
    };
    this.issues.push(issue);
    return issue;
  }

  /** Add a merge request (its source branch too). */
  addMergeRequest(input: Partial<MergeRequest> & { source_branch: string }): MergeRequest {
    this.branches.add(input.source_branch);
    const iid = this.mergeRequests.length + 1;
    const mr: MergeRequest = {
      title: `MR from ${input.source_branch}`,
      description: null,
      state: "opened",
      target_branch: this.defaultBranch,
      labels: [],
      ...input,
      id: this.#nextId++,
      iid,
      web_url: `${this.projectWebUrl}/-/merge_requests/${iid}`,
    };
    this.mergeRequests.push(mr);
    return mr;
  }

  /** Notes of issue `iid`, oldest first. */
  notesOf(iid: number): Note[] {
    return this.notes.filter((n) => n.issue_iid === iid);
  }

  // -------------------------------------------------------------------------
  // Request handling

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = await request.text();
    let body: unknown = undefined;
    let jsonError = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        jsonError = true;
      }
    }
    const apiRoot = `${this.relativeRoot}/api/v4`;
    const inside = url.pathname.startsWith(`${apiRoot}/`);
    const path = inside ? url.pathname.slice(apiRoot.length) : url.pathname;
    const record: RecordedRequest = {
      method: request.method,
      path,
      query: url.searchParams,
      headers: new Headers(request.headers),
      body,
      status: -1,
    };
    this.requests.push(record);
    const label = `${request.method} ${url.pathname}`;
    const finish = (reply: Reply): Response => {
      record.status = reply.status;
      const headers = new Headers({ "content-type": "application/json" });
      for (const [k, v] of Object.entries(reply.headers ?? {})) headers.set(k, v);
      let payload: string | null = null;
      if (reply.body !== undefined) {
        payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      }
      if (reply.status === 204 || payload === null) headers.delete("content-type");
      return new Response(reply.status === 204 ? null : payload, {
        status: reply.status,
        headers,
      });
    };
    const refuse = (reply: Reply, problem: string): Response => {
      this.violations.push(`${label}: ${problem}`);
      return finish(reply);
    };

    if (!inside) {
      return refuse(errorReply(404, "404 Not Found"), `outside the API root ${apiRoot}`);
    }
    const found = this.#match(request.method, path);
    if (!found) return refuse(errorReply(404, "404 Not Found"), "no such GitLab route");
    if ("methodNotAllowed" in found) {
      return refuse(errorReply(405, "405 Not Allowed"), "method not allowed on this route");
    }
    const { route, params } = found;
    record.route = `${route.method} /${route.template}`;

    // Parameters, as GitLab's Grape declarations would see them.
    const problems: string[] = [];
    for (const [name, value] of url.searchParams) {
      const check = route.query?.[name];
      if (!check) problems.push(`${name} is not a documented query parameter`);
      else {
        const error = check(value);
        if (error) problems.push(`${name} ${error}`);
      }
    }
    if (text.length > 0) {
      const type = request.headers.get("content-type") ?? "";
      if (!route.body) problems.push("this endpoint takes no request body");
      else if (!/^application\/json\b/i.test(type)) {
        problems.push(`the body must be JSON (content-type ${JSON.stringify(type)})`);
      } else if (jsonError || !body || typeof body !== "object" || Array.isArray(body)) {
        problems.push("the body is not a JSON object");
      } else {
        for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
          const check = route.body[name];
          if (!check) problems.push(`${name} is not a documented body parameter`);
          else {
            const error = check(value);
            if (error) problems.push(`${name} ${error}`);
          }
        }
      }
    }
    const given = (name: string) =>
      (body && typeof body === "object" && name in (body as object)) || url.searchParams.has(name);
    for (const name of route.required ?? []) {
      if (!given(name)) problems.push(`${name} is missing`);
    }
    if (route.atLeastOne && !route.atLeastOne.some(given)) {
      problems.push(
        `${route.atLeastOne.join(", ")} are missing, at least one parameter must be provided`,
      );
    }
    if (problems.length) {
      return refuse(errorReply(400, problems.join(", ")), problems.join("; "));
    }

    const privateToken = request.headers.get("private-token");
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    if ((privateToken ?? bearer) !== this.token) {
      return finish(message(401, "401 Unauthorized"));
    }

    const rule = this.#rules.take(request.method, path, url.search);
    let performAnyway = false;
    if (rule) {
      if (rule.hangMs) {
        const completed = await sleepUnlessClosed(rule.hangMs, this.#closing.signal);
        if (!completed) {
          record.status = 0;
          return droppedResponse(200);
        }
      }
      if (rule.drop) {
        record.status = 0;
        return droppedResponse(rule.status ?? 200);
      }
      performAnyway = rule.perform === true;
      if (
        !performAnyway &&
        (rule.status !== undefined || rule.body !== undefined || rule.headers)
      ) {
        return finish({ status: rule.status ?? 200, body: rule.body, headers: rule.headers });
      }
    }

    const project = params.id;
    const isProject = /^\d+$/.test(project)
      ? Number(project) === this.projectId
      : project.toLowerCase() === this.projectPath.toLowerCase();
    const reply = isProject
      ? route.handler({ params, query: url.searchParams, body, url })
      : message(404, "404 Project Not Found");
    if (performAnyway && rule) {
      return finish({ status: rule.status ?? 502, body: rule.body, headers: rule.headers });
    }
    return finish(reply);
  }

  #match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | undefined {
    const segments = path.replace(/^\//, "").split("/");
    let pathMatched = false;
    for (const route of this.#routes) {
      const parts = route.template.split("/");
      if (parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        if (parts[i].startsWith(":")) {
          const value = decode(segments[i]);
          if (value === undefined || value === "") ok = false;
          else params[parts[i].slice(1)] = value;
        } else if (parts[i] !== segments[i]) ok = false;
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }

  /** One page of `items`, with GitLab's pagination headers. */
  #page<T>(items: T[], ctx: Ctx): Reply {
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 20) || 20));
    const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
    const total = items.length;
    const pages = Math.max(1, Math.ceil(total / perPage));
    const body = items.slice((page - 1) * perPage, page * perPage);
    const link = (n: number) => {
      const url = new URL(ctx.url);
      url.searchParams.set("page", String(n));
      url.searchParams.set("per_page", String(perPage));
      return url.href;
    };
    const links: string[] = [];
    if (page < pages) links.push(`<${link(page + 1)}>; rel="next"`);
    if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`);
    links.push(`<${link(1)}>; rel="first"`);
    if (this.#pagination === "headers") links.push(`<${link(pages)}>; rel="last"`);
    const headers: Record<string, string> = { link: links.join(", ") };
    if (this.#pagination === "headers") {
      Object.assign(headers, {
        "x-page": String(page),
        "x-per-page": String(perPage),
        "x-total": String(total),
        "x-total-pages": String(pages),
        "x-next-page": page < pages ? String(page + 1) : "",
        "x-prev-page": page > 1 ? String(page - 1) : "",
      });
    }
    return { status: 200, body, headers };
  }

  // -------------------------------------------------------------------------
  // Routes

  #buildRoutes(): Route[] {
    const P = "projects/:id";
    return [
      {
        method: "GET",
        template: P,
        query: { statistics: bool, license: bool, with_custom_attributes: bool },
        handler: () => ({ status: 200, body: this.#project() }),
      },
      {
        method: "GET",
        template: `${P}/repository/commits/:sha`,
        query: { stats: bool },
        handler: ({ params }) => {
          const wanted = params.sha.toLowerCase();
          const matches = [...this.commits].filter((c) => c.startsWith(wanted));
          if (matches.length !== 1) return message(404, "404 Commit Not Found");
          const id = matches[0];
          return {
            status: 200,
            body: {
              id,
              short_id: id.slice(0, 8),
              title: "commit",
              web_url: `${this.projectWebUrl}/-/commit/${id}`,
            },
          };
        },
      },
      {
        method: "GET",
        template: `${P}/pipelines`,
        query: {
          ...PAGING,
          scope: oneOf("running", "pending", "finished", "branches", "tags"),
          status: oneOf(
            "created",
            "waiting_for_resource",
            "preparing",
            "pending",
            "running",
            "success",
            "failed",
            "canceled",
            "canceling",
            "skipped",
            "manual",
            "scheduled",
          ),
          source: str,
          ref: str,
          sha: str,
          yaml_errors: bool,
          username: str,
          updated_after: date,
          updated_before: date,
          created_after: date,
          created_before: date,
          name: str,
          order_by: oneOf("id", "status", "ref", "updated_at", "user_id"),
          sort: oneOf("asc", "desc"),
        },
        handler: (ctx) => {
          const q = ctx.query;
          let list = this.pipelines.filter((p) =>
            (!q.has("sha") || p.sha === q.get("sha")) &&
            (!q.has("ref") || p.ref === q.get("ref")) &&
            (!q.has("status") || p.status === q.get("status")) &&
            (!q.has("source") || p.source === q.get("source")) &&
            (!q.has("name") || p.name === q.get("name"))
          );
          const key = q.get("order_by") ?? "id";
          const sign = (q.get("sort") ?? "desc") === "asc" ? 1 : -1;
          list = [...list].sort((a, b) => {
            const byKey = key === "status" || key === "ref"
              ? a[key].localeCompare(b[key])
              : key === "updated_at"
              ? a.updated_at.localeCompare(b.updated_at)
              : 0;
            return sign * (byKey || a.id - b.id);
          });
          return this.#page(list, ctx);
        },
      },
      {
        method: "GET",
        template: `${P}/pipelines/:pipeline_id/jobs`,
        query: { ...PAGING, scope: str, "scope[]": str, include_retried: bool },
        handler: (ctx) => {
          const id = Number(ctx.params.pipeline_id);
          if (!this.pipelines.some((p) => p.id === id)) return message(404, "404 Not found");
          const scopes = [...ctx.query.getAll("scope"), ...ctx.query.getAll("scope[]")];
          const retried = ctx.query.get("include_retried") === "true";
          const jobs = this.jobs.filter((j) =>
            j.pipeline_id === id && (retried || !j.retried) &&
            (scopes.length === 0 || scopes.includes(j.status))
          ).sort((a, b) => b.id - a.id);
          return this.#page(jobs.map(({ pipeline_id: _, retried: __, ...job }) => job), ctx);
        },
      },
      {
        method: "GET",
        template: `${P}/merge_requests`,
        query: {
          ...PAGING,
          state: oneOf("opened", "closed", "locked", "merged", "all"),
          source_branch: str,
          target_branch: str,
          labels: str,
          order_by: oneOf("created_at", "updated_at", "title", "merged_at"),
          sort: oneOf("asc", "desc"),
          scope: oneOf("created_by_me", "assigned_to_me", "all"),
          search: str,
          view: oneOf("simple"),
        },
        handler: (ctx) => {
          const q = ctx.query;
          const state = q.get("state") ?? "all";
          const list = this.mergeRequests.filter((mr) =>
            (state === "all" || mr.state === state) &&
            (!q.has("source_branch") || mr.source_branch === q.get("source_branch")) &&
            (!q.has("target_branch") || mr.target_branch === q.get("target_branch"))
          ).reverse();
          return this.#page(list, ctx);
        },
      },
      {
        method: "POST",
        template: `${P}/merge_requests`,
        body: {
          source_branch: str,
          target_branch: str,
          title: maxLength(255),
          description: maxLength(1_048_576),
          labels: str,
          assignee_id: int,
          assignee_ids: any,
          reviewer_ids: any,
          milestone_id: int,
          remove_source_branch: bool,
          squash: bool,
          allow_collaboration: bool,
          target_project_id: int,
        },
        required: ["source_branch", "target_branch", "title"],
        handler: ({ body }) => {
          if (!this.branches.has(body.source_branch)) {
            return message(400, { source_branch: ["does not exist"] });
          }
          if (!this.branches.has(body.target_branch)) {
            return message(400, { target_branch: ["does not exist"] });
          }
          if (body.source_branch === body.target_branch) {
            return message(409, ["You can't use same project/branch for source and target"]);
          }
          const open = this.mergeRequests.find((mr) =>
            mr.state === "opened" && mr.source_branch === body.source_branch &&
            mr.target_branch === body.target_branch
          );
          if (open) {
            return message(409, [
              `Another open merge request already exists for this source branch: !${open.iid}`,
            ]);
          }
          const mr = this.addMergeRequest({
            source_branch: body.source_branch,
            target_branch: body.target_branch,
            title: body.title,
            description: body.description ?? null,
            labels: splitLabels(body.labels),
          });
          return { status: 201, body: mr };
        },
      },
      {
        method: "GET",
        template: `${P}/issues`,
        query: {
          ...PAGING,
          labels: str,
          state: oneOf("opened", "closed", "all"),
          search: str,
          in: str,
          order_by: oneOf("created_at", "updated_at", "priority", "due_date", "relative_position"),
          sort: oneOf("asc", "desc"),
          scope: oneOf("created_by_me", "assigned_to_me", "all"),
          confidential: bool,
          "iids[]": int,
        },
        handler: (ctx) => {
          const q = ctx.query;
          const state = q.get("state") ?? "all";
          const wanted = splitLabels(q.get("labels") ?? "");
          const list = this.issues.filter((issue) =>
            (state === "all" || issue.state === state) &&
            wanted.every((label) => issue.labels.includes(label))
          ).reverse();
          return this.#page(list, ctx);
        },
      },
      {
        method: "POST",
        template: `${P}/issues`,
        body: {
          title: maxLength(255),
          description: maxLength(1_048_576),
          labels: str,
          assignee_ids: any,
          confidential: bool,
          milestone_id: int,
          due_date: str,
          issue_type: oneOf("issue", "incident", "test_case", "task"),
        },
        required: ["title"],
        handler: ({ body }) => {
          if (!String(body.title).trim()) return message(400, { title: ["can't be blank"] });
          const issue = this.addIssue({
            title: body.title,
            description: body.description ?? null,
            labels: splitLabels(body.labels),
          });
          return { status: 201, body: issue };
        },
      },
      {
        method: "PUT",
        template: `${P}/issues/:issue_iid`,
        body: {
          title: maxLength(255),
          description: maxLength(1_048_576),
          labels: str,
          add_labels: str,
          remove_labels: str,
          state_event: oneOf("close", "reopen"),
          assignee_ids: any,
          confidential: bool,
          discussion_locked: bool,
          due_date: str,
          milestone_id: int,
        },
        atLeastOne: [
          "title",
          "description",
          "labels",
          "add_labels",
          "remove_labels",
          "state_event",
          "assignee_ids",
          "confidential",
          "discussion_locked",
          "due_date",
          "milestone_id",
        ],
        handler: ({ params, body }) => {
          const issue = this.issues.find((i) => String(i.iid) === params.issue_iid);
          if (!issue) return message(404, "404 Issue Not Found");
          if (body.state_event === "close" && issue.state !== "closed") {
            issue.state = "closed";
            issue.closed_at = now();
          }
          if (body.state_event === "reopen" && issue.state !== "opened") {
            issue.state = "opened";
            issue.closed_at = null;
          }
          if (typeof body.title === "string") issue.title = body.title;
          if (typeof body.description === "string") issue.description = body.description;
          if (typeof body.labels === "string") issue.labels = splitLabels(body.labels);
          return { status: 200, body: issue };
        },
      },
      {
        method: "GET",
        template: `${P}/issues/:issue_iid/notes`,
        query: {
          ...PAGING,
          sort: oneOf("asc", "desc"),
          order_by: oneOf("created_at", "updated_at"),
          activity_filter: oneOf("all_notes", "only_comments", "only_activity"),
        },
        handler: (ctx) => {
          const iid = Number(ctx.params.issue_iid);
          if (!this.issues.some((i) => i.iid === iid)) return message(404, "404 Issue Not Found");
          const asc = ctx.query.get("sort") === "asc";
          const list = this.notesOf(iid).map((n) => this.#noteJson(n));
          return this.#page(asc ? list : list.reverse(), ctx);
        },
      },
      {
        method: "POST",
        template: `${P}/issues/:issue_iid/notes`,
        body: { body: maxLength(1_000_000), created_at: date, internal: bool, confidential: bool },
        required: ["body"],
        handler: ({ params, body }) => {
          const iid = Number(params.issue_iid);
          if (!this.issues.some((i) => i.iid === iid)) return message(404, "404 Issue Not Found");
          if (!String(body.body).trim()) return message(400, { note: ["can't be blank"] });
          const note: Note = { id: this.#nextId++, issue_iid: iid, body: body.body };
          this.notes.push(note);
          return { status: 201, body: this.#noteJson(note) };
        },
      },
      {
        method: "GET",
        template: `${P}/variables`,
        query: PAGING,
        handler: (ctx) => this.#page([...this.variables.values()], ctx),
      },
      {
        method: "GET",
        template: `${P}/variables/:key`,
        query: { "filter[environment_scope]": str },
        handler: ({ params }) => {
          const variable = this.variables.get(params.key);
          return variable
            ? { status: 200, body: variable }
            : message(404, "404 Variable Not Found");
        },
      },
      {
        method: "PUT",
        template: `${P}/variables/:key`,
        body: { ...VARIABLE_FIELDS, filter: any },
        required: ["value"],
        handler: ({ params, body }) => {
          const variable = this.variables.get(params.key);
          if (!variable) return message(404, "404 Variable Not Found");
          variable.value = String(body.value);
          return { status: 200, body: variable };
        },
      },
      {
        method: "POST",
        template: `${P}/variables`,
        body: { key: str, ...VARIABLE_FIELDS },
        required: ["key", "value"],
        handler: ({ body }) => {
          const key = String(body.key);
          if (!/^[A-Za-z0-9_]{1,255}$/.test(key)) {
            return message(400, { key: ["can contain only letters, digits and '_'."] });
          }
          if (this.variables.has(key)) {
            return message(400, { key: [`(${key}) has already been taken`] });
          }
          const variable: Variable = {
            key,
            value: String(body.value),
            variable_type: body.variable_type ?? "env_var",
            protected: body.protected === true,
            masked: body.masked === true,
            raw: body.raw === true,
            environment_scope: body.environment_scope ?? "*",
            description: body.description ?? null,
          };
          this.variables.set(key, variable);
          return { status: 201, body: variable };
        },
      },
    ];
  }

  #project() {
    const name = this.projectPath.split("/").pop()!;
    return {
      id: this.projectId,
      name,
      path: name,
      path_with_namespace: this.projectPath,
      default_branch: this.defaultBranch,
      web_url: this.projectWebUrl,
      visibility: "private",
    };
  }

  #noteJson(note: Note) {
    return {
      id: note.id,
      body: note.body,
      author: { id: 1, username: "pace-bot" },
      system: false,
      noteable_type: "Issue",
      noteable_iid: note.issue_iid,
      created_at: now(),
    };
  }
}

const VARIABLE_FIELDS: Record<string, Check> = {
  value: str,
  variable_type: oneOf("env_var", "file"),
  protected: bool,
  masked: bool,
  masked_and_hidden: bool,
  raw: bool,
  environment_scope: str,
  description: str,
};

function splitLabels(labels: unknown): string[] {
  if (typeof labels !== "string") return [];
  return [...new Set(labels.split(",").map((l) => l.trim()).filter((l) => l))];
}
