/**
 * The few file operations adapters share: writing a file with its directory,
 * appending a job summary under a size cap, and the JSON variable store.
 *
 * @module
 */

import { dirname } from "node:path";

/** Whether `path` exists (a refused permission counts as absent). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Write (or append) `text` at `path`, creating its directory only when it is
 * missing: `mkdir` of an existing directory would still need write access to
 * it, which the narrow `--allow-write` list does not grant for the repo root.
 */
async function put(path: string, text: string, append: boolean): Promise<void> {
  try {
    await Deno.writeTextFile(path, text, { append });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, text, { append });
  }
}

/** Write `text` to `path`, creating its directory. */
export function writeText(path: string, text: string): Promise<void> {
  return put(path, text, false);
}

/** Append `text` to `path`, creating its directory. */
export function appendText(path: string, text: string): Promise<void> {
  return put(path, text, true);
}

/** Write `text()` at `path` unless it exists; either way return `path` (a re-run finds it). */
export async function createOnce(path: string, text: () => string): Promise<string> {
  if (await exists(path)) return path;
  await writeText(path, text());
  return path;
}

/** GitHub refuses a step summary larger than this (1 MiB). */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

const encoder = new TextEncoder();

/** The longest prefix of `text` whose UTF-8 encoding fits in `bytes`, never splitting a character. */
export function cutUtf8(text: string, bytes: number): string {
  if (bytes <= 0) return "";
  if (encoder.encode(text).length <= bytes) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (encoder.encode(text.slice(0, mid)).length <= bytes) low = mid;
    else high = mid - 1;
  }
  // Do not leave half a surrogate pair at the end.
  const code = text.charCodeAt(low - 1);
  if (code >= 0xd800 && code <= 0xdbff) low--;
  return text.slice(0, low);
}

/**
 * Append `markdown` to a summary file so that the whole file stays within
 * `limit` bytes: what was there is kept, as much of the start of the new text
 * as fits is appended, then a note that the rest was cut. Returns whether the
 * text had to be cut.
 */
export async function appendCapped(
  path: string,
  markdown: string,
  limit = STEP_SUMMARY_LIMIT,
): Promise<boolean> {
  let existing = 0;
  try {
    existing = (await Deno.stat(path)).size;
  } catch {
    existing = 0;
  }
  const text = markdown.endsWith("\n") ? markdown : `${markdown}\n`;
  const room = limit - existing;
  if (encoder.encode(text).length <= room) {
    await appendText(path, text);
    return false;
  }
  const note = `\n\n> ⚠️ PACE summary truncated: the job summary is limited to ${
    Math.floor(limit / 1024)
  } KiB. The full report is in the job log.\n`;
  const noteBytes = encoder.encode(note).length;
  if (room < noteBytes) return true; // Not even the note fits: keep the file valid.
  await appendText(path, cutUtf8(text, room - noteBytes) + note);
  return true;
}

/** Read a JSON object store; a missing or corrupt file reads as `{}`. */
export async function readJsonStore(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return {};
  }
  try {
    const data = JSON.parse(text);
    if (data && typeof data === "object" && !Array.isArray(data)) {
      return Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
      );
    }
  } catch {
    // Corrupt: treated as empty and replaced on the next write.
  }
  return {};
}

/** Set one key of a JSON object store, keeping the others; a corrupt file is replaced. */
export async function writeJsonStoreValue(
  path: string,
  name: string,
  value: string,
): Promise<void> {
  const store = await readJsonStore(path);
  store[name] = value;
  await writeText(path, `${JSON.stringify(store, null, 2)}\n`);
}
