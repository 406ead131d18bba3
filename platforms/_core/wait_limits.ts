/**
 * The bounds of a CI wait, shared by the wait loop and the CLI that checks
 * its arguments before any request — without loading the HTTP core.
 *
 * @module
 */

/** A full or short commit SHA: 7 to 40 hex characters. */
export const SHA_PATTERN: RegExp = /^[0-9a-f]{7,40}$/i;

/** A day: longer timers overflow (a 40 000-minute wait would end at once). */
export const MAX_TIMEOUT_MINUTES = 1440;

/** The shortest poll interval: faster polling only burns rate limit. */
export const MIN_POLL_SECONDS = 0.05;
