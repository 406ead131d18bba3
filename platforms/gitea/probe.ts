/**
 * `pace check` for Gitea and Forgejo: one authenticated request, counted as
 * reachable only when the answer is a repository as the API describes it —
 * JSON of that shape. A web page (a sign-in page, a proxy's, a `GITEA_URL`
 * that is not the instance's root) is a failure that says what `GITEA_URL`
 * must be. A failed request is thrown: `pace check` reports it, redacted.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GiteaConnection, type Repository } from "./connection.ts";

const WHERE = "GITEA_URL is the instance's root, without /api/v1 " +
  "(https://codeberg.org, https://git.example.com or https://host/gitea)";

/** Whether the configured repository answers as Gitea's (or Forgejo's) REST API does. */
export async function probeGitea(context: ResolvedContext, title: string): Promise<ProbeResult> {
  const gitea = new GiteaConnection(context, title);
  const notApi = (what: string): ProbeResult => ({
    ok: false,
    detail: `${gitea.apiUrl} answered ${what} where ${title}'s API answers JSON: ${WHERE}`,
  });
  let repo: Partial<Repository> | undefined;
  try {
    repo = await gitea.repository();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    // A page that is not JSON, answered or refused, came from something else at that URL;
    // a busy or failing server (429, 5xx) is reported as it is.
    if (error.kind === "parse" && error.status < 300) {
      return notApi(`a body that is not JSON (HTTP ${error.status})`);
    }
    if (error.status >= 400 && error.status < 429 && /^\s*</.test(error.body)) {
      return notApi(`an HTML page (HTTP ${error.status})`);
    }
    throw error;
  }
  if (typeof repo?.full_name !== "string") return notApi("JSON that is not a repository");
  const branch = repo.default_branch || "none: empty repository";
  return {
    ok: true,
    detail: `${repo.full_name} reachable at ${gitea.apiUrl} (default branch ${branch})`,
  };
}
