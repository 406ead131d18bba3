/**
 * GitLab's settings: which instance, which project, which token. Read by the
 * connection and by the platform's definition (what is missing), without
 * loading any request code.
 *
 * @module
 */

import { Settings } from "../_core/settings.ts";
import type { Env, ResolvedContext } from "../types.ts";

/**
 * GitLab.com; a self-managed instance is e.g. `https://gitlab.example.com:8443/gitlab`.
 *
 * @example
 * ```ts
 * import { GITLAB_DEFAULT_URL } from "@pace/platforms";
 * console.log(GITLAB_DEFAULT_URL); // "https://gitlab.com"
 * ```
 */
export const GITLAB_DEFAULT_URL = "https://gitlab.com";

/**
 * A numeric project id, or a full path (`group/sub/repo`) whose segments are
 * never `.`-only (they would leave the project in the URL); surrounding
 * slashes are tolerated and dropped.
 */
const PROJECT =
  /^\/*(\d+|(?!\.+(?:\/|$))[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/(?!\.+(?:\/|$))[A-Za-z0-9_][A-Za-z0-9_.-]*)+)\/*$/;

/** GitLab's settings, read once; `problems` lists what keeps them from working. */
export interface GitLabSettings {
  token: string;
  /** The instance's web root, e.g. `https://gitlab.example.com/gitlab`. */
  webUrl: string;
  /** `webUrl/api/v4`. */
  apiUrl: string;
  /** As configured, without surrounding slashes: `group/sub/repo` or `123`. */
  project: string;
  problems: string[];
}

/** Read `GITLAB_TOKEN`, `GITLAB_PROJECT` and `GITLAB_URL`; `CI_JOB_TOKEN` is only masked. */
export function readGitLabSettings(env: Env, context?: ResolvedContext): GitLabSettings {
  const settings = new Settings(env, context?.secrets);
  const token = settings.secret("GITLAB_TOKEN", false);
  // Never sent: it cannot list pipelines or write issues. Masked all the same.
  const jobToken = settings.secret("CI_JOB_TOKEN", false);
  if (!token) {
    settings.problem(
      jobToken
        ? "GITLAB_TOKEN is not set (CI_JOB_TOKEN cannot list pipelines or write issues: " +
          "use a project access token)"
        : "GITLAB_TOKEN",
    );
  }
  const match = settings.matching(
    "GITLAB_PROJECT",
    PROJECT,
    "a project path (group/sub/project) or a numeric id",
  );
  // A pasted `/api/v4` names the same instance.
  const webUrl = settings.url("GITLAB_URL", GITLAB_DEFAULT_URL)
    .replace(/\/api\/v4$/, "")
    .replace(/\/+$/, "");
  return {
    token,
    webUrl,
    apiUrl: `${webUrl}/api/v4`,
    project: match?.[1] ?? "",
    problems: settings.problems,
  };
}
