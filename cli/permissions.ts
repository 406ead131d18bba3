/**
 * `pace permissions`: the narrowest Deno flags for the config in use, as
 * flags, JSON, or a `deno.json` permission set. Runs without credentials.
 *
 * @module
 */

import { resolve } from "../platforms/_core/paths.ts";
import { permissionFlags, permissionSet, requiredPermissions } from "../platforms/permissions.ts";
import { UsageError } from "./args.ts";
import type { CommandGroup, RunContext } from "./context.ts";
import { emit, EXIT } from "./output.ts";

/** Merge the set into `./deno.json`, keeping everything else in it. */
async function writeDenoJson(ctx: RunContext, set: unknown): Promise<number> {
  const path = resolve(ctx.cwd, "deno.json");
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new UsageError(`cannot update ${path}: ${(error as Error).message}`);
    }
  }
  const permissions = (config.permissions ?? {}) as Record<string, unknown>;
  config.permissions = { ...permissions, pace: set };
  await Deno.writeTextFile(path, `${JSON.stringify(config, null, 2)}\n`);
  ctx.io.stderr(
    `wrote permission set "pace" to ${path}; run: deno run --config ${path} -P=pace … (Deno 2.5 or later)`,
  );
  emit(ctx, path, { ok: true, path });
  return EXIT.ok;
}

/** The stand-alone `permissions` command. */
export const permissionsGroup: CommandGroup = {
  commands: {
    permissions: {
      usage: "pace permissions [--json | --deno-json [--write]]",
      summary: "the narrowest Deno permission flags for this config",
      options: {
        "deno-json": { type: "boolean", help: "print a deno.json permission set named pace" },
        write: { type: "boolean", help: "with --deno-json: merge it into ./deno.json" },
      },
      positionals: 0,
      showsPermissions: true,
      async run(ctx) {
        if (ctx.values.write && !ctx.values["deno-json"]) {
          throw new UsageError("--write goes with --deno-json");
        }
        const perms = requiredPermissions(ctx.config, {
          env: ctx.env,
          repoRoot: ctx.explicitRoot ? ctx.repoRoot : undefined,
        });
        if (ctx.values["deno-json"]) {
          const set = permissionSet(perms);
          if (ctx.values.write) return await writeDenoJson(ctx, set);
          ctx.io.stdout(JSON.stringify({ permissions: { pace: set } }, null, 2));
          return EXIT.ok;
        }
        if (ctx.json) ctx.io.stdout(JSON.stringify(perms));
        else ctx.io.stdout(permissionFlags(perms));
        if (perms.net.length === 0) ctx.io.stderr("note: this config needs no network access");
        return EXIT.ok;
      },
    },
  },
};
