/**
 * What the fake GitHub answers with: the JSON shapes of its resources (as
 * api.github.com writes them, URLs included), its error bodies, and the
 * rate-limit faults a test scripts.
 *
 * @module
 */

import type { Reply, ScriptRule } from "../_base.ts";
import type { FakeGitHub } from "../github.ts";
import type {
  CheckRun,
  CommitStatus,
  Issue,
  IssueComment,
  PullRequest,
  Variable,
} from "./model.ts";

const DOCS = "https://docs.github.com/rest";

/** A timestamp as GitHub writes it (no milliseconds). */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** GitHub's error body. */
export function error(status: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return {
    status,
    body: { message, ...extra, documentation_url: DOCS, status: String(status) },
  };
}

/** `404 Not Found`. */
export const notFound = (): Reply => error(404, "Not Found");

/** `422 Validation Failed` with its `errors`. */
export function validationFailed(errors: Record<string, unknown>[]): Reply {
  return error(422, "Validation Failed", { errors });
}

/** Primary rate limit exhausted: 403, `x-ratelimit-remaining: 0`, `x-ratelimit-reset`. */
export function primaryRateLimit(
  rule: Omit<ScriptRule, "status" | "body"> & { reset?: number },
): ScriptRule {
  const reset = rule.reset ?? Math.floor(Date.now() / 1000) + 1;
  return {
    ...rule,
    status: 403,
    headers: {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-used": "5000",
      "x-ratelimit-reset": String(reset),
      ...rule.headers,
    },
    body: {
      message:
        "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
      documentation_url:
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
      status: "403",
    },
  };
}

/** Secondary rate limit: 403 (or 429) with `retry-after`. */
export function secondaryRateLimit(
  rule: Omit<ScriptRule, "status" | "body"> & { retryAfter?: number; status?: 403 | 429 },
): ScriptRule {
  const status = rule.status ?? 403;
  return {
    ...rule,
    status,
    headers: { "retry-after": String(rule.retryAfter ?? 1), ...rule.headers },
    body: {
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url:
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      status: String(status),
    },
  };
}

/** The repository's API URL. */
export function apiRepo(gh: FakeGitHub): string {
  return `${gh.url}/repos/${gh.owner}/${gh.repo}`;
}

/** The repository's web URL. */
function webRepo(gh: FakeGitHub): string {
  return `${gh.webUrl}/${gh.owner}/${gh.repo}`;
}

/** A label; its id is derived from its name. */
export function labelView(gh: FakeGitHub, name: string) {
  let id = 0;
  for (const c of name) id = (id * 31 + c.codePointAt(0)!) % 1_000_000_007;
  return {
    id,
    node_id: `LA_${id}`,
    url: `${apiRepo(gh)}/labels/${encodeURIComponent(name)}`,
    name,
    color: "ededed",
    default: false,
    description: null,
  };
}

function user(gh: FakeGitHub) {
  return { login: "pace-bot", id: 1, type: "Bot", html_url: `${gh.webUrl}/pace-bot` };
}

/** The repository. */
export function repoView(gh: FakeGitHub) {
  return {
    id: gh.repoId,
    node_id: "R_kgDOfake",
    name: gh.repo,
    full_name: `${gh.owner}/${gh.repo}`,
    private: false,
    owner: {
      login: gh.owner,
      id: 2,
      type: "Organization",
      html_url: `${gh.webUrl}/${gh.owner}`,
    },
    html_url: webRepo(gh),
    description: null,
    fork: false,
    url: apiRepo(gh),
    default_branch: gh.defaultBranch,
    visibility: "public",
    has_issues: gh.hasIssues,
    archived: false,
    disabled: false,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
  };
}

/** A pull request. */
export function pullView(gh: FakeGitHub, p: PullRequest) {
  const api = `${apiRepo(gh)}/pulls/${p.number}`;
  const html = `${webRepo(gh)}/pull/${p.number}`;
  return {
    url: api,
    id: 500000 + p.number,
    node_id: `PR_${p.number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${apiRepo(gh)}/issues/${p.number}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: user(gh),
    body: p.body,
    labels: p.labels.map((l) => labelView(gh, l)),
    created_at: p.created_at ?? now(),
    updated_at: p.updated_at ?? p.created_at ?? now(),
    closed_at: p.closed_at ?? null,
    merged_at: p.merged_at,
    draft: p.draft ?? false,
    head: {
      label: `${gh.owner}:${p.head}`,
      ref: p.head,
      sha: gh.headOf(p.head) ?? "0".repeat(40),
      user: { login: gh.owner },
      repo: { id: gh.repoId, full_name: `${gh.owner}/${gh.repo}` },
    },
    base: {
      label: `${gh.owner}:${p.base}`,
      ref: p.base,
      sha: gh.headOf(p.base) ?? "0".repeat(40),
      user: { login: gh.owner },
      repo: { id: gh.repoId, full_name: `${gh.owner}/${gh.repo}` },
    },
  };
}

/** An issue, or a pull request as the issues API lists it. */
export function issueView(gh: FakeGitHub, x: Issue | PullRequest) {
  const isPull = "head" in x;
  const api = `${apiRepo(gh)}/issues/${x.number}`;
  const html = isPull ? `${webRepo(gh)}/pull/${x.number}` : `${webRepo(gh)}/issues/${x.number}`;
  const view: Record<string, unknown> = {
    url: api,
    repository_url: apiRepo(gh),
    comments_url: `${api}/comments`,
    html_url: html,
    id: 700000 + x.number,
    node_id: `I_${x.number}`,
    number: x.number,
    title: x.title,
    user: user(gh),
    labels: x.labels.map((l) => labelView(gh, l)),
    state: x.state,
    state_reason: isPull ? null : (x as Issue).state_reason,
    locked: false,
    comments: gh.comments.filter((c) => c.issue_number === x.number).length,
    created_at: x.created_at ?? now(),
    updated_at: x.updated_at ?? x.created_at ?? now(),
    closed_at: x.closed_at ?? null,
    body: x.body,
  };
  if (isPull) {
    view.pull_request = {
      url: `${apiRepo(gh)}/pulls/${x.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: (x as PullRequest).merged_at,
    };
    view.draft = (x as PullRequest).draft ?? false;
  }
  return view;
}

/** An issue or pull-request comment. */
export function commentView(gh: FakeGitHub, c: IssueComment) {
  const id = c.id ?? 0;
  const html = gh.pulls.some((p) => p.number === c.issue_number)
    ? `${webRepo(gh)}/pull/${c.issue_number}#issuecomment-${id}`
    : `${webRepo(gh)}/issues/${c.issue_number}#issuecomment-${id}`;
  return {
    id,
    node_id: `IC_${id}`,
    url: `${apiRepo(gh)}/issues/comments/${id}`,
    html_url: html,
    issue_url: `${apiRepo(gh)}/issues/${c.issue_number}`,
    body: c.body,
    user: user(gh),
    created_at: c.created_at ?? now(),
    updated_at: c.created_at ?? now(),
  };
}

/** A check run. */
export function checkRunView(gh: FakeGitHub, r: CheckRun) {
  const api = `${apiRepo(gh)}/check-runs/${r.id}`;
  return {
    id: r.id,
    node_id: `CR_${r.id}`,
    head_sha: r.head_sha,
    external_id: "",
    url: api,
    html_url: r.html_url,
    details_url: r.details_url,
    status: r.status,
    conclusion: r.conclusion,
    started_at: r.started_at,
    completed_at: r.completed_at,
    output: {
      title: null,
      summary: null,
      text: null,
      annotations_count: 0,
      annotations_url: `${api}/annotations`,
    },
    name: r.name,
    check_suite: { id: 1 },
    app: { id: 15368, slug: "github-actions", name: "GitHub Actions" },
    pull_requests: [],
  };
}

/** A commit status. */
export function statusView(gh: FakeGitHub, s: CommitStatus) {
  return {
    url: `${apiRepo(gh)}/statuses/${s.id}`,
    avatar_url: null,
    id: s.id,
    node_id: `SC_${s.id}`,
    state: s.state,
    description: s.description,
    target_url: s.target_url,
    context: s.context,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

/** An Actions variable. */
export function variableView(v: Variable) {
  return {
    name: v.name,
    value: v.value,
    created_at: v.created_at ?? now(),
    updated_at: v.updated_at ?? v.created_at ?? now(),
  };
}
