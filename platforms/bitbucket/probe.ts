/**
 * `pace check` for Bitbucket: one authenticated request for the repository,
 * counted as reachable only when the answer is a repository as Bitbucket's
 * API describes it.
 *
 * @module
 */

import type { ProbeResult, ResolvedContext } from "../types.ts";
import { BitbucketConnection } from "./connection.ts";

/** Whether the configured repository answers as Bitbucket's API does. */
export async function probeBitbucket(context: ResolvedContext): Promise<ProbeResult> {
  const bb = new BitbucketConnection(context);
  try {
    const repo = await bb.repository();
    if (typeof repo !== "object" || repo === null || typeof repo.full_name !== "string") {
      return {
        ok: false,
        detail: `${bb.apiUrl} did not answer as Bitbucket's REST API 2.0 does`,
      };
    }
    const credential = bb.credential === "api-token"
      ? `Atlassian API token of ${bb.account}`
      : bb.credential === "app-password"
      ? `app password of ${bb.account}`
      : "access token";
    return {
      ok: true,
      detail: `${repo.full_name} reachable at ${bb.apiUrl} (${credential}; main branch ${
        repo.mainbranch?.name ?? "unknown"
      }; issue tracker ${repo.has_issues ? "on" : "off"})`,
    };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
