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
 *   BITBUCKET_API_TOKEN: bb.token,
 * };
 * // ... run the adapter ...
 * assertEquals(bb.violations, []);
 * ```
 *
 * What it models (checked against Bitbucket's OpenAPI description,
 * `swagger.v3.json`, and observed answers):
 *
 * - both credential schemes: `Authorization: Bearer <access token>` and
 *   `Basic base64(user:app password)`; a wrong credential is a 401 with
 *   Bitbucket's body (JSON for a token, plain text for Basic);
 * - `GET /repositories/{w}/{r}` with `mainbranch`, `links.html`, `has_issues`;
 * - `GET …/pipelines` with its documented query parameters only
 *   (`target.commit.hash`, `sort`, `page`, `pagelen`, …; BBQL `q` is not one
 *   of them), oldest first unless `sort=-created_on`;
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

import { ScriptQueue, sleepUnlessClosed } from "./_script.ts";

// ---------------------------------------------------------------------------
// Types

/** Options of {@linkcode FakeBitbucket.start}. */
export interface FakeBitbucketOptions {
  /** Default `"pace-team"`. */
  workspace?: string;
  /** Default `"pace-demo"`. */
  repoSlug?: string;
  /** The access token accepted as `Bearer`. Default `"bbat_testtoken_0123456789"`. */
  token?: string;
  /**
   * The user accepted with {@linkcode FakeBitbucketOptions.appPassword}. Default `"pace-robot"`:
   * `"pace-robot:"` is not a multiple of 3 bytes long, so base64 of the pair does not contain
   * base64 of the password, and a test notices when only the password is masked.
   */
  user?: string;
  /** Default `"app_pw_0123456789abcdef"`. */
  appPassword?: string;
  /** `mainbranch.name`. Default `"main"`. */
  mainBranch?: string;
  /** Whether the repository has its issue tracker enabled. Default `true`. */
  hasIssues?: boolean;
  /** Web origin for `links.html` (Bitbucket: `https://bitbucket.org`). Default: this server. */
  webUrl?: string;
  /** `pagelen` when the client sends none. Bitbucket's default: 10. */
  defaultPagelen?: number;
}

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  /** Path below `/2.0` (e.g. `/repositories/w/r/pipelines`), without query. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** Parsed JSON body, the raw text if it was not JSON, `undefined` when empty. */
  body: unknown;
  /** `bearer`, `basic` or `none`, as presented (right or wrong). */
  scheme: "bearer" | "basic" | "none";
  /** Status answered; `0` for a dropped connection, `-1` while pending. */
  status: number;
}

/** A scripted answer; see {@linkcode FakeBitbucket.script}. */
export interface ScriptRule {
  /** Only this method (any case). Default: any. */
  method?: string;
  /** Tested against the path below `/2.0`, and against path + `?query`. */
  path: RegExp;
  /** How many requests it answers. Default 1. */
  times?: number;
  /** Answer with this status (default 200 when `body` or `headers` is given). */
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Wait this long before answering; ends early (dropping the connection) on close. */
  hangMs?: number;
  /** Send no usable answer: the response body errors. */
  drop?: boolean;
}

/** How a pipeline stands. `PAUSED` is Bitbucket's `IN_PROGRESS` with stage `PAUSED`. */
export type PipelineStatus =
  | "PENDING"
  | "IN_PROGRESS"
  | "PAUSED"
  | "SUCCESSFUL"
  | "FAILED"
  | "ERROR"
  | "STOPPED"
  | "EXPIRED";

/** A pipeline run. */
export interface Pipeline {
  uuid: string;
  build_number: number;
  /** Full commit hash (lower case). */
  commit: string;
  /** Branch the pipeline ran for. */
  ref_name: string;
  status: PipelineStatus;
  created_on: string;
  completed_on?: string;
}

/** A pull request. */
export interface PullRequest {
  id: number;
  title: string;
  description: string;
  state: "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED";
  source: string;
  destination: string;
  close_source_branch: boolean;
  created_on: string;
}

/** Bitbucket's issue states. */
export const ISSUE_STATES = [
  "submitted",
  "new",
  "open",
  "resolved",
  "on hold",
  "invalid",
  "duplicate",
  "wontfix",
  "closed",
] as const;
const ISSUE_KINDS = ["bug", "enhancement", "proposal", "task"];
const ISSUE_PRIORITIES = ["trivial", "minor", "major", "critical", "blocker"];

/** An issue. */
export interface Issue {
  id: number;
  title: string;
  /** `content.raw`. */
  content: string;
  state: typeof ISSUE_STATES[number];
  kind: string;
  priority: string;
  created_on: string;
  updated_on: string;
}

/** An issue comment; `raw` is `null` for the comment Bitbucket adds to a change. */
export interface IssueComment {
  id: number;
  issue_id: number;
  raw: string | null;
  created_on: string;
}

/** A repository pipeline variable. */
export interface PipelineVariable {
  uuid: string;
  key: string;
  value: string;
  secured: boolean;
}

// ---------------------------------------------------------------------------
// BBQL

type BbqlValue = string | number | boolean | null;
type BbqlNode =
  | { kind: "and" | "or"; left: BbqlNode; right: BbqlNode }
  | { kind: "cmp"; field: string; op: string; value: BbqlValue };

/** A BBQL syntax error. */
export class BbqlError extends Error {}

const BBQL_OPS = ["!=", "!~", ">=", "<=", "=", "~", ">", "<"];

type Token =
  | { t: "field"; v: string }
  | { t: "op"; v: string }
  | { t: "value"; v: BbqlValue }
  | { t: "and" | "or" | "(" | ")" };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push({ t: c });
      i++;
      continue;
    }
    const op = BBQL_OPS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ t: "op", v: op });
      i += op.length;
      continue;
    }
    if (c === '"') {
      let value = "";
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\") {
          j++;
          if (j >= text.length) break;
        }
        value += text[j];
      }
      if (j >= text.length) throw new BbqlError(`unterminated string at ${i}`);
      tokens.push({ t: "value", v: value });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z0-9_.:+-]+/.exec(text.slice(i))?.[0];
    if (!word) throw new BbqlError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    i += word.length;
    const lower = word.toLowerCase();
    if (lower === "and" || lower === "or") tokens.push({ t: lower });
    else if (lower === "true" || lower === "false") {
      tokens.push({ t: "value", v: lower === "true" });
    } else if (lower === "null") tokens.push({ t: "value", v: null });
    else if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ t: "value", v: Number(word) });
    else if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(word)) tokens.push({ t: "field", v: word });
    else throw new BbqlError(`unexpected ${JSON.stringify(word)}`);
  }
  return tokens;
}

/** Parse a BBQL query (`field op value`, `AND`, `OR`, parentheses). */
export function parseBbql(text: string): BbqlNode {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const expect = (t: Token["t"]) => {
    const token = tokens[at++];
    if (!token || token.t !== t) throw new BbqlError(`expected ${t} at token ${at}`);
    return token;
  };
  const primary = (): BbqlNode => {
    if (peek()?.t === "(") {
      at++;
      const node = or();
      expect(")");
      return node;
    }
    const field = expect("field") as { t: "field"; v: string };
    const op = expect("op") as { t: "op"; v: string };
    const value = expect("value") as { t: "value"; v: BbqlValue };
    return { kind: "cmp", field: field.v, op: op.v, value: value.v };
  };
  const and = (): BbqlNode => {
    let node = primary();
    while (peek()?.t === "and") {
      at++;
      node = { kind: "and", left: node, right: primary() };
    }
    return node;
  };
  const or = (): BbqlNode => {
    let node = and();
    while (peek()?.t === "or") {
      at++;
      node = { kind: "or", left: node, right: and() };
    }
    return node;
  };
  const node = or();
  if (at !== tokens.length) throw new BbqlError(`unexpected token at ${at}`);
  return node;
}

/** Every field a parsed query names. */
function fieldsOf(node: BbqlNode): string[] {
  return node.kind === "cmp" ? [node.field] : [...fieldsOf(node.left), ...fieldsOf(node.right)];
}

function evaluate(node: BbqlNode, get: (field: string) => unknown): boolean {
  if (node.kind !== "cmp") {
    return node.kind === "and"
      ? evaluate(node.left, get) && evaluate(node.right, get)
      : evaluate(node.left, get) || evaluate(node.right, get);
  }
  const actual = get(node.field);
  const want = node.value;
  const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  switch (node.op) {
    case "=":
      return want === null ? actual === null || actual === undefined : text(actual) === text(want);
    case "!=":
      return want === null ? actual !== null && actual !== undefined : text(actual) !== text(want);
    case "~":
      return text(actual).toLowerCase().includes(text(want).toLowerCase());
    case "!~":
      return !text(actual).toLowerCase().includes(text(want).toLowerCase());
    default: {
      const a = text(actual);
      const b = text(want);
      if (node.op === ">") return a > b;
      if (node.op === ">=") return a >= b;
      if (node.op === "<") return a < b;
      return a <= b;
    }
  }
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
  match: RegExpExecArray;
  query: URLSearchParams;
  // deno-lint-ignore no-explicit-any
  body: any;
  url: URL;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** The query parameters Bitbucket documents for the operation. */
  query: string[];
  handler: (ctx: Ctx) => Reply;
}

/** Bitbucket's error body: `{"type": "error", "error": {"message": …}}`. */
function bbError(status: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { type: "error", error: { message, ...extra } } };
}

const REPO_NOT_FOUND = "You may not have access to this repository or it no longer exists in " +
  "this workspace. If you think this repository exists and you have access, make sure you are " +
  "authenticated.";
const BASIC_401 = "Login failed due to incorrect login credentials or method.\n" +
  "For information on authentication methods for Bitbucket Cloud APIs, visit:\n" +
  "    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication\n";
const TOKEN_401 = "Token is invalid, expired, or not supported for this endpoint.";

/** Error text for a second open pull request from the same source branch. */
export const ALREADY_OPEN = "There is already an open pull request for this source branch.";

const PIPELINE_QUERY = [
  "creator.uuid",
  "target.ref_type",
  "target.ref_name",
  "target.branch",
  "target.commit.hash",
  "target.selector.pattern",
  "target.selector.type",
  "created_on",
  "trigger_type",
  "status",
  "sort",
  "page",
  "pagelen",
];
const PIPELINE_SORTS = ["creator.uuid", "created_on", "run_creation_date"];

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
      controller.error(new Error("connection dropped by FakeBitbucket"));
    },
  });
  return new Response(body, { status: status || 200 });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function base64Decode(text: string): string | undefined {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/** A thrown request problem: a violation (recorded) and its answer. */
class Violation extends Error {
  constructor(message: string, readonly reply: Reply) {
    super(message);
  }
}

/** A thrown answer that is Bitbucket's normal refusal of bad user input, not a client bug. */
class Refusal extends Error {
  constructor(readonly reply: Reply) {
    super("refused");
  }
}

// ---------------------------------------------------------------------------
// The server

/** The fake Bitbucket Cloud; see the module documentation. */
export class FakeBitbucket {
  /** API base, `http://127.0.0.1:PORT/2.0` (`BITBUCKET_API_URL`). */
  readonly url: string;
  /** Origin of the web links (`links.html.href`). */
  readonly webUrl: string;
  readonly workspace: string;
  readonly repoSlug: string;
  readonly token: string;
  readonly user: string;
  readonly appPassword: string;
  readonly mainBranch: string;
  readonly defaultPagelen: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every problem found with a request (each also answered 400, 404 or 405). */
  readonly violations: string[] = [];

  /** Whether the issue tracker is enabled; `false`: every issue path answers 404. */
  hasIssues: boolean;
  /** Existing branches (a pull request's source must be one). */
  branches: Set<string>;
  pipelines: Pipeline[] = [];
  pulls: PullRequest[] = [];
  issues: Issue[] = [];
  comments: IssueComment[] = [];
  variables: PipelineVariable[] = [];

  #server: Deno.HttpServer<Deno.NetAddr>;
  #rules = new ScriptQueue<ScriptRule>();
  #closing = new AbortController();
  #closed: Promise<void> | undefined;
  #clock = Date.parse("2025-01-01T00:00:00Z");
  #routes: Route[];

  private constructor(options: FakeBitbucketOptions) {
    this.workspace = options.workspace ?? "pace-team";
    this.repoSlug = options.repoSlug ?? "pace-demo";
    this.token = options.token ?? "bbat_testtoken_0123456789";
    this.user = options.user ?? "pace-robot";
    this.appPassword = options.appPassword ?? "app_pw_0123456789abcdef";
    this.mainBranch = options.mainBranch ?? "main";
    this.hasIssues = options.hasIssues ?? true;
    this.defaultPagelen = options.defaultPagelen ?? 10;
    this.branches = new Set([this.mainBranch]);
    this.#server = Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      onListen() {},
      // A dropped (erroring) body lands here; stay quiet.
      onError: () => new Response(null, { status: 500 }),
    }, (request) => this.#handle(request));
    const origin = `http://127.0.0.1:${this.#server.addr.port}`;
    this.url = `${origin}/2.0`;
    this.webUrl = (options.webUrl ?? origin).replace(/\/+$/, "");
    this.#routes = this.#buildRoutes();
  }

  /** Start a server on a free port of 127.0.0.1. */
  static start(options: FakeBitbucketOptions = {}): Promise<FakeBitbucket> {
    return Promise.resolve(new FakeBitbucket(options));
  }

  /** The `Authorization` value of the Basic scheme with the right credentials. */
  get basicHeader(): string {
    return `Basic ${btoa(`${this.user}:${this.appPassword}`)}`;
  }

  /** The repository's web page: `<webUrl>/<workspace>/<repo>`. */
  get webRepoUrl(): string {
    return `${this.webUrl}/${this.workspace}/${this.repoSlug}`;
  }

  /** Stop serving; pending hangs end (dropped). Resolves when the server is down. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort();
      this.#closed = this.#server.shutdown();
    }
    return this.#closed;
  }

  /** `await using bb = await FakeBitbucket.start()` */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Queue a scripted answer; scripts take precedence over normal handling, in order. */
  script(rule: ScriptRule): void {
    this.#rules.add(rule);
  }

  /** Scripted answers not yet consumed. */
  get pendingScripts(): number {
    return this.#rules.pending;
  }

  #now(): string {
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
      created_on: this.#now(),
    };
    if (!["PENDING", "IN_PROGRESS", "PAUSED"].includes(input.status)) {
      pipeline.completed_on = this.#now();
    }
    this.pipelines.push(pipeline);
    return pipeline;
  }

  /** Move a pipeline to another status. */
  setPipeline(buildNumber: number, status: PipelineStatus): Pipeline {
    const pipeline = this.pipelines.find((p) => p.build_number === buildNumber);
    if (!pipeline) throw new Error(`no pipeline #${buildNumber}`);
    pipeline.status = status;
    if (!["PENDING", "IN_PROGRESS", "PAUSED"].includes(status)) pipeline.completed_on = this.#now();
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
      created_on: this.#now(),
      ...input,
      id: input.id ?? this.pulls.length + 1,
    };
    this.pulls.push(pull);
    return pull;
  }

  /** Add an issue (state `new` unless given). */
  addIssue(input: Partial<Issue> & { title: string }): Issue {
    const now = this.#now();
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
  // Request pipeline

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
    const inBase = url.pathname.startsWith("/2.0/");
    const auth = request.headers.get("authorization") ?? "";
    const scheme = /^bearer\s/i.test(auth) ? "bearer" : /^basic\s/i.test(auth) ? "basic" : "none";
    const record: RecordedRequest = {
      method: request.method,
      path: inBase ? url.pathname.slice(4) : url.pathname,
      query: url.searchParams,
      headers: new Headers(request.headers),
      body,
      scheme,
      status: -1,
    };
    this.requests.push(record);
    const label = `${request.method} ${record.path}`;

    const finish = (reply: Reply): Response => {
      const headers = new Headers();
      let payload: string | null = null;
      if (reply.body !== undefined) {
        payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
        headers.set(
          "content-type",
          typeof reply.body === "string" ? "text/plain" : "application/json; charset=utf-8",
        );
      }
      for (const [k, v] of Object.entries(reply.headers ?? {})) headers.set(k, v);
      record.status = reply.status;
      return new Response(reply.status === 204 ? null : payload, { status: reply.status, headers });
    };
    const violate = (problem: string, reply: Reply): Response => {
      this.violations.push(`${label}: ${problem}`);
      return finish(reply);
    };

    // 1. Where the request went.
    if (!inBase) return violate("outside the API base /2.0", bbError(404, "Resource not found"));

    // 2. Credentials.
    if (scheme === "none") {
      return violate("no Authorization header", {
        status: 401,
        body: BASIC_401,
        headers: { "www-authenticate": 'Basic realm="Bitbucket.org HTTP"' },
      });
    }
    const credential = auth.replace(/^\S+\s+/, "").trim();
    if (scheme === "bearer" && credential !== this.token) {
      return finish(bbError(401, TOKEN_401));
    }
    if (scheme === "basic" && base64Decode(credential) !== `${this.user}:${this.appPassword}`) {
      return finish({
        status: 401,
        body: BASIC_401,
        headers: { "www-authenticate": 'Basic realm="Bitbucket.org HTTP"' },
      });
    }

    // 3. Scripted answers.
    const rule = this.#rules.take(request.method, record.path, url.search);
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
        return finish({ status: rule.status ?? 200, body: rule.body, headers: rule.headers });
      }
    }

    // 4. Bodies are JSON.
    if (request.method === "POST" || request.method === "PUT") {
      const type = request.headers.get("content-type") ?? "";
      if (!/^application\/json\b/i.test(type)) {
        return violate(
          `Content-Type must be application/json (got ${JSON.stringify(type)})`,
          bbError(415, "Unsupported Media Type"),
        );
      }
      if (jsonError || !isObject(body)) {
        return violate("the body is not a JSON object", bbError(400, "Bad request"));
      }
    }

    // 5. The repository.
    const repo = /^\/repositories\/([^/]+)\/([^/]+)(\/.*)?$/.exec(record.path);
    if (!repo) return violate("not an endpoint PACE uses", bbError(404, "Resource not found"));
    const [, ws, slug, rest = ""] = repo;
    if (decode(ws) !== this.workspace || decode(slug) !== this.repoSlug) {
      return finish(bbError(404, REPO_NOT_FOUND));
    }
    if (rest.startsWith("/issues") && !this.hasIssues) {
      return finish(bbError(404, "Repository has no issue tracker."));
    }

    // 6. The operation.
    const candidates = this.#routes.map((route) => ({ route, match: route.pattern.exec(rest) }))
      .filter((c) => c.match);
    if (candidates.length === 0) {
      return violate(`unknown path ${rest || "/"}`, bbError(404, "Resource not found"));
    }
    const found = candidates.find((c) => c.route.method === request.method);
    if (!found) {
      return violate(`${request.method} is not allowed here`, bbError(405, "Method not allowed"));
    }
    for (const name of new Set(url.searchParams.keys())) {
      if (!found.route.query.includes(name)) {
        return violate(
          `undocumented query parameter ${JSON.stringify(name)}`,
          bbError(400, `Unknown query parameter: ${name}`),
        );
      }
      if (name !== "state" && url.searchParams.getAll(name).length > 1) {
        return violate(`query parameter ${name} repeated`, bbError(400, "Bad request"));
      }
    }
    try {
      return finish(found.route.handler({
        method: request.method,
        match: found.match!,
        query: url.searchParams,
        body,
        url,
      }));
    } catch (error) {
      if (error instanceof Violation) return violate(error.message, error.reply);
      if (error instanceof Refusal) return finish(error.reply);
      throw error;
    }
  }

  // -------------------------------------------------------------------------
  // Shared request checks

  /** One page of `items`, with Bitbucket's envelope and an absolute `next`. */
  #page<T>(items: T[], ctx: Ctx, maxPagelen: number): Reply {
    const pagelen = this.#int(ctx.query, "pagelen", this.defaultPagelen, 1, maxPagelen);
    const page = this.#int(ctx.query, "page", 1, 1, 1_000_000);
    const start = (page - 1) * pagelen;
    const body: Record<string, unknown> = {
      pagelen,
      size: items.length,
      values: items.slice(start, start + pagelen),
      page,
    };
    if (start + pagelen < items.length) {
      const next = new URL(ctx.url);
      next.searchParams.set("page", String(page + 1));
      body.next = next.href;
    }
    if (page > 1) {
      const previous = new URL(ctx.url);
      previous.searchParams.set("page", String(page - 1));
      body.previous = previous.href;
    }
    return { status: 200, body };
  }

  #int(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
    const raw = query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      throw new Violation(
        `${name}=${raw} is not an integer in [${min}, ${max}]`,
        bbError(400, `Invalid ${name}`),
      );
    }
    return value;
  }

  /** Filter by BBQL `q`, refusing malformed queries and unknown fields. */
  #bbql<T>(items: T[], ctx: Ctx, fields: Record<string, (item: T) => unknown>): T[] {
    const q = ctx.query.get("q");
    if (q === null) return items;
    let node: BbqlNode;
    try {
      node = parseBbql(q);
    } catch (error) {
      throw new Violation(
        `malformed BBQL ${JSON.stringify(q)}: ${(error as Error).message}`,
        bbError(400, "Invalid query string", { detail: (error as Error).message }),
      );
    }
    for (const field of fieldsOf(node)) {
      if (!(field in fields)) {
        throw new Violation(
          `BBQL field ${JSON.stringify(field)} is not filterable here`,
          bbError(400, `Invalid field name: ${field}`),
        );
      }
    }
    return items.filter((item) => evaluate(node, (field) => fields[field](item)));
  }

  /** Refuse body properties outside `allowed`; `required` must be present. */
  #fields(body: Record<string, unknown>, allowed: string[], required: string[] = []): void {
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
    if (unknown.length) {
      throw new Violation(
        `unknown body field(s) ${unknown.join(", ")}`,
        bbError(400, `${unknown[0]}: Unknown field`, {
          fields: Object.fromEntries(unknown.map((k) => [k, ["Unknown field"]])),
        }),
      );
    }
    for (const name of required) {
      if (body[name] === undefined || body[name] === null || body[name] === "") {
        throw new Violation(
          `required body field ${name} missing`,
          bbError(400, `${name}: This field is required.`, {
            fields: { [name]: ["This field is required."] },
          }),
        );
      }
    }
  }

  #string(value: unknown, name: string): void {
    if (value !== undefined && typeof value !== "string") {
      throw new Violation(`${name} must be a string`, bbError(400, `${name}: Not a string`));
    }
  }

  #enum(value: unknown, name: string, choices: readonly string[]): void {
    if (value !== undefined && !choices.includes(value as string)) {
      throw new Violation(
        `${name} ${JSON.stringify(value)} is not one of ${choices.join(", ")}`,
        bbError(400, `${name}: Invalid value`),
      );
    }
  }

  // -------------------------------------------------------------------------
  // Views

  #api(): string {
    return `${this.url}/repositories/${this.workspace}/${this.repoSlug}`;
  }

  #repoRef() {
    return {
      type: "repository",
      full_name: `${this.workspace}/${this.repoSlug}`,
      name: this.repoSlug,
      uuid: "{0b5fbd6c-4f47-4b9a-9c0c-5e2f1f3b7a11}",
      links: { html: { href: this.webRepoUrl } },
    };
  }

  #repoView() {
    return {
      ...this.#repoRef(),
      slug: this.repoSlug,
      is_private: true,
      scm: "git",
      has_issues: this.hasIssues,
      has_wiki: false,
      fork_policy: "no_public_forks",
      mainbranch: { type: "branch", name: this.mainBranch },
      workspace: { type: "workspace", slug: this.workspace, name: this.workspace },
      links: {
        self: { href: this.#api() },
        html: { href: this.webRepoUrl },
        pullrequests: { href: `${this.#api()}/pullrequests` },
        issues: { href: `${this.#api()}/issues` },
      },
    };
  }

  #stateView(status: PipelineStatus) {
    if (status === "PENDING") return { type: "pipeline_state_pending", name: "PENDING" };
    if (status === "IN_PROGRESS" || status === "PAUSED") {
      const stage = status === "PAUSED" ? "PAUSED" : "RUNNING";
      return {
        type: "pipeline_state_in_progress",
        name: "IN_PROGRESS",
        stage: { type: `pipeline_state_in_progress_${stage.toLowerCase()}`, name: stage },
      };
    }
    return {
      type: "pipeline_state_completed",
      name: "COMPLETED",
      result: { type: `pipeline_state_completed_${status.toLowerCase()}`, name: status },
    };
  }

  #pipelineView(p: Pipeline) {
    const self = `${this.#api()}/pipelines/${encodeURIComponent(p.uuid)}`;
    return {
      type: "pipeline",
      uuid: p.uuid,
      build_number: p.build_number,
      creator: { type: "user", display_name: "PACE Bot", uuid: "{6d1c-pace-bot}" },
      repository: this.#repoRef(),
      target: {
        type: "pipeline_ref_target",
        ref_type: "branch",
        ref_name: p.ref_name,
        selector: { type: "branches", pattern: p.ref_name },
        commit: { type: "commit", hash: p.commit },
      },
      trigger: { type: "pipeline_trigger_push", name: "PUSH" },
      state: this.#stateView(p.status),
      created_on: p.created_on,
      ...(p.completed_on ? { completed_on: p.completed_on } : {}),
      build_seconds_used: 42,
      links: { self: { href: self }, steps: { href: `${self}/steps` } },
    };
  }

  #pullView(p: PullRequest) {
    const branch = (name: string) => ({
      branch: { name },
      commit: { type: "commit", hash: "0".repeat(12) },
      repository: this.#repoRef(),
    });
    return {
      type: "pullrequest",
      id: p.id,
      title: p.title,
      description: p.description,
      summary: { type: "rendered", raw: p.description, markup: "markdown", html: "" },
      state: p.state,
      author: { type: "user", display_name: "PACE Bot" },
      source: branch(p.source),
      destination: branch(p.destination),
      close_source_branch: p.close_source_branch,
      created_on: p.created_on,
      updated_on: p.created_on,
      links: {
        self: { href: `${this.#api()}/pullrequests/${p.id}` },
        html: { href: `${this.webRepoUrl}/pull-requests/${p.id}` },
      },
    };
  }

  #issueView(i: Issue) {
    const self = `${this.#api()}/issues/${i.id}`;
    return {
      type: "issue",
      id: i.id,
      title: i.title,
      state: i.state,
      kind: i.kind,
      priority: i.priority,
      content: { type: "rendered", raw: i.content, markup: "markdown", html: "" },
      reporter: { type: "user", display_name: "PACE Bot" },
      assignee: null,
      repository: this.#repoRef(),
      created_on: i.created_on,
      updated_on: i.updated_on,
      votes: 0,
      watches: 1,
      links: {
        self: { href: self },
        html: { href: `${this.webRepoUrl}/issues/${i.id}` },
        comments: { href: `${self}/comments` },
      },
    };
  }

  #commentView(c: IssueComment) {
    return {
      type: "issue_comment",
      id: c.id,
      content: { type: "rendered", raw: c.raw, markup: "markdown", html: "" },
      user: { type: "user", display_name: "PACE Bot" },
      created_on: c.created_on,
      links: {
        self: { href: `${this.#api()}/issues/${c.issue_id}/comments/${c.id}` },
        html: { href: `${this.webRepoUrl}/issues/${c.issue_id}#comment-${c.id}` },
      },
    };
  }

  #variableView(v: PipelineVariable) {
    return {
      type: "pipeline_variable",
      uuid: v.uuid,
      key: v.key,
      secured: v.secured,
      ...(v.secured ? {} : { value: v.value }),
    };
  }

  // -------------------------------------------------------------------------
  // Routes

  #issue(ctx: Ctx): Issue {
    const id = Number(decode(ctx.match[1]));
    const issue = this.issues.find((i) => i.id === id);
    if (!issue) throw new NotFound("No Issue matches the given query.");
    return issue;
  }

  #buildRoutes(): Route[] {
    const route = (
      method: string,
      pattern: RegExp,
      query: string[],
      handler: (ctx: Ctx) => Reply,
    ): Route => ({
      method,
      pattern,
      query,
      handler: (ctx) => {
        try {
          return handler(ctx);
        } catch (error) {
          if (error instanceof NotFound) return bbError(404, error.message);
          throw error;
        }
      },
    });
    const list = ["q", "sort", "page", "pagelen"];
    return [
      route("GET", /^\/?$/, [], () => ({ status: 200, body: this.#repoView() })),

      // Pipelines: query parameters, not BBQL.
      route("GET", /^\/pipelines$/, PIPELINE_QUERY, (ctx) => {
        for (const name of ctx.query.keys()) {
          if (
            !["target.commit.hash", "target.ref_name", "target.branch", "sort", "page", "pagelen"]
              .includes(name)
          ) {
            throw new Violation(
              `FakeBitbucket does not implement the pipelines filter ${name}`,
              bbError(501, "Not implemented by FakeBitbucket"),
            );
          }
        }
        let items = [...this.pipelines];
        const sort = ctx.query.get("sort");
        if (sort !== null && !PIPELINE_SORTS.includes(sort.replace(/^-/, ""))) {
          // Not a violation: this is the answer Bitbucket gives.
          return {
            status: 400,
            body: {
              type: "error",
              error: {
                message: "Bad request",
                detail: `Invalid sort attribute provided '${sort.replace(/^-/, "")}'`,
                data: { key: "rest-service.rest-service.invalid-sort-attribute", arguments: {} },
              },
            },
          };
        }
        const hash = ctx.query.get("target.commit.hash");
        if (hash !== null) items = items.filter((p) => p.commit === hash);
        const ref = ctx.query.get("target.ref_name") ?? ctx.query.get("target.branch");
        if (ref !== null) items = items.filter((p) => p.ref_name === ref);
        items.sort((a, b) => a.created_on.localeCompare(b.created_on));
        if (sort?.startsWith("-")) items.reverse();
        return this.#page(items.map((p) => this.#pipelineView(p)), ctx, 100);
      }),

      // Pull requests.
      route("GET", /^\/pullrequests$/, ["state", ...list], (ctx) => {
        const states = ctx.query.getAll("state");
        for (const s of states) {
          this.#enum(s, "state", ["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]);
        }
        const wanted = new Set(states.length ? states : ["OPEN"]);
        const pulls = this.#bbql(this.pulls.filter((p) => wanted.has(p.state)), ctx, {
          "source.branch.name": (p) => p.source,
          "destination.branch.name": (p) => p.destination,
          state: (p) => p.state,
          title: (p) => p.title,
          id: (p) => p.id,
        });
        return this.#page(pulls.map((p) => this.#pullView(p)), ctx, 50);
      }),
      route("POST", /^\/pullrequests$/, [], (ctx) => {
        const body = ctx.body as Record<string, unknown>;
        this.#fields(body, [
          "title",
          "description",
          "source",
          "destination",
          "close_source_branch",
          "reviewers",
          "draft",
        ], ["title", "source"]);
        this.#string(body.title, "title");
        this.#string(body.description, "description");
        const branchOf = (value: unknown, name: string): string | undefined => {
          if (value === undefined) return undefined;
          if (
            !isObject(value) || !isObject(value.branch) || typeof value.branch.name !== "string"
          ) {
            throw new Violation(
              `${name} must be {"branch": {"name": "…"}}`,
              bbError(400, `${name}: Malformed ${name}`),
            );
          }
          const extra = Object.keys(value).filter((k) => k !== "branch" && k !== "repository");
          if (extra.length) {
            throw new Violation(`unknown ${name} field(s) ${extra}`, bbError(400, "Bad request"));
          }
          return value.branch.name;
        };
        const source = branchOf(body.source, "source")!;
        const destination = branchOf(body.destination, "destination") ?? this.mainBranch;
        if (
          body.close_source_branch !== undefined && typeof body.close_source_branch !== "boolean"
        ) {
          throw new Violation("close_source_branch must be a boolean", bbError(400, "Bad request"));
        }
        if (!this.branches.has(source)) {
          return bbError(400, `source: Branch not found: ${source}`, {
            fields: { source: [`Branch not found: ${source}`] },
          });
        }
        if (!this.branches.has(destination)) {
          return bbError(400, `destination: Branch not found: ${destination}`, {
            fields: { destination: [`Branch not found: ${destination}`] },
          });
        }
        if (this.pulls.some((p) => p.state === "OPEN" && p.source === source)) {
          return bbError(400, ALREADY_OPEN);
        }
        const pull = this.addPull({
          title: body.title as string,
          description: (body.description as string | undefined) ?? "",
          source,
          destination,
          close_source_branch: (body.close_source_branch as boolean | undefined) ?? false,
        });
        return {
          status: 201,
          body: this.#pullView(pull),
          headers: { location: `${this.#api()}/pullrequests/${pull.id}` },
        };
      }),

      // Issues.
      route("GET", /^\/issues$/, list, (ctx) => {
        const issues = this.#bbql(this.issues, ctx, {
          title: (i) => i.title,
          state: (i) => i.state,
          "content.raw": (i) => i.content,
          kind: (i) => i.kind,
          priority: (i) => i.priority,
          id: (i) => i.id,
        });
        return this.#page(issues.map((i) => this.#issueView(i)), ctx, 50);
      }),
      route("POST", /^\/issues$/, [], (ctx) => {
        const body = ctx.body as Record<string, unknown>;
        this.#fields(body, ["title", "content", "kind", "priority", "state"], ["title"]);
        this.#string(body.title, "title");
        const raw = this.#content(body.content);
        this.#enum(body.kind, "kind", ISSUE_KINDS);
        this.#enum(body.priority, "priority", ISSUE_PRIORITIES);
        this.#enum(body.state, "state", ISSUE_STATES);
        const issue = this.addIssue({
          title: body.title as string,
          content: raw ?? "",
          ...(body.kind ? { kind: body.kind as string } : {}),
          ...(body.priority ? { priority: body.priority as string } : {}),
          ...(body.state ? { state: body.state as Issue["state"] } : {}),
        });
        return {
          status: 201,
          body: this.#issueView(issue),
          headers: { location: `${this.#api()}/issues/${issue.id}` },
        };
      }),
      route("GET", /^\/issues\/([^/]+)$/, [], (ctx) => ({
        status: 200,
        body: this.#issueView(this.#issue(ctx)),
      })),
      route("PUT", /^\/issues\/([^/]+)$/, [], (ctx) => {
        const issue = this.#issue(ctx);
        const body = ctx.body as Record<string, unknown>;
        this.#fields(body, ["title", "content", "kind", "priority", "state"]);
        this.#string(body.title, "title");
        const raw = this.#content(body.content);
        this.#enum(body.kind, "kind", ISSUE_KINDS);
        this.#enum(body.priority, "priority", ISSUE_PRIORITIES);
        this.#enum(body.state, "state", ISSUE_STATES);
        const before = issue.state;
        if (body.title !== undefined) issue.title = body.title as string;
        if (raw !== undefined) issue.content = raw;
        if (body.kind !== undefined) issue.kind = body.kind as string;
        if (body.priority !== undefined) issue.priority = body.priority as string;
        if (body.state !== undefined) issue.state = body.state as Issue["state"];
        issue.updated_on = this.#now();
        // Bitbucket records each edit as a change, with an (empty) comment attached.
        if (issue.state !== before) {
          this.comments.push({
            id: this.comments.length + 1,
            issue_id: issue.id,
            raw: null,
            created_on: issue.updated_on,
          });
        }
        return { status: 200, body: this.#issueView(issue) };
      }),
      route("GET", /^\/issues\/([^/]+)\/comments$/, list, (ctx) => {
        const issue = this.#issue(ctx);
        const comments = this.#bbql(this.comments.filter((c) => c.issue_id === issue.id), ctx, {
          "content.raw": (c) => c.raw,
          id: (c) => c.id,
        });
        return this.#page(comments.map((c) => this.#commentView(c)), ctx, 100);
      }),
      route("POST", /^\/issues\/([^/]+)\/comments$/, [], (ctx) => {
        const issue = this.#issue(ctx);
        const body = ctx.body as Record<string, unknown>;
        this.#fields(body, ["content"], ["content"]);
        const raw = this.#content(body.content);
        if (!raw) {
          return bbError(400, "content: This field is required.", {
            fields: { content: ["This field is required."] },
          });
        }
        const comment: IssueComment = {
          id: this.comments.length + 1,
          issue_id: issue.id,
          raw,
          created_on: this.#now(),
        };
        this.comments.push(comment);
        return {
          status: 201,
          body: this.#commentView(comment),
          headers: { location: `${this.#api()}/issues/${issue.id}/comments/${comment.id}` },
        };
      }),

      // Repository pipeline variables.
      route(
        "GET",
        /^\/pipelines_config\/variables$/,
        ["page", "pagelen"],
        (ctx) => this.#page(this.variables.map((v) => this.#variableView(v)), ctx, 100),
      ),
      route("POST", /^\/pipelines_config\/variables$/, [], (ctx) => {
        const body = ctx.body as Record<string, unknown>;
        this.#variableBody(body, true);
        if (this.variables.some((v) => v.key === body.key)) {
          return this.#conflict(body.key as string);
        }
        const variable = this.addVariable(
          body.key as string,
          body.value as string,
          body.secured === true,
        );
        return {
          status: 201,
          body: this.#variableView(variable),
          headers: {
            location: `${this.#api()}/pipelines_config/variables/${
              encodeURIComponent(variable.uuid)
            }`,
          },
        };
      }),
      route("GET", /^\/pipelines_config\/variables\/([^/]+)$/, [], (ctx) => ({
        status: 200,
        body: this.#variableView(this.#variable(ctx)),
      })),
      route("PUT", /^\/pipelines_config\/variables\/([^/]+)$/, [], (ctx) => {
        const variable = this.#variable(ctx);
        const body = ctx.body as Record<string, unknown>;
        this.#variableBody(body, false);
        if (
          body.key !== undefined && body.key !== variable.key &&
          this.variables.some((v) => v.key === body.key)
        ) {
          return this.#conflict(body.key as string);
        }
        if (body.key !== undefined) variable.key = body.key as string;
        if (body.value !== undefined) variable.value = body.value as string;
        if (body.secured !== undefined) variable.secured = body.secured as boolean;
        return { status: 200, body: this.#variableView(variable) };
      }),
      route("DELETE", /^\/pipelines_config\/variables\/([^/]+)$/, [], (ctx) => {
        const variable = this.#variable(ctx);
        this.variables = this.variables.filter((v) => v !== variable);
        return { status: 204 };
      }),
    ];
  }

  #content(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (!isObject(value) || typeof value.raw !== "string") {
      throw new Violation(
        `content must be {"raw": "…"}`,
        bbError(400, "content: Malformed content"),
      );
    }
    const extra = Object.keys(value).filter((k) => k !== "raw" && k !== "markup");
    if (extra.length) throw new Violation(`unknown content field(s) ${extra}`, bbError(400, "Bad"));
    return value.raw;
  }

  #variable(ctx: Ctx): PipelineVariable {
    const uuid = decode(ctx.match[1]);
    if (!/^\{[0-9a-f-]+\}$/i.test(uuid)) {
      throw new Violation(
        `variable_uuid ${JSON.stringify(uuid)} is not a {uuid}`,
        bbError(404, "Resource not found"),
      );
    }
    const variable = this.variables.find((v) => v.uuid === uuid);
    if (!variable) throw new NotFound(`Variable with UUID ${uuid} not found.`);
    return variable;
  }

  #variableBody(body: Record<string, unknown>, creating: boolean): void {
    this.#fields(body, ["key", "value", "secured", "uuid", "type"], creating ? ["key"] : []);
    this.#string(body.key, "key");
    this.#string(body.value, "value");
    if (body.secured !== undefined && typeof body.secured !== "boolean") {
      throw new Violation("secured must be a boolean", bbError(400, "Bad request"));
    }
    if (body.key !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(body.key as string)) {
      // Not a violation: Bitbucket's own validation of a user-supplied name.
      throw new Refusal(
        bbError(400, "Variable names can only contain ASCII letters, digits and underscores."),
      );
    }
  }

  #conflict(key: string): Reply {
    return {
      status: 409,
      body: {
        type: "error",
        error: {
          message: "Conflict",
          detail: `A variable with the key '${key}' already exists.`,
          data: { key: "variable-service.variable.duplicate-key", arguments: {} },
        },
      },
    };
  }
}

/** A 404 raised inside a handler. */
class NotFound extends Error {}
