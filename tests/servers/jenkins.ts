/**
 * A local Jenkins-like server for tests: jobs in folders and multibranch
 * projects under an optional context path (`/jenkins`), freestyle and Pipeline
 * builds with the git plugin's `BuildData` and their change sets, served by
 * the remote access API at `…/api/json` as Jenkins serves it.
 *
 * ```ts
 * await using jenkins = FakeJenkins.start({ contextPath: "/jenkins" });
 * jenkins.addJob("Team Alpha/app", "pipeline");
 * jenkins.addBuild("Team Alpha/app", { sha: "a".repeat(40), result: "SUCCESS" });
 * const env = { JENKINS_URL: `${jenkins.url}/`, JENKINS_JOB_NAME: "Team Alpha/app",
 *   JENKINS_USER: jenkins.user, JENKINS_TOKEN: jenkins.token };
 * // ... run the adapter ...
 * assertEquals(jenkins.violations, []);
 * ```
 *
 * Like Jenkins:
 * - items are reached by `/job/<name>` steps, each segment URL-decoded
 *   (`Team%20Alpha`; a multibranch branch job `feature%2Fx` is
 *   `feature%252Fx`); an encoded `/` inside a segment is Jetty's 400
 *   "Ambiguous URI path separator";
 * - `api/json` honours `tree` (Jenkins' grammar: `a,b[c,d]{M,N}`, `*`, and
 *   `{N}`, `{M,}`, `{,N}` ranges; a malformed tree is a 500) and, without
 *   `tree`, `depth` (property visibility, as Jenkins' `ByDepth` pruner);
 *   objects carry `_class`; `builds` lists the newest 100;
 * - Basic authentication with an API token or the password; a wrong one is a
 *   401 error page with `X-You-Are-Authenticated-As: anonymous`; anonymous
 *   requests get a 403 "Authentication required" page unless anonymous read is
 *   on; unknown jobs get a 404 error page;
 * - `/crumbIssuer/api/json` issues a crumb bound to user and web session (the
 *   `JSESSIONID.*` cookie it sets); a POST without a valid crumb is a 403 "No
 *   valid crumb was included in the request" — except with an API token, which
 *   Jenkins exempts from CSRF protection; with CSRF protection off the crumb
 *   issuer is a 404.
 *
 * Stricter than Jenkins, so a client bug shows: a query parameter the
 * endpoint does not document, `depth` next to `tree` (Jenkins ignores it), a
 * wrong method, an `Authorization` scheme other than Basic, a route that does
 * not exist, a request outside the context path, a POST without a valid crumb
 * — each is pushed to {@linkcode FakeJenkins.violations}, and answered 400
 * unless Jenkins has its own answer (404, 405, 500, 403).
 *
 * @module
 */

import {
  type Call,
  type Credential,
  decodeSegment,
  FakeServer,
  json,
  type Reply,
} from "./_base.ts";
import { buildBean, itemBean, rootBean } from "./jenkins/beans.ts";
import { Bean, exportJson, prop } from "./jenkins/export.ts";
import {
  type BuildInput,
  type FakeBuild,
  type FakeJenkinsOptions,
  type FolderKind,
  type Item,
  ItemTree,
  type JobKind,
  type RecordedRequest,
} from "./jenkins/model.ts";
import { JETTY, jettyError, loginRedirect, oops, requiresPost } from "./jenkins/pages.ts";

// The names tests import stay where they always were.
export type { ScriptRule } from "./_base.ts";
export type * from "./jenkins/model.ts";
export { parseTree, type TreeNode } from "./jenkins/export.ts";

const API_PARAMS = ["tree", "depth", "pretty"];
const READ = ["GET", "HEAD"];

/** The fake Jenkins; see the module documentation. */
export class FakeJenkins extends FakeServer<RecordedRequest> {
  /** `http://127.0.0.1:PORT` + context path: what `JENKINS_URL` points at (without the slash). */
  declare readonly url: string;
  /** `/jenkins`, or `""`. */
  readonly contextPath: string;
  readonly user: string;
  readonly token: string;
  readonly password: string;
  /** Whether anonymous users may read. May be changed mid-test. */
  anonymousRead: boolean;
  /** Whether CSRF protection is on. May be changed mid-test. */
  csrf: boolean;
  /** Builds triggered by POST `…/build`, by job full name. */
  readonly triggered: string[] = [];
  /** Folders, multibranch projects and jobs. */
  readonly items: ItemTree = new ItemTree();

  protected override jsonType = "application/json;charset=utf-8";
  protected override textType = "text/html;charset=utf-8";

  readonly #sessions = new Map<string, string>();
  readonly #cookieName = `JSESSIONID.${crypto.randomUUID().slice(0, 8)}`;
  readonly #salt = crypto.randomUUID();
  #queue = 100;
  /** The item each call addresses. */
  #addressed = new WeakMap<Call<RecordedRequest>, Item>();

  private constructor(options: FakeJenkinsOptions) {
    super({ mount: options.contextPath });
    this.contextPath = this.mount;
    this.user = options.user ?? "pace-bot";
    this.token = options.token ?? "11c0ffee5eed0ddba11fab1e5ca1ab1e00";
    this.password = options.password ?? "hunter2-pass";
    this.anonymousRead = options.anonymousRead ?? false;
    this.csrf = options.csrf ?? true;
    // The crumb issuer first: `/:build/api/json` would take it for a build.
    this.routes = [
      {
        method: READ,
        path: "/crumbIssuer/api/json",
        query: API_PARAMS,
        handler: (call) => this.#crumbIssuer(call),
      },
      {
        method: READ,
        path: "/api/json",
        query: API_PARAMS,
        handler: (call) => this.#itemApi(call),
      },
      {
        method: READ,
        path: "/:build/api/json",
        query: API_PARAMS,
        handler: (call) => this.#buildApi(call),
      },
      { method: "POST", path: "/build", query: ["delay"], handler: (call) => this.#trigger(call) },
    ];
  }

  /** Start on a free port of 127.0.0.1. */
  static start(options: FakeJenkinsOptions = {}): FakeJenkins {
    return new FakeJenkins(options);
  }

  /** Forget every web session: crumbs issued so far stop being valid. */
  expireSessions(): void {
    this.#sessions.clear();
  }

  /**
   * Add a folder or multibranch project at `fullName` (`a/b`); missing
   * parents become plain folders.
   */
  addFolder(fullName: string, kind: FolderKind = "folder"): void {
    const item = this.items.ensure(fullName, kind);
    item.kind = kind;
  }

  /** Add a job at `fullName` (`a/b/c`: folders a and b are created as needed). */
  addJob(fullName: string, kind: JobKind = "freestyle"): void {
    this.items.ensure(fullName, kind);
  }

  /** Add a build to the job at `fullName` (created as freestyle if missing). Newest last. */
  addBuild(fullName: string, input: BuildInput = {}): FakeBuild {
    const job = this.items.find(fullName) ?? this.items.ensure(fullName, "freestyle");
    if (job.kind !== "freestyle" && job.kind !== "pipeline") {
      throw new Error(`${fullName} is a ${job.kind}, not a job`);
    }
    const building = input.building ?? false;
    const build: FakeBuild = {
      number: input.number ?? job.nextBuildNumber,
      result: input.result !== undefined ? input.result : building ? null : "SUCCESS",
      building,
      sha: input.sha,
      branch: input.branch ?? "refs/remotes/origin/main",
      merge: input.merge,
      commits: input.commits ?? [],
      moreChangeSets: input.moreChangeSets ?? [],
      libraries: input.libraries ?? [],
      timestamp: Date.now(),
      duration: building ? 0 : 42_000,
    };
    job.nextBuildNumber = Math.max(job.nextBuildNumber, build.number + 1);
    job.builds.push(build);
    job.builds.sort((a, b) => a.number - b.number);
    return build;
  }

  /** The build `number` of the job at `fullName`. */
  build(fullName: string, number: number): FakeBuild | undefined {
    return this.items.find(fullName)?.builds.find((b) => b.number === number);
  }

  /** The web URL Jenkins reports for an item path (`a/b`) or a build of it. */
  itemUrl(fullName: string, number?: number): string {
    const path = fullName.split("/").map((s) => `job/${encodeURIComponent(s)}/`).join("");
    return `${this.url}/${path}${number === undefined ? "" : `${number}/`}`;
  }

  // -------------------------------------------------------------------------
  // The pipeline

  protected override describe(call: Omit<Call<RecordedRequest>, "record">): RecordedRequest {
    return { ...super.describe(call), body: call.text, user: "anonymous" };
  }

  protected override serverHeaders(): Record<string, string> {
    return {
      "x-jenkins": "2.479.3",
      "x-jenkins-session": "5c0ffee5",
      "x-content-type-options": "nosniff",
      server: JETTY,
    };
  }

  protected override outside(call: Call<RecordedRequest>): Reply {
    return this.refuse(call, `outside the context path ${this.contextPath}`, this.#page(call, 404));
  }

  protected override screen(call: Call<RecordedRequest>): Reply | undefined {
    if (!/%2f|%5c/i.test(call.url.pathname)) return undefined;
    return this.refuse(
      call,
      "an encoded / or \\ inside a path segment (encode the % of a branch job's name)",
      this.#page(call, 400, "Ambiguous URI path separator"),
    );
  }

  protected override credentials(): Credential[] {
    return [
      { scheme: "basic", user: this.user, password: this.token, name: "token" },
      { scheme: "basic", user: this.user, password: this.password, name: "password" },
    ];
  }

  /** Basic with the API token or the password; anything else is anonymous. */
  protected override authenticate(call: Call<RecordedRequest>): Reply | undefined {
    const check = this.checkCredentials(call);
    if (check.ok) {
      call.record.user = check.user!;
      return undefined;
    }
    if (check.scheme === "basic" && check.user !== undefined) {
      return {
        status: 401,
        body: jettyError(401, `Invalid password/token for user: ${check.user}`, call.url.pathname),
        headers: {
          "www-authenticate": 'Basic realm="Jenkins"',
          "x-you-are-authenticated-as": "anonymous",
        },
      };
    }
    if (check.scheme !== "none") {
      // Jenkins ignores other schemes and carries on as anonymous.
      const scheme = call.headers.get("authorization")!.split(" ")[0];
      this.violate(call, `Authorization must be Basic user:token, got "${scheme}"`);
    }
    if (this.anonymousRead) return undefined;
    return {
      status: 403,
      body: loginRedirect(this.contextPath, `${call.url.pathname}${call.url.search}`),
      headers: {
        "x-you-are-authenticated-as": "anonymous",
        "x-you-are-in-group-disabled":
          "JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true or use /whoAmI to diagnose",
        "x-required-permission": "hudson.model.Hudson.Read",
        "x-permission-implied-by": "hudson.security.Permission.GenericRead",
      },
    };
  }

  /** CSRF, then `/job/<name>` steps to the item, then the item's routes. */
  protected override async dispatch(call: Call<RecordedRequest>): Promise<Reply> {
    // Every POST needs a valid crumb, unless it came with an API token (CSRF-exempt).
    const check = this.checkCredentials(call);
    const viaToken = check.ok && check.credential.name === "token";
    if (call.method === "POST" && this.csrf && !viaToken) {
      const session = this.#session(call);
      const crumb = call.headers.get("jenkins-crumb");
      if (session === undefined || crumb !== await this.#crumbFor(call.record.user, session)) {
        this.violate(
          call,
          "POST without a valid crumb (Jenkins-Crumb header + its session cookie)",
        );
        return this.#page(call, 403, "No valid crumb was included in the request");
      }
    }
    const segments = call.path.split("/").slice(1);
    if (segments.at(-1) === "") segments.pop();
    let item = this.items.root;
    let i = 0;
    while (segments[i] === "job") {
      const name = segments[i + 1] === undefined ? undefined : decodeSegment(segments[i + 1]);
      const next = name === undefined ? undefined : item.children.get(name);
      if (!next) return this.#page(call, 404);
      item = next;
      i += 2;
    }
    this.#addressed.set(call, item);
    return await super.dispatch(call, `/${segments.slice(i).join("/")}`);
  }

  protected override unknownRoute(call: Call<RecordedRequest>): Reply {
    const rest = this.#rest(call);
    const problem = rest.startsWith("crumbIssuer")
      ? "unknown crumbIssuer route"
      : `no such route: ${rest || "(the item's HTML page)"}`;
    return this.refuse(call, problem, this.#page(call, 404));
  }

  protected override wrongMethod(call: Call<RecordedRequest>, allowed: string[]): Reply {
    if (allowed.includes("POST")) {
      return this.refuse(call, "GET on an action that requires POST", {
        status: 405,
        body: requiresPost(this.contextPath, call.path),
      });
    }
    return this.refuse(
      call,
      `${call.method} on a read-only API endpoint`,
      this.#page(call, 405, "Method Not Allowed"),
    );
  }

  protected override undocumentedQuery(call: Call<RecordedRequest>, names: string[]): Reply {
    const key = names[0];
    const problem = call.route?.path === "/build"
      ? `unknown query parameter "${key}" for …/build`
      : `undocumented query parameter "${key}" (api/json takes tree, depth, pretty)`;
    return this.refuse(call, problem, this.#page(call, 400, `Unknown parameter ${key}`));
  }

  // -------------------------------------------------------------------------
  // Routes

  #itemApi(call: Call<RecordedRequest>): Reply {
    const item = this.#addressed.get(call)!;
    return this.#api(call, item === this.items.root ? rootBean(this) : itemBean(this, item));
  }

  #buildApi(call: Call<RecordedRequest>): Reply {
    const job = this.#job(call);
    if (!job) return this.unknownRoute(call);
    const selector = call.params.build;
    const newest = [...job.builds].reverse();
    const build = /^\d+$/.test(selector)
      ? job.builds.find((b) => b.number === Number(selector))
      : selector === "lastBuild"
      ? newest[0]
      : selector === "lastCompletedBuild"
      ? newest.find((b) => !b.building)
      : undefined;
    if (build) return this.#api(call, buildBean(this, job, build));
    if (!/^\d+$/.test(selector) && selector !== "lastBuild" && selector !== "lastCompletedBuild") {
      this.violate(call, `unknown build selector "${selector}"`);
    }
    return this.#page(call, 404);
  }

  #trigger(call: Call<RecordedRequest>): Reply {
    const job = this.#job(call);
    if (!job) return this.unknownRoute(call);
    this.triggered.push(this.items.names(job).join("/"));
    return { status: 201, headers: { location: `${this.url}/queue/item/${++this.#queue}/` } };
  }

  async #crumbIssuer(call: Call<RecordedRequest>): Promise<Reply> {
    if (this.#addressed.get(call) !== this.items.root) return this.unknownRoute(call);
    if (!this.csrf) return this.#page(call, 404);
    let id = this.#session(call);
    const headers: Record<string, string> = {};
    if (!id) {
      id = `node0${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
      this.#sessions.set(id, call.record.user);
      headers["set-cookie"] = `${this.#cookieName}=${id}.node0; Path=${
        this.contextPath || "/"
      }; HttpOnly`;
    }
    const reply = this.#api(
      call,
      new Bean("hudson.security.csrf.DefaultCrumbIssuer", [
        prop("crumb", await this.#crumbFor(call.record.user, id)),
        prop("crumbRequestField", "Jenkins-Crumb"),
      ]),
    );
    return { ...reply, headers: { ...reply.headers, ...headers } };
  }

  /** `…/api/json`: the bean, pruned by `tree` or `depth`. */
  #api(call: Call<RecordedRequest>, bean: Bean): Reply {
    const tree = call.query.get("tree") ?? undefined;
    const depthText = call.query.get("depth");
    if (tree !== undefined && depthText !== null) {
      return this.refuse(
        call,
        "depth next to tree: Jenkins ignores depth when tree is given",
        this.#page(call, 400, "depth is ignored with tree"),
      );
    }
    if (depthText !== null && !/^-?\d+$/.test(depthText)) {
      return this.refuse(call, `depth must be a number, got "${depthText}"`, {
        status: 500,
        body: oops(this.contextPath),
      });
    }
    try {
      return json(200, exportJson(bean, { tree, depth: Number(depthText ?? 0) }));
    } catch (error) {
      return this.refuse(call, `Malformed tree expression: ${(error as Error).message}`, {
        status: 500,
        body: oops(this.contextPath),
      });
    }
  }

  // -------------------------------------------------------------------------
  // Helpers

  /** The addressed item when it is a job (one with builds). */
  #job(call: Call<RecordedRequest>): Item | undefined {
    const item = this.#addressed.get(call);
    return item?.kind === "freestyle" || item?.kind === "pipeline" ? item : undefined;
  }

  /** The path below the addressed item, without the leading slash. */
  #rest(call: Call<RecordedRequest>): string {
    const segments = call.path.split("/").slice(1);
    if (segments.at(-1) === "") segments.pop();
    let i = 0;
    while (segments[i] === "job") i += 2;
    return segments.slice(i).join("/");
  }

  #page(call: Call<RecordedRequest>, status: number, reason = "Not Found"): Reply {
    return { status, body: jettyError(status, reason, call.url.pathname) };
  }

  #session(call: Call<RecordedRequest>): string | undefined {
    for (const part of (call.headers.get("cookie") ?? "").split(";")) {
      const [name, value] = part.trim().split("=");
      if (name === this.#cookieName && value) {
        const id = value.replace(/\.node0$/, "");
        if (this.#sessions.has(id)) return id;
      }
    }
    return undefined;
  }

  #crumbFor(user: string, session: string): Promise<string> {
    return sha256(`${user};${session};${this.#salt}`).then((hex) => hex.slice(0, 64));
  }
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
