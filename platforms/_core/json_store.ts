/**
 * The JSON variable stores (`.pace/variables.json`, `jenkins-variables.json`):
 * read through the confined reader, written by atomic replace under an
 * exclusive lock, never through a link — ten parallel writers keep ten keys.
 *
 * @module
 */

import { basename, dirname, join } from "./paths.ts";
import {
  CHUNK,
  concat,
  lstatOrNone,
  readRegularFile,
  refuseNonRegular,
  sameFile,
} from "./files.ts";

/** The largest JSON store read or rewritten (1 MiB). */
export const STORE_LIMIT = 1024 * 1024;

/** How long a writer waits for another process's lock on a store. */
const LOCK_WAIT_MS = 10_000;

function parseStore(text: string): Record<string, string> {
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

/**
 * Read a JSON object store; a missing, corrupt, oversized or non-regular file
 * (a symbolic link included) reads as `{}`.
 */
export async function readJsonStore(path: string): Promise<Record<string, string>> {
  const read = await readRegularFile(path, { limit: STORE_LIMIT });
  if (read.kind !== "ok") return {};
  return parseStore(new TextDecoder().decode(read.bytes));
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

function isDenied(error: unknown): boolean {
  return error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied;
}

/** Open `path` (a regular file, created when missing) for writing, never through a link. */
async function openStore(path: string): Promise<Deno.FsFile | undefined> {
  const before = await refuseNonRegular(path);
  if (before) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, write: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    // A link swapped in after the lstat was followed: drop it unwritten.
    const same = await file.stat().then((info) => sameFile(info, before), () => false);
    if (same) return file;
    file.close();
    return undefined;
  }
  try {
    // createNew (O_EXCL) never follows a link, not even a dangling one.
    return await Deno.open(path, { read: true, write: true, createNew: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return undefined;
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(dirname(path), { recursive: true });
    return undefined;
  }
}

/**
 * Lock the store at `path` for this process: an exclusive advisory lock on
 * the file itself (the kernel drops it when a holder dies, so it never goes
 * stale), taken on the file that is still at `path` once locked, because a
 * writer before us may have replaced it.
 */
async function lockStore(path: string): Promise<Deno.FsFile> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let pause = 2;
  while (true) {
    const file = await openStore(path);
    if (file) {
      let keep = false;
      try {
        if (await file.tryLock(true)) {
          const now = await lstatOrNone(path);
          keep = now !== undefined && now.isFile && sameFile(await file.stat(), now);
        }
      } finally {
        if (!keep) file.close();
      }
      if (keep) return file;
    }
    if (Date.now() > deadline) throw new Error(`${path} stayed locked by another process`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 50);
  }
}

async function readLocked(path: string, file: Deno.FsFile): Promise<string> {
  await file.seek(0, Deno.SeekMode.Start);
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const chunk = new Uint8Array(CHUNK);
    const n = await file.read(chunk);
    if (n === null) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > STORE_LIMIT) throw new Error(`${path} is over 1 MiB: refusing to rewrite it`);
  }
  return new TextDecoder().decode(concat(chunks, total));
}

/**
 * Replace the file at `path` with `text` atomically: a new file in the same
 * directory renamed over it, so a reader sees the old content or the new,
 * never half, and a symbolic link at `path` is itself replaced, never
 * followed. `mode` sets the new file's permission bits. Throws when the
 * directory cannot take the new file (e.g. `--allow-write` names only `path`).
 */
export async function replaceText(path: string, text: string, mode?: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  const file = await Deno.open(temp, {
    write: true,
    createNew: true,
    ...(mode === undefined ? {} : { mode }),
  });
  try {
    try {
      await writeAll(file, new TextEncoder().encode(text));
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/**
 * Replace the locked store with `text`. Where the directory grants no file of
 * ours (a narrow `--allow-write` naming only the store), the locked file is
 * rewritten in place instead: still one writer at a time, but not atomic for
 * a reader.
 */
async function replaceLocked(path: string, locked: Deno.FsFile, text: string): Promise<void> {
  const mode = (await locked.stat()).mode;
  try {
    await replaceText(path, text, mode === null ? undefined : mode & 0o777);
  } catch (error) {
    if (!isDenied(error)) throw error;
    const bytes = new TextEncoder().encode(text);
    await locked.seek(0, Deno.SeekMode.Start);
    await writeAll(locked, bytes);
    await locked.truncate(bytes.length);
  }
}

/**
 * Set one key of a JSON object store, keeping the others; a corrupt file is
 * replaced. Safe against other processes setting keys at the same time (each
 * write holds the store's lock), and refuses a store that is a symbolic link.
 */
export async function writeJsonStoreValue(
  path: string,
  name: string,
  value: string,
): Promise<void> {
  const file = await lockStore(path);
  try {
    const store = parseStore(await readLocked(path, file));
    store[name] = value;
    await replaceLocked(path, file, `${JSON.stringify(store, null, 2)}\n`);
  } finally {
    file.close();
  }
}
