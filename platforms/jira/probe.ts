/**
 * `pace check` for Jira: one authenticated read of the configured project,
 * reported with the dialect in use (Cloud REST v3, directly or through
 * Atlassian's gateway, or Data Center REST v2).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { ProbeResult, ResolvedContext } from "../types.ts";
import { JiraConnection } from "./connection.ts";
import { readJiraSettings } from "./settings.ts";

/** `problems` as one line: unset variables together, then each other problem. */
function describe(problems: string[]): string {
  const unset = problems.filter((p) => /^[A-Z][A-Z0-9_]*$/.test(p));
  const other = problems.filter((p) => !unset.includes(p));
  const lines = unset.length
    ? [
      `${unset.join(", ")} ${unset.length === 1 ? "is" : "are"} not set (Jira needs JIRA_URL, ` +
      "JIRA_TOKEN and JIRA_PROJECT_KEY, and JIRA_EMAIL for Jira Cloud)",
    ]
    : [];
  return [...lines, ...other].join("; ");
}

/** Whether the configured project answers as Jira's REST API does. */
export async function probeJira(context: ResolvedContext): Promise<ProbeResult> {
  const problems = readJiraSettings(context.env).problems;
  if (problems.length) return { ok: false, detail: describe(problems) };
  const jira = new JiraConnection(context);
  try {
    const project = await jira.project();
    if (typeof project?.key !== "string") {
      return { ok: false, detail: `${jira.apiUrl} did not answer as Jira's REST API does` };
    }
    const name = project.name ? ` (${project.name})` : "";
    return {
      ok: true,
      detail: `project ${project.key}${name} reachable at ${jira.apiUrl} \u2014 ${jira.flavour}`,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A 404 without Jira's own error body is the gateway's (an unknown cloud id), already hinted.
    const hint = error instanceof HttpError && error.status === 404 &&
        (!jira.cloudId || /errorMessages/.test(error.body))
      ? ` \u2014 no project ${jira.projectKey} visible to this account: check JIRA_PROJECT_KEY`
      : "";
    return { ok: false, detail: context.secrets.redact(`${message}${hint}`) };
  }
}
