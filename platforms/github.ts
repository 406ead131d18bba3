/**
 * The `github` platform: GitHub.com and GitHub Enterprise Server over the
 * REST API. This face is cheap data — names, variables, hosts — and its
 * adapters' code loads when the registry first builds one, so a command that
 * never talks to GitHub never loads it.
 *
 * @module
 */

import { envValue, hostsOf } from "./_core/settings.ts";
import { forgePlatform } from "./_pace/forge_adapters.ts";
import type { LogConventions, PlatformDefinition } from "./types.ts";
import { GITHUB_DEFAULT_API_URL, readGitHubSettings } from "./github/settings.ts";

export { GITHUB_API_VERSION, GITHUB_DEFAULT_API_URL } from "./github/settings.ts";

/** The `::…::` workflow commands of GitHub Actions, data escaped as the runner expects. */
function actionsConventions(): LogConventions {
  const escape = (text: string) =>
    text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  return {
    group: (title) => `::group::${escape(title)}`,
    endGroup: () => "::endgroup::",
    error: (message) => `::error::${escape(message)}`,
    mask: (value) => `::add-mask::${escape(value)}`,
  };
}

/**
 * The `github` platform definition.
 *
 * @example
 * ```ts
 * import { githubPlatform } from "@pace/platforms";
 * console.log(githubPlatform.hosts({ GITHUB_API_URL: "https://ghe.example.com/api/v3" }));
 * // ["ghe.example.com"]
 * ```
 */
export const githubPlatform: PlatformDefinition = forgePlatform({
  name: "github",
  title: "GitHub",
  env: [
    "GITHUB_TOKEN",
    "GITHUB_REPOSITORY",
    "GITHUB_API_URL",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_ACTIONS",
  ],
  secretEnv: ["GITHUB_TOKEN"],
  hosts: (env) => hostsOf(envValue(env, "GITHUB_API_URL"), GITHUB_DEFAULT_API_URL),
  missing: (env) => readGitHubSettings(env).problems,
  paths: (env) => {
    const summary = envValue(env, "GITHUB_STEP_SUMMARY");
    return summary ? { read: [summary], write: [summary] } : {};
  },
  ci: async (context) => new (await import("./github/ci.ts")).GitHubCIAdapter(context),
  logConventions: (env) => env.GITHUB_ACTIONS === "true" ? actionsConventions() : undefined,
}, {
  connection: async () => (await import("./github/connection.ts")).GitHubConnection,
  tracker: async () => (await import("./github/tracker.ts")).gitHubIssues,
  branching: async () => (await import("./github/branching.ts")).gitHubBranches,
  probe: async () => (await import("./github/probe.ts")).probeGitHub,
});
