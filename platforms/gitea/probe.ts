/**
 * `pace check` for Gitea and Forgejo: one authenticated request, counted as
 * reachable only when the answer is a repository as the API describes it —
 * JSON of that shape. A web page (a sign-in page, a proxy's, a `GITEA_URL`
 * that is not the instance's root) is a failure that says what `GITEA_URL`
 * must be. A failed request is thrown: `pace check` reports it, redacted.
 *
 * @module
 */

import { errorFromResponse, HttpError } from "../_core/http.ts";
import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GiteaConnection } from "./connection.ts";

const WHERE = "GITEA_URL is the instance's root, without /api/v1 " +
  "(https://codeberg.org, https://git.example.com or https://host/gitea)";
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/** Whether the configured repository answers as Gitea's (or Forgejo's) REST API does. */
export async function probeGitea(context: ResolvedContext, title: string): Promise<ProbeResult> {
  const gitea = new GiteaConnection(context, title);
  const url = gitea.http.url(gitea.path());
  const notApi = (what: string): ProbeResult => ({
    ok: false,
    detail: `${gitea.apiUrl} answered ${what} where ${title}'s API answers JSON: ${WHERE}`,
  });
  let response: Response;
  try {
    // Any answer is welcome here: the probe judges what it is, a web page included.
    response = await gitea.http.fetch(url, { headers: { accept: "application/json, */*;q=0.1" } });
  } catch (error) {
    if (error instanceof HttpError && error.kind === "parse" && error.status < 300) {
      return notApi(`a body that is not JSON (HTTP ${error.status})`);
    }
    throw error;
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  const status = response.status;
  // A page that is not JSON, answered or refused, came from something else at that URL.
  if (!JSON_TYPE.test(type) && (status < 300 || (status >= 400 && status < 429))) {
    await response.body?.cancel();
    const what = /html/i.test(type) ? "an HTML page" : type || "a body without a content type";
    return notApi(`${what} (HTTP ${status})`);
  }
  if (!response.ok) {
    throw await errorFromResponse(response, "GET", url, title, context.secrets);
  }
  const repo = await response.json().catch(() => undefined) as
    | { full_name?: unknown; default_branch?: unknown }
    | undefined;
  if (typeof repo?.full_name !== "string") {
    return { ok: false, detail: `${gitea.apiUrl} did not answer as ${title}'s API does: ${WHERE}` };
  }
  const branch = typeof repo.default_branch === "string" && repo.default_branch
    ? repo.default_branch
    : "none: empty repository";
  return {
    ok: true,
    detail: `${repo.full_name} reachable at ${gitea.apiUrl} (default branch ${branch})`,
  };
}
