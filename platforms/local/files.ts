/**
 * The local platform's files: each item is written once and found again by
 * its path.
 *
 * @module
 */

import { exists, writeText } from "../_core/files.ts";

/** Write `text` at `path` unless it exists; either way return `path`. */
export async function createOnce(path: string, text: () => string): Promise<string> {
  if (await exists(path)) return path;
  await writeText(path, text());
  return path;
}

/** The labels line a local item ends with, as a forge would show its labels. */
export function labelsLine(labels: string[]): string {
  return `\nLabels: ${labels.join(", ")}\n`;
}
