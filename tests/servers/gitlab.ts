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
import { type Call, type Credential, FakeServer, type Reply } from "./_base.ts";
import type {
  FakeGitLabOptions,
  Issue,
  Job,
  JobInput,
  MergeRequest,
  Note,
  Pipeline,
  PipelineInput,
  RecordedRequest,
  Variable,
} from "./gitlab/model.ts";
import { stableSha } from "./gitlab/branches.ts";
import { errorReply, type GitLabRoute, message, now } from "./gitlab/params.ts";
import { gitLabRoutes } from "./gitlab/routes.ts";

// The names tests import stay where they always were.
export type { ScriptRule } from "./_base.ts";
export type * from "./gitlab/model.ts";
export { rateLimited } from "./gitlab/model.ts";

/** The fake GitLab; see the module documentation. */
export class FakeGitLab extends FakeServer<RecordedRequest, GitLabRoute> {
  /** Web root, the value for `GITLAB_URL`: `http://127.0.0.1:PORT[/gitlab]`. */
  declare readonly url: string;
  /** `url + "/api/v4"`. */
  readonly apiUrl: string;
  readonly token: string;
  readonly projectPath: string;
  readonly projectId: number;
  readonly relativeRoot: string;
  readonly defaultBranch: string;
  /** `"headers"`: offset pagination headers and `Link`; `"link"`: only `Link`. */
  readonly pagination: "headers" | "link";

  /** Existing branches; see {@linkcode FakeGitLab.headOf}. */
  branches: Set<string>;
  /** Branch heads (full SHAs) a test or a create set; other branches have a stable SHA of their own. */
  heads: Map<string, string> = new Map();
  /** Known commits (full SHAs, lower case); pipelines add theirs. */
  commits: Set<string> = new Set();
  pipelines: Pipeline[] = [];
  jobs: Job[] = [];
  mergeRequests: MergeRequest[] = [];
  issues: Issue[] = [];
  notes: Note[] = [];
  /** CI/CD variables by key. */
  variables: Map<string, Variable> = new Map();
  /**
   * `false`: the user may open issues but not set their metadata (a Guest,
   * below the Planner or Reporter role). GitLab then ignores `labels`,
   * assignees, milestone and due date of a new issue without an error, and
   * answers the issue with `labels: []`; label changes on update are ignored
   * too.
   */
  setIssueMetadata = true;
  /**
   * `false`: the user is below the Developer role (a Reporter): creating a
   * branch answers `403 Forbidden`.
   */
  pushAccess = true;

  // GitLab labels every body JSON unless the reply says otherwise (its 429 is plain text).
  protected override textType = "application/json";

  #nextId = 9001;

  private constructor(options: FakeGitLabOptions) {
    const root = (options.relativeRoot ?? "").replace(/\/+$/, "");
    super({ mount: `${root}/api/v4`, root });
    this.relativeRoot = root;
    this.apiUrl = `${this.url}/api/v4`;
    this.token = options.token ?? "glpat-FakeToken_0123456789abcdef";
    this.projectPath = options.projectPath ?? "pace-group/sub/pace-demo";
    this.projectId = options.projectId ?? 4242;
    this.defaultBranch = options.defaultBranch ?? "main";
    this.branches = new Set([this.defaultBranch]);
    this.pagination = options.pagination ?? "headers";
    this.routes = gitLabRoutes(this);
  }

  /** Start a server on a free port of 127.0.0.1. */
  static start(options: FakeGitLabOptions = {}): FakeGitLab {
    return new FakeGitLab(options);
  }

  /** The project's web page. */
  get projectWebUrl(): string {
    return `${this.url}/${this.projectPath}`;
  }

  /** The head commit of `branch`; `undefined` when there is no such branch. */
  headOf(branch: string): string | undefined {
    if (!this.branches.has(branch)) return undefined;
    return (this.heads.get(branch) ?? stableSha(branch)).toLowerCase();
  }

  /** Add a branch, at `sha` when given. */
  addBranch(name: string, sha?: string): void {
    this.branches.add(name);
    if (sha) this.heads.set(name, sha.toLowerCase());
  }

  /** Add a pipeline (newer than every one before it). */
  addPipeline(input: PipelineInput): Pipeline {
    const id = this.nextId();
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
    const id = this.nextId();
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
      id: this.nextId(),
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
      id: this.nextId(),
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

  /** The next id of the shared sequence. */
  nextId(): number {
    return this.#nextId++;
  }

  // -------------------------------------------------------------------------
  // The pipeline

  protected override outside(call: Call<RecordedRequest>): Reply {
    return this.refuse(
      call,
      `outside the API root ${this.mount}`,
      errorReply(404, "404 Not Found"),
    );
  }

  protected override unknownRoute(call: Call<RecordedRequest>): Reply {
    return this.refuse(call, "no such GitLab route", errorReply(404, "404 Not Found"));
  }

  protected override wrongMethod(call: Call<RecordedRequest>): Reply {
    return this.refuse(
      call,
      "method not allowed on this route",
      errorReply(405, "405 Not Allowed"),
    );
  }

  /** The route and its parameters, as GitLab's Grape declarations see them, before credentials. */
  protected override screen(call: Call<RecordedRequest>): Reply | undefined {
    const refused = this.resolve(call);
    if (refused) return refused;
    const route = call.route as GitLabRoute;
    call.record.route = `${route.method} ${route.path}`;
    // A route a test added with `on()` declares no parameters: its checks are the test's.
    if (!this.routes.includes(route)) return undefined;
    const problems: string[] = [];
    const check = (kind: string, checks: GitLabRoute["params"], name: string, value: unknown) => {
      const check = checks?.[name];
      const error = check ? check(value) : `is not a documented ${kind} parameter`;
      if (error) problems.push(`${name} ${error}`);
    };
    for (const [name, value] of call.query) check("query", route.params, name, value);
    const body = call.body;
    if (call.text.length > 0) {
      const type = call.headers.get("content-type") ?? "";
      if (!route.fields) problems.push("this endpoint takes no request body");
      else if (!/^application\/json\b/i.test(type)) {
        problems.push(`the body must be JSON (content-type ${JSON.stringify(type)})`);
      } else if (call.malformed || !body || typeof body !== "object" || Array.isArray(body)) {
        problems.push("the body is not a JSON object");
      } else {
        for (const [name, value] of Object.entries(body)) check("body", route.fields, name, value);
      }
    }
    const given = (name: string) =>
      (body && typeof body === "object" && name in body) || call.query.has(name);
    for (const name of route.required ?? []) {
      if (!given(name)) problems.push(`${name} is missing`);
    }
    if (route.atLeastOne && !route.atLeastOne.some(given)) {
      problems.push(
        `${route.atLeastOne.join(", ")} are missing, at least one parameter must be provided`,
      );
    }
    if (!problems.length) return undefined;
    return this.refuse(call, problems.join("; "), errorReply(400, problems.join(", ")));
  }

  protected override credentials(): Credential[] {
    return [{ header: "private-token", token: this.token }, {
      scheme: "bearer",
      token: this.token,
    }];
  }

  protected override unauthorized(): Reply {
    return message(401, "401 Unauthorized");
  }

  /** Routes serve the one project, by numeric id or full path. */
  protected override dispatch(call: Call<RecordedRequest>): Reply | Promise<Reply> {
    const project = call.params.id;
    const isProject = /^\d+$/.test(project)
      ? Number(project) === this.projectId
      : project.toLowerCase() === this.projectPath.toLowerCase();
    return isProject ? super.dispatch(call) : message(404, "404 Project Not Found");
  }
}
