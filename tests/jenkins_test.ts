import { join } from "node:path";
import {
  ConfigError,
  getCIAdapter,
  parseConfig,
  permissionFlags,
  requiredPermissions,
} from "../mod.ts";
import { jenkinsPlatform } from "../platforms/jenkins.ts";
import {
  classifyBuilds,
  JENKINS_BUILDS_TREE,
  type JenkinsBuild,
  shaMatches,
} from "../platforms/jenkins/builds.ts";
import { jenkinsJobPath } from "../platforms/jenkins/settings.ts";
import { resolveContext } from "../platforms/registry.ts";
import type { CIAdapter, Env } from "../platforms/types.ts";
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
  assertNotMatch,
  assertStringIncludes,
  assertThrows,
} from "./_assert.ts";
import {
  FakeJenkins,
  type FakeJenkinsOptions,
  type JobKind,
  parseTree,
} from "./servers/jenkins.ts";

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
/** Shares SHA's first 8 characters — the Python original took it for SHA. */
const LOOKALIKE = "3b18e5120000000000000000000000000000beef";
const OTHER = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";
const LATER = "aaaabbbbccccddddeeeeffff0000111122223333";

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

interface Rig extends AsyncDisposable {
  jenkins: FakeJenkins;
  root: string;
  paceDir: string;
  logger: CapturingLogger;
  env: Env;
  job: string;
  ci: CIAdapter;
  /** Requests that read the job's builds. */
  polls(): number;
}

interface RigOptions extends FakeJenkinsOptions {
  job?: string;
  kind?: JobKind;
  env?: Env;
  /** Violations the test provokes on purpose. */
  expectViolations?: number;
}

async function rig(options: RigOptions = {}): Promise<Rig> {
  const jenkins = FakeJenkins.start(options);
  const job = options.job ?? "app";
  jenkins.addJob(job, options.kind ?? "freestyle");
  const root = await Deno.makeTempDir({ prefix: "pace-jenkins-" });
  const paceDir = await writeSamplePace(root);
  const logger = captureLogger();
  const env: Env = {
    JENKINS_URL: `${jenkins.url}/`,
    JENKINS_JOB_NAME: job,
    JENKINS_USER: jenkins.user,
    JENKINS_TOKEN: jenkins.token,
    ...options.env,
  };
  return {
    jenkins,
    root,
    paceDir,
    logger,
    env,
    job,
    ci: getCIAdapter("jenkins", { env, repoRoot: root, logger }),
    polls: () => jenkins.requests.filter((q) => q.query.has("tree")).length,
    async [Symbol.asyncDispose]() {
      await jenkins.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(
        jenkins.violations.length,
        options.expectViolations ?? 0,
        `violations: ${jenkins.violations.join("\n")}`,
      );
      const log = logger.text();
      for (const secret of [jenkins.token, base64(`${jenkins.user}:${jenkins.token}`)]) {
        assert(!log.includes(secret), "a credential reached the log");
      }
    },
  };
}

const fast = { timeoutMinutes: 0.05, pollIntervalSeconds: 0.01 };
const short = { timeoutMinutes: 0.003, pollIntervalSeconds: 0.01 };

// ---------------------------------------------------------------------------
// The contract

Deno.test("jenkins keeps the PACE contract (context path, folders, API token)", async (t) => {
  let jenkins: FakeJenkins;
  await testPlatformContract(t, {
    definition: jenkinsPlatform,
    setup: () => {
      jenkins = FakeJenkins.start({ contextPath: "/jenkins" });
      jenkins.addFolder("Team Alpha");
      jenkins.addJob("Team Alpha/app", "pipeline");
      jenkins.addBuild("Team Alpha/app", { sha: OTHER });
      return {
        env: {
          JENKINS_URL: `${jenkins.url}/`,
          JENKINS_JOB_NAME: "Team Alpha/app",
          JENKINS_USER: jenkins.user,
          JENKINS_TOKEN: jenkins.token,
        },
        requestCount: () => jenkins.requests.length,
        secrets: [
          jenkins.token,
          `${jenkins.user}:${jenkins.token}`,
          base64(`${jenkins.user}:${jenkins.token}`),
        ],
        close: async () => {
          await jenkins.close();
          assertEquals(jenkins.violations, []);
          assert(jenkins.requests.length > 0, "the contract reached the server");
        },
      };
    },
    missingCredentials: { env: { JENKINS_JOB_NAME: "app" }, mentions: "JENKINS_URL" },
  });
});

Deno.test("jenkins keeps the PACE contract (anonymous read, Jenkins at the root)", async (t) => {
  let jenkins: FakeJenkins;
  await testPlatformContract(t, {
    definition: jenkinsPlatform,
    setup: () => {
      jenkins = FakeJenkins.start({ anonymousRead: true });
      jenkins.addJob("app");
      return {
        env: { JENKINS_URL: jenkins.url, JENKINS_JOB_NAME: "app" },
        requestCount: () => jenkins.requests.length,
        close: async () => {
          await jenkins.close();
          assertEquals(jenkins.violations, []);
        },
      };
    },
    missingCredentials: {
      env: { JENKINS_URL: "https://ci.example.com/" },
      mentions: "JENKINS_JOB_NAME",
    },
  });
});

Deno.test("jenkins: config accepts it as ci and rejects it as tracker (CI-only)", () => {
  const config = parseConfig("platform:\n  ci: jenkins\n  tracker: local\n", "pace.config.yaml");
  assertEquals(config.platform, { ci: "jenkins", tracker: "local" });
  const error = assertThrows(
    () => parseConfig("platform:\n  ci: jenkins\n  tracker: jenkins\n", "pace.config.yaml"),
    ConfigError,
  );
  assertStringIncludes(error.message, "jenkins");
  assertMatch(error.message, /CI-only/);
  assertStringIncludes(error.message, "pace.config.yaml");
  assertMatch(error.message, /:3:/, "names the line of tracker:");
  assertThrows(() => parseConfig("platform:\n  type: jenkins\n"), ConfigError, "tracker");
});

// ---------------------------------------------------------------------------
// Requests

Deno.test("jenkins wait: one tree= request per poll, folders and context path encoded", async () => {
  await using r = await rig({
    contextPath: "/jenkins",
    job: "Team Alpha/app/main",
    kind: "pipeline",
  });
  r.jenkins.addBuild(r.job, { sha: SHA, result: "SUCCESS" });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "success");
  assertEquals(r.jenkins.requests.length, 1, "one request answers the poll");
  const [request] = r.jenkins.requests;
  assertEquals(request.method, "GET");
  assertEquals(request.path, "/job/Team%20Alpha/job/app/job/main/api/json");
  assertEquals([...request.query.keys()], ["tree"], "only the documented parameter");
  assertEquals(request.query.get("tree"), JENKINS_BUILDS_TREE);
  assertStringIncludes(JENKINS_BUILDS_TREE, "{0,20}");
  assertEquals(
    request.headers.get("authorization"),
    `Basic ${base64(`${r.jenkins.user}:${r.jenkins.token}`)}`,
  );
  assertEquals(result.url, r.jenkins.itemUrl(r.job, 1));
  assertEquals(result.name, "Team Alpha/app/main #1");
});

Deno.test("jenkins wait: a multibranch branch job (project/feature%2Flogin) is double-encoded", async () => {
  await using r = await rig({ job: "proj/feature%2Flogin", kind: "pipeline" });
  r.jenkins.addFolder("proj", "multibranch");
  r.jenkins.addBuild(r.job, { commits: [SHA], sha: SHA, result: "UNSTABLE" });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "failure");
  assertEquals(r.jenkins.requests[0].path, "/job/proj/job/feature%252Flogin/api/json");
});

Deno.test("jenkins wait: JENKINS_URL with or without trailing slashes, with a context path", async () => {
  for (const suffix of ["", "/", "///"]) {
    await using r = await rig({ contextPath: "/ci/jenkins" });
    r.jenkins.addBuild("app", { sha: SHA });
    const ci = getCIAdapter("jenkins", {
      env: { ...r.env, JENKINS_URL: `${r.jenkins.url}${suffix}` },
      repoRoot: r.root,
      logger: r.logger,
    });
    assertEquals((await ci.waitForCommitCi(SHA, fast)).conclusion, "success", `suffix ${suffix}`);
    assertEquals(r.jenkins.requests[0].path, "/job/app/api/json");
  }
});

// ---------------------------------------------------------------------------
// Matching

Deno.test("jenkins wait: a full SHA matches exactly, in any case", async () => {
  await using r = await rig();
  r.jenkins.addBuild("app", { sha: SHA.toUpperCase(), result: "SUCCESS" });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "success");
  assertEquals(result.sha, SHA);
  const upper = await r.ci.waitForCommitCi(SHA.toUpperCase(), fast);
  assertEquals(upper.conclusion, "success");
});

Deno.test("jenkins wait: a different commit sharing the first 8 characters does NOT match", async () => {
  await using r = await rig();
  r.jenkins.addBuild("app", { sha: LOOKALIKE, commits: [LOOKALIKE], result: "FAILURE" });
  const result = await r.ci.waitForCommitCi(SHA, short);
  assertEquals(result.conclusion, "timeout", "the lookalike's FAILURE is not ours");
  assertEquals(result.url, "");
  assert(r.polls() >= 2, "it kept polling for the real build");
});

Deno.test("jenkins wait: a short SHA matches as a prefix; an ambiguous one warns, newest decides", async () => {
  await using r = await rig();
  r.jenkins.addBuild("app", { sha: SHA, result: "FAILURE" });
  assertEquals((await r.ci.waitForCommitCi(SHA.slice(0, 7), fast)).conclusion, "failure");
  assertNotMatch(r.logger.text(), /matches 2 commits/);
  r.jenkins.addBuild("app", { sha: LOOKALIKE, result: "SUCCESS" });
  const result = await r.ci.waitForCommitCi(SHA.slice(0, 8), fast);
  assertEquals(result.conclusion, "success", "build #2 is the newest match");
  assertEquals(result.name, "app #2");
  assertMatch(r.logger.text(), /short SHA 3b18e512 matches 2 commits/);
  assertEquals((await r.ci.waitForCommitCi(SHA.slice(0, 9), fast)).conclusion, "failure");
});

Deno.test("jenkins wait: a freestyle changeSet commit matches", async () => {
  await using r = await rig({ kind: "freestyle" });
  // Two commits pushed together: the build checked out the later one.
  r.jenkins.addBuild("app", { sha: LATER, commits: [SHA, LATER], result: "FAILURE" });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "failure");
  assertEquals(result.url, r.jenkins.itemUrl("app", 1));
});

Deno.test("jenkins wait: a Pipeline changeSets commit matches (any of its change sets)", async () => {
  await using r = await rig({ kind: "pipeline" });
  r.jenkins.addBuild("app", {
    sha: LATER,
    commits: [LATER],
    moreChangeSets: [[OTHER, SHA]],
    libraries: ["1111222233334444555566667777888899990000"],
    result: "ABORTED",
  });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "cancelled");
});

Deno.test("jenkins wait: every Jenkins result maps to its conclusion, with the build's URL and name", async () => {
  const expected = {
    SUCCESS: "success",
    FAILURE: "failure",
    UNSTABLE: "failure",
    ABORTED: "cancelled",
    NOT_BUILT: "no_runs",
  } as const;
  for (const kind of ["freestyle", "pipeline"] as const) {
    for (const [jenkinsResult, conclusion] of Object.entries(expected)) {
      await using r = await rig({ kind });
      r.jenkins.addBuild("app", { sha: OTHER });
      const build = r.jenkins.addBuild("app", {
        sha: SHA,
        result: jenkinsResult as keyof typeof expected,
      });
      const result = await r.ci.waitForCommitCi(SHA, fast);
      assertEquals(result.conclusion, conclusion, `${kind} ${jenkinsResult}`);
      assertEquals(result.url, r.jenkins.itemUrl("app", build.number));
      assertEquals(result.name, `app #${build.number}`);
      assertEquals(result.error, undefined);
      assertEquals(r.polls(), 1, "a terminal build ends the wait at the first poll");
    }
  }
});

Deno.test("jenkins wait: a running build (building, or result null) is pending as #N", async () => {
  await using r = await rig({ kind: "pipeline" });
  const build = r.jenkins.addBuild("app", { sha: SHA, building: true });
  const seen: string[][] = [];
  const result = await r.ci.waitForCommitCi(SHA, {
    ...fast,
    onProgress: (p) => {
      seen.push(p.pending);
      if (p.polls === 2) build.building = false; // result still null: post-build steps
      if (p.polls === 4) build.result = "SUCCESS";
    },
  });
  assertEquals(result.conclusion, "success");
  assertEquals(seen.slice(0, 4), [["#1"], ["#1"], ["#1"], ["#1"]]);
  assertEquals(r.polls(), 5);
});

Deno.test("jenkins wait: still building at the deadline → timeout naming the build", async () => {
  await using r = await rig();
  r.jenkins.addBuild("app", { sha: SHA, building: true });
  const result = await r.ci.waitForCommitCi(SHA, short);
  assertEquals(result.conclusion, "timeout");
  assertEquals(result.name, "#1");
});

Deno.test("jenkins wait: the newest matching build decides (a rebuild after a failure)", async () => {
  await using r = await rig();
  r.jenkins.addBuild("app", { sha: SHA, result: "FAILURE" });
  r.jenkins.addBuild("app", { sha: OTHER, result: "FAILURE" });
  r.jenkins.addBuild("app", { sha: SHA, result: "SUCCESS" });
  r.jenkins.addBuild("app", { sha: OTHER, building: true });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "success");
  assertEquals(result.name, "app #3");
});

Deno.test("jenkins wait: a build that starts late is found by a later poll", async () => {
  await using r = await rig();
  r.jenkins.addBuild("app", { sha: OTHER });
  const result = await r.ci.waitForCommitCi(SHA, {
    ...fast,
    onProgress: (p) => {
      assertEquals(p.pending, [], "nothing pending before the build exists");
      if (p.polls === 3) r.jenkins.addBuild("app", { sha: SHA, result: "SUCCESS" });
    },
  });
  assertEquals(result.conclusion, "success");
  assertEquals(r.polls(), 4);
});

Deno.test("jenkins wait: only the newest 20 builds are read", async () => {
  await using r = await rig();
  r.jenkins.addBuild("app", { sha: SHA, result: "FAILURE" });
  for (let i = 0; i < 20; i++) r.jenkins.addBuild("app", { sha: OTHER });
  const result = await r.ci.waitForCommitCi(SHA, short);
  assertEquals(result.conclusion, "timeout", "build #1 is past the {0,20} range");
});

// ---------------------------------------------------------------------------
// Errors

Deno.test("jenkins wait: a rejected token (401) ends at once, explained, never echoed", async () => {
  const wrong = "11wrongtoken00000000000000000000ab";
  await using r = await rig({ env: { JENKINS_TOKEN: wrong } });
  r.jenkins.addBuild("app", { sha: SHA });
  const result = await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 1, pollIntervalSeconds: 0.01 });
  assertEquals(result.conclusion, "no_runs");
  assertStringIncludes(result.error ?? "", "401");
  assertStringIncludes(result.error ?? "", "API token");
  assertEquals(r.jenkins.requests.length, 1, "no retry");
  const everything = JSON.stringify(result) + r.logger.text();
  for (const secret of [wrong, base64(`${r.jenkins.user}:${wrong}`)]) {
    assert(!everything.includes(secret), "the wrong token leaked");
  }
});

Deno.test("jenkins wait: an unknown job (404) ends at once and names JENKINS_JOB_NAME", async () => {
  await using r = await rig({ env: { JENKINS_JOB_NAME: "Team Alpha/nope" } });
  const result = await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 1, pollIntervalSeconds: 0.01 });
  assertEquals(result.conclusion, "no_runs");
  assertStringIncludes(result.error ?? "", "404");
  assertStringIncludes(result.error ?? "", "JENKINS_JOB_NAME");
  assertEquals(r.jenkins.requests.length, 1);
  assertEquals(r.jenkins.requests[0].path, "/job/Team%20Alpha/job/nope/api/json");
});

Deno.test("jenkins wait: anonymous on a Jenkins that requires login (403) ends at once", async () => {
  await using r = await rig({ env: { JENKINS_USER: undefined, JENKINS_TOKEN: undefined } });
  r.jenkins.addBuild("app", { sha: SHA });
  const result = await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 1, pollIntervalSeconds: 0.01 });
  assertEquals(result.conclusion, "no_runs");
  assertStringIncludes(result.error ?? "", "403");
  assertStringIncludes(result.error ?? "", "set JENKINS_USER and JENKINS_TOKEN");
  assertEquals(r.jenkins.requests.length, 1);
});

Deno.test("jenkins wait: anonymous read works without any Authorization header", async () => {
  await using r = await rig({
    anonymousRead: true,
    env: { JENKINS_USER: undefined, JENKINS_TOKEN: undefined },
  });
  r.jenkins.addBuild("app", { sha: SHA });
  assertEquals((await r.ci.waitForCommitCi(SHA, fast)).conclusion, "success");
  assert(r.jenkins.requests.every((q) => !q.headers.has("authorization")));
  assertEquals(r.jenkins.requests[0].user, "anonymous");
  assertStringIncludes(r.logger.text(), "anonymously");
});

Deno.test("jenkins wait: half the credentials → warned, anonymous", async () => {
  await using r = await rig({ anonymousRead: true, env: { JENKINS_TOKEN: undefined } });
  r.jenkins.addBuild("app", { sha: SHA });
  assertEquals((await r.ci.waitForCommitCi(SHA, fast)).conclusion, "success");
  assertStringIncludes(r.logger.text(), "JENKINS_USER is set but JENKINS_TOKEN is not");
  assert(!r.jenkins.requests[0].headers.has("authorization"));
});

Deno.test("jenkins wait: a burst of 500s (and a 429) is waited out", async () => {
  await using r = await rig();
  r.jenkins.addBuild("app", { sha: SHA });
  r.jenkins.script({
    path: /\/api\/json/,
    status: 500,
    headers: { "retry-after": "0" },
    body: "<html>Oops!</html>",
    times: 6,
  });
  r.jenkins.script({ path: /\/api\/json/, status: 429, headers: { "retry-after": "0" } });
  const result = await r.ci.waitForCommitCi(SHA, {
    timeoutMinutes: 0.5,
    pollIntervalSeconds: 0.01,
  });
  assertEquals(result.conclusion, "success");
  assertEquals(r.jenkins.pendingScripts, 0);
  assertStringIncludes(r.logger.text(), "will poll again");
});

Deno.test("jenkins wait: an abort while Jenkins hangs resolves cancelled", async () => {
  await using r = await rig();
  r.jenkins.script({ path: /\/api\/json/, hangMs: 60_000 });
  const controller = new AbortController();
  const pending = r.ci.waitForCommitCi(SHA, { timeoutMinutes: 5, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  assertEquals((await pending).conclusion, "cancelled");
});

Deno.test("jenkins wait: JENKINS_JOB_NAME naming a folder or multibranch project ends at once", async () => {
  for (
    const [kind, words] of [["folder", "a folder"], ["multibranch", "project/branch"]] as const
  ) {
    await using r = await rig({ job: "team/app", env: { JENKINS_JOB_NAME: "team" } });
    r.jenkins.addFolder("team", kind);
    const result = await r.ci.waitForCommitCi(SHA, {
      timeoutMinutes: 1,
      pollIntervalSeconds: 0.01,
    });
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", words);
    assertEquals(r.jenkins.requests.length, 1);
  }
});

Deno.test("jenkins wait: missing JENKINS_URL or JENKINS_JOB_NAME → no request, named in the log", async () => {
  for (
    const [env, name] of [
      [{ JENKINS_URL: undefined }, "JENKINS_URL"],
      [{ JENKINS_JOB_NAME: undefined }, "JENKINS_JOB_NAME"],
      [{ JENKINS_JOB_NAME: "  " }, "JENKINS_JOB_NAME"],
      [{ JENKINS_JOB_NAME: "team/../admin" }, "JENKINS_JOB_NAME"],
      [{ JENKINS_URL: "ftp://ci.example.com" }, "JENKINS_URL"],
      [{ JENKINS_URL: "not a url" }, "JENKINS_URL"],
    ] as const
  ) {
    await using r = await rig({ env });
    const result = await r.ci.waitForCommitCi(SHA, fast);
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", name);
    assertStringIncludes(r.logger.text(), name);
    assertEquals(r.jenkins.requests.length, 0, `no request (${JSON.stringify(env)})`);
  }
});

Deno.test("jenkins wait: JENKINS_URL carrying credentials is refused and masked", async () => {
  await using r = await rig({
    env: { JENKINS_URL: "https://bot:s3cretpassw0rd@ci.example.com/jenkins/" },
  });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "no_runs");
  assertStringIncludes(result.error ?? "", "JENKINS_URL must not carry credentials");
  assert(!r.logger.text().includes("s3cretpassw0rd"));
  assertEquals(r.jenkins.requests.length, 0);
});

Deno.test("jenkins wait: invalid SHAs are refused without a request", async () => {
  await using r = await rig();
  for (const sha of ["", "abc12", "g".repeat(40), "a".repeat(41), "../api/json", `${SHA} `]) {
    const result = await r.ci.waitForCommitCi(sha, fast);
    assertEquals(result.conclusion, "no_runs", JSON.stringify(sha));
    assertStringIncludes(result.error ?? "", "invalid commit SHA");
  }
  assertEquals(r.jenkins.requests.length, 0);
});

Deno.test("jenkins: credentials never leak, even when Jenkins echoes them", async () => {
  await using r = await rig();
  const basic = base64(`${r.jenkins.user}:${r.jenkins.token}`);
  r.jenkins.script({
    path: /\/api\/json/,
    status: 500,
    headers: { "retry-after": "0" },
    body: `<html>proxy error for Basic ${basic} token=${r.jenkins.token}</html>`,
    times: 4, // one poll's attempts: the error reaches the log
  });
  r.jenkins.script({
    path: /\/api\/json/,
    status: 404,
    body: `<html><title>Not Found ${r.jenkins.token} ${basic}</title></html>`,
  });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "no_runs");
  assertStringIncludes(r.logger.text(), "proxy error for Basic ***", "the echo was logged, masked");
  const everything = JSON.stringify(result) + r.logger.text();
  for (const secret of [r.jenkins.token, basic, `${r.jenkins.user}:${r.jenkins.token}`]) {
    assert(!everything.includes(secret), `leaked: ${secret.slice(0, 4)}…`);
  }
  const probe = await jenkinsPlatform.probe!(
    resolveContext(jenkinsPlatform, { env: { ...r.env, JENKINS_TOKEN: "x-wrong-token-123" } }),
  );
  assert(!probe.detail.includes("x-wrong-token-123"));
});

// ---------------------------------------------------------------------------
// Files

Deno.test("jenkins review PR: .pace/day-N/review-pr.md from the shared renderer, no HTTP", async () => {
  await using r = await rig();
  const path = await r.ci.openReviewPr(14, r.paceDir, "Focus on the auth flow");
  assertEquals(path, join(r.paceDir, "day-14", "review-pr.md"));
  const text = await Deno.readTextFile(path);
  assert(text.startsWith("# [PACE Review Gate] Days 1\u201314\n"), text.slice(0, 60));
  assertStringIncludes(text, "## Context");
  assertStringIncludes(text, "Focus on the auth flow");
  assertStringIncludes(text, "email verification", "deferred items of the period");
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), path, "a re-run returns the same path");
  assertEquals(await Deno.readTextFile(path), text, "and leaves the file alone");
  assertEquals(await r.ci.openReviewPr(16, ""), join(r.root, ".pace", "day-16", "review-pr.md"));
  assertEquals(r.jenkins.requests.length, 0);
});

Deno.test("jenkins variables: jenkins-variables.json, other keys kept, corrupt replaced, env first", async () => {
  await using r = await rig({ env: { FROM_ENV: "env-value" } });
  const store = join(r.root, "jenkins-variables.json");
  await Deno.writeTextFile(store, JSON.stringify({ KEEP: "me" }));
  assert(await r.ci.setVariable("PACE_DAY", "3"));
  assertEquals(JSON.parse(await Deno.readTextFile(store)), { KEEP: "me", PACE_DAY: "3" });
  assertEquals(await r.ci.getVariable("PACE_DAY"), "3");
  assertEquals(await r.ci.getVariable("KEEP"), "me");
  assert(await r.ci.setVariable("FROM_ENV", "file-value"));
  assertEquals(await r.ci.getVariable("FROM_ENV"), "env-value", "the environment wins");
  assertEquals(await r.ci.getVariable("NOPE"), undefined);
  await Deno.writeTextFile(store, "{ not json");
  assertEquals(await r.ci.getVariable("PACE_DAY"), undefined);
  assert(await r.ci.setVariable("PACE_DAY", "4"));
  assertEquals(JSON.parse(await Deno.readTextFile(store)), { PACE_DAY: "4" });
  assertEquals(await r.ci.setVariable("", "x"), false);
  assertEquals(r.jenkins.requests.length, 0);
});

Deno.test("jenkins job summary: jenkins-summary.md in the repository root; daily summary logged", async () => {
  await using r = await rig();
  await r.ci.writeJobSummary("# PACE day 3\n\nHeld.");
  assertEquals(
    await Deno.readTextFile(join(r.root, "jenkins-summary.md")),
    "# PACE day 3\n\nHeld.\n",
  );
  await r.ci.writeJobSummary("# PACE day 4\n");
  assertEquals(await Deno.readTextFile(join(r.root, "jenkins-summary.md")), "# PACE day 4\n");
  await r.ci.postDailySummary(3, { gate_decision: "HOLD" });
  assertStringIncludes(r.logger.text(), "[Jenkins] Day 3 summary: \u{1F534} HOLD");
  assertEquals(r.jenkins.requests.length, 0);
  let exists = true;
  await Deno.stat(join(r.root, "pace-summary.md")).catch(() => exists = false);
  assert(!exists, "not the default pace-summary.md");
});

// ---------------------------------------------------------------------------
// Definition, permissions, probe

Deno.test("jenkins definition: env, secrets, hosts with ports, missing, paths", () => {
  assertEquals(jenkinsPlatform.env, [
    "JENKINS_URL",
    "JENKINS_JOB_NAME",
    "JENKINS_USER",
    "JENKINS_TOKEN",
  ]);
  assertEquals(jenkinsPlatform.secretEnv, ["JENKINS_TOKEN"]);
  assertEquals(jenkinsPlatform.tracker, undefined, "CI only");
  assertEquals(jenkinsPlatform.hosts({ JENKINS_URL: "https://ci.example.com:8443/jenkins/" }), [
    "ci.example.com:8443",
  ]);
  assertEquals(jenkinsPlatform.hosts({ JENKINS_URL: "https://ci.example.com:443/" }), [
    "ci.example.com",
  ]);
  assertEquals(jenkinsPlatform.hosts({ JENKINS_URL: "http://10.0.0.5:8080" }), ["10.0.0.5:8080"]);
  assertEquals(jenkinsPlatform.hosts({}), []);
  assertEquals(jenkinsPlatform.hosts({ JENKINS_URL: "nope" }), []);
  assertEquals(jenkinsPlatform.missing!({}), ["JENKINS_URL", "JENKINS_JOB_NAME"]);
  assertEquals(jenkinsPlatform.missing!({ JENKINS_URL: "https://ci", JENKINS_JOB_NAME: "a" }), []);
  assertEquals(jenkinsPlatform.paths!({}, "/repo"), {
    read: ["/repo/jenkins-summary.md", "/repo/jenkins-variables.json"],
    write: ["/repo/jenkins-summary.md", "/repo/jenkins-variables.json"],
  });
});

Deno.test("jenkins permissions: the host with its port, the four variables, the two files", () => {
  const perms = requiredPermissions(
    { platform: { ci: "jenkins", tracker: "local" } },
    { env: { JENKINS_URL: "https://ci.example.com:8443/jenkins/" } },
  );
  assertEquals(perms.net, ["ci.example.com:8443"]);
  for (const name of jenkinsPlatform.env) assert(perms.env.includes(name), name);
  assert(perms.write.includes("jenkins-summary.md"));
  assert(perms.write.includes("jenkins-variables.json"));
  assertStringIncludes(permissionFlags(perms), "--allow-net=ci.example.com:8443 ");
});

Deno.test("jenkins probe: GET <job>/api/json?tree=name,url; explains 401, 404 and folders", async () => {
  await using r = await rig({ contextPath: "/jenkins", job: "team/app", expectViolations: 0 });
  const probe = (env: Env = {}) =>
    jenkinsPlatform.probe!(resolveContext(jenkinsPlatform, { env: { ...r.env, ...env } }));
  const ok = await probe();
  assert(ok.ok, ok.detail);
  assertStringIncludes(ok.detail, "app");
  assertStringIncludes(ok.detail, `as ${r.jenkins.user}`);
  const request = r.jenkins.requests.at(-1)!;
  assertEquals(request.path, "/job/team/job/app/api/json");
  assertEquals(request.query.get("tree"), "name,url");
  const denied = await probe({ JENKINS_TOKEN: "11wrongtoken00000000000000000000ab" });
  assert(!denied.ok);
  assertStringIncludes(denied.detail, "401");
  const missing = await probe({ JENKINS_JOB_NAME: "team/nope" });
  assert(!missing.ok);
  assertStringIncludes(missing.detail, "JENKINS_JOB_NAME");
  const folder = await probe({ JENKINS_JOB_NAME: "team" });
  assert(!folder.ok);
  assertStringIncludes(folder.detail, "folder");
  const unset = await probe({ JENKINS_URL: undefined });
  assert(!unset.ok);
  assertStringIncludes(unset.detail, "JENKINS_URL");
});

// ---------------------------------------------------------------------------
// Pure helpers

Deno.test("jenkins: jenkinsJobPath encodes each segment of folders and branches", () => {
  assertEquals(jenkinsJobPath("app"), "job/app");
  assertEquals(jenkinsJobPath("a/b/c"), "job/a/job/b/job/c");
  assertEquals(jenkinsJobPath("/Team Alpha//app/"), "job/Team%20Alpha/job/app");
  assertEquals(jenkinsJobPath("proj/feature%2Flogin"), "job/proj/job/feature%252Flogin");
  assertEquals(jenkinsJobPath("a?b#c"), "job/a%3Fb%23c");
  assertThrows(() => jenkinsJobPath(""), TypeError);
  assertThrows(() => jenkinsJobPath("a/../b"), TypeError);
  assertThrows(() => jenkinsJobPath("."), TypeError);
});

Deno.test("jenkins: shaMatches — full SHAs exactly, short ones as a prefix", () => {
  assert(shaMatches(SHA, SHA));
  assert(shaMatches(SHA.toUpperCase(), SHA));
  assert(!shaMatches(SHA, LOOKALIKE));
  assert(shaMatches(SHA.slice(0, 7), SHA));
  assert(shaMatches(SHA.slice(0, 8), LOOKALIKE));
  assert(!shaMatches(SHA.slice(0, 9), LOOKALIKE));
  assert(!shaMatches(SHA, SHA.slice(0, 39)), "a truncated revision is not the full SHA");
  assert(!shaMatches(SHA, undefined));
  assert(!shaMatches(SHA, ""));
});

Deno.test("jenkins: classifyBuilds maps results and tolerates odd build data", () => {
  const build = (number: number, extra: Partial<JenkinsBuild>): JenkinsBuild => ({
    number,
    url: `https://ci/job/app/${number}/`,
    building: false,
    actions: [{}, null, { _class: "hudson.model.CauseAction" }, {
      lastBuiltRevision: { SHA1: SHA },
    }],
    ...extra,
  });
  assertEquals(classifyBuilds(SHA, [], "app"), { state: "none" });
  assertEquals(classifyBuilds(SHA, [build(1, { result: null })], "app"), {
    state: "pending",
    pending: ["#1"],
  });
  const odd = classifyBuilds(SHA, [build(2, { result: "WEIRD" })], "app");
  assert(odd.state === "done" && odd.conclusion === "failure", "an unknown result is no pass");
  const order = classifyBuilds(SHA, [
    build(3, { result: "SUCCESS" }),
    build(9, { result: "FAILURE" }),
  ], "app");
  assert(order.state === "done" && order.name === "app #9", "highest number wins, in any order");
  const noNumber = classifyBuilds(SHA, [{
    result: "SUCCESS",
    actions: [{ lastBuiltRevision: { SHA1: SHA } }],
  }], "app");
  assertEquals(noNumber, { state: "none" });
  const garbage = classifyBuilds(SHA, [
    build(4, { actions: "x" as unknown as [], changeSet: 7, changeSets: {} }),
  ], "app");
  assertEquals(garbage, { state: "none" });
});

// ---------------------------------------------------------------------------
// The fake answers like Jenkins

Deno.test("fake Jenkins: tree grammar, ranges and wildcards as Jenkins parses them", () => {
  const tree = parseTree("a,b[c,d]{,10},e[*]{2},f{3,},g{1,4}");
  assertEquals([...tree.children.keys()], ["a", "b", "e", "f", "g"]);
  assertEquals(tree.children.get("b")!.range, [0, 10]);
  assertEquals([...tree.children.get("b")!.children.keys()], ["c", "d"]);
  assertEquals(tree.children.get("e")!.range, [2, 3]);
  assertEquals(tree.children.get("f")!.range, [3, Number.MAX_SAFE_INTEGER]);
  assertEquals(tree.children.get("g")!.range, [1, 4]);
  for (const bad of ["", "a,", "a[b", "a]", "a{x}", "a{1,2", "[a]"]) {
    assertThrows(() => parseTree(bad), Error);
  }
});

Deno.test("fake Jenkins: api/json honours tree, depth and _class like Jenkins", async () => {
  await using r = await rig({ contextPath: "/jenkins", kind: "pipeline", expectViolations: 4 });
  r.jenkins.addBuild("app", { sha: SHA, commits: [SHA] });
  r.jenkins.addBuild("app", { building: true });
  const auth = { authorization: `Basic ${base64(`${r.jenkins.user}:${r.jenkins.token}`)}` };
  const get = async (path: string) => {
    const response = await fetch(`${r.jenkins.url}${path}`, { headers: auth });
    const text = await response.text();
    return { status: response.status, text, headers: response.headers };
  };
  const depth0 = JSON.parse((await get("/job/app/api/json")).text);
  assertEquals(depth0._class, "org.jenkinsci.plugins.workflow.job.WorkflowJob");
  assertEquals(depth0.builds[0], {
    _class: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
    number: 2,
    url: r.jenkins.itemUrl("app", 2),
  });
  assertEquals(depth0.color, "blue_anime");
  const depth1 = JSON.parse((await get("/job/app/api/json?depth=1")).text);
  assertEquals(depth1.builds[1].result, "SUCCESS");
  assertEquals(depth1.builds[0].result, null, "a running build's result is null");
  assert(Array.isArray(depth1.builds[1].changeSets));
  assertEquals(depth1.builds[1].changeSet, undefined, "Pipeline runs have changeSets only");

  const tree = JSON.parse(
    (await get(`/job/app/api/json?tree=${encodeURIComponent(JENKINS_BUILDS_TREE)}`)).text,
  );
  assertEquals(Object.keys(tree), ["_class", "builds"]);
  const run = tree.builds[1];
  assertEquals(Object.keys(run).sort(), [
    "_class",
    "actions",
    "building",
    "changeSets",
    "number",
    "result",
    "url",
  ]);
  assertEquals(run.actions, [
    { _class: "hudson.model.CauseAction" },
    {},
    {
      _class: "hudson.plugins.git.util.BuildData",
      buildsByBranchName: {
        "refs/remotes/origin/main": {
          _class: "hudson.plugins.git.util.Build",
          buildNumber: 1,
          marked: { SHA1: SHA },
        },
      },
      lastBuiltRevision: { SHA1: SHA },
    },
    { _class: "org.jenkinsci.plugins.displayurlapi.actions.RunDisplayAction" },
  ]);
  assertEquals(run.changeSets, [{
    _class: "hudson.plugins.git.GitChangeSetList",
    items: [{ _class: "hudson.plugins.git.GitChangeSet", commitId: SHA }],
  }]);
  const ranged = JSON.parse((await get("/job/app/api/json?tree=builds[number]{1,}")).text);
  assertEquals(ranged.builds.map((b: { number: number }) => b.number), [1]);
  const root = JSON.parse((await get("/api/json?tree=jobs[name]")).text);
  assertEquals(root, {
    _class: "hudson.model.Hudson",
    jobs: [{ _class: "org.jenkinsci.plugins.workflow.job.WorkflowJob", name: "app" }],
  });
  const build = JSON.parse((await get("/job/app/1/api/json?tree=number,result")).text);
  assertEquals(build, {
    _class: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
    number: 1,
    result: "SUCCESS",
  });

  // What Jenkins refuses, and what it would only ignore: both are violations here.
  assertEquals((await get("/job/app/api/json?tree=builds[number")).status, 500);
  assertEquals((await get("/job/app/api/json?depth=x")).status, 500);
  assertEquals((await get("/job/app/api/json?tree=name&depth=1")).status, 400);
  assertEquals((await get("/job/app/api/json?per_page=5")).status, 400);
  assertEquals(r.jenkins.violations.length, 4);
});

Deno.test("fake Jenkins: error pages, auth headers, crumbs and paths like Jenkins", async () => {
  await using r = await rig({ contextPath: "/jenkins", expectViolations: 5 });
  r.jenkins.addFolder("Team Alpha");
  r.jenkins.addJob("Team Alpha/app", "freestyle");
  r.jenkins.addBuild("Team Alpha/app", { sha: SHA, commits: [SHA] });
  const basic = (secret: string) => ({
    authorization: `Basic ${base64(`${r.jenkins.user}:${secret}`)}`,
  });
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${r.jenkins.url.replace(/\/jenkins$/, "")}${path}`, init);
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  const ok = await call(
    "/jenkins/job/Team%20Alpha/job/app/api/json?tree=builds[changeSet[items[commitId]]]",
    {
      headers: basic(r.jenkins.token),
    },
  );
  assertEquals(ok.status, 200);
  assertEquals(ok.headers.get("x-jenkins"), "2.479.3");
  assertEquals(JSON.parse(ok.text).builds[0].changeSet, {
    _class: "hudson.plugins.git.GitChangeSetList",
    items: [{ _class: "hudson.plugins.git.GitChangeSet", commitId: SHA }],
  });

  const unauthorized = await call("/jenkins/job/Team%20Alpha/job/app/api/json", {
    headers: basic("wrong-token"),
  });
  assertEquals(unauthorized.status, 401);
  assertEquals(unauthorized.headers.get("x-you-are-authenticated-as"), "anonymous");
  assertStringIncludes(unauthorized.text, "Invalid password/token for user: pace-bot");

  const anonymous = await call("/jenkins/job/Team%20Alpha/job/app/api/json");
  assertEquals(anonymous.status, 403);
  assertEquals(anonymous.headers.get("x-required-permission"), "hudson.model.Hudson.Read");
  assertStringIncludes(anonymous.text, "Authentication required");

  const notFound = await call("/jenkins/job/Team%20Beta/api/json", {
    headers: basic(r.jenkins.token),
  });
  assertEquals(notFound.status, 404);
  assertStringIncludes(notFound.text, "HTTP ERROR 404 Not Found");
  assertEquals(r.jenkins.violations.length, 0, "an unknown job is Jenkins' 404, not a client bug");

  const crumb = await call("/jenkins/crumbIssuer/api/json", { headers: basic(r.jenkins.password) });
  const issued = JSON.parse(crumb.text);
  assertEquals(Object.keys(issued), ["_class", "crumb", "crumbRequestField"]);
  assertEquals(issued._class, "hudson.security.csrf.DefaultCrumbIssuer");
  assertEquals(issued.crumbRequestField, "Jenkins-Crumb");
  const cookie = crumb.headers.getSetCookie()[0].split(";")[0];

  const noCrumb = await call("/jenkins/job/Team%20Alpha/job/app/build", {
    method: "POST",
    headers: basic(r.jenkins.password),
  });
  assertEquals(noCrumb.status, 403);
  assertStringIncludes(noCrumb.text, "No valid crumb was included in the request");
  const otherSession = await call("/jenkins/job/Team%20Alpha/job/app/build", {
    method: "POST",
    headers: { ...basic(r.jenkins.password), "jenkins-crumb": issued.crumb },
  });
  assertEquals(otherSession.status, 403, "a crumb without its session cookie is refused");
  const withCrumb = await call("/jenkins/job/Team%20Alpha/job/app/build", {
    method: "POST",
    headers: { ...basic(r.jenkins.password), "jenkins-crumb": issued.crumb, cookie },
  });
  assertEquals(withCrumb.status, 201);
  const tokenPost = await call("/jenkins/job/Team%20Alpha/job/app/build", {
    method: "POST",
    headers: basic(r.jenkins.token),
  });
  assertEquals(tokenPost.status, 201, "API tokens are exempt from CSRF protection");

  assertEquals(
    (await call("/jenkins/job/Team%20Alpha/job/app/build", { headers: basic(r.jenkins.token) }))
      .status,
    405,
  );
  assertEquals(
    (await call("/job/Team%20Alpha/job/app/api/json", { headers: basic(r.jenkins.token) })).status,
    404,
    "outside the context path",
  );
  assertEquals(
    (await call("/jenkins/job/proj/job/feature%2Flogin/api/json", {
      headers: basic(r.jenkins.token),
    }))
      .status,
    400,
  );
  assertEquals(r.jenkins.violations.length, 5);
});
