/**
 * The bench's server: the few CI routes a `pace ci wait` reads on GitHub,
 * GitLab, Bitbucket and Jenkins, answered from one switch ("pending" until
 * `greenAfterMs` past the first poll, then "success"), each answer held back
 * by `latencyMs` as a network would. Nothing is validated: the test fakes
 * (tests/servers/) check what the adapters send; this one only has to be
 * cheap, so that the bench measures the package and not the server.
 *
 * GitHub's answers carry an `ETag` and a matching `If-None-Match` is answered
 * 304, as api.github.com does.
 *
 * @module
 */

/** A platform whose CI routes the server answers. */
export type BenchPlatform = "github" | "gitlab" | "bitbucket" | "jenkins";

/** The commit every route reports on (any SHA asked for is echoed back). */
export const BENCH_SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

const OWNER = "octo";
const REPO = "pace-demo";
const TOKEN = "bench-token-0123456789";
const JOB = "app";
const PROJECT = "pace-group/pace-demo";

/** What the server has seen since the last {@linkcode LeanServer.reset}. */
export interface LeanStats {
  /** Every request. */
  requests: number;
  /** Requests answered 304 Not Modified. */
  notModified: number;
  /** Requests to a route that reports CI state (not e.g. Bitbucket's repository). */
  polls: number;
  /** GitHub check-run pages served (304s included). */
  checkRunPages: number;
  /** `performance.now()` of the first CI-state request. */
  firstPollAt?: number;
  /** `performance.now()` from which CI reads green. */
  greenAt?: number;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The bench's server on a free port of 127.0.0.1; see the module documentation. */
export class LeanServer implements AsyncDisposable {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Delay of every answer, in ms: half before CI state is read, half after. */
  latencyMs: number;
  /** CI turns green this long after the first poll; 0: green from the start. */
  greenAfterMs = 0;
  /** How many check runs GitHub's commit has. */
  checkRuns = 1;
  /** Since the last {@linkcode reset}. */
  stats: LeanStats = { requests: 0, notModified: 0, polls: 0, checkRunPages: 0 };

  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #closing = new AbortController();

  constructor(options: { latencyMs?: number } = {}) {
    this.latencyMs = options.latencyMs ?? 50;
    this.#server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {}, signal: this.#closing.signal },
      (request) => this.#handle(request),
    );
    this.origin = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Forget what was seen; the next wait starts from "no poll yet". */
  reset(options: { greenAfterMs?: number; checkRuns?: number } = {}): void {
    this.greenAfterMs = options.greenAfterMs ?? 0;
    this.checkRuns = options.checkRuns ?? 1;
    this.stats = { requests: 0, notModified: 0, polls: 0, checkRunPages: 0 };
  }

  /** The environment a `pace ci wait` on `platform` needs against this server. */
  env(platform: BenchPlatform): Record<string, string> {
    switch (platform) {
      case "github":
        return {
          GITHUB_API_URL: this.origin,
          GITHUB_TOKEN: TOKEN,
          GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        };
      case "gitlab":
        return { GITLAB_URL: this.origin, GITLAB_TOKEN: TOKEN, GITLAB_PROJECT: PROJECT };
      case "bitbucket":
        return {
          BITBUCKET_API_URL: `${this.origin}/2.0`,
          BITBUCKET_WORKSPACE: OWNER,
          BITBUCKET_REPO_SLUG: REPO,
          BITBUCKET_API_TOKEN: TOKEN,
        };
      case "jenkins":
        return {
          JENKINS_URL: `${this.origin}/jenkins/`,
          JENKINS_JOB_NAME: JOB,
          JENKINS_USER: "bench",
          JENKINS_TOKEN: TOKEN,
        };
    }
  }

  /** Stop serving; held answers end at once. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#server.finished;
  }

  /** `await using server = new LeanServer()` */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #handle(request: Request): Promise<Response> {
    this.stats.requests++;
    const url = new URL(request.url);
    const half = this.latencyMs / 2;
    await this.#pause(half);
    const answer = this.#route(url, request.headers);
    await this.#pause(half);
    if (answer.status === 304) this.stats.notModified++;
    const body = answer.body === undefined ? null : JSON.stringify(answer.body);
    const headers = new Headers(answer.headers);
    if (body !== null) headers.set("content-type", "application/json; charset=utf-8");
    return new Response(body, { status: answer.status, headers });
  }

  #pause(ms: number): Promise<void> {
    if (ms <= 0 || this.#closing.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#closing.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#closing.signal.addEventListener("abort", done, { once: true });
    });
  }

  /** A CI-state route was asked: is CI green at this moment? */
  #poll(): boolean {
    const now = performance.now();
    const stats = this.stats;
    stats.polls++;
    if (stats.firstPollAt === undefined) {
      stats.firstPollAt = now;
      stats.greenAt = now + this.greenAfterMs;
    }
    return now >= stats.greenAt!;
  }

  #route(url: URL, headers: Headers): Answer {
    const path = url.pathname.replace(/\/+$/, "");
    const query = url.searchParams;
    let m = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/(check-runs|status)$/.exec(path);
    if (m) return this.#github(m[2], decodeURIComponent(m[1]), query, headers);
    m = /^\/api\/v4\/projects\/[^/]+\/pipelines(?:\/(\d+)\/jobs)?$/.exec(path);
    if (m) return m[1] ? { status: 200, body: [] } : this.#gitlab(query);
    if (/^\/2\.0\/repositories\/[^/]+\/[^/]+$/.test(path)) return this.#bitbucketRepository();
    if (/^\/2\.0\/repositories\/[^/]+\/[^/]+\/pipelines$/.test(path)) return this.#bitbucket(query);
    if (/^\/jenkins\/job\/[^/]+\/api\/json$/.test(path)) return this.#jenkins();
    return { status: 404, body: { message: "Not Found" } };
  }

  #github(kind: string, sha: string, query: URLSearchParams, headers: Headers): Answer {
    const green = this.#poll();
    const perPage = Math.min(100, Number(query.get("per_page") ?? 30) || 30);
    const page = Math.max(1, Number(query.get("page") ?? 1) || 1);
    let body: unknown;
    if (kind === "check-runs") {
      this.stats.checkRunPages++;
      const count = Math.max(0, Math.min(perPage, this.checkRuns - (page - 1) * perPage));
      const runs = Array.from({ length: count }, (_, i) => {
        const id = (page - 1) * perPage + i + 1;
        return {
          id,
          name: id === 1 ? "build" : `check ${id}`,
          head_sha: sha,
          status: green ? "completed" : "in_progress",
          conclusion: green ? "success" : null,
          html_url: `${this.origin}/${OWNER}/${REPO}/runs/${id}`,
          details_url: `${this.origin}/${OWNER}/${REPO}/runs/${id}`,
        };
      });
      body = { total_count: this.checkRuns, check_runs: runs };
    } else {
      body = { state: "pending", sha, total_count: 0, statuses: [] };
    }
    const etag = `"${hash(JSON.stringify(body))}"`;
    if (headers.get("if-none-match") === etag) return { status: 304, headers: { etag } };
    return { status: 200, body, headers: { etag } };
  }

  #gitlab(query: URLSearchParams): Answer {
    const green = this.#poll();
    const sha = query.get("sha") ?? BENCH_SHA;
    const pipeline = {
      id: 1001,
      iid: 7,
      project_id: 42,
      sha,
      ref: "main",
      status: green ? "success" : "running",
      source: "push",
      name: null,
      web_url: `${this.origin}/${PROJECT}/-/pipelines/1001`,
    };
    return {
      status: 200,
      body: [pipeline],
      headers: { "x-page": "1", "x-per-page": query.get("per_page") ?? "20", "x-next-page": "" },
    };
  }

  #bitbucketRepository(): Answer {
    return {
      status: 200,
      body: {
        type: "repository",
        full_name: `${OWNER}/${REPO}`,
        mainbranch: { type: "branch", name: "main" },
        links: { html: { href: `${this.origin}/${OWNER}/${REPO}` } },
      },
    };
  }

  #bitbucket(query: URLSearchParams): Answer {
    const green = this.#poll();
    const sha = query.get("target.commit.hash") ?? BENCH_SHA;
    const pipeline = {
      uuid: "{6d2b4c1e-0000-4000-8000-000000000007}",
      build_number: 7,
      created_on: "2026-01-01T00:00:00Z",
      state: green
        ? { name: "COMPLETED", result: { name: "SUCCESSFUL" } }
        : { name: "IN_PROGRESS", stage: { name: "RUNNING" } },
      target: { type: "pipeline_ref_target", ref_name: "main", commit: { hash: sha } },
    };
    return { status: 200, body: { page: 1, pagelen: 100, size: 1, values: [pipeline] } };
  }

  #jenkins(): Answer {
    const green = this.#poll();
    return {
      status: 200,
      body: {
        _class: "hudson.model.FreeStyleProject",
        builds: [{
          _class: "hudson.model.FreeStyleBuild",
          number: 7,
          url: `${this.origin}/jenkins/job/${JOB}/7/`,
          building: !green,
          result: green ? "SUCCESS" : null,
          actions: [{
            _class: "hudson.plugins.git.util.BuildData",
            lastBuiltRevision: { SHA1: BENCH_SHA },
          }],
        }],
      },
    };
  }
}

/** FNV-1a: enough to tell two answers apart, and cheap. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0") + text.length.toString(16);
}
