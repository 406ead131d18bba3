/**
 * File-system path operations for POSIX and Windows, as `node:path` does
 * them for the running system. Written here because importing any `node:`
 * module starts Deno's Node compatibility layer, which costs a CLI run about
 * 7 ms before its first request; nothing else on a `ci wait` needs it.
 * `tests/paths_test.ts` checks each function against `node:path`'s `posix`
 * and `win32` flavours.
 *
 * @module
 */

/** The path operations of one flavour (POSIX or Windows). */
export interface PathOps {
  /** The separator paths are written with: `/` or `\`. */
  readonly sep: string;
  /** Whether `path` starts at a root (`/x`; `C:\x`, `\x`, `\\server\share`). */
  isAbsolute(path: string): boolean;
  /** `.` and `..` resolved, separators made one, the root kept; `.` for an empty result. */
  normalize(path: string): string;
  /** The non-empty parts joined by the separator, normalized. */
  join(...parts: string[]): string;
  /** An absolute, normalized path: `parts` applied from the right-most absolute one (else `cwd`). */
  resolve(...parts: string[]): string;
  /** All but the last part (`.` for a bare name, the root for a root). */
  dirname(path: string): string;
  /** The last part, without trailing separators. */
  basename(path: string): string;
  /** The way from `from` to `to` (both resolved); `""` when they are one. */
  relative(from: string, to: string): string;
}

interface Split {
  /** `""`, `/`; on Windows also `C:`, `C:\`, `\\server\share\`. */
  root: string;
  /** Whether the root anchors the path (a drive letter alone does not). */
  absolute: boolean;
  /** The parts after the root. */
  parts: string[];
}

/**
 * The path operations of POSIX (`windows: false`) or Windows; `cwd` answers
 * the working directory when a relative path is resolved.
 *
 * @example
 * ```ts ignore
 * pathOps(true, () => "C:\\work").resolve("a/../b"); // "C:\\work\\b"
 * ```
 */
export function pathOps(windows: boolean, cwd: () => string): PathOps {
  const sep = windows ? "\\" : "/";
  const isSep = windows ? (c: string) => c === "/" || c === "\\" : (c: string) => c === "/";
  const words = (text: string) => text.split(windows ? /[\\/]+/ : /\/+/).filter(Boolean);

  function split(path: string): Split {
    if (!windows) {
      const absolute = path.startsWith("/");
      return { root: absolute ? "/" : "", absolute, parts: words(path) };
    }
    const unc = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)(?:[\\/]+|$)/.exec(path);
    if (unc) {
      return {
        root: `\\\\${unc[1]}\\${unc[2]}\\`,
        absolute: true,
        parts: words(path.slice(unc[0].length)),
      };
    }
    const drive = /^[A-Za-z]:/.test(path) ? path.slice(0, 2) : "";
    const rest = path.slice(drive.length);
    const absolute = rest !== "" && isSep(rest[0]);
    return { root: drive + (absolute ? "\\" : ""), absolute, parts: words(rest) };
  }

  function collapse(parts: string[], absolute: boolean): string[] {
    const out: string[] = [];
    for (const part of parts) {
      if (part === ".") continue;
      if (part === ".." && out.length && out[out.length - 1] !== "..") out.pop();
      else if (part !== ".." || !absolute) out.push(part);
    }
    return out;
  }

  function normalize(path: string): string {
    if (path === "") return ".";
    const { root, absolute, parts } = split(path);
    const body = collapse(parts, absolute).join(sep);
    const trailing = isSep(path[path.length - 1]) && (body !== "" || root === "") ? sep : "";
    if (root === "" && body === "") return trailing ? `.${sep}` : ".";
    // A drive without a directory (`C:`) means that drive's current one.
    if (!absolute && root !== "" && body === "") return `${root}.`;
    return root + body + trailing;
  }

  /** The device of a Windows path (`C:`, `\\\\server\\share`), else `""`. */
  function device(path: string): string {
    const { root } = split(path);
    if (root.startsWith("\\\\")) return root.slice(0, -1);
    return /^[A-Za-z]:/.test(root) ? root.slice(0, 2) : "";
  }

  function resolve(...paths: string[]): string {
    let drive = "";
    let tail: string[] = [];
    let absolute = false;
    for (let i = paths.length - 1; i >= -1; i--) {
      const path = i >= 0 ? paths[i] : cwd();
      if (path === "") continue;
      const at = split(path);
      const own = windows ? device(path) : "";
      if (own !== "") {
        // A path on another drive says nothing about this one.
        if (drive !== "" && own.toLowerCase() !== drive.toLowerCase()) continue;
        drive ||= own;
      }
      if (!absolute) {
        tail = [...at.parts, ...tail];
        absolute = at.absolute;
      }
      // A rooted path without a drive still needs one: look further left.
      if (absolute && (!windows || drive !== "")) break;
    }
    return drive + sep + collapse(tail, true).join(sep);
  }

  /** How long the root of `path` is, as written (separators of either kind). */
  function rootLength(path: string): number {
    if (!windows) return path.startsWith("/") ? 1 : 0;
    const unc = /^[\\/]{2}[^\\/]+[\\/]+[^\\/]+(?:[\\/]|$)/.exec(path);
    if (unc) return unc[0].length;
    const drive = /^[A-Za-z]:/.test(path) ? 2 : 0;
    return drive + (path.length > drive && isSep(path[drive]) ? 1 : 0);
  }

  function dirname(path: string): string {
    const start = rootLength(path);
    let end = -1;
    let inName = false;
    for (let i = path.length - 1; i >= start; i--) {
      if (!isSep(path[i])) inName = true;
      else if (inName) {
        end = i;
        break;
      }
    }
    if (end === -1) return start ? path.slice(0, start) : ".";
    return path.slice(0, Math.max(end, start));
  }

  function join(...paths: string[]): string {
    const parts = paths.filter((p) => p !== "");
    if (parts.length === 0) return ".";
    let joined = parts.join(sep);
    // Joining must not make a server path (`\\\\a\\b`) out of a rooted one.
    if (windows && !/^[\\/]{2}[^\\/]/.test(parts[0])) joined = joined.replace(/^[\\/]{2,}/, sep);
    return normalize(joined);
  }

  function basename(path: string): string {
    const start = windows && /^[A-Za-z]:/.test(path) ? 2 : 0;
    let end = path.length;
    while (end > start && isSep(path[end - 1])) end--;
    let from = end;
    while (from > start && !isSep(path[from - 1])) from--;
    return path.slice(from, end);
  }

  function relative(from: string, to: string): string {
    const a = resolve(from);
    const b = resolve(to);
    const same = (x: string, y: string) => windows ? x.toLowerCase() === y.toLowerCase() : x === y;
    if (same(a, b)) return "";
    const sa = split(a);
    const sb = split(b);
    if (!same(sa.root, sb.root)) return b;
    let i = 0;
    while (i < sa.parts.length && i < sb.parts.length && same(sa.parts[i], sb.parts[i])) i++;
    return [...sa.parts.slice(i).map(() => ".."), ...sb.parts.slice(i)].join(sep);
  }

  return {
    sep,
    isAbsolute: (path) => split(path).absolute,
    normalize,
    join,
    resolve,
    dirname,
    basename,
    relative,
  };
}

const ops = pathOps(Deno.build.os === "windows", () => Deno.cwd());

/** The separator of this system's paths. */
export const sep: string = ops.sep;
/** Whether `path` starts at a root. */
export const isAbsolute: PathOps["isAbsolute"] = ops.isAbsolute;
/** `.` and `..` resolved, separators made one. */
export const normalize: PathOps["normalize"] = ops.normalize;
/** The parts joined by the separator, normalized. */
export const join: PathOps["join"] = ops.join;
/** An absolute, normalized path (relative parts from the working directory). */
export const resolve: PathOps["resolve"] = ops.resolve;
/** All but the last part. */
export const dirname: PathOps["dirname"] = ops.dirname;
/** The last part. */
export const basename: PathOps["basename"] = ops.basename;
/** The way from one path to another. */
export const relative: PathOps["relative"] = ops.relative;
