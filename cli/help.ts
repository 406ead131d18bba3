/**
 * `--help` at every level, and `--version`.
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };
import { listPlatforms } from "../platforms/registry.ts";
import { GLOBAL_OPTIONS, type OptionSpec } from "./args.ts";
import type { Command, CommandGroup } from "./context.ts";

/** The package version, from `deno.json`. */
export const VERSION: string = denoJson.version;

const EXIT_HELP = `Exit codes:
  0  success (ci wait: CI succeeded)
  1  the operation failed or did not take effect (ci wait: CI failed; get-var: unset;
     check: a problem; branch sha: no such branch)
  2  usage or config error, missing credentials (before any request)
  3  ci wait: cancelled
  4  ci wait: no CI runs for the commit
  5  ci wait: timed out`;

function optionLines(options: Readonly<Record<string, OptionSpec>>): string {
  return Object.entries(options).map(([name, spec]) => {
    const arg = spec.type === "string" ? " VALUE" : "";
    const short = spec.short ? `, -${spec.short}` : "";
    return `  --${name}${arg}${short}`.padEnd(32) + spec.help;
  }).join("\n");
}

const GLOBALS = `Global options (anywhere on the line):\n${optionLines(GLOBAL_OPTIONS)}`;

/** Help for one command. */
export function commandHelp(command: Command): string {
  const options = command.options ?? {};
  const own = Object.keys(options).length ? `Options:\n${optionLines(options)}\n\n` : "";
  return `${command.usage}\n\n${command.summary}\n\n${own}${GLOBALS}\n\n${EXIT_HELP}`;
}

/** Help for every command, or for one group's. */
export function overviewHelp(groups: readonly CommandGroup[], group?: CommandGroup): string {
  const shown = group ? [group] : groups;
  const list = shown.flatMap((g) => Object.values(g.commands))
    .map((c) => `  ${c.usage}\n      ${c.summary}`).join("\n");
  const platforms = listPlatforms().map((p) =>
    `${p.name} (${[p.ci && "ci", p.tracker && "tracker"].filter(Boolean).join(", ")})`
  ).join(", ");
  const title = `pace ${VERSION} — PACE's platform adapters${
    group?.name ? `: ${group.name} commands` : ""
  }`;
  const version = group ? "" : "\n  pace --version\n      print the version";
  return `${title}\n\nCommands:\n${list}${version}\n\n${GLOBALS}\n\nPlatforms: ${platforms}\n\n${EXIT_HELP}`;
}
