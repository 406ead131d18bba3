/**
 * Bitbucket's settings: which API, which repository, which credential. Read
 * by the connection and by the platform's definition (what is missing),
 * without loading any request code.
 *
 * @module
 */

import { Settings } from "../_core/settings.ts";
import type { Env, ResolvedContext } from "../types.ts";
import { type BitbucketCredential, chooseCredential } from "./credentials.ts";

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
  /**
   * The credential in use: an Atlassian API token (Basic email:token), an
   * access token (Bearer) or a legacy app password (Basic user:password).
   */
  credential: BitbucketCredential | undefined;
  /** Who Basic authenticates as (the email or the user); `undefined` for Bearer. */
  account: string | undefined;
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
 * the credentials: `BITBUCKET_EMAIL` + `BITBUCKET_API_TOKEN` (an Atlassian API
 * token, Basic) first, else `BITBUCKET_API_TOKEN` alone (an access token,
 * Bearer), else `BITBUCKET_USER` + `BITBUCKET_APP_PASSWORD` (Basic).
 *
 * @example
 * ```ts
 * import { readBitbucketSettings } from "./settings.ts";
 * const { credential, problems } = readBitbucketSettings({
 *   BITBUCKET_WORKSPACE: "acme",
 *   BITBUCKET_REPO_SLUG: "shop",
 *   BITBUCKET_EMAIL: "dev@acme.example",
 *   BITBUCKET_API_TOKEN: "an-atlassian-api-token",
 * });
 * console.log(credential, problems); // "api-token" []
 * ```
 */
export function readBitbucketSettings(env: Env, context?: ResolvedContext): BitbucketSettings {
  const settings = new Settings(env, context?.secrets);
  const workspace = settings.matching("BITBUCKET_WORKSPACE", SEGMENT, "a workspace slug or id")
    ?.[0] ?? "";
  const repoSlug = settings.matching("BITBUCKET_REPO_SLUG", SEGMENT, "the repository slug alone")
    ?.[0] ?? "";
  const apiUrl = settings.url("BITBUCKET_API_URL", BITBUCKET_DEFAULT_API_URL);
  const { credential, account, authorization } = chooseCredential(settings, context?.secrets);
  return {
    workspace,
    repoSlug,
    apiUrl,
    credential,
    account,
    authorization,
    problems: settings.problems,
  };
}
