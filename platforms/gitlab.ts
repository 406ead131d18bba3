/**
 * The `gitlab` platform: GitLab.com and self-managed GitLab (any port, any
 * relative URL root) over REST v4 at `GITLAB_URL/api/v4`. This face is cheap
 * data — names, variables, hosts — and its adapters' code loads when the
 * registry first builds one, so a command that never talks to GitLab never
 * loads it.
 *
 * @module
 */

import { envValue, hostsOf } from "./_core/settings.ts";
import { forgePlatform } from "./_pace/forge_adapters.ts";
import type { PlatformDefinition } from "./types.ts";
import { gitlabConventions } from "./gitlab/conventions.ts";
import { GITLAB_DEFAULT_URL, readGitLabSettings } from "./gitlab/settings.ts";

export { GITLAB_DEFAULT_URL } from "./gitlab/settings.ts";

/**
 * The `gitlab` platform definition.
 *
 * @example
 * ```ts
 * import { gitlabPlatform } from "@pace/platforms";
 * console.log(gitlabPlatform.hosts({ GITLAB_URL: "https://git.example.com:8443/gitlab/" }));
 * // ["git.example.com:8443"]
 * ```
 */
export const gitlabPlatform: PlatformDefinition = forgePlatform({
  name: "gitlab",
  title: "GitLab",
  env: [
    "GITLAB_TOKEN",
    "GITLAB_PROJECT",
    "GITLAB_URL",
    "CI_JOB_TOKEN",
    "GITLAB_CI",
  ],
  secretEnv: ["GITLAB_TOKEN", "CI_JOB_TOKEN"],
  hosts: (env) => hostsOf(envValue(env, "GITLAB_URL"), GITLAB_DEFAULT_URL),
  missing: (env) => readGitLabSettings(env).problems,
  logConventions: (env) => env.GITLAB_CI === "true" ? gitlabConventions() : undefined,
}, {
  connection: async () => (await import("./gitlab/connection.ts")).GitLabConnection,
  ci: async () => (await import("./gitlab/ci.ts")).gitLabCi,
  tracker: async () => (await import("./gitlab/tracker.ts")).gitLabIssues,
  branching: async () => (await import("./gitlab/branching.ts")).gitLabBranches,
  probe: async () => (await import("./gitlab/probe.ts")).probeGitLab,
});
