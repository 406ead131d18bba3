/**
 * What the fake Jira answers with: projects, statuses, issues (with the
 * `fields` a request asks for) and transitions as Jira writes them, and its
 * error bodies.
 *
 * @module
 */

import type { Reply } from "../_base.ts";
import type { FakeJira } from "../jira.ts";
import type { FakeIssue, FakeProject } from "./model.ts";

/** Jira's 404 for an issue. */
export const notFoundIssue = (): Reply => ({
  status: 404,
  body: {
    errorMessages: ["Issue does not exist or you do not have permission to see it."],
    errors: {},
  },
});

/** Jira's error body: `errorMessages` and per-field `errors`. */
export function jiraError(
  status: number,
  messages: string[],
  errors: Record<string, string> = {},
): Reply {
  return { status, body: { errorMessages: messages, errors } };
}

/** A timestamp as Jira writes it. */
export function now(): string {
  return new Date().toISOString().replace("Z", "+0000");
}

/** An issue key: `PACE-12`. */
export const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-\d+$/;
/** The longest description or comment Jira takes. */
export const TEXT_LIMIT = 32_767;
/** Cloud's answer to a description or comment that is not ADF. */
export const ADF_REQUIRED =
  "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
/** Data Center's answer to a body that is not a string. */
export const STRING_REQUIRED = "Operation value must be a string";
/** A field the create screen does not have. */
export const NOT_SETTABLE = (field: string) =>
  `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;

/** A project by key (any case) or id. */
export function findProject(jira: FakeJira, keyOrId: string): FakeProject | undefined {
  for (const p of jira.projects.values()) {
    if (p.key.toUpperCase() === keyOrId.toUpperCase() || p.id === keyOrId) return p;
  }
  return undefined;
}

/** A project with its issue types. */
export function projectView(jira: FakeJira, p: FakeProject) {
  const api = `${jira.url}/rest/api/${jira.version}`;
  return {
    self: `${api}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: "software",
    issueTypes: p.issueTypes.map((name, i) => ({
      self: `${api}/issuetype/${10000 + i}`,
      id: String(10000 + i),
      name,
      subtask: /^sub-?task$/i.test(name),
    })),
  };
}

function statusView(jira: FakeJira, project: FakeProject, name: string) {
  const status = project.workflow.statuses.find((s) => s.name === name) ??
    project.workflow.statuses[0];
  const category = {
    new: { id: 2, key: "new", colorName: "blue-gray", name: "To Do" },
    indeterminate: { id: 4, key: "indeterminate", colorName: "yellow", name: "In Progress" },
    done: { id: 3, key: "done", colorName: "green", name: "Done" },
  }[status.category];
  const api = `${jira.url}/rest/api/${jira.version}`;
  return {
    self: `${api}/status/${status.id}`,
    description: "",
    name: status.name,
    id: status.id,
    statusCategory: { self: `${api}/statuscategory/${category.id}`, ...category },
  };
}

/** An issue with the `fields` asked for (`*all`, `*navigable`, names, `-name`). */
export function issueView(jira: FakeJira, issue: FakeIssue, fieldsParam: string | undefined) {
  const project = jira.projects.get(issue.project)!;
  const api = `${jira.url}/rest/api/${jira.version}`;
  const all: Record<string, unknown> = {
    summary: issue.summary,
    description: issue.description,
    labels: issue.labels,
    status: statusView(jira, project, issue.status),
    issuetype: { name: issue.issueType, subtask: false },
    priority: issue.priority ? { name: issue.priority } : null,
    project: { id: project.id, key: project.key, name: project.name },
    created: issue.created,
  };
  const view: Record<string, unknown> = {
    expand: "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
    id: issue.id,
    self: `${api}/issue/${issue.id}`,
    key: issue.key,
  };
  if (fieldsParam === undefined) return { id: issue.id };
  const wanted = fieldsParam.split(",").map((f) => f.trim()).filter(Boolean);
  const fields: Record<string, unknown> = {};
  for (const name of Object.keys(all)) {
    if (wanted.includes("*all") || wanted.includes("*navigable") || wanted.includes(name)) {
      if (!wanted.includes(`-${name}`)) fields[name] = all[name];
    }
  }
  view.fields = fields;
  return view;
}

/** The transitions offered from the issue's status. */
export function transitionsOf(jira: FakeJira, issue: FakeIssue) {
  const project = jira.projects.get(issue.project)!;
  return project.workflow.transitions
    .filter((t) => t.from ? t.from.includes(issue.status) : t.to !== issue.status)
    .map((t) => ({
      id: t.id,
      name: t.name,
      to: statusView(jira, project, t.to),
      hasScreen: false,
      isGlobal: !t.from,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    }));
}
