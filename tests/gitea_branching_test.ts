/**
 * Gitea branching over real HTTP: branches present and absent, created from
 * the parent's head and never moved, names checked before any request and
 * sent as one path segment; pull requests opened once with labels by id,
 * found on a re-run and after a 502; the hierarchy from `main` alone; faults.
 */
import { BRANCH_MAIN, releaseBranch, sprintBranch } from "../platforms/branches.ts";
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { giteaRig } from "./servers/gitea/rig.ts";

Deno.test("gitea branches: a present branch answers its head; an absent one undefined", async () => {
  await using r = await giteaRig();
  const sha = r.gitea.addBranch("release/v2.0");
  assertEquals(await r.branching.getBranchSha("release/v2.0"), sha);
  assertEquals(await r.branching.getBranchSha("release/v9"), undefined);
  assertEquals(r.gitea.requests.map((q) => [q.path, q.status]), [
    ["/repos/pace-org/pace-demo/branches/release%2Fv2.0", 200],
    ["/repos/pace-org/pace-demo/branches/release%2Fv9", 404],
  ]);
});

Deno.test("gitea branches: created from the parent's head with old_ref_name", async () => {
  await using r = await giteaRig();
  const parent = r.gitea.addBranch("staging");
  assertEquals(await r.branching.createBranch("release/v2.0", "staging"), true);
  assertEquals(r.gitea.branches.get("release/v2.0"), parent);
  assertEquals(r.calls("/branches", "POST").map((q) => q.body), [
    { new_branch_name: "release/v2.0", old_ref_name: "staging" },
  ]);
});

Deno.test("gitea branches: an existing branch is left where it is, without a write", async () => {
  await using r = await giteaRig();
  const head = r.gitea.addBranch("staging");
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  // Even when its parent is missing.
  assertEquals(await r.branching.createBranch("staging", "no-such-parent"), true);
  assertEquals(r.gitea.branches.get("staging"), head);
  assertEquals(r.writes(), []);
});

Deno.test("gitea branches: a 409 from a concurrent create is success once the branch is seen", async () => {
  await using r = await giteaRig();
  r.gitea.on("POST", /\/branches$/, () => {
    r.gitea.addBranch("staging");
    return { status: 409, body: { message: "The branch already exists." } };
  });
  assertEquals(await r.branching.createBranch("staging", "main"), true);
});

Deno.test("gitea branches: a 409 for a tag of that name is no branch: false", async () => {
  await using r = await giteaRig();
  r.gitea.on("POST", /\/branches$/, () => ({
    status: 409,
    body: { message: "The branch with the same tag already exists." },
  }));
  assertEquals(await r.branching.createBranch("v1.0", "main"), false);
  assertStringIncludes(r.logger.text(), "same tag already exists");
});

Deno.test("gitea branches: a missing parent creates nothing and says so", async () => {
  await using r = await giteaRig();
  assertEquals(await r.branching.createBranch("release/v2.0", "staging"), false);
  assertEquals([...r.gitea.branches.keys()], ["main"]);
  assertStringIncludes(r.logger.text(), "staging does not exist");
});

Deno.test("gitea branches: invalid names are refused before any request", async () => {
  await using r = await giteaRig();
  for (const bad of ["", "a..b", "has space", "-lead", "trail/", "x.lock", "a:b"]) {
    assertEquals(await r.branching.getBranchSha(bad), undefined);
    assertEquals(await r.branching.createBranch(bad, "main"), false);
    assertEquals(await r.branching.createBranch("ok", bad), false);
    assertEquals(await r.branching.createPullRequest(bad, "main", "t", "b"), "");
    assertEquals(await r.branching.ensureHierarchy(bad, 1), false);
  }
  assertEquals(r.gitea.requests, []);
});

// ---------------------------------------------------------------------------
// Pull requests

Deno.test("gitea PRs: opened once with labels by id; found on a re-run", async () => {
  await using r = await giteaRig();
  r.gitea.addBranch("release/v1.0");
  r.gitea.addBranch("rel/sprint/pace-1");
  const existing = r.gitea.addLabel("pace-release");
  const url = await r.branching.createPullRequest(
    "rel/sprint/pace-1",
    "release/v1.0",
    "Sprint 1",
    "body",
    ["pace-release", "pace-sprint"],
  );
  assertEquals(url, `${r.gitea.webUrl}/pulls/1`);
  const post = r.calls("/pulls", "POST")[0].body as { labels: number[] };
  const created = r.gitea.labelsNamed("pace-sprint")[0];
  assertEquals(post, {
    head: "rel/sprint/pace-1",
    base: "release/v1.0",
    title: "Sprint 1",
    body: "body",
    labels: [existing.id, created.id],
  });
  const before = r.writes().length;
  assertEquals(
    await r.branching.createPullRequest("rel/sprint/pace-1", "release/v1.0", "Sprint 1", "b", [
      "pace-release",
    ]),
    url,
  );
  assertEquals(r.writes().length, before, "a re-run writes nothing");
  // The base with a slash is one segment, and so is the head.
  assert(r.calls("/pulls/release%2Fv1.0/rel%2Fsprint%2Fpace-1", "GET").length >= 2);
});

Deno.test("gitea PRs: after a 502 that opened it, the re-look finds it", async () => {
  await using r = await giteaRig();
  r.gitea.addBranch("staging");
  r.gitea.script({ method: "POST", path: /\/pulls$/, perform: true });
  const url = await r.branching.createPullRequest("staging", "main", "Promote", "");
  assertEquals(url, `${r.gitea.webUrl}/pulls/1`);
  assertEquals(r.gitea.pulls.length, 1);
});

Deno.test("gitea PRs: a closed pull request of the pair is not returned; a new one opens", async () => {
  await using r = await giteaRig();
  r.gitea.addPull("staging", "main", { merged: true });
  const url = await r.branching.createPullRequest("staging", "main", "Promote", "");
  assertEquals(url, `${r.gitea.webUrl}/pulls/2`);
});

Deno.test("gitea PRs: a 409 from a concurrent create returns the open one", async () => {
  await using r = await giteaRig();
  r.gitea.addBranch("staging");
  r.gitea.on("POST", /\/pulls$/, () => {
    r.gitea.addPull("staging", "main");
    return { status: 409, body: { message: "pull request already exists for these targets" } };
  });
  assertEquals(
    await r.branching.createPullRequest("staging", "main", "Promote", ""),
    `${r.gitea.webUrl}/pulls/1`,
  );
});

// ---------------------------------------------------------------------------
// The hierarchy

Deno.test("gitea hierarchy: from main alone, each level from its parent, in order; once", async () => {
  await using r = await giteaRig();
  const main = r.gitea.branches.get(BRANCH_MAIN)!;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 3), true);
  assertEquals(r.calls("/branches", "POST").map((q) => q.body), [
    { new_branch_name: "staging", old_ref_name: "main" },
    { new_branch_name: "release/v2.0", old_ref_name: "staging" },
    { new_branch_name: "rel/sprint/pace-3", old_ref_name: "release/v2.0" },
  ]);
  for (const level of ["staging", releaseBranch("v2.0"), sprintBranch(3)]) {
    assertEquals(r.gitea.branches.get(level), main, level);
  }
  const writes = r.writes().length;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 3), true);
  assertEquals(r.writes().length, writes, "a second run creates nothing");
});

Deno.test("gitea hierarchy: without main (an empty repository) nothing is created", async () => {
  await using r = await giteaRig({ empty: true });
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals(r.writes(), []);
  assertStringIncludes(r.logger.text(), "main cannot be resolved");
});

Deno.test("gitea hierarchy: a level that cannot be created (403) stops it there", async () => {
  await using r = await giteaRig({ scopes: ["read:repository"] });
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals([...r.gitea.branches.keys()], ["main"]);
  assertEquals(r.calls("/branches", "POST").length, 1);
});

// ---------------------------------------------------------------------------
// Faults

Deno.test("gitea branching: 401, 500 bursts and a closed port resolve without the token", async () => {
  await using r = await giteaRig();
  r.gitea.script({ path: /\/branches\//, status: 500, times: 2 });
  assert(await r.branching.getBranchSha("main"), "retried through a burst");
  const wrong = r.build("branching", { env: { ...r.env, GITEA_TOKEN: "not-the-token-1234" } });
  assertEquals(await wrong.getBranchSha("main"), undefined);
  assertEquals(await wrong.createPullRequest("staging", "main", "t", "b"), "");
  const closed = r.build("branching", { env: { ...r.env, GITEA_URL: "http://127.0.0.1:9" } });
  assertEquals(await closed.createBranch("staging", "main"), false);
  assert(!r.logger.text().includes(r.gitea.token));
  assert(!r.logger.text().includes("not-the-token-1234"));
});
