/**
 * The data model of the fake Bitbucket Cloud: its start options, what it
 * records of a request, and the repository state a test arranges.
 *
 * @module
 */

import type { RecordedRequest as BaseRecord } from "../_base.ts";

/** Options of {@linkcode FakeBitbucket.start}. */
export interface FakeBitbucketOptions {
  /** Default `"pace-team"`. */
  workspace?: string;
  /** Default `"pace-demo"`. */
  repoSlug?: string;
  /**
   * The repository/project/workspace access token accepted as `Bearer`.
   * Default `"bbat_testtoken_0123456789"`.
   */
  token?: string;
  /**
   * The Atlassian account's email, accepted with {@linkcode FakeBitbucketOptions.apiToken}
   * as Basic `email:token`. Default `"pace-robot@example.com"`: like the user, its pair is
   * not a multiple of 3 bytes before the token, so base64 of the pair does not contain
   * base64 of the token.
   */
  email?: string;
  /** The Atlassian API token accepted as Basic with the email. Default `"ATATT3xFfGF0_pace_api_token_0123"`. */
  apiToken?: string;
  /**
   * The user accepted with {@linkcode FakeBitbucketOptions.appPassword}. Default `"pace-robot"`:
   * `"pace-robot:"` is not a multiple of 3 bytes long, so base64 of the pair does not contain
   * base64 of the password, and a test notices when only the password is masked.
   */
  user?: string;
  /** Default `"app_pw_0123456789abcdef"`. */
  appPassword?: string;
  /**
   * Whether app passwords still work (self-hosted gateways, setups from before the
   * cut-off). Default `false`: bitbucket.org refuses every app password since 2026-06-09.
   */
  appPasswords?: boolean;
  /** `mainbranch.name`. Default `"main"`. */
  mainBranch?: string;
  /** Whether the repository has its issue tracker enabled. Default `true`. */
  hasIssues?: boolean;
  /** Web origin for `links.html` (Bitbucket: `https://bitbucket.org`). Default: this server. */
  webUrl?: string;
  /** `pagelen` when the client sends none. Bitbucket's default: 10. */
  defaultPagelen?: number;
}

/** One request the server received; `path` is below `/2.0` (e.g. `/repositories/w/r/pipelines`). */
export interface RecordedRequest extends BaseRecord {
  /** `bearer`, `basic` or `none`, as presented (right or wrong). */
  scheme: "bearer" | "basic" | "none";
  /** The credential the request authenticated with; `undefined` when it was refused. */
  credential?: BitbucketCredential;
}

/**
 * Bitbucket Cloud's credentials: an Atlassian API token (Basic `email:token`),
 * a repository/project/workspace access token (`Bearer`), or a legacy app
 * password (Basic `user:app password`).
 */
export type BitbucketCredential = "api-token" | "access-token" | "app-password";

/** How a pipeline stands. `PAUSED` is Bitbucket's `IN_PROGRESS` with stage `PAUSED`. */
export type PipelineStatus =
  | "PENDING"
  | "IN_PROGRESS"
  | "PAUSED"
  | "SUCCESSFUL"
  | "FAILED"
  | "ERROR"
  | "STOPPED"
  | "EXPIRED";

/** A pipeline run. */
export interface Pipeline {
  uuid: string;
  build_number: number;
  /** Full commit hash (lower case). */
  commit: string;
  /** Branch the pipeline ran for. */
  ref_name: string;
  status: PipelineStatus;
  created_on: string;
  completed_on?: string;
}

/** A pull request. */
export interface PullRequest {
  id: number;
  title: string;
  description: string;
  state: "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED";
  source: string;
  destination: string;
  close_source_branch: boolean;
  created_on: string;
}

/** Bitbucket's issue states. */
export const ISSUE_STATES = [
  "submitted",
  "new",
  "open",
  "resolved",
  "on hold",
  "invalid",
  "duplicate",
  "wontfix",
  "closed",
] as const;
/** Bitbucket's issue kinds. */
export const ISSUE_KINDS = ["bug", "enhancement", "proposal", "task"];
/** Bitbucket's issue priorities. */
export const ISSUE_PRIORITIES = ["trivial", "minor", "major", "critical", "blocker"];

/** An issue. */
export interface Issue {
  id: number;
  title: string;
  /** `content.raw`. */
  content: string;
  state: typeof ISSUE_STATES[number];
  kind: string;
  priority: string;
  created_on: string;
  updated_on: string;
}

/** An issue comment; `raw` is `null` for the comment Bitbucket adds to a change. */
export interface IssueComment {
  id: number;
  issue_id: number;
  raw: string | null;
  created_on: string;
}

/** A repository pipeline variable. */
export interface PipelineVariable {
  uuid: string;
  key: string;
  value: string;
  secured: boolean;
}
