/**
 * The data model of the fake Jira: modes, projects with their workflows,
 * issues and comments, the start options, and Jira Cloud's rate-limit fault.
 *
 * @module
 */

import type { RecordedRequest as BaseRecord, ScriptRule } from "../_base.ts";

/** Which Jira the server acts as. */
export type JiraMode = "cloud" | "datacenter";

/** A status category key. */
export type StatusCategoryKey = "new" | "indeterminate" | "done";

/** A workflow status. */
export interface FakeStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

/** A workflow transition; without `from` it is global (offered from every other status). */
export interface FakeTransition {
  id: string;
  name: string;
  /** Name of the target status. */
  to: string;
  /** Names of the statuses it is offered from. */
  from?: string[];
}

/** Statuses (the first is the initial one) and transitions. */
export interface FakeWorkflow {
  statuses: FakeStatus[];
  transitions: FakeTransition[];
}

/** A project. */
export interface FakeProject {
  id: string;
  key: string;
  name: string;
  /** Issue type names the project offers. */
  issueTypes: string[];
  /** Priority names the project's scheme offers. */
  priorities: string[];
  /** `false`: the create screen lacks the priority field (Jira: "cannot be set"). */
  priorityOnCreateScreen: boolean;
  workflow: FakeWorkflow;
}

/** A comment. */
export interface FakeComment {
  id: string;
  /** ADF (cloud) or a wiki string (datacenter), as posted. */
  body: unknown;
  created: string;
}

/** An issue. */
export interface FakeIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  /** ADF (cloud) or a wiki string (datacenter), as posted; `null` when none. */
  description: unknown;
  issueType: string;
  priority: string | null;
  labels: string[];
  /** Name of its workflow status. */
  status: string;
  created: string;
  comments: FakeComment[];
  /**
   * Cloud: how many more `/search/jql` requests leave the issue out (it was
   * created moments ago and the index has not caught up); `Infinity` until
   * {@linkcode FakeJira.settle}. Absent or 0: searches show it.
   */
  searchHiddenFor?: number;
}

/** One request as received; `path` is without the context path. */
export type RecordedRequest = BaseRecord;

/** Options of {@linkcode FakeJira.start}. */
export interface FakeJiraOptions {
  /** Default `"cloud"`. */
  mode?: JiraMode;
  /** E.g. `"/jira"`. Default `""`. */
  contextPath?: string;
  /** Cloud account email. Default `"pace-bot@acme.example"`. */
  email?: string;
  /** API token (cloud) or personal access token (datacenter). */
  token?: string;
  /** Projects; default one: PACE with Bug, Task, Story, Epic and the default workflow. */
  projects?: (Partial<FakeProject> & { key: string })[];
  /** Largest page the server hands out, whatever `maxResults` asks. Default 100. */
  pageCap?: number;
  /**
   * Cloud: how many `/search/jql` requests after its create leave a new issue
   * out, as Cloud's eventually consistent search does; `Infinity` until
   * {@linkcode FakeJira.settle}. Default 0 (searches see every issue at once).
   */
  searchLag?: number;
  /**
   * Cloud: the site's cloud id, under which the server also answers as
   * Atlassian's gateway does (`/ex/jira/{cloudId}/rest/api/3/…`). Default a fixed UUID.
   */
  cloudId?: string;
  /**
   * Cloud: the token is a scoped API token (or a service account's), which
   * Jira accepts only through the gateway: calls to the site answer 401.
   */
  scopedToken?: boolean;
}

/**
 * Jira's default software workflow, with a `Won't Do` transition into the
 * Done category listed before `Done` — the order in which a client that takes
 * "the first done transition" picks the wrong one.
 */
export function defaultWorkflow(): FakeWorkflow {
  return {
    statuses: [
      { id: "10000", name: "To Do", category: "new" },
      { id: "10001", name: "In Progress", category: "indeterminate" },
      { id: "10003", name: "Won't Do", category: "done" },
      { id: "10002", name: "Done", category: "done" },
    ],
    transitions: [
      { id: "11", name: "To Do", to: "To Do" },
      { id: "21", name: "In Progress", to: "In Progress" },
      { id: "41", name: "Won't Do", to: "Won't Do" },
      { id: "31", name: "Done", to: "Done" },
    ],
  };
}

/** A 429 as Jira Cloud sends it, with `Retry-After` (seconds). */
export function rateLimited(
  rule: Omit<ScriptRule, "status" | "body"> & { retryAfter?: number },
): ScriptRule {
  return {
    ...rule,
    status: 429,
    headers: {
      "retry-after": String(rule.retryAfter ?? 0),
      "x-ratelimit-limit": "350",
      "x-ratelimit-remaining": "0",
      "ratelimit-reason": "jira-quota-tenant-based",
      ...rule.headers,
    },
    body: { errorMessages: ["Rate limit exceeded."], errors: {} },
  };
}
