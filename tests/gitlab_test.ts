/**
 * The `gitlab` platform against a local GitLab-like server (tests/servers/gitlab.ts)
 * over real HTTP: the contract kit on gitlab.com-style and self-managed
 * setups, then every GitLab-specific rule: addressing, waits, review MRs, issues,
 * variables, summaries, `pace check` and log conventions.
 */
import { join } from "node:path";
import { main } from "../cli.ts";
import { getCIAdapter, getTrackerAdapter, permissionFlags, requiredPermissions } from "../mod.ts";
import { GITLAB_DEFAULT_URL, gitlabPlatform } from "../platforms/gitlab.ts";
import { pipelineSnapshot } from "../platforms/gitlab/pipelines.ts";
import type { CIAdapter, TrackerAdapter } from "../platforms/types.ts";
import {
  captureLogger,
  type CapturingLogger,
  testPlatformContract,
  writeSamplePace,
} from "../testing.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
} from "./_assert.ts";
import { FaultServer } from "./servers/_faults.ts";
import { FakeGitLab, type FakeGitLabOptions, rateLimited } from "./servers/gitlab.ts";

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const OTHER_SHA = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";
const ENCODED = "pace-group%2Fsub%2Fpace-demo";

interface Rig extends AsyncDisposable {
  gl: FakeGitLab;
  root: string;
  paceDir: string;
  logger: CapturingLogger;
  env: Record<string, string>;
  ci: CIAdapter;
  tracker: TrackerAdapter;
  dayDir(day: number): string;
  /** Requests whose path ends with `suffix` (and, if given, of `method`). */
  calls(suffix: string | RegExp, method?: string): FakeGitLab["requests"];
}

async function rig(
  options: FakeGitLabOptions = {},
  extra: { env?: Record<string, string>; fetch?: typeof fetch } = {},
): Promise<Rig> {
  const gl = FakeGitLab.start(options);
  const root = await Deno.makeTempDir({ prefix: "pace-gitlab-" });
  const paceDir = await writeSamplePace(root);
  const logger = captureLogger();
  const env = {
    GITLAB_TOKEN: gl.token,
    GITLAB_PROJECT: gl.projectPath,
    GITLAB_URL: gl.url,
    ...extra.env,
  };
  const context = { env, repoRoot: root, logger, fetch: extra.fetch };
  return {
    gl,
    root,
    paceDir,
    logger,
    env,
    ci: getCIAdapter("gitlab", context),
    tracker: getTrackerAdapter("gitlab", context),
    dayDir: (day) => join(paceDir, `day-${day}`),
    calls: (suffix, method) =>
      gl.requests.filter((q) =>
        (!method || q.method === method) &&
        (typeof suffix === "string" ? q.path.endsWith(suffix) : suffix.test(q.path))
      ),
    async [Symbol.asyncDispose]() {
      await gl.close();
      const files: string[] = [];
      for await (const file of walk(root)) {
        files.push(new TextDecoder().decode(await Deno.readFile(file)));
      }
      await Deno.remove(root, { recursive: true });
      assertEquals(gl.violations, [], "every request is one GitLab accepts");
      assert(!logger.text().includes(gl.token), "the token never reaches the log");
      assert(!files.some((text) => text.includes(gl.token)), "the token never reaches a file");
    },
  };
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

const fast = { timeoutMinutes: 0.05, pollIntervalSeconds: 0.01 };

/** Terminal escapes spelled out, so patterns need no control characters. */
const visible = (text: string) => text.replaceAll("\x1b", "ESC");

// ---------------------------------------------------------------------------
// The contract kit

Deno.test("gitlab keeps the PACE contract (gitlab.com style, project path)", async (t) => {
  let gl: FakeGitLab;
  await testPlatformContract(t, {
    definition: gitlabPlatform,
    setup: () => {
      gl = FakeGitLab.start();
      return {
        env: { GITLAB_TOKEN: gl.token, GITLAB_PROJECT: gl.projectPath, GITLAB_URL: gl.url },
        requestCount: () => gl.requests.length,
        secrets: [gl.token],
        prepareReview: (day) => void gl.branches.add(`pace/review-day-${day}`),
        prepareBranches: () => gl.addBranch(gl.defaultBranch, SHA),
        close: async () => {
          await gl.close();
          assertEquals(gl.violations, []);
          // The branching steps built the hierarchy on the server, each level at main's head.
          assertEquals(gl.headOf("rel/sprint/pace-1"), SHA);
        },
      };
    },
    missingCredentials: {
      env: { GITLAB_PROJECT: "pace-group/sub/pace-demo", GITLAB_URL: "http://127.0.0.1:9" },
      mentions: "GITLAB_TOKEN",
    },
  });
});

Deno.test("gitlab keeps the PACE contract (self-managed under /gitlab/, numeric id)", async (t) => {
  let gl: FakeGitLab;
  await testPlatformContract(t, {
    definition: gitlabPlatform,
    setup: () => {
      gl = FakeGitLab.start({ relativeRoot: "/gitlab" });
      return {
        env: {
          GITLAB_TOKEN: gl.token,
          GITLAB_PROJECT: String(gl.projectId),
          GITLAB_URL: `${gl.url}/`,
        },
        requestCount: () => gl.requests.length,
        secrets: [gl.token],
        prepareReview: (day) => void gl.branches.add(`pace/review-day-${day}`),
        prepareBranches: () => gl.addBranch(gl.defaultBranch, SHA),
        close: async () => {
          await gl.close();
          assertEquals(gl.violations, []);
          assert(gl.requests.every((q) => q.path.startsWith(`/projects/${gl.projectId}`)));
          assertEquals(gl.headOf("rel/sprint/pace-1"), SHA);
        },
      };
    },
    missingCredentials: {
      env: { GITLAB_TOKEN: "glpat-only-a-token-here", GITLAB_URL: "http://127.0.0.1:9" },
      mentions: "GITLAB_PROJECT",
    },
  });
});

// ---------------------------------------------------------------------------
// Addressing: project path, numeric id, self-managed root

Deno.test("gitlab: the project path travels as ONE encoded segment, with PRIVATE-TOKEN", async () => {
  await using r = await rig();
  r.gl.addPipeline({ sha: SHA, status: "success" });
  assertEquals((await r.ci.waitForCommitCi(SHA, fast)).conclusion, "success");
  await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assert(r.gl.requests.length >= 3);
  for (const request of r.gl.requests) {
    assert(request.path.startsWith(`/projects/${ENCODED}/`), request.path);
    assertEquals(request.headers.get("private-token"), r.gl.token);
    assertEquals(request.headers.get("authorization"), null);
  }
});

Deno.test("gitlab: a numeric project id is used as is", async () => {
  await using r = await rig({}, { env: { GITLAB_PROJECT: "4242" } });
  r.gl.addPipeline({ sha: SHA, status: "failed" });
  assertEquals((await r.ci.waitForCommitCi(SHA, fast)).conclusion, "failure");
  assertEquals(r.gl.requests.map((q) => q.path), ["/projects/4242/pipelines"]);
});

Deno.test("gitlab: self-managed under a relative root, trailing slash or pasted /api/v4", async () => {
  for (const suffix of ["", "/", "/api/v4", "/api/v4/"]) {
    await using r = await rig({ relativeRoot: "/gitlab" });
    const ci = getCIAdapter("gitlab", {
      env: { ...r.env, GITLAB_URL: `${r.gl.url}${suffix}` },
      repoRoot: r.root,
      logger: r.logger,
    });
    const pipeline = r.gl.addPipeline({ sha: SHA, status: "success", name: "Build & test" });
    const result = await ci.waitForCommitCi(SHA, fast);
    assertEquals(result.conclusion, "success", `GITLAB_URL …${suffix}`);
    assertEquals(result.url, pipeline.web_url, "the URL comes from the API");
    assertEquals(result.name, "Build & test");
    assertStringIncludes(result.url, "/gitlab/pace-group/sub/pace-demo/-/pipelines/");
  }
});

Deno.test("gitlab: hosts and permissions carry a self-managed port; gitlab.com by default", () => {
  assertEquals(gitlabPlatform.hosts({}), ["gitlab.com"]);
  assertEquals(gitlabPlatform.hosts({ GITLAB_URL: "https://git.example.com:8443/gitlab/" }), [
    "git.example.com:8443",
  ]);
  assertEquals(gitlabPlatform.hosts({ GITLAB_URL: "https://git.example.com:443/" }), [
    "git.example.com",
  ]);
  assertEquals(gitlabPlatform.hosts({ GITLAB_URL: "not a url" }), [
    new URL(GITLAB_DEFAULT_URL).host,
  ]);
  const perms = requiredPermissions(
    { platform: { ci: "gitlab", tracker: "gitlab" } },
    { env: { GITLAB_URL: "https://git.example.com:8443/gitlab/", CI_JOB_SUMMARY: "/tmp/s.md" } },
  );
  assertEquals(perms.net, ["git.example.com:8443"]);
  for (const name of ["GITLAB_TOKEN", "GITLAB_PROJECT", "GITLAB_URL", "CI_JOB_TOKEN"]) {
    assert(perms.env.includes(name), name);
  }
  // GitLab has no job-summary variable: a stray one is neither read nor granted.
  assert(!gitlabPlatform.env.includes("CI_JOB_SUMMARY"));
  assert(!perms.env.includes("CI_JOB_SUMMARY"));
  assert(!perms.write.includes("/tmp/s.md") && !perms.read.includes("/tmp/s.md"));
  const flags = permissionFlags(
    requiredPermissions({ platform: { ci: "gitlab", tracker: "gitlab" } }, { env: {} }),
  );
  assertStringIncludes(flags, "--allow-net=gitlab.com ");
  assertEquals(gitlabPlatform.missing?.({ GITLAB_TOKEN: "x" }), ["GITLAB_PROJECT"]);
  assertEquals(gitlabPlatform.secretEnv, ["GITLAB_TOKEN", "CI_JOB_TOKEN"]);
});

Deno.test("gitlab: a malformed GITLAB_PROJECT or GITLAB_URL disables the adapter, no request", async () => {
  for (
    const [env, mentions] of [
      [{ GITLAB_PROJECT: "just-a-name" }, "GITLAB_PROJECT must be"],
      [{ GITLAB_PROJECT: "group/../admin" }, "GITLAB_PROJECT must be"],
      [{ GITLAB_URL: "ftp://gitlab.example.com" }, "GITLAB_URL must be an http(s) URL"],
      [{ GITLAB_TOKEN: "" }, "GITLAB_TOKEN is not set"],
      [{ GITLAB_TOKEN: "", CI_JOB_TOKEN: "job-token-abcdef" }, "CI_JOB_TOKEN cannot"],
    ] as const
  ) {
    await using r = await rig({}, { env: env as Record<string, string> });
    assertEquals((await r.ci.waitForCommitCi(SHA, fast)).conclusion, "no_runs");
    assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), "");
    assertEquals(r.gl.requests.length, 0, JSON.stringify(env));
    assertStringIncludes(r.logger.text(), mentions);
    assert(!r.logger.text().includes("job-token-abcdef"));
  }
});

// ---------------------------------------------------------------------------
// Waiting for CI

Deno.test("gitlab wait: terminal pipeline states map to conclusions, URL and name from the pipeline", async () => {
  const expected: Record<string, string> = {
    success: "success",
    skipped: "success",
    failed: "failure",
    canceled: "cancelled",
    canceling: "cancelled",
  };
  for (const [status, conclusion] of Object.entries(expected)) {
    await using r = await rig();
    const pipeline = r.gl.addPipeline({ sha: SHA, status });
    const result = await r.ci.waitForCommitCi(SHA, fast);
    assertEquals(result.conclusion, conclusion, status);
    assertEquals(result.url, pipeline.web_url);
    assertEquals(result.name, `pipeline #${pipeline.id}`);
    assertEquals(result.sha, SHA);
    assertEquals(result.error, undefined);
    const [list] = r.calls("/pipelines");
    assertEquals(list.query.get("sha"), SHA);
    assertEquals(list.query.get("order_by"), "id");
    assertEquals(list.query.get("sort"), "desc");
  }
});

Deno.test("gitlab wait: every pending state keeps polling until the pipeline ends", async () => {
  for (
    const status of [
      "created",
      "waiting_for_resource",
      "preparing",
      "pending",
      "running",
      "scheduled",
    ]
  ) {
    await using r = await rig();
    const pipeline = r.gl.addPipeline({ sha: SHA, status, name: "CI" });
    const seen: string[][] = [];
    const result = await r.ci.waitForCommitCi(SHA, {
      ...fast,
      onProgress: (p) => {
        seen.push(p.pending);
        if (p.polls === 3) pipeline.status = "success";
      },
    });
    assertEquals(result.conclusion, "success", status);
    assertEquals(seen.length, 3, status);
    assertEquals(seen[0], [`CI (${status})`]);
  }
});

Deno.test("gitlab wait: a pipeline still pending at the deadline → timeout", async () => {
  await using r = await rig();
  r.gl.addPipeline({ sha: SHA, status: "running" });
  const result = await r.ci.waitForCommitCi(SHA, {
    timeoutMinutes: 0.002,
    pollIntervalSeconds: 0.01,
  });
  assertEquals(result.conclusion, "timeout");
  assertStringIncludes(result.name, "running");
});

Deno.test("gitlab wait: manual — the jobs that ran decide, and the name says a manual job waits", async () => {
  {
    await using r = await rig();
    const p = r.gl.addPipeline({ sha: SHA, status: "manual" });
    r.gl.addJob(p.id, { name: "build", status: "success", stage: "build" });
    r.gl.addJob(p.id, { name: "lint", status: "failed", allow_failure: true });
    r.gl.addJob(p.id, { name: "deploy", status: "manual", stage: "deploy" });
    const result = await r.ci.waitForCommitCi(SHA, fast);
    assertEquals(result.conclusion, "success");
    assertEquals(result.url, p.web_url);
    assertStringIncludes(result.name, "manual job deploy waits");
    assertEquals(r.calls(`/pipelines/${p.id}/jobs`).length, 1);
  }
  {
    await using r = await rig();
    const p = r.gl.addPipeline({ sha: SHA, status: "manual" });
    r.gl.addJob(p.id, { name: "test", status: "failed" });
    r.gl.addJob(p.id, { name: "deploy", status: "manual" });
    r.gl.addJob(p.id, { name: "release", status: "manual" });
    const result = await r.ci.waitForCommitCi(SHA, fast);
    assertEquals(result.conclusion, "failure");
    assertStringIncludes(result.name, "job test failed");
    assertStringIncludes(result.name, "manual jobs deploy, release wait");
  }
  {
    // A failed attempt that was retried and passed does not count.
    await using r = await rig();
    const p = r.gl.addPipeline({ sha: SHA, status: "manual" });
    r.gl.addJob(p.id, { name: "flaky", status: "failed", retried: true });
    r.gl.addJob(p.id, { name: "flaky", status: "success" });
    r.gl.addJob(p.id, { name: "deploy", status: "manual" });
    assertEquals((await r.ci.waitForCommitCi(SHA, fast)).conclusion, "success");
  }
});

Deno.test("gitlab wait: a manual pipeline's jobs are read across pages (x-next-page and Link)", async () => {
  for (const pagination of ["headers", "link"] as const) {
    await using r = await rig({ pagination });
    const p = r.gl.addPipeline({ sha: SHA, status: "manual" });
    r.gl.addJob(p.id, { name: "the-one-failure", status: "failed" });
    for (let i = 0; i < 230; i++) r.gl.addJob(p.id, { name: `job-${i}`, status: "success" });
    r.gl.addJob(p.id, { name: "deploy", status: "manual" });
    const result = await r.ci.waitForCommitCi(SHA, fast);
    assertEquals(result.conclusion, "failure", pagination);
    assertStringIncludes(result.name, "the-one-failure");
    const pages = r.calls(`/pipelines/${p.id}/jobs`);
    assertEquals(pages.map((q) => q.query.get("page")), ["1", "2", "3"], pagination);
    assert(pages.every((q) => q.query.get("per_page") === "100"));
  }
});

Deno.test("gitlab wait: the newest pipeline for the SHA decides; a child pipeline defers to its parent", async () => {
  {
    await using r = await rig();
    r.gl.addPipeline({ sha: SHA, status: "failed" });
    const newest = r.gl.addPipeline({ sha: SHA, status: "success" });
    r.gl.addPipeline({ sha: OTHER_SHA, status: "failed" });
    const result = await r.ci.waitForCommitCi(SHA, fast);
    assertEquals(result.conclusion, "success");
    assertEquals(result.url, newest.web_url);
  }
  {
    await using r = await rig();
    const parent = r.gl.addPipeline({ sha: SHA, status: "failed", name: "parent" });
    r.gl.addPipeline({ sha: SHA, status: "success", source: "parent_pipeline", name: "child" });
    const result = await r.ci.waitForCommitCi(SHA, fast);
    assertEquals(result.conclusion, "failure");
    assertEquals(result.url, parent.web_url);
  }
});

Deno.test("gitlab wait: a commit whose pipelines are a parent and its children waits on the parent", async () => {
  await using r = await rig();
  // A monorepo's parent pipeline fans out into more children than one page holds.
  const parent = r.gl.addPipeline({ sha: SHA, status: "running", name: "parent" });
  for (let i = 0; i < 25; i++) {
    r.gl.addPipeline({
      sha: SHA,
      status: "success",
      source: "parent_pipeline",
      name: `child ${i}`,
    });
  }
  const result = await r.ci.waitForCommitCi(SHA, {
    ...fast,
    onProgress: (p) => {
      if (p.polls === 2) parent.status = "failed";
    },
  });
  assertEquals(result.conclusion, "failure");
  assertEquals(result.url, parent.web_url);
  assert(r.calls("/pipelines").length >= 2, "the finished children did not end the wait");
});

Deno.test("gitlab wait: a pipeline that appears only on a later poll is waited for", async () => {
  await using r = await rig();
  let created = false;
  const result = await r.ci.waitForCommitCi(SHA, {
    ...fast,
    onProgress: (p) => {
      if (p.polls === 2) {
        created = true;
        r.gl.addPipeline({ sha: SHA, status: "running" });
      }
      if (p.polls === 4) r.gl.pipelines[0].status = "success";
    },
  });
  assert(created);
  assertEquals(result.conclusion, "success");
  assert(r.calls("/pipelines").length >= 5);
});

Deno.test("gitlab wait: nothing for the SHA ends timeout at the deadline", async () => {
  await using r = await rig();
  r.gl.addPipeline({ sha: OTHER_SHA, status: "success" });
  const result = await r.ci.waitForCommitCi(SHA, {
    timeoutMinutes: 0.002,
    pollIntervalSeconds: 0.01,
  });
  // Silence until the deadline is not proof that the commit has no CI.
  assertEquals(result.conclusion, "timeout");
  assertEquals(result.url, "");
});

Deno.test("gitlab wait: a short SHA is resolved to the full one before pipelines are listed", async () => {
  await using r = await rig();
  const pipeline = r.gl.addPipeline({ sha: SHA, status: "success" });
  const short = SHA.slice(0, 8);
  const result = await r.ci.waitForCommitCi(short, fast);
  assertEquals(result.conclusion, "success");
  assertEquals(result.sha, short, "the SHA asked for is echoed");
  assertEquals(result.url, pipeline.web_url);
  assertEquals(r.calls(`/repository/commits/${short}`).length, 1);
  assertEquals(r.calls("/pipelines")[0].query.get("sha"), SHA);
  // An unknown short SHA is "nothing yet" (it may still be pushed), not an error.
  const unknown = await r.ci.waitForCommitCi("abcdef12", {
    timeoutMinutes: 0.002,
    pollIntervalSeconds: 0.01,
  });
  assertEquals(unknown.conclusion, "timeout");
  assertEquals(unknown.error, undefined);
});

Deno.test("gitlab wait: 401, 403 and 404 end at once without retries", async () => {
  {
    await using r = await rig({}, { env: { GITLAB_TOKEN: "glpat-wrong-token-abcdef" } });
    const result = await r.ci.waitForCommitCi(SHA, {
      timeoutMinutes: 1,
      pollIntervalSeconds: 0.01,
    });
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "401");
    assertEquals(r.gl.requests.length, 1);
    assert(!JSON.stringify(result).includes("glpat-wrong-token-abcdef"));
    assert(!r.logger.text().includes("glpat-wrong-token-abcdef"));
  }
  {
    await using r = await rig();
    r.gl.script({ path: /pipelines/, status: 403, body: { message: "403 Forbidden" }, times: 9 });
    const result = await r.ci.waitForCommitCi(SHA, {
      timeoutMinutes: 1,
      pollIntervalSeconds: 0.01,
    });
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "403");
    assertEquals(r.gl.requests.length, 1);
  }
  {
    await using r = await rig({}, { env: { GITLAB_PROJECT: "pace-group/other" } });
    const result = await r.ci.waitForCommitCi(SHA, {
      timeoutMinutes: 1,
      pollIntervalSeconds: 0.01,
    });
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "404 Project Not Found");
    assertEquals(r.gl.requests.length, 1);
  }
});

Deno.test("gitlab wait: 429 with Retry-After is waited out", async () => {
  await using r = await rig();
  r.gl.addPipeline({ sha: SHA, status: "success" });
  r.gl.script(rateLimited({ path: /pipelines/, retryAfter: 0, times: 2 }));
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "success");
  assertEquals(r.gl.pendingScripts, 0);
  assertEquals(r.calls("/pipelines").length, 3);
});

Deno.test("gitlab wait: a burst of 500s is retried and outlasted", async () => {
  await using r = await rig();
  r.gl.addPipeline({ sha: SHA, status: "success" });
  r.gl.script({
    path: /pipelines/,
    status: 500,
    headers: { "retry-after": "0" },
    body: { message: "500 Internal Server Error" },
    times: 6,
  });
  const result = await r.ci.waitForCommitCi(SHA, {
    timeoutMinutes: 0.5,
    pollIntervalSeconds: 0.01,
  });
  assertEquals(result.conclusion, "success");
  assertEquals(r.gl.pendingScripts, 0);
  assertStringIncludes(r.logger.text(), "will poll again");
});

Deno.test("gitlab wait: the deadline ends a wait whose request hangs", async () => {
  await using r = await rig();
  r.gl.script({ path: /pipelines/, hangMs: 60_000 });
  const result = await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 0.003, pollIntervalSeconds: 1 });
  assert(["timeout", "no_runs"].includes(result.conclusion), result.conclusion);
});

Deno.test("gitlab wait: an abort while the API hangs resolves cancelled", async () => {
  await using r = await rig();
  r.gl.script({ path: /pipelines/, hangMs: 60_000 });
  const controller = new AbortController();
  const pending = r.ci.waitForCommitCi(SHA, { timeoutMinutes: 5, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  assertEquals((await pending).conclusion, "cancelled");
});

Deno.test("gitlab wait: invalid SHAs are refused without a request", async () => {
  await using r = await rig();
  for (const sha of ["", "xyz", "abc12", "g".repeat(40), "../../etc/passwd", `${SHA}0`]) {
    const result = await r.ci.waitForCommitCi(sha, fast);
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "invalid commit SHA");
  }
  assertEquals(r.gl.requests.length, 0);
});

Deno.test("gitlab wait: a server echoing the token in an error never leaks it", async () => {
  await using r = await rig();
  r.gl.script({
    path: /pipelines/,
    status: 404,
    body: { message: `404 no project for token ${r.gl.token}` },
  });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "no_runs");
  assert(!JSON.stringify(result).includes(r.gl.token));
  assertStringIncludes(result.error ?? "", "***");
});

Deno.test("gitlab: pipelineSnapshot maps every status", () => {
  const p = (status: string, name: string | null = null) => ({
    id: 7,
    status,
    name,
    web_url: "https://gitlab.com/g/p/-/pipelines/7",
  });
  for (const s of ["created", "waiting_for_resource", "preparing", "pending", "running"]) {
    assertEquals(pipelineSnapshot(p(s)), { state: "pending", pending: [`pipeline #7 (${s})`] });
  }
  assertEquals(pipelineSnapshot(p("scheduled", "nightly")).state, "pending");
  assertEquals(pipelineSnapshot(p("something_new")).state, "pending");
  const done = (status: string) => {
    const snap = pipelineSnapshot(p(status));
    return snap.state === "done" ? snap.conclusion : snap.state;
  };
  assertEquals(done("success"), "success");
  assertEquals(done("skipped"), "success");
  assertEquals(done("failed"), "failure");
  assertEquals(done("canceled"), "cancelled");
  assertEquals(done("canceling"), "cancelled");
  assertEquals(done("manual"), "success");
  const manual = pipelineSnapshot(p("manual"), [
    { id: 1, name: "unit", status: "failed", allow_failure: false },
  ]);
  assert(manual.state === "done" && manual.conclusion === "failure");
  assertMatch(manual.name, /job unit failed; a manual job waits/);
});

// ---------------------------------------------------------------------------
// Review merge requests

Deno.test("gitlab review MR: created once from pace/review-day-N into the default branch", async () => {
  await using r = await rig({ defaultBranch: "trunk" });
  r.gl.branches.add("pace/review-day-14");
  const url = await r.ci.openReviewPr(14, r.paceDir, "Focus on the auth flow");
  assertEquals(r.gl.mergeRequests.length, 1);
  const mr = r.gl.mergeRequests[0];
  assertEquals(url, mr.web_url);
  assertMatch(url, /\/pace-group\/sub\/pace-demo\/-\/merge_requests\/1$/);
  assertEquals(mr.title, "[PACE Review Gate] Days 1\u201314");
  assertEquals([mr.source_branch, mr.target_branch], ["pace/review-day-14", "trunk"]);
  assertStringIncludes(mr.description ?? "", "## Context");
  assertStringIncludes(mr.description ?? "", "Focus on the auth flow");
  const [list] = r.calls("/merge_requests", "GET");
  assertEquals(list.query.get("source_branch"), "pace/review-day-14");
  assertEquals(list.query.get("state"), "opened");
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), url);
  assertEquals(r.gl.mergeRequests.length, 1, "a re-run does not open a second MR");
  assertEquals(r.calls("/merge_requests", "POST").length, 1);
});

Deno.test("gitlab review MR: a missing branch (422) is explained; a closed MR is not reused", async () => {
  await using r = await rig();
  assertEquals(await r.ci.openReviewPr(15, r.paceDir), "");
  assertEquals(r.calls("/merge_requests", "POST").map((q) => q.status), [422]);
  assertMatch(r.logger.text(), /pace\/review-day-15 must exist on GitLab; push it first/);
  assertStringIncludes(r.logger.text(), 'Source branch \\"pace/review-day-15\\" does not exist');
  r.gl.branches.add("pace/review-day-16");
  const first = await r.ci.openReviewPr(16, r.paceDir);
  r.gl.mergeRequests[0].state = "closed";
  const second = await r.ci.openReviewPr(16, r.paceDir);
  assertNotEquals(second, first);
  assertEquals(r.gl.mergeRequests.length, 2);
});

Deno.test("gitlab review MR: an MR opened meanwhile (409) is returned, not duplicated", async () => {
  await using r = await rig();
  r.gl.branches.add("pace/review-day-14");
  let raced = false;
  const racing: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (
      !raced && request.method === "POST" &&
      new URL(request.url).pathname.endsWith("/merge_requests")
    ) {
      raced = true;
      r.gl.addMergeRequest({ source_branch: "pace/review-day-14", title: "other run" });
    }
    return await fetch(request);
  };
  const ci = getCIAdapter("gitlab", {
    env: r.env,
    repoRoot: r.root,
    logger: r.logger,
    fetch: racing,
  });
  const url = await ci.openReviewPr(14, r.paceDir);
  assert(raced);
  assertEquals(r.calls("/merge_requests", "POST").map((q) => q.status), [409]);
  assertEquals(url, r.gl.mergeRequests[0].web_url);
  assertEquals(r.gl.mergeRequests.length, 1);
});

Deno.test("gitlab review MR: a create that GitLab performed but answered 502 is not repeated", async () => {
  await using r = await rig();
  r.gl.branches.add("pace/review-day-14");
  r.gl.script({ method: "POST", path: /merge_requests$/, status: 502, perform: true });
  const url = await r.ci.openReviewPr(14, r.paceDir);
  assertEquals(url, r.gl.mergeRequests[0]?.web_url);
  assertEquals(r.gl.mergeRequests.length, 1);
  assertEquals(r.calls("/merge_requests", "POST").length, 1, "POST is not retried blindly");
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), url);
});

// ---------------------------------------------------------------------------
// Tracker

Deno.test("gitlab tracker: escalation title, labels and body; found again on a re-run", async () => {
  await using r = await rig();
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  const issue = r.gl.issues[0];
  assertEquals(url, issue.web_url);
  assertMatch(url, /\/-\/issues\/1$/);
  assertEquals(issue.title, "[PACE HOLD] Day 3 \u2014 Integration tests fail on the reset mail");
  assertEquals(issue.labels, ["pace-hold", "pace-day-3"]);
  assertMatch(issue.description ?? "", /Blocker.*Integration tests fail on the reset mail/);
  const [create] = r.calls("/issues", "POST");
  assertEquals((create.body as { labels: unknown }).labels, "pace-hold,pace-day-3");
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3), "other reason"), url);
  assertEquals(r.gl.issues.length, 1);
  issue.state = "closed";
  const again = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertNotEquals(again, url, "only an open escalation counts as existing");
  const [search] = r.calls("/issues", "GET");
  assertEquals(search.query.get("labels"), "pace-hold,pace-day-3");
  assertEquals(search.query.get("state"), "opened");
});

Deno.test("gitlab tracker: an existing escalation on page 3 of the issue list is found", async () => {
  await using r = await rig();
  for (let i = 0; i < 230; i++) {
    r.gl.addIssue({ title: `x${i}`, labels: ["pace-hold", "pace-day-3"], state: "closed" });
  }
  const old = r.gl.addIssue({ title: "held", labels: ["pace-hold", "pace-day-3"] });
  for (let i = 0; i < 230; i++) {
    r.gl.addIssue({ title: `y${i}`, labels: ["pace-hold", "pace-day-3"] });
  }
  r.gl.issues.slice(-230).forEach((issue) => issue.state = "closed");
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), old.web_url);
  assertEquals(r.calls("/issues", "POST").length, 0);
});

Deno.test("gitlab tracker: a create that GitLab performed but answered 502 is not duplicated", async () => {
  await using r = await rig();
  r.gl.script({
    method: "POST",
    path: /\/issues$/,
    status: 502,
    perform: true,
    body: "<html>Bad Gateway</html>",
  });
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(url, r.gl.issues[0]?.web_url);
  assertEquals(r.gl.issues.length, 1, "POST is not retried blindly");
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url);
  assertEquals(r.gl.issues.length, 1);
  assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
});

Deno.test("gitlab tracker: labels dropped (no permission to set issue metadata) — re-runs find each item by its marker", async () => {
  await using r = await rig();
  r.gl.setIssueMetadata = false;
  const items = [{ id: "S-1", finding: "Token printed in debug log" }];
  const escalation = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  const sentinel = await r.tracker.pushAdvisoryItems(3, items, "SENTINEL");
  const conduit = await r.tracker.pushAdvisoryItems(3, items, "CONDUIT");
  const story = await r.tracker.pushStory(1, r.dayDir(1));
  assertEquals(r.gl.issues.map((issue) => issue.labels), [[], [], [], []], "GitLab ignored them");
  assertEquals(new Set([escalation, sentinel, conduit, story]).size, 4);
  const warnings = r.logger.lines.filter((line) => line.startsWith("warn:"));
  assertEquals(warnings.length, 4, warnings.join("\n"));
  assertStringIncludes(warnings[0], "created without the labels pace-hold, pace-day-3");
  assert(warnings.every((line) => line.includes("set issue metadata")), warnings.join("\n"));

  // Re-runs, the story's record gone as in a fresh checkout: no second issue.
  await Deno.remove(join(r.dayDir(1), "story-ticket.yaml"));
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), escalation);
  assertEquals(await r.tracker.pushAdvisoryItems(3, items, "CONDUIT"), conduit);
  assertEquals(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"), sentinel);
  assertEquals(await r.tracker.pushStory(1, r.dayDir(1)), story);
  assertEquals(r.gl.issues.length, 4, "one issue per item");
  assertEquals(r.calls("/issues", "POST").length, 4);
  const lookups = r.calls("/issues", "GET");
  assertEquals(lookups.at(-1)?.query.get("state"), "opened");
  assertEquals(lookups.at(-1)?.query.get("labels"), null, "the marker lookup reads every label");
});

Deno.test("gitlab tracker: labels dropped and the create answered 502 — found by its marker", async () => {
  await using r = await rig();
  r.gl.setIssueMetadata = false;
  r.gl.script({ method: "POST", path: /\/issues$/, status: 502, perform: true });
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(url, r.gl.issues[0]?.web_url);
  assertEquals(r.gl.issues[0].labels, []);
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url);
  assertEquals(r.gl.issues.length, 1);
});

Deno.test("gitlab tracker: advisories per day and agent, empty list sends nothing", async () => {
  await using r = await rig();
  assertEquals(await r.tracker.pushAdvisoryItems(3, [], "SENTINEL"), "");
  assertEquals(r.gl.requests.length, 0);
  const items = [{ id: "S-1", finding: "Token printed in debug log" }, { id: "S-2", finding: "x" }];
  const sentinel = await r.tracker.pushAdvisoryItems(3, items, "SENTINEL");
  const conduit = await r.tracker.pushAdvisoryItems(3, items.slice(0, 1), "conduit");
  assertNotEquals(sentinel, conduit);
  assertEquals(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"), sentinel);
  const [first, second] = r.gl.issues;
  assertEquals(first.title, "[PACE Advisory] SENTINEL Day 3 \u2014 2 finding(s)");
  assertEquals(first.labels, ["pace-advisory", "pace-sentinel", "pace-day-3"]);
  assertStringIncludes(first.description ?? "", "- [S-1] Token printed in debug log");
  assertEquals(second.labels, ["pace-advisory", "pace-conduit", "pace-day-3"]);
  assertEquals(r.gl.issues.length, 2);
});

Deno.test("gitlab tracker: story issue, its reference, close/reopen and the handoff note once", async () => {
  await using r = await rig();
  const url = await r.tracker.pushStory(1, r.dayDir(1));
  const issue = r.gl.issues[0];
  assertEquals(url, issue.web_url);
  assertEquals(issue.title, "[PACE Day 1] Sign-up form");
  assertEquals(issue.labels, ["pace-story", "pace-day-1"]);
  assertStringIncludes(issue.description ?? "", "a visitor can create an account");
  const ref = await Deno.readTextFile(join(r.dayDir(1), "story-ticket.yaml"));
  assertStringIncludes(ref, `url: ${url}`);
  assertStringIncludes(ref, `id: ${issue.iid}`);
  assertStringIncludes(ref, "platform: gitlab");
  assertEquals(await r.tracker.pushStory(1, r.dayDir(1)), url);

  await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
  assertEquals(issue.state, "closed");
  await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress");
  assertEquals(issue.state, "opened");
  const edits = r.calls(`/issues/${issue.iid}`, "PUT");
  assertEquals(edits.map((q) => q.body), [{ state_event: "close" }, { state_event: "reopen" }]);

  await r.tracker.postHandoffComment(1, r.dayDir(1));
  await r.tracker.postHandoffComment(1, r.dayDir(1));
  const notes = r.gl.notesOf(issue.iid);
  assertEquals(notes.length, 1, "the handoff is noted once");
  assertStringIncludes(notes[0].body, "Sign-up form with validation.");
  assertStringIncludes(notes[0].body, "<!-- pace:handoff:day-1 -->");
  assertEquals(r.gl.issues.length, 1);
});

Deno.test("gitlab tracker: without story-ticket.yaml, status and handoff do nothing and say so", async () => {
  await using r = await rig();
  const story = r.gl.addIssue({
    title: "[PACE Day 1] x",
    labels: ["pace-story", "pace-day-1"],
    state: "closed",
  });
  assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress"), false);
  assertEquals(story.state, "closed", "an issue found by labels alone is not PACE's record");
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), false);
  assertEquals(r.gl.notesOf(story.iid).length, 0);
  assertEquals(await r.tracker.updateStoryStatus(40, r.dayDir(40), "done"), false);
  assertEquals(r.gl.requests.length, 0);
  assertStringIncludes(r.logger.text(), "no gitlab story ticket recorded in story-ticket.yaml");
});

Deno.test("gitlab tracker: a story reference that is not an issue iid is refused", async () => {
  await using r = await rig();
  await Deno.writeTextFile(
    join(r.dayDir(1), "story-ticket.yaml"),
    "url: https://x/y\nid: ../../admin\nplatform: gitlab\n",
  );
  await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
  await r.tracker.postHandoffComment(1, r.dayDir(1));
  assertEquals(r.gl.requests.length, 0);
  assertStringIncludes(r.logger.text(), "not an issue number");
});

Deno.test("gitlab tracker: closePlanIssue closes by iid; an unknown iid is logged", async () => {
  await using r = await rig();
  const plan = r.gl.addIssue({ title: "Plan", labels: ["plan"] });
  await r.tracker.closePlanIssue(plan.iid);
  assertEquals(plan.state, "closed");
  await r.tracker.closePlanIssue(9999);
  assertStringIncludes(r.logger.text(), "404 Issue Not Found");
  await r.tracker.closePlanIssue(0);
  assertEquals(r.calls(/issues\/0$/).length, 0);
});

// ---------------------------------------------------------------------------
// Variables and summaries

Deno.test("gitlab variables: create when absent, update, env first, then the API", async () => {
  await using r = await rig({}, { env: { FROM_ENV: "env-value" } });
  assert(await r.ci.setVariable("PACE_DAY", "3"));
  assertEquals(r.gl.variables.get("PACE_DAY")?.value, "3");
  assertEquals(r.gl.requests.map((q) => `${q.method} ${q.status}`), ["PUT 404", "POST 201"]);
  assert(await r.ci.setVariable("PACE_DAY", "4"));
  assertEquals(r.gl.variables.get("PACE_DAY")?.value, "4");
  assertEquals(await r.ci.getVariable("PACE_DAY"), "4");
  assertEquals(await r.ci.getVariable("FROM_ENV"), "env-value");
  assertEquals(await r.ci.getVariable("NOPE"), undefined);
  const before = r.gl.requests.length;
  assertEquals(await r.ci.setVariable("bad-name", "1"), false);
  assertEquals(r.gl.requests.length, before, "an invalid key sends nothing");
});

Deno.test("gitlab variables: 403 → false with the reason; a 502 on create is checked by an update", async () => {
  await using r = await rig();
  r.gl.script({
    method: "PUT",
    path: /variables/,
    status: 403,
    body: { message: "403 Forbidden" },
  });
  assertEquals(await r.ci.setVariable("OTHER", "1"), false);
  assertStringIncludes(r.logger.text(), "403");
  assertStringIncludes(r.logger.text(), "Maintainer");
  r.gl.script({ method: "POST", path: /variables$/, status: 502, perform: true });
  assert(await r.ci.setVariable("RACY", "2"));
  assertEquals(r.gl.variables.get("RACY")?.value, "2");
  assertEquals(r.calls("/variables", "POST").length, 1);
});

Deno.test("gitlab variables: created by another run meanwhile (400 taken) → updated", async () => {
  await using r = await rig();
  const racing: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.method === "POST" && new URL(request.url).pathname.endsWith("/variables")) {
      r.gl.variables.set("RACE", {
        key: "RACE",
        value: "theirs",
        variable_type: "env_var",
        protected: false,
        masked: false,
        raw: false,
        environment_scope: "*",
        description: null,
      });
    }
    return await fetch(request);
  };
  const ci = getCIAdapter("gitlab", {
    env: r.env,
    repoRoot: r.root,
    logger: r.logger,
    fetch: racing,
  });
  assert(await ci.setVariable("RACE", "ours"));
  assertEquals(r.gl.variables.get("RACE")?.value, "ours");
  assertEquals(r.gl.requests.map((q) => `${q.method} ${q.status}`), [
    "PUT 404",
    "POST 400",
    "PUT 200",
  ]);
});

Deno.test("gitlab job summary: pace-summary.md in the repository; GitLab has no CI_JOB_SUMMARY", async () => {
  const dir = await Deno.makeTempDir();
  const stray = join(dir, "job_summary.md");
  try {
    await Deno.writeTextFile(stray, "earlier step\n");
    await using r = await rig({}, { env: { CI_JOB_SUMMARY: stray } });
    assertEquals(await r.ci.writeJobSummary("# PACE day 3\n"), true);
    assertEquals(await Deno.readTextFile(join(r.root, "pace-summary.md")), "# PACE day 3\n");
    assertEquals(await Deno.readTextFile(stray), "earlier step\n", "a stray variable is not used");
    assertEquals(r.gl.requests.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------
// CLI: pace check, log conventions

async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string[]; err: string[]; fetched: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "pace-gitlab-cli-" });
  try {
    const config = join(dir, "pace.config.yaml");
    await Deno.writeTextFile(config, "platform:\n  ci: gitlab\n  tracker: gitlab\n");
    const out: string[] = [];
    const err: string[] = [];
    const fetched: string[] = [];
    const code = await main([...args, "--config", config, "--repo-root", dir], {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      env,
      cwd: dir,
      fetch: (input, init) => {
        fetched.push(new Request(input, init).url);
        return fetch(input, init);
      },
    });
    return { code, out, err, fetched };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("gitlab: pace check reports a self-managed GitLab as reachable", async () => {
  await using gl = FakeGitLab.start({ relativeRoot: "/gitlab" });
  const env = { GITLAB_TOKEN: gl.token, GITLAB_PROJECT: gl.projectPath, GITLAB_URL: `${gl.url}/` };
  const ok = await cli(["check"], env);
  assertEquals(ok.code, 0, ok.err.join("\n"));
  const line = ok.err.find((l) => l.includes("gitlab (ci + tracker)")) ?? "";
  assertMatch(line, /^ok\s+gitlab \(ci \+ tracker\): pace-group\/sub\/pace-demo reachable at /);
  assertStringIncludes(line, "/gitlab/api/v4");
  assertEquals(ok.out, ["ok"]);
  assertEquals(gl.requests.map((q) => q.path), [`/projects/${ENCODED}`]);

  const missing = await cli(["check"], { GITLAB_PROJECT: gl.projectPath, GITLAB_URL: gl.url });
  assertEquals(missing.code, 1);
  assert(missing.err.some((l) => l.includes("GITLAB_TOKEN is not set")));
  const wrong = await cli(["check"], { ...env, GITLAB_TOKEN: "glpat-not-the-right-one" });
  assertEquals(wrong.code, 1);
  assert(wrong.err.some((l) => /FAIL gitlab.*401/.test(l)), wrong.err.join("\n"));
  assert(!wrong.err.join("\n").includes("glpat-not-the-right-one"));
  assertEquals(gl.requests.length, 2, "no request without a token");
  assertEquals(gl.violations, []);
});

Deno.test("gitlab check: an HTML page at GITLAB_URL/api/v4 is unreachable, with a hint at GITLAB_URL", async () => {
  for (const status of [200, 404]) {
    // A sign-in page in front of the instance (200), or a URL that is not its root (404).
    await using site = FaultServer.start(() =>
      new Response("<!DOCTYPE html><html><body>Sign in · GitLab</body></html>", {
        status,
        headers: { "content-type": "text/html; charset=utf-8" },
      })
    );
    const token = "glpat-cli-test-token-0123456789";
    const run = await cli(["check"], {
      GITLAB_TOKEN: token,
      GITLAB_PROJECT: "pace-group/sub/pace-demo",
      GITLAB_URL: `${site.url}/group/`,
    });
    assertEquals(run.code, 1, run.err.join("\n"));
    assertEquals(run.out, ["failed"]);
    const line = run.err.find((l) => l.includes("gitlab (ci + tracker)")) ?? "";
    assertMatch(line, /^FAIL gitlab/);
    assertStringIncludes(line, `answered an HTML page (HTTP ${status})`);
    assertStringIncludes(line, "GITLAB_URL is the instance's root, without /api/v4");
    assert(!line.includes("Sign in"), "the page itself is not echoed");
    assertEquals(site.requests.map((q) => q.path), [`/group/api/v4/projects/${ENCODED}`]);
    assert(!run.err.join("\n").includes(token));
  }
  await using site = FaultServer.start(() => Response.json({ id: 1 }));
  const json = await cli(["check"], {
    GITLAB_TOKEN: "glpat-x",
    GITLAB_PROJECT: "g/p",
    GITLAB_URL: site.url,
  });
  assertEquals(json.code, 1);
  assert(json.err.some((l) => l.includes("did not answer as GitLab's REST API does")));
});

Deno.test("gitlab: an invalid GITLAB_URL is a config error, not a fall-back to gitlab.com", async () => {
  const env = { GITLAB_TOKEN: "glpat-x", GITLAB_PROJECT: "g/p", GITLAB_URL: "foo" };
  assertEquals(gitlabPlatform.missing?.(env), ['GITLAB_URL is not a URL, got "foo"']);
  for (
    const args of [
      ["ci", "wait", SHA, "--timeout-minutes", "0.01"],
      ["tracker", "escalate", "--day", "3"],
    ]
  ) {
    const run = await cli(args, env);
    assertEquals(run.code, 2, `${args.join(" ")}: ${run.err.join("\n")}`);
    const lines = run.err.filter((line) => !line.startsWith("note: "));
    assertEquals(lines.length, 1, lines.join("\n"));
    assertStringIncludes(lines[0], "GITLAB_URL is not a URL");
    assertEquals(run.fetched, [], "no request, to any host");
  }
  const check = await cli(["check"], env);
  assertEquals(check.code, 1);
  assert(check.err.some((l) => /FAIL gitlab.*GITLAB_URL is not a URL/.test(l)));
  assertEquals(check.fetched, []);
});

Deno.test("gitlab: log conventions — collapsible sections, red errors, no mask line", () => {
  assertEquals(gitlabPlatform.logConventions?.({}), undefined);
  assertEquals(gitlabPlatform.logConventions?.({ GITLAB_CI: "false" }), undefined);
  const conv = gitlabPlatform.logConventions?.({ GITLAB_CI: "true" });
  assert(conv);
  const start = conv.group("Waiting for CI\non abc");
  const match = /^ESC\[0Ksection_start:(\d+):([A-Za-z0-9_.-]+)\[collapsed=true\]\rESC\[0K(.*)$/
    .exec(visible(start));
  assert(match, JSON.stringify(start));
  assert(Math.abs(Number(match[1]) - Date.now() / 1000) < 5);
  assertEquals(match[3], "Waiting for CI on abc");
  const inner = conv.group("inner");
  assertNotEquals(/section_start:\d+:([^[]+)/.exec(inner)?.[1], match[2], "names are unique");
  assertMatch(visible(conv.endGroup()), /^ESC\[0Ksection_end:\d+:[^\r]+\rESC\[0K$/);
  const end = conv.endGroup();
  assertEquals(/section_end:\d+:([^\r]+)/.exec(end)?.[1], match[2], "sections nest");
  assertEquals(conv.endGroup(), "");
  assertEquals(conv.error("CI failure"), "\x1b[31mCI failure\x1b[0m");
  assertEquals(conv.mask("glpat-secret-value"), "");
});

Deno.test("gitlab: pace ci wait inside GitLab CI wraps the wait in a section and prints errors red", async () => {
  await using gl = FakeGitLab.start();
  gl.addPipeline({ sha: SHA, status: "failed", name: "CI" });
  const run = await cli(
    ["ci", "wait", SHA, "--timeout-minutes", "0.05", "--poll-interval-seconds", "0.05"],
    {
      GITLAB_TOKEN: gl.token,
      GITLAB_PROJECT: gl.projectPath,
      GITLAB_URL: gl.url,
      GITLAB_CI: "true",
    },
  );
  assertEquals(run.code, 1);
  const text = visible(run.err.join("\n"));
  assertMatch(text, /section_start:\d+:pace_[^\[]+\[collapsed=true\]\rESC\[0KWaiting for CI on /);
  assertMatch(text, /section_end:\d+:pace_/);
  assertMatch(text, /ESC\[31mCI failure for [0-9a-f]{40}: CIESC\[0m/);
  assert(!text.includes(gl.token));
  assertStringIncludes(run.out.join("\n"), "failure CI");
  assertEquals(gl.violations, []);
});

// ---------------------------------------------------------------------------
// The fake server refuses what GitLab would refuse

Deno.test("fake GitLab: unencoded paths, undocumented parameters, bad methods and auth are refused", async () => {
  await using gl = FakeGitLab.start({ relativeRoot: "/gitlab" });
  const call = async (method: string, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("private-token")) headers.set("private-token", gl.token);
    const response = await fetch(`${gl.url}${path}`, { ...init, method, headers });
    return { status: response.status, headers: response.headers, json: await response.json() };
  };
  const base = `/api/v4/projects/${ENCODED}`;

  const ok = await call("GET", `${base}/pipelines?sha=${SHA}&order_by=id&sort=desc`);
  assertEquals(ok.status, 200);
  assertEquals(gl.violations, []);

  assertEquals(
    (await call("GET", `/api/v4/projects/pace-group/sub/pace-demo/pipelines`)).status,
    404,
  );
  assertEquals((await call("GET", `${base}/pipelines?ordering=id`)).status, 400);
  assertEquals((await call("GET", `${base}/pipelines?sort=newest`)).status, 400);
  assertEquals((await call("DELETE", `${base}/issues`)).status, 405);
  assertEquals(
    (await call("GET", `/api/v4/projects/${ENCODED}/pipelines`.replace("/api", "/x"))).status,
    404,
  );
  const noBody = await call("POST", `${base}/issues`, {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ description: "no title" }),
  });
  assertEquals([noBody.status, noBody.json], [400, { error: "title is missing" }]);
  const arrayLabels = await call("POST", `${base}/issues`, {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "t", labels: ["a", "b"] }),
  });
  assertEquals(arrayLabels.status, 400);
  assertEquals(gl.violations.length, 7, gl.violations.join("\n"));
  gl.violations.length = 0;

  const anonymous = await fetch(`${gl.url}${base}`);
  assertEquals([anonymous.status, await anonymous.json()], [401, { message: "401 Unauthorized" }]);
  assertEquals((await call("GET", `/api/v4/projects/999`)).json, {
    message: "404 Project Not Found",
  });
  assertEquals((await call("GET", `/api/v4/projects/4242/variables/NOPE`)).json, {
    message: "404 Variable Not Found",
  });

  for (let i = 0; i < 45; i++) gl.addIssue({ title: `i${i}`, labels: ["a", "b"] });
  const page = await call("GET", `${base}/issues?labels=a,b&state=opened&per_page=20&page=2`);
  assertEquals(page.json.length, 20);
  assertEquals(page.headers.get("x-next-page"), "3");
  assertEquals(page.headers.get("x-total"), "45");
  assertEquals(page.headers.get("x-total-pages"), "3");
  assertStringIncludes(page.headers.get("link") ?? "", "page=3");
  const last = await call("GET", `${base}/issues?per_page=20&page=3`);
  assertEquals([last.json.length, last.headers.get("x-next-page")], [5, ""]);
  assertEquals(gl.violations, []);
});

Deno.test("fake GitLab: answers as GitLab does — 422 for a missing branch, no child pipelines, dropped labels", async () => {
  await using gl = FakeGitLab.start();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gl.apiUrl}/projects/${ENCODED}${path}`, {
      method,
      headers: { "private-token": gl.token, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  };
  const mr = { target_branch: "main", title: "t" };
  assertEquals(await call("POST", "/merge_requests", { ...mr, source_branch: "nope" }), {
    status: 422,
    json: { message: ['Source branch "nope" does not exist'] },
  });
  gl.branches.add("feature");
  assertEquals(
    await call("POST", "/merge_requests", { ...mr, source_branch: "feature", target_branch: "x" }),
    { status: 422, json: { message: ['Target branch "x" does not exist'] } },
  );

  const parent = gl.addPipeline({ sha: SHA, status: "running" });
  const child = gl.addPipeline({ sha: SHA, status: "success", source: "parent_pipeline" });
  const ids = async (query: string) =>
    (await call("GET", `/pipelines?${query}`)).json.map((p: { id: number }) => p.id);
  assertEquals(await ids(`sha=${SHA}`), [parent.id], "child pipelines are left out");
  assertEquals(await ids("source=parent_pipeline"), [child.id], "unless asked for by source");

  gl.setIssueMetadata = false;
  const issue = await call("POST", "/issues", { title: "t", labels: "pace-hold,pace-day-3" });
  assertEquals([issue.status, issue.json.labels], [201, []]);
  assertEquals(gl.violations, []);
});
