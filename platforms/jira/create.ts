/**
 * Creating one of PACE's issues, and the day-one refusals explained: an issue
 * type or priority the project lacks names the variable to change (with the
 * project's own issue types), and a priority field missing from the create
 * screen is dropped and the create sent once more — a 400 is a create Jira
 * did not perform, so repeating it cannot duplicate.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { ItemPlan } from "../_pace/plans.ts";
import type { Logger } from "../types.ts";
import type { JiraConnection, JiraIssue } from "./connection.ts";
import { isJiraKey } from "./jql.ts";
import type { KindSettings } from "./settings.ts";

/** Jira's `{"errorMessages": [...], "errors": {...}}`, read from an error body. */
function jiraErrors(body: string): { messages: string[]; errors: Record<string, string> } {
  try {
    const data = JSON.parse(body) as { errorMessages?: unknown; errors?: unknown };
    const messages = Array.isArray(data.errorMessages)
      ? data.errorMessages.filter((m): m is string => typeof m === "string")
      : [];
    const errors: Record<string, string> = {};
    if (data.errors && typeof data.errors === "object") {
      for (const [k, v] of Object.entries(data.errors)) if (typeof v === "string") errors[k] = v;
    }
    return { messages, errors };
  } catch {
    return { messages: [], errors: {} };
  }
}

/** The project's issue types (no sub-tasks), as a hint; `""` when they cannot be read. */
async function availableTypes(jira: JiraConnection): Promise<string> {
  try {
    const project = await jira.project();
    const names = (project.issueTypes ?? []).filter((t) => !t.subtask).map((t) => t.name)
      .filter((n): n is string => typeof n === "string");
    return names.length ? ` (it has: ${names.join(", ")})` : "";
  } catch {
    return "";
  }
}

/** Turn a 400 on create into a message naming the variable to change. */
async function createError(
  jira: JiraConnection,
  error: HttpError,
  settings: KindSettings,
): Promise<Error> {
  const { errors, messages } = jiraErrors(error.body);
  const key = jira.projectKey;
  const hints: string[] = [];
  if (errors.issuetype !== undefined) {
    hints.push(
      `issue type "${settings.issueType}" is not available: set ${settings.issueTypeVar} ` +
        `to an issue type of project ${key}${await availableTypes(jira)}`,
    );
  }
  if (errors.priority !== undefined && settings.priorityVar) {
    hints.push(
      `priority "${settings.priority}" is not accepted: set ${settings.priorityVar} ` +
        `to a priority of project ${key}`,
    );
  }
  if (errors.project !== undefined) {
    hints.push(`check JIRA_PROJECT_KEY ("${key}") and the account's Create issues permission`);
  }
  const detail = JSON.stringify(errors) !== "{}"
    ? JSON.stringify(errors)
    : messages.join("; ") || error.body;
  return new Error(
    `Jira refused the issue (400): ${detail}${hints.length ? ` \u2014 ${hints.join("; ")}` : ""}`,
  );
}

/** Whether a 400 says only that the priority field is not on the project's create screen. */
function priorityNotOnScreen(error: HttpError): string | undefined {
  const { errors } = jiraErrors(error.body);
  const onlyPriority = Object.keys(errors).length === 1 && errors.priority !== undefined;
  return onlyPriority && /cannot be set|not on the appropriate screen/i.test(errors.priority)
    ? errors.priority
    : undefined;
}

/** Create the issue `plan` describes, of the kind `settings` says; the issue Jira answered. */
export async function createIssue(
  jira: JiraConnection,
  plan: ItemPlan,
  settings: KindSettings,
  logger: Logger,
): Promise<JiraIssue> {
  const fields: Record<string, unknown> = {
    project: { key: jira.projectKey },
    summary: plan.title,
    issuetype: { name: settings.issueType },
    labels: plan.labels,
    description: jira.render(plan.doc),
  };
  if (settings.priority) fields.priority = { name: settings.priority };
  let issue: JiraIssue;
  try {
    issue = await jira.request<JiraIssue>("POST", "issue", { json: { fields } });
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 400) throw error;
    const refusal = fields.priority ? priorityNotOnScreen(error) : undefined;
    if (refusal === undefined) throw await createError(jira, error, settings);
    logger.warn(
      `${plan.doc.marker}: project ${jira.projectKey} has no priority field on its create ` +
        `screen (${refusal}); creating it without ${settings.priorityVar}`,
    );
    delete fields.priority;
    issue = await jira.request<JiraIssue>("POST", "issue", { json: { fields } });
  }
  if (!isJiraKey(issue?.key)) {
    throw new Error(`Jira answered the create without an issue key: ${JSON.stringify(issue)}`);
  }
  return issue;
}
