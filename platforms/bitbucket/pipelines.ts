/**
 * Bitbucket Pipelines as CI to wait for: one look at the pipelines of a
 * commit, and the rule that turns them into a snapshot of the wait.
 *
 * @module
 */

import type { CiSnapshot } from "../types.ts";
import { type BitbucketConnection, MAX_PAGES } from "./connection.ts";

/** Largest `pagelen` the pipelines list takes. */
const PIPELINES_PAGELEN = 100;
/**
 * A short SHA cannot be filtered server-side (`target.commit.hash` matches
 * whole hashes), so the newest pipelines are read and matched by prefix:
 * this many pages of 100. A commit being waited for is among the newest.
 */
const SHORT_SHA_PAGES = 3;

/** A pipeline, as far as PACE reads it. */
export interface BitbucketPipeline {
  /** `{…}` UUID. */
  uuid?: string;
  /** Shown in the web UI as `#N`; the results page is `…/pipelines/results/N`. */
  build_number?: number;
  /** `PENDING`, `IN_PROGRESS` (stage `RUNNING` or `PAUSED`), `COMPLETED` (with a result). */
  state?: {
    name?: string;
    result?: { name?: string } | null;
    stage?: { name?: string } | null;
  } | null;
  /** What ran: the commit and, for branch pipelines, the ref. */
  target?: {
    ref_name?: string;
    commit?: { hash?: string } | null;
    selector?: { type?: string; pattern?: string } | null;
  } | null;
  /** ISO timestamp; the newest pipeline for the commit decides. */
  created_on?: string;
}

/** One look at the pipelines of `sha`, newest first. */
export async function lookAtPipelines(
  bb: BitbucketConnection,
  sha: string,
  signal: AbortSignal,
): Promise<CiSnapshot> {
  // The repository's page (read once, then cached) goes out with the first page of pipelines.
  const webUrl = bb.webRepoUrl(signal);
  webUrl.catch(() => {});
  const want = sha.toLowerCase();
  const full = want.length === 40;
  const query = {
    sort: "-created_on",
    pagelen: PIPELINES_PAGELEN,
    // The documented filter matches whole hashes only; a short SHA is matched here.
    "target.commit.hash": full ? want : undefined,
  };
  const seen: BitbucketPipeline[] = [];
  for await (
    const batch of bb.pages<BitbucketPipeline>(["pipelines"], {
      query,
      signal,
      maxPages: full ? MAX_PAGES : SHORT_SHA_PAGES,
    })
  ) {
    seen.push(...batch);
    // Newest first: once a page holds a match, older pages cannot hold a newer one.
    if (!full && batch.some((p) => commitMatches(p.target?.commit?.hash, want))) break;
  }
  return classifyPipelines(seen, want, await webUrl);
}

/**
 * Among `pipelines`, the newest whose target commit is `sha` (a full SHA
 * exactly, a short one as a prefix) decides. PENDING, IN_PROGRESS (running
 * or paused) and anything not yet COMPLETED keep polling; COMPLETED maps
 * SUCCESSFUL → success, FAILED/ERROR → failure, STOPPED/EXPIRED → cancelled.
 * `webRepoUrl` is the repository's web page; the result URL is its
 * `/pipelines/results/BUILD_NUMBER`.
 */
export function classifyPipelines(
  pipelines: BitbucketPipeline[],
  sha: string,
  webRepoUrl: string,
): CiSnapshot {
  const want = sha.toLowerCase();
  const matches = pipelines.filter((p) => commitMatches(p.target?.commit?.hash, want));
  if (matches.length === 0) return { state: "none" };
  const newest = matches.reduce((a, b) => (newer(b, a) ? b : a));
  const name = pipelineName(newest);
  const url = webRepoUrl && Number.isInteger(newest.build_number)
    ? `${webRepoUrl}/pipelines/results/${newest.build_number}`
    : "";
  if (newest.state?.name !== "COMPLETED") {
    const paused = newest.state?.name === "PAUSED" || newest.state?.stage?.name === "PAUSED";
    return { state: "pending", pending: [paused ? `${name} (paused)` : name] };
  }
  const result = newest.state.result?.name ?? "";
  switch (result) {
    case "SUCCESSFUL":
      return { state: "done", conclusion: "success", name, url };
    case "FAILED":
    case "ERROR":
      return { state: "done", conclusion: "failure", name, url };
    case "STOPPED":
    case "EXPIRED":
      return { state: "done", conclusion: "cancelled", name, url };
    default:
      // COMPLETED never changes again: an unknown result must not wait out the timeout.
      return {
        state: "done",
        conclusion: "failure",
        name: `${name}: completed with result ${result || "(none)"}`,
        url,
      };
  }
}

function commitMatches(hash: string | undefined, want: string): boolean {
  if (typeof hash !== "string" || !hash) return false;
  const have = hash.toLowerCase();
  return want.length === 40 ? have === want : have.startsWith(want);
}

/** Whether `a` is newer than `b`: by creation time, then by build number. */
function newer(a: BitbucketPipeline, b: BitbucketPipeline): boolean {
  const ta = Date.parse(a.created_on ?? "");
  const tb = Date.parse(b.created_on ?? "");
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta > tb;
  return (a.build_number ?? 0) > (b.build_number ?? 0);
}

function pipelineName(p: BitbucketPipeline): string {
  const ref = p.target?.ref_name ?? p.target?.selector?.pattern;
  const number = Number.isInteger(p.build_number) ? ` #${p.build_number}` : "";
  return `Pipeline${number}${ref ? ` on ${ref}` : ""}`;
}
