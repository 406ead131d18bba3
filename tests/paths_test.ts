import { posix, win32 } from "node:path";
import { pathOps } from "../platforms/_core/paths.ts";
import { assertEquals } from "./_assert.ts";

const POSIX_CWD = "/work/repo";
const WINDOWS_CWD = "C:\\work\\repo";

const POSIX_PATHS = [
  "",
  ".",
  "..",
  "/",
  "a",
  "a/b",
  "a/b/",
  "a//b",
  "./a",
  "../a",
  "a/../..",
  "a/./b/../c",
  "/a/b",
  "/a/b/",
  "/a//b",
  "/a/../..",
  "/../a",
  ".pace/day-3/handoff.md",
  "/work/repo/.pace",
  "x/.pace/day-1",
  "a\\b",
];

const WINDOWS_PATHS = [
  ...POSIX_PATHS,
  "C:",
  "C:\\",
  "C:/",
  "C:a\\b",
  "C:\\a\\b",
  "C:\\a\\..\\..\\b",
  "c:/a/b/",
  "D:\\x",
  "\\a\\b",
  "/a/b",
  "\\\\server\\share",
  "\\\\server\\share\\",
  "\\\\server\\share\\a\\..\\b",
  "//server/share/a",
  "C:\\work\\repo\\.pace\\day-3",
];
// node:path resolves `D:x` from the process's own directory; PACE never writes one.

const flavours = [
  {
    name: "posix",
    ours: pathOps(false, () => POSIX_CWD),
    node: posix,
    cwd: POSIX_CWD,
    paths: POSIX_PATHS,
  },
  {
    name: "windows",
    ours: pathOps(true, () => WINDOWS_CWD),
    node: win32,
    cwd: WINDOWS_CWD,
    paths: WINDOWS_PATHS,
  },
];

for (const { name, ours, node, cwd, paths } of flavours) {
  // node:path resolves against process.cwd(): prefix the working directory ourselves.
  const nodeResolve = (...parts: string[]) => node.resolve(cwd, ...parts);

  Deno.test(`paths (${name}): one-argument functions agree with node:path`, () => {
    for (const path of paths) {
      assertEquals(ours.isAbsolute(path), node.isAbsolute(path), `isAbsolute(${path})`);
      assertEquals(ours.normalize(path), node.normalize(path), `normalize(${path})`);
      assertEquals(ours.dirname(path), node.dirname(path), `dirname(${path})`);
      assertEquals(ours.basename(path), node.basename(path), `basename(${path})`);
      assertEquals(ours.resolve(path), nodeResolve(path), `resolve(${path})`);
    }
    assertEquals(ours.sep, node.sep);
  });

  Deno.test(`paths (${name}): two-argument functions agree with node:path`, () => {
    for (const a of paths) {
      for (const b of paths) {
        // Joining a drive into the middle of a path makes no path PACE uses.
        if (!/^[A-Za-z]:/.test(b) || name === "posix") {
          assertEquals(ours.join(a, b), node.join(a, b), `join(${a}, ${b})`);
        }
        assertEquals(ours.resolve(a, b), nodeResolve(a, b), `resolve(${a}, ${b})`);
        assertEquals(
          ours.relative(a, b),
          node.relative(nodeResolve(a), nodeResolve(b)),
          `relative(${a}, ${b})`,
        );
      }
    }
  });
}

Deno.test("paths: the module's own functions follow the running system", async () => {
  const paths = await import("../platforms/_core/paths.ts");
  const node = Deno.build.os === "windows" ? win32 : posix;
  assertEquals(paths.sep, node.sep);
  assertEquals(paths.resolve("a/../b"), node.resolve("a/../b"));
  assertEquals(paths.join(".pace", "day-1", "x.md"), node.join(".pace", "day-1", "x.md"));
});
