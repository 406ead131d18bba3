/**
 * A local Gitea (or Forgejo) for tests: the repository endpoints PACE uses
 * below `<root>/api/v1`, answering as Gitea 1.23 does, and refusing every
 * request Gitea would refuse — or that its published API description does
 * not allow.
 *
 * ```ts
 * await using gitea = FakeGitea.start({ root: "/gitea" });
 * gitea.addStatus(sha, { context: "ci/build", state: "success" });
 * const env = { GITEA_URL: gitea.url, GITEA_TOKEN: gitea.token, GITEA_REPOSITORY: gitea.fullName };
 * // ... run the adapter ...
 * assertEquals(gitea.violations, []);
 * ```
 *
 * What it checks: every request against the operations, query parameters and
 * body fields of `gitea-js` and `@llamaduck/forgejo-ts` (`gitea/api.json`);
 * `Authorization: token …` (or `Bearer`), else 401 "token is required"; the
 * token's scopes (`read:`/`write:` `repository` or `issue`), else 403 naming
 * the scope. Gitea's quirks, kept: an unknown label name in the issues filter
 * is dropped (the filter widens, to every open issue when no name is known);
 * `pulls/{base}/{head}` answers the latest pull request of that pair, closed
 * and merged ones too; an existing branch is 409; variable names are stored
 * upper-cased; a label name may exist twice; `PATCH …/issues/{index}` answers
 * 201; a commit without statuses answers `statuses: null`. Stricter than
 * Gitea: what Gitea would silently ignore (an undocumented parameter, an
 * unknown label id) is also pushed to {@linkcode FakeGitea.violations}.
 *
 * @module
 */

import { type Call, type Credential, FakeServer, html, type Reply } from "./_base.ts";
import { requestProblems } from "./gitea/api.ts";
import {
  type Comment,
  type FakeGiteaOptions,
  fakeSha,
  type Issue,
  type Label,
  type RecordedRequest,
  type Status,
  type StatusState,
  type Variable,
  type Vendor,
} from "./gitea/model.ts";
import { type GiteaRoute, giteaRoutes } from "./gitea/routes.ts";
import { apiError } from "./gitea/views.ts";

export type * from "./gitea/model.ts";
export { fakeSha } from "./gitea/model.ts";

/** The fake Gitea; see the module documentation. */
export class FakeGitea extends FakeServer<RecordedRequest, GiteaRoute> {
  /** The instance's web root, the value for `GITEA_URL`: `http://127.0.0.1:PORT[/gitea]`. */
  declare readonly url: string;
  /** `url + "/api/v1"`. */
  readonly apiUrl: string;
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  /** The descriptions every request is checked against. */
  readonly vendors: Vendor[];

  /** The token's scopes; flip mid-test. */
  scopes: Set<string>;
  /** `MAX_RESPONSE_ITEMS`. */
  maxLimit: number;
  /** Branch → head SHA. */
  branches: Map<string, string> = new Map();
  /** Known commits (branch heads included). */
  commits: Set<string> = new Set();
  statuses: Status[] = [];
  labels: Label[] = [];
  /** Issues and pull requests, one numbering. */
  issues: Issue[] = [];
  comments: Comment[] = [];
  variables: Map<string, Variable> = new Map();
  /**
   * `false`: the token's user may open issues but not write to them (no write
   * access to issues). Gitea then drops the labels of a new issue, silently.
   */
  writeIssues = true;
  /** `"all"`: the issues filter keeps issues carrying every known label (Gitea's query); `"any"`: one of them (as its description words it). */
  labelFilter: "all" | "any" = "all";
  /** The status of a create that finds the variable already there (409; older versions 400). */
  variableExistsStatus = 409;

  #nextId = 1;
  #clock = Date.parse("2026-01-05T08:00:00Z");

  private constructor(options: FakeGiteaOptions) {
    const root = (options.root ?? "").replace(/\/+$/, "");
    super({ mount: `${root}/api/v1`, root });
    this.apiUrl = `${this.url}/api/v1`;
    this.token = options.token ?? "gitea-pat-0123456789abcdef0123456789abcdef";
    this.owner = options.owner ?? "pace-org";
    this.repo = options.repo ?? "pace-demo";
    this.defaultBranch = options.defaultBranch ?? "main";
    this.vendors = options.vendors ?? ["gitea", "forgejo"];
    this.scopes = new Set(options.scopes ?? ["write:repository", "write:issue"]);
    this.maxLimit = options.maxLimit ?? 50;
    if (!options.empty) this.addBranch(this.defaultBranch);
    this.routes = giteaRoutes(this);
  }

  /** Start a server on a free port of 127.0.0.1. */
  static start(options: FakeGiteaOptions = {}): FakeGitea {
    return new FakeGitea(options);
  }

  /** `owner/repo`. */
  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** The repository's web page. */
  get webUrl(): string {
    return `${this.url}/${this.fullName}`;
  }

  /** A new id of the shared sequence. */
  nextId(): number {
    return this.#nextId++;
  }

  /** A later time than any before. */
  tick(): number {
    return this.#clock += 1000;
  }

  /** Add (or move) a branch; its head is a new commit unless given. */
  addBranch(name: string, sha = fakeSha(`${name}@${this.nextId()}`)): string {
    this.branches.set(name, sha);
    this.commits.add(sha);
    return sha;
  }

  /** Report a status on `sha` (newer than every one before it). */
  addStatus(
    sha: string,
    input: { context: string; state: StatusState; target_url?: string; description?: string },
  ): Status {
    const stamp = new Date(this.tick()).toISOString().replace(/\.\d+Z$/, "Z");
    const status: Status = {
      id: this.nextId(),
      index: this.statuses.filter((s) => s.sha === sha).length + 1,
      sha,
      context: input.context,
      state: input.state,
      target_url: input.target_url ?? `${this.webUrl}/actions/runs/${this.statuses.length + 1}`,
      description: input.description ?? "",
      created_at: stamp,
      updated_at: stamp,
    };
    this.statuses.push(status);
    return status;
  }

  /** Add a label (a name may exist twice, as on Gitea). */
  addLabel(name: string, color = "e11d21"): Label {
    const label: Label = {
      id: this.nextId(),
      name,
      color: color.replace(/^#/, "").toLowerCase(),
      description: "",
      exclusive: false,
      is_archived: false,
    };
    this.labels.push(label);
    return label;
  }

  /** Labels named `name`. */
  labelsNamed(name: string): Label[] {
    return this.labels.filter((l) => l.name === name);
  }

  /** Add an issue; labels by name are created when missing. */
  addIssue(input: Partial<Omit<Issue, "labels">> & { title: string; labels?: string[] }): Issue {
    const labels = (input.labels ?? []).map((name) =>
      (this.labelsNamed(name)[0] ?? this.addLabel(name)).id
    );
    const issue: Issue = {
      body: "",
      state: "open",
      created: this.tick(),
      ...input,
      labels,
      number: this.issues.length + 1,
    };
    this.issues.push(issue);
    return issue;
  }

  /** Add a pull request head → base (both branches too). */
  addPull(
    head: string,
    base: string,
    input: { state?: "open" | "closed"; merged?: boolean; title?: string } = {},
  ): Issue {
    if (!this.branches.has(head)) this.addBranch(head);
    if (!this.branches.has(base)) this.addBranch(base);
    const issue = this.addIssue({ title: input.title ?? `${head} into ${base}` });
    issue.state = input.merged ? "closed" : input.state ?? "open";
    issue.pull = { head, base, merged: input.merged ?? false };
    return issue;
  }

  /** Pull requests only. */
  get pulls(): Issue[] {
    return this.issues.filter((i) => i.pull);
  }

  /** Comments on issue `number`, oldest first. */
  commentsOn(number: number): Comment[] {
    return this.comments.filter((c) => c.issue === number);
  }

  /** Set an Actions variable, as Gitea stores it (upper-cased). */
  setVariable(name: string, data: string): void {
    this.variables.set(name.toUpperCase(), { name: name.toUpperCase(), data });
  }

  // -------------------------------------------------------------------------
  // The pipeline

  /** Outside the API, the web UI answers: an HTML page. */
  protected override outside(call: Call<RecordedRequest>): Reply {
    this.violate(call, "outside the API root");
    return html(
      404,
      "<!DOCTYPE html><html><head><title>Page Not Found - Gitea</title></head></html>",
    );
  }

  protected override unknownRoute(call: Call<RecordedRequest>): Reply {
    return this.refuse(call, "no such Gitea route", {
      status: 404,
      body: {
        errors: null,
        message: "The target couldn't be found.",
        url: `${this.url}/api/swagger`,
      },
    });
  }

  protected override wrongMethod(call: Call<RecordedRequest>): Reply {
    return this.refuse(
      call,
      "method not allowed on this route",
      apiError(this, 405, "Method Not Allowed"),
    );
  }

  /** The route, then the published descriptions, before the credentials. */
  protected override screen(call: Call<RecordedRequest>): Reply | undefined {
    const refused = this.resolve(call);
    if (refused) return refused;
    const route = call.route as GiteaRoute;
    // A route a test added with `on()` has its own checks.
    if (!this.routes.includes(route)) return undefined;
    call.record.operation = route.operation;
    const problems = requestProblems(this.vendors, route.operation, call);
    if (!problems.length) return undefined;
    return this.refuse(call, problems.join("; "), apiError(this, 422, problems.join("; ")));
  }

  protected override credentials(): Credential[] {
    return [{ scheme: "token", token: this.token }, { scheme: "bearer", token: this.token }];
  }

  protected override unauthorized(): Reply {
    return apiError(this, 401, "token is required");
  }

  /** The token's scopes: `write:X` covers `read:X`. */
  protected override admit(call: Call<RecordedRequest>): Reply | undefined {
    const route = call.route as GiteaRoute;
    if (!route.scope) return undefined;
    const level = call.method === "GET" ? "read" : "write";
    const ok = this.scopes.has("all") || this.scopes.has(`write:${route.scope}`) ||
      (level === "read" && this.scopes.has(`read:${route.scope}`));
    if (ok) return undefined;
    return apiError(
      this,
      403,
      `token does not have at least one of required scope(s): [${level}:${route.scope}]`,
    );
  }

  /** Routes serve the one repository (names compare without case, as on Gitea). */
  protected override dispatch(call: Call<RecordedRequest>): Reply | Promise<Reply> {
    const { owner, repo } = call.params;
    if (owner === undefined) return super.dispatch(call);
    const mine = owner.toLowerCase() === this.owner.toLowerCase() &&
      repo.toLowerCase() === this.repo.toLowerCase();
    return mine ? super.dispatch(call) : {
      status: 404,
      body: {
        errors: null,
        message: "The target couldn't be found.",
        url: `${this.url}/api/swagger`,
      },
    };
  }
}
