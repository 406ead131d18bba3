/**
 * What the fake Bitbucket answers with: the JSON shapes of its resources (as
 * api.bitbucket.org writes them, links included) and its error bodies.
 *
 * @module
 */

import type { components } from "npm:@coderabbitai/bitbucket@1.1.4/cloud/openapi";
import type { Reply } from "../_base.ts";
import type { FakeBitbucket } from "../bitbucket.ts";
import type {
  Issue,
  IssueComment,
  Pipeline,
  PipelineStatus,
  PipelineVariable,
  PullRequest,
} from "./model.ts";

/** Bitbucket's error body: `{"type": "error", "error": {"message": …}}`. */
export function bbError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): Reply {
  return { status, body: { type: "error", error: { message, ...extra } } };
}

/** The 404 text of a repository the caller cannot see. */
export const REPO_NOT_FOUND =
  "You may not have access to this repository or it no longer exists in " +
  "this workspace. If you think this repository exists and you have access, make sure you are " +
  "authenticated.";
/** The plain-text 401 of Basic credentials. */
export const BASIC_401 = "Login failed due to incorrect login credentials or method.\n" +
  "For information on authentication methods for Bitbucket Cloud APIs, visit:\n" +
  "    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication\n";
/** The 401 message of a wrong access token. */
export const TOKEN_401 = "Token is invalid, expired, or not supported for this endpoint.";

/** Error text for a second open pull request from the same source branch. */
export const ALREADY_OPEN = "There is already an open pull request for this source branch.";

/** The repository's API URL. */
export function api(bb: FakeBitbucket): string {
  return `${bb.url}/repositories/${bb.workspace}/${bb.repoSlug}`;
}

function repoRef(bb: FakeBitbucket) {
  return {
    type: "repository" as const,
    full_name: `${bb.workspace}/${bb.repoSlug}`,
    name: bb.repoSlug,
    uuid: "{0b5fbd6c-4f47-4b9a-9c0c-5e2f1f3b7a11}",
    links: { html: { href: bb.webRepoUrl } },
  };
}

/** The repository. */
export function repoView(bb: FakeBitbucket) {
  return {
    ...repoRef(bb),
    slug: bb.repoSlug,
    is_private: true,
    scm: "git",
    has_issues: bb.hasIssues,
    has_wiki: false,
    fork_policy: "no_public_forks",
    mainbranch: { type: "branch", name: bb.mainBranch },
    workspace: { type: "workspace", slug: bb.workspace, name: bb.workspace },
    links: {
      self: { href: api(bb) },
      html: { href: bb.webRepoUrl },
      pullrequests: { href: `${api(bb)}/pullrequests` },
      issues: { href: `${api(bb)}/issues` },
    },
  };
}

function stateView(status: PipelineStatus) {
  if (status === "PENDING") return { type: "pipeline_state_pending", name: "PENDING" };
  if (status === "IN_PROGRESS" || status === "PAUSED") {
    const stage = status === "PAUSED" ? "PAUSED" : "RUNNING";
    return {
      type: "pipeline_state_in_progress",
      name: "IN_PROGRESS",
      stage: { type: `pipeline_state_in_progress_${stage.toLowerCase()}`, name: stage },
    };
  }
  return {
    type: "pipeline_state_completed",
    name: "COMPLETED",
    result: { type: `pipeline_state_completed_${status.toLowerCase()}`, name: status },
  };
}

/** A pipeline run. */
export function pipelineView(bb: FakeBitbucket, p: Pipeline) {
  const self = `${api(bb)}/pipelines/${encodeURIComponent(p.uuid)}`;
  return {
    type: "pipeline",
    uuid: p.uuid,
    build_number: p.build_number,
    creator: { type: "user", display_name: "PACE Bot", uuid: "{6d1c-pace-bot}" },
    repository: repoRef(bb),
    target: {
      type: "pipeline_ref_target",
      ref_type: "branch",
      ref_name: p.ref_name,
      selector: { type: "branches", pattern: p.ref_name },
      commit: { type: "commit", hash: p.commit },
    },
    trigger: { type: "pipeline_trigger_push", name: "PUSH" },
    state: stateView(p.status),
    created_on: p.created_on,
    ...(p.completed_on ? { completed_on: p.completed_on } : {}),
    build_seconds_used: 42,
    links: { self: { href: self }, steps: { href: `${self}/steps` } },
  };
}

/** A branch and its head commit, as `GET`/`POST …/refs/branches` answer it. */
export function branchView(
  bb: FakeBitbucket,
  name: string,
  hash: string,
): components["schemas"]["branch"] {
  const self = `${api(bb)}/refs/branches/${encodeURIComponent(name)}`;
  return {
    type: "branch",
    name,
    target: {
      type: "commit",
      hash,
      date: "2025-01-01T00:00:00+00:00",
      message: "PACE fixture commit\n",
      author: { type: "author", raw: "PACE Bot <pace-bot@example.com>" },
      parents: [],
      repository: repoRef(bb),
      links: {
        self: { href: `${api(bb)}/commit/${hash}` },
        html: { href: `${bb.webRepoUrl}/commits/${hash}` },
      },
    },
    links: {
      self: { href: self },
      commits: { href: `${api(bb)}/commits/${encodeURIComponent(name)}` },
      html: { href: `${bb.webRepoUrl}/branch/${encodeURIComponent(name)}` },
    },
    merge_strategies: ["merge_commit", "squash", "fast_forward"],
    default_merge_strategy: "merge_commit",
  };
}

/** A pull request. */
export function pullView(bb: FakeBitbucket, p: PullRequest) {
  const branch = (name: string) => ({
    branch: { name },
    // Bitbucket abbreviates a pull request's commits to 12 digits.
    commit: { type: "commit", hash: (bb.branches.get(name) ?? "0".repeat(12)).slice(0, 12) },
    repository: repoRef(bb),
  });
  return {
    type: "pullrequest",
    id: p.id,
    title: p.title,
    description: p.description,
    summary: { type: "rendered", raw: p.description, markup: "markdown", html: "" },
    state: p.state,
    author: { type: "user", display_name: "PACE Bot" },
    source: branch(p.source),
    destination: branch(p.destination),
    close_source_branch: p.close_source_branch,
    created_on: p.created_on,
    updated_on: p.created_on,
    links: {
      self: { href: `${api(bb)}/pullrequests/${p.id}` },
      html: { href: `${bb.webRepoUrl}/pull-requests/${p.id}` },
    },
  };
}

/** An issue. */
export function issueView(bb: FakeBitbucket, i: Issue) {
  const self = `${api(bb)}/issues/${i.id}`;
  return {
    type: "issue",
    id: i.id,
    title: i.title,
    state: i.state,
    kind: i.kind,
    priority: i.priority,
    content: { type: "rendered", raw: i.content, markup: "markdown", html: "" },
    reporter: { type: "user", display_name: "PACE Bot" },
    assignee: null,
    repository: repoRef(bb),
    created_on: i.created_on,
    updated_on: i.updated_on,
    votes: 0,
    watches: 1,
    links: {
      self: { href: self },
      html: { href: `${bb.webRepoUrl}/issues/${i.id}` },
      comments: { href: `${self}/comments` },
    },
  };
}

/** An issue comment. */
export function commentView(bb: FakeBitbucket, c: IssueComment) {
  return {
    type: "issue_comment",
    id: c.id,
    content: { type: "rendered", raw: c.raw, markup: "markdown", html: "" },
    user: { type: "user", display_name: "PACE Bot" },
    created_on: c.created_on,
    links: {
      self: { href: `${api(bb)}/issues/${c.issue_id}/comments/${c.id}` },
      html: { href: `${bb.webRepoUrl}/issues/${c.issue_id}#comment-${c.id}` },
    },
  };
}

/** A pipeline variable; a secured one without its value. */
export function variableView(v: PipelineVariable) {
  return {
    type: "pipeline_variable",
    uuid: v.uuid,
    key: v.key,
    secured: v.secured,
    ...(v.secured ? {} : { value: v.value }),
  };
}
