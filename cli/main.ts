/**
 * The `pace` command's one path: parse the line, pick the command, load the
 * config, run, and turn every outcome into an exit code.
 *
 * @module
 */

import { resolve } from "../platforms/_core/paths.ts";
import { loadConfig } from "../config/config.ts";
import { ConfigError } from "../config/errors.ts";
import { currentDir, processEnv } from "../platforms/_core/env.ts";
import { broaderThanNeeded, requiredPermissions } from "../platforms/permissions.ts";
import { knownSecrets } from "../platforms/registry.ts";
import {
  GLOBAL_OPTIONS,
  type OptionSpec,
  parseCommandLine,
  stringOption,
  UsageError,
} from "./args.ts";
import { branchGroup } from "./branch.ts";
import { checkGroup } from "./check.ts";
import { ciGroup } from "./ci.ts";
import type { Command, CommandGroup, RunContext } from "./context.ts";
import { commandHelp, overviewHelp, VERSION } from "./help.ts";
import {
  type CliIo,
  CliLogger,
  conventionsFor,
  emit,
  EXIT,
  maskSecrets,
  type Output,
  usageError,
} from "./output.ts";
import { permissionsGroup } from "./permissions.ts";
import { trackerGroup } from "./tracker.ts";

/** Every command group, in the order `--help` lists them. A new group is one entry here. */
const GROUPS: readonly CommandGroup[] = [
  checkGroup,
  permissionsGroup,
  ciGroup,
  trackerGroup,
  branchGroup,
];

/** The global options and every command's: a global one may stand anywhere on the line. */
function allOptions(groups: readonly CommandGroup[]): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const group of groups) {
    for (const command of Object.values(group.commands)) Object.assign(options, command.options);
  }
  return options;
}

interface Selection {
  /** The group named by the first word, if any. */
  group?: CommandGroup;
  /** The command's words, as typed (`ci wait`). */
  name: string;
  command?: Command;
  /** The positionals after the command's words. */
  args: string[];
}

function select(groups: readonly CommandGroup[], positionals: string[]): Selection {
  const [first, second] = positionals;
  const group = groups.find((g) => g.name !== undefined && g.name === first);
  if (group) {
    return {
      group,
      name: second === undefined ? first : `${first} ${second}`,
      command: second !== undefined && Object.hasOwn(group.commands, second)
        ? group.commands[second]
        : undefined,
      args: positionals.slice(2),
    };
  }
  const alone = groups.find((g) => g.name === undefined && Object.hasOwn(g.commands, first));
  return { name: first, command: alone?.commands[first], args: positionals.slice(1) };
}

async function run(args: string[], io: CliIo, out: Output): Promise<number> {
  const env = io.env ?? processEnv();
  const options = allOptions(GROUPS);
  const { values, positionals } = parseCommandLine(args, options);
  out.json = values.json === true;
  if (values.version) {
    emit(out, VERSION, { ok: true, version: VERSION });
    return EXIT.ok;
  }
  const selection = select(GROUPS, positionals);
  const { command } = selection;
  if (values.help || positionals.length === 0 || (selection.group && positionals.length < 2)) {
    io.stdout(command ? commandHelp(command) : overviewHelp(GROUPS, selection.group));
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (!command) throw new UsageError(`unknown command "${selection.name}"; run pace --help`);
  if (selection.args.length !== command.positionals) {
    throw new UsageError(`usage: ${command.usage}`);
  }
  for (const option of Object.keys(options)) {
    if (option in GLOBAL_OPTIONS || values[option] === undefined) continue;
    if (!Object.hasOwn(command.options ?? {}, option)) {
      throw new UsageError(
        `--${option} does not apply to "${selection.name}"; usage: ${command.usage}`,
      );
    }
  }

  const cwd = io.cwd ?? currentDir();
  const config = await loadConfig(stringOption(values, "config"), { cwd, env });
  const root = stringOption(values, "repo-root");
  const repoRoot = resolve(cwd, root ?? ".");
  if (out.conventions) maskSecrets(io, env, config, out.conventions);
  const logger = new CliLogger(io, values.verbose === true, out.conventions);
  if (!command.showsPermissions) {
    const broader = broaderThanNeeded(requiredPermissions(config, { env }));
    if (broader.length) {
      io.stderr(
        `note: running with broader access than this config needs (${
          broader.join("; ")
        }); \`pace permissions\` prints the narrowest flags`,
      );
    }
  }
  const ctx: RunContext = {
    ...out,
    args: selection.args,
    values,
    config,
    env,
    cwd,
    repoRoot,
    explicitRoot: root !== undefined,
    logger,
    context: { env, repoRoot, logger, fetch: io.fetch },
  };
  return await command.run(ctx);
}

/**
 * Run the CLI with `args` (without the program name). Resolves to the exit
 * code; never throws.
 *
 * @example
 * ```ts
 * import { main } from "@pace/platforms/cli";
 * const code = await main(["permissions"], {
 *   stdout: (text) => console.log(text),
 *   stderr: (text) => console.error(text),
 * });
 * ```
 */
export async function main(args: string[], raw: CliIo): Promise<number> {
  // Nothing printed on stdout (results, values, `--json`) carries a known secret.
  // Stderr is the redacting loggers' own, and carries the CI's mask commands.
  const secrets = knownSecrets(raw.env ?? processEnv());
  const io: CliIo = { ...raw, stdout: (text) => raw.stdout(secrets.redact(text)) };
  const out: Output = {
    io,
    json: args.includes("--json"),
    conventions: conventionsFor(io.env ?? processEnv()),
  };
  try {
    return await run(args, io, out);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      return usageError(out, error.message);
    }
    const message = error instanceof Error ? error.message : String(error);
    const line = `pace: ${message}`;
    io.stderr(out.conventions ? out.conventions.error(line) : line);
    if (out.json) io.stdout(JSON.stringify({ ok: false, error: message }));
    return EXIT.failed;
  }
}
