/**
 * The `bitbucket` platform: Bitbucket Cloud over REST 2.0. This face is
 * cheap data — names, variables, hosts — and its adapters' code loads when
 * the registry first builds one, so a command that never talks to Bitbucket
 * never loads it.
 *
 * @module
 */

import { envValue, hostsOf } from "./_core/settings.ts";
import { forgePlatform } from "./_pace/forge_adapters.ts";
import type { PlatformDefinition } from "./types.ts";
import { BITBUCKET_DEFAULT_API_URL, readBitbucketSettings } from "./bitbucket/settings.ts";

export { BITBUCKET_DEFAULT_API_URL } from "./bitbucket/settings.ts";

/**
 * The `bitbucket` platform definition.
 *
 * @example
 * ```ts
 * import { bitbucketPlatform } from "@pace/platforms";
 * console.log(bitbucketPlatform.hosts({ BITBUCKET_API_URL: "https://bb.example.com:8443/2.0" }));
 * // ["bb.example.com:8443"]
 * console.log(bitbucketPlatform.missing?.({ BITBUCKET_WORKSPACE: "acme" }));
 * // ["BITBUCKET_REPO_SLUG", "one Bitbucket credential: BITBUCKET_EMAIL + BITBUCKET_API_TOKEN (…), …"]
 * ```
 */
export const bitbucketPlatform: PlatformDefinition = forgePlatform({
  name: "bitbucket",
  title: "Bitbucket",
  env: [
    "BITBUCKET_WORKSPACE",
    "BITBUCKET_REPO_SLUG",
    "BITBUCKET_EMAIL",
    "BITBUCKET_API_TOKEN",
    "BITBUCKET_USER",
    "BITBUCKET_APP_PASSWORD",
    "BITBUCKET_API_URL",
  ],
  secretEnv: ["BITBUCKET_API_TOKEN", "BITBUCKET_APP_PASSWORD"],
  hosts: (env) => hostsOf(envValue(env, "BITBUCKET_API_URL"), BITBUCKET_DEFAULT_API_URL),
  missing: (env) => readBitbucketSettings(env).problems,
}, {
  connection: async () => (await import("./bitbucket/connection.ts")).BitbucketConnection,
  ci: async () => (await import("./bitbucket/ci.ts")).bitbucketCi,
  tracker: async () => (await import("./bitbucket/tracker.ts")).bitbucketIssues,
  branching: async () => (await import("./bitbucket/branching.ts")).bitbucketBranches,
  probe: async () => (await import("./bitbucket/probe.ts")).probeBitbucket,
});
