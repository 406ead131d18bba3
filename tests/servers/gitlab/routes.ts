/**
 * The fake GitLab's project endpoints below `/api/v4` (branches in
 * `./branches.ts`), each with the query and body parameters GitLab documents
 * for it (types, enumerations, sizes, required and at-least-one-of).
 *
 * @module
 */

import type { FakeGitLab } from "../gitlab.ts";
import { branchRoutes } from "./branches.ts";
import type { Note, Variable } from "./model.ts";
import {
  any,
  bool,
  type Check,
  date,
  type GitLabRoute,
  int,
  maxLength,
  message,
  now,
  oneOf,
  page,
  PAGING,
  str,
} from "./params.ts";

/** The routes of `gl`'s one project. */
export function gitLabRoutes(gl: FakeGitLab): GitLabRoute[] {
  const P = "/projects/:id";
  return [
    {
      method: "GET",
      path: P,
      params: { statistics: bool, license: bool, with_custom_attributes: bool },
      handler: () => ({ status: 200, body: projectView(gl) }),
    },
    ...branchRoutes(gl),
    {
      method: "GET",
      path: `${P}/repository/commits/:sha`,
      params: { stats: bool },
      handler: ({ params }) => {
        const wanted = params.sha.toLowerCase();
        const matches = [...gl.commits].filter((c) => c.startsWith(wanted));
        if (matches.length !== 1) return message(404, "404 Commit Not Found");
        const id = matches[0];
        return {
          status: 200,
          body: {
            id,
            short_id: id.slice(0, 8),
            title: "commit",
            web_url: `${gl.projectWebUrl}/-/commit/${id}`,
          },
        };
      },
    },
    {
      method: "GET",
      path: `${P}/pipelines`,
      params: {
        ...PAGING,
        scope: oneOf("running", "pending", "finished", "branches", "tags"),
        status: oneOf(
          "created",
          "waiting_for_resource",
          "preparing",
          "pending",
          "running",
          "success",
          "failed",
          "canceled",
          "canceling",
          "skipped",
          "manual",
          "scheduled",
        ),
        source: str,
        ref: str,
        sha: str,
        yaml_errors: bool,
        username: str,
        updated_after: date,
        updated_before: date,
        created_after: date,
        created_before: date,
        name: str,
        order_by: oneOf("id", "status", "ref", "updated_at", "user_id"),
        sort: oneOf("asc", "desc"),
      },
      handler: (call) => {
        const q = call.query;
        // GitLab leaves child pipelines out of this list unless they are asked for by source.
        const children = q.get("source") === "parent_pipeline";
        let list = gl.pipelines.filter((p) =>
          (children || p.source !== "parent_pipeline") &&
          (!q.has("sha") || p.sha === q.get("sha")) &&
          (!q.has("ref") || p.ref === q.get("ref")) &&
          (!q.has("status") || p.status === q.get("status")) &&
          (!q.has("source") || p.source === q.get("source")) &&
          (!q.has("name") || p.name === q.get("name"))
        );
        const key = q.get("order_by") ?? "id";
        const sign = (q.get("sort") ?? "desc") === "asc" ? 1 : -1;
        list = [...list].sort((a, b) => {
          const byKey = key === "status" || key === "ref"
            ? a[key].localeCompare(b[key])
            : key === "updated_at"
            ? a.updated_at.localeCompare(b.updated_at)
            : 0;
          return sign * (byKey || a.id - b.id);
        });
        return page(gl, list, call);
      },
    },
    {
      method: "GET",
      path: `${P}/pipelines/:pipeline_id/jobs`,
      params: { ...PAGING, scope: str, "scope[]": str, include_retried: bool },
      handler: (call) => {
        const id = Number(call.params.pipeline_id);
        if (!gl.pipelines.some((p) => p.id === id)) return message(404, "404 Not found");
        const scopes = [...call.query.getAll("scope"), ...call.query.getAll("scope[]")];
        const retried = call.query.get("include_retried") === "true";
        const jobs = gl.jobs.filter((j) =>
          j.pipeline_id === id && (retried || !j.retried) &&
          (scopes.length === 0 || scopes.includes(j.status))
        ).sort((a, b) => b.id - a.id);
        return page(gl, jobs.map(({ pipeline_id: _, retried: __, ...job }) => job), call);
      },
    },
    {
      method: "GET",
      path: `${P}/merge_requests`,
      params: {
        ...PAGING,
        state: oneOf("opened", "closed", "locked", "merged", "all"),
        source_branch: str,
        target_branch: str,
        labels: str,
        order_by: oneOf("created_at", "updated_at", "title", "merged_at"),
        sort: oneOf("asc", "desc"),
        scope: oneOf("created_by_me", "assigned_to_me", "all"),
        search: str,
        view: oneOf("simple"),
      },
      handler: (call) => {
        const q = call.query;
        const state = q.get("state") ?? "all";
        const list = gl.mergeRequests.filter((mr) =>
          (state === "all" || mr.state === state) &&
          (!q.has("source_branch") || mr.source_branch === q.get("source_branch")) &&
          (!q.has("target_branch") || mr.target_branch === q.get("target_branch"))
        ).reverse();
        return page(gl, list, call);
      },
    },
    {
      method: "POST",
      path: `${P}/merge_requests`,
      fields: {
        source_branch: str,
        target_branch: str,
        title: maxLength(255),
        description: maxLength(1_048_576),
        labels: str,
        assignee_id: int,
        assignee_ids: any,
        reviewer_ids: any,
        milestone_id: int,
        remove_source_branch: bool,
        squash: bool,
        allow_collaboration: bool,
        target_project_id: int,
      },
      required: ["source_branch", "target_branch", "title"],
      handler: ({ body }) => {
        // GitLab's build service adds these to the MR's base errors: 422, a list.
        if (!gl.branches.has(body.source_branch)) {
          return message(422, [`Source branch "${body.source_branch}" does not exist`]);
        }
        if (!gl.branches.has(body.target_branch)) {
          return message(422, [`Target branch "${body.target_branch}" does not exist`]);
        }
        if (body.source_branch === body.target_branch) {
          return message(409, ["You can't use same project/branch for source and target"]);
        }
        const open = gl.mergeRequests.find((mr) =>
          mr.state === "opened" && mr.source_branch === body.source_branch &&
          mr.target_branch === body.target_branch
        );
        if (open) {
          return message(409, [
            `Another open merge request already exists for this source branch: !${open.iid}`,
          ]);
        }
        const mr = gl.addMergeRequest({
          source_branch: body.source_branch,
          target_branch: body.target_branch,
          title: body.title,
          description: body.description ?? null,
          labels: splitLabels(body.labels),
        });
        return { status: 201, body: mr };
      },
    },
    {
      method: "GET",
      path: `${P}/issues`,
      params: {
        ...PAGING,
        labels: str,
        state: oneOf("opened", "closed", "all"),
        search: str,
        in: str,
        order_by: oneOf("created_at", "updated_at", "priority", "due_date", "relative_position"),
        sort: oneOf("asc", "desc"),
        scope: oneOf("created_by_me", "assigned_to_me", "all"),
        confidential: bool,
        "iids[]": int,
      },
      handler: (call) => {
        const q = call.query;
        const state = q.get("state") ?? "all";
        const wanted = splitLabels(q.get("labels") ?? "");
        const list = gl.issues.filter((issue) =>
          (state === "all" || issue.state === state) &&
          wanted.every((label) => issue.labels.includes(label))
        ).reverse();
        return page(gl, list, call);
      },
    },
    {
      method: "POST",
      path: `${P}/issues`,
      fields: {
        title: maxLength(255),
        description: maxLength(1_048_576),
        labels: str,
        assignee_ids: any,
        confidential: bool,
        milestone_id: int,
        due_date: str,
        issue_type: oneOf("issue", "incident", "test_case", "task"),
      },
      required: ["title"],
      handler: ({ body }) => {
        if (!String(body.title).trim()) return message(400, { title: ["can't be blank"] });
        const issue = gl.addIssue({
          title: body.title,
          description: body.description ?? null,
          // Metadata of a user who may not set it is filtered out, silently.
          labels: gl.setIssueMetadata ? splitLabels(body.labels) : [],
        });
        return { status: 201, body: issue };
      },
    },
    {
      method: "PUT",
      path: `${P}/issues/:issue_iid`,
      fields: {
        title: maxLength(255),
        description: maxLength(1_048_576),
        labels: str,
        add_labels: str,
        remove_labels: str,
        state_event: oneOf("close", "reopen"),
        assignee_ids: any,
        confidential: bool,
        discussion_locked: bool,
        due_date: str,
        milestone_id: int,
      },
      atLeastOne: [
        "title",
        "description",
        "labels",
        "add_labels",
        "remove_labels",
        "state_event",
        "assignee_ids",
        "confidential",
        "discussion_locked",
        "due_date",
        "milestone_id",
      ],
      handler: ({ params, body }) => {
        const issue = gl.issues.find((i) => String(i.iid) === params.issue_iid);
        if (!issue) return message(404, "404 Issue Not Found");
        if (body.state_event === "close" && issue.state !== "closed") {
          issue.state = "closed";
          issue.closed_at = now();
        }
        if (body.state_event === "reopen" && issue.state !== "opened") {
          issue.state = "opened";
          issue.closed_at = null;
        }
        if (typeof body.title === "string") issue.title = body.title;
        if (typeof body.description === "string") issue.description = body.description;
        if (typeof body.labels === "string" && gl.setIssueMetadata) {
          issue.labels = splitLabels(body.labels);
        }
        return { status: 200, body: issue };
      },
    },
    {
      method: "GET",
      path: `${P}/issues/:issue_iid/notes`,
      params: {
        ...PAGING,
        sort: oneOf("asc", "desc"),
        order_by: oneOf("created_at", "updated_at"),
        activity_filter: oneOf("all_notes", "only_comments", "only_activity"),
      },
      handler: (call) => {
        const iid = Number(call.params.issue_iid);
        if (!gl.issues.some((i) => i.iid === iid)) return message(404, "404 Issue Not Found");
        const asc = call.query.get("sort") === "asc";
        const list = gl.notesOf(iid).map((n) => noteJson(n));
        return page(gl, asc ? list : list.reverse(), call);
      },
    },
    {
      method: "POST",
      path: `${P}/issues/:issue_iid/notes`,
      fields: { body: maxLength(1_000_000), created_at: date, internal: bool, confidential: bool },
      required: ["body"],
      handler: ({ params, body }) => {
        const iid = Number(params.issue_iid);
        if (!gl.issues.some((i) => i.iid === iid)) return message(404, "404 Issue Not Found");
        if (!String(body.body).trim()) return message(400, { note: ["can't be blank"] });
        const note: Note = { id: gl.nextId(), issue_iid: iid, body: body.body };
        gl.notes.push(note);
        return { status: 201, body: noteJson(note) };
      },
    },
    {
      method: "GET",
      path: `${P}/variables`,
      params: PAGING,
      handler: (call) => page(gl, [...gl.variables.values()], call),
    },
    {
      method: "GET",
      path: `${P}/variables/:key`,
      params: { "filter[environment_scope]": str },
      handler: ({ params }) => {
        const variable = gl.variables.get(params.key);
        return variable ? { status: 200, body: variable } : message(404, "404 Variable Not Found");
      },
    },
    {
      method: "PUT",
      path: `${P}/variables/:key`,
      fields: { ...VARIABLE_FIELDS, filter: any },
      required: ["value"],
      handler: ({ params, body }) => {
        const variable = gl.variables.get(params.key);
        if (!variable) return message(404, "404 Variable Not Found");
        variable.value = String(body.value);
        return { status: 200, body: variable };
      },
    },
    {
      method: "POST",
      path: `${P}/variables`,
      fields: { key: str, ...VARIABLE_FIELDS },
      required: ["key", "value"],
      handler: ({ body }) => {
        const key = String(body.key);
        if (!/^[A-Za-z0-9_]{1,255}$/.test(key)) {
          return message(400, { key: ["can contain only letters, digits and '_'."] });
        }
        if (gl.variables.has(key)) {
          return message(400, { key: [`(${key}) has already been taken`] });
        }
        const variable: Variable = {
          key,
          value: String(body.value),
          variable_type: body.variable_type ?? "env_var",
          protected: body.protected === true,
          masked: body.masked === true,
          raw: body.raw === true,
          environment_scope: body.environment_scope ?? "*",
          description: body.description ?? null,
        };
        gl.variables.set(key, variable);
        return { status: 201, body: variable };
      },
    },
  ];
}

function projectView(gl: FakeGitLab) {
  const name = gl.projectPath.split("/").pop()!;
  return {
    id: gl.projectId,
    name,
    path: name,
    path_with_namespace: gl.projectPath,
    default_branch: gl.defaultBranch,
    web_url: gl.projectWebUrl,
    visibility: "private",
  };
}

function noteJson(note: Note) {
  return {
    id: note.id,
    body: note.body,
    author: { id: 1, username: "pace-bot" },
    system: false,
    noteable_type: "Issue",
    noteable_iid: note.issue_iid,
    created_at: now(),
  };
}

const VARIABLE_FIELDS: Record<string, Check> = {
  value: str,
  variable_type: oneOf("env_var", "file"),
  protected: bool,
  masked: bool,
  masked_and_hidden: bool,
  raw: bool,
  environment_scope: str,
  description: str,
};

function splitLabels(labels: unknown): string[] {
  if (typeof labels !== "string") return [];
  return [...new Set(labels.split(",").map((l) => l.trim()).filter((l) => l))];
}
