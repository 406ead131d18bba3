/**
 * `pace check`: the config in use, each configured platform's required
 * settings, and whether it answers as its API does. Runs without
 * credentials: saying which are missing is its job.
 *
 * @module
 */

import { describeProblems, getPlatform, resolveContext } from "../platforms/registry.ts";
import type { CommandGroup, RunContext } from "./context.ts";
import { EXIT } from "./output.ts";

interface PlatformReport {
  platform: string;
  roles: string[];
  missing: string[];
  ok: boolean;
  detail: string;
}

async function checkPlatform(
  ctx: RunContext,
  name: string,
  roles: string[],
): Promise<PlatformReport> {
  const definition = getPlatform(name);
  if (!definition) {
    return { platform: name, roles, missing: [], ok: false, detail: "not registered" };
  }
  const missing = definition.missing?.(ctx.env) ?? [];
  if (missing.length) {
    return { platform: name, roles, missing, ok: false, detail: describeProblems(missing) };
  }
  if (!definition.probe) return { platform: name, roles, missing, ok: true, detail: "not probed" };
  const resolved = resolveContext(definition, ctx.context);
  try {
    const probe = await definition.probe(resolved);
    return {
      platform: name,
      roles,
      missing,
      ok: probe.ok,
      detail: resolved.secrets.redact(probe.detail),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { platform: name, roles, missing, ok: false, detail: resolved.secrets.redact(message) };
  }
}

/** The stand-alone `check` command. */
export const checkGroup: CommandGroup = {
  commands: {
    check: {
      usage: "pace check",
      summary: "config, credentials, reachability of each configured platform",
      positionals: 0,
      async run(ctx) {
        const roles = new Map<string, string[]>();
        for (const side of ["ci", "tracker"] as const) {
          const name = ctx.config.platform[side];
          roles.set(name, [...roles.get(name) ?? [], side]);
        }
        ctx.io.stderr(`config: ${ctx.config.source ?? "(none found: built-in local default)"}`);
        const report: PlatformReport[] = [];
        for (const [name, sides] of roles) {
          const result = await checkPlatform(ctx, name, sides);
          report.push(result);
          ctx.io.stderr(
            `${result.ok ? "ok  " : "FAIL"} ${name} (${sides.join(" + ")}): ${result.detail}`,
          );
        }
        const ok = report.every((entry) => entry.ok);
        if (ctx.json) ctx.io.stdout(JSON.stringify({ ok, config: ctx.config, platforms: report }));
        else ctx.io.stdout(ok ? "ok" : "failed");
        return ok ? EXIT.ok : EXIT.failed;
      },
    },
  },
};
