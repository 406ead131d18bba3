/**
 * The fake Bitbucket's repository endpoints below
 * `/2.0/repositories/{workspace}/{repo}`: pipelines (query parameters, not
 * BBQL), pull requests, issues and their comments (BBQL `q`), and repository
 * pipeline variables.
 *
 * @module
 */

import {
  type Call,
  type Handler,
  Refusal,
  type Reply,
  type Route,
  route as baseRoute,
} from "../_base.ts";
import type { FakeBitbucket } from "../bitbucket.ts";
import { bbql, fields, oneOf, page, string } from "./checks.ts";
import {
  type Issue,
  ISSUE_KINDS,
  ISSUE_PRIORITIES,
  ISSUE_STATES,
  type IssueComment,
  type PipelineVariable,
  type RecordedRequest,
} from "./model.ts";
import {
  ALREADY_OPEN,
  api,
  bbError,
  commentView,
  issueView,
  pipelineView,
  pullView,
  repoView,
  variableView,
} from "./views.ts";

/** The query parameters Bitbucket documents for listing pipelines. */
const PIPELINE_QUERY = [
  "creator.uuid",
  "target.ref_type",
  "target.ref_name",
  "target.branch",
  "target.commit.hash",
  "target.selector.pattern",
  "target.selector.type",
  "created_on",
  "trigger_type",
  "status",
  "sort",
  "page",
  "pagelen",
];
const PIPELINE_SORTS = ["creator.uuid", "created_on", "run_creation_date"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function issueOf(bb: FakeBitbucket, call: Call<RecordedRequest>): Issue {
  const id = Number(call.params.id);
  const issue = bb.issues.find((i) => i.id === id);
  if (!issue) throw new Refusal(bbError(404, "No Issue matches the given query."));
  return issue;
}

/** The routes below the repository. */
export function bitbucketRoutes(bb: FakeBitbucket): Route<RecordedRequest>[] {
  const route = (
    method: string,
    path: RegExp,
    query: readonly string[],
    handler: Handler<RecordedRequest>,
  ) => baseRoute(method, path, handler, query);
  const list = ["q", "sort", "page", "pagelen"];
  return [
    route("GET", /^\/?$/, [], () => ({ status: 200, body: repoView(bb) })),

    // Pipelines: query parameters, not BBQL.
    route("GET", /^\/pipelines$/, PIPELINE_QUERY, (call) => {
      for (const name of call.query.keys()) {
        if (
          !["target.commit.hash", "target.ref_name", "target.branch", "sort", "page", "pagelen"]
            .includes(name)
        ) {
          throw new Refusal(
            bbError(501, "Not implemented by FakeBitbucket"),
            `FakeBitbucket does not implement the pipelines filter ${name}`,
          );
        }
      }
      let items = [...bb.pipelines];
      const sort = call.query.get("sort");
      if (sort !== null && !PIPELINE_SORTS.includes(sort.replace(/^-/, ""))) {
        // Not a violation: this is the answer Bitbucket gives.
        return {
          status: 400,
          body: {
            type: "error",
            error: {
              message: "Bad request",
              detail: `Invalid sort attribute provided '${sort.replace(/^-/, "")}'`,
              data: { key: "rest-service.rest-service.invalid-sort-attribute", arguments: {} },
            },
          },
        };
      }
      const hash = call.query.get("target.commit.hash");
      if (hash !== null) items = items.filter((p) => p.commit === hash);
      const ref = call.query.get("target.ref_name") ?? call.query.get("target.branch");
      if (ref !== null) items = items.filter((p) => p.ref_name === ref);
      items.sort((a, b) => a.created_on.localeCompare(b.created_on));
      if (sort?.startsWith("-")) items.reverse();
      return page(bb, items.map((p) => pipelineView(bb, p)), call, 100);
    }),

    // Pull requests.
    route("GET", /^\/pullrequests$/, ["state", ...list], (call) => {
      const states = call.query.getAll("state");
      for (const s of states) {
        oneOf(s, "state", ["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]);
      }
      const wanted = new Set(states.length ? states : ["OPEN"]);
      const pulls = bbql(bb.pulls.filter((p) => wanted.has(p.state)), call, {
        "source.branch.name": (p) => p.source,
        "destination.branch.name": (p) => p.destination,
        state: (p) => p.state,
        title: (p) => p.title,
        id: (p) => p.id,
      });
      return page(bb, pulls.map((p) => pullView(bb, p)), call, 50);
    }),
    route("POST", /^\/pullrequests$/, [], (call) => {
      const body = call.body as Record<string, unknown>;
      fields(body, [
        "title",
        "description",
        "source",
        "destination",
        "close_source_branch",
        "reviewers",
        "draft",
      ], ["title", "source"]);
      string(body.title, "title");
      string(body.description, "description");
      const branchOf = (value: unknown, name: string): string | undefined => {
        if (value === undefined) return undefined;
        if (
          !isObject(value) || !isObject(value.branch) || typeof value.branch.name !== "string"
        ) {
          throw new Refusal(
            bbError(400, `${name}: Malformed ${name}`),
            `${name} must be {"branch": {"name": "…"}}`,
          );
        }
        const extra = Object.keys(value).filter((k) => k !== "branch" && k !== "repository");
        if (extra.length) {
          throw new Refusal(bbError(400, "Bad request"), `unknown ${name} field(s) ${extra}`);
        }
        return value.branch.name;
      };
      const source = branchOf(body.source, "source")!;
      const destination = branchOf(body.destination, "destination") ?? bb.mainBranch;
      if (
        body.close_source_branch !== undefined && typeof body.close_source_branch !== "boolean"
      ) {
        throw new Refusal(bbError(400, "Bad request"), "close_source_branch must be a boolean");
      }
      if (!bb.branches.has(source)) {
        return bbError(400, `source: Branch not found: ${source}`, {
          fields: { source: [`Branch not found: ${source}`] },
        });
      }
      if (!bb.branches.has(destination)) {
        return bbError(400, `destination: Branch not found: ${destination}`, {
          fields: { destination: [`Branch not found: ${destination}`] },
        });
      }
      if (bb.pulls.some((p) => p.state === "OPEN" && p.source === source)) {
        return bbError(400, ALREADY_OPEN);
      }
      const pull = bb.addPull({
        title: body.title as string,
        description: (body.description as string | undefined) ?? "",
        source,
        destination,
        close_source_branch: (body.close_source_branch as boolean | undefined) ?? false,
      });
      return {
        status: 201,
        body: pullView(bb, pull),
        headers: { location: `${api(bb)}/pullrequests/${pull.id}` },
      };
    }),

    // Issues.
    route("GET", /^\/issues$/, list, (call) => {
      const issues = bbql(bb.issues, call, {
        title: (i) => i.title,
        state: (i) => i.state,
        "content.raw": (i) => i.content,
        kind: (i) => i.kind,
        priority: (i) => i.priority,
        id: (i) => i.id,
      });
      return page(bb, issues.map((i) => issueView(bb, i)), call, 50);
    }),
    route("POST", /^\/issues$/, [], (call) => {
      const body = call.body as Record<string, unknown>;
      fields(body, ["title", "content", "kind", "priority", "state"], ["title"]);
      string(body.title, "title");
      const raw = content(body.content);
      oneOf(body.kind, "kind", ISSUE_KINDS);
      oneOf(body.priority, "priority", ISSUE_PRIORITIES);
      oneOf(body.state, "state", ISSUE_STATES);
      const issue = bb.addIssue({
        title: body.title as string,
        content: raw ?? "",
        ...(body.kind ? { kind: body.kind as string } : {}),
        ...(body.priority ? { priority: body.priority as string } : {}),
        ...(body.state ? { state: body.state as Issue["state"] } : {}),
      });
      return {
        status: 201,
        body: issueView(bb, issue),
        headers: { location: `${api(bb)}/issues/${issue.id}` },
      };
    }),
    route("GET", /^\/issues\/(?<id>[^/]+)$/, [], (call) => ({
      status: 200,
      body: issueView(bb, issueOf(bb, call)),
    })),
    route("PUT", /^\/issues\/(?<id>[^/]+)$/, [], (call) => {
      const issue = issueOf(bb, call);
      const body = call.body as Record<string, unknown>;
      fields(body, ["title", "content", "kind", "priority", "state"]);
      string(body.title, "title");
      const raw = content(body.content);
      oneOf(body.kind, "kind", ISSUE_KINDS);
      oneOf(body.priority, "priority", ISSUE_PRIORITIES);
      oneOf(body.state, "state", ISSUE_STATES);
      const before = issue.state;
      if (body.title !== undefined) issue.title = body.title as string;
      if (raw !== undefined) issue.content = raw;
      if (body.kind !== undefined) issue.kind = body.kind as string;
      if (body.priority !== undefined) issue.priority = body.priority as string;
      if (body.state !== undefined) issue.state = body.state as Issue["state"];
      issue.updated_on = bb.now();
      // Bitbucket records each edit as a change, with an (empty) comment attached.
      if (issue.state !== before) {
        bb.comments.push({
          id: bb.comments.length + 1,
          issue_id: issue.id,
          raw: null,
          created_on: issue.updated_on,
        });
      }
      return { status: 200, body: issueView(bb, issue) };
    }),
    route("GET", /^\/issues\/(?<id>[^/]+)\/comments$/, list, (call) => {
      const issue = issueOf(bb, call);
      const comments = bbql(bb.comments.filter((c) => c.issue_id === issue.id), call, {
        "content.raw": (c) => c.raw,
        id: (c) => c.id,
      });
      return page(bb, comments.map((c) => commentView(bb, c)), call, 100);
    }),
    route("POST", /^\/issues\/(?<id>[^/]+)\/comments$/, [], (call) => {
      const issue = issueOf(bb, call);
      const body = call.body as Record<string, unknown>;
      fields(body, ["content"], ["content"]);
      const raw = content(body.content);
      if (!raw) {
        return bbError(400, "content: This field is required.", {
          fields: { content: ["This field is required."] },
        });
      }
      const comment: IssueComment = {
        id: bb.comments.length + 1,
        issue_id: issue.id,
        raw,
        created_on: bb.now(),
      };
      bb.comments.push(comment);
      return {
        status: 201,
        body: commentView(bb, comment),
        headers: { location: `${api(bb)}/issues/${issue.id}/comments/${comment.id}` },
      };
    }),

    // Repository pipeline variables.
    route(
      "GET",
      /^\/pipelines_config\/variables$/,
      ["page", "pagelen"],
      (call) => page(bb, bb.variables.map((v) => variableView(v)), call, 100),
    ),
    route("POST", /^\/pipelines_config\/variables$/, [], (call) => {
      const body = call.body as Record<string, unknown>;
      variableBody(body, true);
      if (bb.variables.some((v) => v.key === body.key)) {
        return conflict(body.key as string);
      }
      const variable = bb.addVariable(
        body.key as string,
        body.value as string,
        body.secured === true,
      );
      return {
        status: 201,
        body: variableView(variable),
        headers: {
          location: `${api(bb)}/pipelines_config/variables/${encodeURIComponent(variable.uuid)}`,
        },
      };
    }),
    route("GET", /^\/pipelines_config\/variables\/(?<id>[^/]+)$/, [], (call) => ({
      status: 200,
      body: variableView(variableOf(bb, call)),
    })),
    route("PUT", /^\/pipelines_config\/variables\/(?<id>[^/]+)$/, [], (call) => {
      const variable = variableOf(bb, call);
      const body = call.body as Record<string, unknown>;
      variableBody(body, false);
      if (
        body.key !== undefined && body.key !== variable.key &&
        bb.variables.some((v) => v.key === body.key)
      ) {
        return conflict(body.key as string);
      }
      if (body.key !== undefined) variable.key = body.key as string;
      if (body.value !== undefined) variable.value = body.value as string;
      if (body.secured !== undefined) variable.secured = body.secured as boolean;
      return { status: 200, body: variableView(variable) };
    }),
    route("DELETE", /^\/pipelines_config\/variables\/(?<id>[^/]+)$/, [], (call) => {
      const variable = variableOf(bb, call);
      bb.variables = bb.variables.filter((v) => v !== variable);
      return { status: 204 };
    }),
  ];
}

function content(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || typeof value.raw !== "string") {
    throw new Refusal(bbError(400, "content: Malformed content"), `content must be {"raw": "…"}`);
  }
  const extra = Object.keys(value).filter((k) => k !== "raw" && k !== "markup");
  if (extra.length) throw new Refusal(bbError(400, "Bad"), `unknown content field(s) ${extra}`);
  return value.raw;
}

function variableOf(bb: FakeBitbucket, call: Call<RecordedRequest>): PipelineVariable {
  const uuid = call.params.id;
  if (!/^\{[0-9a-f-]+\}$/i.test(uuid)) {
    throw new Refusal(
      bbError(404, "Resource not found"),
      `variable_uuid ${JSON.stringify(uuid)} is not a {uuid}`,
    );
  }
  const variable = bb.variables.find((v) => v.uuid === uuid);
  if (!variable) throw new Refusal(bbError(404, `Variable with UUID ${uuid} not found.`));
  return variable;
}

function variableBody(body: Record<string, unknown>, creating: boolean): void {
  fields(body, ["key", "value", "secured", "uuid", "type"], creating ? ["key"] : []);
  string(body.key, "key");
  string(body.value, "value");
  if (body.secured !== undefined && typeof body.secured !== "boolean") {
    throw new Refusal(bbError(400, "Bad request"), "secured must be a boolean");
  }
  if (body.key !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(body.key as string)) {
    // Not a violation: Bitbucket's own validation of a user-supplied name.
    throw new Refusal(
      bbError(400, "Variable names can only contain ASCII letters, digits and underscores."),
    );
  }
}

function conflict(key: string): Reply {
  return {
    status: 409,
    body: {
      type: "error",
      error: {
        message: "Conflict",
        detail: `A variable with the key '${key}' already exists.`,
        data: { key: "variable-service.variable.duplicate-key", arguments: {} },
      },
    },
  };
}
