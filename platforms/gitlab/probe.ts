/**
 * `pace check` for GitLab: the configured project, read once, must answer as
 * GitLab's REST API does — a web page where the API should be (a `GITLAB_URL`
 * that is not the instance's root) says what `GITLAB_URL` must be.
 *
 * @module
 */

import { probeJsonApi } from "../_core/api_probe.ts";
import { isRecord } from "../_core/json.ts";
import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GitLabConnection } from "./connection.ts";

const WHERE = "GITLAB_URL is the instance's root, without /api/v4 " +
  "(https://gitlab.com, https://gitlab.example.com or https://host/gitlab)";

/** Whether the configured project answers as GitLab's REST API does. */
export function probeGitLab(context: ResolvedContext): Promise<ProbeResult> {
  const gl = new GitLabConnection(context);
  return probeJsonApi({
    fetch: gl.http.fetch,
    url: gl.http.url(gl.path()),
    accept: "application/json",
    api: "GitLab's REST API",
    apiUrl: gl.apiUrl,
    where: WHERE,
    platform: "GitLab",
    secrets: context.secrets,
    read: (data) =>
      isRecord(data) && typeof data.path_with_namespace === "string"
        ? {
          name: data.path_with_namespace,
          branch: typeof data.default_branch === "string" ? data.default_branch : undefined,
        }
        : undefined,
    reachable: ({ name, branch }) =>
      `${name} reachable at ${gl.apiUrl} (default branch ${branch ?? "none: empty project"})`,
  });
}
