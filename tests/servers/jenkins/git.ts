/**
 * The git plugin's `BuildData` actions of a fake build, as the plugin exports
 * them (`hudson.plugins.git.util.BuildData`):
 *
 * - `lastBuiltRevision`: the revision checked out — the merge when the build
 *   merged first (merge-before-build, a pull request's merge checkout);
 * - `buildsByBranchName`: branch name → `Build` (`buildNumber`, `buildResult`,
 *   `marked`: the commit asked for, `revision`: the commit built). The plugin
 *   copies the previous build's map before saving its own entry, so a build's
 *   map also holds every branch the job built before, each with the number of
 *   the build that built it;
 * - `remoteUrls`, `scmName`.
 *
 * A Pipeline shared library's checkout adds a `BuildData` of its own.
 *
 * @module
 */

import { Bean, ExportedMap, prop } from "./export.ts";
import type { FakeBuild, Item } from "./model.ts";

const APP_REMOTE = "https://git.example.com/team/app.git";
const LIBRARY_REMOTE = "https://git.example.com/team/pipeline-lib.git";

/** `hudson.plugins.git.Revision`: a commit and the branches that pointed at it. */
function revision(sha: string, branches: [name: string, sha: string][]): Bean {
  return new Bean(undefined, [
    prop("SHA1", sha),
    prop(
      "branch",
      branches.map(([name, tip]) => new Bean(undefined, [prop("SHA1", tip), prop("name", name)])),
    ),
  ]);
}

/** What a build marked (asked for) and what it built, with the branches each names. */
function revisions(
  build: FakeBuild & { sha: string },
): { marked: Bean; built: Bean; keys: string[] } {
  const pushed: [string, string] = [build.branch, build.sha];
  const { merge } = build;
  // Merge-before-build names the target branch on the merge; a PR merge keeps the pushed branch.
  const builtBranches: [string, string][] = merge?.into
    ? [[merge.into.branch, merge.into.sha]]
    : [pushed];
  return {
    marked: revision(build.sha, [pushed]),
    built: revision(merge?.sha ?? build.sha, builtBranches),
    keys: [...new Set([build.branch, ...builtBranches.map(([name]) => name)])],
  };
}

/** `hudson.plugins.git.util.Build`: one entry of `buildsByBranchName`. */
function gitBuild(build: FakeBuild & { sha: string }): Bean {
  const { marked, built } = revisions(build);
  return new Bean("hudson.plugins.git.util.Build", [
    prop("buildNumber", build.number),
    // The plugin saves the entry before the build ends and never updates its result.
    prop("buildResult", null),
    prop("marked", marked),
    prop("revision", built),
  ]);
}

function buildData(built: Bean, entries: Map<string, Bean>, remote: string): Bean {
  return new Bean("hudson.plugins.git.util.BuildData", [
    prop("buildsByBranchName", new ExportedMap([...entries])),
    prop("lastBuiltRevision", built),
    prop("remoteUrls", [remote]),
    prop("scmName", ""),
  ]);
}

/** The `BuildData` actions of `build` of `job`: its checkout's, then its libraries'. */
export function buildDataActions(job: Item, build: FakeBuild): Bean[] {
  const actions: Bean[] = [];
  if (build.sha) {
    const current = build as FakeBuild & { sha: string };
    const entries = new Map<string, Bean>();
    // Copied from the builds before, then this build's own entry on top.
    for (const earlier of job.builds) {
      if (earlier.number > build.number || !earlier.sha) continue;
      const withSha = earlier as FakeBuild & { sha: string };
      const entry = gitBuild(withSha);
      for (const key of revisions(withSha).keys) entries.set(key, entry);
    }
    actions.push(buildData(revisions(current).built, entries, APP_REMOTE));
  }
  for (const sha of build.libraries) {
    const library = { ...build, sha, branch: "main", merge: undefined };
    const entries = new Map([["main", gitBuild(library)]]);
    actions.push(buildData(revisions(library).built, entries, LIBRARY_REMOTE));
  }
  return actions;
}
