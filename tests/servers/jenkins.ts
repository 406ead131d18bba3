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

import { ScriptQueue, sleepUnlessClosed } from "./_script.ts";

// ---------------------------------------------------------------------------
// Types

/** A build's result. `null` while it runs. */
export type JenkinsResult = "SUCCESS" | "UNSTABLE" | "FAILURE" | "NOT_BUILT" | "ABORTED";

/** A job that has builds. */
export type JobKind = "freestyle" | "pipeline";

/** An item that holds jobs. */
export type FolderKind = "folder" | "multibranch";

/** Options of {@linkcode FakeJenkins.start}. */
export interface FakeJenkinsOptions {
  /** Context path, e.g. `/jenkins`. Default `""` (Jenkins at the root). */
  contextPath?: string;
  /** The user. Default `"pace-bot"`. */
  user?: string;
  /** Their API token. Default `"11c0ffee5eed0ddba11fab1e5ca1ab1e00"`. */
  token?: string;
  /** Their password (Basic with it works too, but is not CSRF-exempt). Default `"hunter2-pass"`. */
  password?: string;
  /** Whether anonymous users may read (Overall/Read for anonymous). Default `false`. */
  anonymousRead?: boolean;
  /** CSRF protection (a crumb issuer). Default `true`. */
  csrf?: boolean;
}

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  /** Raw path below the context path, still encoded: `/job/Team%20Alpha/api/json`. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** The raw body text. */
  body: string;
  /** Who Jenkins took the caller to be: the user, or `anonymous`. */
  user: string;
  /** Status answered; `0` for a dropped connection, `-1` while pending. */
  status: number;
}

/** A build of a fake job. Mutable: a test may finish a running build. */
export interface FakeBuild {
  number: number;
  /** `null` while running. */
  result: JenkinsResult | null;
  building: boolean;
  /** The git plugin's `lastBuiltRevision.SHA1` of the checkout, if any. */
  sha?: string;
  /** Change-set commit ids (freestyle: `changeSet`; Pipeline: one entry of `changeSets`). */
  commits: string[];
  /** More change sets (Pipeline only), e.g. a second checkout. */
  moreChangeSets: string[][];
  /** Other `BuildData` revisions, e.g. a Pipeline shared library's checkout. */
  libraries: string[];
  timestamp: number;
  duration: number;
}

/** Input of {@linkcode FakeJenkins.addBuild}. */
export interface BuildInput {
  /** Default: the job's next build number. */
  number?: number;
  /** Default `"SUCCESS"`, or `null` when `building`. */
  result?: JenkinsResult | null;
  /** Default `false`. */
  building?: boolean;
  sha?: string;
  commits?: string[];
  moreChangeSets?: string[][];
  libraries?: string[];
}

/** A scripted answer; see {@linkcode FakeJenkins.script}. */
export interface ScriptRule {
  /** Only this method (any case). Default: any. */
  method?: string;
  /** Tested against the raw path below the context path, and against path + `?query`. */
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
}

interface Item {
  kind: JobKind | FolderKind;
  name: string;
  parent: Item | undefined;
  children: Map<string, Item>;
  builds: FakeBuild[];
  nextBuildNumber: number;
}

// ---------------------------------------------------------------------------
// The exported-bean model: what Jenkins' Stapler export writes, and its pruners.

/** A value in an exported object. */
type Value = string | number | boolean | null | Bean | Value[];

/** An exported property: its value (computed only when written) and visibility. */
interface Prop {
  name: string;
  value: () => Value;
  /** Jenkins' `@Exported(visibility=…)`, default 1. */
  visibility?: number;
}

/** An exported object; `_class` is written when Jenkins writes it. */
class Bean {
  constructor(readonly _class: string | undefined, readonly props: Prop[]) {}
}

function prop(name: string, value: Value | (() => Value), visibility?: number): Prop {
  return { name, value: typeof value === "function" ? value : () => value, visibility };
}

/** A parsed `tree` node: children by name, and the range applied to an array value. */
export interface TreeNode {
  children: Map<string, TreeNode>;
  range: [number, number];
}

const ALL: [number, number] = [0, Number.MAX_SAFE_INTEGER];

/**
 * Parse a `tree` expression with Jenkins' grammar (`NamedPathPruner`):
 * `list := node (',' list)?`, `node := name ('[' list ']')? ('{' range '}')?`,
 * `range := ',' N | N | N ',' | N ',' M`. Throws like Jenkins on malformed input.
 */
export function parseTree(spec: string): TreeNode {
  let pos = 0;
  const special = ",[]{}";
  const peek = (): string => {
    if (pos >= spec.length) return "EOF";
    const c = spec[pos];
    if (special.includes(c)) return c;
    let end = pos;
    while (end < spec.length && !special.includes(spec[end])) end++;
    return `name:${spec.slice(pos, end)}`;
  };
  const advance = (token: string) => {
    pos += token.startsWith("name:") ? token.length - 5 : 1;
  };
  const expect = (token: string) => {
    const actual = peek();
    if (actual !== token) throw new Error(`expected ${token} at ${pos}`);
    advance(actual);
  };
  const accept = (token: string) => {
    if (peek() !== token) return false;
    advance(token);
    return true;
  };
  const number = (): number => {
    const token = peek();
    if (!/^name:[0-9]+$/.test(token)) throw new Error(`expected number at ${pos}`);
    advance(token);
    return Number(token.slice(5));
  };
  const range = (): [number, number] => {
    if (accept(",")) return [0, number()];
    const min = number();
    if (peek() === "}") return [min, min + 1];
    expect(",");
    if (peek() === "}") return [min, Number.MAX_SAFE_INTEGER];
    return [min, number()];
  };
  const list = (tree: TreeNode) => {
    node(tree);
    if (accept(",")) list(tree);
  };
  const node = (tree: TreeNode) => {
    const token = peek();
    if (!token.startsWith("name:")) throw new Error(`expected name at ${pos}`);
    advance(token);
    const subtree: TreeNode = { children: new Map(), range: ALL };
    tree.children.set(token.slice(5), subtree);
    if (accept("[")) {
      list(subtree);
      expect("]");
    }
    if (accept("{")) {
      subtree.range = range();
      expect("}");
    }
  };
  const root: TreeNode = { children: new Map(), range: ALL };
  list(root);
  expect("EOF");
  return root;
}

/** Jenkins' two pruners: a named tree, or depth by visibility. */
type Pruner = { tree: TreeNode } | { depth: number };

function accept(pruner: Pruner, property: Prop): Pruner | undefined {
  if ("tree" in pruner) {
    const subtree = pruner.tree.children.get(property.name) ?? pruner.tree.children.get("*");
    return subtree ? { tree: subtree } : undefined;
  }
  // ByDepth(n): a property shows when its visibility reaches n; children need n + 1.
  if ((property.visibility ?? 1) < pruner.depth) return undefined;
  return { depth: pruner.depth + 1 };
}

function write(value: Value, pruner: Pruner): unknown {
  if (value instanceof Bean) {
    const out: Record<string, unknown> = {};
    if (value._class) out._class = value._class;
    for (const property of value.props) {
      const child = accept(pruner, property);
      if (!child) continue;
      const v = property.value();
      if (Array.isArray(v)) {
        const [min, max] = "tree" in child ? child.tree.range : ALL;
        out[property.name] = v.slice(min, max).map((item) => write(item, child));
      } else {
        out[property.name] = write(v, child);
      }
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => write(item, pruner));
  return value;
}

/** Serialize an exported object with `tree` or `depth`, as `…/api/json` does. */
function exportJson(bean: Bean, options: { tree?: string; depth?: number }): unknown {
  const pruner: Pruner = options.tree !== undefined
    ? { tree: parseTree(options.tree) }
    : { depth: 1 - (options.depth ?? 0) };
  return write(bean, pruner);
}

// ---------------------------------------------------------------------------
// Pages

const JETTY = "Jetty(12.0.16)";

function jettyError(status: number, reason: string, uri: string): string {
  const escape = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n` +
    `<title>Error ${status} ${escape(reason)}</title>\n</head>\n<body>\n` +
    `<h2>HTTP ERROR ${status} ${escape(reason)}</h2>\n<table>\n` +
    `<tr><th>URI:</th><td>${escape(uri)}</td></tr>\n<tr><th>STATUS:</th><td>${status}</td></tr>\n` +
    `<tr><th>MESSAGE:</th><td>${
      escape(reason)
    }</td></tr>\n<tr><th>SERVLET:</th><td>Stapler</td></tr>\n` +
    `</table>\n<hr/><a href="https://jetty.org/">Powered by Jetty:// 12.0.16</a><hr/>\n\n</body>\n</html>\n`;
}

function loginRedirect(context: string, from: string): string {
  const target = `${context}/login?from=${encodeURIComponent(from)}`;
  return `<html><head><meta http-equiv='refresh' content='1;url=${target}'/>` +
    `<script id='redirect' data-redirect-url='${target}' src='${context}/static/a1b2c3d4/scripts/redirect.js'></script>` +
    `</head><body style='background-color:white; color:white;'>\n\nAuthentication required\n<!--\n-->\n\n</body></html>`;
}

function oops(context: string): string {
  return `<!DOCTYPE html><html><head><title>Jenkins</title>` +
    `<link rel="stylesheet" href="${context}/static/a1b2c3d4/jsbundles/styles.css"></head>` +
    `<body><div id="main-panel"><h1>Oops!</h1>` +
    `<p>A problem occurred while processing the request.</p></div></body></html>`;
}

function requiresPost(context: string, uri: string): string {
  return `<!DOCTYPE html><html><head><title>Jenkins</title></head><body>` +
    `<div id="main-panel"><h1>This URL requires POST</h1>` +
    `<p>The URL you're trying to access requires that requests be sent using POST ` +
    `(like a form submission).</p><form method="post" action="${context}${uri}">` +
    `<input type="submit" value="Proceed"/></form></div></body></html>`;
}

function droppedResponse(status: number): Response {
  const body = new ReadableStream({
    start(controller) {
      controller.error(new Error("connection dropped by FakeJenkins"));
    },
  });
  return new Response(body, { status: status || 200 });
}

function decodeBasic(header: string): { user: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  try {
    const bytes = Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
    const text = new TextDecoder().decode(bytes);
    const colon = text.indexOf(":");
    return colon < 0 ? undefined : { user: text.slice(0, colon), secret: text.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const CLASSES = {
  freestyle: "hudson.model.FreeStyleProject",
  pipeline: "org.jenkinsci.plugins.workflow.job.WorkflowJob",
  folder: "com.cloudbees.hudson.plugins.folder.Folder",
  multibranch: "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
} as const;

const BUILD_CLASSES = {
  freestyle: "hudson.model.FreeStyleBuild",
  pipeline: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
} as const;

const API_PARAMS = new Set(["tree", "depth", "pretty"]);

// ---------------------------------------------------------------------------
// The server

interface Reply {
  status: number;
  body?: string;
  json?: unknown;
  headers?: Record<string, string>;
}

/** The fake Jenkins; see the module documentation. */
export class FakeJenkins {
  /** `http://127.0.0.1:PORT` + context path: what `JENKINS_URL` points at (without the slash). */
  readonly url: string;
  /** `/jenkins`, or `""`. */
  readonly contextPath: string;
  readonly user: string;
  readonly token: string;
  readonly password: string;
  /** Whether anonymous users may read. May be changed mid-test. */
  anonymousRead: boolean;
  /** Whether CSRF protection is on. May be changed mid-test. */
  csrf: boolean;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every problem found with a request. */
  readonly violations: string[] = [];
  /** Builds triggered by POST `…/build`, by job full name. */
  readonly triggered: string[] = [];
  /** The top-level items. */
  readonly #root: Item = this.#item("folder", "", undefined);
  readonly #sessions = new Map<string, string>();
  readonly #cookieName = `JSESSIONID.${crypto.randomUUID().slice(0, 8)}`;
  readonly #salt = crypto.randomUUID();
  #rules = new ScriptQueue<ScriptRule>();
  #queue = 100;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #closing = new AbortController();
  #closed: Promise<void> | undefined;

  private constructor(options: FakeJenkinsOptions) {
    this.contextPath = (options.contextPath ?? "").replace(/\/+$/, "");
    this.user = options.user ?? "pace-bot";
    this.token = options.token ?? "11c0ffee5eed0ddba11fab1e5ca1ab1e00";
    this.password = options.password ?? "hunter2-pass";
    this.anonymousRead = options.anonymousRead ?? false;
    this.csrf = options.csrf ?? true;
    this.#server = Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      onListen() {},
      // A dropped (erroring) body lands here; stay quiet.
      onError: () => new Response(null, { status: 500 }),
    }, (request) => this.#handle(request));
    this.url = `http://127.0.0.1:${this.#server.addr.port}${this.contextPath}`;
  }

  /** Start on a free port of 127.0.0.1. */
  static start(options: FakeJenkinsOptions = {}): FakeJenkins {
    return new FakeJenkins(options);
  }

  /** Stop serving; pending hangs end (dropped). Resolves when the server is down. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort();
      this.#closed = this.#server.shutdown();
    }
    return this.#closed;
  }

  /** `await using jenkins = FakeJenkins.start()` */
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

  /** Forget every web session: crumbs issued so far stop being valid. */
  expireSessions(): void {
    this.#sessions.clear();
  }

  /**
   * Add a folder or multibranch project at `fullName` (`a/b`); missing
   * parents become plain folders.
   */
  addFolder(fullName: string, kind: FolderKind = "folder"): void {
    const item = this.#ensure(fullName, kind);
    item.kind = kind;
  }

  /** Add a job at `fullName` (`a/b/c`: folders a and b are created as needed). */
  addJob(fullName: string, kind: JobKind = "freestyle"): void {
    this.#ensure(fullName, kind);
  }

  /** Add a build to the job at `fullName` (created as freestyle if missing). Newest last. */
  addBuild(fullName: string, input: BuildInput = {}): FakeBuild {
    const job = this.#find(fullName) ?? this.#ensure(fullName, "freestyle");
    if (job.kind !== "freestyle" && job.kind !== "pipeline") {
      throw new Error(`${fullName} is a ${job.kind}, not a job`);
    }
    const building = input.building ?? false;
    const build: FakeBuild = {
      number: input.number ?? job.nextBuildNumber,
      result: input.result !== undefined ? input.result : building ? null : "SUCCESS",
      building,
      sha: input.sha,
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
    return this.#find(fullName)?.builds.find((b) => b.number === number);
  }

  /** The web URL Jenkins reports for an item path (`a/b`) or a build of it. */
  itemUrl(fullName: string, number?: number): string {
    const path = fullName.split("/").map((s) => `job/${encodeURIComponent(s)}/`).join("");
    return `${this.url}/${path}${number === undefined ? "" : `${number}/`}`;
  }

  // -------------------------------------------------------------------------
  // Items

  #item(kind: Item["kind"], name: string, parent: Item | undefined): Item {
    return { kind, name, parent, children: new Map(), builds: [], nextBuildNumber: 1 };
  }

  #ensure(fullName: string, kind: Item["kind"]): Item {
    const names = fullName.split("/").filter(Boolean);
    if (names.length === 0) throw new Error("empty item name");
    let current = this.#root;
    names.forEach((name, i) => {
      let next = current.children.get(name);
      if (!next) {
        next = this.#item(i === names.length - 1 ? kind : "folder", name, current);
        current.children.set(name, next);
      }
      current = next;
    });
    return current;
  }

  #find(fullName: string): Item | undefined {
    let current: Item | undefined = this.#root;
    for (const name of fullName.split("/").filter(Boolean)) current = current?.children.get(name);
    return current;
  }

  #names(item: Item): string[] {
    const names: string[] = [];
    for (let i: Item | undefined = item; i && i !== this.#root; i = i.parent) names.unshift(i.name);
    return names;
  }

  // -------------------------------------------------------------------------
  // Exported beans

  #rootBean(): Bean {
    return new Bean("hudson.model.Hudson", [
      prop("assignedLabels", [
        new Bean("hudson.model.labels.LabelAtom", [prop("name", "built-in")]),
      ]),
      prop("mode", "NORMAL"),
      prop("nodeDescription", "the Jenkins controller's built-in node"),
      prop("nodeName", ""),
      prop("numExecutors", 2),
      prop("description", null),
      prop("jobs", () => [...this.#root.children.values()].map((i) => this.#itemBean(i))),
      prop("primaryView", () => this.#viewBean("")),
      prop("quietDown", false),
      prop("slaveAgentPort", -1),
      prop("url", `${this.url}/`),
      prop("useCrumbs", this.csrf),
      prop("useSecurity", true),
      prop("views", () => [this.#viewBean("")]),
    ]);
  }

  #viewBean(prefix: string): Bean {
    return new Bean("hudson.model.AllView", [
      prop("name", "all", 2),
      prop("url", `${this.url}/${prefix}`, 2),
    ]);
  }

  #itemBean(item: Item): Bean {
    return item.kind === "folder" || item.kind === "multibranch"
      ? this.#folderBean(item)
      : this.#jobBean(item);
  }

  #common(item: Item): Prop[] {
    const names = this.#names(item);
    return [
      prop("actions", []),
      prop("description", item.kind === "multibranch" ? null : ""),
      prop("displayName", item.name),
      prop("displayNameOrNull", null),
      prop("fullDisplayName", names.join(" » ")),
      prop("fullName", names.join("/")),
      prop("name", item.name, 2),
      prop("url", this.itemUrl(names.join("/")), 2),
    ];
  }

  #folderBean(item: Item): Bean {
    const prefix = this.itemUrl(this.#names(item).join("/")).slice(this.url.length + 1);
    return new Bean(CLASSES[item.kind as FolderKind], [
      ...this.#common(item),
      prop("healthReport", []),
      prop("jobs", () => [...item.children.values()].map((i) => this.#itemBean(i))),
      prop("primaryView", () => this.#viewBean(prefix)),
      prop("views", () => [this.#viewBean(prefix)]),
    ]);
  }

  #jobBean(item: Item): Bean {
    const newest = [...item.builds].reverse();
    const last = newest[0];
    const ref = (build: FakeBuild | undefined) => build ? this.#buildBean(item, build) : null;
    const color = !last
      ? "notbuilt"
      : ({ SUCCESS: "blue", UNSTABLE: "yellow", FAILURE: "red", ABORTED: "aborted" } as Record<
        string,
        string
      >)[String(newest.find((b) => !b.building)?.result)] ?? "notbuilt";
    const done = newest.filter((b) => !b.building && b.result);
    return new Bean(CLASSES[item.kind as JobKind], [
      ...this.#common(item),
      prop("buildable", true),
      // Since Jenkins 1.485 `builds` holds the newest 100; `allBuilds` has the rest.
      prop("builds", () => newest.slice(0, 100).map((b) => this.#buildBean(item, b))),
      prop("color", last?.building ? `${color}_anime` : color, 2),
      prop("firstBuild", () => ref(item.builds[0])),
      prop("healthReport", []),
      prop("inQueue", false),
      prop("keepDependencies", false),
      prop("lastBuild", () => ref(last)),
      prop("lastCompletedBuild", () => ref(done[0])),
      prop("lastFailedBuild", () => ref(done.find((b) => b.result === "FAILURE"))),
      prop("lastSuccessfulBuild", () => ref(done.find((b) => b.result === "SUCCESS"))),
      prop("nextBuildNumber", item.nextBuildNumber),
      prop("property", []),
      prop("queueItem", null),
      prop("concurrentBuild", false),
      ...(item.kind === "freestyle"
        ? [prop("disabled", false), prop("scm", new Bean("hudson.plugins.git.GitSCM", []))]
        : [prop("resumeBlocked", false)]),
    ]);
  }

  #buildBean(job: Item, build: FakeBuild): Bean {
    const kind = job.kind as JobKind;
    const names = this.#names(job);
    const buildData = (sha: string, remote: string) =>
      new Bean("hudson.plugins.git.util.BuildData", [
        prop("buildsByBranchName", new Bean(undefined, [])),
        prop(
          "lastBuiltRevision",
          new Bean(undefined, [
            prop("SHA1", sha),
            prop("branch", [
              new Bean(undefined, [prop("SHA1", sha), prop("name", "refs/remotes/origin/main")]),
            ]),
          ]),
        ),
        prop("remoteUrls", [remote]),
        prop("scmName", ""),
      ]);
    const changeSet = (commits: string[]) =>
      new Bean(
        commits.length ? "hudson.plugins.git.GitChangeSetList" : "hudson.scm.EmptyChangeLogSet",
        [
          prop(
            "items",
            commits.map((commitId, i) =>
              new Bean("hudson.plugins.git.GitChangeSet", [
                prop("affectedPaths", ["src/app.ts"]),
                prop("commitId", commitId),
                prop("timestamp", build.timestamp - 1000 * (i + 1)),
                prop("author", new Bean(undefined, [prop("fullName", "Forge Agent")])),
                prop("authorEmail", "forge@example.com"),
                prop("comment", "PACE day work\n"),
                prop("date", "2025-01-01 10:00:00 +0000"),
                prop("id", commitId),
                prop("msg", "PACE day work"),
              ])
            ),
          ),
          prop("kind", commits.length ? "git" : null),
        ],
      );
    const actions: Value[] = [
      new Bean("hudson.model.CauseAction", [
        prop("causes", [
          new Bean("hudson.triggers.SCMTrigger$SCMTriggerCause", [
            prop("shortDescription", "Started by an SCM change"),
          ]),
        ]),
      ]),
      // Actions that export nothing are written as empty objects.
      new Bean(undefined, []),
      ...(build.sha ? [buildData(build.sha, "https://git.example.com/team/app.git")] : []),
      ...build.libraries.map((sha) =>
        buildData(sha, "https://git.example.com/team/pipeline-lib.git")
      ),
      new Bean("org.jenkinsci.plugins.displayurlapi.actions.RunDisplayAction", []),
    ];
    const props: Prop[] = [
      prop("actions", actions),
      prop("artifacts", []),
      prop("building", build.building),
      prop("description", null),
      prop("displayName", `#${build.number}`),
      prop("duration", build.duration),
      prop("estimatedDuration", 42_000),
      prop("executor", null),
      prop("fullDisplayName", `${names.join(" » ")} #${build.number}`),
      prop("id", String(build.number)),
      prop("keepLog", false),
      prop("number", build.number, 2),
      prop("queueId", build.number + 1000),
      prop("result", build.result),
      prop("timestamp", build.timestamp),
      prop("url", this.itemUrl(names.join("/"), build.number), 2),
    ];
    if (kind === "freestyle") {
      props.push(
        prop("builtOn", ""),
        prop("changeSet", () => changeSet(build.commits)),
        prop("culprits", []),
      );
    } else {
      props.push(
        prop(
          "changeSets",
          () => [build.commits, ...build.moreChangeSets].filter((c) => c.length).map(changeSet),
        ),
        prop("culprits", []),
        prop("inProgress", build.building),
        prop("nextBuild", null),
        prop("previousBuild", null),
      );
    }
    return new Bean(BUILD_CLASSES[kind], props);
  }

  // -------------------------------------------------------------------------
  // Request pipeline

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const rawPath = url.pathname;
    const inContext = !this.contextPath || rawPath === this.contextPath ||
      rawPath.startsWith(`${this.contextPath}/`);
    const path = inContext ? rawPath.slice(this.contextPath.length) || "/" : rawPath;
    const record: RecordedRequest = {
      method: request.method,
      path,
      query: url.searchParams,
      headers: new Headers(request.headers),
      body: await request.text(),
      user: "anonymous",
      status: -1,
    };
    this.requests.push(record);
    const label = `${request.method} ${path}${url.search}`;
    const violation = (problem: string) => this.violations.push(`${label}: ${problem}`);
    const session = this.#session(request.headers.get("cookie"));

    const finish = (reply: Reply): Response => {
      const headers = new Headers({
        "x-jenkins": "2.479.3",
        "x-jenkins-session": "5c0ffee5",
        "x-content-type-options": "nosniff",
        server: JETTY,
      });
      let payload: string | null = reply.body ?? null;
      if (reply.json !== undefined) {
        payload = JSON.stringify(reply.json);
        headers.set("content-type", "application/json;charset=utf-8");
      } else if (payload !== null) {
        headers.set("content-type", "text/html;charset=utf-8");
      }
      for (const [k, v] of Object.entries(reply.headers ?? {})) headers.set(k, v);
      record.status = reply.status;
      return new Response(payload, { status: reply.status, headers });
    };
    const page = (status: number, reason: string, extra: Record<string, string> = {}) =>
      finish({ status, body: jettyError(status, reason, rawPath), headers: extra });

    // 1. Where it went.
    if (!inContext) {
      violation(`outside the context path ${this.contextPath}`);
      return page(404, "Not Found");
    }
    if (/%2f|%5c/i.test(rawPath)) {
      violation("an encoded / or \\ inside a path segment (encode the % of a branch job's name)");
      return page(400, "Ambiguous URI path separator");
    }

    // 2. Who is asking.
    const authorization = request.headers.get("authorization");
    let via: "token" | "password" | "anonymous" = "anonymous";
    if (authorization) {
      const basic = decodeBasic(authorization);
      if (!basic) {
        // Jenkins ignores other schemes and carries on as anonymous.
        violation(`Authorization must be Basic user:token, got "${authorization.split(" ")[0]}"`);
      } else if (
        basic.user !== this.user || (basic.secret !== this.token && basic.secret !== this.password)
      ) {
        return finish({
          status: 401,
          body: jettyError(401, `Invalid password/token for user: ${basic.user}`, rawPath),
          headers: {
            "www-authenticate": 'Basic realm="Jenkins"',
            "x-you-are-authenticated-as": "anonymous",
          },
        });
      } else {
        via = basic.secret === this.token ? "token" : "password";
        record.user = basic.user;
      }
    }
    if (via === "anonymous" && !this.anonymousRead) {
      return finish({
        status: 403,
        body: loginRedirect(this.contextPath, `${rawPath}${url.search}`),
        headers: {
          "x-you-are-authenticated-as": "anonymous",
          "x-you-are-in-group-disabled":
            "JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true or use /whoAmI to diagnose",
          "x-required-permission": "hudson.model.Hudson.Read",
          "x-permission-implied-by": "hudson.security.Permission.GenericRead",
        },
      });
    }

    // 3. Scripted answers.
    const rule = this.#rules.take(request.method, path, url.search);
    if (rule) {
      if (rule.hangMs && !await sleepUnlessClosed(rule.hangMs, this.#closing.signal)) {
        record.status = 0;
        return droppedResponse(200);
      }
      if (rule.drop) {
        record.status = 0;
        return droppedResponse(rule.status ?? 200);
      }
      if (rule.status !== undefined || rule.body !== undefined || rule.headers) {
        const body = rule.body === undefined
          ? undefined
          : typeof rule.body === "string"
          ? rule.body
          : JSON.stringify(rule.body);
        return finish({ status: rule.status ?? 200, body, headers: rule.headers });
      }
    }

    // 4. CSRF: every POST needs a valid crumb, unless it came with an API token.
    if (request.method === "POST" && this.csrf && via !== "token") {
      const crumb = request.headers.get("jenkins-crumb");
      const valid = session !== undefined &&
        crumb === await this.#crumbFor(record.user, session);
      if (!valid) {
        violation("POST without a valid crumb (Jenkins-Crumb header + its session cookie)");
        return page(403, "No valid crumb was included in the request");
      }
    }

    // 5. Routes.
    const segments = path.split("/").slice(1);
    if (segments.at(-1) === "") segments.pop();
    if (segments[0] === "crumbIssuer") {
      if (segments.length !== 3 || segments[1] !== "api" || segments[2] !== "json") {
        violation("unknown crumbIssuer route");
        return page(404, "Not Found");
      }
      if (!this.csrf) return page(404, "Not Found");
      return await this.#api(request, url, violation, finish, async () => {
        let id = session;
        const headers: Record<string, string> = {};
        if (!id) {
          id = `node0${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
          this.#sessions.set(id, record.user);
          headers["set-cookie"] = `${this.#cookieName}=${id}.node0; Path=${
            this.contextPath || "/"
          }; HttpOnly`;
        }
        return {
          headers,
          bean: new Bean("hudson.security.csrf.DefaultCrumbIssuer", [
            prop("crumb", await this.#crumbFor(record.user, id)),
            prop("crumbRequestField", "Jenkins-Crumb"),
          ]),
        };
      });
    }

    let item = this.#root;
    let i = 0;
    while (segments[i] === "job") {
      const name = segments[i + 1] === undefined ? undefined : decode(segments[i + 1]);
      const next = name === undefined ? undefined : item.children.get(name);
      if (!next) return page(404, "Not Found");
      item = next;
      i += 2;
    }
    const rest = segments.slice(i);
    const isJob = item.kind === "freestyle" || item.kind === "pipeline";
    const fullName = this.#names(item).join("/");

    if (rest.length === 2 && rest[0] === "api" && rest[1] === "json") {
      return await this.#api(request, url, violation, finish, () => ({
        bean: item === this.#root ? this.#rootBean() : this.#itemBean(item),
      }));
    }
    if (isJob && rest.length === 3 && rest[1] === "api" && rest[2] === "json") {
      const selector = rest[0];
      const newest = [...item.builds].reverse();
      const build = /^\d+$/.test(selector)
        ? item.builds.find((b) => b.number === Number(selector))
        : selector === "lastBuild"
        ? newest[0]
        : selector === "lastCompletedBuild"
        ? newest.find((b) => !b.building)
        : undefined;
      if (!build) {
        if (
          !/^\d+$/.test(selector) && selector !== "lastBuild" && selector !== "lastCompletedBuild"
        ) {
          violation(`unknown build selector "${selector}"`);
        }
        return page(404, "Not Found");
      }
      return await this.#api(request, url, violation, finish, () => ({
        bean: this.#buildBean(item, build),
      }));
    }
    if (isJob && rest.length === 1 && rest[0] === "build") {
      if (request.method !== "POST") {
        violation("GET on an action that requires POST");
        return finish({ status: 405, body: requiresPost(this.contextPath, path) });
      }
      for (const key of url.searchParams.keys()) {
        if (key !== "delay") {
          violation(`unknown query parameter "${key}" for …/build`);
          return page(400, `Unknown parameter ${key}`);
        }
      }
      this.triggered.push(fullName);
      const queueId = ++this.#queue;
      return finish({ status: 201, headers: { location: `${this.url}/queue/item/${queueId}/` } });
    }
    violation(`no such route: ${rest.join("/") || "(the item's HTML page)"}`);
    return page(404, "Not Found");
  }

  async #api(
    request: Request,
    url: URL,
    violation: (problem: string) => void,
    finish: (reply: Reply) => Response,
    bean: () =>
      | { bean: Bean; headers?: Record<string, string> }
      | Promise<{
        bean: Bean;
        headers?: Record<string, string>;
      }>,
  ): Promise<Response> {
    if (request.method !== "GET" && request.method !== "HEAD") {
      violation(`${request.method} on a read-only API endpoint`);
      return finish({ status: 405, body: jettyError(405, "Method Not Allowed", url.pathname) });
    }
    for (const key of url.searchParams.keys()) {
      if (!API_PARAMS.has(key)) {
        violation(`undocumented query parameter "${key}" (api/json takes tree, depth, pretty)`);
        return finish({
          status: 400,
          body: jettyError(400, `Unknown parameter ${key}`, url.pathname),
        });
      }
    }
    const tree = url.searchParams.get("tree") ?? undefined;
    const depthText = url.searchParams.get("depth");
    if (tree !== undefined && depthText !== null) {
      violation("depth next to tree: Jenkins ignores depth when tree is given");
      return finish({
        status: 400,
        body: jettyError(400, "depth is ignored with tree", url.pathname),
      });
    }
    let depth = 0;
    if (depthText !== null) {
      if (!/^-?\d+$/.test(depthText)) {
        violation(`depth must be a number, got "${depthText}"`);
        return finish({ status: 500, body: oops(this.contextPath) });
      }
      depth = Number(depthText);
    }
    const { bean: value, headers } = await bean();
    let json: unknown;
    try {
      json = exportJson(value, { tree, depth });
    } catch (error) {
      violation(`Malformed tree expression: ${(error as Error).message}`);
      return finish({ status: 500, body: oops(this.contextPath) });
    }
    return finish({ status: 200, json, headers });
  }

  #session(cookie: string | null): string | undefined {
    for (const part of (cookie ?? "").split(";")) {
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

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
