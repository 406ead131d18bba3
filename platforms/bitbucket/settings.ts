/**
 * Bitbucket's settings: which API, which repository, which credential. Read
 * by the connection and by the platform's definition (what is missing),
 * without loading any request code.
 *
 * @module
 */

import { Settings } from "../_core/settings.ts";
import type { Env, ResolvedContext } from "../types.ts";

/**
 * Bitbucket Cloud's REST API.
 *
 * @example
 * ```ts
 * import { BITBUCKET_DEFAULT_API_URL } from "@pace/platforms";
 * console.log(BITBUCKET_DEFAULT_API_URL); // "https://api.bitbucket.org/2.0"
 * ```
 */
export const BITBUCKET_DEFAULT_API_URL = "https://api.bitbucket.org/2.0";

/** Bitbucket's settings, read once; `problems` lists what keeps them from working. */
export interface BitbucketSettings {
  workspace: string;
  repoSlug: string;
  apiUrl: string;
  /** The credential scheme in use: an access token (Bearer) or user + app password (Basic). */
  scheme: "bearer" | "basic" | undefined;
  /** The `Authorization` header value; `""` without credentials. */
  authorization: string;
  problems: string[];
}

/**
 * One path segment: no `/`, and never `.` or `..`, which a URL resolves away
 * even percent-encoded.
 */
const SEGMENT = /^(?!\.{1,2}$)[^/]+$/;

/**
 * Read `BITBUCKET_WORKSPACE`, `BITBUCKET_REPO_SLUG`, `BITBUCKET_API_URL` and
 * the credentials: `BITBUCKET_API_TOKEN` (Bearer) first, else
 * `BITBUCKET_USER` + `BITBUCKET_APP_PASSWORD` (Basic).
 */
export function readBitbucketSettings(env: Env, context?: ResolvedContext): BitbucketSettings {
  const settings = new Settings(env, context?.secrets);
  const workspace = settings.matching("BITBUCKET_WORKSPACE", SEGMENT, "a workspace slug or id")
    ?.[0] ?? "";
  const repoSlug = settings.matching("BITBUCKET_REPO_SLUG", SEGMENT, "the repository slug alone")
    ?.[0] ?? "";
  const token = settings.secret("BITBUCKET_API_TOKEN", false);
  const user = settings.optional("BITBUCKET_USER");
  const password = settings.secret("BITBUCKET_APP_PASSWORD", false);
  const apiUrl = settings.url("BITBUCKET_API_URL", BITBUCKET_DEFAULT_API_URL);

  let scheme: BitbucketSettings["scheme"];
  let authorization = "";
  if (token) {
    scheme = "bearer";
    authorization = `Bearer ${token}`;
  } else if (user && password) {
    const pair = `${user}:${password}`;
    // The Basic header carries this pair encoded: mask the pair (and so its base64) too.
    context?.secrets.add(pair);
    scheme = "basic";
    authorization = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(pair)))}`;
  } else {
    const instead = "or set BITBUCKET_API_TOKEN instead";
    settings.problem(
      user
        ? `BITBUCKET_APP_PASSWORD is not set though BITBUCKET_USER is (${instead})`
        : password
        ? `BITBUCKET_USER is not set though BITBUCKET_APP_PASSWORD is (${instead})`
        : "BITBUCKET_API_TOKEN or BITBUCKET_USER + BITBUCKET_APP_PASSWORD",
    );
  }
  return { workspace, repoSlug, apiUrl, scheme, authorization, problems: settings.problems };
}
