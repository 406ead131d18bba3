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
export const gitlabPlatform: PlatformDefinition = {
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
  ci: async (context) => {
    const [{ ForgeCI }, { gitLabCi }, { GitLabConnection }] = await Promise.all([
      import("./_pace/forge_ci.ts"),
      import("./gitlab/ci.ts"),
      import("./gitlab/connection.ts"),
    ]);
    return new ForgeCI(context, "gitlab", gitLabCi(new GitLabConnection(context)));
  },
  tracker: async (context) => {
    const [{ ForgeTracker }, { gitLabIssues }, { GitLabConnection }] = await Promise.all([
      import("./_pace/forge_tracker.ts"),
      import("./gitlab/tracker.ts"),
      import("./gitlab/connection.ts"),
    ]);
    return new ForgeTracker(context, "gitlab", gitLabIssues(new GitLabConnection(context)));
  },
  branching: async (context) => {
    const [{ ForgeBranching }, { gitLabBranches }, { GitLabConnection }] = await Promise.all([
      import("./_pace/forge_branching.ts"),
      import("./gitlab/branching.ts"),
      import("./gitlab/connection.ts"),
    ]);
    return new ForgeBranching(context, "gitlab", gitLabBranches(new GitLabConnection(context)));
  },
  probe: async (context) => {
    const problems = readGitLabSettings(context.env).problems;
    if (problems.length) return { ok: false, detail: problems.join("; ") };
    const { probeGitLab } = await import("./gitlab/probe.ts");
    return await probeGitLab(context);
  },
  logConventions: (env) => env.GITLAB_CI === "true" ? gitlabConventions() : undefined,
};
