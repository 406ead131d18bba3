/**
 * The fake Gitea's state and what it answers with: repository, commit
 * statuses, labels, issues, pull requests, comments, branches and Actions
 * variables, as Gitea 1.23 / Forgejo serialise them (the fields PACE reads,
 * and a few it must not rely on).
 *
 * @module
 */

import type { RecordedRequest as BaseRecorded } from "../_base.ts";

/** A request as the fake Gitea records it. */
export interface RecordedRequest extends BaseRecorded {
  /** The operation it matched: `GET /repos/{}/{}/issues`. */
  operation?: string;
}

/** Which published API descriptions a request is checked against. */
export type Vendor = "gitea" | "forgejo";

/** How a fake Gitea starts. */
export interface FakeGiteaOptions {
  /** A sub-path the instance lives under (`/gitea`); the API is `<root>/api/v1`. */
  root?: string;
  owner?: string;
  repo?: string;
  token?: string;
  defaultBranch?: string;
  /** The token's scopes. Default: `write:repository`, `write:issue`. */
  scopes?: string[];
  /** The descriptions requests must satisfy. Default: both. */
  vendors?: Vendor[];
  /** `MAX_RESPONSE_ITEMS`: the largest page served. Default 50, as Gitea's default. */
  maxLimit?: number;
  /** A repository without a commit (no branch at all). */
  empty?: boolean;
}

/** A commit status state. */
export type StatusState = "pending" | "success" | "error" | "failure" | "warning";

/** A commit status as stored. */
export interface Status {
  id: number;
  /** Per-commit sequence: the latest per context has the highest. */
  index: number;
  sha: string;
  context: string;
  state: StatusState;
  target_url: string;
  description: string;
  created_at: string;
  updated_at: string;
}

/** A label as stored and answered. */
export interface Label {
  id: number;
  name: string;
  /** Six hex digits, without `#`, as Gitea answers it. */
  color: string;
  description: string;
  exclusive: boolean;
  is_archived: boolean;
}

/** An issue; pull requests are issues too and share the numbering. */
export interface Issue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  /** Label ids. */
  labels: number[];
  created: number;
  /** Set for a pull request's issue. */
  pull?: Pull;
}

/** A pull request. */
export interface Pull {
  head: string;
  base: string;
  merged: boolean;
}

/** A comment on an issue. */
export interface Comment {
  id: number;
  issue: number;
  body: string;
}

/** An Actions variable, stored under its upper-cased name. */
export interface Variable {
  name: string;
  data: string;
}

/** A timestamp as Gitea writes it. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

/** A SHA-1 looking value derived from `seed`. */
export function fakeSha(seed: string): string {
  let out = "";
  let h = 2166136261;
  while (out.length < 40) {
    for (const c of seed + out.length) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}
