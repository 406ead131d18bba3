/**
 * Gitea's (and Forgejo's) settings: which instance, which repository, which
 * token. Read by the connection and by the platform's definition (what is
 * missing), without loading any request code.
 *
 * Inside Gitea or Forgejo Actions the runner sets `GITHUB_SERVER_URL` (the
 * instance) and `GITHUB_REPOSITORY` (`owner/repo`) as GitHub Actions does;
 * they stand in for `GITEA_URL` and `GITEA_REPOSITORY` when those are unset,
 * so a workflow only has to pass the token. A `GITHUB_SERVER_URL` of
 * github.com is GitHub Actions itself, never an instance: a Gitea token is
 * not sent there.
 *
 * @module
 */

import { isPathSegment, Settings } from "../_core/settings.ts";
import type { Env, ResolvedContext } from "../types.ts";

/** The variables the settings read, the runner's fall-backs included. */
export const GITEA_ENV = [
  "GITEA_URL",
  "GITEA_TOKEN",
  "GITEA_REPOSITORY",
  "GITHUB_SERVER_URL",
  "GITHUB_REPOSITORY",
] as const;

/** Gitea's settings, read once; `problems` lists what keeps them from working. */
export interface GiteaSettings {
  /** `GITEA_TOKEN`, registered as a secret. */
  token: string;
  /** The instance's web root, sub-path included: `https://git.example.com/gitea`. */
  webUrl: string;
  /** `webUrl/api/v1`. */
  apiUrl: string;
  /** The repository's owner (a user or an organisation). */
  owner: string;
  /** The repository's name. */
  repo: string;
  /** Unset required variables by name; invalid ones as a sentence naming them. */
  problems: string[];
}

/** The variable to read: the `GITEA_` one when set, else the runner's when it names an instance. */
function pick(settings: Settings, own: string, runner: string): string {
  if (settings.optional(own) !== undefined) return own;
  const value = settings.optional(runner);
  if (value === undefined) return own;
  return runner === "GITHUB_SERVER_URL" && /^https?:\/\/(www\.)?github\.com\/?$/i.test(value)
    ? own
    : runner;
}

/** Read `GITEA_TOKEN`, `GITEA_URL` and `GITEA_REPOSITORY` (or the runner's stand-ins). */
export function readGiteaSettings(env: Env, context?: ResolvedContext): GiteaSettings {
  const settings = new Settings(env, context?.secrets);
  const token = settings.secret("GITEA_TOKEN");
  const urlName = pick(settings, "GITEA_URL", "GITHUB_SERVER_URL");
  // A pasted `/api/v1` names the same instance.
  const webUrl = settings.url(urlName).replace(/\/api\/v1$/, "").replace(/\/+$/, "");
  const repoName = pick(settings, "GITEA_REPOSITORY", "GITHUB_REPOSITORY");
  const match = settings.matching(repoName, /^([^/\s]+)\/([^/\s]+)$/, "owner/repo");
  const [owner, repo] = match ? [match[1], match[2]] : ["", ""];
  if (match && !(isPathSegment(owner) && isPathSegment(repo))) {
    settings.problem(`${repoName} must be owner/repo of letters, digits, ".", "_" and "-"`);
  }
  return {
    token,
    webUrl,
    apiUrl: webUrl ? `${webUrl}/api/v1` : "",
    owner,
    repo,
    problems: settings.problems,
  };
}
