/**
 * What a command costs before its answer: the requests one poll of a CI wait
 * sends (each platform against its fake, from the fake's request log), and
 * the modules a command loads (the static graph from `deno info --json`, and
 * what a real `deno run` of the CLI compiles, dynamic imports included, read
 * through the V8 inspector). No timing is asserted: counts and names only.
 */
import { traceModules } from "../bench/modules.ts";
import { paceFlags } from "../bench/contestants.ts";
import { baseEnv } from "../bench/process.ts";
import { BENCH_SHA, LeanServer } from "../bench/server.ts";
import { getCIAdapter } from "../mod.ts";
import type { CIAdapter, CiResult } from "../platforms/types.ts";
import { captureLogger } from "../testing.ts";
import { assert, assertEquals } from "./_assert.ts";
import { FakeBitbucket } from "./servers/bitbucket.ts";
import { FakeGitHub } from "./servers/github.ts";
import { FakeGitLab } from "./servers/gitlab.ts";
import { FakeJenkins } from "./servers/jenkins.ts";

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const ROOT = new URL("../", import.meta.url);
const CLI = new URL("cli.ts", ROOT).pathname;

// ---------------------------------------------------------------------------
// Requests per poll

interface Logged {
  requests: { method: string; path: string; query: URLSearchParams; status: number }[];
}

/**
 * Wait until CI turns green at the third poll; the requests of each poll, as
 * the fake logged them (`METHOD path`), and the result.
 */
async function threePolls(
  ci: CIAdapter,
  fake: Logged,
  turnGreen: () => void,
  sha = SHA,
): Promise<{ polls: string[][]; result: CiResult; statuses: number[][] }> {
  const marks: number[] = [fake.requests.length];
  const result = await ci.waitForCommitCi(sha, {
    timeoutMinutes: 0.5,
    pollIntervalSeconds: 0.05,
    onProgress: ({ polls }) => {
      marks.push(fake.requests.length);
      if (polls === 2) turnGreen();
    },
  });
  marks.push(fake.requests.length);
  const slice = (i: number) => fake.requests.slice(marks[i], marks[i + 1]);
  const polls = marks.slice(1).map((_, i) => slice(i).map((r) => `${r.method} ${r.path}`).sort());
  const statuses = marks.slice(1).map((_, i) => slice(i).map((r) => r.status).sort());
  return { polls, result, statuses };
}

/**
 * A loopback proxy in front of a fake that holds each request until `size`
 * are held, then lets them all go (or after `fallbackMs`, so that a client
 * sending one at a time is slowed down, not stuck). Each release is one batch:
 * requests in one batch were on the wire together.
 */
class Gate implements AsyncDisposable {
  readonly origin: string;
  readonly batches: string[][] = [];
  #held: { label: string; release: () => void }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  constructor(target: string, readonly size: number, readonly fallbackMs = 1000) {
    this.#server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (request) => this.#forward(request, target),
    );
    this.origin = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  #release(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const held = this.#held;
    this.#held = [];
    this.batches.push(held.map((h) => h.label).sort());
    for (const h of held) h.release();
  }

  async #forward(request: Request, target: string): Promise<Response> {
    const url = new URL(request.url);
    await new Promise<void>((release) => {
      this.#held.push({ label: `${request.method} ${url.pathname}${url.search}`, release });
      if (this.#held.length >= this.size) this.#release();
      else this.#timer ??= setTimeout(() => this.#release(), this.fallbackMs);
    });
    const headers = new Headers(request.headers);
    headers.delete("host");
    const answer = await fetch(new URL(url.pathname + url.search, target), {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
    });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    clearTimeout(this.#timer);
    await this.#server.shutdown();
  }
}

const CHECK_RUNS = `GET /repos/octo/pace-demo/commits/${SHA}/check-runs`;
const STATUS = `GET /repos/octo/pace-demo/commits/${SHA}/status`;

Deno.test("github: one poll is the first page of check runs and of statuses, sent together; repeats are 304", async () => {
  await using gh = await FakeGitHub.start();
  gh.addCheckRun(SHA, { name: "build", status: "in_progress" });
  gh.addStatus(SHA, { context: "ci/external", state: "success" });
  await using gate = new Gate(gh.url, 2);
  const ci = getCIAdapter("github", {
    env: {
      GITHUB_TOKEN: gh.token,
      GITHUB_REPOSITORY: "octo/pace-demo",
      GITHUB_API_URL: gate.origin,
    },
    logger: captureLogger(),
  });
  const { polls, result, statuses } = await threePolls(ci, gh, () => {
    gh.setCheckRun(SHA, "build", { status: "completed", conclusion: "success" });
  });
  assertEquals(result.conclusion, "success");
  assertEquals(polls, [[CHECK_RUNS, STATUS], [CHECK_RUNS, STATUS], [CHECK_RUNS, STATUS]]);
  // Each pair was on the wire at once: one round trip per poll.
  assertEquals(gate.batches.map((b) => b.length), [2, 2, 2]);
  // Unchanged answers cost no body (and no rate limit); the change does.
  assertEquals(statuses, [[200, 200], [304, 304], [200, 304]]);
  assertEquals(gh.violations, []);
});

Deno.test("github: more check runs than a page: further pages only when the first says so, together", async () => {
  await using gh = await FakeGitHub.start();
  for (let i = 0; i < 250; i++) {
    gh.addCheckRun(SHA, { name: `check ${i}`, status: "completed", conclusion: "success" });
  }
  await using gate = new Gate(gh.url, 2);
  const ci = getCIAdapter("github", {
    env: {
      GITHUB_TOKEN: gh.token,
      GITHUB_REPOSITORY: "octo/pace-demo",
      GITHUB_API_URL: gate.origin,
    },
    logger: captureLogger(),
  });
  assertEquals((await ci.waitForCommitCi(SHA, { timeoutMinutes: 0.5 })).conclusion, "success");
  const pages = (batch: string[]) =>
    batch.map((b) => new URL(b.split(" ")[1], gh.url).searchParams.get("page"));
  assertEquals(gate.batches.map(pages), [["1", "1"], ["2", "3"]]);
  assertEquals(gh.requests.length, 4);
  assertEquals(gh.violations, []);
});

Deno.test("gitlab: one poll is one request for the pipelines of the commit", async () => {
  await using gl = FakeGitLab.start();
  const pipeline = gl.addPipeline({ sha: SHA, status: "running" });
  const ci = getCIAdapter("gitlab", {
    env: { GITLAB_TOKEN: gl.token, GITLAB_PROJECT: gl.projectPath, GITLAB_URL: gl.url },
    logger: captureLogger(),
  });
  const { polls, result } = await threePolls(ci, gl, () => {
    pipeline.status = "success";
  });
  assertEquals(result.conclusion, "success");
  const list = "GET /projects/pace-group%2Fsub%2Fpace-demo/pipelines";
  assertEquals(polls, [[list], [list], [list]]);
  assertEquals(gl.violations, []);
});

Deno.test("gitlab: jobs are read only for a manual pipeline; a short SHA is resolved once", async () => {
  await using gl = FakeGitLab.start();
  const pipeline = gl.addPipeline({ sha: SHA, status: "running" });
  gl.addJob(pipeline.id, { name: "deploy", status: "manual" });
  const ci = getCIAdapter("gitlab", {
    env: { GITLAB_TOKEN: gl.token, GITLAB_PROJECT: gl.projectPath, GITLAB_URL: gl.url },
    logger: captureLogger(),
  });
  const { polls, result } = await threePolls(ci, gl, () => {
    pipeline.status = "manual";
  });
  assertEquals(result.conclusion, "success");
  const project = "GET /projects/pace-group%2Fsub%2Fpace-demo";
  assertEquals(polls.map((p) => p.length), [1, 1, 2]);
  assertEquals(polls[2], [`${project}/pipelines`, `${project}/pipelines/${pipeline.id}/jobs`]);

  pipeline.status = "running";
  const short = await threePolls(
    getCIAdapter("gitlab", {
      env: { GITLAB_TOKEN: gl.token, GITLAB_PROJECT: gl.projectPath, GITLAB_URL: gl.url },
      logger: captureLogger(),
    }),
    gl,
    () => {
      pipeline.status = "success";
    },
    SHA.slice(0, 8),
  );
  assertEquals(short.result.conclusion, "success");
  assertEquals(short.polls, [
    [`${project}/pipelines`, `${project}/repository/commits/${SHA.slice(0, 8)}`],
    [`${project}/pipelines`],
    [`${project}/pipelines`],
  ]);
  assertEquals(gl.violations, []);
});

Deno.test("bitbucket: one poll is one request for the commit's pipelines; the repository is read once", async () => {
  await using bb = await FakeBitbucket.start();
  const pipeline = bb.addPipeline({ commit: SHA, status: "IN_PROGRESS" });
  const ci = getCIAdapter("bitbucket", {
    env: {
      BITBUCKET_API_URL: bb.url,
      BITBUCKET_WORKSPACE: bb.workspace,
      BITBUCKET_REPO_SLUG: bb.repoSlug,
      BITBUCKET_API_TOKEN: bb.token,
    },
    logger: captureLogger(),
  });
  const { polls, result } = await threePolls(ci, bb, () => {
    bb.setPipeline(pipeline.build_number, "SUCCESSFUL");
  });
  assertEquals(result.conclusion, "success");
  const repository = `GET /repositories/${bb.workspace}/${bb.repoSlug}`;
  const list = `${repository}/pipelines`;
  const normalize = (p: string[]) => p.map((r) => r.replace(/\/$/, ""));
  // The repository (for the result's web URL) on the first poll only.
  assertEquals(polls.map(normalize), [[repository, list], [list], [list]]);
  assertEquals(bb.violations, []);
});

Deno.test("jenkins: one poll is one tree= request for the job's recent builds", async () => {
  await using jenkins = FakeJenkins.start();
  jenkins.addJob("app");
  const build = jenkins.addBuild("app", { sha: SHA, building: true });
  const ci = getCIAdapter("jenkins", {
    env: {
      JENKINS_URL: `${jenkins.url}/`,
      JENKINS_JOB_NAME: "app",
      JENKINS_USER: jenkins.user,
      JENKINS_TOKEN: jenkins.token,
    },
    logger: captureLogger(),
  });
  const { polls, result } = await threePolls(ci, jenkins, () => {
    build.building = false;
    build.result = "SUCCESS";
  });
  assertEquals(result.conclusion, "success");
  assertEquals(polls, [["GET /job/app/api/json"], ["GET /job/app/api/json"], [
    "GET /job/app/api/json",
  ]]);
  assert(jenkins.requests.every((r) => r.query.has("tree")), "every poll names its tree");
  assertEquals(jenkins.violations, []);
});

// ---------------------------------------------------------------------------
// Modules loaded

/** What each face reads to register its platform: settings, not behaviour. */
const REGISTRATION_PARTS = new Set([
  "platforms/bitbucket/settings.ts",
  "platforms/bitbucket/credentials.ts",
  "platforms/github/settings.ts",
  "platforms/gitlab/settings.ts",
  "platforms/gitlab/conventions.ts",
  "platforms/jenkins/settings.ts",
  "platforms/jira/settings.ts",
  "platforms/gitea/settings.ts",
]);

/** The renderers and the readers of `.pace/`: only operations that write a body need them. */
const RENDER_AND_ARTIFACTS = [
  "platforms/_pace/render.ts",
  "platforms/_pace/render_fit.ts",
  "platforms/_pace/markdown.ts",
  "platforms/_pace/bodies.ts",
  "platforms/_pace/plans.ts",
  "platforms/_pace/ensure.ts",
  "platforms/_pace/forge_tracker.ts",
  "platforms/_pace/review_file.ts",
  "platforms/_pace/artifacts.ts",
  "platforms/_pace/artifact_files.ts",
  "platforms/_pace/artifact_text.ts",
];

/**
 * Modules a `ci wait` on GitHub loads though the wait needs none of them. Empty:
 * the review-PR tools (`plans`, `markdown`, `ensure` and through them the
 * renderers and artifact readers) and the CLI's artifact readers load on first
 * use. A module appearing here is a regression to fix, not a list to grow.
 */
const KNOWN_NEEDLESS_LOADS: string[] = [];

/** Likewise for what `pace --help` and `pace permissions` load: nothing needless. */
const KNOWN_NEEDLESS_AT_START: string[] = [];

const RATCHET = "a listed module no longer loads (delete it from the list) or one more does";

const relative = (url: string) => url.startsWith(ROOT.href) ? url.slice(ROOT.href.length) : url;

/** A platform part (`platforms/<name>/…`) that is not registration data. */
function platformCode(path: string): boolean {
  return /^platforms\/[a-z][a-z0-9_-]*\//.test(path) && !path.startsWith("platforms/_") &&
    !REGISTRATION_PARTS.has(path);
}

/** The part of `loaded` a command should not load, given what else is forbidden. */
function needless(loaded: readonly string[], alsoForbidden: readonly string[] = []): string[] {
  return loaded.filter((p) => alsoForbidden.includes(p) || RENDER_AND_ARTIFACTS.includes(p))
    .sort();
}

interface Graph {
  /** Module path (relative to the repository, or the specifier) → its static imports. */
  static: Map<string, string[]>;
  /** Module → its `import()`s. */
  dynamic: Map<string, string[]>;
}

async function denoInfo(entry: string): Promise<Graph> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(output.success, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
    }[];
  };
  const graph: Graph = { static: new Map(), dynamic: new Map() };
  for (const module of info.modules) {
    const from = relative(module.specifier);
    const edges = (module.dependencies ?? []).filter((d) => d.code?.specifier);
    graph.static.set(
      from,
      edges.filter((d) => !d.isDynamic).map((d) => relative(d.code!.specifier)),
    );
    graph.dynamic.set(
      from,
      edges.filter((d) => d.isDynamic).map((d) => relative(d.code!.specifier)),
    );
  }
  return graph;
}

/** Every module reachable from `root` through static imports only. */
function staticClosure(graph: Graph, root: string): string[] {
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...graph.static.get(next) ?? []);
  }
  return [...seen].sort();
}

const cliGraph = denoInfo("cli.ts");

Deno.test("static graph: cli.ts reaches no platform code and no Octokit without an import()", async () => {
  const graph = await cliGraph;
  const closure = staticClosure(graph, "cli.ts");
  assertEquals(closure.filter(platformCode), []);
  assertEquals(closure.filter((m) => m.includes("@octokit")), []);
  assertEquals(needless(closure), KNOWN_NEEDLESS_AT_START, RATCHET);
  // The faces do load their parts, lazily.
  for (const face of ["github", "gitlab", "bitbucket", "jenkins", "jira", "local"]) {
    const lazy = graph.dynamic.get(`platforms/${face}.ts`) ?? [];
    assert(lazy.some((m) => m.startsWith(`platforms/${face}/`)), `${face}: ${lazy.join(", ")}`);
  }
});

Deno.test("static graph: platforms/github/ci.ts reaches no other platform and nothing of Jira", async () => {
  const graph = await cliGraph;
  const closure = staticClosure(graph, "platforms/github/ci.ts");
  assert(closure.includes("platforms/github/connection.ts"), closure.join("\n"));
  assertEquals(
    closure.filter((m) => platformCode(m) && !m.startsWith("platforms/github/")),
    [],
  );
  assertEquals(
    closure.filter((m) => /platforms\/(jira|gitlab|bitbucket|jenkins|local)/.test(m)),
    [],
  );
  // What a wait does not need, and the static graph still holds (see KNOWN_NEEDLESS_LOADS).
  assertEquals(
    needless(closure),
    KNOWN_NEEDLESS_LOADS.filter((m) => closure.includes(m)),
    RATCHET,
  );
});

Deno.test("static graph: a `ci wait` on GitHub reaches no node: module (they start Node's layer)", async () => {
  const graph = await cliGraph;
  const reached = new Set([
    ...staticClosure(graph, "cli.ts"),
    ...staticClosure(graph, "platforms/github/ci.ts"),
  ]);
  assert(reached.has("platforms/_core/paths.ts"), [...reached].join("\n"));
  assertEquals([...reached].filter((m) => m.startsWith("node:")), []);
  // node: specifiers do show in the graph: the file reader loads node:fs on its first read.
  assert(graph.dynamic.get("platforms/_core/files.ts")?.includes("node:fs"));
});

/** `deno run` of the CLI under the inspector; the repository's modules it compiled. */
async function loadedBy(runArgs: string[], env: Record<string, string> = {}) {
  const run = await traceModules(runArgs, { cwd: ROOT.pathname, env: { ...baseEnv(), ...env } });
  return { ...run, loaded: run.files.map(relative) };
}

for (const command of [["--help"], ["permissions"]]) {
  Deno.test(`runtime: \`pace ${command.join(" ")}\` loads no platform code`, async () => {
    const { code, loaded, npm } = await loadedBy(["--allow-read", "--allow-env", CLI, ...command]);
    assertEquals(code, 0);
    assert(loaded.includes("cli/main.ts"), loaded.join("\n"));
    assertEquals(loaded.filter(platformCode), []);
    assertEquals(npm.filter((m) => m.includes("@octokit")), []);
    assertEquals(needless(loaded), KNOWN_NEEDLESS_AT_START, RATCHET);
  });
}

Deno.test("runtime: `pace ci wait` on GitHub loads GitHub's CI and nothing of another platform", async () => {
  await using server = new LeanServer({ latencyMs: 0 });
  const root = await Deno.makeTempDir({ prefix: "pace-loading-" });
  try {
    const config = `${root}/pace.config.yaml`;
    await Deno.writeTextFile(config, "platform:\n  ci: github\n  tracker: local\n");
    const flags = paceFlags("github", server, config);
    const { code, loaded, npm, stdout } = await loadedBy(
      [...flags, CLI, "ci", "wait", BENCH_SHA, "--config", config],
      server.env("github"),
    );
    // The config's YAML parser is the one package a wait needs: no Octokit, not even its errors.
    assertEquals(npm.filter((m) => !m.includes("/js-yaml/")), []);
    assertEquals(code, 0, stdout);
    assert(loaded.includes("platforms/github/ci.ts"), loaded.join("\n"));
    assertEquals(loaded.filter((m) => platformCode(m) && !m.startsWith("platforms/github/")), []);
    assertEquals(loaded.filter((m) => m.startsWith("platforms/github/")).sort(), [
      "platforms/github/ci.ts",
      "platforms/github/connection.ts",
      "platforms/github/settings.ts",
    ]);
    assertEquals(needless(loaded), KNOWN_NEEDLESS_LOADS, RATCHET);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
