/**
 * The one settings reader: every platform reads its variables through a
 * {@linkcode Settings}, so "unset", "not a URL", "a URL carrying a password"
 * and "not of the expected form" are decided and worded once. What a reader
 * collects in `problems` is what the platform's definition reports as
 * missing; the registry's guard then answers every call with its empty value.
 *
 * @module
 */

import type { Env, Secrets } from "../types.ts";

/** A non-empty, trimmed value of `env[name]`, or `undefined`. */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Why `value` is not an http(s) URL without credentials, or `undefined`. */
export function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http(s) URL";
  if (url.username || url.password) {
    return "must not carry credentials (set the token variable instead)";
  }
  if (url.search || url.hash) return "must not carry a query or fragment";
  return undefined;
}

/** `value` without credentials, for messages: `https://***@host/…`. */
function shownUrl(value: string): string {
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@").slice(0, 120));
}

/**
 * Reads one platform's variables and collects every problem with them.
 *
 * @example
 * ```ts ignore
 * const settings = new Settings(env, secrets);
 * const token = settings.secret("ACME_TOKEN");
 * const url = settings.url("ACME_URL", "https://api.acme.example");
 * if (settings.problems.length) console.log(settings.problems);
 * ```
 */
export class Settings {
  /** Unset required variables by name; invalid ones as a sentence naming them. */
  readonly problems: string[] = [];
  readonly #env: Env;
  readonly #secrets: Secrets | undefined;

  /** Read from `env`; secrets read through {@linkcode Settings.secret} are registered with `secrets`. */
  constructor(env: Env, secrets?: Secrets) {
    this.#env = env;
    this.#secrets = secrets;
  }

  /** The trimmed value, or `undefined` when unset or empty. */
  optional(name: string): string | undefined {
    return envValue(this.#env, name);
  }

  /** The value; when unset, `""` and the name goes to `problems`. */
  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) this.problems.push(name);
    return value ?? "";
  }

  /** A credential: registered for masking before anything can print it. */
  secret(name: string, required = true): string {
    // Untrimmed too: a token pasted with a newline must be masked as sent.
    this.#secrets?.add(this.#env[name]);
    const value = required ? this.required(name) : this.optional(name) ?? "";
    this.#secrets?.add(value);
    return value;
  }

  /**
   * An http(s) URL without credentials, query or fragment, trailing slashes
   * removed. Unset: `fallback`. Set but invalid: a problem, never a silent
   * fall-back to the default host.
   */
  url(name: string, fallback?: string): string {
    const value = this.optional(name);
    if (value === undefined) {
      if (fallback === undefined) this.problems.push(name);
      return (fallback ?? "").replace(/\/+$/, "");
    }
    const problem = urlProblem(value);
    if (problem) {
      this.problems.push(`${name} ${problem}, got ${shownUrl(value)}`);
      return (fallback ?? "").replace(/\/+$/, "");
    }
    return value.replace(/\/+$/, "");
  }

  /** A required value of a given form: a problem saying which form when it does not match. */
  matching(name: string, pattern: RegExp, expected: string): RegExpExecArray | undefined {
    const value = this.required(name);
    if (!value) return undefined;
    const match = pattern.exec(value);
    if (!match) {
      this.problems.push(`${name} must be ${expected}, got ${JSON.stringify(value.slice(0, 80))}`);
    }
    return match ?? undefined;
  }

  /** Record a problem found while combining variables. */
  problem(text: string): void {
    this.problems.push(text);
  }
}

/**
 * The host (with a non-default port) of an http(s) URL, as `--allow-net`
 * wants it; `fallback`'s host when the URL is unset or invalid, `[]` when
 * neither works.
 */
export function hostsOf(url: string | undefined, fallback?: string): string[] {
  const host = (candidate: string | undefined) => {
    if (!candidate) return undefined;
    try {
      const parsed = new URL(candidate);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.host : undefined;
    } catch {
      return undefined;
    }
  };
  const chosen = host(url) ?? host(fallback);
  return chosen ? [chosen] : [];
}

/**
 * One path segment of a repository or owner name: letters, digits, `.`, `_`,
 * `-`, and never `.` or `..` (a dot segment leaves its place in the URL, even
 * percent-encoded).
 */
export function isPathSegment(value: string): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(value) && value !== "." && value !== "..";
}
