/**
 * GitLab branching over real HTTP against the fake GitLab (undocumented
 * parameters and unknown routes are violations): the cases every forge shares,
 * with GitLab's own requests checked, and GitLab's own answers (a project the
 * token cannot see, 400 and 409 for what exists, the Developer role, labels on
 * merge requests, a relative root).
 */
import { listPlatforms } from "../mod.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";
import {
  branchingCases,
  type BranchingForge,
  type BranchingRig,
  branchSetViews,
  forgeRig,
} from "./_branching_cases.ts";
import { FakeGitLab, type FakeGitLabOptions } from "./servers/gitlab.ts";

const MAIN_SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const OTHER_SHA = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";
const PROJECT = "/projects/pace-group%2Fsub%2Fpace-demo";

interface Rig extends BranchingRig {
  gl: FakeGitLab;
  /** Requests that would change the project. */
  writes(): string[];
}

function rig(options: FakeGitLabOptions = {}, env: Record<string, string> = {}) {
  const gl = FakeGitLab.start(options);
  gl.addBranch("main", MAIN_SHA);
  const writes = () =>
    gl.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
  return forgeRig(gl, {
    platform: "gitlab",
    env: { GITLAB_TOKEN: gl.token, GITLAB_PROJECT: gl.projectPath, GITLAB_URL: gl.url, ...env },
    secrets: [gl.token],
    rule: "every request is one GitLab documents",
    routes: {
      "get-branch": { method: "GET", path: /\/repository\/branches\// },
      "create-branch": { method: "POST", path: /\/repository\/branches$/ },
      "create-pull": { method: "POST", path: /\/merge_requests$/ },
    },
    errorBody: { message: "500 Internal Server Error" },
  }, {
    gl,
    writes,
    ...branchSetViews(gl, OTHER_SHA),
    pullLabels: () => gl.mergeRequests.map((mr) => mr.labels),
  });
}

const branchesCreated = (gl: FakeGitLab) =>
  gl.requests.filter((r) => r.method === "POST" && r.path.endsWith("/repository/branches"))
    .map((r) => r.body as { branch: string; ref: string });

const gitlab = (r: BranchingRig) => (r as Rig).gl;

const forge: BranchingForge = {
  name: "gitlab",
  label: "gitlab branching",
  rig: (env) => rig({}, env),
  mainSha: () => MAIN_SHA,
  wrongCredential: {
    env: { GITLAB_TOKEN: "glpat-wrong-token-0123456789" },
    secret: /glpat-wrong-token/,
  },
  closed() {
    const closed = FakeGitLab.start();
    const env = {
      GITLAB_TOKEN: closed.token,
      GITLAB_PROJECT: closed.projectPath,
      GITLAB_URL: closed.url,
    };
    return closed.close().then(() => ({ env, token: closed.token }));
  },
  pullUrl: /\/pace-group\/sub\/pace-demo\/-\/merge_requests\/1$/,
  config: "platform:\n  ci: gitlab\n  tracker: gitlab\n" +
    "releases:\n  - name: v2.0\n    status: active\n    sprint_days: 5\n",
  extras: {
    present(r) {
      // The branch is ONE encoded segment, as GitLab routes it.
      assertEquals(gitlab(r).requests.map((q) => `${q.method} ${q.path}`), [
        `GET ${PROJECT}/repository/branches/main`,
        `GET ${PROJECT}/repository/branches/staging`,
        `GET ${PROJECT}/repository/branches/release%2Fv2.0`,
        `GET ${PROJECT}/repository/branches/release%2Fv2.1`,
        `GET ${PROJECT}/repository/branches/feat%2F%237%25`,
      ]);
    },
    created(r) {
      assertEquals(branchesCreated(gitlab(r)), [{ branch: "release/v2.0", ref: OTHER_SHA }]);
      assertStringIncludes(
        r.logger.text(),
        "created release/v2.0 at 9c3a1e2b, the head of staging",
      );
    },
    hierarchy(r) {
      assertEquals(branchesCreated(gitlab(r)), [
        { branch: "staging", ref: MAIN_SHA },
        { branch: "release/v2.0", ref: MAIN_SHA },
        { branch: "rel/sprint/pace-3", ref: MAIN_SHA },
      ]);
    },
    pullRequest(r, _url, before) {
      const gl = gitlab(r);
      const [mr] = gl.mergeRequests;
      assertEquals([mr.source_branch, mr.target_branch, mr.title, mr.description], [
        "rel/sprint/pace-1",
        "release/v2.0",
        "Sprint 1 into v2.0",
        "Ships the sign-up form.",
      ]);
      const sent = gl.requests.slice(before);
      assertEquals(sent.map((q) => q.route), [
        "GET /projects/:id/merge_requests",
        "POST /projects/:id/merge_requests",
      ]);
      assertEquals(Object.fromEntries(sent[0].query), {
        source_branch: "rel/sprint/pace-1",
        target_branch: "release/v2.0",
        state: "opened",
        per_page: "100",
        page: "1",
      });
      assertEquals((sent[1].body as { labels: string }).labels, "pace-release,pace-sprint-1");
    },
    async cli(r, run) {
      // The active release of the config, and the sprint of day 6 at 5 days a sprint.
      const hierarchy = await run("--json", "branch", "ensure-hierarchy", "--day", "6");
      assertEquals(hierarchy.code, 0, hierarchy.shown);
      assertEquals(JSON.parse(hierarchy.stdout), {
        ok: true,
        release: "v2.0",
        sprint: 2,
        branch: "rel/sprint/pace-2",
        sha: MAIN_SHA,
      });
      assertEquals(gitlab(r).headOf("rel/sprint/pace-2"), MAIN_SHA);
      const created = await run("branch", "create", "hotfix/1", "--from", "staging");
      assertEquals([created.code, created.stdout], [0, "hotfix/1\n"], created.shown);
      const pr = await run(
        ...["branch", "pr", "--head", "rel/sprint/pace-2", "--base", "release/v2.0"],
        ...["--title", "Sprint 2 into v2.0", "--label", "pace-release"],
      );
      assertEquals(pr.code, 0, pr.shown);
      assertMatch(pr.stdout, /\/-\/merge_requests\/2\n$/);
      assertEquals(gitlab(r).mergeRequests[1].labels, ["pace-release"]);
    },
  },
};

branchingCases(forge);

Deno.test("gitlab branching: the adapter is GitLab's, listed with its branching side", async () => {
  await using r = await rig();
  assertEquals(r.branching.platform, "gitlab");
  assertEquals(listPlatforms().find((p) => p.name === "gitlab")?.branching, true);
});

Deno.test("gitlab branching: a project the token cannot see is an error, not an absent branch", async () => {
  await using r = await rig({}, { GITLAB_PROJECT: "someone/else" });
  assertEquals(await r.branching.getBranchSha("main"), undefined);
  assertStringIncludes(r.logger.text(), "404 Project Not Found");
});

Deno.test("gitlab branching: a missing parent creates nothing and resolves false", async () => {
  await using r = await rig();
  assertEquals(await r.branching.createBranch("staging", "develop"), false);
  assertEquals(r.writes(), []);
  assertStringIncludes(r.logger.text(), "cannot create staging: develop does not exist");
});

Deno.test("gitlab branching: a branch created meanwhile (400 Branch already exists) is there", async () => {
  await using r = await rig();
  r.gl.addBranch("staging", OTHER_SHA);
  r.gl.script({
    method: "GET",
    path: /\/repository\/branches\/staging$/,
    status: 404,
    body: { message: "404 Branch Not Found" },
  });
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(r.gl.requests.filter((q) => q.method === "POST").map((q) => q.status), [400]);
  assertEquals(r.gl.headOf("staging"), OTHER_SHA, "not moved");
});

Deno.test("gitlab branching: a refused create (403) stops the hierarchy there, naming the role", async () => {
  await using r = await rig();
  r.gl.pushAccess = false;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals(r.writes(), [`POST ${PROJECT}/repository/branches`]);
  assertEquals([...r.gl.branches], ["main"]);
  assertStringIncludes(r.logger.text(), "Developer role");
});

Deno.test("gitlab branching: no labels, no labels parameter; a closed or other-target MR is not reused", async () => {
  await using r = await rig();
  r.gl.addBranch("staging", OTHER_SHA);
  r.gl.addMergeRequest({ source_branch: "staging", target_branch: "main", state: "closed" });
  r.gl.addMergeRequest({ source_branch: "staging", target_branch: "develop" });
  r.gl.addBranch("develop");
  const url = await r.branching.createPullRequest("staging", "main", "T", "B");
  assertMatch(url, /\/merge_requests\/3$/);
  const post = r.gl.requests.find((q) => q.method === "POST")!;
  assert(!("labels" in (post.body as Record<string, unknown>)));
});

Deno.test("gitlab branching: a merge request opened concurrently (409) is returned", async () => {
  await using r = await rig();
  r.gl.addBranch("staging", OTHER_SHA);
  const existing = r.gl.addMergeRequest({ source_branch: "staging", target_branch: "main" });
  r.gl.script({ method: "GET", path: /\/merge_requests$/, status: 200, body: [] });
  const url = await r.branching.createPullRequest("staging", "main", "T", "B");
  assertEquals(url, existing.web_url);
  assertEquals(r.gl.mergeRequests.length, 1);
});

Deno.test("gitlab branching: labels dropped from the created merge request are a warning", async () => {
  await using r = await rig();
  r.gl.addBranch("staging", OTHER_SHA);
  r.gl.on("POST", "/projects/:id/merge_requests", ({ body }) => {
    const mr = r.gl.addMergeRequest({ source_branch: body.source_branch, title: body.title });
    return { status: 201, body: mr };
  });
  const url = await r.branching.createPullRequest("staging", "main", "T", "B", ["a"]);
  assertMatch(url, /\/merge_requests\/1$/);
  assertStringIncludes(r.logger.text(), "GitLab dropped the labels a");
});

Deno.test("gitlab branching: self-managed under a relative root, by numeric id", async () => {
  await using r = await rig({ relativeRoot: "/gitlab" }, { GITLAB_PROJECT: "4242" });
  assertEquals(await r.branching.ensureHierarchy("v2.0", 2), true);
  const url = await r.branching.createPullRequest("rel/sprint/pace-2", "release/v2.0", "T", "B");
  assertMatch(url, /\/gitlab\/pace-group\/sub\/pace-demo\/-\/merge_requests\/1$/);
  assert(r.gl.requests.every((q) => q.path.startsWith("/projects/4242/")));
});
