/**
 * Reading JSON (and YAML) values of unknown shape: the one check every reader
 * of a parsed answer or artifact starts from.
 *
 * @module
 */

/** A JSON object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
