/**
 * `@pace/platforms`: the layer through which PACE, the daily AI sprint
 * pipeline, reaches the outside world — review PRs, CI waits, escalations,
 * advisories, story tickets and job summaries — on GitHub, GitLab, Bitbucket,
 * Jenkins, Jira, a fully local mode, or any platform you register.
 *
 * @example Run a day's outside-world steps from the config
 * ```ts
 * import { getCIAdapter, getTrackerAdapter, loadConfig } from "@pace/platforms";
 *
 * const config = await loadConfig(); // local/local when no pace.config.yaml exists
 * const ci = getCIAdapter(config);
 * const tracker = getTrackerAdapter(config);
 *
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * if (result.conclusion !== "success") {
 *   await tracker.openEscalationIssue(3, ".pace/day-3", `CI ${result.conclusion}`);
 * }
 * ```
 *
 * @module
 */

export type {
  AdapterContext,
  AdvisoryItem,
  BranchingAdapter,
  CIAdapter,
  CiConclusion,
  CiProbe,
  CiResult,
  CiSnapshot,
  Env,
  GateReport,
  LogConventions,
  Logger,
  PaceConfig,
  Permissions,
  PlatformDefinition,
  PlatformPaths,
  ProbeResult,
  ResolvedContext,
  Secrets,
  StoryStatus,
  TrackerAdapter,
  WaitOptions,
  WaitProgress,
} from "./platforms/types.ts";
export {
  AdapterCore,
  BaseBranchingAdapter,
  BaseCIAdapter,
  BaseTrackerAdapter,
} from "./platforms/base.ts";
export {
  BRANCH_MAIN,
  BRANCH_STAGING,
  currentSprintNum,
  refNameProblem,
  releaseBranch,
  sprintBranch,
} from "./platforms/branches.ts";

export { ConfigError, type ConfigErrorPosition } from "./config/errors.ts";
export {
  configFromDocument,
  DEFAULT_PLATFORM,
  DISCOVERY_PATHS,
  loadConfig,
  type LoadConfigOptions,
  parseConfig,
} from "./config/config.ts";
export { type ConfigDocument, parseConfigDocument } from "./config/document.ts";
export { loadConfigDocument } from "./config/discover.ts";
export {
  type ActiveRelease,
  isValidRefName,
  type ReleaseOptions,
  resolveRelease,
} from "./config/release.ts";
export {
  getBranchingAdapter,
  getCIAdapter,
  getTrackerAdapter,
  listPlatforms,
  type PlatformInfo,
  registerPlatform,
} from "./platforms/registry.ts";
export { permissionFlags, requiredPermissions } from "./platforms/permissions.ts";
export { localPlatform } from "./platforms/local.ts";
export { GITHUB_API_VERSION, GITHUB_DEFAULT_API_URL, githubPlatform } from "./platforms/github.ts";
export { BITBUCKET_DEFAULT_API_URL, bitbucketPlatform } from "./platforms/bitbucket.ts";
export { JIRA_ISSUE_DEFAULTS, jiraPlatform } from "./platforms/jira.ts";
export { jenkinsPlatform } from "./platforms/jenkins.ts";
export { forgejoPlatform, giteaPlatform } from "./platforms/gitea.ts";
export { GITLAB_DEFAULT_URL, gitlabPlatform } from "./platforms/gitlab.ts";
