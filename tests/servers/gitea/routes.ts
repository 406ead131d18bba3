/**
 * The fake Gitea's repository endpoints below `/api/v1`, answering as Gitea
 * 1.23 does: its status codes, messages and quirks. Which parameters each
 * takes is not written here: the published descriptions decide (`api.ts`).
 *
 * @module
 */

import { type Call, Refusal, type Reply, type Route } from "../_base.ts";
import type { FakeGitea } from "../gitea.ts";
import { isDescribed, operationKey } from "./api.ts";
import type { Issue, RecordedRequest } from "./model.ts";
import {
  apiError,
  branchView,
  combinedView,
  commentView,
  issueView,
  labelView,
  notFound,
  page,
  pullView,
} from "./views.ts";

/** A route of the fake Gitea. */
export interface GiteaRoute extends Route<RecordedRequest> {
  /** Its key in the published descriptions. */
  operation: string;
  /** The token scope category it needs (`read:` for GET, `write:` otherwise). */
  scope?: "repository" | "issue";
}

type Handler = (call: Call<RecordedRequest>) => Reply;

const R = "/repos/(?<owner>[^/]+)/(?<repo>[^/]+)";

/** The routes of `gitea`'s one repository. */
export function giteaRoutes(gitea: FakeGitea): GiteaRoute[] {
  const routes: GiteaRoute[] = [];
  const add = (
    method: string,
    template: string,
    scope: GiteaRoute["scope"],
    handler: Handler,
    path?: RegExp,
  ) => {
    const operation = operationKey(method, `/repos/{owner}/{repo}${template}`);
    if (!isDescribed(operation)) throw new Error(`${operation} is not in the descriptions`);
    const segments = template.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)");
    routes.push({
      method,
      path: path ?? new RegExp(`^${R}${segments}$`),
      operation,
      scope,
      handler,
    });
  };
  const issueOf = (call: Call<RecordedRequest>): Issue => {
    const issue = gitea.issues.find((i) => String(i.number) === call.params.index);
    if (!issue) throw new Refusal(notFound(gitea));
    return issue;
  };
  const labelIds = (call: Call<RecordedRequest>, ids: unknown): number[] => {
    const wanted = Array.isArray(ids) ? ids as number[] : [];
    const known = wanted.filter((id) => gitea.labels.some((l) => l.id === id));
    // Gitea drops unknown ids without a word; a client sending one has a bug.
    if (known.length < wanted.length) {
      gitea.violate(call, `unknown label ids in ${JSON.stringify(wanted)}`);
    }
    return [...new Set(known)];
  };

  add("GET", "", "repository", () => ({
    status: 200,
    body: {
      id: 42,
      name: gitea.repo,
      full_name: gitea.fullName,
      owner: { login: gitea.owner },
      default_branch: gitea.defaultBranch,
      empty: gitea.branches.size === 0,
      html_url: gitea.webUrl,
    },
  }));

  add("GET", "/commits/{ref}/status", "repository", (call) => {
    // A branch, else a (short) SHA of a known commit, as Gitea resolves it.
    const ref = call.params.ref;
    const known = new Set([...gitea.commits, ...gitea.statuses.map((s) => s.sha)]);
    const matches = [...known].filter((sha) => sha.startsWith(ref.toLowerCase()));
    const sha = gitea.branches.get(ref) ?? (matches.length === 1 ? matches[0] : ref);
    return combinedView(gitea, sha, call);
  });

  // Pull requests ------------------------------------------------------------

  add("GET", "/pulls", "repository", (call) => {
    const state = call.query.get("state") ?? "open";
    const list = gitea.pulls.filter((p) => state === "all" || p.state === state).reverse();
    const reply = page(gitea, list, call);
    return { ...reply, body: (reply.body as Issue[]).map((p) => pullView(gitea, p)) };
  });

  add(
    "GET",
    "/pulls/{base}/{head}",
    "repository",
    ({ params }) => {
      // The latest of the pair, whatever its state.
      const pull = gitea.pulls.filter((p) =>
        p.pull!.base === params.base && p.pull!.head === params.head
      ).pop();
      return pull ? { status: 200, body: pullView(gitea, pull) } : notFound(gitea);
    },
    new RegExp(`^${R}/pulls/(?<base>[^/]+)/(?<head>.+)$`),
  );

  add("POST", "/pulls", "repository", (call) => {
    const { head, base, title, body } = call.body;
    if (typeof title !== "string" || !title.trim()) {
      return apiError(gitea, 422, "[Title]: Required");
    }
    if (!gitea.branches.has(base) || !gitea.branches.has(head)) return notFound(gitea);
    if (head === base) {
      return apiError(
        gitea,
        422,
        "Invalid PullRequest: There are no changes between the head and the base",
      );
    }
    const open = gitea.pulls.find((p) =>
      p.state === "open" && p.pull!.head === head && p.pull!.base === base
    );
    if (open) {
      return apiError(
        gitea,
        409,
        `pull request already exists for these targets [id: ${5000 + open.number}, issue_id: ${
          1000 + open.number
        }, head_repo_id: 42, base_repo_id: 42, head_branch: ${head}, base_branch: ${base}]`,
      );
    }
    const pull = gitea.addPull(head, base, { title });
    pull.body = typeof body === "string" ? body : "";
    pull.labels = labelIds(call, call.body.labels);
    return { status: 201, body: pullView(gitea, pull) };
  });

  // Actions variables --------------------------------------------------------

  const variableName = (call: Call<RecordedRequest>) => call.params.variablename.toUpperCase();
  add("GET", "/actions/variables/{variablename}", "repository", (call) => {
    const variable = gitea.variables.get(variableName(call));
    if (!variable) return apiError(gitea, 404, "variable not found");
    return {
      status: 200,
      body: { owner_id: 0, repo_id: 42, name: variable.name, data: variable.data, description: "" },
    };
  });
  add("POST", "/actions/variables/{variablename}", "repository", (call) => {
    const name = variableName(call);
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || /^(GITHUB_|GITEA_)/.test(name)) {
      return apiError(gitea, 400, "invalid variable or secret name");
    }
    if (gitea.variables.has(name)) {
      return apiError(gitea, gitea.variableExistsStatus, `variable name ${name} already exists`);
    }
    gitea.setVariable(name, call.body.value);
    return { status: 201 };
  });
  add("PUT", "/actions/variables/{variablename}", "repository", (call) => {
    const variable = gitea.variables.get(variableName(call));
    if (!variable) return apiError(gitea, 404, "variable not found");
    variable.data = call.body.value;
    return { status: 204 };
  });

  // Labels -------------------------------------------------------------------

  add("GET", "/labels", "issue", (call) => {
    const reply = page(gitea, gitea.labels, call);
    return { ...reply, body: (reply.body as typeof gitea.labels).map((l) => labelView(gitea, l)) };
  });
  add("POST", "/labels", "issue", (call) => {
    const { name, color } = call.body;
    if (!String(name).trim()) return apiError(gitea, 422, "[Name]: Required");
    if (!/^#?(?:[0-9a-fA-F]{3}){1,2}$/.test(String(color))) {
      return apiError(gitea, 422, `invalid color: ${color}`);
    }
    return { status: 201, body: labelView(gitea, gitea.addLabel(name, color)) };
  });

  // Issues -------------------------------------------------------------------

  add("GET", "/issues", "issue", (call) => {
    const q = call.query;
    const state = q.get("state") ?? "open";
    const type = q.get("type");
    // Names that are no label are dropped: the filter widens.
    const names = (q.get("labels") ?? "").split(",").map((n) => n.trim()).filter((n) => n);
    const ids = gitea.labels.filter((l) => names.includes(l.name)).map((l) => l.id);
    const wanted = names.filter((n) => gitea.labels.some((l) => l.name === n));
    const carries = (issue: Issue, name: string) =>
      issue.labels.some((id) => gitea.labels.find((l) => l.id === id)?.name === name);
    const list = gitea.issues.filter((issue) =>
      (state === "all" || issue.state === state) &&
      (type !== "issues" || !issue.pull) && (type !== "pulls" || issue.pull) &&
      (ids.length === 0 ||
        (gitea.labelFilter === "all"
          ? wanted.every((n) => carries(issue, n))
          : wanted.some((n) => carries(issue, n))))
    ).sort((a, b) => b.created - a.created || b.number - a.number);
    const reply = page(gitea, list, call);
    return { ...reply, body: (reply.body as Issue[]).map((i) => issueView(gitea, i)) };
  });
  add("POST", "/issues", "issue", (call) => {
    const { title, body, labels } = call.body;
    if (!String(title).trim()) return apiError(gitea, 422, "[Title]: Required");
    const ids = labelIds(call, labels);
    const issue = gitea.addIssue({ title, body: typeof body === "string" ? body : "" });
    // A user who may not write issues gets no labels, and no error.
    issue.labels = gitea.writeIssues ? ids : [];
    return { status: 201, body: issueView(gitea, issue) };
  });
  add("PATCH", "/issues/{index}", "issue", (call) => {
    const issue = issueOf(call);
    const { state } = call.body;
    if (state !== undefined) {
      if (state !== "open" && state !== "closed") gitea.violate(call, `state ${state}`);
      issue.state = state === "closed" ? "closed" : "open";
    }
    if (typeof call.body.title === "string") issue.title = call.body.title;
    if (typeof call.body.body === "string") issue.body = call.body.body;
    return { status: 201, body: issueView(gitea, issue) };
  });

  // Comments -----------------------------------------------------------------

  add("GET", "/issues/{index}/comments", "issue", (call) => {
    const issue = issueOf(call);
    // Every comment at once: this endpoint has no pages.
    return { status: 200, body: gitea.commentsOn(issue.number).map((c) => commentView(gitea, c)) };
  });
  add("POST", "/issues/{index}/comments", "issue", (call) => {
    const issue = issueOf(call);
    if (!String(call.body.body ?? "").trim()) {
      return apiError(gitea, 422, "[Body]: Required");
    }
    const comment = { id: gitea.nextId(), issue: issue.number, body: String(call.body.body) };
    gitea.comments.push(comment);
    return { status: 201, body: commentView(gitea, comment) };
  });

  // Branches -----------------------------------------------------------------

  add(
    "GET",
    "/branches/{branch}",
    "repository",
    ({ params }) =>
      gitea.branches.has(params.branch)
        ? { status: 200, body: branchView(gitea, params.branch) }
        : notFound(gitea),
    new RegExp(`^${R}/branches/(?<branch>.+)$`),
  );
  add("POST", "/branches", "repository", (call) => {
    const name = call.body.new_branch_name;
    if (!/^[^\s~^:?*[\\]+$/.test(name) || name.includes("..") || name.length > 100) {
      return apiError(gitea, 422, "[BranchName]: GitRefName");
    }
    if (gitea.branches.size === 0) return apiError(gitea, 404, "Git Repository is empty.");
    const from = call.body.old_ref_name ?? call.body.old_branch_name ?? gitea.defaultBranch;
    const sha = gitea.branches.get(from) ?? (gitea.commits.has(from) ? from : undefined);
    if (!sha) return apiError(gitea, 404, "The old branch does not exist");
    if (gitea.branches.has(name)) return apiError(gitea, 409, "The branch already exists.");
    gitea.addBranch(name, sha);
    return { status: 201, body: branchView(gitea, name) };
  });

  return routes;
}
