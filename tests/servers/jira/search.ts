/**
 * The fake Jira's searches: JQL evaluated over its issues, Cloud's
 * `/search/jql` (`nextPageToken`, `isLast`, no unbounded queries, an index
 * that lags writes unless `reconcileIssues` names the issue) and Data
 * Center's `/search` (`startAt`, `maxResults`, `total`), which is consistent.
 *
 * @module
 */

import { base64, type Call, type Reply } from "../_base.ts";
import type { FakeJira } from "../jira.ts";
import { JqlError, type JqlNode, type JqlQuery, parseJql } from "./jql.ts";
import type { FakeIssue, RecordedRequest, StatusCategoryKey } from "./model.ts";
import { findProject, issueView, jiraError } from "./views.ts";

/** The names and ids JQL may give each status category. */
const CATEGORY_NAMES: Record<StatusCategoryKey, string[]> = {
  new: ["to do", "new", "2"],
  indeterminate: ["in progress", "indeterminate", "4"],
  done: ["done", "3"],
};

function compile(
  jira: FakeJira,
  jql: string,
): { match: (issue: FakeIssue) => boolean; order: JqlQuery["orderBy"] } {
  const query = parseJql(jql);
  const check = (node: JqlNode | undefined): void => {
    if (!node) return;
    if (node.type === "and" || node.type === "or") return node.parts.forEach(check);
    if (node.type === "not") return check(node.part);
    const field = node.field.toLowerCase();
    const known = [
      "project",
      "labels",
      "statuscategory",
      "status",
      "key",
      "issuekey",
      "issuetype",
      "type",
      "summary",
      "priority",
    ];
    if (!known.includes(field)) {
      throw new JqlError(
        `Field '${node.field}' does not exist or you do not have permission to view it.`,
        false,
      );
    }
    for (const value of node.values) {
      const exists = field === "project"
        ? findProject(jira, value) !== undefined
        : field === "statuscategory"
        ? Object.values(CATEGORY_NAMES).some((names) => names.includes(value.toLowerCase()))
        : field === "status"
        ? [...jira.projects.values()].some((p) =>
          p.workflow.statuses.some((s) => s.name.toLowerCase() === value.toLowerCase())
        )
        : field === "issuetype" || field === "type"
        ? [...jira.projects.values()].some((p) =>
          p.issueTypes.some((t) => t.toLowerCase() === value.toLowerCase())
        )
        : true;
      if (!exists) {
        throw new JqlError(
          `The value '${value}' does not exist for the field '${node.field}'.`,
          false,
        );
      }
    }
  };
  check(query.where);
  const test = (node: JqlNode, issue: FakeIssue): boolean => {
    if (node.type === "and") return node.parts.every((p) => test(p, issue));
    if (node.type === "or") return node.parts.some((p) => test(p, issue));
    if (node.type === "not") return !test(node.part, issue);
    const project = jira.projects.get(issue.project)!;
    const field = node.field.toLowerCase();
    const status = project.workflow.statuses.find((s) => s.name === issue.status);
    const actual: string[] = field === "project"
      ? [project.key.toLowerCase(), project.id, project.name.toLowerCase()]
      : field === "labels"
      ? issue.labels
      : field === "statuscategory"
      ? CATEGORY_NAMES[status?.category ?? "new"]
      : field === "status"
      ? [issue.status.toLowerCase()]
      : field === "key" || field === "issuekey"
      ? [issue.key.toLowerCase(), issue.id]
      : field === "issuetype" || field === "type"
      ? [issue.issueType.toLowerCase()]
      : field === "priority"
      ? issue.priority ? [issue.priority.toLowerCase()] : []
      : [issue.summary.toLowerCase()];
    const norm = (v: string) => field === "labels" ? v : v.toLowerCase();
    const values = node.values.map(norm);
    switch (node.operator) {
      case "=":
        return actual.includes(values[0]);
      case "!=":
        return !actual.includes(values[0]);
      case "in":
        return values.some((v) => actual.includes(v));
      case "not in":
        return !values.some((v) => actual.includes(v));
      case "~":
        return actual.some((a) => a.includes(values[0]));
      case "!~":
        return !actual.some((a) => a.includes(values[0]));
      case "is empty":
        return actual.length === 0;
      case "is not empty":
        return actual.length > 0;
      default:
        throw new JqlError(
          `The operator '${node.operator}' is not supported by the '${node.field}' field.`,
          false,
        );
    }
  };
  return { match: (issue) => !query.where || test(query.where, issue), order: query.orderBy };
}

/** The issues `jql` finds, in its order; Jira's 400 when it does not parse (a client bug). */
function run(jira: FakeJira, call: Call<RecordedRequest>, jql: string): FakeIssue[] | Reply {
  let compiled;
  try {
    compiled = compile(jira, jql);
  } catch (error) {
    if (!(error instanceof JqlError)) throw error;
    if (error.syntax) jira.violate(call, "unparseable JQL");
    return {
      status: 400,
      body: { errorMessages: [error.message], errors: {}, warningMessages: [] },
    };
  }
  const found = jira.issues.filter(compiled.match);
  const number = (i: FakeIssue) => Number(i.key.split("-").pop());
  if (compiled.order.length) {
    const { field, direction } = compiled.order[0];
    found.sort((a, b) => {
      const d = field === "created" ? a.created.localeCompare(b.created) : number(a) - number(b);
      return direction === "asc" ? d : -d;
    });
  } else {
    // Jira's default order is by key, newest first.
    found.sort((a, b) => number(b) - number(a));
  }
  return found;
}

/** How many results a page holds: `maxResults` (default 50), at most the server's cap. */
export function pageSize(jira: FakeJira, raw: string | undefined): number {
  const asked = raw === undefined ? 50 : Number(raw);
  return Math.max(0, Math.min(Number.isFinite(asked) ? asked : 50, jira.pageCap));
}

/** The most ids `reconcileIssues` takes. */
const MAX_RECONCILE = 50;

/**
 * The issue ids of `reconcileIssues`, checked: numbers (on GET a
 * comma-separated list or the parameter repeated; in a POST body an array of
 * integers), at most 50, each an existing issue. A refusal otherwise.
 */
export function reconcileIds(
  jira: FakeJira,
  call: Call<RecordedRequest>,
  raw: unknown,
): Set<string> | Reply {
  if (raw === undefined) return new Set();
  const values = call.method === "GET"
    ? (raw as string[]).flatMap((v) => v.split(",")).map((v) => v.trim())
    : raw;
  const ok = Array.isArray(values) &&
    values.every((v) =>
      call.method === "GET" ? /^\d+$/.test(v) : Number.isSafeInteger(v) && (v as number) > 0
    );
  if (!ok) {
    return jira.refuse(
      call,
      "reconcileIssues must be a list of issue ids (integers)",
      jiraError(400, [
        "Invalid request payload. Refer to the REST API documentation and try again.",
      ]),
    );
  }
  const ids = (values as unknown[]).map(String);
  if (ids.length > MAX_RECONCILE) {
    return jira.refuse(
      call,
      `reconcileIssues holds ${ids.length} ids (at most ${MAX_RECONCILE})`,
      jiraError(400, [`reconcileIssues accepts at most ${MAX_RECONCILE} issue ids.`]),
    );
  }
  // "All issues must exist": an id that names none is refused (a deleted issue meets it too).
  const missing = ids.filter((id) => !jira.issues.some((i) => i.id === id));
  if (missing.length) {
    return jiraError(400, [`Issues to reconcile do not exist: ${missing.join(", ")}`]);
  }
  return new Set(ids);
}

/**
 * Cloud's `/search/jql`: bounded JQL, `nextPageToken` pages, no token on the
 * last page. An issue whose create the index has not caught up with is left
 * out unless `reconcile` names its id; every search brings the index closer.
 */
export function searchJql(
  jira: FakeJira,
  call: Call<RecordedRequest>,
  params: Record<string, string>,
  reconcile: Set<string> = new Set(),
): Reply {
  const jql = (params.jql ?? "").trim();
  if (!jql || parseJqlSafe(jql)?.where === undefined) {
    jira.violate(call, `unbounded JQL`);
    return jiraError(400, [
      "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
    ]);
  }
  const matched = run(jira, call, jql);
  if (!Array.isArray(matched)) return matched;
  const result = matched.filter((i) => !i.searchHiddenFor || reconcile.has(i.id));
  for (const issue of jira.issues) if (issue.searchHiddenFor) issue.searchHiddenFor--;
  let offset = 0;
  if (params.nextPageToken !== undefined) {
    const decoded = decodeToken(params.nextPageToken);
    if (!decoded || decoded.jql !== jql) {
      jira.violate(call, `nextPageToken does not belong to this query`);
      return jiraError(400, ["The provided next page token is invalid or expired."]);
    }
    offset = decoded.offset;
  }
  const size = pageSize(jira, params.maxResults);
  const page = result.slice(offset, offset + size);
  const end = offset + page.length;
  const body: Record<string, unknown> = {
    issues: page.map((i) => issueView(jira, i, params.fields)),
    isLast: end >= result.length,
  };
  // Like Cloud (JRACLOUD-92184), the last page carries no nextPageToken at all.
  if (end < result.length) body.nextPageToken = encodeToken({ jql, offset: end });
  return { status: 200, body };
}

/** Data Center's `/search`: `startAt`, `maxResults`, `total`. */
export function searchV2(
  jira: FakeJira,
  call: Call<RecordedRequest>,
  params: Record<string, string>,
): Reply {
  const jql = params.jql ?? "";
  const result = run(jira, call, jql);
  if (!Array.isArray(result)) return result;
  const startAt = Math.max(0, Number(params.startAt ?? 0) || 0);
  const size = pageSize(jira, params.maxResults);
  const page = result.slice(startAt, startAt + size);
  return {
    status: 200,
    body: {
      expand: "schema,names",
      startAt,
      maxResults: size,
      total: result.length,
      issues: page.map((i) => issueView(jira, i, params.fields ?? "*navigable")),
    },
  };
}

function parseJqlSafe(jql: string): JqlQuery | undefined {
  try {
    return parseJql(jql);
  } catch {
    // Let the search report the syntax error itself.
    return { where: { type: "and", parts: [] }, orderBy: [] };
  }
}

function encodeToken(state: { jql: string; offset: number }): string {
  return base64(JSON.stringify(state)).replace(/=+$/, "");
}

function decodeToken(token: string): { jql: string; offset: number } | undefined {
  try {
    const binary = atob(token);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const state = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof state?.jql === "string" && Number.isInteger(state?.offset)) return state;
  } catch {
    // An invalid token.
  }
  return undefined;
}
