/**
 * `pace check` for Gitea and Forgejo: the configured repository, read once,
 * must answer as the API does — a web page where the API should be (a
 * `GITEA_URL` that is not the instance's root) says what `GITEA_URL` must be.
 *
 * @module
 */

import { probeJsonApi } from "../_core/api_probe.ts";
import { isRecord } from "../_core/json.ts";
import type { ProbeResult, ResolvedContext } from "../types.ts";
import { GiteaConnection } from "./connection.ts";

const WHERE = "GITEA_URL is the instance's root, without /api/v1 " +
  "(https://codeberg.org, https://git.example.com or https://host/gitea)";

/** Whether the configured repository answers as Gitea's (or Forgejo's) REST API does. */
export function probeGitea(context: ResolvedContext, title: string): Promise<ProbeResult> {
  const gitea = new GiteaConnection(context, title);
  return probeJsonApi({
    fetch: gitea.http.fetch,
    url: gitea.http.url(gitea.path()),
    accept: "application/json",
    api: `${title}'s API`,
    apiUrl: gitea.apiUrl,
    where: WHERE,
    platform: title,
    secrets: context.secrets,
    read: (data) =>
      isRecord(data) && typeof data.full_name === "string"
        ? {
          name: data.full_name,
          branch: typeof data.default_branch === "string" && data.default_branch
            ? data.default_branch
            : undefined,
        }
        : undefined,
    reachable: ({ name, branch }) =>
      `${name} reachable at ${gitea.apiUrl} (default branch ${branch ?? "none: empty repository"})`,
  });
}
