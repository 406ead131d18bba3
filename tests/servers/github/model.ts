/**
 * The data model of the fake GitHub: its start options, what it records of a
 * request, and the repository state a test arranges (pull requests, issues,
 * comments, variables, check runs, commit statuses).
 *
 * @module
 */

import type { RecordedRequest as BaseRecord } from "../_base.ts";

/** Options of {@linkcode FakeGitHub.start}. */
export interface FakeGitHubOptions {
  /** Repository owner. Default `"octo"`. */
  owner?: string;
  /** Repository name. Default `"pace-demo"`. */
  repo?: string;
  /** The token requests must carry (`Bearer` or `token`). Default `"ghp_testtoken_0123456789"`. */
  token?: string;
  /** `"/api/v3"` to act as GitHub Enterprise Server. Default `""` (api.github.com). */
  basePath?: "" | "/api/v3";
  /** Default branch. Default `"main"`. */
  defaultBranch?: string;
  /** Check requests against the OpenAPI description. Default `true`. */
  validate?: boolean;
  /**
   * Also reject body properties the description does not declare (GitHub
   * silently ignores them — e.g. `labels` on "create a pull request" — which
   * is a client bug all the same). Default `true`.
   */
  strictBodies?: boolean;
  /**
   * Which `@octokit/openapi` description to validate against. Default
   * `"api.github.com"`, or `"ghes-3.19"` when `basePath` is `"/api/v3"`.
   */
  description?: string;
  /**
   * Form of the URLs in `Link` headers. GitHub writes
   * `/repositories/{id}/...` (the default); `"repos"` writes `/repos/{owner}/{repo}/...`.
   * Both forms are served.
   */
  linkStyle?: "repositories" | "repos";
}

/** One request the server received; `path` is without the base path (`/api/v3`). */
export interface RecordedRequest extends BaseRecord {
  /** OpenAPI operationId, when the request matched one. */
  operationId?: string;
}

/** A pull request in the fake repository. */
export interface PullRequest {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  /** Head branch name (same repository). */
  head: string;
  /** Base branch name. */
  base: string;
  labels: string[];
  merged_at: string | null;
  draft?: boolean;
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
}

/** An issue (not a pull request) in the fake repository. */
export interface Issue {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: string | null;
  labels: string[];
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
}

/** An issue or pull-request comment. */
export interface IssueComment {
  issue_number: number;
  body: string;
  id?: number;
  created_at?: string;
}

/** An Actions repository variable. */
export interface Variable {
  name: string;
  value: string;
  created_at?: string;
  updated_at?: string;
}

/** Check run status values. */
export type CheckRunStatus =
  | "queued"
  | "in_progress"
  | "completed"
  | "waiting"
  | "requested"
  | "pending";

/** A check run on a commit. */
export interface CheckRun {
  id: number;
  name: string;
  status: CheckRunStatus;
  conclusion: string | null;
  head_sha: string;
  html_url: string;
  details_url: string;
  started_at: string;
  completed_at: string | null;
}

/** Input of {@linkcode FakeGitHub.addCheckRun}. */
export interface CheckRunInput {
  name: string;
  /** Default: `"completed"` when `conclusion` is given, else `"queued"`. */
  status?: CheckRunStatus;
  conclusion?: string | null;
  html_url?: string;
  details_url?: string;
}

/** A legacy commit status. */
export interface CommitStatus {
  id: number;
  context: string;
  state: "error" | "failure" | "pending" | "success";
  target_url: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/** Input of {@linkcode FakeGitHub.addStatus}. */
export interface CommitStatusInput {
  context: string;
  state: CommitStatus["state"];
  target_url?: string | null;
  description?: string | null;
}
