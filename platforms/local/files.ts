/**
 * The local platform's files: each item is written once and found again by
 * its path, and ends with the labels a forge would show.
 *
 * @module
 */

export { createOnce } from "../_core/files.ts";

/** The labels line a local item ends with, as a forge would show its labels. */
export function labelsLine(labels: string[]): string {
  return `\nLabels: ${labels.join(", ")}\n`;
}
