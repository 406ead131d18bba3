/**
 * The `jira` platform: Jira as PACE's tracker (it has no CI side, so a config
 * naming it as `platform.ci` is refused). With `JIRA_EMAIL` set it talks to
 * Jira Cloud (REST v3, Basic `JIRA_EMAIL:JIRA_TOKEN`, ADF bodies); without,
 * to Jira Data Center/Server (REST v2, a personal access token as Bearer,
 * wiki-markup bodies). `JIRA_URL` may carry a context path. With
 * `JIRA_CLOUD_ID` set, Cloud's REST goes through Atlassian's gateway
 * (`api.atlassian.com/ex/jira/{cloudId}`), as scoped API tokens and service
 * accounts require, while links stay on `JIRA_URL`.
 *
 * This face is cheap data — names, variables, hosts — and the tracker's code
 * loads when the registry first builds it.
 *
 * @module
 */

import type { PlatformDefinition } from "./types.ts";
import { jiraHosts, readJiraSettings } from "./jira/settings.ts";

export { JIRA_ISSUE_DEFAULTS } from "./jira/settings.ts";

/**
 * The `jira` platform definition: tracker only.
 *
 * @example
 * ```ts
 * import { jiraPlatform } from "@pace/platforms";
 * console.log(jiraPlatform.hosts({ JIRA_URL: "https://jira.example.com:8443/jira" }));
 * // ["jira.example.com:8443"]
 * console.log(jiraPlatform.hosts({
 *   JIRA_URL: "https://acme.atlassian.net",
 *   JIRA_EMAIL: "bot@acme.example",
 *   JIRA_CLOUD_ID: "35273b54-3f06-40d2-880f-dd28cf8daafa",
 * }));
 * // ["api.atlassian.com"]
 * ```
 */
export const jiraPlatform: PlatformDefinition = {
  name: "jira",
  title: "Jira",
  env: [
    "JIRA_URL",
    "JIRA_TOKEN",
    "JIRA_EMAIL",
    "JIRA_PROJECT_KEY",
    "JIRA_CLOUD_ID",
    "JIRA_HOLD_ISSUE_TYPE",
    "JIRA_HOLD_PRIORITY",
    "JIRA_ADVISORY_ISSUE_TYPE",
    "JIRA_ADVISORY_PRIORITY",
    "JIRA_STORY_ISSUE_TYPE",
    "JIRA_REVIEW_ISSUE_TYPE",
  ],
  secretEnv: ["JIRA_TOKEN"],
  hosts: jiraHosts,
  missing: (env) => readJiraSettings(env).problems,
  tracker: async (context) => (await import("./jira/tracker.ts")).jiraTracker(context),
  probe: async (context) => (await import("./jira/probe.ts")).probeJira(context),
};
