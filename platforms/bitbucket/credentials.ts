/**
 * Bitbucket Cloud's three credentials, which one the environment chooses, and
 * what to say when none is set or Bitbucket refuses the one sent.
 *
 * - An Atlassian API token (the replacement of app passwords):
 *   `BITBUCKET_EMAIL` + `BITBUCKET_API_TOKEN`, sent as Basic `email:token`.
 * - A repository, project or workspace access token: `BITBUCKET_API_TOKEN`
 *   alone, sent as `Bearer`.
 * - A legacy app password: `BITBUCKET_USER` + `BITBUCKET_APP_PASSWORD`, sent as
 *   Basic `user:password`. bitbucket.org refuses every app password since
 *   2026-06-09; a self-hosted gateway or an old setup may still take one.
 *
 * When several are set, that order decides.
 *
 * @module
 */

import { basicAuthorization } from "../_core/secrets.ts";
import type { Settings } from "../_core/settings.ts";
import type { Secrets } from "../types.ts";

/**
 * Which Bitbucket credential is in use.
 *
 * @example
 * ```ts
 * import type { BitbucketCredential } from "./credentials.ts";
 * const kind: BitbucketCredential = "api-token"; // BITBUCKET_EMAIL + BITBUCKET_API_TOKEN
 * ```
 */
export type BitbucketCredential = "api-token" | "access-token" | "app-password";

/** Each credential: its variables and what it is, in the words every message uses. */
const OPTIONS: Record<BitbucketCredential, string> = {
  "api-token": "BITBUCKET_EMAIL + BITBUCKET_API_TOKEN (an Atlassian API token, Basic email:token)",
  "access-token":
    "BITBUCKET_API_TOKEN alone (a repository, project or workspace access token, Bearer)",
  "app-password": "BITBUCKET_USER + BITBUCKET_APP_PASSWORD (a legacy app password, Basic; " +
    "bitbucket.org accepts no app password since 2026-06-09)",
};

/** What was sent, as the first words of a 401's explanation. */
const TRIED: Record<BitbucketCredential, string> = {
  "api-token": "Bitbucket refused BITBUCKET_EMAIL:BITBUCKET_API_TOKEN as Basic " +
    "(an Atlassian API token): check that BITBUCKET_EMAIL is the Atlassian account's email " +
    "and that the token is not expired or revoked and has the scopes PACE needs; " +
    "a repository, project or workspace access token goes as Bearer: unset BITBUCKET_EMAIL",
  "access-token": "Bitbucket refused BITBUCKET_API_TOKEN as Bearer (tried as a repository, " +
    "project or workspace access token, since BITBUCKET_EMAIL is not set): check that it is " +
    "not expired or revoked and belongs to this repository; an Atlassian API token needs " +
    "BITBUCKET_EMAIL too (the account's email: Basic email:token)",
  "app-password": "Bitbucket refused BITBUCKET_USER:BITBUCKET_APP_PASSWORD as Basic " +
    "(a legacy app password): bitbucket.org accepts no app password since 2026-06-09",
};

/**
 * The sentence listing all three credentials, for settings without any.
 *
 * @example
 * ```ts
 * import { credentialOptions } from "./credentials.ts";
 * credentialOptions(); // "one Bitbucket credential: BITBUCKET_EMAIL + BITBUCKET_API_TOKEN (…), …"
 * ```
 */
export function credentialOptions(): string {
  const [first, second, third] = Object.values(OPTIONS);
  return `one Bitbucket credential: ${first}, or ${second}, or ${third}`;
}

/**
 * What a 401 means for the credential that was sent: the scheme tried, what to
 * check, and the other two credentials.
 *
 * @example
 * ```ts
 * import { unauthorizedHint } from "./credentials.ts";
 * unauthorizedHint("access-token");
 * // "Bitbucket refused BITBUCKET_API_TOKEN as Bearer (…); other credentials: …"
 * ```
 */
export function unauthorizedHint(credential: BitbucketCredential): string {
  const others = (Object.keys(OPTIONS) as BitbucketCredential[])
    .filter((other) => other !== credential)
    .map((other) => OPTIONS[other]);
  return `${TRIED[credential]}; other credentials: ${others.join(", or ")}`;
}

/** The credential chosen from the environment. */
export interface ChosenCredential {
  /** Which credential; `undefined` when none is complete (then `settings` holds a problem). */
  credential: BitbucketCredential | undefined;
  /** Who Basic authenticates as (the email or the user); `undefined` for Bearer. */
  account: string | undefined;
  /** The `Authorization` header value; `""` without a credential. */
  authorization: string;
}

/**
 * Read the credential variables through `settings` (the secrets are registered
 * for masking) and choose: email + token, then token alone, then user + app
 * password. None complete: a problem naming what to set.
 *
 * @example
 * ```ts
 * import { Settings } from "../_core/settings.ts";
 * import { chooseCredential } from "./credentials.ts";
 * const settings = new Settings({ BITBUCKET_API_TOKEN: "an-access-token" });
 * chooseCredential(settings).credential; // "access-token"
 * ```
 */
export function chooseCredential(settings: Settings, secrets?: Secrets): ChosenCredential {
  const email = settings.optional("BITBUCKET_EMAIL");
  const token = settings.secret("BITBUCKET_API_TOKEN", false);
  const user = settings.optional("BITBUCKET_USER");
  const password = settings.secret("BITBUCKET_APP_PASSWORD", false);
  if (email && token) {
    return {
      credential: "api-token",
      account: email,
      authorization: basicAuthorization(email, token, secrets),
    };
  }
  if (token) {
    return { credential: "access-token", account: undefined, authorization: `Bearer ${token}` };
  }
  if (user && password) {
    return {
      credential: "app-password",
      account: user,
      authorization: basicAuthorization(user, password, secrets),
    };
  }
  const half = email
    ? "BITBUCKET_API_TOKEN is not set though BITBUCKET_EMAIL is"
    : user
    ? "BITBUCKET_APP_PASSWORD is not set though BITBUCKET_USER is"
    : password
    ? "BITBUCKET_USER is not set though BITBUCKET_APP_PASSWORD is"
    : undefined;
  settings.problem(half ? `${half} (set ${credentialOptions()})` : credentialOptions());
  return { credential: undefined, account: undefined, authorization: "" };
}
