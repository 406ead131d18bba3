/**
 * Jira's settings: which Jira, which dialect (Cloud or Data Center), which
 * credential, which project, and which issue type and priority each kind of
 * item gets. Read by the connection and by the platform's definition (what
 * is missing), without loading any request code.
 *
 * @module
 */

import { basicAuthorization } from "../_core/secrets.ts";
import { envValue, hostsOf, Settings } from "../_core/settings.ts";
import type { Env, ResolvedContext } from "../types.ts";

/**
 * Issue types and priorities used when the `JIRA_*_ISSUE_TYPE` /
 * `JIRA_*_PRIORITY` variables are not set. The story carries no priority:
 * Jira gives it the project's default.
 *
 * @example
 * ```ts
 * import { JIRA_ISSUE_DEFAULTS } from "@pace/platforms";
 * console.log(JIRA_ISSUE_DEFAULTS.hold); // { issueType: "Bug", priority: "High" }
 * ```
 */
export const JIRA_ISSUE_DEFAULTS: {
  readonly hold: { readonly issueType: string; readonly priority: string };
  readonly advisory: { readonly issueType: string; readonly priority: string };
  readonly story: { readonly issueType: string };
} = {
  hold: { issueType: "Bug", priority: "High" },
  advisory: { issueType: "Task", priority: "Medium" },
  story: { issueType: "Story" },
};

/** Which PACE item a create is for: decides the issue type, the priority and their variables. */
export type ItemKind = keyof typeof JIRA_ISSUE_DEFAULTS;

/** The issue type and priority of one kind of item, with the variables that set them. */
export interface KindSettings {
  issueType: string;
  issueTypeVar: string;
  priority?: string;
  priorityVar?: string;
}

/**
 * Atlassian's API gateway. With `JIRA_CLOUD_ID` set, Jira Cloud's REST API is
 * reached at `https://api.atlassian.com/ex/jira/{cloudId}`, the only address
 * scoped API tokens and service accounts are accepted at.
 */
export const JIRA_API_GATEWAY = "https://api.atlassian.com";

/** Jira's settings, read once; `problems` lists what keeps them from working. */
export interface JiraSettings {
  /** `JIRA_URL` without trailing slashes (a context path kept): links start here. */
  url: string;
  /**
   * Where REST calls start: `JIRA_URL`, or on Cloud with `JIRA_CLOUD_ID` the
   * gateway's `https://api.atlassian.com/ex/jira/{cloudId}`.
   */
  apiUrl: string;
  /** `JIRA_CLOUD_ID` (lower case), when REST goes through the gateway. */
  cloudId: string | undefined;
  /** Jira Cloud (REST v3, ADF, Basic email:token) rather than Data Center (REST v2, wiki, Bearer). */
  cloud: boolean;
  /** `JIRA_PROJECT_KEY`, upper case. */
  projectKey: string;
  /** The `authorization` header, or `undefined` without a token. */
  authorization: string | undefined;
  problems: string[];
}

/** A project key: a letter, then letters, digits or `_` (Jira's keys have at least two). */
const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]+$/;

/** A site's cloud id: a UUID, as `JIRA_URL/_edge/tenant_info` gives it. */
const CLOUD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where to find a site's cloud id, for messages. */
export const CLOUD_ID_SOURCE = "JIRA_URL/_edge/tenant_info gives it as cloudId";

/**
 * `JIRA_CLOUD_ID` when it is set, valid and meant for Jira Cloud; a problem
 * otherwise. A cloud id without `JIRA_EMAIL` is a slip, not Data Center: REST
 * would go to a different host than the user asked for.
 */
function readCloudId(settings: Settings, email: string | undefined): string | undefined {
  const value = settings.optional("JIRA_CLOUD_ID");
  if (value === undefined) return undefined;
  if (!CLOUD_ID.test(value)) {
    settings.problem(
      `JIRA_CLOUD_ID must be the site's cloud id, a UUID (${CLOUD_ID_SOURCE}), got ${
        JSON.stringify(value.slice(0, 80))
      }`,
    );
    return undefined;
  }
  if (email === undefined) {
    settings.problem(
      "JIRA_CLOUD_ID is for Jira Cloud: set JIRA_EMAIL too (the email of the account or " +
        "service account the token belongs to)",
    );
    return undefined;
  }
  return value.toLowerCase();
}

/**
 * Read `JIRA_URL`, `JIRA_TOKEN`, `JIRA_PROJECT_KEY` and `JIRA_EMAIL` (set:
 * Cloud). With `context`, the token and the Basic pair are registered for
 * masking before anything can print them.
 */
export function readJiraSettings(env: Env, context?: ResolvedContext): JiraSettings {
  const settings = new Settings(env, context?.secrets);
  const url = settings.url("JIRA_URL");
  const token = settings.secret("JIRA_TOKEN");
  const key = settings.matching(
    "JIRA_PROJECT_KEY",
    PROJECT_KEY,
    "a project key like PACE (letters, digits, _)",
  );
  const email = settings.optional("JIRA_EMAIL");
  const cloudId = readCloudId(settings, email);
  const authorization = !token
    ? undefined
    : email
    ? basicAuthorization(email, token, context?.secrets)
    : `Bearer ${token}`;
  return {
    url,
    apiUrl: cloudId ? `${JIRA_API_GATEWAY}/ex/jira/${cloudId}` : url,
    cloudId,
    cloud: email !== undefined,
    projectKey: key ? key[0].toUpperCase() : "",
    authorization,
    problems: settings.problems,
  };
}

/**
 * The hosts Jira's calls reach: the gateway when REST goes through it (links
 * to `JIRA_URL` are not calls), else `JIRA_URL`'s host.
 */
export function jiraHosts(env: Env): string[] {
  const settings = readJiraSettings(env);
  return hostsOf(settings.cloudId ? settings.apiUrl : envValue(env, "JIRA_URL"));
}

/** The issue type (and, but for the story, the priority) of `kind`, from its variables. */
export function kindSettings(env: Env, kind: ItemKind): KindSettings {
  const settings = new Settings(env);
  const upper = kind.toUpperCase();
  const issueTypeVar = `JIRA_${upper}_ISSUE_TYPE`;
  const defaults: { issueType: string; priority?: string } = JIRA_ISSUE_DEFAULTS[kind];
  const chosen: KindSettings = {
    issueTypeVar,
    issueType: settings.optional(issueTypeVar) ?? defaults.issueType,
  };
  if (defaults.priority !== undefined) {
    chosen.priorityVar = `JIRA_${upper}_PRIORITY`;
    chosen.priority = settings.optional(chosen.priorityVar) ?? defaults.priority;
  }
  return chosen;
}
