// Merge builds: with the git plugin's merge-before-build, or a multibranch pull
// request job's merge checkout, Jenkins builds a merge of the pushed commit. The
// build's lastBuiltRevision is then that merge; the pushed commit is only in
// buildsByBranchName.<branch>.marked.

import { getCIAdapter } from "../mod.ts";
import { buildRevisions, JENKINS_BUILDS_TREE } from "../platforms/jenkins/builds.ts";
import type { CIAdapter, Env } from "../platforms/types.ts";
import { captureLogger, type CapturingLogger } from "../testing.ts";
import { assert, assertEquals } from "./_assert.ts";
import { FakeJenkins, type JobKind } from "./servers/jenkins.ts";

/** The commit FORGE pushed. */
const PUSHED = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
/** The merge of PUSHED that Jenkins built. */
const MERGE = "7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b";
/** The tip of the branch merged into. */
const BASE = "0f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c";
const OTHER = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";

const fast = { timeoutMinutes: 0.05, pollIntervalSeconds: 0.01 };
const short = { timeoutMinutes: 0.003, pollIntervalSeconds: 0.01 };

interface Rig extends AsyncDisposable {
  jenkins: FakeJenkins;
  logger: CapturingLogger;
  ci: CIAdapter;
}

async function rig(job: string, kind: JobKind): Promise<Rig> {
  const jenkins = FakeJenkins.start();
  jenkins.addJob(job, kind);
  const root = await Deno.makeTempDir({ prefix: "pace-jenkins-merge-" });
  const logger = captureLogger();
  const env: Env = {
    JENKINS_URL: `${jenkins.url}/`,
    JENKINS_JOB_NAME: job,
    JENKINS_USER: jenkins.user,
    JENKINS_TOKEN: jenkins.token,
  };
  return {
    jenkins,
    logger,
    ci: getCIAdapter("jenkins", { env, repoRoot: root, logger }),
    async [Symbol.asyncDispose]() {
      await jenkins.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(jenkins.violations, []);
      assert(!logger.text().includes(jenkins.token), "the token reached the log");
    },
  };
}

Deno.test("jenkins merge: a pull request's merge build of the pushed SHA ends success", async () => {
  await using r = await rig("app/PR-12", "pipeline");
  r.jenkins.addFolder("app", "multibranch");
  // The first build of a PR job has no change set ("First time build. Skipping changelog.").
  r.jenkins.addBuild("app/PR-12", { sha: PUSHED, branch: "PR-12", merge: { sha: MERGE } });
  const result = await r.ci.waitForCommitCi(PUSHED, fast);
  assertEquals(result.conclusion, "success");
  assertEquals(result.url, r.jenkins.itemUrl("app/PR-12", 1));
  assertEquals(result.name, "app/PR-12 #1");
  assertEquals(r.jenkins.requests[0].query.get("tree"), JENKINS_BUILDS_TREE);
});

Deno.test("jenkins merge: merge-before-build matches the pushed commit, also by a short SHA", async () => {
  await using r = await rig("app", "freestyle");
  r.jenkins.addBuild("app", {
    sha: PUSHED,
    branch: "origin/feature",
    merge: { sha: MERGE, into: { branch: "origin/main", sha: BASE } },
    result: "UNSTABLE",
  });
  assertEquals((await r.ci.waitForCommitCi(PUSHED, fast)).conclusion, "failure");
  assertEquals((await r.ci.waitForCommitCi(PUSHED.slice(0, 7), fast)).conclusion, "failure");
  // The merge itself is still the build's: lastBuiltRevision.
  assertEquals((await r.ci.waitForCommitCi(MERGE, fast)).conclusion, "failure");
  // The tip merged into is not what this build was asked to build.
  assertEquals((await r.ci.waitForCommitCi(BASE, short)).conclusion, "timeout");
});

Deno.test("jenkins merge: a later build's copied branch entries do not make it the match", async () => {
  await using r = await rig("app", "freestyle");
  // The git plugin copies the previous builds' buildsByBranchName into every new build:
  // build #2 (another branch) still lists feature-a → build #1's commit.
  r.jenkins.addBuild("app", {
    sha: PUSHED,
    branch: "origin/feature-a",
    merge: { sha: MERGE, into: { branch: "origin/main", sha: BASE } },
    result: "FAILURE",
  });
  r.jenkins.addBuild("app", { sha: OTHER, branch: "origin/feature-b", result: "SUCCESS" });
  const result = await r.ci.waitForCommitCi(PUSHED, fast);
  assertEquals(result.conclusion, "failure", "build #1 decides, not #2 carrying #1's entry");
  assertEquals(result.name, "app #1");
});

Deno.test("jenkins merge: a rebuild of the same merge (no change set) is the newest match", async () => {
  await using r = await rig("app/PR-7", "pipeline");
  r.jenkins.addFolder("app", "multibranch");
  r.jenkins.addBuild("app/PR-7", { sha: PUSHED, branch: "PR-7", merge: { sha: MERGE } });
  r.jenkins.build("app/PR-7", 1)!.result = "FAILURE";
  r.jenkins.addBuild("app/PR-7", {
    sha: PUSHED,
    branch: "PR-7",
    merge: { sha: "1234567890abcdef1234567890abcdef12345678" },
    building: true,
  });
  const pending = await r.ci.waitForCommitCi(PUSHED, short);
  assertEquals(pending.conclusion, "timeout");
  assertEquals(pending.name, "#2", "the running rebuild is what the wait was on");
  r.jenkins.build("app/PR-7", 2)!.building = false;
  r.jenkins.build("app/PR-7", 2)!.result = "SUCCESS";
  assertEquals((await r.ci.waitForCommitCi(PUSHED, fast)).conclusion, "success");
});

Deno.test("jenkins merge: buildRevisions reads marked.SHA1 only from the build's own entries", () => {
  const build = {
    number: 5,
    actions: [{
      _class: "hudson.plugins.git.util.BuildData",
      lastBuiltRevision: { SHA1: MERGE },
      buildsByBranchName: {
        "origin/feature": { buildNumber: 5, marked: { SHA1: PUSHED } },
        "origin/main": { buildNumber: 5, marked: { SHA1: PUSHED } },
        "origin/older": { buildNumber: 3, marked: { SHA1: OTHER } },
        "odd": null,
        "odder": { buildNumber: 5, marked: "not a revision" },
      },
    }, { buildsByBranchName: [] }],
  };
  assertEquals(buildRevisions(build).sort(), [MERGE, PUSHED, PUSHED].sort());
});

Deno.test("fake Jenkins: a merge build's BuildData as the git plugin exports it", async () => {
  await using r = await rig("app", "freestyle");
  r.jenkins.addBuild("app", { sha: OTHER, branch: "origin/feature-b" });
  r.jenkins.addBuild("app", {
    sha: PUSHED,
    branch: "origin/feature",
    merge: { sha: MERGE, into: { branch: "origin/main", sha: BASE } },
  });
  const get = async (tree: string) => {
    const url = `${r.jenkins.url}/job/app/2/api/json?tree=${encodeURIComponent(tree)}`;
    const headers = { authorization: `Basic ${btoa(`${r.jenkins.user}:${r.jenkins.token}`)}` };
    return await (await fetch(url, { headers })).json();
  };
  const full = await get("actions[lastBuiltRevision[*[*]],buildsByBranchName[*[*[*]]]]");
  const data = full.actions.find((a: { _class?: string }) =>
    a._class === "hudson.plugins.git.util.BuildData"
  );
  const merged = {
    _class: "hudson.plugins.git.util.Build",
    buildNumber: 2,
    buildResult: null,
    marked: { SHA1: PUSHED, branch: [{ SHA1: PUSHED, name: "origin/feature" }] },
    revision: { SHA1: MERGE, branch: [{ SHA1: BASE, name: "origin/main" }] },
  };
  assertEquals(data, {
    _class: "hudson.plugins.git.util.BuildData",
    buildsByBranchName: {
      // Copied from build #1: every branch the job built before.
      "origin/feature-b": {
        _class: "hudson.plugins.git.util.Build",
        buildNumber: 1,
        buildResult: null,
        marked: { SHA1: OTHER, branch: [{ SHA1: OTHER, name: "origin/feature-b" }] },
        revision: { SHA1: OTHER, branch: [{ SHA1: OTHER, name: "origin/feature-b" }] },
      },
      // saveBuild keys the entry by the marked and by the built revision's branches.
      "origin/feature": merged,
      "origin/main": merged,
    },
    lastBuiltRevision: merged.revision,
  });
  // A map's entries are pruned by the map's own node: no key needs naming.
  const pruned = await get("actions[buildsByBranchName[buildNumber,marked[SHA1]]]");
  const entries = pruned.actions.find((a: { buildsByBranchName?: unknown }) => a.buildsByBranchName)
    .buildsByBranchName;
  assertEquals(entries["origin/feature"], {
    _class: "hudson.plugins.git.util.Build",
    buildNumber: 2,
    marked: { SHA1: PUSHED },
  });
});
