/**
 * The data model of the fake GitLab: its start options, what it records of a
 * request, the project state a test arranges, and GitLab's rate-limit fault.
 *
 * @module
 */

import type { RecordedRequest as BaseRecord, ScriptRule } from "../_base.ts";

/** Options of {@linkcode FakeGitLab.start}. */
export interface FakeGitLabOptions {
  /** The token requests must carry. Default `"glpat-FakeToken_0123456789abcdef"`. */
  token?: string;
  /** Full path of the one project. Default `"pace-group/sub/pace-demo"`. */
  projectPath?: string;
  /** Its numeric id. Default `4242`. */
  projectId?: number;
  /** Relative URL root of a self-managed instance, e.g. `"/gitlab"`. Default `""`. */
  relativeRoot?: string;
  /** Default branch. Default `"main"`. */
  defaultBranch?: string;
  /**
   * `"headers"` (default): offset pagination headers and `Link`. `"link"`:
   * only `Link` (as GitLab does past 10 000 rows or with keyset pagination).
   */
  pagination?: "headers" | "link";
}

/** One request the server received; `path` is the raw path below `<root>/api/v4`, still encoded. */
export interface RecordedRequest extends BaseRecord {
  /** The route template matched, e.g. `GET /projects/:id/pipelines`. */
  route?: string;
}
/** A pipeline. */
export interface Pipeline {
  id: number;
  iid: number;
  project_id: number;
  sha: string;
  ref: string;
  status: string;
  source: string;
  name: string | null;
  web_url: string;
  created_at: string;
  updated_at: string;
}

/** Input of {@linkcode FakeGitLab.addPipeline}. */
export interface PipelineInput {
  sha: string;
  status: string;
  ref?: string;
  source?: string;
  name?: string | null;
}

/** A job of a pipeline. */
export interface Job {
  id: number;
  pipeline_id: number;
  name: string;
  stage: string;
  status: string;
  allow_failure: boolean;
  web_url: string;
  retried: boolean;
}

/** Input of {@linkcode FakeGitLab.addJob}. */
export interface JobInput {
  name: string;
  status: string;
  stage?: string;
  allow_failure?: boolean;
  retried?: boolean;
}

/** A merge request. */
export interface MergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  state: "opened" | "closed" | "merged" | "locked";
  source_branch: string;
  target_branch: string;
  labels: string[];
  web_url: string;
}

/** An issue. */
export interface Issue {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  state: "opened" | "closed";
  labels: string[];
  web_url: string;
  closed_at: string | null;
}

/** A note (comment) on an issue. */
export interface Note {
  id: number;
  issue_iid: number;
  body: string;
}

/** A project CI/CD variable. */
export interface Variable {
  key: string;
  value: string;
  variable_type: "env_var" | "file";
  protected: boolean;
  masked: boolean;
  raw: boolean;
  environment_scope: string;
  description: string | null;
}

/** GitLab's rate limiter: 429, `Retry-After`, `RateLimit-*`, a plain-text body. */
export function rateLimited(
  rule: Omit<ScriptRule, "status" | "body"> & { retryAfter?: number },
): ScriptRule {
  const retryAfter = rule.retryAfter ?? 1;
  return {
    ...rule,
    status: 429,
    headers: {
      "content-type": "text/plain",
      "retry-after": String(retryAfter),
      "ratelimit-limit": "600",
      "ratelimit-observed": "601",
      "ratelimit-remaining": "0",
      "ratelimit-reset": String(Math.floor(Date.now() / 1000) + retryAfter),
      ...rule.headers,
    },
    body: "Retry later\n",
  };
}
