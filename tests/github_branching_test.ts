/**
 * GitHub branching over real HTTP against the fake GitHub (every request
 * checked against GitHub's OpenAPI description): branches as Git refs, the
 * hierarchy, pull requests and their labels, failures that resolve empty, and
 * the `pace branch` commands under exactly the flags `pace permissions` prints.
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
import { FakeGitHub, type FakeGitHubOptions, gitHubValidator } from "./servers/github.ts";

const MAIN_SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const OTHER_SHA = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";

interface Rig extends AsyncDisposable {
  gh: FakeGitHub;
  logger: CapturingLogger;
  env: Record<string, string>;
  branching: ReturnType<typeof getBranchingAdapter>;
  /** Requests that would change the repository. */
  writes(): string[];
}

async function rig(options: FakeGitHubOptions = {}, env: Record<string, string> = {}) {
  const gh = await FakeGitHub.start(options);
  gh.addBranch("main", MAIN_SHA);
  const logger = captureLogger();
  const fullEnv = {
    GITHUB_TOKEN: gh.token,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.url,
    ...env,
  };
  const root = await Deno.makeTempDir({ prefix: "pace-github-branching-" });
  const branching = getBranchingAdapter("github", { env: fullEnv, repoRoot: root, logger });
  return {
    gh,
    logger,
    env: fullEnv,
    branching,
    writes: () => gh.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`),
    async [Symbol.asyncDispose]() {
      await gh.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(gh.violations, [], "every request matches GitHub's OpenAPI description");
      assert(!logger.text().includes(gh.token), "the token never reaches the log");
    },
  } satisfies Rig;
}

const refsCreated = (gh: FakeGitHub) =>
  gh.requests.filter((r) => r.method === "POST" && r.path.endsWith("/git/refs"))
    .map((r) => r.body as { ref: string; sha: string });

Deno.test("github branching: the adapter is GitHub's, listed with its branching side", async () => {
  await using r = await rig();
  assertEquals(r.branching.platform, "github");
  assertEquals(listPlatforms().find((p) => p.name === "github")?.branching, true);
});

Deno.test("github branching: a present branch's head, an absent one undefined", async () => {
  await using r = await rig();
  assertEquals(await r.branching.getBranchSha("main"), MAIN_SHA);
  assertEquals(await r.branching.getBranchSha("staging"), undefined);
  r.gh.addBranch("release/v2.0", OTHER_SHA);
  assertEquals(await r.branching.getBranchSha("release/v2.0"), OTHER_SHA);
  assertEquals(await r.branching.getBranchSha("release/v2.1"), undefined);
  // The ref keeps its slashes (GitHub's x-multi-segment); each segment is encoded.
  r.gh.addBranch("feat/#7%", OTHER_SHA);
  assertEquals(await r.branching.getBranchSha("feat/#7%"), OTHER_SHA);
  assertEquals(r.gh.requests.map((q) => `${q.method} ${q.path}`), [
    "GET /repos/octo/pace-demo/git/ref/heads/main",
    "GET /repos/octo/pace-demo/git/ref/heads/staging",
    "GET /repos/octo/pace-demo/git/ref/heads/release/v2.0",
    "GET /repos/octo/pace-demo/git/ref/heads/release/v2.1",
    "GET /repos/octo/pace-demo/git/ref/heads/feat/%237%25",
  ]);
  assert(r.gh.requests.every((q) => q.operationId === "git/get-ref"));
  assertEquals(r.logger.lines.filter((l) => l.startsWith("error:")), []);
});

Deno.test("github branching: an empty repository (409) has no branch", async () => {
  await using r = await rig();
  r.gh.branches.clear();
  assertEquals(await r.branching.getBranchSha("main"), undefined);
  assertEquals(r.gh.requests.map((q) => q.status), [409]);
});

Deno.test("github branching: a new branch starts at its parent's head", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", OTHER_SHA);
  assertEquals(await r.branching.createBranch("release/v2.0", "staging"), true);
  assertEquals(r.gh.headOf("release/v2.0"), OTHER_SHA, "the parent's SHA, not main's");
  assertEquals(refsCreated(r.gh), [{ ref: "refs/heads/release/v2.0", sha: OTHER_SHA }]);
  assertEquals(await r.branching.getBranchSha("release/v2.0"), OTHER_SHA);
  assertStringIncludes(r.logger.text(), "created release/v2.0 at 9c3a1e2, the head of staging");
});

Deno.test("github branching: an existing branch is left where it is, even without its parent", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", OTHER_SHA);
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(await r.branching.createBranch("staging", "no-such-parent"), true);
  assertEquals(r.gh.headOf("staging"), OTHER_SHA);
  assertEquals(r.writes(), [], "no write request");
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

Deno.test("github branching: a branch create answered 502 after it took effect is true", async () => {
  await using r = await rig();
  r.gh.script({ method: "POST", path: /\/git\/refs$/, status: 502, perform: true });
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(r.gh.headOf("staging"), MAIN_SHA);
  assertEquals(refsCreated(r.gh).length, 1, "never sent twice");
});

Deno.test("github branching: invalid names are refused before any request", async () => {
  await using r = await rig();
  for (const bad of [...BAD_BRANCHES, "a:b", "x?", "@{u}", "feat/.hidden", "a\u0007b"]) {
    assertEquals(await r.branching.getBranchSha(bad), undefined);
    assertEquals(await r.branching.createBranch(bad, "main"), false);
    assertEquals(await r.branching.createBranch("staging", bad), false);
    assertEquals(await r.branching.createPullRequest(bad, "main", "t", "b"), "");
    assertEquals(await r.branching.createPullRequest("staging", bad, "t", "b"), "");
    assertEquals(await r.branching.ensureHierarchy(bad, 1), false);
  }
  assertEquals(await r.branching.ensureHierarchy("v2.0", 0), false);
  assertEquals(r.gh.requests.length, 0, "not one request");
  assertStringIncludes(r.logger.text(), "invalid branch name");
});

Deno.test("github branching: the hierarchy from only main, each level from its parent, in order", async () => {
  await using r = await rig();
  assertEquals(await r.branching.ensureHierarchy("v2.0", 3), true);
  assertEquals(refsCreated(r.gh), [
    { ref: "refs/heads/staging", sha: MAIN_SHA },
    { ref: "refs/heads/release/v2.0", sha: MAIN_SHA },
    { ref: "refs/heads/rel/sprint/pace-3", sha: MAIN_SHA },
  ]);
  for (const branch of ["staging", "release/v2.0", "rel/sprint/pace-3"]) {
    assertEquals(r.gh.headOf(branch), MAIN_SHA, branch);
  }

  // A second run reads every level and writes nothing.
  const before = r.gh.requests.length;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 3), true);
  assertEquals(refsCreated(r.gh).length, 3);
  assertEquals(r.gh.requests.slice(before).map((q) => q.method), ["GET", "GET", "GET", "GET"]);
});

Deno.test("github branching: existing levels stay; a missing one starts at its parent's head", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", OTHER_SHA);
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), true);
  assertEquals(refsCreated(r.gh), [
    { ref: "refs/heads/release/v2.0", sha: OTHER_SHA },
    { ref: "refs/heads/rel/sprint/pace-1", sha: OTHER_SHA },
  ]);
  assertEquals(r.gh.headOf("staging"), OTHER_SHA);
});

Deno.test("github branching: without main the hierarchy is false and nothing is created", async () => {
  for (const branches of [["develop"], []]) {
    await using r = await rig();
    r.gh.branches = new Set(branches);
    assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
    assertEquals(r.writes(), []);
    assertStringIncludes(r.logger.text(), "main cannot be resolved");
  }
});

Deno.test("github branching: a refused create (403) stops the hierarchy there, naming the permission", async () => {
  await using r = await rig();
  r.gh.pushAccess = false;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals(r.writes(), ["POST /repos/octo/pace-demo/git/refs"], "one attempt, nothing below");
  assertEquals([...r.gh.branches], ["main"]);
  assertStringIncludes(r.logger.text(), '"contents: write"');
});

Deno.test("github branching: a pull request is opened once and found on a re-run", async () => {
  await using r = await rig();
  await r.branching.ensureHierarchy("v2.0", 1);
  const before = r.gh.requests.length;
  const url = await r.branching.createPullRequest(
    "rel/sprint/pace-1",
    "release/v2.0",
    "Sprint 1 into v2.0",
    "Ships the sign-up form.",
    ["pace-release", "pace-sprint-1", " pace-release ", ""],
  );
  assertMatch(url, /^http:\/\/127\.0\.0\.1:\d+\/octo\/pace-demo\/pull\/1$/);
  const [pull] = r.gh.pulls;
  assertEquals(r.gh.pulls.length, 1);
  assertEquals([pull.head, pull.base, pull.title, pull.body], [
    "rel/sprint/pace-1",
    "release/v2.0",
    "Sprint 1 into v2.0",
    "Ships the sign-up form.",
  ]);
  assertEquals(pull.labels, ["pace-release", "pace-sprint-1"]);
  const sent = r.gh.requests.slice(before);
  assertEquals(sent.map((q) => q.operationId), [
    "pulls/list",
    "pulls/create",
    "issues/add-labels",
  ]);
  const query = Object.fromEntries(sent[0].query);
  assertEquals(query, {
    head: "octo:rel/sprint/pace-1",
    base: "release/v2.0",
    state: "open",
    per_page: "100",
    page: "1",
  });
  assertEquals(sent[2].body, { labels: ["pace-release", "pace-sprint-1"] });

  const writes = r.writes().length;
  const again = await r.branching.createPullRequest(
    "rel/sprint/pace-1",
    "release/v2.0",
    "Another title",
    "",
    ["pace-release"],
  );
  assertEquals(again, url);
  assertEquals(r.writes().length, writes, "a re-run writes nothing");
  assertEquals(r.gh.pulls.length, 1);
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

Deno.test("github branching: a create answered 502 after it took effect returns that pull request, labelled", async () => {
  await using r = await rig();
  r.gh.addBranch("staging", OTHER_SHA);
  r.gh.script({ method: "POST", path: /\/pulls$/, status: 502, perform: true });
  const url = await r.branching.createPullRequest("staging", "main", "T", "B", ["pace-release"]);
  assertMatch(url, /\/octo\/pace-demo\/pull\/1$/);
  assertEquals(r.gh.pulls.length, 1);
  assertEquals(r.gh.pulls[0].labels, ["pace-release"], "labels added after the re-find");
  assertEquals(await r.branching.createPullRequest("staging", "main", "T", "B"), url);
  assertEquals(r.gh.pulls.length, 1);
  assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
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

Deno.test("github branching: 401 resolves empty without the token", async () => {
  {
    await using r = await rig({}, { GITHUB_TOKEN: "ghp_wrong_token_0123456789" });
    assertEquals(await r.branching.getBranchSha("main"), undefined);
    assertEquals(await r.branching.createBranch("staging", "main"), false);
    assertEquals(await r.branching.createPullRequest("main", "staging", "T", "B"), "");
    assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
    assertEquals(r.gh.requests.every((q) => q.status === 401), true);
    assertStringIncludes(r.logger.text(), "401");
    assertNotMatch(r.logger.text(), /ghp_wrong_token/);
  }
});

Deno.test("github branching: 500 bursts resolve empty once they outlast the retries", async () => {
  {
    await using r = await rig();
    // A short burst is retried through; one longer than the retries resolves empty.
    r.gh.script({ path: /\/git\/ref\//, status: 500, body: { message: "Server Error" }, times: 2 });
    assertEquals(await r.branching.getBranchSha("main"), MAIN_SHA);
    r.gh.script({ path: /\/git\/ref\//, status: 500, body: { message: "Server Error" }, times: 4 });
    assertEquals(await r.branching.getBranchSha("main"), undefined);
    r.gh.script({ method: "POST", path: /\/git\/refs$/, status: 500, body: {} });
    assertEquals(await r.branching.createBranch("staging", "main"), false);
    r.gh.addBranch("feature", OTHER_SHA);
    r.gh.script({ method: "POST", path: /\/pulls$/, status: 500, body: {} });
    assertEquals(await r.branching.createPullRequest("feature", "main", "T", "B"), "");
    assertEquals(r.writes().filter((w) => w.endsWith("/pulls")).length, 1, "never sent twice");
    assertEquals(r.gh.pulls.length, 0);
    assertEquals(r.gh.pendingScripts, 0);
    assertNotMatch(r.logger.text(), new RegExp(r.gh.token));
  }
});

Deno.test("github branching: a closed port resolves empty without the token", async () => {
  const closed = await FakeGitHub.start();
  const token = closed.token;
  await closed.close();
  const logger = captureLogger();
  const branching = getBranchingAdapter("github", {
    env: { GITHUB_TOKEN: token, GITHUB_REPOSITORY: "octo/pace-demo", GITHUB_API_URL: closed.url },
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

// ---------------------------------------------------------------------------
// The CLI as a subprocess, under exactly the flags `pace permissions` prints

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const BROAD = ["--allow-read", "--allow-write", "--allow-env"];

async function pace(cwd: string, flags: string[], args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, CLI, ...args],
    cwd,
    env: { NO_COLOR: "1", PACE_CONFIG: "", GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "", ...env },
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

Deno.test("github branching: the pace branch commands end to end under the printed flags", async () => {
  await using r = await rig();
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pace-github-branch-cli-" }));
  try {
    await Deno.writeTextFile(
      join(root, "pace.config.yaml"),
      "platform:\n  ci: github\n  tracker: github\n",
    );
    const printed = await pace(root, BROAD, ["permissions"], r.env);
    assertEquals(printed.code, 0, printed.stderr);
    const flags = printed.stdout.trim().split(" ");
    assertMatch(
      printed.stdout,
      new RegExp(`^--allow-net=127\\.0\\.0\\.1:${new URL(r.gh.url).port} `),
    );
    assert(!flags.includes("-A") && !flags.includes("--allow-all"));
    const run = async (...args: string[]) => {
      const result = await pace(root, flags, args, r.env);
      const shown = `exit ${result.code}\n${result.stdout}\n${result.stderr}`;
      assertNotMatch(
        result.stderr,
        /Uncaught|NotCapable|PermissionDenied|Requires \w+ access/,
        shown,
      );
      assertNotMatch(result.stderr, /broader access/, shown);
      assert(!shown.includes(r.gh.token), "the token stays out of the output");
      return { ...result, shown };
    };

    const sha = await run("branch", "sha", "main");
    assertEquals([sha.code, sha.stdout], [0, `${MAIN_SHA}\n`], sha.shown);
    const absent = await run("branch", "sha", "release/v9");
    assertEquals(absent.code, 1, absent.shown);
    assertStringIncludes(absent.stderr, "does not exist");
    const bad = await run("branch", "sha", "a..b");
    assertEquals(bad.code, 2, bad.shown);

    const created = await run("--json", "branch", "create", "staging", "--from", "main");
    assertEquals(created.code, 0, created.shown);
    assertEquals(JSON.parse(created.stdout), {
      ok: true,
      from: "main",
      branch: "staging",
      sha: MAIN_SHA,
    });

    const hierarchy = await run("branch", "ensure-hierarchy", "--release", "v2.0", "--sprint", "1");
    assertEquals([hierarchy.code, hierarchy.stdout], [0, "rel/sprint/pace-1\n"], hierarchy.shown);
    assertEquals(r.gh.headOf("release/v2.0"), MAIN_SHA);

    const pr = await run(
      "--json",
      "branch",
      "pr",
      "--head",
      "rel/sprint/pace-1",
      "--base",
      "release/v2.0",
      "--title",
      "Sprint 1 into v2.0",
      "--body",
      "Ships the sign-up form.",
      "--label",
      "pace-release",
    );
    assertEquals(pr.code, 0, pr.shown);
    const { ok, url } = JSON.parse(pr.stdout);
    assertEquals(ok, true);
    assertMatch(url, /\/octo\/pace-demo\/pull\/1$/);
    assertEquals(r.gh.pulls[0].labels, ["pace-release"]);
    const again = await run(
      "branch",
      "pr",
      "--head",
      "rel/sprint/pace-1",
      "--base",
      "release/v2.0",
      "--title",
      "X",
    );
    assertEquals([again.code, again.stdout], [0, `${url}\n`], again.shown);
    assertEquals(r.gh.pulls.length, 1);

    // Nothing to create from: exit 1, nothing written.
    const writes = r.writes().length;
    const failed = await run("--json", "branch", "create", "hotfix", "--from", "no-such-branch");
    assertEquals(failed.code, 1, failed.shown);
    assertEquals(JSON.parse(failed.stdout).ok, false);
    assertEquals(r.writes().length, writes);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
