/**
 * What the bad inputs share: the shape of one input, file helpers to make a
 * `.pace/` hostile, and the checks a case reads its outcome with (no
 * request sent, every request inside the repository's API paths, a canary
 * that must not travel).
 *
 * @module
 */

import { dirname, join } from "node:path";
import type { Rig, RigOptions } from "./rigs.ts";
import { show } from "./ops.ts";

/** One bad input. */
export interface Input {
  name: string;
  /** Runs alone in a child process: it may eat CPU or memory, or block a thread. */
  heavy?: boolean;
  /** Whether it applies to the rig's platform. */
  applies(rig: Rig): boolean;
  /** The rig it needs. */
  rigOptions?(platform: string): RigOptions;
  /** Make the repository hostile (before the "nothing written" fingerprints). */
  setup?(rig: Rig): Promise<void>;
  /** Run the operations; what went wrong, one line each. */
  run(rig: Rig): Promise<string[]>;
  /** Release what the input may still block (a FIFO someone waits on). */
  teardown?(rig: Rig): Promise<void>;
}

/** Write `content` at `path` under the rig's `.pace/`, replacing what is there. */
export async function put(rig: Rig, path: string, content: string | Uint8Array): Promise<string> {
  const full = join(rig.paceDir, path);
  await Deno.mkdir(dirname(full), { recursive: true });
  await Deno.remove(full, { recursive: true }).catch(() => {});
  if (typeof content === "string") await Deno.writeTextFile(full, content);
  else await Deno.writeFile(full, content);
  return full;
}

/** Make `path` under `.pace/` a symbolic link to `target`. */
export async function link(rig: Rig, path: string, target: string): Promise<void> {
  const full = join(rig.paceDir, path);
  await Deno.mkdir(dirname(full), { recursive: true });
  await Deno.remove(full, { recursive: true }).catch(() => {});
  await Deno.symlink(target, full);
}

/** A file outside the repository, with `content`. */
export async function outsideFile(rig: Rig, name: string, content: string): Promise<string> {
  const path = join(rig.outside, name);
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(path, content);
  return path;
}

/** Every regular file under `dir`, as text. */
export async function textsUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string) => {
    try {
      for await (const entry of Deno.readDir(path)) {
        const full = join(path, entry.name);
        if (entry.isDirectory) await walk(full);
        else if (entry.isFile) {
          const info = await Deno.stat(full);
          if (info.size <= 4 << 20) out.push(await Deno.readTextFile(full).catch(() => ""));
        }
      }
    } catch {
      // Gone or unreadable: nothing to scan.
    }
  };
  await walk(dir);
  return out;
}

/** Problem when `canary` reached a body the fake received, a result, or a file in the repository. */
export async function travelled(
  rig: Rig,
  canary: string,
  results: unknown[],
  skipFiles: (text: string) => boolean = () => false,
): Promise<string[]> {
  const where: string[] = [];
  if (rig.bodies().some((b) => b.includes(canary))) where.push("a request body");
  if (JSON.stringify(results).includes(canary)) where.push("a result");
  const files = (await textsUnder(rig.paceDir)).filter((t) => !skipFiles(t));
  if (files.some((t) => t.includes(canary))) where.push("a file written under .pace/");
  return where.length ? [`the content of ${canary} reached ${where.join(", ")}`] : [];
}

/** Problem when any request was sent since `before`. */
export function noRequest(rig: Rig, before: number, what: string): string[] {
  const sent = rig.requests().slice(before);
  return sent.length
    ? [`${what}: sent ${sent.length} request(s) (${sent[0].method} ${sent[0].path})`]
    : [];
}

/**
 * Problem when a request left the repository's API paths (`exact`: this
 * repository's; otherwise any repository's, one segment per coordinate), or
 * carried a dot segment the server would resolve.
 */
export function inScope(rig: Rig, what: string, exact = true): string[] {
  const scope = exact ? rig.remote?.scope : rig.remote?.shape;
  if (!scope) return [];
  const stray = rig.requests().filter((r) => {
    if (!scope.test(r.path)) return true;
    return r.path.split("/").some((s) => /^(\.|%2e){1,2}$/i.test(s));
  });
  return stray.length
    ? [`${what}: request outside the repository: ${stray[0].method} ${stray[0].path}`]
    : [];
}

/** Problem when `value` is not what `expected` allows. */
export function expect(value: unknown, ok: (v: unknown) => boolean, what: string): string[] {
  return ok(value) ? [] : [`${what} resolved ${show(value)}`];
}

/** `mkfifo path`. */
export async function mkfifo(path: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.remove(path).catch(() => {});
  const { code } = await new Deno.Command("mkfifo", { args: [path] }).output();
  if (code !== 0) throw new Error(`mkfifo ${path} failed`);
}

/**
 * Open the FIFO at `path` read-write and close it: that never blocks, and it
 * releases whoever is blocked opening it, and ends a blocked read.
 */
export async function releaseFifo(path: string): Promise<void> {
  try {
    const end = await Deno.open(path, { read: true, write: true });
    end.close();
  } catch {
    // Gone, or not a FIFO any more.
  }
}

/** Every side the rig has, as a filter. */
export const has = {
  ci: (rig: Rig) => rig.sides.ci,
  tracker: (rig: Rig) => rig.sides.tracker,
  remote: (rig: Rig) => rig.remote !== undefined,
  any: () => true,
};
