/**
 * The fake Jira's writes and comment reads: creating an issue (the create
 * screen's fields, Jira's per-field errors), transitions, comments, with ADF
 * (Cloud) or wiki strings (Data Center) as bodies.
 *
 * @module
 */

import { type Call, isObject, type Reply } from "../_base.ts";
import type { FakeJira } from "../jira.ts";
import { validateAdf } from "./adf.ts";
import { pageSize } from "./search.ts";
import type { FakeIssue, RecordedRequest } from "./model.ts";
import {
  ADF_REQUIRED,
  findProject,
  jiraError,
  NOT_SETTABLE,
  notFoundIssue,
  STRING_REQUIRED,
  TEXT_LIMIT,
  transitionsOf,
} from "./views.ts";

/** What a create body may hold. */
const CREATE_KEYS = ["fields", "update", "transition", "properties", "historyMetadata"];
const KNOWN_FIELDS = ["project", "summary", "issuetype", "description", "labels", "priority"];

function bodyProblem(
  jira: FakeJira,
  call: Call<RecordedRequest>,
  value: unknown,
  field: string,
): Reply | undefined {
  if (jira.mode === "cloud") {
    if (!isObject(value)) {
      jira.violate(call, `${field} is not ADF`);
      return jiraError(400, [], { [field]: ADF_REQUIRED });
    }
    const problems = validateAdf(value);
    if (problems.length) {
      for (const p of problems) jira.violate(call, `invalid ADF in ${field}: ${p}`);
      return jiraError(400, ["INVALID_INPUT"]);
    }
    if (JSON.stringify(value).length > TEXT_LIMIT) {
      jira.violate(call, `${field} over ${TEXT_LIMIT} characters`);
      return jiraError(400, [], { [field]: "CONTENT_LIMIT_EXCEEDED" });
    }
    return undefined;
  }
  if (typeof value !== "string") {
    jira.violate(call, `${field} is not a string`);
    return jiraError(400, [], { [field]: STRING_REQUIRED });
  }
  if (value.length > TEXT_LIMIT) {
    jira.violate(call, `${field} over ${TEXT_LIMIT} characters`);
    return jiraError(400, [], {
      [field]: `The entered text is too long. It exceeds the allowed limit of ${
        TEXT_LIMIT.toLocaleString("en")
      } characters.`,
    });
  }
  return undefined;
}

/** `POST /issue`. */
export function createIssue(jira: FakeJira, call: Call<RecordedRequest>, body: unknown): Reply {
  if (!isObject(body) || !isObject(body.fields)) {
    jira.violate(call, `create body must be {"fields": {...}}`);
    return jiraError(400, ["Issue must be created with fields."]);
  }
  const unknownTop = Object.keys(body).filter((k) => !CREATE_KEYS.includes(k));
  if (unknownTop.length) {
    jira.violate(call, `unknown top-level key(s) ${unknownTop.join(", ")}`);
    return jiraError(400, [`Unrecognized field(s): ${unknownTop.join(", ")}`]);
  }
  const fields = body.fields;
  const errors: Record<string, string> = {};
  for (const key of Object.keys(fields)) {
    if (!KNOWN_FIELDS.includes(key)) {
      jira.violate(call, `field ${key} is not on the create screen`);
      errors[key] = NOT_SETTABLE(key);
    }
  }
  const ref = (value: unknown): string | undefined => {
    if (!isObject(value)) return undefined;
    const v = value.key ?? value.name ?? value.id;
    return typeof v === "string" ? v : undefined;
  };
  const projectRef = ref(fields.project);
  const project = projectRef ? findProject(jira, projectRef) : undefined;
  if (!project) {
    errors.project = "Specify a valid project ID or key";
  }
  const summary = fields.summary;
  if (typeof summary !== "string") {
    if (summary !== undefined) jira.violate(call, `summary is not a string`);
    errors.summary = summary === undefined
      ? "You must specify a summary of the issue."
      : STRING_REQUIRED;
  } else if (summary.trim() === "") {
    errors.summary = "You must specify a summary of the issue.";
  } else if (/[\r\n]/.test(summary)) {
    jira.violate(call, `summary holds a newline`);
    errors.summary = "The summary is invalid because it contains newline characters.";
  } else if (summary.length > 255) {
    jira.violate(call, `summary over 255 characters`);
    errors.summary = "Summary must be less than 255 characters.";
  }
  const issueType = ref(fields.issuetype);
  if (issueType === undefined) {
    if (fields.issuetype !== undefined) jira.violate(call, `issuetype is not {name}`);
    errors.issuetype = "Specify an issue type";
  } else if (project && !project.issueTypes.includes(issueType)) {
    errors.issuetype = "Specify a valid issue type";
  }
  let priority: string | null = null;
  if (fields.priority !== undefined) {
    const name = ref(fields.priority);
    if (name === undefined) {
      jira.violate(call, `priority is not {name}`);
      errors.priority = "Specify the Priority (id or name) in the string format";
    } else if (project && !project.priorityOnCreateScreen) {
      errors.priority = NOT_SETTABLE("priority");
    } else if (project && !project.priorities.includes(name)) {
      errors.priority = "The priority selected is invalid.";
    } else priority = name;
  }
  let labels: string[] = [];
  if (fields.labels !== undefined) {
    if (!Array.isArray(fields.labels) || !fields.labels.every((l) => typeof l === "string")) {
      jira.violate(call, `labels is not a list of strings`);
      errors.labels = "Operation value must be a list of strings";
    } else {
      labels = fields.labels as string[];
      const bad = labels.find((l) => /\s/.test(l) || l === "" || l.length > 255);
      if (bad !== undefined) {
        jira.violate(call, `invalid label ${JSON.stringify(bad)}`);
        errors.labels = `The label '${bad}' contains spaces which is invalid.`;
      }
    }
  }
  if (fields.description !== undefined && fields.description !== null) {
    const problem = bodyProblem(jira, call, fields.description, "description");
    if (problem) {
      const problemBody = problem.body as {
        errorMessages: string[];
        errors: Record<string, string>;
      };
      if (problemBody.errorMessages.length) return problem;
      Object.assign(errors, problemBody.errors);
    }
  }
  if (Object.keys(errors).length) return jiraError(400, [], errors);
  const issue = jira.addIssue({
    project: project!.key,
    summary: summary as string,
    description: fields.description ?? null,
    issueType: issueType!,
    priority: priority ?? (project!.priorityOnCreateScreen ? "Medium" : null),
    labels,
  });
  // Cloud's search index catches up with a create only after a while.
  if (jira.mode === "cloud" && jira.searchLag > 0) issue.searchHiddenFor = jira.searchLag;
  return {
    status: 201,
    body: {
      id: issue.id,
      key: issue.key,
      self: `${jira.url}/rest/api/${jira.version}/issue/${issue.id}`,
    },
  };
}

/** `POST /issue/{key}/transitions`. */
export function transitionIssue(
  jira: FakeJira,
  call: Call<RecordedRequest>,
  issue: FakeIssue | undefined,
  body: unknown,
): Reply {
  if (!isObject(body) || !isObject(body.transition)) {
    jira.violate(call, `body must be {"transition": {"id": "..."}}`);
    return jiraError(400, ["Missing 'transition' identifier"]);
  }
  const unknown = Object.keys(body).filter((k) =>
    !["transition", "fields", "update", "historyMetadata", "properties"].includes(k)
  );
  if (unknown.length) {
    jira.violate(call, `unknown key(s) ${unknown.join(", ")}`);
    return jiraError(400, [`Unrecognized field(s): ${unknown.join(", ")}`]);
  }
  const id = body.transition.id;
  if (typeof id !== "string" || !/^\d+$/.test(id)) {
    jira.violate(call, `transition.id must be a string of digits`);
    return jiraError(400, ["Missing 'transition' identifier"]);
  }
  if (!issue) return notFoundIssue();
  const offered = transitionsOf(jira, issue).find((t) => t.id === id);
  if (!offered) return jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
  issue.status = offered.to.name;
  return { status: 204 };
}

/** `GET /issue/{key}/comment`. */
export function listComments(jira: FakeJira, issue: FakeIssue, query: URLSearchParams): Reply {
  const startAt = Math.max(0, Number(query.get("startAt") ?? 0) || 0);
  const size = pageSize(jira, query.get("maxResults") ?? "5000");
  const page = issue.comments.slice(startAt, startAt + size);
  return {
    status: 200,
    body: {
      startAt,
      maxResults: size,
      total: issue.comments.length,
      comments: page.map((c) => ({
        self: `${jira.url}/rest/api/${jira.version}/issue/${issue.id}/comment/${c.id}`,
        id: c.id,
        author: { displayName: "PACE bot" },
        body: c.body,
        created: c.created,
        updated: c.created,
      })),
    },
  };
}

/** `POST /issue/{key}/comment`. */
export function postComment(
  jira: FakeJira,
  call: Call<RecordedRequest>,
  issue: FakeIssue | undefined,
  body: unknown,
): Reply {
  if (!isObject(body) || body.body === undefined) {
    jira.violate(call, `comment body must be {"body": ...}`);
    return jiraError(400, [], { comment: "Comment body can not be empty!" });
  }
  const unknown = Object.keys(body).filter((k) =>
    !["body", "visibility", "properties"].includes(k)
  );
  if (unknown.length) {
    jira.violate(call, `unknown key(s) ${unknown.join(", ")}`);
    return jiraError(400, [`Unrecognized field(s): ${unknown.join(", ")}`]);
  }
  const problem = bodyProblem(jira, call, body.body, "comment");
  if (problem) return problem;
  if (!issue) return notFoundIssue();
  const comment = jira.addComment(issue, body.body);
  return {
    status: 201,
    body: {
      self: `${jira.url}/rest/api/${jira.version}/issue/${issue.id}/comment/${comment.id}`,
      id: comment.id,
      body: comment.body,
      created: comment.created,
    },
  };
}
