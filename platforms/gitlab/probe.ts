/**
 * `pace check` for GitLab: one authenticated request, counted as reachable
 * only when the answer is a project as GitLab's API describes it. A failed
 * request is thrown: `pace check` reports it, redacted.
 *
 * @module
 */

import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GitLabConnection } from "./connection.ts";

/** Whether the configured project answers as GitLab's REST API does. */
export async function probeGitLab(context: ResolvedContext): Promise<ProbeResult> {
  const gl = new GitLabConnection(context);
  const project: unknown = await gl.projectInfo();
  if (!isProject(project)) {
    return {
      ok: false,
      detail: `${gl.apiUrl} did not answer as GitLab's REST API does` +
        " (GITLAB_URL is the instance's web root, e.g. https://gitlab.example.com)",
    };
  }
  const branch = project.default_branch ?? "none: empty project";
  return {
    ok: true,
    detail: `${project.path_with_namespace} reachable at ${gl.apiUrl} (default branch ${branch})`,
  };
}

function isProject(
  value: unknown,
): value is { path_with_namespace: string; default_branch?: string | null } {
  return typeof value === "object" && value !== null &&
    typeof (value as { path_with_namespace?: unknown }).path_with_namespace === "string";
}
