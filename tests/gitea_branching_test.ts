/**
 * Gitea branching over real HTTP: the cases every forge shares, with Gitea's
 * own requests checked (names as one path segment, `old_ref_name`), and
 * Gitea's own answers (409s for a branch, a tag or a pull request that exists,
 * labels by id, an empty repository, a token without write scope).
 */
import { BRANCH_MAIN } from "../platforms/branches.ts";
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import {
  branchingCases,
  type BranchingForge,
  type BranchingRig,
  recordedViews,
} from "./_branching_cases.ts";
import { FakeGitea } from "./servers/gitea.ts";
import { type GiteaRig, giteaRig } from "./servers/gitea/rig.ts";

type Rig = GiteaRig & BranchingRig;

async function rig(env: Record<string, string> = {}): Promise<Rig> {
  const r = await giteaRig({}, { env });
  const { gitea } = r;
  return Object.assign(r, {
    secrets: () => [gitea.token],
    addBranch: (name: string) => gitea.addBranch(name),
    head: (name: string) => gitea.branches.get(name),
    setBranches(names: string[]) {
      gitea.branches.clear();
      for (const name of names) gitea.addBranch(name);
    },
    pullLabels: () =>
      gitea.pulls.map((p) => p.labels.map((id) => gitea.labels.find((l) => l.id === id)!.name)),
    ...recordedViews(gitea, {
      "get-branch": { method: "GET", path: /\/branches\// },
      "create-branch": { method: "POST", path: /\/branches$/ },
      "create-pull": { method: "POST", path: /\/pulls$/ },
    }, { message: "internal error" }),
    keep: <T>(value: T) => value,
  });
}

const gitea = (r: BranchingRig) => (r as Rig).gitea;

const forge: BranchingForge = {
  name: "gitea",
  label: "gitea branching",
  rig,
  mainSha: (r) => gitea(r).branches.get(BRANCH_MAIN)!,
  wrongCredential: { env: { GITEA_TOKEN: "not-the-token-1234" }, secret: /not-the-token-1234/ },
  async closed() {
    const closed = FakeGitea.start();
    await closed.close();
    const env = {
      GITEA_URL: closed.url,
      GITEA_TOKEN: closed.token,
      GITEA_REPOSITORY: closed.fullName,
    };
    return { env, token: closed.token };
  },
  pullUrl: /\/pace-org\/pace-demo\/pulls\/1$/,
  extras: {
    present(r) {
      // A name with a slash travels as one segment.
      assertEquals(gitea(r).requests.map((q) => [q.path, q.status]), [
        ["/repos/pace-org/pace-demo/branches/main", 200],
        ["/repos/pace-org/pace-demo/branches/staging", 404],
        ["/repos/pace-org/pace-demo/branches/release%2Fv2.0", 200],
        ["/repos/pace-org/pace-demo/branches/release%2Fv2.1", 404],
        ["/repos/pace-org/pace-demo/branches/feat%2F%237%25", 200],
      ]);
    },
    created(r) {
      assertEquals((r as Rig).calls("/branches", "POST").map((q) => q.body), [
        { new_branch_name: "release/v2.0", old_ref_name: "staging" },
      ]);
    },
    hierarchy(r) {
      assertEquals((r as Rig).calls("/branches", "POST").map((q) => q.body), [
        { new_branch_name: "staging", old_ref_name: "main" },
        { new_branch_name: "release/v2.0", old_ref_name: "staging" },
        { new_branch_name: "rel/sprint/pace-3", old_ref_name: "release/v2.0" },
      ]);
    },
    pullRequest(r, url) {
      assertEquals(url, `${gitea(r).webUrl}/pulls/1`);
      // The base with a slash is one segment, and so is the head.
      assert((r as Rig).calls("/pulls/release%2Fv2.0/rel%2Fsprint%2Fpace-1", "GET").length >= 1);
    },
  },
};

branchingCases(forge);

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
