/**
 * `pace ci …`: wait for a commit's CI, the review PR, the daily and job
 * summaries, CI variables.
 *
 * @module
 */

import { artifactFile, paceDirOf } from "../platforms/_pace/names.ts";
import { getPlatform, isSecretName, secretVariables } from "../platforms/registry.ts";
import type { CiResult, WaitProgress } from "../platforms/types.ts";
import {
  DAY_OPTION,
  dayOption,
  MAX_TIMEOUT_MINUTES,
  MIN_POLL_SECONDS,
  numberOption,
  quoted,
  shaArgument,
  stringOption,
  UsageError,
} from "./args.ts";
import {
  ciAdapter,
  type CommandGroup,
  dayDir,
  pathArgument,
  readInput,
  type RunContext,
} from "./context.ts";
import {
  attempt,
  CONCLUSION_EXIT,
  createdSomething,
  emit,
  EXIT,
  settle,
  tookEffect,
} from "./output.ts";

/** Why `get-var` must not print `name`, or `undefined`. */
function secretReason(ctx: RunContext, name: string): string | undefined {
  if (isSecretName(name)) return "its name says it holds a secret";
  for (const platform of new Set([ctx.config.platform.ci, ctx.config.platform.tracker])) {
    const definition = getPlatform(platform);
    const secrets = definition ? secretVariables(definition) : [];
    if (secrets.some((secret) => secret.toUpperCase() === name.toUpperCase())) {
      return `${platform} keeps a secret in it`;
    }
  }
  return undefined;
}

/** Whether Deno's permissions keep this process from reading `variable`. */
function envRefused(variable: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "env", variable }).state !== "granted";
  } catch {
    return true;
  }
}

/** Run `fn` with an abort signal that fires on the injected signal, or on Ctrl-C / SIGTERM. */
async function cancellable<T>(
  ctx: RunContext,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const injected = ctx.io.signal;
  if (injected?.aborted) controller.abort();
  injected?.addEventListener("abort", stop, { once: true });
  const signals: Deno.Signal[] = injected ? [] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) {
    try {
      Deno.addSignalListener(signal, stop);
    } catch {
      // Not supported on this OS: Ctrl-C then ends the process instead.
    }
  }
  try {
    return await fn(controller.signal);
  } finally {
    for (const signal of signals) {
      try {
        Deno.removeSignalListener(signal, stop);
      } catch {
        // Never added.
      }
    }
    injected?.removeEventListener("abort", stop);
  }
}

/**
 * A progress line at the first poll that finds pending checks, whenever the
 * pending set changes, and after a minute without one (so a long wait shows
 * it is alive).
 */
function progressReporter(ctx: RunContext): (progress: WaitProgress) => void {
  let lastPending = "";
  let lastReport = 0;
  return ({ elapsedMs, pending, polls }) => {
    const key = pending.join(", ");
    const longQuiet = elapsedMs - lastReport >= 60_000;
    if (pending.length && (key !== lastPending || longQuiet)) {
      ctx.io.stderr(`waiting ${(elapsedMs / 1000).toFixed(1)}s (poll ${polls}): pending ${key}`);
      lastPending = key;
      lastReport = elapsedMs;
    }
  };
}

function printResult(ctx: RunContext, sha: string, result: CiResult): void {
  if (ctx.json) ctx.io.stdout(JSON.stringify(result));
  else ctx.io.stdout([result.conclusion, result.name, result.url].filter(Boolean).join(" "));
  if (result.conclusion !== "success" && ctx.conventions) {
    const name = result.name ? `: ${result.name}` : "";
    const error = result.error ? ` (${result.error})` : "";
    ctx.io.stderr(ctx.conventions.error(`CI ${result.conclusion} for ${sha}${name}${error}`));
  }
}

/** The `ci` group. */
export const ciGroup: CommandGroup = {
  name: "ci",
  commands: {
    wait: {
      usage: "pace ci wait SHA [--timeout-minutes N] [--poll-interval-seconds N]",
      summary: "wait for the commit's CI; exit 0 only on success",
      options: {
        "timeout-minutes": {
          type: "string",
          help:
            `give up after N minutes (default 15, at most ${MAX_TIMEOUT_MINUTES}; fractions ok)`,
        },
        "poll-interval-seconds": {
          type: "string",
          help: `poll every N seconds (default 20, at least ${MIN_POLL_SECONDS})`,
        },
      },
      positionals: 1,
      async run(ctx) {
        const sha = shaArgument(ctx.args[0]);
        const timeoutMinutes = numberOption(ctx.values, "timeout-minutes", {
          max: MAX_TIMEOUT_MINUTES,
          unit: "minutes",
        });
        const pollIntervalSeconds = numberOption(ctx.values, "poll-interval-seconds", {
          min: MIN_POLL_SECONDS,
          unit: "seconds",
        });
        const ci = ciAdapter(ctx);
        const conventions = ctx.conventions;
        if (conventions) ctx.io.stderr(conventions.group(`Waiting for CI on ${sha}`));
        const result = await cancellable(ctx, (signal) =>
          ci.waitForCommitCi(sha, {
            timeoutMinutes,
            pollIntervalSeconds,
            signal,
            onProgress: progressReporter(ctx),
          }));
        if (conventions) ctx.io.stderr(conventions.endGroup());
        printResult(ctx, sha, result);
        return CONCLUSION_EXIT[result.conclusion] ?? EXIT.failed;
      },
    },
    "review-pr": {
      usage: "pace ci review-pr --day N [--pace-dir DIR] [--context-note TEXT]",
      summary: "open (or find) the review PR for a human-gate day",
      options: {
        day: DAY_OPTION,
        "pace-dir": { type: "string", help: "the .pace directory (default: <repo-root>/.pace)" },
        "context-note": { type: "string", help: "adds a ## Context section" },
      },
      positionals: 0,
      async run(ctx) {
        const day = dayOption(ctx.values);
        const dir = stringOption(ctx.values, "pace-dir");
        const paceDir = dir === undefined ? paceDirOf(ctx.repoRoot) : pathArgument(ctx, dir);
        const note = stringOption(ctx.values, "context-note");
        const ci = ciAdapter(ctx);
        const result = await attempt(
          ctx.logger,
          () => ci.openReviewPr(day, paceDir, note),
          createdSomething,
        );
        return settle(ctx, "review PR", result, result.value, { url: result.value });
      },
    },
    "daily-summary": {
      usage: "pace ci daily-summary --day N",
      summary: "log the one-line day summary from .pace/day-N/gate.md",
      options: { day: DAY_OPTION },
      positionals: 0,
      async run(ctx) {
        const day = dayOption(ctx.values);
        const ci = ciAdapter(ctx);
        // The artifact readers load only for the command that reads an artifact.
        const { gateReport, readArtifact } = await import("../platforms/_pace/artifacts.ts");
        const file = await readArtifact(artifactFile(dayDir(ctx, day), "gate"));
        if (file.exists && file.problem) ctx.logger.warn(file.problem);
        const report = gateReport(file);
        const result = await attempt(
          ctx.logger,
          () => ci.postDailySummary(day, report),
          tookEffect,
        );
        const decision = report.gate_decision ?? "UNKNOWN";
        return settle(ctx, "daily summary", result, "", { day, gate_decision: decision });
      },
    },
    "job-summary": {
      usage: "pace ci job-summary FILE|-",
      summary: "write the markdown report where the platform shows it",
      positionals: 1,
      async run(ctx) {
        const markdown = await readInput(ctx, ctx.args[0]);
        const ci = ciAdapter(ctx);
        const result = await attempt(ctx.logger, () => ci.writeJobSummary(markdown), tookEffect);
        return settle(ctx, "job summary", result, "");
      },
    },
    "set-var": {
      usage: "pace ci set-var NAME VALUE",
      summary: "set a CI variable",
      positionals: 2,
      async run(ctx) {
        const [name, value] = ctx.args;
        const ci = ciAdapter(ctx);
        const result = await attempt(
          ctx.logger,
          () => ci.setVariable(name, value),
          (ok) => ok === true,
        );
        return settle(ctx, `setting ${name}`, result, "ok");
      },
    },
    "get-var": {
      usage: "pace ci get-var NAME",
      summary: "print a CI variable (exit 1 when unset; secrets are never printed)",
      positionals: 1,
      async run(ctx) {
        const [name] = ctx.args;
        const secret = secretReason(ctx, name);
        if (secret) {
          throw new UsageError(`refusing to print ${quoted(name)}: ${secret}`);
        }
        const value = await ciAdapter(ctx).getVariable(name);
        if (value === undefined) {
          // The process environment hides a variable outside --allow-env: say so.
          const refused = ctx.io.env === undefined && envRefused(name);
          ctx.io.stderr(
            refused
              ? `pace: ${name} is not set; reading that environment variable is not ` +
                "permitted (it is outside --allow-env), so only the platform's store was asked"
              : `pace: ${name} is not set`,
          );
          if (ctx.json) ctx.io.stdout(JSON.stringify({ ok: false, value: null }));
          return EXIT.failed;
        }
        emit(ctx, value, { ok: true, value });
        return EXIT.ok;
      },
    },
  },
};
