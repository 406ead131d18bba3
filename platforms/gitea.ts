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
import type { PlatformDefinition } from "./types.ts";
import { GITEA_ENV, readGiteaSettings } from "./gitea/settings.ts";

/** The definition for one name of the platform: the adapters carry that name. */
function giteaDefinition(name: string, title: string): PlatformDefinition {
  return {
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
    ci: async (context) => {
      const [{ ForgeCI }, { giteaCi }, { GiteaConnection }] = await Promise.all([
        import("./_pace/forge_ci.ts"),
        import("./gitea/ci.ts"),
        import("./gitea/connection.ts"),
      ]);
      const api = giteaCi(new GiteaConnection(context, title), context.logger);
      return new ForgeCI(context, name, api);
    },
    tracker: async (context) => {
      const [{ ForgeTracker }, { giteaIssues }, { GiteaConnection }] = await Promise.all([
        import("./_pace/forge_tracker.ts"),
        import("./gitea/tracker.ts"),
        import("./gitea/connection.ts"),
      ]);
      const api = giteaIssues(new GiteaConnection(context, title), context.logger);
      return new ForgeTracker(context, name, api);
    },
    branching: async (context) => {
      const [{ ForgeBranching }, { giteaBranches }, { GiteaConnection }] = await Promise.all([
        import("./_pace/forge_branching.ts"),
        import("./gitea/branching.ts"),
        import("./gitea/connection.ts"),
      ]);
      const api = giteaBranches(new GiteaConnection(context, title), context.logger);
      return new ForgeBranching(context, name, api);
    },
    probe: async (context) => {
      const problems = readGiteaSettings(context.env).problems;
      if (problems.length) return { ok: false, detail: problems.join("; ") };
      return await (await import("./gitea/probe.ts")).probeGitea(context, title);
    },
  };
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
