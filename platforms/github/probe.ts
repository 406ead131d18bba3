/**
 * `pace check` for GitHub: the configured repository, read once, must answer
 * as GitHub's REST API does — a web page where the API should be (an
 * Enterprise Server's web root instead of its `/api/v3`) says where it lives.
 *
 * @module
 */

import { probeJsonApi } from "../_core/api_probe.ts";
import { isRecord } from "../_core/json.ts";
import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GitHubConnection } from "./connection.ts";

const WHERE = "GITHUB_API_URL is https://api.github.com for GitHub.com (or unset), " +
  "https://HOST/api/v3 for Enterprise Server";

/** Whether the configured repository answers as GitHub's REST API does. */
export function probeGitHub(context: ResolvedContext): Promise<ProbeResult> {
  const gh = new GitHubConnection(context);
  return probeJsonApi({
    fetch: gh.fetch,
    url: new URL(
      `${gh.apiUrl}/repos/${encodeURIComponent(gh.owner)}/${encodeURIComponent(gh.repo)}`,
    ),
    accept: "application/vnd.github+json",
    api: "GitHub's REST API",
    apiUrl: gh.apiUrl,
    where: WHERE,
    platform: "GitHub",
    secrets: context.secrets,
    read: (data) =>
      isRecord(data) && typeof data.full_name === "string" &&
        typeof data.default_branch === "string"
        ? { name: data.full_name, branch: data.default_branch }
        : undefined,
    reachable: ({ name, branch }) => `${name} reachable at ${gh.apiUrl} (default branch ${branch})`,
  });
}
