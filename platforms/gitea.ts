/**
 * The `gitea` platform, and `forgejo` — the same platform under another name:
 * a self-hosted Gitea or Forgejo (Codeberg included) over REST v1 at
 * `GITEA_URL/api/v1`, for CI (commit statuses from Gitea or Forgejo Actions,
 * Woodpecker, Drone), the tracker (issues) and branching. This face is cheap
 * data — names, variables, hosts — and its adapters' code loads when the
 * registry first builds one.
 *
 * @module
 */

import { envValue, hostsOf } from "./_core/settings.ts";
import { forgePlatform } from "./_pace/forge_adapters.ts";
import type { PlatformDefinition } from "./types.ts";
import { GITEA_ENV, readGiteaSettings } from "./gitea/settings.ts";

/** The definition for one name of the platform: the adapters carry that name. */
function giteaDefinition(name: string, title: string): PlatformDefinition {
  return forgePlatform({
    name,
    title,
    env: [...GITEA_ENV, "GITHUB_STEP_SUMMARY"],
    secretEnv: ["GITEA_TOKEN"],
    hosts: (env) => hostsOf(readGiteaSettings(env).webUrl),
    missing: (env) => readGiteaSettings(env).problems,
    paths: (env) => {
      const summary = envValue(env, "GITHUB_STEP_SUMMARY");
      return summary ? { read: [summary], write: [summary] } : {};
    },
  }, {
    connection: async () => (await import("./gitea/connection.ts")).GiteaConnection,
    ci: async () => (await import("./gitea/ci.ts")).giteaCi,
    tracker: async () => (await import("./gitea/tracker.ts")).giteaIssues,
    branching: async () => (await import("./gitea/branching.ts")).giteaBranches,
    probe: async () => (await import("./gitea/probe.ts")).probeGitea,
  });
}

/**
 * The `gitea` platform definition.
 *
 * @example
 * ```ts
 * import { giteaPlatform } from "@pace/platforms";
 * console.log(giteaPlatform.hosts({ GITEA_URL: "https://git.example.com:3000/gitea/" }));
 * // ["git.example.com:3000"]
 * ```
 */
export const giteaPlatform: PlatformDefinition = giteaDefinition("gitea", "Gitea");

/**
 * The `forgejo` platform definition: Gitea's, under Forgejo's name (same
 * variables, same API lineage; where Forgejo answers differently, its
 * answer is followed).
 *
 * @example
 * ```ts
 * import { forgejoPlatform } from "@pace/platforms";
 * console.log(forgejoPlatform.hosts({ GITEA_URL: "https://codeberg.org" })); // ["codeberg.org"]
 * ```
 */
export const forgejoPlatform: PlatformDefinition = giteaDefinition("forgejo", "Forgejo");
