/**
 * The `pace` command: PACE's outside-world operations for a pipeline step.
 *
 * ```sh
 * deno run -P=pace jsr:@pace/platforms/cli ci wait "$GITHUB_SHA"
 * deno task pace tracker escalate --day 3 --reason "tests fail"
 * ```
 *
 * Exit codes: 0 success; 1 the operation failed (for `ci wait`: CI failed);
 * 2 usage or config error; `ci wait` only: 3 cancelled, 4 no CI runs,
 * 5 timed out.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { loadConfig } from "./config/config.ts";
import { gateReport, readArtifact } from "./platforms/_pace/artifacts.ts";
import { currentDir, processEnv } from "./platforms/_core/env.ts";
import { artifactFile, dayDir as dayDirOf, paceDirOf } from "./platforms/_pace/names.ts";
import { parseYaml, YamlSyntaxError } from "./platforms/_core/yaml.ts";
import { ConfigError } from "./config/errors.ts";
import {
  broaderThanNeeded,
  permissionFlags,
  permissionSet,
  requiredPermissions,
} from "./platforms/permissions.ts";
import {
  definitionFor,
  getCIAdapter,
  getPlatform,
  getTrackerAdapter,
  listPlatforms,
  resolveContext,
} from "./platforms/registry.ts";
import type {
  AdvisoryItem,
  CiConclusion,
  Env,
  LogConventions,
  Logger,
  PaceConfig,
} from "./platforms/types.ts";

/**
 * Exit codes of the `pace` command.
 *
 * @example
 * ```ts
 * import { EXIT } from "@pace/platforms/cli";
 * console.log(EXIT.timeout); // 5
 * ```
 */
export const EXIT: {
  readonly ok: 0;
  readonly failed: 1;
  readonly usage: 2;
  readonly cancelled: 3;
  readonly noRuns: 4;
  readonly timeout: 5;
} = { ok: 0, failed: 1, usage: 2, cancelled: 3, noRuns: 4, timeout: 5 };

const CONCLUSION_EXIT: Record<CiConclusion, number> = {
  success: EXIT.ok,
  failure: EXIT.failed,
  cancelled: EXIT.cancelled,
  no_runs: EXIT.noRuns,
  timeout: EXIT.timeout,
};

/**
 * Where the CLI reads and writes; injected in tests.
 *
 * @example
 * ```ts
 * import { type CliIo, main } from "@pace/platforms/cli";
 * const lines: string[] = [];
 * const io: CliIo = { stdout: (t) => lines.push(t), stderr: () => {}, env: {} };
 * const code = await main(["permissions"], io);
 * ```
 */
export interface CliIo {
  /** One line (or block) of result output. */
  stdout(text: string): void;
  /** Diagnostics, progress and logs. */
  stderr(text: string): void;
  /** Environment lookup. Default: the process environment, permission-aware. */
  env?: Env;
  /** Working directory for config discovery and relative paths. Default: cwd. */
  cwd?: string;
  /** Reads all of standard input (for `-` arguments). */
  readStdin?: () => Promise<string>;
  /** Base fetch for adapters (tests). */
  fetch?: typeof fetch;
  /** Cancels a running `ci wait` (default: SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

class UsageError extends Error {}

interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  help: string;
}

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  config: { type: "string", help: "config file (default: $PACE_CONFIG, ./pace.config.yaml)" },
  "repo-root": { type: "string", help: "repository root holding .pace/ (default: cwd)" },
  json: { type: "boolean", help: "print one JSON object on stdout" },
  verbose: { type: "boolean", help: "also print debug lines" },
  help: { type: "boolean", short: "h", help: "show help" },
};

const COMMAND_OPTIONS: Record<string, OptionSpec> = {
  day: { type: "string", help: "day number (1, 2, …)" },
  "pace-dir": { type: "string", help: "the .pace directory (default: <repo-root>/.pace)" },
  "context-note": { type: "string", help: "adds a ## Context section" },
  "timeout-minutes": { type: "string", help: "give up after N minutes (default 15; fractions ok)" },
  "poll-interval-seconds": { type: "string", help: "poll every N seconds (default 20)" },
  reason: { type: "string", help: "the blocker (default: from the day's reports)" },
  agent: { type: "string", help: "the agent that raised the findings" },
  items: { type: "string", help: "YAML or JSON list of {id, finding} (- for stdin)" },
  status: { type: "string", help: "done | in_progress" },
  "deno-json": { type: "boolean", help: "print a deno.json permission set named pace" },
  write: { type: "boolean", help: "with --deno-json: merge it into ./deno.json" },
};

interface Command {
  usage: string;
  summary: string;
  options: string[];
  positionals: number;
  run: (ctx: RunContext) => Promise<number>;
}

interface RunContext {
  io: CliIo;
  args: string[];
  values: Record<string, string | boolean | undefined>;
  json: boolean;
  config: PaceConfig;
  repoRoot: string;
  explicitRoot: boolean;
  env: Env;
  logger: Logger;
  conventions: LogConventions | undefined;
}

function dayOption(ctx: RunContext): number {
  const raw = ctx.values.day;
  if (raw === undefined) throw new UsageError("--day is required");
  if (typeof raw !== "string" || !/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new UsageError(`--day must be a whole number ≥ 1, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function numberOption(ctx: RunContext, name: string): number | undefined {
  const raw = ctx.values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`--${name} must be a number ≥ 0, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Whether Deno's permissions keep this process from reading `variable`. */
function envRefused(variable: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "env", variable }).state !== "granted";
  } catch {
    return true;
  }
}

function emit(ctx: RunContext, text: string, object: Record<string, unknown>): void {
  ctx.io.stdout(ctx.json ? JSON.stringify(object) : text);
}

function ci(ctx: RunContext) {
  return getCIAdapter(ctx.config, adapterContext(ctx));
}

function tracker(ctx: RunContext) {
  return getTrackerAdapter(ctx.config, adapterContext(ctx));
}

function adapterContext(ctx: RunContext) {
  return { env: ctx.env, repoRoot: ctx.repoRoot, logger: ctx.logger, fetch: ctx.io.fetch };
}

function dayDir(ctx: RunContext, day: number): string {
  return dayDirOf(paceDirOf(ctx.repoRoot), day);
}

async function readInput(ctx: RunContext, path: string): Promise<string> {
  if (path === "-") {
    if (!ctx.io.readStdin) throw new UsageError("no standard input available for -");
    return await ctx.io.readStdin();
  }
  try {
    return await Deno.readTextFile(resolve(ctx.io.cwd ?? currentDir(), path));
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : error}`);
  }
}

/** A created item: print its URL, exit 1 when it came back empty. */
function created(ctx: RunContext, what: string, url: string): number {
  if (!url) {
    if (ctx.conventions) ctx.io.stderr(ctx.conventions.error(`${what} failed; see the log above`));
    emit(ctx, "", { ok: false, url: "" });
    return EXIT.failed;
  }
  emit(ctx, url, { ok: true, url });
  return EXIT.ok;
}

function parseAdvisoryItems(text: string, source: string): AdvisoryItem[] {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const where = error instanceof YamlSyntaxError && error.position
      ? `:${error.position.line}:${error.position.column}`
      : "";
    throw new UsageError(`${source}${where}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    data = record.items ?? record.findings;
  }
  if (!Array.isArray(data)) {
    throw new UsageError(`${source}: expected a list of {id, finding} items`);
  }
  return data.map((entry, index) => {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      throw new UsageError(`${source}: item ${index + 1} is not a mapping with id and finding`);
    }
    const item = entry as Record<string, unknown>;
    const id = item.id;
    const finding = item.finding ?? item.description ?? item.text;
    if ((typeof id !== "string" && typeof id !== "number") || String(id).trim() === "") {
      throw new UsageError(`${source}: item ${index + 1} has no id`);
    }
    if (typeof finding !== "string" || finding.trim() === "") {
      throw new UsageError(`${source}: item ${index + 1} (${id}) has no finding text`);
    }
    const result: AdvisoryItem = { id: String(id), finding };
    if (typeof item.day_raised === "number") result.day_raised = item.day_raised;
    if (typeof item.agent === "string") result.agent = item.agent;
    if (typeof item.status === "string") result.status = item.status;
    return result;
  });
}

const COMMANDS: Record<string, Command> = {
  check: {
    usage: "pace check",
    summary: "config, credentials, reachability of each configured platform",
    options: [],
    positionals: 0,
    async run(ctx) {
      const sides = [["ci", ctx.config.platform.ci], ["tracker", ctx.config.platform.tracker]];
      const seen = new Map<string, string[]>();
      for (const [side, name] of sides) seen.set(name, [...seen.get(name) ?? [], side]);
      const report: Record<string, unknown>[] = [];
      let ok = true;
      ctx.io.stderr(`config: ${ctx.config.source ?? "(none found: built-in local default)"}`);
      for (const [name, roles] of seen) {
        const definition = getPlatform(name)!;
        const missing = definition.missing?.(ctx.env) ?? [];
        let reachable = missing.length === 0;
        let detail = missing.length ? `missing ${missing.join(", ")}` : "not probed";
        if (!missing.length && definition.probe) {
          const resolved = resolveContext(definition, adapterContext(ctx));
          try {
            const probe = await definition.probe(resolved);
            reachable = probe.ok;
            detail = resolved.secrets.redact(probe.detail);
          } catch (error) {
            reachable = false;
            detail = resolved.secrets.redact(
              error instanceof Error ? error.message : String(error),
            );
          }
        }
        ok &&= reachable;
        report.push({ platform: name, roles, missing, ok: reachable, detail });
        ctx.io.stderr(`${reachable ? "ok  " : "FAIL"} ${name} (${roles.join(" + ")}): ${detail}`);
      }
      if (ctx.json) ctx.io.stdout(JSON.stringify({ ok, config: ctx.config, platforms: report }));
      else ctx.io.stdout(ok ? "ok" : "failed");
      return ok ? EXIT.ok : EXIT.failed;
    },
  },
  permissions: {
    usage: "pace permissions [--json | --deno-json [--write]]",
    summary: "the narrowest Deno permission flags for this config",
    options: ["deno-json", "write"],
    positionals: 0,
    async run(ctx) {
      const perms = requiredPermissions(ctx.config, {
        env: ctx.env,
        repoRoot: ctx.explicitRoot ? ctx.repoRoot : undefined,
      });
      if (ctx.values["deno-json"]) {
        const set = permissionSet(perms);
        if (!ctx.values.write) {
          ctx.io.stdout(JSON.stringify({ permissions: { pace: set } }, null, 2));
          return EXIT.ok;
        }
        const path = resolve(ctx.io.cwd ?? currentDir(), "deno.json");
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
        ctx.io.stderr(`wrote permission set "pace" to ${path}; run: deno run -P=pace …`);
        emit(ctx, path, { ok: true, path });
        return EXIT.ok;
      }
      if (ctx.json) ctx.io.stdout(JSON.stringify(perms));
      else ctx.io.stdout(permissionFlags(perms));
      if (perms.net.length === 0) ctx.io.stderr("note: this config needs no network access");
      return EXIT.ok;
    },
  },
  "ci wait": {
    usage: "pace ci wait SHA [--timeout-minutes N] [--poll-interval-seconds N]",
    summary: "wait for the commit's CI; exit 0 only on success",
    options: ["timeout-minutes", "poll-interval-seconds"],
    positionals: 1,
    async run(ctx) {
      const [sha] = ctx.args;
      const timeoutMinutes = numberOption(ctx, "timeout-minutes");
      const pollIntervalSeconds = numberOption(ctx, "poll-interval-seconds");
      const controller = new AbortController();
      const stop = () => controller.abort();
      if (ctx.io.signal?.aborted) controller.abort();
      ctx.io.signal?.addEventListener("abort", stop, { once: true });
      const signals: Deno.Signal[] = ctx.io.signal ? [] : ["SIGINT", "SIGTERM"];
      for (const signal of signals) {
        try {
          Deno.addSignalListener(signal, stop);
        } catch {
          // Not supported on this OS: Ctrl-C then ends the process instead.
        }
      }
      const conv = ctx.conventions;
      let lastPending = "";
      let lastReport = 0;
      if (conv) ctx.io.stderr(conv.group(`Waiting for CI on ${sha}`));
      try {
        const result = await ci(ctx).waitForCommitCi(sha, {
          timeoutMinutes,
          pollIntervalSeconds,
          signal: controller.signal,
          onProgress: ({ elapsedMs, pending, polls }) => {
            const key = pending.join(", ");
            const longQuiet = elapsedMs - lastReport >= 60_000;
            if (pending.length && (key !== lastPending || longQuiet)) {
              ctx.io.stderr(
                `waiting ${(elapsedMs / 1000).toFixed(1)}s (poll ${polls}): pending ${key}`,
              );
              lastPending = key;
              lastReport = elapsedMs;
            }
          },
        });
        if (conv) ctx.io.stderr(conv.endGroup());
        if (ctx.json) ctx.io.stdout(JSON.stringify(result));
        else {
          ctx.io.stdout(
            [result.conclusion, result.name, result.url].filter((part) => part).join(" "),
          );
        }
        if (result.conclusion !== "success" && conv) {
          ctx.io.stderr(
            conv.error(
              `CI ${result.conclusion} for ${sha}${result.name ? `: ${result.name}` : ""}${
                result.error ? ` (${result.error})` : ""
              }`,
            ),
          );
        }
        return CONCLUSION_EXIT[result.conclusion] ?? EXIT.failed;
      } finally {
        for (const signal of signals) {
          try {
            Deno.removeSignalListener(signal, stop);
          } catch {
            // Never added.
          }
        }
        ctx.io.signal?.removeEventListener("abort", stop);
      }
    },
  },
  "ci review-pr": {
    usage: "pace ci review-pr --day N [--pace-dir DIR] [--context-note TEXT]",
    summary: "open (or find) the review PR for a human-gate day",
    options: ["day", "pace-dir", "context-note"],
    positionals: 0,
    async run(ctx) {
      const day = dayOption(ctx);
      const paceDir = typeof ctx.values["pace-dir"] === "string"
        ? resolve(ctx.io.cwd ?? currentDir(), ctx.values["pace-dir"])
        : paceDirOf(ctx.repoRoot);
      const note = ctx.values["context-note"] as string | undefined;
      return created(ctx, "review PR", await ci(ctx).openReviewPr(day, paceDir, note));
    },
  },
  "ci daily-summary": {
    usage: "pace ci daily-summary --day N",
    summary: "log the one-line day summary from .pace/day-N/gate.md",
    options: ["day"],
    positionals: 0,
    async run(ctx) {
      const day = dayOption(ctx);
      const file = await readArtifact(artifactFile(dayDir(ctx, day), "gate"));
      if (file.exists && file.problem) ctx.logger.warn(file.problem);
      const report = gateReport(file);
      await ci(ctx).postDailySummary(day, report);
      emit(ctx, "", { ok: true, day, gate_decision: report.gate_decision ?? "UNKNOWN" });
      return EXIT.ok;
    },
  },
  "ci job-summary": {
    usage: "pace ci job-summary FILE|-",
    summary: "write the markdown report where the platform shows it",
    options: [],
    positionals: 1,
    async run(ctx) {
      const markdown = await readInput(ctx, ctx.args[0]);
      await ci(ctx).writeJobSummary(markdown);
      emit(ctx, "", { ok: true });
      return EXIT.ok;
    },
  },
  "ci set-var": {
    usage: "pace ci set-var NAME VALUE",
    summary: "set a CI variable",
    options: [],
    positionals: 2,
    async run(ctx) {
      const ok = await ci(ctx).setVariable(ctx.args[0], ctx.args[1]);
      emit(ctx, ok ? "ok" : "failed", { ok });
      return ok ? EXIT.ok : EXIT.failed;
    },
  },
  "ci get-var": {
    usage: "pace ci get-var NAME",
    summary: "print a CI variable (exit 1 when unset)",
    options: [],
    positionals: 1,
    async run(ctx) {
      const [variable] = ctx.args;
      const value = await ci(ctx).getVariable(variable);
      if (value === undefined) {
        // The process environment hides a variable outside --allow-env: say so.
        const refused = ctx.io.env === undefined && envRefused(variable);
        ctx.io.stderr(
          refused
            ? `pace: ${variable} is not set; reading that environment variable is not ` +
              "permitted (it is outside --allow-env), so only the platform's store was asked"
            : `pace: ${variable} is not set`,
        );
        if (ctx.json) ctx.io.stdout(JSON.stringify({ ok: false, value: null }));
        return EXIT.failed;
      }
      emit(ctx, value, { ok: true, value });
      return EXIT.ok;
    },
  },
  "tracker escalate": {
    usage: "pace tracker escalate --day N [--reason TEXT]",
    summary: "open (or find) the HOLD escalation for a day",
    options: ["day", "reason"],
    positionals: 0,
    async run(ctx) {
      const day = dayOption(ctx);
      const reason = ctx.values.reason as string | undefined;
      return created(
        ctx,
        "escalation",
        await tracker(ctx).openEscalationIssue(day, dayDir(ctx, day), reason),
      );
    },
  },
  "tracker advisory": {
    usage: "pace tracker advisory --day N --agent NAME --items FILE",
    summary: "file one agent's advisory findings (YAML or JSON list)",
    options: ["day", "agent", "items"],
    positionals: 0,
    async run(ctx) {
      const day = dayOption(ctx);
      const agent = ctx.values.agent;
      if (typeof agent !== "string" || !agent.trim()) throw new UsageError("--agent is required");
      const source = ctx.values.items;
      if (typeof source !== "string") throw new UsageError("--items is required");
      const items = parseAdvisoryItems(await readInput(ctx, source), source);
      if (items.length === 0) {
        ctx.io.stderr("no findings: nothing to file");
        emit(ctx, "", { ok: true, url: "" });
        return EXIT.ok;
      }
      return created(ctx, "advisory", await tracker(ctx).pushAdvisoryItems(day, items, agent));
    },
  },
  "tracker push-story": {
    usage: "pace tracker push-story --day N",
    summary: "mirror the day's story card as a ticket",
    options: ["day"],
    positionals: 0,
    async run(ctx) {
      const day = dayOption(ctx);
      return created(ctx, "story", await tracker(ctx).pushStory(day, dayDir(ctx, day)));
    },
  },
  "tracker story-status": {
    usage: "pace tracker story-status --day N --status done|in_progress",
    summary: "close (done) or reopen (in_progress) the story ticket",
    options: ["day", "status"],
    positionals: 0,
    async run(ctx) {
      const day = dayOption(ctx);
      const status = ctx.values.status;
      if (status !== "done" && status !== "in_progress") {
        throw new UsageError(`--status must be done or in_progress, got ${JSON.stringify(status)}`);
      }
      await tracker(ctx).updateStoryStatus(day, dayDir(ctx, day), status);
      emit(ctx, "", { ok: true });
      return EXIT.ok;
    },
  },
  "tracker handoff": {
    usage: "pace tracker handoff --day N",
    summary: "comment the day's handoff note on the story ticket",
    options: ["day"],
    positionals: 0,
    async run(ctx) {
      const day = dayOption(ctx);
      await tracker(ctx).postHandoffComment(day, dayDir(ctx, day));
      emit(ctx, "", { ok: true });
      return EXIT.ok;
    },
  },
  "tracker close-plan-issue": {
    usage: "pace tracker close-plan-issue NUMBER",
    summary: "close a planning issue",
    options: [],
    positionals: 1,
    async run(ctx) {
      const raw = ctx.args[0];
      if (!/^\d+$/.test(raw) || Number(raw) < 1) {
        throw new UsageError(`NUMBER must be a whole number ≥ 1, got ${JSON.stringify(raw)}`);
      }
      await tracker(ctx).closePlanIssue(Number(raw));
      emit(ctx, "", { ok: true });
      return EXIT.ok;
    },
  },
};

const EXIT_HELP = `Exit codes:
  0  success (ci wait: CI succeeded)
  1  the operation failed (ci wait: CI failed; get-var: unset; check: a problem)
  2  usage or config error
  3  ci wait: cancelled
  4  ci wait: no CI runs for the commit
  5  ci wait: timed out`;

function optionLines(names: string[]): string {
  return names.map((name) => {
    const spec = COMMAND_OPTIONS[name] ?? GLOBAL_OPTIONS[name];
    const arg = spec.type === "string" ? " VALUE" : "";
    return `  --${name}${arg}`.padEnd(32) + spec.help;
  }).join("\n");
}

function help(group?: string, command?: Command): string {
  const globals = `Global options (anywhere on the line):\n${
    optionLines(Object.keys(GLOBAL_OPTIONS))
  }`;
  if (command) {
    const own = command.options.length ? `Options:\n${optionLines(command.options)}\n\n` : "";
    return `${command.usage}\n\n${command.summary}\n\n${own}${globals}\n\n${EXIT_HELP}`;
  }
  const entries = Object.entries(COMMANDS).filter(([name]) =>
    !group || name.startsWith(`${group} `)
  );
  const list = entries.map(([, c]) => `  ${c.usage}\n      ${c.summary}`).join("\n");
  const platforms = listPlatforms().map((p) =>
    `${p.name} (${[p.ci && "ci", p.tracker && "tracker"].filter(Boolean).join(", ")})`
  ).join(", ");
  return `pace — PACE's platform adapters${
    group ? `: ${group} commands` : ""
  }\n\nCommands:\n${list}\n\n${globals}\n\nPlatforms: ${platforms}\n\n${EXIT_HELP}`;
}

function stderrLogger(io: CliIo, verbose: boolean, conventions?: LogConventions): Logger {
  return {
    debug: (...args) => verbose && io.stderr(args.map(String).join(" ")),
    info: (...args) => io.stderr(args.map(String).join(" ")),
    warn: (...args) => io.stderr(args.map(String).join(" ")),
    error: (...args) => {
      const line = args.map(String).join(" ");
      io.stderr(conventions ? conventions.error(line) : line);
    },
  };
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
export async function main(args: string[], io: CliIo): Promise<number> {
  const env = io.env ?? processEnv();
  let json = args.includes("--json");
  try {
    const options = Object.fromEntries(
      Object.entries({ ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS }).map((
        [name, spec],
      ) => [name, spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }]),
    );
    let parsed;
    try {
      parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/\s*\n\s*/g, " "));
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    json = values.json === true;
    const positionals = parsed.positionals;
    const [first, second] = positionals;
    const group = first === "ci" || first === "tracker" ? first : undefined;
    const name = group ? (second ? `${group} ${second}` : undefined) : first;
    const command = name ? COMMANDS[name] : undefined;

    if (values.help || !first || (group && !second)) {
      io.stdout(help(group, command));
      return values.help ? EXIT.ok : EXIT.usage;
    }
    if (!command) {
      throw new UsageError(
        `unknown command "${positionals.slice(0, group ? 2 : 1).join(" ")}"; run pace --help`,
      );
    }
    const commandArgs = positionals.slice(group ? 2 : 1);
    if (commandArgs.length !== command.positionals) {
      throw new UsageError(`usage: ${command.usage}`);
    }
    for (const option of Object.keys(COMMAND_OPTIONS)) {
      if (values[option] !== undefined && !command.options.includes(option)) {
        throw new UsageError(`--${option} does not apply to "${name}"; usage: ${command.usage}`);
      }
    }
    if (values.write && !values["deno-json"]) throw new UsageError("--write goes with --deno-json");

    const cwd = io.cwd ?? currentDir();
    const config = await loadConfig(values.config as string | undefined, { cwd, env });
    const explicitRoot = typeof values["repo-root"] === "string";
    const repoRoot = resolve(cwd, explicitRoot ? values["repo-root"] as string : ".");
    const conventions = listPlatforms()
      .map((p) => getPlatform(p.name)?.logConventions?.(env))
      .find((c) => c !== undefined);
    if (conventions) {
      const secrets = new Set<string>();
      for (const side of ["ci", "tracker"] as const) {
        for (const secret of definitionFor(config.platform[side], side).secretEnv ?? []) {
          const value = env[secret];
          if (value && value.length >= 4) secrets.add(value);
        }
      }
      for (const value of secrets) {
        const line = conventions.mask(value);
        if (line) io.stderr(line);
      }
    }
    const logger = stderrLogger(io, values.verbose === true, conventions);
    if (name !== "permissions") {
      const broader = broaderThanNeeded(requiredPermissions(config, { env }));
      if (broader.length) {
        io.stderr(
          `note: running with broader access than this config needs (${
            broader.join("; ")
          }); \`pace permissions\` prints the narrowest flags`,
        );
      }
    }
    return await command.run({
      io,
      args: commandArgs,
      values,
      json,
      config,
      repoRoot,
      explicitRoot,
      env,
      logger,
      conventions,
    });
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr(`pace: ${error.message}`);
      if (json) io.stdout(JSON.stringify({ ok: false, error: error.message }));
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`pace: ${message}`);
    if (json) io.stdout(JSON.stringify({ ok: false, error: message }));
    return EXIT.failed;
  }
}

async function readAllStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const code = await main(Deno.args, {
    stdout: (text) => text !== "" && Deno.stdout.writeSync(encoder.encode(`${text}\n`)),
    stderr: (text) => text !== "" && Deno.stderr.writeSync(encoder.encode(`${text}\n`)),
    readStdin: readAllStdin,
  });
  Deno.exit(code);
}
