/**
 * `pace tracker …`: escalations, advisory findings, the story ticket and its
 * handoff comment, plan issues.
 *
 * @module
 */

import { parseYaml, YamlSyntaxError } from "../platforms/_core/yaml.ts";
import type { AdvisoryItem } from "../platforms/types.ts";
import {
  DAY_OPTION,
  dayOption,
  positiveInteger,
  quoted,
  requiredOption,
  stringOption,
  UsageError,
} from "./args.ts";
import {
  type CommandGroup,
  dayDir,
  readInput,
  type RunContext,
  trackerAdapter,
} from "./context.ts";
import { attempt, createdSomething, emit, EXIT, settle, tookEffect } from "./output.ts";

/** A list of `{id, finding}` from YAML or JSON text (a bare list, or under `items:`/`findings:`). */
export function parseAdvisoryItems(text: string, source: string): AdvisoryItem[] {
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

/** Print the URL or path of a created item; exit 1 when it came back empty. */
async function created(
  ctx: RunContext,
  what: string,
  call: () => Promise<string>,
): Promise<number> {
  const result = await attempt(ctx.logger, call, createdSomething);
  return settle(ctx, what, result, result.value, { url: result.value });
}

/** Report an operation that answers whether it took effect. */
async function done(
  ctx: RunContext,
  what: string,
  call: () => Promise<unknown>,
): Promise<number> {
  return settle(ctx, what, await attempt(ctx.logger, call, tookEffect), "");
}

/** The `tracker` group. */
export const trackerGroup: CommandGroup = {
  name: "tracker",
  commands: {
    escalate: {
      usage: "pace tracker escalate --day N [--reason TEXT]",
      summary: "open (or find) the HOLD escalation for a day",
      options: {
        day: DAY_OPTION,
        reason: { type: "string", help: "the blocker (default: from the day's reports)" },
      },
      positionals: 0,
      run(ctx) {
        const day = dayOption(ctx.values);
        const reason = stringOption(ctx.values, "reason");
        const tracker = trackerAdapter(ctx);
        return created(
          ctx,
          "escalation",
          () => tracker.openEscalationIssue(day, dayDir(ctx, day), reason),
        );
      },
    },
    advisory: {
      usage: "pace tracker advisory --day N --agent NAME --items FILE",
      summary: "file one agent's advisory findings (YAML or JSON list)",
      options: {
        day: DAY_OPTION,
        agent: { type: "string", help: "the agent that raised the findings" },
        items: { type: "string", help: "YAML or JSON list of {id, finding} (- for stdin)" },
      },
      positionals: 0,
      async run(ctx) {
        const day = dayOption(ctx.values);
        const agent = requiredOption(ctx.values, "agent");
        const source = stringOption(ctx.values, "items");
        if (source === undefined) throw new UsageError("--items is required");
        const items = parseAdvisoryItems(await readInput(ctx, source), source);
        if (items.length === 0) {
          ctx.io.stderr("no findings: nothing to file");
          emit(ctx, "", { ok: true, url: "" });
          return EXIT.ok;
        }
        const tracker = trackerAdapter(ctx);
        return await created(ctx, "advisory", () => tracker.pushAdvisoryItems(day, items, agent));
      },
    },
    "push-story": {
      usage: "pace tracker push-story --day N",
      summary: "mirror the day's story card as a ticket",
      options: { day: DAY_OPTION },
      positionals: 0,
      run(ctx) {
        const day = dayOption(ctx.values);
        const tracker = trackerAdapter(ctx);
        return created(ctx, "story", () => tracker.pushStory(day, dayDir(ctx, day)));
      },
    },
    "story-status": {
      usage: "pace tracker story-status --day N --status done|in_progress",
      summary: "close (done) or reopen (in_progress) the story ticket",
      options: { day: DAY_OPTION, status: { type: "string", help: "done | in_progress" } },
      positionals: 0,
      run(ctx) {
        const day = dayOption(ctx.values);
        const status = ctx.values.status;
        if (status !== "done" && status !== "in_progress") {
          throw new UsageError(
            `--status must be done or in_progress, got ${
              status === undefined ? "nothing" : quoted(status)
            }`,
          );
        }
        const tracker = trackerAdapter(ctx);
        return done(
          ctx,
          "story status",
          () => tracker.updateStoryStatus(day, dayDir(ctx, day), status),
        );
      },
    },
    handoff: {
      usage: "pace tracker handoff --day N",
      summary: "comment the day's handoff note on the story ticket",
      options: { day: DAY_OPTION },
      positionals: 0,
      run(ctx) {
        const day = dayOption(ctx.values);
        const tracker = trackerAdapter(ctx);
        return done(
          ctx,
          "handoff comment",
          () => tracker.postHandoffComment(day, dayDir(ctx, day)),
        );
      },
    },
    "close-plan-issue": {
      usage: "pace tracker close-plan-issue NUMBER",
      summary: "close a planning issue",
      positionals: 1,
      run(ctx) {
        const number = positiveInteger(ctx.args[0], "NUMBER", Number.MAX_SAFE_INTEGER);
        const tracker = trackerAdapter(ctx);
        return done(ctx, "closing the plan issue", () => tracker.closePlanIssue(number));
      },
    },
  },
};
