/**
 * The never-reject guard: one wrapper that every adapter, built-in or a
 * user's, passes through. A method listed in the guard's outcomes always
 * resolves: a throw, a rejection, an argument the outcome's check refuses, or
 * an adapter that cannot work (missing credentials) becomes that method's
 * empty value, and the reason is logged once, redacted.
 *
 * @module
 */

import type { Logger, Secrets } from "../types.ts";

/** How one guarded method behaves when it cannot run or fails. */
export interface Outcome {
  /** The value to resolve with; `error` is the redacted reason. */
  empty: (args: unknown[], error: string) => unknown;
  /** A reason to refuse the arguments before the adapter is called, or `undefined`. */
  check?: (args: unknown[]) => string | undefined;
  /** Turn what the adapter resolved into the contract's value (`undefined` → `true`, say). */
  settle?: (value: unknown) => unknown;
  /** Runs even when the adapter is unavailable (reading the environment, say). */
  always?: boolean;
}

/** Inputs of {@linkcode guardAdapter}. */
export interface GuardInput<T extends object> {
  /** The adapter, or a promise of it (a platform whose code loads on first use). */
  adapter: T | Promise<T>;
  /** The contract's methods and how each fails. Other members pass through. */
  outcomes: Record<string, Outcome>;
  /** Members readable before the adapter has loaded (its `platform` name). */
  known: Record<string, unknown>;
  logger: Logger;
  secrets: Secrets;
  /** Why the adapter cannot work (unset credentials), or `undefined`. */
  unavailable?: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Wrap `adapter` so every method named in `outcomes` resolves. Members not
 * named there are read from the loaded adapter (and are `undefined` until a
 * lazily built one has loaded, except those in `known`).
 */
export function guardAdapter<T extends object>(input: GuardInput<T>): T {
  const { outcomes, logger, secrets, unavailable } = input;
  let loaded: T | undefined;
  const ready = Promise.resolve(input.adapter).then((adapter) => (loaded = adapter));
  // A factory that fails is reported by the first call, not as an unhandled rejection.
  ready.catch(() => {});
  if (unavailable) logger.warn(`${unavailable}; calls will return empty results`);

  const call = async (key: string, args: unknown[]): Promise<unknown> => {
    const outcome = outcomes[key];
    const refused = outcome.check?.(args) ?? (outcome.always ? undefined : unavailable);
    if (refused !== undefined) {
      const reason = secrets.redact(refused);
      if (refused !== unavailable) logger.error(`${key}: ${reason}`);
      else logger.debug(`${key}: skipped (${reason})`);
      return outcome.empty(args, reason);
    }
    try {
      const adapter = await ready;
      const method = Reflect.get(adapter, key);
      if (typeof method !== "function") throw new Error(`the adapter has no ${key} method`);
      const value = await method.apply(adapter, args);
      return outcome.settle ? outcome.settle(value) : value;
    } catch (error) {
      const reason = secrets.redact(messageOf(error));
      logger.error(`${key} failed: ${reason}`);
      return outcome.empty(args, reason);
    }
  };

  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy({} as T, {
    get(_target, key) {
      if (typeof key === "string" && key in outcomes) {
        let method = methods.get(key);
        if (!method) {
          method = (...args: unknown[]) => call(key, args);
          methods.set(key, method);
        }
        return method;
      }
      if (loaded) {
        // The adapter, not the proxy, is `this` for getters: private fields need it.
        const value = Reflect.get(loaded, key);
        return typeof value === "function" ? value.bind(loaded) : value;
      }
      return typeof key === "string" ? input.known[key] : undefined;
    },
    has(_target, key) {
      return (typeof key === "string" && (key in outcomes || key in input.known)) ||
        (loaded !== undefined && key in loaded);
    },
  });
}
