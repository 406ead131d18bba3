/**
 * GitHub branching over real HTTP against the fake GitHub (every request
 * checked against GitHub's OpenAPI description): the cases every forge shares,
 * with GitHub's own requests checked, and GitHub's own answers (refs as Git
 * references, 409 for an empty repository, 422s, push access, Enterprise).
 */
import { listPlatforms } from "../mod.ts";
import {
  branchingCases,
  type BranchingForge,
  type BranchingRig,
  branchSetViews,
  forgeRig,
} from "./_branching_cases.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";
import { FakeGitHub, type FakeGitHubOptions, gitHubValidator } from "./servers/github.ts";

const MAIN_SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const OTHER_SHA = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";

interface Rig extends BranchingRig {
  gh: FakeGitHub;
  /** Requests that would change the repository. */
  writes(): string[];
}

async function rig(options: FakeGitHubOptions = {}, env: Record<string, string> = {}) {
  const gh = await FakeGitHub.start(options);
  gh.addBranch("main", MAIN_SHA);
  const writes = () =>
    gh.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
  return forgeRig(gh, {
    platform: "github",
    env: {
      GITHUB_TOKEN: gh.token,
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_API_URL: gh.url,
      ...env,
    },
    secrets: [gh.token],
    rule: "every request matches GitHub's OpenAPI description",
    routes: {
      "get-branch": { method: "GET", path: /\/git\/ref\// },
      "create-branch": { method: "POST", path: /\/git\/refs$/ },
      "create-pull": { method: "POST", path: /\/pulls$/ },
    },
    errorBody: { message: "Server Error" },
  }, {
    gh,
    writes,
    ...branchSetViews(gh, OTHER_SHA),
    pullLabels: () => gh.pulls.map((p) => p.labels),
  });
}

const refsCreated = (gh: FakeGitHub) =>
  gh.requests.filter((r) => r.method === "POST" && r.path.endsWith("/git/refs"))
    .map((r) => r.body as { ref: string; sha: string });

const github = (r: BranchingRig) => (r as Rig).gh;

const forge: BranchingForge = {
  name: "github",
  label: "github branching",
  rig: (env) => rig({}, env),
  mainSha: () => MAIN_SHA,
  wrongCredential: {
    env: { GITHUB_TOKEN: "ghp_wrong_token_0123456789" },
    secret: /ghp_wrong_token/,
  },
  async closed() {
    const closed = await FakeGitHub.start();
    await closed.close();
    const env = {
      GITHUB_TOKEN: closed.token,
      GITHUB_REPOSITORY: "octo/pace-demo",
      GITHUB_API_URL: closed.url,
    };
    return { env, token: closed.token };
  },
  pullUrl: /^http:\/\/127\.0\.0\.1:\d+\/octo\/pace-demo\/pull\/1$/,
  config: "platform:\n  ci: github\n  tracker: github\n",
  extras: {
    present(r) {
      // The ref keeps its slashes (GitHub's x-multi-segment); each segment is encoded.
      assertEquals(github(r).requests.map((q) => `${q.method} ${q.path}`), [
        "GET /repos/octo/pace-demo/git/ref/heads/main",
        "GET /repos/octo/pace-demo/git/ref/heads/staging",
        "GET /repos/octo/pace-demo/git/ref/heads/release/v2.0",
        "GET /repos/octo/pace-demo/git/ref/heads/release/v2.1",
        "GET /repos/octo/pace-demo/git/ref/heads/feat/%237%25",
      ]);
      assert(github(r).requests.every((q) => q.operationId === "git/get-ref"));
    },
    created(r) {
      assertEquals(refsCreated(github(r)), [{ ref: "refs/heads/release/v2.0", sha: OTHER_SHA }]);
      assertStringIncludes(r.logger.text(), "created release/v2.0 at 9c3a1e2, the head of staging");
    },
    hierarchy(r) {
      assertEquals(refsCreated(github(r)), [
        { ref: "refs/heads/staging", sha: MAIN_SHA },
        { ref: "refs/heads/release/v2.0", sha: MAIN_SHA },
        { ref: "refs/heads/rel/sprint/pace-3", sha: MAIN_SHA },
      ]);
    },
    pullRequest(r, _url, before) {
      const gh = github(r);
      const [pull] = gh.pulls;
      assertEquals([pull.head, pull.base, pull.title, pull.body], [
        "rel/sprint/pace-1",
        "release/v2.0",
        "Sprint 1 into v2.0",
        "Ships the sign-up form.",
      ]);
      const sent = gh.requests.slice(before);
      assertEquals(sent.map((q) => q.operationId), [
        "pulls/list",
        "pulls/create",
        "issues/add-labels",
      ]);
      assertEquals(Object.fromEntries(sent[0].query), {
        head: "octo:rel/sprint/pace-1",
        base: "release/v2.0",
        state: "open",
        per_page: "100",
        page: "1",
      });
      assertEquals(sent[2].body, { labels: ["pace-release", "pace-sprint-1"] });
    },
  },
};

branchingCases(forge);

Deno.test("github branching: the adapter is GitHub's, listed with its branching side", async () => {
  await using r = await rig();
  assertEquals(r.branching.platform, "github");
  assertEquals(listPlatforms().find((p) => p.name === "github")?.branching, true);
});

Deno.test("github branching: an empty repository (409) has no branch", async () => {
  await using r = await rig();
  r.gh.branches.clear();
  assertEquals(await r.branching.getBranchSha("main"), undefined);
  assertEquals(r.gh.requests.map((q) => q.status), [409]);
});

Deno.test("github branching: a missing parent creates nothing and resolves false", async () => {
  await using r = await rig();
  assertEquals(await r.branching.createBranch("staging", "develop"), false);
  assertEquals(r.writes(), []);
  assertEquals(r.gh.branches.has("staging"), false);
  assertStringIncludes(r.logger.text(), "cannot create staging: develop does not exist");
});

Deno.test("github branching: a branch created meanwhile (422 Reference already exists) is there", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", OTHER_SHA);
  // The first look misses it, as when a concurrent run creates it in between.
  r.gh.script({ method: "GET", path: /\/git\/ref\/heads\/staging$/, status: 404, body: {} });
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(r.gh.requests.filter((q) => q.method === "POST").map((q) => q.status), [422]);
  assertEquals(r.gh.headOf("staging"), OTHER_SHA, "not moved");
});

Deno.test("github branching: a refused create (403) stops the hierarchy there, naming the permission", async () => {
  await using r = await rig();
  r.gh.pushAccess = false;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals(r.writes(), ["POST /repos/octo/pace-demo/git/refs"], "one attempt, nothing below");
  assertEquals([...r.gh.branches], ["main"]);
  assertStringIncludes(r.logger.text(), '"contents: write"');
});

Deno.test("github branching: a closed pull request or one into another base is not reused", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", MAIN_SHA);
  r.gh.addPull({ head: "staging", base: "main", state: "closed" });
  r.gh.addBranch("release/v2.0", MAIN_SHA);
  r.gh.addPull({ head: "release/v2.0", base: "main" });
  const url = await r.branching.createPullRequest("release/v2.0", "staging", "T", "");
  assertMatch(url, /\/pull\/3$/);
  assertEquals(r.gh.pulls.filter((p) => p.state === "open").length, 2);
});

Deno.test("github branching: a pull request opened concurrently (422 already exists) is returned", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", OTHER_SHA);
  const existing = r.gh.addPull({ head: "staging", base: "main" });
  // The first lookup misses it, as when another run opens it in between.
  r.gh.script({ method: "GET", path: /\/pulls$/, status: 200, body: [] });
  const url = await r.branching.createPullRequest("staging", "main", "T", "B");
  assertMatch(url, new RegExp(`/pull/${existing.number}$`));
  assertEquals(r.gh.pulls.length, 1);
});

Deno.test('github branching: a head without commits beyond its base (422 No commits between) is ""', async () => {
  await using r = await rig();
  r.gh.addBranch("staging", MAIN_SHA);
  // GitHub refuses a pull request whose head adds nothing to its base.
  r.gh.on("POST", /^\/pulls$/, () => ({
    status: 422,
    body: {
      message: "Validation Failed",
      errors: [{
        resource: "PullRequest",
        code: "custom",
        message: "No commits between main and staging",
      }],
      documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
      status: "422",
    },
  }));
  assertEquals(await r.branching.createPullRequest("staging", "main", "T", "B"), "");
  assertStringIncludes(r.logger.text(), "No commits between main and staging");
  assertEquals(r.gh.pulls.length, 0);
});

Deno.test("github branching: labels refused (no push access) are a warning; the pull request counts", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", OTHER_SHA);
  r.gh.pushAccess = false;
  const url = await r.branching.createPullRequest("staging", "main", "T", "B", ["pace-release"]);
  assertMatch(url, /\/pull\/1$/);
  assertEquals(r.gh.pulls[0].labels, []);
  const warnings = r.logger.lines.filter((l) => l.startsWith("warn:"));
  assertEquals(warnings.length, 1, warnings.join("\n"));
  assertStringIncludes(warnings[0], "labels pace-release not added");
  assertStringIncludes(warnings[0], "push access");
});

Deno.test("github branching: labels dropped from the answer are a warning", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", OTHER_SHA);
  r.gh.on("POST", /^\/issues\/\d+\/labels$/, () => ({ status: 200, body: [] }));
  const url = await r.branching.createPullRequest("staging", "main", "T", "B", ["a", "b"]);
  assertMatch(url, /\/pull\/1$/);
  assertStringIncludes(r.logger.text(), "GitHub dropped the labels a, b");
});

Deno.test("github branching: a server echoing the token in an error never leaks it", async () => {
  await using r = await rig();
  r.gh.script({
    method: "POST",
    path: /\/git\/refs$/,
    status: 422,
    body: { message: `Object does not exist for ${r.gh.token}` },
  });
  assertEquals(await r.branching.createBranch("staging", "main"), false);
  assertStringIncludes(r.logger.text(), "***");
});

Deno.test("github branching: Enterprise Server under /api/v3 (its own description)", async () => {
  await using r = await rig({ basePath: "/api/v3" });
  assertEquals(await r.branching.ensureHierarchy("v2.0", 2), true);
  const url = await r.branching.createPullRequest("rel/sprint/pace-2", "release/v2.0", "T", "B", [
    "pace-release",
  ]);
  assertMatch(url, /\/octo\/pace-demo\/pull\/1$/);
  assertEquals(r.gh.headOf("rel/sprint/pace-2"), MAIN_SHA);
});

Deno.test("github fake: a ref travels with its slashes; encoded slashes are a violation", async () => {
  const validator = await gitHubValidator();
  const ok = validator.validate({
    method: "GET",
    path: "/repos/octo/pace-demo/git/ref/heads/release/v2.0",
  });
  assertEquals([ok.operationId, ok.pathParams?.ref, ok.errors], [
    "git/get-ref",
    "heads/release/v2.0",
    [],
  ]);
  // A multi-segment {ref} does not swallow the literal tail of a longer template.
  const runs = validator.validate({
    method: "GET",
    path: "/repos/octo/pace-demo/commits/main/check-runs",
  });
  assertEquals(runs.operationId, "checks/list-for-ref");

  await using gh = await FakeGitHub.start();
  const answer = await fetch(`${gh.url}/repos/octo/pace-demo/git/ref/heads%2Fmain`, {
    headers: {
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      authorization: `Bearer ${gh.token}`,
    },
  });
  await answer.body?.cancel();
  assertEquals(answer.status, 400);
  assertEquals(gh.violations.length, 1);
  assertStringIncludes(gh.violations[0], "slashes travel unencoded");
  gh.violations.length = 0;
});
