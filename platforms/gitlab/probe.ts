/**
 * `pace check` for GitLab: one authenticated request, counted as reachable
 * only when the answer is a project as GitLab's API describes it — JSON of
 * that shape. A web page (a sign-in page, a proxy's, a `GITLAB_URL` that is
 * not the instance's root) is a failure that says what `GITLAB_URL` must be.
 * A failed request is thrown: `pace check` reports it, redacted.
 *
 * @module
 */

import { errorFromResponse, HttpError } from "../_core/http.ts";
import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GitLabConnection } from "./connection.ts";

const WHERE = "GITLAB_URL is the instance's root, without /api/v4 " +
  "(https://gitlab.com, https://gitlab.example.com or https://host/gitlab)";
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/** Whether the configured project answers as GitLab's REST API does. */
export async function probeGitLab(context: ResolvedContext): Promise<ProbeResult> {
  const gl = new GitLabConnection(context);
  const url = gl.http.url(gl.path());
  const notApi = (what: string): ProbeResult => ({
    ok: false,
    detail: `${gl.apiUrl} answered ${what} where GitLab's REST API answers JSON: ${WHERE}`,
  });
  let response: Response;
  try {
    // Any answer is welcome here: the probe judges what it is, a web page included.
    response = await gl.http.fetch(url, { headers: { accept: "application/json, */*;q=0.1" } });
  } catch (error) {
    if (error instanceof HttpError && error.kind === "parse" && isSuccess(error.status)) {
      return notApi(`a body that is not JSON (HTTP ${error.status})`);
    }
    throw error;
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  const status = response.status;
  // A page that is not JSON, answered or refused, came from something else at
  // that URL; a busy or failing server (429, 5xx) is reported as it is.
  if (!JSON_TYPE.test(type) && (isSuccess(status) || (status >= 400 && status < 429))) {
    await response.body?.cancel();
    return notApi(`${describeType(type)} (HTTP ${status})`);
  }
  if (!response.ok) {
    throw await errorFromResponse(response, "GET", url, "GitLab", context.secrets);
  }
  const project: unknown = await response.json().catch(() => undefined);
  if (!isProject(project)) {
    return {
      ok: false,
      detail: `${gl.apiUrl} did not answer as GitLab's REST API does: ${WHERE}`,
    };
  }
  const branch = project.default_branch ?? "none: empty project";
  return {
    ok: true,
    detail: `${project.path_with_namespace} reachable at ${gl.apiUrl} (default branch ${branch})`,
  };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A bare content type in words: `an HTML page`, `text/plain`. */
function describeType(type: string): string {
  if (/^(?:text\/html|application\/xhtml\+xml)$/i.test(type)) return "an HTML page";
  return type ? type.toLowerCase() : "a body without a content type";
}

function isProject(
  value: unknown,
): value is { path_with_namespace: string; default_branch?: string | null } {
  return typeof value === "object" && value !== null &&
    typeof (value as { path_with_namespace?: unknown }).path_with_namespace === "string";
}
