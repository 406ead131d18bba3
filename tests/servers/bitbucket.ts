/**
 * A local Bitbucket Cloud REST 2.0 server for tests: the repository endpoints
 * PACE uses, under `/2.0`, answering with Bitbucket's paths, field names,
 * status codes, error bodies and `next`-URL pagination, and refusing what
 * Bitbucket would not accept.
 *
 * ```ts
 * await using bb = await FakeBitbucket.start();
 * bb.addPipeline({ commit: "a".repeat(40), state: "SUCCESSFUL" });
 * const env = {
 *   BITBUCKET_API_URL: bb.url,
 *   BITBUCKET_WORKSPACE: bb.workspace,
 *   BITBUCKET_REPO_SLUG: bb.repoSlug,
 *   BITBUCKET_EMAIL: bb.email,
 *   BITBUCKET_API_TOKEN: bb.apiToken,
 * };
 * // ... run the adapter ...
 * assertEquals(bb.violations, []);
 * ```
 *
 * What it models (checked against Bitbucket's OpenAPI description,
 * `swagger.v3.json`, and observed answers):
 *
 * - the credentials of 2026: an Atlassian API token as Basic
 *   `base64(email:token)`, a repository/project/workspace access token as
 *   `Bearer`, and a legacy app password as Basic `base64(user:app password)`
 *   only while {@linkcode FakeBitbucket.appPasswords} is on (off by default,
 *   as on bitbucket.org since 2026-06-09); anything else — an API token sent as
 *   Bearer included — is a 401 with Bitbucket's body (JSON for a token, plain
 *   text for Basic);
 * - `GET /repositories/{w}/{r}` with `mainbranch`, `links.html`, `has_issues`;
 * - `GET …/pipelines` with its documented query parameters only
 *   (`target.commit.hash`, `sort`, `page`, `pagelen`, …; BBQL `q` is not one
 *   of them), oldest first unless `sort=-created_on`;
 * - branches with their head commits: `GET …/refs/branches/{name}` (the
 *   name one encoded segment; 404 when absent) and `POST …/refs/branches`
 *   `{name, target: {hash}}`, 400 for a name that is taken;
 * - pull requests (`state` repeatable, BBQL `q`), and the 400 for a second
 *   open pull request from the same source branch;
 * - issues with BBQL `q` on `title`, `state`, `content.raw`, …, create,
 *   update, comments; a repository without an issue tracker answers 404
 *   `Repository has no issue tracker.` on every issue path;
 * - repository pipeline variables (paginated, by `{uuid}`), 409 on a
 *   duplicate key;
 * - `next` links as absolute URLs, `pagelen`, `page`, `size`.
 *
 * Every request is recorded in {@linkcode FakeBitbucket.requests}. A request
 * Bitbucket would refuse or that PACE should never send (unknown path or
 * method, undocumented query parameter, malformed BBQL, unknown body field,
 * missing credentials, a non-JSON body) is pushed to
 * {@linkcode FakeBitbucket.violations} and answered 400, 404 or 405.
 *
 * @module
 */

import {
  type AuthCheck,
  basicAuthorization,
  type Call,
  type Credential,
  decodeSegment,
  FakeServer,
  type Reply,
  text,
} from "./_base.ts";
import type {
  BitbucketCredential,
  FakeBitbucketOptions,
  Issue,
  IssueComment,
  Pipeline,
  PipelineStatus,
  PipelineVariable,
  PullRequest,
  RecordedRequest,
} from "./bitbucket/model.ts";
import { BranchHeads, branchRoutes } from "./bitbucket/branches.ts";
import { bitbucketRoutes } from "./bitbucket/routes.ts";
import { BASIC_401, bbError, REPO_NOT_FOUND, TOKEN_401 } from "./bitbucket/views.ts";

// The names tests import stay where they always were.
export type { ScriptRule } from "./_base.ts";
export type * from "./bitbucket/model.ts";
export { ISSUE_STATES } from "./bitbucket/model.ts";
export { BbqlError, parseBbql } from "./bitbucket/bbql.ts";
export { ALREADY_OPEN } from "./bitbucket/views.ts";
export { branchExists, BranchHeads, newCommit } from "./bitbucket/branches.ts";

/** The fake Bitbucket Cloud; see the module documentation. */
export class FakeBitbucket extends FakeServer<RecordedRequest> {
  /** API base, `http://127.0.0.1:PORT/2.0` (`BITBUCKET_API_URL`). */
  declare readonly url: string;
  /** Origin of the web links (`links.html.href`). */
  readonly webUrl: string;
  readonly workspace: string;
  readonly repoSlug: string;
  /** The access token (`Bearer`). */
  readonly token: string;
  /** The Atlassian account's email, for Basic `email:apiToken`. */
  readonly email: string;
  /** The Atlassian API token. */
  readonly apiToken: string;
  readonly user: string;
  readonly appPassword: string;
  /**
   * Whether Basic `user:appPassword` is accepted. Off by default, as on bitbucket.org
   * since 2026-06-09; may be changed mid-test.
   */
  appPasswords: boolean;
  readonly mainBranch: string;
  readonly defaultPagelen: number;

  /** Whether the issue tracker is enabled; `false`: every issue path answers 404. */
  hasIssues: boolean;
  /**
   * Existing branches and their head commits (a pull request's source must be
   * one); `branches.add(name)` creates one at a new commit unless it exists.
   */
  branches: BranchHeads;
  pipelines: Pipeline[] = [];
  pulls: PullRequest[] = [];
  issues: Issue[] = [];
  comments: IssueComment[] = [];
  variables: PipelineVariable[] = [];

  protected override jsonType = "application/json; charset=utf-8";
  protected override textType = "text/plain";

  #clock = Date.parse("2025-01-01T00:00:00Z");

  private constructor(options: FakeBitbucketOptions) {
    super({ mount: "/2.0" });
    this.workspace = options.workspace ?? "pace-team";
    this.repoSlug = options.repoSlug ?? "pace-demo";
    this.token = options.token ?? "bbat_testtoken_0123456789";
    this.email = options.email ?? "pace-robot@example.com";
    this.apiToken = options.apiToken ?? "ATATT3xFfGF0_pace_api_token_0123";
    this.appPasswords = options.appPasswords ?? false;
    this.user = options.user ?? "pace-robot";
    this.appPassword = options.appPassword ?? "app_pw_0123456789abcdef";
    this.mainBranch = options.mainBranch ?? "main";
    this.hasIssues = options.hasIssues ?? true;
    this.defaultPagelen = options.defaultPagelen ?? 10;
    this.branches = new BranchHeads().add(this.mainBranch);
    this.webUrl = (options.webUrl ?? this.origin).replace(/\/+$/, "");
    this.routes = [...bitbucketRoutes(this), ...branchRoutes(this)];
  }

  /** Start a server on a free port of 127.0.0.1. */
  static start(options: FakeBitbucketOptions = {}): Promise<FakeBitbucket> {
    return Promise.resolve(new FakeBitbucket(options));
  }

  /** The `Authorization` value of Basic with the app password (accepted only with {@linkcode FakeBitbucket.appPasswords}). */
  get basicHeader(): string {
    return basicAuthorization(this.user, this.appPassword);
  }

  /** The `Authorization` value of Basic with the Atlassian API token. */
  get apiTokenHeader(): string {
    return basicAuthorization(this.email, this.apiToken);
  }

  /** The repository's web page: `<webUrl>/<workspace>/<repo>`. */
  get webRepoUrl(): string {
    return `${this.webUrl}/${this.workspace}/${this.repoSlug}`;
  }

  /** The fake clock: each reading is one second after the last. */
  now(): string {
    this.#clock += 1000;
    return new Date(this.#clock).toISOString();
  }

  /** Add a pipeline run (newer than every one before it). */
  addPipeline(input: { commit: string; status: PipelineStatus; ref_name?: string }): Pipeline {
    const build = this.pipelines.reduce((n, p) => Math.max(n, p.build_number), 0) + 1;
    const pipeline: Pipeline = {
      uuid: `{${crypto.randomUUID()}}`,
      build_number: build,
      commit: input.commit.toLowerCase(),
      ref_name: input.ref_name ?? this.mainBranch,
      status: input.status,
      created_on: this.now(),
    };
    if (!["PENDING", "IN_PROGRESS", "PAUSED"].includes(input.status)) {
      pipeline.completed_on = this.now();
    }
    this.pipelines.push(pipeline);
    return pipeline;
  }

  /** Move a pipeline to another status. */
  setPipeline(buildNumber: number, status: PipelineStatus): Pipeline {
    const pipeline = this.pipelines.find((p) => p.build_number === buildNumber);
    if (!pipeline) throw new Error(`no pipeline #${buildNumber}`);
    pipeline.status = status;
    if (!["PENDING", "IN_PROGRESS", "PAUSED"].includes(status)) pipeline.completed_on = this.now();
    return pipeline;
  }

  /** Add a pull request; its source branch is created. */
  addPull(input: Partial<PullRequest> & { source: string }): PullRequest {
    this.branches.add(input.source);
    const pull: PullRequest = {
      title: `PR from ${input.source}`,
      description: "",
      state: "OPEN",
      destination: this.mainBranch,
      close_source_branch: false,
      created_on: this.now(),
      ...input,
      id: input.id ?? this.pulls.length + 1,
    };
    this.pulls.push(pull);
    return pull;
  }

  /** Add an issue (state `new` unless given). */
  addIssue(input: Partial<Issue> & { title: string }): Issue {
    const now = this.now();
    const issue: Issue = {
      content: "",
      state: "new",
      kind: "bug",
      priority: "major",
      created_on: now,
      updated_on: now,
      ...input,
      id: input.id ?? this.issues.reduce((n, i) => Math.max(n, i.id), 0) + 1,
    };
    this.issues.push(issue);
    return issue;
  }

  /** Add a repository pipeline variable. */
  addVariable(key: string, value: string, secured = false): PipelineVariable {
    const variable = { uuid: `{${crypto.randomUUID()}}`, key, value, secured };
    this.variables.push(variable);
    return variable;
  }

  // -------------------------------------------------------------------------
  // The pipeline

  protected override describe(call: Omit<Call<RecordedRequest>, "record">): RecordedRequest {
    const auth = call.headers.get("authorization") ?? "";
    const scheme = /^bearer\s/i.test(auth) ? "bearer" : /^basic\s/i.test(auth) ? "basic" : "none";
    return { ...super.describe(call), scheme };
  }

  protected override outside(call: Call<RecordedRequest>): Reply {
    return this.refuse(call, "outside the API base /2.0", bbError(404, "Resource not found"));
  }

  protected override credentials(): Credential[] {
    const accepted: Credential[] = [
      { scheme: "basic", user: this.email, password: this.apiToken, name: "api-token" },
      { scheme: "bearer", token: this.token, name: "access-token" },
    ];
    if (this.appPasswords) {
      accepted.push({
        scheme: "basic",
        user: this.user,
        password: this.appPassword,
        name: "app-password",
      });
    }
    return accepted;
  }

  /** One of the accepted credentials, recorded with the request. */
  protected override authenticate(call: Call<RecordedRequest>): Reply | undefined {
    const check = this.checkCredentials(call);
    if (!check.ok) return this.unauthorized(call, check);
    call.record.credential = check.credential.name as BitbucketCredential;
    return undefined;
  }

  /** JSON for a wrong token, plain text for Basic; no credentials at all is a client bug. */
  protected override unauthorized(call: Call<RecordedRequest>, check: AuthCheck): Reply {
    if (!check.ok && check.scheme === "bearer") return bbError(401, TOKEN_401);
    const basic = text(401, BASIC_401, {
      "content-type": "text/plain",
      "www-authenticate": 'Basic realm="Bitbucket.org HTTP"',
    });
    return !check.ok && check.known ? basic : this.refuse(call, "no Authorization header", basic);
  }

  /** Bodies are JSON; routes serve the one repository, below its path. */
  protected override dispatch(call: Call<RecordedRequest>): Reply | Promise<Reply> {
    if (call.method === "POST" || call.method === "PUT") {
      const type = call.headers.get("content-type") ?? "";
      if (!/^application\/json\b/i.test(type)) {
        return this.refuse(
          call,
          `Content-Type must be application/json (got ${JSON.stringify(type)})`,
          bbError(415, "Unsupported Media Type"),
        );
      }
      if (call.malformed || !isObject(call.body)) {
        return this.refuse(call, "the body is not a JSON object", bbError(400, "Bad request"));
      }
    }
    const repo = /^\/repositories\/([^/]+)\/([^/]+)(\/.*)?$/.exec(call.path);
    if (!repo) {
      return this.refuse(call, "not an endpoint PACE uses", bbError(404, "Resource not found"));
    }
    const [, workspace, slug, rest = ""] = repo;
    if (decodeSegment(workspace) !== this.workspace || decodeSegment(slug) !== this.repoSlug) {
      return bbError(404, REPO_NOT_FOUND);
    }
    if (rest.startsWith("/issues") && !this.hasIssues) {
      return bbError(404, "Repository has no issue tracker.");
    }
    const refused = this.resolve(call, rest);
    if (refused) return refused;
    for (const name of new Set(call.query.keys())) {
      if (name !== "state" && call.query.getAll(name).length > 1) {
        return this.refuse(call, `query parameter ${name} repeated`, bbError(400, "Bad request"));
      }
    }
    return super.dispatch(call);
  }

  protected override unknownRoute(call: Call<RecordedRequest>): Reply {
    const rest = call.path.replace(/^\/repositories\/[^/]+\/[^/]+/, "");
    return this.refuse(call, `unknown path ${rest || "/"}`, bbError(404, "Resource not found"));
  }

  protected override wrongMethod(call: Call<RecordedRequest>): Reply {
    return this.refuse(
      call,
      `${call.method} is not allowed here`,
      bbError(405, "Method not allowed"),
    );
  }

  protected override undocumentedQuery(call: Call<RecordedRequest>, names: string[]): Reply {
    return this.refuse(
      call,
      `undocumented query parameter ${JSON.stringify(names[0])}`,
      bbError(400, `Unknown query parameter: ${names[0]}`),
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
