/**
 * The `pace` command as a pipeline step runs it, in a rig's repository and
 * environment: `main` from `cli.ts` with injected io, a `pace.config.yaml`
 * naming the rig's platform for each side it has (local for the other).
 *
 * @module
 */

import { join } from "node:path";
import { main } from "../../cli.ts";
import type { Rig } from "./rigs.ts";

/** What one CLI run printed, and its exit code. */
export interface CliRun {
  code: number;
  /** stdout and stderr, in order. */
  text: string;
}

/** Run `pace ARGS` in `rig`'s repository. */
export async function runCli(rig: Rig, args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const ci = rig.sides.ci ? rig.platform : "local";
  const tracker = rig.sides.tracker ? rig.platform : "local";
  const config = join(rig.root, "pace.config.yaml");
  await Deno.writeTextFile(config, `platform:\n  ci: ${ci}\n  tracker: ${tracker}\n`);
  try {
    const code = await main(args, {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      env: rig.env,
      cwd: rig.root,
    });
    return { code, text: out.join("\n") };
  } finally {
    await Deno.remove(config).catch(() => {});
  }
}
