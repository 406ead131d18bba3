/**
 * A local GitHub REST server for tests: the repository endpoints PACE uses,
 * answering like api.github.com (or GitHub Enterprise Server under `/api/v3`),
 * and refusing every request GitHub's official OpenAPI description (npm
 * `@octokit/openapi`) would not accept.
 *
 * ```ts
 * await using gh = await FakeGitHub.start();
 * gh.addCheckRun("a".repeat(40), { name: "build", status: "completed", conclusion: "success" });
 * const env = { GITHUB_API_URL: gh.url, GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: "octo/pace-demo" };
 * // ... run the adapter ...
 * assertEquals(gh.violations, []);
 * ```
 *
 * Every request is recorded in {@linkcode FakeGitHub.requests}. Problems with a
 * request (an operation or parameter the description does not have, a body
 * its schema refuses, a missing `Accept`/`X-GitHub-Api-Version`/`User-Agent`)
 * are pushed to {@linkcode FakeGitHub.violations} and answered `400`; an
 * operation that exists on GitHub but is not implemented here is answered `501`
 * and recorded as a violation too, so a test notices either way.
 *
 * @module
 */
import { createValidator, type OpenApiDocument, type Validator } from "./_openapi.ts";
import { ScriptQueue, sleepUnlessClosed } from "./_script.ts";

// ---------------------------------------------------------------------------
// The OpenAPI description

const documents = new Map<string, Promise<OpenApiDocument>>();
const validators = new Map<string, Promise<Validator>>();

/**
 * Load (once per process) one of `@octokit/openapi`'s descriptions, e.g.
 * `"api.github.com"` or `"ghes-3.19"`. ~13 MB of JSON: ~0.4 s to parse.
 */
export function loadGitHubDescription(name = "api.github.com"): Promise<OpenApiDocument> {
  let promise = documents.get(name);
  if (!promise) {
    // A non-literal specifier keeps `deno check` from type-checking 13 MB of JSON.
    const specifier = `@octokit/openapi/generated/${name}.json`;
    promise = import(specifier, { with: { type: "json" } }).then(
      (module) => module.default as OpenApiDocument,
    );
    documents.set(name, promise);
  }
  return promise;
}

/** A validator for one of `@octokit/openapi`'s descriptions (cached per name and strictness). */
export function gitHubValidator(
  name = "api.github.com",
  options: { strictBodies?: boolean } = {},
): Promise<Validator> {
  const key = `${name}|${Boolean(options.strictBodies)}`;
  let promise = validators.get(key);
  if (!promise) {
    promise = loadGitHubDescription(name).then((doc) => createValidator(doc, options));
    validators.set(key, promise);
  }
  return promise;
}

// ---------------------------------------------------------------------------
// Types

/** Options of {@linkcode FakeGitHub.start}. */
export interface FakeGitHubOptions {
  /** Repository owner. Default `"octo"`. */
  owner?: string;
  /** Repository name. Default `"pace-demo"`. */
  repo?: string;
  /** The token requests must carry (`Bearer` or `token`). Default `"ghp_testtoken_0123456789"`. */
  token?: string;
  /** `"/api/v3"` to act as GitHub Enterprise Server. Default `""` (api.github.com). */
  basePath?: "" | "/api/v3";
  /** Default branch. Default `"main"`. */
  defaultBranch?: string;
  /** Check requests against the OpenAPI description. Default `true`. */
  validate?: boolean;
  /**
   * Also reject body properties the description does not declare (GitHub
   * silently ignores them — e.g. `labels` on "create a pull request" — which
   * is a client bug all the same). Default `true`.
   */
  strictBodies?: boolean;
  /**
   * Which `@octokit/openapi` description to validate against. Default
   * `"api.github.com"`, or `"ghes-3.19"` when `basePath` is `"/api/v3"`.
   */
  description?: string;
  /**
   * Form of the URLs in `Link` headers. GitHub writes
   * `/repositories/{id}/...` (the default); `"repos"` writes `/repos/{owner}/{repo}/...`.
   * Both forms are served.
   */
  linkStyle?: "repositories" | "repos";
}

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  /** Path without the base path (`/api/v3`) and without query. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** Parsed JSON body, the raw text if it was not JSON, `undefined` when empty. */
  body: unknown;
  /** Status answered; `0` for a dropped connection, `-1` while pending. */
  status: number;
  /** OpenAPI operationId, when the request matched one. */
  operationId?: string;
}

/** A pull request in the fake repository. */
export interface PullRequest {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  /** Head branch name (same repository). */
  head: string;
  /** Base branch name. */
  base: string;
  labels: string[];
  merged_at: string | null;
  draft?: boolean;
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
}

/** An issue (not a pull request) in the fake repository. */
export interface Issue {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: string | null;
  labels: string[];
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
}

/** An issue or pull-request comment. */
export interface IssueComment {
  issue_number: number;
  body: string;
  id?: number;
  created_at?: string;
}

/** An Actions repository variable. */
export interface Variable {
  name: string;
  value: string;
  created_at?: string;
  updated_at?: string;
}

/** Check run status values. */
export type CheckRunStatus =
  | "queued"
  | "in_progress"
  | "completed"
  | "waiting"
  | "requested"
  | "pending";

/** A check run on a commit. */
export interface CheckRun {
  id: number;
  name: string;
  status: CheckRunStatus;
  conclusion: string | null;
  head_sha: string;
  html_url: string;
  details_url: string;
  started_at: string;
  completed_at: string | null;
}

/** Input of {@linkcode FakeGitHub.addCheckRun}. */
export interface CheckRunInput {
  name: string;
  /** Default: `"completed"` when `conclusion` is given, else `"queued"`. */
  status?: CheckRunStatus;
  conclusion?: string | null;
  html_url?: string;
  details_url?: string;
}

/** A legacy commit status. */
export interface CommitStatus {
  id: number;
  context: string;
  state: "error" | "failure" | "pending" | "success";
  target_url: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/** Input of {@linkcode FakeGitHub.addStatus}. */
export interface CommitStatusInput {
  context: string;
  state: CommitStatus["state"];
  target_url?: string | null;
  description?: string | null;
}

/** A scripted answer; see {@linkcode FakeGitHub.script}. */
export interface ScriptRule {
  /** Only this method (any case). Default: any. */
  method?: string;
  /** Tested against the path (without base path), and against path + `?query`. */
  path: RegExp;
  /** How many requests it answers. Default 1. */
  times?: number;
  /** Answer with this status (default 200 when `body` or `headers` is given). */
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /**
   * Wait this long before answering (the scripted answer, or the normal one
   * when no status/body/headers are given). Ends early, dropping the
   * connection, when the server closes.
   */
  hangMs?: number;
  /** Send no usable answer: the response body errors, the client sees a network error. */
  drop?: boolean;
}

/** Primary rate limit exhausted: 403, `x-ratelimit-remaining: 0`, `x-ratelimit-reset`. */
export function primaryRateLimit(
  rule: Omit<ScriptRule, "status" | "body"> & { reset?: number },
): ScriptRule {
  const reset = rule.reset ?? Math.floor(Date.now() / 1000) + 1;
  return {
    ...rule,
    status: 403,
    headers: {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-used": "5000",
      "x-ratelimit-reset": String(reset),
      ...rule.headers,
    },
    body: {
      message:
        "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
      documentation_url:
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
      status: "403",
    },
  };
}

/** Secondary rate limit: 403 (or 429) with `retry-after`. */
export function secondaryRateLimit(
  rule: Omit<ScriptRule, "status" | "body"> & { retryAfter?: number; status?: 403 | 429 },
): ScriptRule {
  const status = rule.status ?? 403;
  return {
    ...rule,
    status,
    headers: { "retry-after": String(rule.retryAfter ?? 1), ...rule.headers },
    body: {
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url:
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      status: String(status),
    },
  };
}

// ---------------------------------------------------------------------------
// Helpers

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Ctx {
  method: string;
  rest: string;
  match: RegExpExecArray;
  query: URLSearchParams;
  // deno-lint-ignore no-explicit-any
  body: any;
  /** API path prefix for Link URLs: `/repositories/ID` or `/repos/OWNER/REPO`. */
  linkBase: string;
}

type Handler = (ctx: Ctx) => Reply;

const DOCS = "https://docs.github.com/rest";

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

function error(status: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return {
    status,
    body: { message, ...extra, documentation_url: DOCS, status: String(status) },
  };
}

const notFound = (): Reply => error(404, "Not Found");

function validationFailed(errors: Record<string, unknown>[]): Reply {
  return error(422, "Validation Failed", { errors });
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

function labelName(label: unknown): string | undefined {
  if (typeof label === "string") return label;
  if (
    label && typeof label === "object" && typeof (label as { name?: unknown }).name === "string"
  ) {
    return (label as { name: string }).name;
  }
  return undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function droppedResponse(status: number): Response {
  const body = new ReadableStream({
    start(controller) {
      controller.error(new Error("connection dropped by FakeGitHub"));
    },
  });
  return new Response(body, { status: status || 200 });
}

// ---------------------------------------------------------------------------
// The server

/** The fake GitHub; see the module documentation. */
export class FakeGitHub {
  /** API base, e.g. `http://127.0.0.1:PORT` or `http://127.0.0.1:PORT/api/v3` (`GITHUB_API_URL`). */
  readonly url: string;
  /** Web base for `html_url`s: `http://127.0.0.1:PORT`. */
  readonly webUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly basePath: "" | "/api/v3";
  readonly defaultBranch: string;
  /** Numeric repository id (used by `/repositories/{id}` Link URLs). */
  readonly repoId = 1296269;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every problem found with a request (each also answered 400, 404 or 501). */
  readonly violations: string[] = [];
  /** Answers by kind: 2xx and 304 (conditional GET hits). */
  readonly stats: { ok: number; notModified: number } = { ok: 0, notModified: 0 };
  /** The core rate limit; `remaining` drops by one per answered request, except 304s. */
  readonly rateLimit: { limit: number; remaining: number; reset: number };

  /** Existing branches. */
  branches: Set<string>;
  /** Refs (branch, tag) to commit SHA, for the CI endpoints. */
  refs: Map<string, string> = new Map();
  pulls: PullRequest[] = [];
  issues: Issue[] = [];
  comments: IssueComment[] = [];
  /** Actions variables, keyed by upper-case name. */
  variables: Map<string, Variable> = new Map();
  /** Check runs by (lower-case, full) commit SHA. */
  checkRuns: Map<string, CheckRun[]> = new Map();
  /** Commit statuses by (lower-case, full) commit SHA, oldest first. */
  statuses: Map<string, CommitStatus[]> = new Map();
  /** `false`: issue endpoints answer 410 "Issues are disabled for this repo". */
  hasIssues = true;

  #server: Deno.HttpServer<Deno.NetAddr>;
  #validator: Validator | undefined;
  #linkStyle: "repositories" | "repos";
  #rules = new ScriptQueue<ScriptRule>();
  #closing = new AbortController();
  #closed: Promise<void> | undefined;
  #nextId = 1000001;
  #routes: [string, RegExp, Handler][];

  private constructor(
    options: FakeGitHubOptions,
    validator: Validator | undefined,
  ) {
    this.owner = options.owner ?? "octo";
    this.repo = options.repo ?? "pace-demo";
    this.token = options.token ?? "ghp_testtoken_0123456789";
    this.basePath = options.basePath ?? "";
    this.defaultBranch = options.defaultBranch ?? "main";
    this.branches = new Set([this.defaultBranch]);
    this.#validator = validator;
    this.#linkStyle = options.linkStyle ?? "repositories";
    this.rateLimit = { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 };
    this.#server = Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      onListen() {},
      // A dropped (erroring) body lands here; stay quiet.
      onError: () => new Response(null, { status: 500 }),
    }, (request) => this.#handle(request));
    this.webUrl = `http://127.0.0.1:${this.#server.addr.port}`;
    this.url = this.webUrl + this.basePath;
    this.#routes = this.#buildRoutes();
  }

  /** Start a server on a free port of 127.0.0.1. */
  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    let validator: Validator | undefined;
    if (options.validate ?? true) {
      const description = options.description ??
        (options.basePath === "/api/v3" ? "ghes-3.19" : "api.github.com");
      validator = await gitHubValidator(description, {
        strictBodies: options.strictBodies ?? true,
      });
    }
    return new FakeGitHub(options, validator);
  }

  /** Stop serving; pending hangs end (dropped). Resolves when the server is down. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort();
      this.#closed = this.#server.shutdown();
    }
    return this.#closed;
  }

  /** `await using gh = await FakeGitHub.start()` */
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

  /** Add a check run on `sha` (after the ones already there). */
  addCheckRun(sha: string, input: CheckRunInput): CheckRun {
    const key = sha.toLowerCase();
    const id = this.#nextId++;
    const status = input.status ?? (input.conclusion ? "completed" : "queued");
    const html = input.html_url ?? `${this.webUrl}/${this.owner}/${this.repo}/runs/${id}`;
    const run: CheckRun = {
      id,
      name: input.name,
      status,
      conclusion: status === "completed" ? input.conclusion ?? "success" : null,
      head_sha: key,
      html_url: html,
      details_url: input.details_url ?? html,
      started_at: now(),
      completed_at: status === "completed" ? now() : null,
    };
    const list = this.checkRuns.get(key) ?? [];
    list.push(run);
    this.checkRuns.set(key, list);
    return run;
  }

  /** Update the latest check run called `name` on `sha` (adding it if missing). */
  setCheckRun(
    sha: string,
    name: string,
    patch: { status?: CheckRunStatus; conclusion?: string | null },
  ): CheckRun {
    const run = this.checkRuns.get(sha.toLowerCase())?.findLast((r) => r.name === name);
    if (!run) return this.addCheckRun(sha, { name, ...patch });
    if (patch.status) run.status = patch.status;
    if (patch.conclusion !== undefined) {
      run.conclusion = patch.conclusion;
      if (patch.conclusion && !patch.status) run.status = "completed";
    }
    if (run.status === "completed") {
      run.conclusion ??= "success";
      run.completed_at ??= now();
    } else {
      run.conclusion = null;
      run.completed_at = null;
    }
    return run;
  }

  /** Add a commit status on `sha` (the latest per context counts). */
  addStatus(sha: string, input: CommitStatusInput): CommitStatus {
    const key = sha.toLowerCase();
    const status: CommitStatus = {
      id: this.#nextId++,
      context: input.context,
      state: input.state,
      target_url: input.target_url ?? null,
      description: input.description ?? null,
      created_at: now(),
      updated_at: now(),
    };
    const list = this.statuses.get(key) ?? [];
    list.push(status);
    this.statuses.set(key, list);
    return status;
  }

  /** Add a pull request (number allocated from the shared issue/PR sequence). */
  addPull(input: Partial<PullRequest> & { head: string }): PullRequest {
    this.branches.add(input.head);
    const pull: PullRequest = {
      title: `PR from ${input.head}`,
      body: null,
      state: "open",
      base: this.defaultBranch,
      labels: [],
      merged_at: null,
      draft: false,
      created_at: now(),
      updated_at: now(),
      closed_at: null,
      ...input,
      number: input.number ?? this.#nextNumber(),
    };
    this.pulls.push(pull);
    return pull;
  }

  /** Add an issue (number allocated from the shared issue/PR sequence). */
  addIssue(input: Partial<Issue> & { title: string }): Issue {
    const issue: Issue = {
      body: null,
      state: "open",
      state_reason: null,
      labels: [],
      created_at: now(),
      updated_at: now(),
      closed_at: null,
      ...input,
      number: input.number ?? this.#nextNumber(),
    };
    this.issues.push(issue);
    return issue;
  }

  /** A variable by name, case-insensitively. */
  getVariable(name: string): Variable | undefined {
    const upper = name.toUpperCase();
    if (this.variables.has(upper)) return this.variables.get(upper);
    for (const v of this.variables.values()) if (v.name.toUpperCase() === upper) return v;
    return undefined;
  }

  // -------------------------------------------------------------------------
  // Request pipeline

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    let path = url.pathname;
    const outsideBase = Boolean(this.basePath) && !path.startsWith(this.basePath + "/");
    if (this.basePath && !outsideBase) path = path.slice(this.basePath.length);
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
    const record: RecordedRequest = {
      method: request.method,
      path,
      query: url.searchParams,
      headers: new Headers(request.headers),
      body,
      status: -1,
    };
    this.requests.push(record);
    const label = `${request.method} ${path}`;

    const finish = async (reply: Reply, counted: boolean): Promise<Response> => {
      const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
      let payload: string | null = null;
      if (reply.body !== undefined) {
        payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      }
      let status = reply.status;
      if (request.method === "GET" && status === 200 && payload !== null) {
        const etag = `"${await sha256(payload)}"`;
        headers.set("etag", etag);
        if (etagMatches(request.headers.get("if-none-match"), etag)) {
          status = 304;
          payload = null;
          counted = false;
        }
      }
      if (counted && this.rateLimit.remaining > 0) this.rateLimit.remaining--;
      headers.set("x-ratelimit-limit", String(this.rateLimit.limit));
      headers.set("x-ratelimit-remaining", String(this.rateLimit.remaining));
      headers.set("x-ratelimit-reset", String(this.rateLimit.reset));
      headers.set("x-ratelimit-used", String(this.rateLimit.limit - this.rateLimit.remaining));
      headers.set("x-ratelimit-resource", "core");
      headers.set("x-github-api-version-selected", "2022-11-28");
      headers.set("x-github-media-type", "github.v3; format=json");
      headers.set("x-github-request-id", `FAKE:${this.requests.length}`);
      for (const [k, v] of Object.entries(reply.headers ?? {})) headers.set(k, v);
      if (status === 304 || status === 204 || payload === null) headers.delete("content-type");
      if (status === 304) this.stats.notModified++;
      else if (status >= 200 && status < 300) this.stats.ok++;
      record.status = status;
      return new Response(status === 304 || status === 204 ? null : payload, { status, headers });
    };

    // 1. Where the request went and what it carries.
    if (outsideBase) {
      this.violations.push(`${label}: outside the API base path ${this.basePath}`);
      return finish(notFound(), false);
    }
    const problems: string[] = [];
    const accept = (request.headers.get("accept") ?? "").split(",").map((t) =>
      t.split(";")[0].trim().toLowerCase()
    );
    if (!accept.includes("application/vnd.github+json")) {
      problems.push(
        `Accept must be application/vnd.github+json (got ${
          JSON.stringify(request.headers.get("accept"))
        })`,
      );
    }
    const version = request.headers.get("x-github-api-version");
    if (version !== "2022-11-28") {
      problems.push(`X-GitHub-Api-Version must be 2022-11-28 (got ${JSON.stringify(version)})`);
    }
    if (!request.headers.get("user-agent")) problems.push("User-Agent header missing");
    if (jsonError) problems.push("Problems parsing JSON: the body is not JSON");

    // 2. `/repositories/{id}/...` (GitHub's own Link URLs) is `/repos/{owner}/{repo}/...`.
    let specPath = path;
    let linkBase = `/repos/${this.owner}/${this.repo}`;
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    if (byId) {
      if (Number(byId[1]) !== this.repoId) return finish(notFound(), true);
      specPath = `/repos/${this.owner}/${this.repo}${byId[2] ?? ""}`;
    }
    if (this.#linkStyle === "repositories") linkBase = `/repositories/${this.repoId}`;

    // 3. The OpenAPI description.
    let operation = "";
    if (this.#validator) {
      const result = this.#validator.validate({
        method: request.method,
        path: specPath,
        query: url.searchParams,
        body: jsonError ? undefined : body,
        contentType: request.headers.get("content-type") ?? undefined,
      });
      record.operationId = result.operationId;
      operation = result.operationId ?? "";
      problems.push(...result.errors);
    }
    if (problems.length) {
      for (const p of problems) this.violations.push(`${label}: ${p}`);
      return finish(error(400, `OpenAPI violation: ${problems.join("; ")}`), false);
    }

    // 4. Credentials, rate limit.
    const auth = request.headers.get("authorization") ?? "";
    const m = /^(bearer|token)\s+(\S+)\s*$/i.exec(auth);
    if (!m || m[2] !== this.token) {
      return finish(
        {
          status: 401,
          body: { message: "Bad credentials", documentation_url: DOCS, status: "401" },
        },
        false,
      );
    }
    if (this.rateLimit.remaining <= 0) {
      const fault = primaryRateLimit({ path: /./, reset: this.rateLimit.reset });
      return finish({ status: 403, body: fault.body, headers: fault.headers }, false);
    }

    // 5. Scripted answers.
    const rule = this.#rules.take(request.method, path, url.search);
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
      if (rule.status !== undefined || rule.body !== undefined || rule.headers) {
        return finish(
          { status: rule.status ?? 200, body: rule.body, headers: rule.headers },
          false,
        );
      }
    }

    // 6. The implemented endpoints.
    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(specPath);
    if (repoMatch) {
      const [, owner, repo, rest = ""] = repoMatch;
      if (
        decode(owner).toLowerCase() !== this.owner.toLowerCase() ||
        decode(repo).toLowerCase() !== this.repo.toLowerCase()
      ) {
        return finish(notFound(), true);
      }
      for (const [method, pattern, handler] of this.#routes) {
        if (method !== request.method) continue;
        const match = pattern.exec(rest);
        if (!match) continue;
        return finish(
          handler({ method, rest, match, query: url.searchParams, body, linkBase }),
          true,
        );
      }
    }
    if (!this.#validator) return finish(notFound(), true);
    const message = `FakeGitHub does not implement ${request.method} ${specPath}` +
      (operation ? ` (${operation})` : "");
    this.violations.push(`${label}: not implemented (${operation || "unknown operation"})`);
    return finish(error(501, message), false);
  }

  // -------------------------------------------------------------------------
  // Views

  #apiRepo(): string {
    return `${this.url}/repos/${this.owner}/${this.repo}`;
  }

  #webRepo(): string {
    return `${this.webUrl}/${this.owner}/${this.repo}`;
  }

  #nextNumber(): number {
    let max = 0;
    for (const x of [...this.pulls, ...this.issues]) max = Math.max(max, x.number);
    return max + 1;
  }

  #labelView(name: string) {
    let id = 0;
    for (const c of name) id = (id * 31 + c.codePointAt(0)!) % 1_000_000_007;
    return {
      id,
      node_id: `LA_${id}`,
      url: `${this.#apiRepo()}/labels/${encodeURIComponent(name)}`,
      name,
      color: "ededed",
      default: false,
      description: null,
    };
  }

  #user() {
    return { login: "pace-bot", id: 1, type: "Bot", html_url: `${this.webUrl}/pace-bot` };
  }

  #repoView() {
    return {
      id: this.repoId,
      node_id: "R_kgDOfake",
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      private: false,
      owner: {
        login: this.owner,
        id: 2,
        type: "Organization",
        html_url: `${this.webUrl}/${this.owner}`,
      },
      html_url: this.#webRepo(),
      description: null,
      fork: false,
      url: this.#apiRepo(),
      default_branch: this.defaultBranch,
      visibility: "public",
      has_issues: this.hasIssues,
      archived: false,
      disabled: false,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    };
  }

  #pullView(p: PullRequest) {
    const api = `${this.#apiRepo()}/pulls/${p.number}`;
    const html = `${this.#webRepo()}/pull/${p.number}`;
    return {
      url: api,
      id: 500000 + p.number,
      node_id: `PR_${p.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${this.#apiRepo()}/issues/${p.number}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.#user(),
      body: p.body,
      labels: p.labels.map((l) => this.#labelView(l)),
      created_at: p.created_at ?? now(),
      updated_at: p.updated_at ?? p.created_at ?? now(),
      closed_at: p.closed_at ?? null,
      merged_at: p.merged_at,
      draft: p.draft ?? false,
      head: {
        label: `${this.owner}:${p.head}`,
        ref: p.head,
        sha: this.refs.get(p.head) ?? "0".repeat(40),
        user: { login: this.owner },
        repo: { id: this.repoId, full_name: `${this.owner}/${this.repo}` },
      },
      base: {
        label: `${this.owner}:${p.base}`,
        ref: p.base,
        sha: this.refs.get(p.base) ?? "0".repeat(40),
        user: { login: this.owner },
        repo: { id: this.repoId, full_name: `${this.owner}/${this.repo}` },
      },
    };
  }

  #issueView(x: Issue | PullRequest) {
    const isPull = "head" in x;
    const api = `${this.#apiRepo()}/issues/${x.number}`;
    const html = isPull
      ? `${this.#webRepo()}/pull/${x.number}`
      : `${this.#webRepo()}/issues/${x.number}`;
    const view: Record<string, unknown> = {
      url: api,
      repository_url: this.#apiRepo(),
      comments_url: `${api}/comments`,
      html_url: html,
      id: 700000 + x.number,
      node_id: `I_${x.number}`,
      number: x.number,
      title: x.title,
      user: this.#user(),
      labels: x.labels.map((l) => this.#labelView(l)),
      state: x.state,
      state_reason: isPull ? null : (x as Issue).state_reason,
      locked: false,
      comments: this.comments.filter((c) => c.issue_number === x.number).length,
      created_at: x.created_at ?? now(),
      updated_at: x.updated_at ?? x.created_at ?? now(),
      closed_at: x.closed_at ?? null,
      body: x.body,
    };
    if (isPull) {
      view.pull_request = {
        url: `${this.#apiRepo()}/pulls/${x.number}`,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: (x as PullRequest).merged_at,
      };
      view.draft = (x as PullRequest).draft ?? false;
    }
    return view;
  }

  #commentView(c: IssueComment) {
    const id = c.id ?? 0;
    const html = this.pulls.some((p) => p.number === c.issue_number)
      ? `${this.#webRepo()}/pull/${c.issue_number}#issuecomment-${id}`
      : `${this.#webRepo()}/issues/${c.issue_number}#issuecomment-${id}`;
    return {
      id,
      node_id: `IC_${id}`,
      url: `${this.#apiRepo()}/issues/comments/${id}`,
      html_url: html,
      issue_url: `${this.#apiRepo()}/issues/${c.issue_number}`,
      body: c.body,
      user: this.#user(),
      created_at: c.created_at ?? now(),
      updated_at: c.created_at ?? now(),
    };
  }

  #checkRunView(r: CheckRun) {
    const api = `${this.#apiRepo()}/check-runs/${r.id}`;
    return {
      id: r.id,
      node_id: `CR_${r.id}`,
      head_sha: r.head_sha,
      external_id: "",
      url: api,
      html_url: r.html_url,
      details_url: r.details_url,
      status: r.status,
      conclusion: r.conclusion,
      started_at: r.started_at,
      completed_at: r.completed_at,
      output: {
        title: null,
        summary: null,
        text: null,
        annotations_count: 0,
        annotations_url: `${api}/annotations`,
      },
      name: r.name,
      check_suite: { id: 1 },
      app: { id: 15368, slug: "github-actions", name: "GitHub Actions" },
      pull_requests: [],
    };
  }

  #statusView(s: CommitStatus) {
    return {
      url: `${this.#apiRepo()}/statuses/${s.id}`,
      avatar_url: null,
      id: s.id,
      node_id: `SC_${s.id}`,
      state: s.state,
      description: s.description,
      target_url: s.target_url,
      context: s.context,
      created_at: s.created_at,
      updated_at: s.updated_at,
    };
  }

  // -------------------------------------------------------------------------
  // Pagination

  #paginate<T>(
    items: T[],
    ctx: Ctx,
    defaults: { perPage: number; max: number } = { perPage: 30, max: 100 },
  ): { page: T[]; headers: Record<string, string> } {
    const perPageRaw = Number(ctx.query.get("per_page") ?? defaults.perPage);
    const perPage = perPageRaw >= 1
      ? Math.min(Math.floor(perPageRaw), defaults.max)
      : defaults.perPage;
    const pageRaw = Number(ctx.query.get("page") ?? 1);
    const page = pageRaw >= 1 ? Math.floor(pageRaw) : 1;
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (n: number) => {
      const q = new URLSearchParams(ctx.query);
      q.delete("page");
      q.append("page", String(n));
      return `<${this.url}${ctx.linkBase}${ctx.rest}?${q}>`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`${link(Math.min(page - 1, last))}; rel="prev"`);
    if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) rels.push(`${link(1)}; rel="first"`);
    return { page: slice, headers: rels.length ? { link: rels.join(", ") } : {} };
  }

  // -------------------------------------------------------------------------
  // Endpoints

  #resolveRef(raw: string): string | undefined {
    const ref = decode(raw);
    const mapped = this.refs.get(ref) ?? this.refs.get(ref.replace(/^(refs\/)?(heads|tags)\//, ""));
    if (mapped) return mapped.toLowerCase();
    if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
    if (/^[0-9a-f]{7,39}$/i.test(ref)) {
      const lower = ref.toLowerCase();
      const known = [...this.checkRuns.keys(), ...this.statuses.keys()];
      return known.find((sha) => sha.startsWith(lower)) ?? lower;
    }
    if (this.branches.has(ref)) return ref;
    return undefined;
  }

  #findIssueLike(n: number): Issue | PullRequest | undefined {
    return this.issues.find((i) => i.number === n) ?? this.pulls.find((p) => p.number === n);
  }

  #buildRoutes(): [string, RegExp, Handler][] {
    const issuesOff = () => error(410, "Issues are disabled for this repo");
    const sortByNumber = <T extends { number: number }>(list: T[], direction: string) =>
      list.sort((a, b) => direction === "asc" ? a.number - b.number : b.number - a.number);

    return [
      ["GET", /^$/, () => ({ status: 200, body: this.#repoView() })],

      // Pull requests
      ["GET", /^\/pulls$/, (ctx) => {
        const q = ctx.query;
        const state = q.get("state") ?? "open";
        let list = this.pulls.filter((p) => state === "all" || p.state === state);
        const head = q.get("head");
        // GitHub ignores a `head` filter without the `owner:` prefix.
        if (head && head.includes(":")) {
          const [who, ...branch] = head.split(":");
          list = who.toLowerCase() === this.owner.toLowerCase()
            ? list.filter((p) => p.head === branch.join(":"))
            : [];
        }
        const base = q.get("base");
        if (base) list = list.filter((p) => p.base === base);
        const sort = q.get("sort") ?? "created";
        const direction = q.get("direction") ?? (sort === "created" ? "desc" : "asc");
        sortByNumber(list, direction);
        const { page, headers } = this.#paginate(list, ctx);
        return { status: 200, body: page.map((p) => this.#pullView(p)), headers };
      }],
      ["POST", /^\/pulls$/, (ctx) => {
        const b = ctx.body ?? {};
        let head = String(b.head ?? "");
        if (head.includes(":")) {
          const [who, ...rest] = head.split(":");
          if (who.toLowerCase() !== this.owner.toLowerCase()) {
            return validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }]);
          }
          head = rest.join(":");
        }
        const base = String(b.base ?? "");
        if (!this.branches.has(head)) {
          return validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }]);
        }
        if (!this.branches.has(base)) {
          return validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }]);
        }
        if (b.title === undefined && b.issue === undefined) {
          return validationFailed([{
            resource: "PullRequest",
            field: "title",
            code: "missing_field",
          }]);
        }
        if (this.pulls.some((p) => p.state === "open" && p.head === head && p.base === base)) {
          return validationFailed([{
            resource: "PullRequest",
            code: "custom",
            message: `A pull request already exists for ${this.owner}:${head}.`,
          }]);
        }
        if (head === base) {
          return validationFailed([{
            resource: "PullRequest",
            code: "custom",
            message: `No commits between ${base} and ${head}`,
          }]);
        }
        const pull = this.addPull({
          title: String(b.title ?? `Issue #${b.issue}`),
          body: b.body ?? null,
          head,
          base,
          draft: Boolean(b.draft),
        });
        const view = this.#pullView(pull);
        return { status: 201, body: view, headers: { location: view.url } };
      }],
      ["GET", /^\/pulls\/(\d+)$/, (ctx) => {
        const pull = this.pulls.find((p) => p.number === Number(ctx.match[1]));
        return pull ? { status: 200, body: this.#pullView(pull) } : notFound();
      }],
      ["PATCH", /^\/pulls\/(\d+)$/, (ctx) => {
        const pull = this.pulls.find((p) => p.number === Number(ctx.match[1]));
        if (!pull) return notFound();
        const b = ctx.body ?? {};
        if (typeof b.title === "string") pull.title = b.title;
        if (typeof b.body === "string") pull.body = b.body;
        if (typeof b.base === "string") {
          if (!this.branches.has(b.base)) {
            return validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }]);
          }
          pull.base = b.base;
        }
        if (b.state === "open" || b.state === "closed") {
          if (b.state !== pull.state) pull.closed_at = b.state === "closed" ? now() : null;
          pull.state = b.state;
        }
        pull.updated_at = now();
        return { status: 200, body: this.#pullView(pull) };
      }],

      // CI
      ["GET", /^\/commits\/([^/]+)\/check-runs$/, (ctx) => {
        const sha = this.#resolveRef(ctx.match[1]);
        if (!sha) {
          return error(422, `No commit found for SHA: ${decode(ctx.match[1])}`);
        }
        let runs = [...(this.checkRuns.get(sha) ?? [])];
        if ((ctx.query.get("filter") ?? "latest") === "latest") {
          const latest = new Map<string, CheckRun>();
          for (const r of runs) latest.set(r.name, r);
          runs = runs.filter((r) => latest.get(r.name) === r);
        }
        const name = ctx.query.get("check_name");
        if (name) runs = runs.filter((r) => r.name === name);
        const status = ctx.query.get("status");
        if (status) runs = runs.filter((r) => r.status === status);
        const { page, headers } = this.#paginate(runs, ctx);
        return {
          status: 200,
          body: { total_count: runs.length, check_runs: page.map((r) => this.#checkRunView(r)) },
          headers,
        };
      }],
      ["GET", /^\/commits\/([^/]+)\/status$/, (ctx) => {
        const sha = this.#resolveRef(ctx.match[1]);
        if (!sha) {
          return error(404, `No commit found for SHA: ${decode(ctx.match[1])}`);
        }
        const latest = new Map<string, CommitStatus>();
        for (const s of this.statuses.get(sha) ?? []) {
          latest.delete(s.context);
          latest.set(s.context, s);
        }
        const all = [...latest.values()].reverse(); // newest first, as GitHub lists them
        const states = all.map((s) => s.state);
        const state = states.some((s) => s === "error" || s === "failure")
          ? "failure"
          : states.length === 0 || states.includes("pending")
          ? "pending"
          : "success";
        const { page, headers } = this.#paginate(all, ctx);
        return {
          status: 200,
          body: {
            state,
            statuses: page.map((s) => this.#statusView(s)),
            sha,
            total_count: all.length,
            repository: { id: this.repoId, full_name: `${this.owner}/${this.repo}` },
            commit_url: `${this.#apiRepo()}/commits/${sha}`,
            url: `${this.#apiRepo()}/commits/${sha}/status`,
          },
          headers,
        };
      }],

      // Issues (pull requests included, as GitHub lists them)
      ["GET", /^\/issues$/, (ctx) => {
        if (!this.hasIssues) return issuesOff();
        const q = ctx.query;
        const state = q.get("state") ?? "open";
        const wanted = (q.get("labels") ?? "").split(",").map((l) => l.trim().toLowerCase())
          .filter(Boolean);
        let list: (Issue | PullRequest)[] = [...this.issues, ...this.pulls];
        list = list.filter((x) =>
          (state === "all" || x.state === state) &&
          wanted.every((w) => x.labels.some((l) => l.toLowerCase() === w))
        );
        const sort = q.get("sort") ?? "created";
        const direction = q.get("direction") ?? "desc";
        if (sort === "updated") {
          list.sort((a, b) =>
            (a.updated_at ?? "").localeCompare(b.updated_at ?? "") || a.number - b.number
          );
          if (direction === "desc") list.reverse();
        } else {
          sortByNumber(list, direction);
        }
        const { page, headers } = this.#paginate(list, ctx);
        return { status: 200, body: page.map((x) => this.#issueView(x)), headers };
      }],
      ["POST", /^\/issues$/, (ctx) => {
        if (!this.hasIssues) return issuesOff();
        const b = ctx.body ?? {};
        const issue = this.addIssue({
          title: String(b.title),
          body: b.body ?? null,
          labels: (b.labels ?? []).map(labelName).filter((l: unknown) => l !== undefined),
        });
        const view = this.#issueView(issue);
        return { status: 201, body: view, headers: { location: String(view.url) } };
      }],
      ["GET", /^\/issues\/(\d+)$/, (ctx) => {
        const x = this.#findIssueLike(Number(ctx.match[1]));
        if (!x) return notFound();
        if (!this.hasIssues && !("head" in x)) return issuesOff();
        return { status: 200, body: this.#issueView(x) };
      }],
      ["PATCH", /^\/issues\/(\d+)$/, (ctx) => {
        const x = this.#findIssueLike(Number(ctx.match[1]));
        if (!x) return notFound();
        if (!this.hasIssues && !("head" in x)) return issuesOff();
        const b = ctx.body ?? {};
        if (b.title !== undefined && b.title !== null) x.title = String(b.title);
        if (b.body !== undefined) x.body = b.body;
        if (Array.isArray(b.labels)) {
          x.labels = b.labels.map(labelName).filter((l: unknown) => l !== undefined);
        }
        if ((b.state === "open" || b.state === "closed") && b.state !== x.state) {
          x.state = b.state;
          x.closed_at = b.state === "closed" ? now() : null;
          if (!("head" in x)) {
            x.state_reason = b.state === "closed"
              ? (b.state_reason ?? "completed")
              : (b.state_reason ?? "reopened");
          }
        }
        x.updated_at = now();
        return { status: 200, body: this.#issueView(x) };
      }],
      ["GET", /^\/issues\/(\d+)\/comments$/, (ctx) => {
        const n = Number(ctx.match[1]);
        if (!this.#findIssueLike(n)) return notFound();
        const list = this.comments.filter((c) => c.issue_number === n);
        const { page, headers } = this.#paginate(list, ctx);
        return { status: 200, body: page.map((c) => this.#commentView(c)), headers };
      }],
      ["POST", /^\/issues\/(\d+)\/comments$/, (ctx) => {
        const n = Number(ctx.match[1]);
        const x = this.#findIssueLike(n);
        if (!x) return notFound();
        if (!this.hasIssues && !("head" in x)) return issuesOff();
        const comment: IssueComment = {
          id: this.#nextId++,
          issue_number: n,
          body: String(ctx.body?.body ?? ""),
          created_at: now(),
        };
        this.comments.push(comment);
        const view = this.#commentView(comment);
        return { status: 201, body: view, headers: { location: view.url } };
      }],
      ["POST", /^\/issues\/(\d+)\/labels$/, (ctx) => {
        const x = this.#findIssueLike(Number(ctx.match[1]));
        if (!x) return notFound();
        const b = ctx.body;
        const raw: unknown[] = Array.isArray(b) ? b : Array.isArray(b?.labels) ? b.labels : [];
        for (const name of raw.map(labelName)) {
          if (name && !x.labels.some((l) => l.toLowerCase() === name.toLowerCase())) {
            x.labels.push(name);
          }
        }
        return { status: 200, body: x.labels.map((l) => this.#labelView(l)) };
      }],

      // Actions variables
      ["GET", /^\/actions\/variables$/, (ctx) => {
        const all = [...this.variables.values()];
        const { page, headers } = this.#paginate(all, ctx, { perPage: 10, max: 30 });
        return {
          status: 200,
          body: { total_count: all.length, variables: page.map((v) => this.#variableView(v)) },
          headers,
        };
      }],
      ["POST", /^\/actions\/variables$/, (ctx) => {
        const name = String(ctx.body?.name ?? "");
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
          return error(
            422,
            "Failed to create variable. Names can only contain alphanumeric characters or underscores, must not start with a number or GITHUB_.",
          );
        }
        if (this.getVariable(name)) {
          return error(409, "Already exists - Variable already exists");
        }
        const stamp = now();
        this.variables.set(name.toUpperCase(), {
          name: name.toUpperCase(),
          value: String(ctx.body?.value ?? ""),
          created_at: stamp,
          updated_at: stamp,
        });
        return { status: 201, body: {} };
      }],
      ["GET", /^\/actions\/variables\/([^/]+)$/, (ctx) => {
        const v = this.getVariable(decode(ctx.match[1]));
        return v ? { status: 200, body: this.#variableView(v) } : notFound();
      }],
      ["PATCH", /^\/actions\/variables\/([^/]+)$/, (ctx) => {
        const v = this.getVariable(decode(ctx.match[1]));
        if (!v) return notFound();
        const b = ctx.body ?? {};
        if (typeof b.value === "string") v.value = b.value;
        if (typeof b.name === "string" && b.name.toUpperCase() !== v.name.toUpperCase()) {
          for (const [key, value] of this.variables) {
            if (value === v) this.variables.delete(key);
          }
          v.name = b.name.toUpperCase();
          this.variables.set(v.name, v);
        }
        v.updated_at = now();
        return { status: 204 };
      }],
      ["DELETE", /^\/actions\/variables\/([^/]+)$/, (ctx) => {
        const v = this.getVariable(decode(ctx.match[1]));
        if (!v) return notFound();
        for (const [key, value] of this.variables) if (value === v) this.variables.delete(key);
        return { status: 204 };
      }],
    ];
  }

  #variableView(v: Variable) {
    return {
      name: v.name,
      value: v.value,
      created_at: v.created_at ?? now(),
      updated_at: v.updated_at ?? v.created_at ?? now(),
    };
  }
}
