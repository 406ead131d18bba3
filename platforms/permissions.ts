/**
 * The narrowest Deno permissions a config needs, computed from the platform
 * definitions' `env`, `hosts` and `paths`: nothing here names a platform.
 *
 * @module
 */

import { isAbsolute, join, normalize, relative } from "./_core/paths.ts";
import { processEnv } from "./_core/env.ts";
import { PACE_DIR_NAME } from "./_pace/names.ts";
import { definitionFor } from "./registry.ts";
import type { AdapterContext, PaceConfig, Permissions, PlatformDefinition } from "./types.ts";

/** Variables the package itself reads, whatever the platform. */
export const CORE_ENV: readonly string[] = ["PACE_CONFIG", "PACE_RELEASE"];

function unique(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v !== ""))];
}

/** Drop paths already covered by another path in the list (a directory covers its files). */
function minimalPaths(paths: string[]): string[] {
  const all = unique(paths.map((p) => normalize(p)));
  return all.filter((path) =>
    !all.some((other) => {
      if (other === path) return false;
      const rel = relative(other, path);
      return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
    })
  );
}

/**
 * Exactly what the configured platforms need: their hosts (with non-default
 * ports), the variables they read, and the files the operations read and
 * write. `local` needs no network at all.
 *
 * Paths are relative to the current directory when `context.repoRoot` is not
 * given, so the flags can be pasted into a pipeline whose checkout lives
 * elsewhere.
 *
 * @example
 * ```ts
 * import { permissionFlags, requiredPermissions } from "@pace/platforms";
 * const perms = requiredPermissions({ platform: { ci: "local", tracker: "local" } });
 * console.log(permissionFlags(perms));
 * // --allow-env=PACE_CONFIG --allow-read=. --allow-write=.pace,pace-summary.md
 * ```
 */
export function requiredPermissions(config: PaceConfig, context: AdapterContext = {}): Permissions {
  const env = context.env ?? processEnv();
  const root = context.repoRoot ?? ".";
  const ci = definitionFor(config.platform.ci, "ci");
  const tracker = definitionFor(config.platform.tracker, "tracker");
  const definitions: PlatformDefinition[] = ci === tracker ? [ci] : [ci, tracker];

  const net: string[] = [];
  const envNames: string[] = [...CORE_ENV];
  const read: string[] = [root];
  const write: string[] = [join(root, PACE_DIR_NAME), join(root, "pace-summary.md")];
  if (config.source) read.push(config.source);
  for (const definition of definitions) {
    net.push(...definition.hosts(env));
    envNames.push(...definition.env);
    const paths = definition.paths?.(env, root) ?? {};
    read.push(...paths.read ?? []);
    write.push(...paths.write ?? []);
  }
  return {
    net: unique(net),
    env: unique(envNames),
    read: minimalPaths(read),
    write: minimalPaths(write),
  };
}

/**
 * Render permissions as Deno flags. An empty list leaves its flag out, so
 * `local` gets no `--allow-net` at all.
 *
 * @example
 * ```ts
 * import { permissionFlags } from "@pace/platforms";
 * permissionFlags({ net: ["api.github.com"], env: ["GITHUB_TOKEN"], read: ["."], write: [".pace"] });
 * // "--allow-net=api.github.com --allow-env=GITHUB_TOKEN --allow-read=. --allow-write=.pace"
 * ```
 */
export function permissionFlags(perms: Permissions): string {
  const flag = (name: string, values: string[]) =>
    values.length ? [`--allow-${name}=${values.join(",")}`] : [];
  return [
    ...flag("net", perms.net),
    ...flag("env", perms.env),
    ...flag("read", perms.read),
    ...flag("write", perms.write),
  ].join(" ");
}

/**
 * The `permissions` entry for a `deno.json` permission set, used with
 * `deno run -P=pace …`.
 */
export function permissionSet(perms: Permissions): Record<string, string[] | false> {
  return {
    net: perms.net.length ? perms.net : false,
    env: perms.env,
    read: perms.read,
    write: perms.write,
  };
}

/**
 * Which granted permissions are broader than `perms` requires, as readable
 * notes (`network access to every host`). Empty when the process runs with
 * exactly what it needs or less.
 */
export function broaderThanNeeded(perms: Permissions): string[] {
  const notes: string[] = [];
  const state = (descriptor: Deno.PermissionDescriptor) => {
    try {
      return Deno.permissions.querySync(descriptor).state;
    } catch {
      return "denied";
    }
  };
  if (state({ name: "net" }) === "granted") notes.push("network access to every host");
  else if (perms.net.length === 0 && state({ name: "net", host: "example.com" }) === "granted") {
    notes.push("network access, which this config does not need");
  }
  if (state({ name: "env" }) === "granted") notes.push("every environment variable");
  if (state({ name: "read" }) === "granted") notes.push("reading every file");
  if (state({ name: "write" }) === "granted") notes.push("writing every file");
  if (state({ name: "run" }) === "granted") notes.push("running subprocesses");
  if (state({ name: "ffi" }) === "granted") notes.push("loading native libraries");
  return notes;
}
