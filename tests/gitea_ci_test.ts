/**
 * Gitea CI over real HTTP: the commit statuses rules (latest per context,
 * warning, pending against Gitea's combined `state`), pagination, the
 * deciding status's URL and name, Actions variables, review PRs, the job
 * summary, and faults.
 */
import { join } from "node:path";
import { classifyStatuses } from "../platforms/gitea/statuses.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";
import { FAST, giteaRig } from "./servers/gitea/rig.ts";

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

// ---------------------------------------------------------------------------
// The rules

Deno.test("gitea statuses: pending waits; failure or error fails; success and warning pass", () => {
  const s = (context: string, status: string, url = `https://ci/${context}`) => ({
    context,
    status,
    target_url: url,
  });
  assertEquals(classifyStatuses([]), { state: "none" });
  assertEquals(classifyStatuses([s("a", "success"), s("b", "pending")]), {
    state: "pending",
    pending: ["b"],
  });
  // A failure does not end the wait while another context runs.
  assertEquals(classifyStatuses([s("a", "failure"), s("b", "pending")]).state, "pending");
  assertEquals(classifyStatuses([s("a", "success"), s("b", "error")]), {
    state: "done",
    conclusion: "failure",
    name: "b",
    url: "https://ci/b",
  });
  assertEquals(classifyStatuses([s("a", "warning"), s("b", "success")]).state, "done");
  assertEquals(
    (classifyStatuses([s("a", "warning"), s("b", "skipped")]) as { conclusion: string })
      .conclusion,
    "success",
  );
  // A state no version answers yet decides nothing: the wait goes on.
  assertEquals(classifyStatuses([s("a", "success"), s("b", "queued")]), {
    state: "pending",
    pending: ["b (queued)"],
  });
});

Deno.test("gitea statuses: the latest per context counts; the newest success decides", () => {
  const at = (context: string, status: string, time: string, id: number) => ({
    context,
    status,
    id,
    updated_at: time,
    target_url: `https://ci/${context}/${id}`,
  });
  const snapshot = classifyStatuses([
    at("build", "failure", "2026-01-05T08:00:00Z", 1),
    at("build", "success", "2026-01-05T08:05:00Z", 3),
    at("lint", "success", "2026-01-05T08:01:00Z", 2),
  ]);
  assertEquals(snapshot, {
    state: "done",
    conclusion: "success",
    name: "build",
    url: "https://ci/build/3",
  });
});

Deno.test("gitea: a wait reads the statuses, not the combined state (warning while pending)", async () => {
  await using r = await giteaRig();
  const g = r.gitea;
  g.addStatus(SHA, { context: "lint", state: "warning" });
  g.addStatus(SHA, { context: "build", state: "pending" });
  let polls = 0;
  const result = await r.ci.waitForCommitCi(SHA, {
    ...FAST,
    onProgress: (p) => {
      polls = p.polls;
      // Gitea's combined state says "warning" here; the build still runs.
      if (p.polls === 2) g.addStatus(SHA, { context: "build", state: "success" });
    },
  });
  assert(polls >= 2);
  assertEquals(result.conclusion, "success");
  assertEquals(result.name, "build", "the newest success decides");
  assertEquals(result.url, g.statuses.at(-1)!.target_url);
  // One round trip per poll: a page of the combined status, nothing else.
  assertEquals(r.gitea.requests.map((q) => q.operation), [
    "GET /repos/{}/{}/commits/{}/status",
    "GET /repos/{}/{}/commits/{}/status",
    "GET /repos/{}/{}/commits/{}/status",
  ]);
  assertEquals(r.gitea.requests[0].query.get("limit"), "50");
});

Deno.test("gitea: the first failing status decides, with its target_url and context", async () => {
  await using r = await giteaRig();
  r.gitea.addStatus(SHA, { context: "woodpecker/pr", state: "success" });
  const failing = r.gitea.addStatus(SHA, {
    context: "drone/push",
    state: "error",
    target_url: "https://drone.example.com/org/repo/41",
  });
  const result = await r.ci.waitForCommitCi(SHA, FAST);
  assertEquals(result, {
    conclusion: "failure",
    url: failing.target_url,
    name: "drone/push",
    sha: SHA,
  });
});

Deno.test("gitea: a context that failed then passed counts as passed (latest per context)", async () => {
  await using r = await giteaRig();
  r.gitea.addStatus(SHA, { context: "ci/test", state: "failure" });
  r.gitea.addStatus(SHA, { context: "ci/test", state: "success" });
  assertEquals((await r.ci.waitForCommitCi(SHA, FAST)).conclusion, "success");
});

Deno.test("gitea: nothing reported yet keeps polling to a timeout, never no_runs", async () => {
  await using r = await giteaRig();
  const result = await r.ci.waitForCommitCi(SHA, {
    timeoutMinutes: 0.005,
    pollIntervalSeconds: 0.05,
  });
  assertEquals(result.conclusion, "timeout");
  assert(r.gitea.requests.length >= 2, "it asked more than once");
});

Deno.test("gitea: a short SHA is asked as it is; Gitea resolves it to the commit", async () => {
  await using r = await giteaRig();
  r.gitea.addStatus(SHA, { context: "ci", state: "success" });
  assertEquals((await r.ci.waitForCommitCi(SHA.slice(0, 12), FAST)).conclusion, "success");
  assertEquals(
    r.gitea.requests[0].path,
    `/repos/pace-org/pace-demo/commits/${SHA.slice(0, 12)}/status`,
  );
});

// ---------------------------------------------------------------------------
// Pagination

Deno.test("gitea: more contexts than a page: pages beyond the first as X-Total-Count says", async () => {
  await using r = await giteaRig();
  for (let i = 0; i < 120; i++) r.gitea.addStatus(SHA, { context: `job-${i}`, state: "success" });
  const failing = r.gitea.addStatus(SHA, { context: "job-late", state: "failure" });
  r.gitea.addStatus(SHA, { context: "job-0", state: "failure" });
  const result = await r.ci.waitForCommitCi(SHA, FAST);
  assertEquals(result.conclusion, "failure");
  assertEquals(r.gitea.requests.map((q) => q.query.get("page")), ["1", "2", "3"]);
  assert([failing.context, "job-0"].includes(result.name));
});

Deno.test("gitea: a server serving smaller pages than asked is read to the end", async () => {
  await using r = await giteaRig({ maxLimit: 20 });
  for (let i = 0; i < 45; i++) r.gitea.addStatus(SHA, { context: `job-${i}`, state: "success" });
  r.gitea.addStatus(SHA, { context: "job-3", state: "pending" });
  let pending: string[] = [];
  const result = await r.ci.waitForCommitCi(SHA, {
    timeoutMinutes: 0.005,
    pollIntervalSeconds: 0.05,
    onProgress: (p) => void (pending = p.pending),
  });
  assertEquals(result.conclusion, "timeout");
  assertEquals(pending, ["job-3"]);
  assertEquals(r.gitea.requests.slice(0, 3).map((q) => q.query.get("page")), ["1", "2", "3"]);
});

// ---------------------------------------------------------------------------
// Variables

Deno.test("gitea variables: created, then updated; Gitea stores the name upper-cased", async () => {
  await using r = await giteaRig();
  assertEquals(await r.ci.setVariable("pace_release", "v1"), true);
  assertEquals(r.gitea.variables.get("PACE_RELEASE")?.data, "v1");
  assertEquals(await r.ci.setVariable("PACE_RELEASE", "v2"), true);
  assertEquals(r.gitea.variables.get("PACE_RELEASE")?.data, "v2");
  assertEquals(r.writes().map((q) => `${q.method} ${q.status}`), [
    "POST 201",
    "POST 409",
    "PUT 204",
  ]);
  assertEquals(r.writes()[2].body, { value: "v2" });
  // Read back by either case; the environment answers first.
  assertEquals(await r.ci.getVariable("pace_release"), "v2");
  assertEquals(await r.ci.getVariable("PACE_ABSENT"), undefined);
  const ci = r.build("ci", { env: { ...r.env, PACE_RELEASE: "from-env" } });
  assertEquals(await ci.getVariable("PACE_RELEASE"), "from-env");
});

Deno.test("gitea variables: an older server's 400 for an existing name also updates", async () => {
  await using r = await giteaRig();
  r.gitea.variableExistsStatus = 400;
  r.gitea.setVariable("PACE_DAY", "1");
  assertEquals(await r.ci.setVariable("PACE_DAY", "2"), true);
  assertEquals(r.gitea.variables.get("PACE_DAY")?.data, "2");
});

Deno.test("gitea variables: reserved and malformed names are refused before any request", async () => {
  await using r = await giteaRig();
  for (const name of ["GITHUB_SHA", "gitea_token", "GITEA_X", "1ABC", "A-B", ""]) {
    assertEquals(await r.ci.setVariable(name, "x"), false, name);
  }
  assertEquals(r.gitea.requests, []);
  assertMatch(r.logger.text(), /GITHUB_ or GITEA_ are reserved/);
});

Deno.test("gitea variables: a token without write:repository is told so", async () => {
  await using r = await giteaRig({ scopes: ["read:repository"] });
  assertEquals(await r.ci.setVariable("PACE_X", "1"), false);
  assertStringIncludes(r.logger.text(), "write:repository scope");
});

// ---------------------------------------------------------------------------
// Review PRs

Deno.test("gitea review PR: into the default branch, once; found on a re-run", async () => {
  await using r = await giteaRig({ defaultBranch: "trunk" });
  r.gitea.addBranch("pace/review-day-14");
  const url = await r.ci.openReviewPr(14, r.paceDir);
  assertEquals(url, `${r.gitea.webUrl}/pulls/1`);
  const created = r.calls("/pulls", "POST")[0] as { body: Record<string, string> };
  assertEquals(created.body.head, "pace/review-day-14");
  assertEquals(created.body.base, "trunk");
  assertStringIncludes(created.body.title, "[PACE Review Gate] Days 1–14");
  const before = r.writes().length;
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), url);
  assertEquals(r.writes().length, before, "a re-run writes nothing");
  assert(r.calls("/pulls/trunk/pace%2Freview-day-14", "GET").length >= 2, "head is one segment");
});

Deno.test("gitea review PR: a closed one of the pair is no open one; a merged one is the review", async () => {
  await using r = await giteaRig();
  r.gitea.addPull("pace/review-day-14", "main", { state: "closed" });
  const url = await r.ci.openReviewPr(14, r.paceDir);
  assertEquals(url, `${r.gitea.webUrl}/pulls/2`, "a new one next to the closed one");
  r.gitea.issues[1].state = "closed";
  r.gitea.issues[1].pull!.merged = true;
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), url, "the merged review is returned");
  assertEquals(r.gitea.pulls.length, 2);
});

Deno.test("gitea review PR: an older reopened one is found behind a newer closed one", async () => {
  await using r = await giteaRig();
  const older = r.gitea.addPull("pace/review-day-14", "main");
  r.gitea.addPull("pace/review-day-14", "main", { state: "closed" });
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), `${r.gitea.webUrl}/pulls/${older.number}`);
  assertEquals(r.writes(), []);
});

Deno.test("gitea review PR: after a 502 that created it, the re-look finds it", async () => {
  await using r = await giteaRig();
  r.gitea.addBranch("pace/review-day-14");
  r.gitea.script({ method: "POST", path: /\/pulls$/, perform: true });
  const url = await r.ci.openReviewPr(14, r.paceDir);
  assertEquals(url, `${r.gitea.webUrl}/pulls/1`);
  assertEquals(r.gitea.pulls.length, 1);
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), url);
  assertEquals(r.gitea.pulls.length, 1);
});

Deno.test("gitea review PR: a branch not pushed yet is named in the error", async () => {
  await using r = await giteaRig();
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), "");
  assertMatch(r.logger.text(), /branch pace\/review-day-14 must exist on Gitea; push it first/);
});

// ---------------------------------------------------------------------------
// Job summary

Deno.test("gitea job summary: the runner's GITHUB_STEP_SUMMARY when set, else pace-summary.md", async () => {
  await using r = await giteaRig();
  const summary = join(r.root, "step-summary.md");
  await Deno.writeTextFile(summary, "earlier\n");
  const inRunner = r.build("ci", { env: { ...r.env, GITHUB_STEP_SUMMARY: summary } });
  assertEquals(await inRunner.writeJobSummary("## Day 3\n"), true);
  assertEquals(await Deno.readTextFile(summary), "earlier\n## Day 3\n");
  assertEquals(await r.ci.writeJobSummary("## Day 4"), true);
  assertEquals(await Deno.readTextFile(join(r.root, "pace-summary.md")), "## Day 4\n");
  assertEquals(r.gitea.requests, []);
});

// ---------------------------------------------------------------------------
// Faults

Deno.test("gitea: a burst of 500s is retried; the wait still ends on the statuses", async () => {
  await using r = await giteaRig();
  r.gitea.addStatus(SHA, { context: "ci", state: "success" });
  r.gitea.script({ path: /\/status$/, status: 500, body: { message: "boom" }, times: 2 });
  assertEquals((await r.ci.waitForCommitCi(SHA, FAST)).conclusion, "success");
  assertEquals(r.gitea.pendingScripts, 0);
});

Deno.test("gitea: a closed port resolves the CI calls, the token never in the log", async () => {
  await using r = await giteaRig();
  const ci = r.build("ci", { env: { ...r.env, GITEA_URL: "http://127.0.0.1:9" } });
  const wait = await ci.waitForCommitCi(SHA, { timeoutMinutes: 0.002, pollIntervalSeconds: 0.05 });
  assertEquals(wait.conclusion, "timeout");
  assertEquals(await ci.setVariable("PACE_X", "1"), false);
  assert(!JSON.stringify(wait).includes(r.gitea.token));
});
