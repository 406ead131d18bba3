/**
 * The few file operations adapters share: writing a file with its directory,
 * appending a job summary under a size cap, reading a file that someone else
 * controls without following it anywhere, and the JSON variable store.
 *
 * Paths under the repository are written by agents and scripts we do not
 * trust, and Deno's permission checks look at the path given, not at where a
 * symbolic link leads. So nothing here writes through a symbolic link, and the
 * reader refuses links, special files and anything too large.
 *
 * @module
 */

import { dirname, sep } from "./paths.ts";

/** Whether `path` exists (a refused permission counts as absent). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `lstat`, with a missing path as `undefined`. */
export async function lstatOrNone(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Throw unless `path` is missing or a regular file: writing would follow a
 * symbolic link, block on a FIFO, or fail on a directory.
 */
export async function refuseNonRegular(path: string): Promise<Deno.FileInfo | undefined> {
  const info = await lstatOrNone(path);
  if (info?.isSymlink) {
    throw new Error(`${path} is a symbolic link: refusing to write through it`);
  }
  if (info && !info.isFile) {
    throw new Error(`${path} is not a regular file: refusing to write to it`);
  }
  return info;
}

/**
 * Write (or append) `text` at `path`, creating its directory only when it is
 * missing: `mkdir` of an existing directory would still need write access to
 * it, which the narrow `--allow-write` list does not grant for the repo root.
 */
async function put(path: string, text: string, append: boolean): Promise<void> {
  await refuseNonRegular(path);
  try {
    await Deno.writeTextFile(path, text, { append });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, text, { append });
  }
}

/** Write `text` to `path`, creating its directory; anything but a regular file there is refused. */
export function writeText(path: string, text: string): Promise<void> {
  return put(path, text, false);
}

/** Append `text` to `path`, creating its directory; anything but a regular file there is refused. */
export function appendText(path: string, text: string): Promise<void> {
  return put(path, text, true);
}

/**
 * Write `text()` at `path` unless a regular file is there; either way return
 * `path` (a re-run finds it). A directory, FIFO or link at `path` is no
 * "existing item": it is refused.
 */
export async function createOnce(path: string, text: () => string): Promise<string> {
  if (await refuseNonRegular(path)) return path;
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

// ---------------------------------------------------------------------------
// Reading a file someone else controls

/** Why {@linkcode readRegularFile} would not read a path. */
export type RefusalReason =
  | "symlink"
  | "directory"
  | "special"
  | "outside"
  | "too-large"
  | "changed";

/** What {@linkcode readRegularFile} found. */
export type RegularFileRead =
  | { kind: "ok"; bytes: Uint8Array }
  | { kind: "missing" }
  | { kind: "refused"; reason: RefusalReason }
  | { kind: "error"; error: unknown };

/** Options of {@linkcode readRegularFile}. */
export interface RegularFileOptions {
  /** Read at most this many bytes; a larger file is refused as `too-large`. */
  limit: number;
  /** When given, the file's real path must lie inside this directory's real path. */
  root?: string;
}

export function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

// `O_NOFOLLOW` refuses a link swapped in after the check, `O_NONBLOCK` keeps a
// swapped-in FIFO from blocking the open. Both are 0 where the system lacks them.
// Loaded on the first read: `node:fs` costs milliseconds at startup a `ci wait` never needs.
async function nodeOpen() {
  const [{ constants }, { open }] = await Promise.all([
    import("node:fs"),
    import("node:fs/promises"),
  ]);
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  return (path: string) => open(path, flags);
}
export const CHUNK = 64 * 1024;

type Identity = { dev: number | null; ino: number | null };

export function sameFile(a: Identity, b: Identity): boolean {
  if (a.dev === null || a.ino === null || b.dev === null || b.ino === null) return true;
  return Number(a.dev) === Number(b.dev) && Number(a.ino) === Number(b.ino);
}

async function staysInside(path: string, root: string): Promise<boolean> {
  const [real, realRoot] = await Promise.all([Deno.realPath(path), Deno.realPath(root)]);
  const prefix = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  return real.startsWith(prefix);
}

/**
 * Read a file only if it is a regular file, not a symbolic link, at most
 * `limit` bytes and (with `root`) really inside `root`. The path is checked
 * with `lstat`, opened without following a link or blocking on a FIFO, and the
 * opened file must be the one checked, so a swap in between is refused too.
 * Never throws: a failure to read is returned as `error`.
 */
export async function readRegularFile(
  path: string,
  options: RegularFileOptions,
): Promise<RegularFileRead> {
  const refused = (reason: RefusalReason): RegularFileRead => ({ kind: "refused", reason });
  try {
    const info = await lstatOrNone(path);
    if (!info) return { kind: "missing" };
    if (info.isSymlink) return refused("symlink");
    if (info.isDirectory) return refused("directory");
    if (!info.isFile) return refused("special");
    if (options.root !== undefined && !await staysInside(path, options.root)) {
      return refused("outside");
    }
    if (info.size > options.limit) return refused("too-large");
    let handle;
    try {
      handle = await (await nodeOpen())(path);
    } catch (error) {
      if ((error as { code?: string }).code === "ELOOP") return refused("symlink");
      throw error;
    }
    try {
      const opened = await handle.stat();
      if (!opened.isFile() || !sameFile(opened, info)) return refused("changed");
      const chunks: Uint8Array[] = [];
      let total = 0;
      while (total <= options.limit) {
        const chunk = new Uint8Array(CHUNK);
        const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
      }
      if (total > options.limit) return refused("too-large");
      // The identity check above already refuses a file reached through a
      // directory swapped for a link; this also catches a swap while reading.
      if (options.root !== undefined && !await staysInside(path, options.root)) {
        return refused("outside");
      }
      return { kind: "ok", bytes: concat(chunks, total) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    return { kind: "error", error };
  }
}
