/**
 * Which Jenkins build is the build of a commit, and what its result means.
 * Pure functions over the JSON one `tree=` request returns: no I/O.
 *
 * @module
 */

import { isRecord } from "../_core/json.ts";
import type { CiConclusion, CiSnapshot } from "../types.ts";

/** How many of the job's newest builds one poll reads. */
export const JENKINS_RECENT_BUILDS = 20;

/**
 * The `tree=` of one poll: the newest builds with their number, URL, state,
 * the git plugin's built revision (`lastBuiltRevision`), the commit each branch
 * entry was asked to build (`buildsByBranchName.*.marked`, with the number of
 * the build that saved it) and the change sets of freestyle (`changeSet`) and
 * Pipeline (`changeSets`) builds — nothing else. Jenkins prunes a map's entries
 * with the map's own node, so no branch name appears here.
 *
 * @example
 * ```ts
 * import { JENKINS_BUILDS_TREE } from "./builds.ts";
 * const url = `https://ci.example.com/job/app/api/json?tree=${encodeURIComponent(JENKINS_BUILDS_TREE)}`;
 * ```
 */
export const JENKINS_BUILDS_TREE: string = "builds[number,url,result,building," +
  "actions[lastBuiltRevision[SHA1],buildsByBranchName[buildNumber,marked[SHA1]]]," +
  "changeSet[items[commitId]],changeSets[items[commitId]]]" +
  `{0,${JENKINS_RECENT_BUILDS}}`;

/** Jenkins' terminal results as CI conclusions. */
const RESULTS: Record<string, CiConclusion> = {
  SUCCESS: "success",
  FAILURE: "failure",
  UNSTABLE: "failure",
  ABORTED: "cancelled",
  NOT_BUILT: "no_runs",
};

/**
 * One build as {@linkcode JENKINS_BUILDS_TREE} returns it (fields may be absent).
 *
 * @example
 * ```ts
 * import type { JenkinsBuild } from "./builds.ts";
 * const running: JenkinsBuild = { number: 12, url: "https://ci/job/app/12/", building: true };
 * ```
 */
export interface JenkinsBuild {
  /** `hudson.model.FreeStyleBuild`, `org.jenkinsci.plugins.workflow.job.WorkflowRun`, … */
  _class?: string;
  /** The build number. */
  number?: number;
  /** The build's web page, e.g. `https://ci.example.com/job/app/12/`. */
  url?: string;
  /** `SUCCESS`, `UNSTABLE`, `FAILURE`, `NOT_BUILT`, `ABORTED`; `null` while running. */
  result?: string | null;
  /** Whether it is still running. */
  building?: boolean;
  /**
   * Build actions; the git plugin's `BuildData` carries `lastBuiltRevision.SHA1`
   * and `buildsByBranchName` (branch → `{buildNumber, marked: {SHA1}}`).
   */
  actions?: unknown[];
  /** Freestyle builds: the commits since the previous build. */
  changeSet?: unknown;
  /** Pipeline builds: one change set per checkout. */
  changeSets?: unknown;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Whether a revision Jenkins reports is the commit asked for: a full 40-character
 * SHA compares exactly, a shorter one as a prefix, both case-insensitively.
 *
 * @example
 * ```ts
 * import { shaMatches } from "./builds.ts";
 * const full = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
 * shaMatches("3b18e51", full); // true
 * shaMatches("3b18e512" + "0".repeat(32), full); // false: same first 8, other commit
 * ```
 */
export function shaMatches(sha: string, revision: unknown): boolean {
  if (typeof revision !== "string" || !revision) return false;
  const wanted = sha.toLowerCase();
  const candidate = revision.trim().toLowerCase();
  return wanted.length >= 40 ? candidate === wanted : candidate.startsWith(wanted);
}

function sha1Of(revision: unknown): string | undefined {
  const sha = isRecord(revision) ? revision.SHA1 : undefined;
  return typeof sha === "string" ? sha : undefined;
}

/**
 * The commits a build's own `buildsByBranchName` entries were asked to build
 * (`marked`). Under merge-before-build or a pull request's merge checkout this
 * is the pushed commit, while `lastBuiltRevision` is the merge. The git plugin
 * copies the previous build's entries into every new build, so only entries
 * saved by this build (its `buildNumber`) count.
 */
function markedRevisions(action: Record<string, unknown>, number: unknown): string[] {
  const branches = action.buildsByBranchName;
  if (!isRecord(branches) || typeof number !== "number") return [];
  return Object.values(branches)
    .filter((entry) => isRecord(entry) && entry.buildNumber === number)
    .map((entry) => sha1Of((entry as Record<string, unknown>).marked))
    .filter((sha): sha is string => sha !== undefined);
}

/**
 * Every revision a build names: the `lastBuiltRevision.SHA1` of any action,
 * the `marked.SHA1` of the `buildsByBranchName` entries this build saved, and
 * the commits of its change sets.
 *
 * @example
 * ```ts
 * import { buildRevisions } from "./builds.ts";
 * buildRevisions({ actions: [{ lastBuiltRevision: { SHA1: "0123abc" } }] }); // ["0123abc"]
 * buildRevisions({
 *   number: 4,
 *   actions: [{
 *     lastBuiltRevision: { SHA1: "fedc987" }, // the merge Jenkins built
 *     buildsByBranchName: { "PR-12": { buildNumber: 4, marked: { SHA1: "0123abc" } } },
 *   }],
 * }); // ["fedc987", "0123abc"]
 * ```
 */
export function buildRevisions(build: JenkinsBuild): string[] {
  const revisions: string[] = [];
  for (const action of list(build.actions)) {
    if (!isRecord(action)) continue;
    const built = sha1Of(action.lastBuiltRevision);
    if (built !== undefined) revisions.push(built);
    revisions.push(...markedRevisions(action, build.number));
  }
  for (const set of [build.changeSet, ...list(build.changeSets)]) {
    for (const item of list(isRecord(set) ? set.items : undefined)) {
      const commit = isRecord(item) ? item.commitId : undefined;
      if (typeof commit === "string") revisions.push(commit);
    }
  }
  return revisions;
}

/**
 * The distinct commits among `builds` that a short `sha` matches; more than
 * one means the SHA is ambiguous and the newest matching build decides.
 *
 * @example
 * ```ts
 * import { matchingCommits } from "./builds.ts";
 * matchingCommits("0123abc", [{ actions: [{ lastBuiltRevision: { SHA1: "0123abcd" } }] }]);
 * // ["0123abcd"]
 * ```
 */
export function matchingCommits(sha: string, builds: JenkinsBuild[]): string[] {
  const revisions = builds.flatMap(buildRevisions).filter((r) => shaMatches(sha, r));
  return [...new Set(revisions.map((r) => r.toLowerCase()))];
}

/**
 * The newest build whose built revision, marked commit or change set is `sha`
 * decides. Running (`building` or `result: null`) → pending as `#N`; SUCCESS → success;
 * FAILURE and UNSTABLE → failure; ABORTED → cancelled; NOT_BUILT → no_runs;
 * a result this package does not know → failure. No matching build yet →
 * `none` (keep polling).
 *
 * @example
 * ```ts
 * import { classifyBuilds } from "./builds.ts";
 * const snapshot = classifyBuilds("0123abc", [
 *   { number: 7, url: "https://ci/job/app/7/", result: "SUCCESS", building: false,
 *     actions: [{ lastBuiltRevision: { SHA1: "0123abc" + "0".repeat(33) } }] },
 * ], "app");
 * // { state: "done", conclusion: "success", name: "app #7", url: "https://ci/job/app/7/" }
 * ```
 */
export function classifyBuilds(sha: string, builds: JenkinsBuild[], jobName: string): CiSnapshot {
  const build = builds
    .filter((b) => typeof b?.number === "number")
    .filter((b) => buildRevisions(b).some((revision) => shaMatches(sha, revision)))
    .sort((a, b) => (b.number ?? 0) - (a.number ?? 0))[0];
  if (!build) return { state: "none" };
  if (build.building === true || build.result === null || build.result === undefined) {
    return { state: "pending", pending: [`#${build.number}`] };
  }
  return {
    state: "done",
    // A result this package does not know is not a pass.
    conclusion: RESULTS[String(build.result).toUpperCase()] ?? "failure",
    name: `${jobName} #${build.number}`,
    url: typeof build.url === "string" ? build.url : "",
  };
}
