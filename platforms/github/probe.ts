/**
 * `pace check` for GitHub: one authenticated request, counted as reachable
 * only when the answer is a repository as GitHub's API describes it.
 *
 * @module
 */

import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GitHubConnection } from "./connection.ts";

/** Whether the configured repository answers as GitHub's API does. */
export async function probeGitHub(context: ResolvedContext): Promise<ProbeResult> {
  const gh = new GitHubConnection(context);
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}");
    if (typeof data !== "object" || data === null || typeof data.full_name !== "string") {
      return {
        ok: false,
        detail: `${gh.apiUrl} did not answer as GitHub's REST API does` +
          " (for Enterprise Server, GITHUB_API_URL is https://HOST/api/v3)",
      };
    }
    return {
      ok: true,
      detail: `${data.full_name} reachable at ${gh.apiUrl} (default branch ${data.default_branch})`,
    };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
