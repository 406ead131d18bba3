/**
 * Permission-aware access to the process environment and working directory.
 *
 * Under `--allow-env=GITHUB_TOKEN,…` Deno refuses `Deno.env.toObject()` and
 * throws for any variable outside the list, so the default environment is a
 * view that asks for each variable on demand and reads only what is granted:
 * an unpermitted variable is simply unset.
 *
 * @module
 */

import type { Env } from "../types.ts";

function granted(variable: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "env", variable }).state === "granted";
  } catch {
    return false;
  }
}

/** Read one variable, `undefined` when unset or not permitted. */
export function readEnv(variable: string): string | undefined {
  if (!granted(variable)) return undefined;
  try {
    return Deno.env.get(variable);
  } catch {
    return undefined;
  }
}

/**
 * The process environment as an {@linkcode Env}: reading a key returns the
 * variable when it is set and permitted, `undefined` otherwise.
 */
export function processEnv(): Env {
  return new Proxy({} as Env, {
    get: (_target, key) => typeof key === "string" ? readEnv(key) : undefined,
    has: (_target, key) => typeof key === "string" && readEnv(key) !== undefined,
    // Enumerating the whole environment would need --allow-env for everything.
    ownKeys: () => [],
    getOwnPropertyDescriptor: (_target, key) => {
      if (typeof key !== "string") return undefined;
      const value = readEnv(key);
      return value === undefined
        ? undefined
        : { value, enumerable: true, configurable: true, writable: false };
    },
  });
}

/** The current directory, or "." when reading it is not permitted. */
export function currentDir(): string {
  try {
    return Deno.cwd();
  } catch {
    return ".";
  }
}
