/**
 * `pace check` for GitHub: one authenticated request, counted as reachable
 * only when the answer is a repository as GitHub's API describes it — JSON
 * of that shape. A web page (a sign-in page, an Enterprise Server's web root
 * instead of its `/api/v3`) is a failure that says where the API lives.
 *
 * @module
 */

import { errorFromResponse, HttpError } from "../_core/http.ts";
import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GitHubConnection } from "./connection.ts";

const WHERE = "GITHUB_API_URL is https://api.github.com for GitHub.com (or unset), " +
  "https://HOST/api/v3 for Enterprise Server";
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/** Whether the configured repository answers as GitHub's REST API does. */
export async function probeGitHub(context: ResolvedContext): Promise<ProbeResult> {
  const gh = new GitHubConnection(context);
  const url = new URL(
    `${gh.apiUrl}/repos/${encodeURIComponent(gh.owner)}/${encodeURIComponent(gh.repo)}`,
  );
  const notApi = (what: string): ProbeResult => ({
    ok: false,
    detail: `${gh.apiUrl} answered ${what} where GitHub's REST API answers JSON: ${WHERE}`,
  });
  let response: Response;
  try {
    // Any answer is welcome here: the probe judges what it is, a web page included.
    response = await gh.fetch(url, {
      headers: { accept: "application/vnd.github+json, */*;q=0.1" },
    });
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
    throw await errorFromResponse(response, "GET", url, "GitHub", context.secrets);
  }
  const data: unknown = await response.json().catch(() => undefined);
  if (!isRepository(data)) {
    return {
      ok: false,
      detail: `${gh.apiUrl} did not answer as GitHub's REST API does: ${WHERE}`,
    };
  }
  return {
    ok: true,
    detail: `${data.full_name} reachable at ${gh.apiUrl} (default branch ${data.default_branch})`,
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

function isRepository(value: unknown): value is { full_name: string; default_branch: string } {
  const repo = value as { full_name?: unknown; default_branch?: unknown } | null;
  return typeof repo === "object" && repo !== null && typeof repo.full_name === "string" &&
    typeof repo.default_branch === "string";
}
