import { join } from "node:path";
import {
  getCIAdapter,
  getTrackerAdapter,
  githubPlatform,
  permissionFlags,
  requiredPermissions,
} from "../mod.ts";
import type { GitHubCIAdapter } from "../platforms/github/ci.ts";
import { classify } from "../platforms/github/ci.ts";
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
import {
  FakeGitHub,
  type FakeGitHubOptions,
  primaryRateLimit,
  secondaryRateLimit,
} from "./servers/github.ts";

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const OTHER_SHA = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";

interface Rig extends AsyncDisposable {
  gh: FakeGitHub;
  root: string;
  paceDir: string;
  logger: CapturingLogger;
  env: Record<string, string>;
  ci: GitHubCIAdapter;
  tracker: ReturnType<typeof getTrackerAdapter>;
  dayDir(day: number): string;
}

async function rig(
  options: FakeGitHubOptions = {},
  extra: { env?: Record<string, string>; fetch?: typeof fetch } = {},
): Promise<Rig> {
  const gh = await FakeGitHub.start(options);
  const root = await Deno.makeTempDir({ prefix: "pace-github-" });
  const paceDir = await writeSamplePace(root);
  const logger = captureLogger();
  const env = {
    GITHUB_TOKEN: gh.token,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.url,
    ...extra.env,
  };
  const context = { env, repoRoot: root, logger, fetch: extra.fetch };
  return {
    gh,
    root,
    paceDir,
    logger,
    env,
    ci: getCIAdapter("github", context) as GitHubCIAdapter,
    tracker: getTrackerAdapter("github", context),
    dayDir: (day) => join(paceDir, `day-${day}`),
    async [Symbol.asyncDispose]() {
      await gh.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(gh.violations, [], "every request matches GitHub's OpenAPI description");
      assert(!logger.text().includes(gh.token), "the token never reaches the log");
    },
  };
}

const fast = { timeoutMinutes: 0.05, pollIntervalSeconds: 0.01 };

Deno.test("github keeps the PACE contract (api.github.com)", async (t) => {
  let gh: FakeGitHub;
  await testPlatformContract(t, {
    definition: githubPlatform,
    setup: async () => {
      gh = await FakeGitHub.start();
      return {
        env: {
          GITHUB_TOKEN: gh.token,
          GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
          GITHUB_API_URL: gh.url,
        },
        requestCount: () => gh.requests.length,
        secrets: [gh.token],
        prepareReview: (day) => void gh.branches.add(`pace/review-day-${day}`),
        prepareBranches: () => gh.addBranch(gh.defaultBranch, SHA),
        close: async () => {
          await gh.close();
          assertEquals(gh.violations, []);
          // The branching steps built the hierarchy on the server, each level at main's head.
          assertEquals(gh.headOf("rel/sprint/pace-1"), SHA);
        },
      };
    },
    missingCredentials: { env: { GITHUB_REPOSITORY: "octo/pace-demo" }, mentions: "GITHUB_TOKEN" },
  });
});

Deno.test("github keeps the PACE contract (Enterprise Server under /api/v3)", async (t) => {
  let gh: FakeGitHub;
  await testPlatformContract(t, {
    definition: githubPlatform,
    setup: async () => {
      gh = await FakeGitHub.start({ basePath: "/api/v3" });
      return {
        env: {
          GITHUB_TOKEN: gh.token,
          GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
          GITHUB_API_URL: `${gh.url}/`,
        },
        requestCount: () => gh.requests.length,
        secrets: [gh.token],
        prepareReview: (day) => void gh.branches.add(`pace/review-day-${day}`),
        prepareBranches: () => gh.addBranch(gh.defaultBranch, SHA),
        close: async () => {
          await gh.close();
          assertEquals(gh.violations, []);
          // The branching steps built the hierarchy on the server, each level at main's head.
          assertEquals(gh.headOf("rel/sprint/pace-1"), SHA);
        },
      };
    },
  });
});

Deno.test("github: every request carries the pinned media type, API version and token", async () => {
  await using r = await rig();
  r.gh.addCheckRun(SHA, { name: "build", status: "completed", conclusion: "success" });
  assertEquals((await r.ci.waitForCommitCi(SHA, fast)).conclusion, "success");
  await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assert(r.gh.requests.length >= 3);
  for (const request of r.gh.requests) {
    assertEquals(request.headers.get("accept"), "application/vnd.github+json");
    assertEquals(request.headers.get("x-github-api-version"), "2022-11-28");
    assertEquals(request.headers.get("authorization"), `Bearer ${r.gh.token}`);
  }
});

Deno.test("github wait: all check runs pass → success with the run's web URL", async () => {
  await using r = await rig();
  r.gh.addCheckRun(SHA, { name: "build", status: "completed", conclusion: "success" });
  r.gh.addCheckRun(SHA, { name: "lint", status: "completed", conclusion: "skipped" });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "success");
  assertEquals(result.sha, SHA);
  assertStringIncludes(result.name, "build");
  assertMatch(result.url, /^http:\/\/127\.0\.0\.1:\d+\//);
  assertEquals(result.error, undefined);
});

Deno.test("github wait: reads every page past 100 check runs", async () => {
  await using r = await rig();
  for (let i = 0; i < 250; i++) {
    r.gh.addCheckRun(SHA, { name: `job-${i}`, status: "completed", conclusion: "success" });
  }
  r.gh.addCheckRun(SHA, { name: "job-late-failure", status: "completed", conclusion: "failure" });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "failure");
  assertEquals(result.name, "job-late-failure");
  const pages = r.gh.requests.filter((q) => q.path.endsWith("/check-runs"));
  assertEquals(pages.map((q) => q.query.get("page")), ["1", "2", "3"]);
  assert(pages.every((q) => q.query.get("per_page") === "100"));
});

Deno.test("github wait: a commit with only legacy statuses is decided by them", async () => {
  await using r = await rig();
  r.gh.addStatus(SHA, { context: "ci/jenkins", state: "pending" });
  let flipped = false;
  const result = await r.ci.waitForCommitCi(SHA, {
    ...fast,
    onProgress: (p) => {
      if (!flipped && p.pending.includes("ci/jenkins")) {
        flipped = true;
        r.gh.statuses.get(SHA)![0].state = "success";
        r.gh.statuses.get(SHA)![0].target_url = "https://jenkins.example.com/job/1/";
      }
    },
  });
  assert(flipped, "the pending status was reported through onProgress");
  assertEquals(result.conclusion, "success");
  assertEquals(result.url, "https://jenkins.example.com/job/1/");
});

Deno.test("github wait: mixed check runs and statuses — any failure fails", async () => {
  await using r = await rig();
  r.gh.addCheckRun(SHA, { name: "build", status: "completed", conclusion: "success" });
  r.gh.addStatus(SHA, { context: "security/scan", state: "error", target_url: "https://s/1" });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "failure");
  assertEquals(result.name, "security/scan");
  assertEquals(result.url, "https://s/1");
});

Deno.test("github wait: pending until the run completes; unchanged polls are 304s", async () => {
  await using r = await rig();
  r.gh.addCheckRun(SHA, { name: "build", status: "in_progress" });
  let polls = 0;
  const result = await r.ci.waitForCommitCi(SHA, {
    ...fast,
    onProgress: (p) => {
      polls = p.polls;
      assertEquals(p.pending, ["build"]);
      if (p.polls === 4) {
        r.gh.setCheckRun(SHA, "build", { status: "completed", conclusion: "cancelled" });
      }
    },
  });
  assertEquals(result.conclusion, "cancelled");
  assertEquals(polls, 4);
  assert(r.gh.stats.notModified >= 4, `304s: ${r.gh.stats.notModified}`);
  assert(r.ci.notModifiedCount >= 4);
  const conditional = r.gh.requests.filter((q) => q.headers.has("if-none-match"));
  assert(conditional.length >= 4);
});

Deno.test("github wait: a commit with nothing reported ends timeout at the deadline", async () => {
  await using r = await rig();
  const result = await r.ci.waitForCommitCi(OTHER_SHA, {
    timeoutMinutes: 0.002,
    pollIntervalSeconds: 0.01,
  });
  // Silence until the deadline is not proof that the commit has no CI.
  assertEquals(result.conclusion, "timeout");
});

Deno.test("github wait: 401, 403 (not a rate limit), 404, 422 end at once without retries", async () => {
  for (
    const [status, body] of [
      [401, { message: "Bad credentials" }],
      [403, { message: "Resource not accessible by integration" }],
      [404, { message: "Not Found" }],
      [422, { message: "No commit found for SHA" }],
    ] as const
  ) {
    await using r = await rig();
    r.gh.script({ path: /check-runs/, status, body, times: 10 });
    const result = await r.ci.waitForCommitCi(SHA, {
      timeoutMinutes: 1,
      pollIntervalSeconds: 0.01,
    });
    assertEquals(result.conclusion, "no_runs", `status ${status}`);
    assertStringIncludes(result.error ?? "", String(status));
    assertEquals(r.gh.requests.filter((q) => q.path.endsWith("/check-runs")).length, 1);
  }
});

Deno.test("github wait: a wrong token answers 401 and is never echoed", async () => {
  await using r = await rig({}, { env: { GITHUB_TOKEN: "ghp_wrong_token_abcdef" } });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "no_runs");
  assertStringIncludes(result.error ?? "", "401");
  assert(!JSON.stringify(result).includes("ghp_wrong_token_abcdef"));
  assert(!r.logger.text().includes("ghp_wrong_token_abcdef"));
});

Deno.test("github wait: 429 with Retry-After, secondary and primary rate limits are waited out", async () => {
  await using r = await rig();
  r.gh.addCheckRun(SHA, { name: "build", status: "completed", conclusion: "success" });
  r.gh.script(secondaryRateLimit({ path: /check-runs/, retryAfter: 0, status: 429 }));
  r.gh.script(secondaryRateLimit({ path: /check-runs/, retryAfter: 0, status: 403 }));
  r.gh.script(primaryRateLimit({ path: /\/status$/, reset: Math.floor(Date.now() / 1000) - 1 }));
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "success");
  assertEquals(r.gh.pendingScripts, 0);
});

Deno.test("github wait: a burst of 500s is retried within the poll", async () => {
  await using r = await rig();
  r.gh.addCheckRun(SHA, { name: "build", status: "completed", conclusion: "success" });
  r.gh.script({ path: /check-runs/, status: 500, body: { message: "Server Error" }, times: 6 });
  const result = await r.ci.waitForCommitCi(SHA, {
    timeoutMinutes: 0.5,
    pollIntervalSeconds: 0.01,
  });
  assertEquals(result.conclusion, "success");
  assert(r.logger.text().includes("will poll again"), "the outage is logged");
});

Deno.test("github wait: a server echoing the token in an error never leaks it", async () => {
  await using r = await rig();
  r.gh.script({
    path: /check-runs/,
    status: 404,
    body: { message: `no such thing for token ${r.gh.token}` },
  });
  const result = await r.ci.waitForCommitCi(SHA, fast);
  assertEquals(result.conclusion, "no_runs");
  assert(!JSON.stringify(result).includes(r.gh.token));
  assertStringIncludes(result.error ?? "", "***");
});

Deno.test("github wait: an abort while the API hangs resolves cancelled", async () => {
  await using r = await rig();
  r.gh.script({ path: /check-runs/, hangMs: 60_000 });
  const controller = new AbortController();
  const pending = r.ci.waitForCommitCi(SHA, { timeoutMinutes: 5, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const result = await pending;
  assertEquals(result.conclusion, "cancelled");
});

Deno.test("github wait: the deadline ends a wait whose request hangs", async () => {
  await using r = await rig();
  r.gh.script({ path: /check-runs/, hangMs: 60_000 });
  const result = await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 0.003, pollIntervalSeconds: 1 });
  assertEquals(result.conclusion, "timeout");
  assertStringIncludes(result.error ?? "", "did not answer");
});

Deno.test("github: classify maps every check conclusion and status state", () => {
  const run = (conclusion: string | null, status = "completed") => ({
    name: `r-${conclusion}`,
    status,
    conclusion,
  });
  assertEquals(classify([], []).state, "none");
  assertEquals(classify([run(null, "queued")], []).state, "pending");
  for (const c of ["failure", "timed_out", "action_required", "startup_failure"]) {
    const snap = classify([run("success"), run(c)], []);
    assert(snap.state === "done" && snap.conclusion === "failure", c);
  }
  for (const c of ["success", "neutral", "skipped"]) {
    const snap = classify([run(c)], [{ context: "s", state: "success" }]);
    assert(snap.state === "done" && snap.conclusion === "success", c);
  }
  const cancelled = classify([run("success"), run("cancelled")], []);
  assert(cancelled.state === "done" && cancelled.conclusion === "cancelled");
  const pendingStatus = classify([run("success")], [{ context: "ext", state: "pending" }]);
  assertEquals(pendingStatus, { state: "pending", pending: ["ext"] });
  const failedStatus = classify([], [{ context: "ext", state: "failure" }]);
  assert(failedStatus.state === "done" && failedStatus.conclusion === "failure");
});

Deno.test("github review PR: created once from pace/review-day-N into the default branch", async () => {
  await using r = await rig({ defaultBranch: "trunk" });
  r.gh.branches.add("pace/review-day-14");
  const url = await r.ci.openReviewPr(14, r.paceDir, "Focus on the auth flow");
  assertMatch(url, /\/octo\/pace-demo\/pull\/\d+$/);
  assertEquals(r.gh.pulls.length, 1);
  const pr = r.gh.pulls[0];
  assertEquals(pr.title, "[PACE Review Gate] Days 1\u201314");
  assertEquals(pr.head, "pace/review-day-14");
  assertEquals(pr.base, "trunk");
  assertStringIncludes(pr.body ?? "", "## Context");
  assertStringIncludes(pr.body ?? "", "Focus on the auth flow");
  const list = r.gh.requests.find((q) => q.method === "GET" && q.path.endsWith("/pulls"));
  assertEquals(list?.query.get("head"), "octo:pace/review-day-14");
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), url);
  assertEquals(r.gh.pulls.length, 1, "a re-run does not open a second PR");
});

Deno.test("github review PR: a merged PR is returned; a missing branch is explained", async () => {
  await using r = await rig();
  assertEquals(await r.ci.openReviewPr(15, r.paceDir), "");
  assertMatch(r.logger.text(), /pace\/review-day-15 must exist/);
  r.gh.branches.add("pace/review-day-16");
  const url = await r.ci.openReviewPr(16, r.paceDir);
  r.gh.pulls[0].state = "closed";
  r.gh.pulls[0].merged_at = new Date().toISOString();
  assertEquals(await r.ci.openReviewPr(16, r.paceDir), url);
  assertEquals(r.gh.pulls.length, 1);
});

Deno.test("github review PR: a PR opened by a concurrent run (422 already exists) is returned", async () => {
  await using r = await rig();
  r.gh.branches.add("pace/review-day-14");
  let raced = false;
  const racing: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!raced && request.method === "POST" && new URL(request.url).pathname.endsWith("/pulls")) {
      raced = true;
      r.gh.addPull({
        title: "[PACE Review Gate] Days 1\u201314",
        head: "pace/review-day-14",
        base: "main",
      });
    }
    return await fetch(request);
  };
  const ci = getCIAdapter("github", {
    env: r.env,
    repoRoot: r.root,
    logger: r.logger,
    fetch: racing,
  });
  const url = await ci.openReviewPr(14, r.paceDir);
  assert(raced);
  assertMatch(url, /\/pull\/\d+$/);
  assertEquals(r.gh.pulls.length, 1);
});

Deno.test("github tracker: escalation title, labels and body; found again on a re-run", async () => {
  await using r = await rig();
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertMatch(url, /\/octo\/pace-demo\/issues\/\d+$/);
  const issue = r.gh.issues[0];
  assertEquals(issue.title, "[PACE HOLD] Day 3 \u2014 Integration tests fail on the reset mail");
  assertEquals(issue.labels, ["pace-hold", "pace-day-3"]);
  assertMatch(issue.body ?? "", /Blocker.*Integration tests fail on the reset mail/);
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3), "other reason"), url);
  assertEquals(r.gh.issues.length, 1);
  issue.state = "closed";
  const reopened = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertNotEquals(reopened, url, "only an open escalation counts as existing");
  const search = r.gh.requests.find((q) => q.method === "GET" && q.path.endsWith("/issues"));
  assertEquals(search?.query.get("labels"), "pace-hold,pace-day-3");
  assertEquals(search?.query.get("state"), "open");
});

Deno.test("github tracker: a create that GitHub performed but answered 502 is not duplicated", async () => {
  await using r = await rig();
  let failed = false;
  const flaky: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    if (!failed && request.method === "POST" && new URL(request.url).pathname.endsWith("/issues")) {
      failed = true;
      await response.body?.cancel();
      return new Response("<html>Bad Gateway</html>", { status: 502 });
    }
    return response;
  };
  const tracker = getTrackerAdapter("github", {
    env: r.env,
    repoRoot: r.root,
    logger: r.logger,
    fetch: flaky,
  });
  const url = await tracker.openEscalationIssue(3, r.dayDir(3));
  assert(failed);
  assertMatch(url, /\/issues\/\d+$/);
  assertEquals(r.gh.issues.length, 1, "POST is not retried blindly");
  assertEquals(await tracker.openEscalationIssue(3, r.dayDir(3)), url);
  assertEquals(r.gh.issues.length, 1);
});

Deno.test("github tracker: advisories per day and agent, empty list sends nothing", async () => {
  await using r = await rig();
  const before = r.gh.requests.length;
  assertEquals(await r.tracker.pushAdvisoryItems(3, [], "SENTINEL"), "");
  assertEquals(r.gh.requests.length, before);
  const items = [{ id: "S-1", finding: "Token printed in debug log" }, { id: "S-2", finding: "x" }];
  const sentinel = await r.tracker.pushAdvisoryItems(3, items, "SENTINEL");
  const conduit = await r.tracker.pushAdvisoryItems(3, items.slice(0, 1), "conduit");
  assertNotEquals(sentinel, conduit);
  assertEquals(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"), sentinel);
  const [first, second] = r.gh.issues;
  assertEquals(first.title, "[PACE Advisory] SENTINEL Day 3 \u2014 2 finding(s)");
  assertEquals(first.labels, ["pace-advisory", "pace-sentinel", "pace-day-3"]);
  assertStringIncludes(first.body ?? "", "- [S-1] Token printed in debug log");
  assertEquals(second.labels, ["pace-advisory", "pace-conduit", "pace-day-3"]);
  assertEquals(r.gh.issues.length, 2);
});

Deno.test("github tracker: labels dropped (no push access) — re-runs find each item by its marker", async () => {
  await using r = await rig();
  r.gh.pushAccess = false;
  const items = [{ id: "S-1", finding: "Token printed in debug log" }];
  const escalation = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  const sentinel = await r.tracker.pushAdvisoryItems(3, items, "SENTINEL");
  const conduit = await r.tracker.pushAdvisoryItems(3, items, "CONDUIT");
  const story = await r.tracker.pushStory(1, r.dayDir(1));
  assertEquals(r.gh.issues.map((issue) => issue.labels), [[], [], [], []], "GitHub dropped them");
  assertEquals(new Set([escalation, sentinel, conduit, story]).size, 4);
  const warnings = r.logger.lines.filter((line) => line.startsWith("warn:"));
  assertEquals(warnings.length, 4, warnings.join("\n"));
  assertStringIncludes(warnings[0], "created without the labels pace-hold, pace-day-3");
  assert(warnings.every((line) => line.includes("push access")), warnings.join("\n"));

  // Re-runs, the story's record gone as in a fresh checkout: no second issue.
  await Deno.remove(join(r.dayDir(1), "story-ticket.yaml"));
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), escalation);
  assertEquals(await r.tracker.pushAdvisoryItems(3, items, "CONDUIT"), conduit);
  assertEquals(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"), sentinel);
  assertEquals(await r.tracker.pushStory(1, r.dayDir(1)), story);
  assertEquals(r.gh.issues.length, 4, "one issue per item");
  assertEquals(r.gh.requests.filter((q) => q.method === "POST").length, 4);
});

Deno.test("github tracker: labels dropped and the create answered 502 — found by its marker", async () => {
  await using r = await rig();
  r.gh.pushAccess = false;
  r.gh.script({ method: "POST", path: /\/issues$/, status: 502, perform: true });
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertMatch(url, /\/octo\/pace-demo\/issues\/1$/);
  assertEquals(r.gh.issues[0].labels, []);
  assertEquals(r.gh.issues.length, 1);
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url);
  assertEquals(r.gh.issues.length, 1);
});

Deno.test("github tracker: story issue, its reference, status changes and handoff comment", async () => {
  await using r = await rig();
  const url = await r.tracker.pushStory(1, r.dayDir(1));
  const issue = r.gh.issues[0];
  assertEquals(issue.title, "[PACE Day 1] Sign-up form");
  assertEquals(issue.labels, ["pace-story", "pace-day-1"]);
  assertStringIncludes(issue.body ?? "", "a visitor can create an account");
  const ref = await Deno.readTextFile(join(r.dayDir(1), "story-ticket.yaml"));
  assertStringIncludes(ref, `url: ${url}`);
  assertStringIncludes(ref, `id: ${issue.number}`);
  assertStringIncludes(ref, "platform: github");
  assertEquals(await r.tracker.pushStory(1, r.dayDir(1)), url);

  await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
  assertEquals([issue.state, issue.state_reason], ["closed", "completed"]);
  await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress");
  assertEquals(issue.state, "open");

  await r.tracker.postHandoffComment(1, r.dayDir(1));
  await r.tracker.postHandoffComment(1, r.dayDir(1));
  assertEquals(r.gh.comments.length, 1, "the handoff is commented once");
  assertStringIncludes(r.gh.comments[0].body, "Sign-up form with validation.");
  assertEquals(r.gh.issues.length, 1);
});

Deno.test("github tracker: a story reference that is not an issue number is refused", async () => {
  await using r = await rig();
  await Deno.writeTextFile(
    join(r.dayDir(1), "story-ticket.yaml"),
    "url: https://x/y\nid: ../../admin\nplatform: github\n",
  );
  const before = r.gh.requests.length;
  await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
  assertEquals(r.gh.requests.length, before);
  assertStringIncludes(r.logger.text(), "not an issue number");
});

Deno.test("github tracker: closePlanIssue closes as completed", async () => {
  await using r = await rig();
  const issue = r.gh.addIssue({ title: "Plan", labels: ["plan"] });
  await r.tracker.closePlanIssue(issue.number);
  assertEquals([issue.state, issue.state_reason], ["closed", "completed"]);
  await r.tracker.closePlanIssue(9999);
  assertStringIncludes(r.logger.text(), "404");
});

Deno.test("github variables: create, update, env first, 403 explained", async () => {
  await using r = await rig({}, { env: { FROM_ENV: "env-value" } });
  assert(await r.ci.setVariable("PACE_DAY", "3"));
  assertEquals(r.gh.variables.get("PACE_DAY")?.value, "3");
  assert(await r.ci.setVariable("PACE_DAY", "4"));
  assertEquals(r.gh.variables.get("PACE_DAY")?.value, "4");
  assertEquals(await r.ci.getVariable("PACE_DAY"), "4");
  assertEquals(await r.ci.getVariable("FROM_ENV"), "env-value");
  assertEquals(await r.ci.getVariable("NOPE"), undefined);
  assertEquals(await r.ci.setVariable("GITHUB_X", "1"), false);
  r.gh.script({
    method: "POST",
    path: /actions\/variables/,
    status: 403,
    body: { message: "Resource not accessible by integration" },
  });
  assertEquals(await r.ci.setVariable("OTHER", "1"), false);
  assertStringIncludes(r.logger.text(), "Variables: write");
});

Deno.test("github job summary: appended to GITHUB_STEP_SUMMARY, capped at 1 MiB", async () => {
  const dir = await Deno.makeTempDir();
  const summary = join(dir, "step_summary");
  try {
    await using r = await rig({}, { env: { GITHUB_STEP_SUMMARY: summary } });
    await Deno.writeTextFile(summary, "earlier step\n");
    await r.ci.writeJobSummary("# PACE day 3\n");
    assertEquals(await Deno.readTextFile(summary), "earlier step\n# PACE day 3\n");
    await r.ci.writeJobSummary("x".repeat(2 * 1024 * 1024));
    const text = await Deno.readTextFile(summary);
    assert(new TextEncoder().encode(text).length <= 1024 * 1024);
    assert(text.startsWith("earlier step\n# PACE day 3\nxxx"));
    assertStringIncludes(text, "truncated");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("github permissions: the API host (with its port) and GitHub's variables", () => {
  const perms = requiredPermissions(
    { platform: { ci: "github", tracker: "github" } },
    {
      env: { GITHUB_API_URL: "https://ghe.example.com:8443/api/v3", GITHUB_STEP_SUMMARY: "/tmp/s" },
    },
  );
  assertEquals(perms.net, ["ghe.example.com:8443"]);
  assert(perms.env.includes("GITHUB_TOKEN") && perms.env.includes("GITHUB_REPOSITORY"));
  assert(perms.write.includes("/tmp/s"));
  const flags = permissionFlags(
    requiredPermissions({ platform: { ci: "github", tracker: "github" } }, { env: {} }),
  );
  assertStringIncludes(flags, "--allow-net=api.github.com ");
});
