/**
 * GitLab branching over real HTTP against the fake GitLab (undocumented
 * parameters and unknown routes are violations): branches, the hierarchy,
 * merge requests and their labels, failures that resolve empty, and the
 * `pace branch` commands under exactly the flags `pace permissions` prints.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getBranchingAdapter, listPlatforms } from "../mod.ts";
import { BAD_BRANCHES } from "../platforms/_contract/checks.ts";
import { captureLogger, type CapturingLogger } from "../testing.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "./_assert.ts";
import { FakeGitLab, type FakeGitLabOptions } from "./servers/gitlab.ts";

const MAIN_SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const OTHER_SHA = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";
const PROJECT = "/projects/pace-group%2Fsub%2Fpace-demo";

interface Rig extends AsyncDisposable {
  gl: FakeGitLab;
  logger: CapturingLogger;
  env: Record<string, string>;
  branching: ReturnType<typeof getBranchingAdapter>;
  /** Requests that would change the project. */
  writes(): string[];
}

async function rig(options: FakeGitLabOptions = {}, env: Record<string, string> = {}) {
  const gl = FakeGitLab.start(options);
  gl.addBranch("main", MAIN_SHA);
  const logger = captureLogger();
  const fullEnv = {
    GITLAB_TOKEN: gl.token,
    GITLAB_PROJECT: gl.projectPath,
    GITLAB_URL: gl.url,
    ...env,
  };
  const root = await Deno.makeTempDir({ prefix: "pace-gitlab-branching-" });
  const branching = getBranchingAdapter("gitlab", { env: fullEnv, repoRoot: root, logger });
  return {
    gl,
    logger,
    env: fullEnv,
    branching,
    writes: () => gl.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`),
    async [Symbol.asyncDispose]() {
      await gl.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(gl.violations, [], "every request is one GitLab documents");
      assert(!logger.text().includes(gl.token), "the token never reaches the log");
    },
  } satisfies Rig;
}

const branchesCreated = (gl: FakeGitLab) =>
  gl.requests.filter((r) => r.method === "POST" && r.path.endsWith("/repository/branches"))
    .map((r) => r.body as { branch: string; ref: string });

Deno.test("gitlab branching: the adapter is GitLab's, listed with its branching side", async () => {
  await using r = await rig();
  assertEquals(r.branching.platform, "gitlab");
  assertEquals(listPlatforms().find((p) => p.name === "gitlab")?.branching, true);
});

Deno.test("gitlab branching: a present branch's head, an absent one undefined", async () => {
  await using r = await rig();
  assertEquals(await r.branching.getBranchSha("main"), MAIN_SHA);
  assertEquals(await r.branching.getBranchSha("staging"), undefined);
  r.gl.addBranch("release/v2.0", OTHER_SHA);
  assertEquals(await r.branching.getBranchSha("release/v2.0"), OTHER_SHA);
  r.gl.addBranch("feat/#7%", OTHER_SHA);
  assertEquals(await r.branching.getBranchSha("feat/#7%"), OTHER_SHA);
  // The branch is ONE encoded segment, as GitLab routes it.
  assertEquals(r.gl.requests.map((q) => `${q.method} ${q.path}`), [
    `GET ${PROJECT}/repository/branches/main`,
    `GET ${PROJECT}/repository/branches/staging`,
    `GET ${PROJECT}/repository/branches/release%2Fv2.0`,
    `GET ${PROJECT}/repository/branches/feat%2F%237%25`,
  ]);
  assertEquals(r.logger.lines.filter((l) => l.startsWith("error:")), []);
});

Deno.test("gitlab branching: a project the token cannot see is an error, not an absent branch", async () => {
  await using r = await rig({}, { GITLAB_PROJECT: "someone/else" });
  assertEquals(await r.branching.getBranchSha("main"), undefined);
  assertStringIncludes(r.logger.text(), "404 Project Not Found");
});

Deno.test("gitlab branching: a new branch starts at its parent's head commit", async () => {
  await using r = await rig();
  r.gl.addBranch("staging", OTHER_SHA);
  assertEquals(await r.branching.createBranch("release/v2.0", "staging"), true);
  assertEquals(r.gl.headOf("release/v2.0"), OTHER_SHA, "the parent's SHA, not main's");
  assertEquals(branchesCreated(r.gl), [{ branch: "release/v2.0", ref: OTHER_SHA }]);
  assertEquals(await r.branching.getBranchSha("release/v2.0"), OTHER_SHA);
  assertStringIncludes(r.logger.text(), "created release/v2.0 at 9c3a1e2b, the head of staging");
});

Deno.test("gitlab branching: an existing branch is left where it is, even without its parent", async () => {
  await using r = await rig();
  r.gl.addBranch("staging", OTHER_SHA);
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(await r.branching.createBranch("staging", "no-such-parent"), true);
  assertEquals(r.gl.headOf("staging"), OTHER_SHA);
  assertEquals(r.writes(), [], "no write request");
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

Deno.test("gitlab branching: a branch create answered 502 after it took effect is true", async () => {
  await using r = await rig();
  r.gl.script({ method: "POST", path: /\/repository\/branches$/, status: 502, perform: true });
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(r.gl.headOf("staging"), MAIN_SHA);
  assertEquals(branchesCreated(r.gl).length, 1, "never sent twice");
});

Deno.test("gitlab branching: invalid names are refused before any request", async () => {
  await using r = await rig();
  for (const bad of [...BAD_BRANCHES, "a:b", "x?", "@{u}", "feat/.hidden", "a\u0007b"]) {
    assertEquals(await r.branching.getBranchSha(bad), undefined);
    assertEquals(await r.branching.createBranch(bad, "main"), false);
    assertEquals(await r.branching.createBranch("staging", bad), false);
    assertEquals(await r.branching.createPullRequest(bad, "main", "t", "b"), "");
    assertEquals(await r.branching.createPullRequest("staging", bad, "t", "b"), "");
    assertEquals(await r.branching.ensureHierarchy(bad, 1), false);
  }
  assertEquals(r.gl.requests.length, 0, "not one request");
  assertStringIncludes(r.logger.text(), "invalid branch name");
});

Deno.test("gitlab branching: the hierarchy from only main, each level from its parent, in order", async () => {
  await using r = await rig();
  assertEquals(await r.branching.ensureHierarchy("v2.0", 3), true);
  assertEquals(branchesCreated(r.gl), [
    { branch: "staging", ref: MAIN_SHA },
    { branch: "release/v2.0", ref: MAIN_SHA },
    { branch: "rel/sprint/pace-3", ref: MAIN_SHA },
  ]);
  const before = r.gl.requests.length;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 3), true);
  assertEquals(r.gl.requests.slice(before).map((q) => q.method), ["GET", "GET", "GET", "GET"]);
});

Deno.test("gitlab branching: existing levels stay; a missing one starts at its parent's head", async () => {
  await using r = await rig();
  r.gl.addBranch("staging", OTHER_SHA);
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), true);
  assertEquals(branchesCreated(r.gl), [
    { branch: "release/v2.0", ref: OTHER_SHA },
    { branch: "rel/sprint/pace-1", ref: OTHER_SHA },
  ]);
});

Deno.test("gitlab branching: without main the hierarchy is false and nothing is created", async () => {
  await using r = await rig();
  r.gl.branches = new Set(["develop"]);
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals(r.writes(), []);
  assertStringIncludes(r.logger.text(), "main cannot be resolved");
});

Deno.test("gitlab branching: a refused create (403) stops the hierarchy there, naming the role", async () => {
  await using r = await rig();
  r.gl.pushAccess = false;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals(r.writes(), [`POST ${PROJECT}/repository/branches`]);
  assertEquals([...r.gl.branches], ["main"]);
  assertStringIncludes(r.logger.text(), "Developer role");
});

Deno.test("gitlab branching: a merge request is opened once, with its labels, and found on a re-run", async () => {
  await using r = await rig();
  await r.branching.ensureHierarchy("v2.0", 1);
  const before = r.gl.requests.length;
  const url = await r.branching.createPullRequest(
    "rel/sprint/pace-1",
    "release/v2.0",
    "Sprint 1 into v2.0",
    "Ships the sign-up form.",
    ["pace-release", "pace-sprint-1", " pace-release "],
  );
  assertMatch(url, /\/pace-group\/sub\/pace-demo\/-\/merge_requests\/1$/);
  const [mr] = r.gl.mergeRequests;
  assertEquals(r.gl.mergeRequests.length, 1);
  assertEquals(
    [mr.source_branch, mr.target_branch, mr.title, mr.description, mr.labels],
    [
      "rel/sprint/pace-1",
      "release/v2.0",
      "Sprint 1 into v2.0",
      "Ships the sign-up form.",
      ["pace-release", "pace-sprint-1"],
    ],
  );
  const sent = r.gl.requests.slice(before);
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

  const writes = r.writes().length;
  const again = await r.branching.createPullRequest("rel/sprint/pace-1", "release/v2.0", "X", "");
  assertEquals(again, url);
  assertEquals(r.writes().length, writes, "a re-run writes nothing");
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

Deno.test("gitlab branching: a create answered 502 after it took effect returns that merge request", async () => {
  await using r = await rig();
  r.gl.addBranch("staging", OTHER_SHA);
  r.gl.script({ method: "POST", path: /\/merge_requests$/, status: 502, perform: true });
  const url = await r.branching.createPullRequest("staging", "main", "T", "B", ["pace-release"]);
  assertMatch(url, /\/merge_requests\/1$/);
  assertEquals(r.gl.mergeRequests.length, 1);
  assertEquals(r.gl.mergeRequests[0].labels, ["pace-release"]);
  assertEquals(await r.branching.createPullRequest("staging", "main", "T", "B"), url);
  assertEquals(r.gl.mergeRequests.length, 1);
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

Deno.test("gitlab branching: 401 resolves empty without the token", async () => {
  await using r = await rig({}, { GITLAB_TOKEN: "glpat-wrong-token-0123456789" });
  assertEquals(await r.branching.getBranchSha("main"), undefined);
  assertEquals(await r.branching.createBranch("staging", "main"), false);
  assertEquals(await r.branching.createPullRequest("main", "staging", "T", "B"), "");
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assert(r.gl.requests.every((q) => q.status === 401));
  assertStringIncludes(r.logger.text(), "401");
  assertNotMatch(r.logger.text(), /glpat-wrong-token/);
});

Deno.test("gitlab branching: 500 bursts resolve empty once they outlast the retries", async () => {
  await using r = await rig();
  const error = { message: "500 Internal Server Error" };
  r.gl.script({ path: /\/repository\/branches\//, status: 500, body: error, times: 2 });
  assertEquals(await r.branching.getBranchSha("main"), MAIN_SHA);
  r.gl.script({ path: /\/repository\/branches\//, status: 500, body: error, times: 4 });
  assertEquals(await r.branching.getBranchSha("main"), undefined);
  r.gl.script({ method: "POST", path: /\/repository\/branches$/, status: 500, body: error });
  assertEquals(await r.branching.createBranch("staging", "main"), false);
  assertEquals(branchesCreated(r.gl).length, 1, "never sent twice");
  assertEquals(r.gl.pendingScripts, 0);
});

Deno.test("gitlab branching: a closed port resolves empty without the token", async () => {
  const closed = FakeGitLab.start();
  const token = closed.token;
  await closed.close();
  const logger = captureLogger();
  const branching = getBranchingAdapter("gitlab", {
    env: { GITLAB_TOKEN: token, GITLAB_PROJECT: closed.projectPath, GITLAB_URL: closed.url },
    logger,
  });
  // Together: each waits out its retries, and none may take longer than its budget.
  const results = await Promise.all([
    branching.getBranchSha("main"),
    branching.createBranch("staging", "main"),
    branching.createPullRequest("staging", "main", "T", "B"),
    branching.ensureHierarchy("v2.0", 1),
  ]);
  assertEquals(results, [undefined, false, "", false]);
  assert(!logger.text().includes(token) && !JSON.stringify(results).includes(token));
});

Deno.test("gitlab branching: self-managed under a relative root, by numeric id", async () => {
  await using r = await rig({ relativeRoot: "/gitlab" }, { GITLAB_PROJECT: "4242" });
  assertEquals(await r.branching.ensureHierarchy("v2.0", 2), true);
  const url = await r.branching.createPullRequest("rel/sprint/pace-2", "release/v2.0", "T", "B");
  assertMatch(url, /\/gitlab\/pace-group\/sub\/pace-demo\/-\/merge_requests\/1$/);
  assert(r.gl.requests.every((q) => q.path.startsWith("/projects/4242/")));
});

// ---------------------------------------------------------------------------
// The CLI as a subprocess, under exactly the flags `pace permissions` prints

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const BROAD = ["--allow-read", "--allow-write", "--allow-env"];

async function pace(cwd: string, flags: string[], args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, CLI, ...args],
    cwd,
    env: { NO_COLOR: "1", PACE_CONFIG: "", GITLAB_CI: "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("gitlab branching: the pace branch commands end to end under the printed flags", async () => {
  await using r = await rig();
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pace-gitlab-branch-cli-" }));
  try {
    await Deno.writeTextFile(
      join(root, "pace.config.yaml"),
      "platform:\n  ci: gitlab\n  tracker: gitlab\n" +
        "releases:\n  - name: v2.0\n    status: active\n    sprint_days: 5\n",
    );
    const printed = await pace(root, BROAD, ["permissions"], r.env);
    assertEquals(printed.code, 0, printed.stderr);
    const port = new URL(r.gl.url).port;
    assertMatch(printed.stdout, new RegExp(`^--allow-net=127\\.0\\.0\\.1:${port} `));
    const flags = printed.stdout.trim().split(" ");
    const run = async (...args: string[]) => {
      const result = await pace(root, flags, args, r.env);
      const shown = `exit ${result.code}\n${result.stdout}\n${result.stderr}`;
      assertNotMatch(
        result.stderr,
        /Uncaught|NotCapable|PermissionDenied|Requires \w+ access/,
        shown,
      );
      assertNotMatch(result.stderr, /broader access/, shown);
      assert(!shown.includes(r.gl.token), "the token stays out of the output");
      return { ...result, shown };
    };

    const sha = await run("branch", "sha", "main");
    assertEquals([sha.code, sha.stdout], [0, `${MAIN_SHA}\n`], sha.shown);
    const absent = await run("--json", "branch", "sha", "release/v9");
    assertEquals(absent.code, 1, absent.shown);
    assertEquals(JSON.parse(absent.stdout).ok, false);

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
    assertEquals(r.gl.headOf("release/v2.0"), MAIN_SHA);

    const created = await run("branch", "create", "hotfix/1", "--from", "staging");
    assertEquals([created.code, created.stdout], [0, "hotfix/1\n"], created.shown);

    const pr = await run(
      "branch",
      "pr",
      "--head",
      "rel/sprint/pace-2",
      "--base",
      "release/v2.0",
      "--title",
      "Sprint 2 into v2.0",
      "--label",
      "pace-release",
    );
    assertEquals(pr.code, 0, pr.shown);
    assertMatch(pr.stdout, /\/-\/merge_requests\/1\n$/);
    assertEquals(r.gl.mergeRequests[0].labels, ["pace-release"]);
    const again = await run(
      "branch",
      "pr",
      "--head",
      "rel/sprint/pace-2",
      "--base",
      "release/v2.0",
      "--title",
      "X",
    );
    assertEquals([again.code, again.stdout], [0, pr.stdout], again.shown);
    assertEquals(r.gl.mergeRequests.length, 1);

    const bad = await run("branch", "create", "has space", "--from", "main");
    assertEquals(bad.code, 2, bad.shown);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
