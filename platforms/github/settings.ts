/**
 * GitHub's settings: which API, which repository, which token. Read by the
 * connection and by the platform's definition (what is missing), without
 * loading any request code.
 *
 * @module
 */

import { isPathSegment, Settings } from "../_core/settings.ts";
import type { Env, ResolvedContext } from "../types.ts";

/**
 * GitHub.com's API; Enterprise Server uses `https://HOST/api/v3`.
 *
 * @example
 * ```ts
 * import { GITHUB_DEFAULT_API_URL } from "@pace/platforms";
 * console.log(GITHUB_DEFAULT_API_URL); // "https://api.github.com"
 * ```
 */
export const GITHUB_DEFAULT_API_URL = "https://api.github.com";
/**
 * The REST API version every request pins.
 *
 * @example
 * ```ts
 * import { GITHUB_API_VERSION } from "@pace/platforms";
 * console.log(GITHUB_API_VERSION); // "2022-11-28"
 * ```
 */
export const GITHUB_API_VERSION = "2022-11-28";
/** GitHub's settings, read once; `problems` lists what keeps them from working. */
export interface GitHubSettings {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  problems: string[];
}

/** Read `GITHUB_TOKEN`, `GITHUB_REPOSITORY` and `GITHUB_API_URL`. */
export function readGitHubSettings(env: Env, context?: ResolvedContext): GitHubSettings {
  const settings = new Settings(env, context?.secrets);
  const token = settings.secret("GITHUB_TOKEN");
  const apiUrl = settings.url("GITHUB_API_URL", GITHUB_DEFAULT_API_URL);
  const match = settings.matching(
    "GITHUB_REPOSITORY",
    /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/,
    "owner/repo",
  );
  const [owner, repo] = match ? [match[1], match[2]] : ["", ""];
  if (match && !(isPathSegment(owner) && isPathSegment(repo))) {
    settings.problem(`GITHUB_REPOSITORY must be owner/repo without "." or ".." parts`);
  }
  return { token, apiUrl, owner, repo, problems: settings.problems };
}
