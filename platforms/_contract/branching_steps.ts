/**
 * The kit's branching steps: git's ref-name rules hold before any request,
 * the hierarchy is built once and left alone on a re-run, and a pull request
 * between two branches is opened once.
 *
 * @module
 */

import assert from "node:assert/strict";
import { BRANCH_MAIN, releaseBranch, sprintBranch } from "../branches.ts";
import type { BranchingAdapter } from "../types.ts";
import { assertKind, BAD_BRANCHES } from "./checks.ts";
import { type KitRun, observe, type Step } from "./run.ts";

const RELEASE = "v1.0";
const SPRINT = 1;
const VALID = "pace-kit/valid";

/** Run the branching steps against `branching`. */
export async function branchingSteps(
  run: KitRun,
  step: Step,
  branching: BranchingAdapter,
): Promise<void> {
  const { keep } = run;
  let hierarchy: boolean | undefined;

  await step("branching: platform name is set", () => {
    assert.equal(branching.platform, run.definition.name);
  });

  await step("branching: main resolves to its head commit or undefined", async () => {
    await run.prepareBranches?.();
    const sha = keep(await branching.getBranchSha(BRANCH_MAIN));
    assertKind("maybe", sha, "getBranchSha");
    if (sha !== undefined) assert.notEqual(sha, "", "a head commit is never empty");
  });

  await step("branching: invalid branch names are refused without a request", async () => {
    for (const bad of BAD_BRANCHES) {
      const shown = JSON.stringify(bad);
      const calls: [string, () => Promise<unknown>, unknown][] = [
        ["getBranchSha", () => branching.getBranchSha(bad), undefined],
        ["createBranch (new)", () => branching.createBranch(bad, BRANCH_MAIN), false],
        ["createBranch (from)", () => branching.createBranch(VALID, bad), false],
        [
          "createPullRequest (head)",
          () => branching.createPullRequest(bad, BRANCH_MAIN, "t", "b"),
          "",
        ],
        ["createPullRequest (base)", () => branching.createPullRequest(VALID, bad, "t", "b"), ""],
        ["ensureHierarchy (release)", () => branching.ensureHierarchy(bad, SPRINT), false],
      ];
      for (const [what, call, empty] of calls) {
        const seen = await observe(run, call);
        assert.equal(seen.value, empty, `${what} with ${shown} resolves ${JSON.stringify(empty)}`);
        assert.equal(seen.requests, 0, `${what} with ${shown} sends no request`);
        assert.deepEqual(seen.newFiles, [], `${what} with ${shown} writes no file`);
      }
    }
  });

  await step("branching: the hierarchy is built once and left alone on a re-run", async () => {
    const first = keep(await branching.ensureHierarchy(RELEASE, SPRINT));
    assertKind("flag", first, "ensureHierarchy");
    const again = await observe(run, () => branching.ensureHierarchy(RELEASE, SPRINT));
    assert.equal(again.value, first, "a re-run resolves the same");
    if (first) {
      assert.deepEqual(again.writes, [], "a re-run creates nothing");
      const sha = await branching.getBranchSha(sprintBranch(SPRINT));
      assert.ok(sha, `${sprintBranch(SPRINT)} exists after the hierarchy was built`);
    }
    hierarchy = first;
  });

  await step("branching: a pull request is opened once", async () => {
    const [head, base] = [sprintBranch(SPRINT), releaseBranch(RELEASE)];
    const open = () => branching.createPullRequest(head, base, "Kit PR", "kit body", ["pace-kit"]);
    const first = keep(await open());
    assertKind("text", first, "createPullRequest");
    if (hierarchy) assert.notEqual(first, "", "a PR between two existing branches opens");
    const again = await observe(run, open);
    assert.equal(keep(again.value), first, "a re-run returns the open pull request");
    if (first) assert.deepEqual(again.writes, [], "a re-run opens no second pull request");
  });
}
