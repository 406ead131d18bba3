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

import { type Call, type Credential, decodeSegment, FakeServer, type Reply } from "./_base.ts";
import { createValidator, type OpenApiDocument, type Validator } from "./_openapi.ts";
import type {
  CheckRun,
  CheckRunInput,
  CheckRunStatus,
  CommitStatus,
  CommitStatusInput,
  FakeGitHubOptions,
  Issue,
  IssueComment,
  PullRequest,
  RecordedRequest,
  Variable,
} from "./github/model.ts";
import { stableSha } from "./github/git.ts";
import { gitHubRoutes, repoRest } from "./github/routes.ts";
import { error, notFound, now, primaryRateLimit } from "./github/views.ts";

// The names tests import stay where they always were.
export type { ScriptRule } from "./_base.ts";
export type * from "./github/model.ts";
export { primaryRateLimit, secondaryRateLimit } from "./github/views.ts";

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
// The server

/** The fake GitHub; see the module documentation. */
export class FakeGitHub extends FakeServer<RecordedRequest> {
  /** API base, `http://127.0.0.1:PORT` or `http://127.0.0.1:PORT/api/v3` (`GITHUB_API_URL`). */
  declare readonly url: string;
  /** Web base for `html_url`s: `http://127.0.0.1:PORT`. */
  readonly webUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly basePath: "" | "/api/v3";
  readonly defaultBranch: string;
  /** Numeric repository id (used by `/repositories/{id}` Link URLs). */
  readonly repoId = 1296269;
  /** Answers by kind: 2xx and 304 (conditional GET hits). */
  readonly stats: { ok: number; notModified: number } = { ok: 0, notModified: 0 };
  /** The core rate limit; `remaining` drops by one per answered request, except 304s. */
  readonly rateLimit: { limit: number; remaining: number; reset: number };
  /** The path Link URLs start with: `/repositories/{id}` (GitHub's own) or `/repos/{owner}/{repo}`. */
  readonly linkBase: string;

  /** Existing branches (`refs/heads/…`); see {@linkcode FakeGitHub.headOf}. */
  branches: Set<string>;
  /** Refs (branch, tag) to commit SHA: a branch's head, and what the CI endpoints resolve. */
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
  /**
   * `false`: the token may open issues but has no push access to the
   * repository. As GitHub documents it ("Only users with push access can set
   * labels for new issues. Labels are silently dropped otherwise."), a new
   * issue is created (201) without its labels and its answer says
   * `labels: []`; label changes on update are dropped too. Writes that need
   * push access outright (creating a branch, adding labels to an existing
   * issue or pull request) answer 403 "Resource not accessible by
   * integration", as they do for an Actions token without that permission.
   */
  pushAccess = true;

  // GitHub labels every body JSON, a scripted malformed one too.
  protected override jsonType = "application/json; charset=utf-8";
  protected override textType = "application/json; charset=utf-8";

  #validator: Validator | undefined;
  #nextId = 1000001;
  /** Calls that count against the rate limit: those that reached the repository. */
  #counted = new WeakSet<Call<RecordedRequest>>();

  private constructor(options: FakeGitHubOptions, validator: Validator | undefined) {
    super({ mount: options.basePath ?? "" });
    this.owner = options.owner ?? "octo";
    this.repo = options.repo ?? "pace-demo";
    this.token = options.token ?? "ghp_testtoken_0123456789";
    this.basePath = options.basePath ?? "";
    this.defaultBranch = options.defaultBranch ?? "main";
    this.branches = new Set([this.defaultBranch]);
    this.#validator = validator;
    this.linkBase = (options.linkStyle ?? "repositories") === "repositories"
      ? `/repositories/${this.repoId}`
      : `/repos/${this.owner}/${this.repo}`;
    this.rateLimit = { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 };
    this.webUrl = this.origin;
    this.routes = gitHubRoutes(this);
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

  /** Add a check run on `sha` (after the ones already there). */
  addCheckRun(sha: string, input: CheckRunInput): CheckRun {
    const key = sha.toLowerCase();
    const id = this.nextId();
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
      id: this.nextId(),
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

  /**
   * The head commit of `branch`: its SHA in {@linkcode FakeGitHub.refs}, else
   * a stable SHA made from its name; `undefined` when there is no such branch.
   */
  headOf(branch: string): string | undefined {
    if (!this.branches.has(branch)) return undefined;
    return (this.refs.get(branch) ?? stableSha(branch)).toLowerCase();
  }

  /** Add a branch, at `sha` when given. */
  addBranch(name: string, sha?: string): void {
    this.branches.add(name);
    if (sha) this.refs.set(name, sha.toLowerCase());
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

  /** The next id of the shared sequence (check runs, statuses, comments). */
  nextId(): number {
    return this.#nextId++;
  }

  #nextNumber(): number {
    let max = 0;
    for (const x of [...this.pulls, ...this.issues]) max = Math.max(max, x.number);
    return max + 1;
  }

  // -------------------------------------------------------------------------
  // The pipeline

  protected override outside(call: Call<RecordedRequest>): Reply {
    return this.refuse(call, `outside the API base path ${this.basePath}`, notFound());
  }

  /** What GitHub's description and headers demand, whoever asks. */
  protected override screen(call: Call<RecordedRequest>): Reply | undefined {
    const problems: string[] = [];
    const accept = (call.headers.get("accept") ?? "").split(",").map((t) =>
      t.split(";")[0].trim().toLowerCase()
    );
    if (!accept.includes("application/vnd.github+json")) {
      problems.push(
        `Accept must be application/vnd.github+json (got ${
          JSON.stringify(call.headers.get("accept"))
        })`,
      );
    }
    const version = call.headers.get("x-github-api-version");
    if (version !== "2022-11-28") {
      problems.push(`X-GitHub-Api-Version must be 2022-11-28 (got ${JSON.stringify(version)})`);
    }
    if (!call.headers.get("user-agent")) problems.push("User-Agent header missing");
    if (call.malformed) problems.push("Problems parsing JSON: the body is not JSON");
    const path = this.#specPath(call);
    if (path === undefined) return this.#count(call, notFound());
    if (this.#validator) {
      const result = this.#validator.validate({
        method: call.method,
        path,
        query: call.query,
        body: call.malformed ? undefined : call.body,
        contentType: call.headers.get("content-type") ?? undefined,
      });
      call.record.operationId = result.operationId;
      problems.push(...result.errors);
    }
    if (!problems.length) return undefined;
    for (const p of problems) this.violate(call, p);
    return error(400, `OpenAPI violation: ${problems.join("; ")}`);
  }

  protected override credentials(): Credential[] {
    return [{ scheme: "bearer", token: this.token }, { scheme: "token", token: this.token }];
  }

  protected override unauthorized(): Reply {
    return error(401, "Bad credentials");
  }

  protected override admit(): Reply | undefined {
    if (this.rateLimit.remaining > 0) return undefined;
    const fault = primaryRateLimit({ path: /./, reset: this.rateLimit.reset });
    return { status: 403, body: fault.body, headers: fault.headers };
  }

  protected override dispatch(call: Call<RecordedRequest>): Promise<Reply> | Reply {
    const repo = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(this.#specPath(call) ?? "");
    if (!repo) return this.unknownRoute(call);
    const same = (raw: string, name: string) =>
      (decodeSegment(raw) ?? raw).toLowerCase() === name.toLowerCase();
    if (!same(repo[1], this.owner) || !same(repo[2], this.repo)) {
      return this.#count(call, notFound());
    }
    this.#counted.add(call);
    return super.dispatch(call, repoRest(call.path));
  }

  /** An operation GitHub has and this fake does not: 501 and a violation (404 without a description). */
  protected override unknownRoute(call: Call<RecordedRequest>): Reply {
    if (!this.#validator) return this.#count(call, notFound());
    this.#counted.delete(call);
    const operation = call.record.operationId;
    const path = this.#specPath(call) ?? call.path;
    this.violate(call, `not implemented (${operation || "unknown operation"})`);
    return error(
      501,
      `FakeGitHub does not implement ${call.method} ${path}` + (operation ? ` (${operation})` : ""),
    );
  }

  protected override wrongMethod(call: Call<RecordedRequest>): Reply {
    return this.unknownRoute(call);
  }

  /** Conditional GETs (`ETag`, `304`), the rate limit and GitHub's headers. */
  protected override async finish(call: Call<RecordedRequest>, reply: Reply): Promise<Reply> {
    let { status, body } = reply;
    let counted = this.#counted.has(call);
    const headers: Record<string, string> = {};
    if (call.method === "GET" && status === 200 && body !== undefined) {
      const etag = `"${await sha256(typeof body === "string" ? body : JSON.stringify(body))}"`;
      headers.etag = etag;
      if (etagMatches(call.headers.get("if-none-match"), etag)) {
        status = 304;
        body = undefined;
        counted = false;
      }
    }
    const limit = this.rateLimit;
    if (counted && limit.remaining > 0) limit.remaining--;
    Object.assign(headers, {
      "x-ratelimit-limit": String(limit.limit),
      "x-ratelimit-remaining": String(limit.remaining),
      "x-ratelimit-reset": String(limit.reset),
      "x-ratelimit-used": String(limit.limit - limit.remaining),
      "x-ratelimit-resource": "core",
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `FAKE:${this.requests.length}`,
    }, reply.headers);
    if (status === 304) this.stats.notModified++;
    else if (status >= 200 && status < 300) this.stats.ok++;
    return { status, body, headers };
  }

  /**
   * The path as the description writes it: `/repositories/{id}/...` (GitHub's
   * own Link URLs) is `/repos/{owner}/{repo}/...`; `undefined` for another id.
   */
  #specPath(call: Call<RecordedRequest>): string | undefined {
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(call.path);
    if (!byId) return call.path;
    if (Number(byId[1]) !== this.repoId) return undefined;
    return `/repos/${this.owner}/${this.repo}${byId[2] ?? ""}`;
  }

  #count(call: Call<RecordedRequest>, reply: Reply): Reply {
    this.#counted.add(call);
    return reply;
  }
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
