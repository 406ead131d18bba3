/**
 * How the fake Gitea writes its objects and pages, as Gitea's API does:
 * `html_url`s under the instance's sub-path, labels as objects, the empty
 * combined status with `statuses: null`, and lists cut by `page`/`limit`
 * with `X-Total-Count` and `Link`.
 *
 * @module
 */

import { type Call, linkHeader, pageOf, type Reply, withQuery } from "../_base.ts";
import type { FakeGitea } from "../gitea.ts";
import type { Comment, Issue, Label, RecordedRequest, Status } from "./model.ts";
import { now } from "./model.ts";

/** Gitea's error body. */
export function apiError(gitea: FakeGitea, status: number, message: string): Reply {
  return { status, body: { message, url: `${gitea.url}/api/swagger` } };
}

/** Gitea's "not found" body. */
export function notFound(gitea: FakeGitea): Reply {
  return {
    status: 404,
    body: {
      errors: null,
      message: "The target couldn't be found.",
      url: `${gitea.url}/api/swagger`,
    },
  };
}

/** One page of `items` (`page` from 1, `limit` up to the server's maximum). */
export function page<T>(gitea: FakeGitea, items: T[], call: Call<RecordedRequest>): Reply {
  const asked = Number(call.query.get("limit") ?? 0);
  const limit = Math.min(gitea.maxLimit, asked > 0 ? asked : 30);
  const { items: body, page, pages, total } = pageOf(
    items,
    Math.max(1, Number(call.query.get("page") ?? 1) || 1),
    limit,
  );
  const link = (n: number) => withQuery(call.url, { page: n, limit });
  const rels: [string, string][] = [];
  if (page < pages) rels.push(["next", link(page + 1)], ["last", link(pages)]);
  if (page > 1) rels.push(["first", link(1)], ["prev", link(page - 1)]);
  const headers: Record<string, string> = {
    "x-total-count": String(total),
    "access-control-expose-headers": "X-Total-Count, Link",
  };
  if (rels.length) headers.link = linkHeader(rels);
  return { status: 200, body, headers };
}

/** A label as Gitea answers it. */
export function labelView(gitea: FakeGitea, label: Label) {
  return { ...label, url: `${gitea.apiUrl}/repos/${gitea.fullName}/labels/${label.id}` };
}

const user = { id: 1, login: "pace-bot", full_name: "PACE bot" };

/** An issue (or a pull request's issue) as Gitea answers it. */
export function issueView(gitea: FakeGitea, issue: Issue) {
  const kind = issue.pull ? "pulls" : "issues";
  return {
    id: 1000 + issue.number,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    user,
    labels: issue.labels.map((id) => gitea.labels.find((l) => l.id === id)).filter((l) => l)
      .map((l) => labelView(gitea, l!)),
    comments: gitea.comments.filter((c) => c.issue === issue.number).length,
    html_url: `${gitea.webUrl}/${kind}/${issue.number}`,
    url: `${gitea.apiUrl}/repos/${gitea.fullName}/issues/${issue.number}`,
    pull_request: issue.pull
      ? { merged: issue.pull.merged, html_url: `${gitea.webUrl}/pulls/${issue.number}` }
      : null,
    created_at: new Date(issue.created).toISOString(),
    closed_at: issue.state === "closed" ? now() : null,
  };
}

/** A pull request as Gitea answers it. */
export function pullView(gitea: FakeGitea, issue: Issue) {
  const pull = issue.pull!;
  const ref = (name: string) => ({
    label: name,
    ref: name,
    sha: gitea.branches.get(name) ?? "",
    repo: { full_name: gitea.fullName },
  });
  return {
    id: 5000 + issue.number,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    merged: pull.merged,
    user,
    labels: issueView(gitea, issue).labels,
    head: ref(pull.head),
    base: ref(pull.base),
    html_url: `${gitea.webUrl}/pulls/${issue.number}`,
    url: `${gitea.webUrl}/pulls/${issue.number}`,
  };
}

/** A comment as Gitea answers it. */
export function commentView(gitea: FakeGitea, comment: Comment) {
  return {
    id: comment.id,
    body: comment.body,
    user,
    html_url: `${gitea.webUrl}/issues/${comment.issue}#issuecomment-${comment.id}`,
    issue_url: `${gitea.webUrl}/issues/${comment.issue}`,
    created_at: now(),
  };
}

/** A branch as Gitea answers it. */
export function branchView(gitea: FakeGitea, name: string) {
  const id = gitea.branches.get(name)!;
  return {
    name,
    commit: { id, message: "commit", url: `${gitea.webUrl}/commit/${id}` },
    protected: false,
  };
}

/** A status as Gitea answers it: its state is in `status`. */
function statusView(status: Status) {
  return {
    id: status.id,
    status: status.state,
    target_url: status.target_url,
    description: status.description,
    context: status.context,
    created_at: status.created_at,
    updated_at: status.updated_at,
  };
}

/** Gitea 1.23's ranking of states for the combined `state`: warning beats pending. */
const RANK = ["error", "failure", "warning", "pending", "success"];

/** The combined status of a SHA, one page of the latest status per context. */
export function combinedView(gitea: FakeGitea, sha: string, call: Call<RecordedRequest>): Reply {
  const latest = new Map<string, Status>();
  for (const status of gitea.statuses.filter((s) => s.sha === sha)) {
    const seen = latest.get(status.context);
    if (!seen || seen.index < status.index) latest.set(status.context, status);
  }
  const all = [...latest.values()].sort((a, b) => b.index - a.index);
  if (all.length === 0) {
    // No status at all: Gitea answers the zero value, `statuses: null`, no count.
    return {
      status: 200,
      body: {
        state: "",
        sha: "",
        total_count: 0,
        statuses: null,
        repository: null,
        commit_url: "",
        url: "",
      },
    };
  }
  const reply = page(gitea, all, call);
  const shown = reply.body as Status[];
  const state = RANK.find((r) => shown.some((s) => s.state === r)) ?? "success";
  return {
    ...reply,
    body: {
      state,
      sha,
      // Gitea counts the page here, not the statuses: the header has the total.
      total_count: shown.length,
      statuses: shown.map(statusView),
      repository: { full_name: gitea.fullName },
      commit_url: `${gitea.apiUrl}/repos/${gitea.fullName}/commits/${sha}`,
      url: `${gitea.apiUrl}/repos/${gitea.fullName}/commits/${sha}/status`,
    },
  };
}
