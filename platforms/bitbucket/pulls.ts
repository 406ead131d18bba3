/**
 * Bitbucket pull requests, as the review PR (CI) and the release hierarchy
 * (branching) both open them: one shape, one create, one list, one reading
 * of an ambiguous answer.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { bbqlString, type BitbucketConnection, type Link, LIST_PAGELEN } from "./connection.ts";

/** A pull request, as far as PACE reads it. */
export interface PullRequest {
  id: number;
  state: string;
  source?: { branch?: { name?: string } };
  destination?: { branch?: { name?: string } };
  links?: { html?: Link };
}

/** What a new pull request is made of. */
export interface NewPullRequest {
  /** The source branch. */
  head: string;
  /** The destination branch. */
  base: string;
  title: string;
  /** Markdown, already cut to Bitbucket's limit. */
  description: string;
}

/**
 * Open a pull request `head → base`. The source branch is kept on merge:
 * PACE's branches (review, sprint, release) outlive their pull requests.
 */
export function postPullRequest(
  bb: BitbucketConnection,
  pull: NewPullRequest,
): Promise<PullRequest> {
  return bb.request<PullRequest>("POST", ["pullrequests"], {
    json: {
      title: pull.title,
      description: pull.description,
      source: { branch: { name: pull.head } },
      destination: { branch: { name: pull.base } },
      close_source_branch: false,
    },
  });
}

/**
 * Whether a failed create may be Bitbucket's 400 for a second open pull
 * request from the same source branch: one a concurrent run opened. Worth a
 * second look before giving up.
 */
export function mayBeOpenAlready(error: unknown): boolean {
  return error instanceof HttpError && error.status === 400;
}

/** Every pull request matching BBQL `q`, in `states` (Bitbucket's default: open only). */
export function listPullRequests(
  bb: BitbucketConnection,
  q: string,
  states?: string[],
): Promise<PullRequest[]> {
  return bb.all<PullRequest>(["pullrequests"], {
    query: { q, pagelen: LIST_PAGELEN },
    repeated: states ? { state: states } : undefined,
  });
}

/** The open pull request `head → base`, or `undefined`. */
export async function findOpenPullRequest(
  bb: BitbucketConnection,
  head: string,
  base: string,
): Promise<PullRequest | undefined> {
  const q = `source.branch.name = ${bbqlString(head)} AND ` +
    `destination.branch.name = ${bbqlString(base)} AND state = "OPEN"`;
  // Checked again here: a filter Bitbucket ignored must not pick another PR.
  return (await listPullRequests(bb, q)).find((pull) =>
    pull.state === "OPEN" && pull.source?.branch?.name === head &&
    pull.destination?.branch?.name === base
  );
}
