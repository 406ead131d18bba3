/**
 * Small tools every matrix shares: a watchdog that turns a hang into a
 * result, a bounded pool, and a fingerprint of a directory tree (to see that
 * nothing was written where nothing may be).
 *
 * @module
 */

import { join } from "node:path";

/** How a call ended. */
export type Settled<T> =
  | { state: "resolved"; value: T; ms: number }
  | { state: "rejected"; error: unknown; ms: number }
  | { state: "hung"; ms: number };

/** Await `work`, but no longer than `ms`. */
export async function settle<T>(work: () => Promise<T>, ms: number): Promise<Settled<T>> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<"hung">((resolve) => timer = setTimeout(() => resolve("hung"), ms));
  try {
    const value = await Promise.race([work(), hung]);
    const took = Math.round(performance.now() - started);
    return value === "hung" ? { state: "hung", ms: took } : { state: "resolved", value, ms: took };
  } catch (error) {
    return { state: "rejected", error, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/** One line about a rejection. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, " ").slice(0, 200);
}

/** Run `tasks` with at most `limit` at a time; results in task order. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * Every entry under `dir` (not following links) with its kind, size and a
 * cheap content hash for small files: two equal fingerprints mean nothing
 * was created, removed or changed.
 */
export async function fingerprint(dir: string, skip: (path: string) => boolean = () => false) {
  const out: string[] = [];
  const walk = async (path: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [];
      for await (const entry of Deno.readDir(path)) entries.push(entry);
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(path, entry.name);
      if (skip(full)) continue;
      if (entry.isDirectory) {
        out.push(`d ${full}`);
        await walk(full);
      } else if (entry.isSymlink) {
        out.push(`l ${full} -> ${await Deno.readLink(full).catch(() => "?")}`);
      } else if (entry.isFile) {
        const info = await Deno.stat(full);
        let hash = "";
        if (info.size <= 1 << 20) {
          const bytes = await Deno.readFile(full);
          let h = 0;
          for (const b of bytes) h = (h * 31 + b) | 0;
          hash = String(h);
        }
        out.push(`f ${full} ${info.size} ${hash}`);
      } else {
        out.push(`o ${full}`);
      }
    }
  };
  await walk(dir);
  return out;
}

/** Entries of `after` that are not in `before`, or changed. */
export function changed(before: string[], after: string[]): string[] {
  const seen = new Set(before);
  const gone = after.length < before.length ? ["(an entry was removed)"] : [];
  return [...after.filter((e) => !seen.has(e)), ...gone];
}
