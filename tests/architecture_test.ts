// The house's rules, read from the imports themselves: arrows point one way.
import { assert, assertEquals } from "./_assert.ts";
import { dirname, join, normalize, relative } from "node:path";

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), ".."));

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Every relative module a file imports (static, dynamic and re-exports), repo-relative. */
export function importsOf(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s*["']([^"']+)["']/g),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith(".")).map((s) =>
    relative(ROOT, join(ROOT, dirname(file), s))
  );
}

async function graph(): Promise<Map<string, string[]>> {
  const files = [...await sourceFiles("platforms"), ...await sourceFiles("config")];
  const edges = new Map<string, string[]>();
  for (const file of files) {
    edges.set(file, importsOf(file, await Deno.readTextFile(join(ROOT, file))));
  }
  return edges;
}

/** The platform a path belongs to (`platforms/github.ts`, `platforms/github/…`), if any. */
function platformOf(path: string): string | undefined {
  const m = /^platforms\/([a-z][a-z0-9_-]*)(?:\.ts|\/)/.exec(path);
  if (!m) return undefined;
  const shared = ["types", "definition", "base", "registry", "permissions", "branches"];
  return shared.includes(m[1]) ? undefined : m[1];
}

const isShared = (path: string) => /^platforms\/_(core|pace)\//.test(path);
const isUpper = (path: string) =>
  /^platforms\/(registry|permissions)\.ts$/.test(path) || path.startsWith("config/") ||
  path.startsWith("cli") || path === "mod.ts";

export function violations(edges: Map<string, string[]>): string[] {
  const found: string[] = [];
  for (const [file, targets] of edges) {
    const own = platformOf(file);
    for (const target of targets) {
      const other = platformOf(target);
      if (own && other && other !== own) found.push(`${file} imports platform ${target}`);
      if (own && isUpper(target)) found.push(`${file} imports ${target}`);
      if (isShared(file) && (other || isUpper(target))) found.push(`${file} imports ${target}`);
      if (file.startsWith("platforms/_core/") && target.startsWith("platforms/_pace/")) {
        found.push(`${file} (plumbing) imports PACE's domain ${target}`);
      }
    }
  }
  return found;
}

Deno.test("architecture: no platform imports another, the registry, config or the CLI", async () => {
  assertEquals(violations(await graph()), []);
});

Deno.test("architecture: _core and _pace import no platform, registry, config or CLI", async () => {
  const edges = await graph();
  const shared = [...edges.keys()].filter(isShared);
  assert(shared.length >= 10, "the shared rooms are read");
  assertEquals(violations(new Map([...edges].filter(([file]) => isShared(file)))), []);
});

Deno.test("architecture: the rules catch a forbidden import", () => {
  const bad = new Map([
    ["platforms/gitlab/ci.ts", ["platforms/github/connection.ts", "platforms/registry.ts"]],
    ["platforms/_core/http.ts", ["platforms/jira.ts", "platforms/_pace/names.ts"]],
    ["platforms/_pace/plans.ts", ["config/config.ts"]],
  ]);
  assertEquals(violations(bad).length, 5);
});

Deno.test("architecture: imports are read from static, dynamic and re-export forms", () => {
  const text = `import { a } from "./_core/http.ts";\nexport { b } from "./github/ci.ts";\n` +
    `const c = await import("./jira/adf.ts");\nimport type { D } from "npm:x@1";`;
  assertEquals(importsOf("platforms/x.ts", text), [
    "platforms/_core/http.ts",
    "platforms/github/ci.ts",
    "platforms/jira/adf.ts",
  ]);
});
