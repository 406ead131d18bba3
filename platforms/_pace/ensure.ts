/**
 * Idempotent creates, for every tracker: find PACE's existing open item
 * first; create only when there is none; and when a create fails in a way
 * that may hide a success (a 5xx, a timeout, a dropped connection), look
 * again before giving up, so a re-run never opens a duplicate.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { Logger } from "../types.ts";

/** Whether a failed create may nevertheless have created the item. */
export function mayHaveSucceeded(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  // A 2xx whose body then broke, was cut or was not JSON: the server did act on it.
  const answeredOk = error.status >= 200 && error.status < 300;
  return answeredOk || error.status >= 500 || error.kind === "network" ||
    error.kind === "timeout";
}

/** Steps of {@linkcode ensureItem}. */
export interface EnsureSteps<T> {
  /** What is being ensured, for the log (`escalation for day 3`). */
  what: string;
  /** Find the existing item, or `undefined`. */
  find: () => Promise<T | undefined>;
  /** Create it. */
  create: () => Promise<T>;
  /** A failure that may hide a success besides 5xx, timeouts and dropped connections. */
  ambiguous?: (error: unknown) => boolean;
  logger: Logger;
}

/** Find, else create, else (after an ambiguous failure) find again. */
export async function ensureItem<T>(steps: EnsureSteps<T>): Promise<T> {
  const existing = await steps.find();
  if (existing !== undefined) {
    steps.logger.info(`${steps.what}: found the existing item`);
    return existing;
  }
  try {
    return await steps.create();
  } catch (error) {
    if (mayHaveSucceeded(error) || steps.ambiguous?.(error)) {
      const created = await steps.find().catch(() => undefined);
      if (created !== undefined) {
        steps.logger.warn(`${steps.what}: the create answered an error but the item exists`);
        return created;
      }
    }
    throw error;
  }
}
