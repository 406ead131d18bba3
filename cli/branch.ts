/**
 * `pace branch …`: PACE's branch hierarchy and the pull requests between its
 * levels, on the CI platform's branches (local branching when it has none).
 *
 * @module
 */

import { loadConfigDocument } from "../config/discover.ts";
import { resolveRelease } from "../config/release.ts";
import { refNameProblem, releaseBranch, sprintBranch } from "../platforms/branches.ts";
import { getBranchingAdapter, getPlatform } from "../platforms/registry.ts";
import type { BranchingAdapter } from "../platforms/types.ts";
import {
  DAY_OPTION,
  MAX_DAY,
  positiveInteger,
  quoted,
  requiredOption,
  stringOption,
  UsageError,
} from "./args.ts";
import { type CommandGroup, platformContext, readInput, type RunContext } from "./context.ts";
import { attempt, createdSomething, emit, EXIT, failed, settle, tookEffect } from "./output.ts";

/** A branch name from the command line, refused (exit 2) when git would refuse it. */
function branchArgument(raw: string, label: string): string {
  const problem = refNameProblem(raw);
  if (problem) throw new UsageError(`${label}: ${problem}`);
  return raw;
}

/**
 * The branching adapter of the config's CI platform. Its credentials must be
 * set only when it keeps branches of its own: the local stand-in (for
 * Jenkins, say) never calls the platform.
 */
function branchingAdapter(ctx: RunContext): BranchingAdapter {
  const ownBranches = getPlatform(ctx.config.platform.ci)?.branching !== undefined;
  return getBranchingAdapter(ctx.config, ownBranches ? platformContext(ctx, "ci") : ctx.context);
}

/**
 * Print `branch` and its head after an operation that took effect; with
 * `--json` also `fields`. A head that cannot be read then only costs the
 * `sha` field: the branch is there.
 */
async function reportBranch(
  ctx: RunContext,
  branching: BranchingAdapter,
  branch: string,
  fields: Record<string, unknown>,
): Promise<number> {
  const sha = await branching.getBranchSha(branch);
  if (sha === undefined) ctx.io.stderr(`pace: ${branch} exists, but its head could not be read`);
  emit(ctx, branch, { ok: true, ...fields, branch, ...(sha === undefined ? {} : { sha }) });
  return EXIT.ok;
}

/** `--sprint N` or `--day N` as numbers; which of them is required is the resolver's call. */
function sprintOrDay(ctx: RunContext): { sprint?: number; day?: number } {
  const raw = (name: string) => {
    const value = stringOption(ctx.values, name);
    return value === undefined ? undefined : positiveInteger(value, `--${name}`, MAX_DAY);
  };
  return { sprint: raw("sprint"), day: raw("day") };
}

/** The pull request body: `--body`, the text of `--body-file` (`-`: stdin), or empty. */
async function bodyOption(ctx: RunContext): Promise<string> {
  const body = stringOption(ctx.values, "body");
  const file = stringOption(ctx.values, "body-file");
  if (body !== undefined && file !== undefined) {
    throw new UsageError("give --body or --body-file, not both");
  }
  return file === undefined ? body ?? "" : await readInput(ctx, file);
}

function labelsOption(ctx: RunContext): string[] {
  const labels = ctx.values.label;
  const list = Array.isArray(labels) ? labels : [];
  for (const label of list) {
    if (label.trim() === "") throw new UsageError("--label must not be empty");
  }
  return list.map((label) => label.trim());
}

/** The `branch` group. */
export const branchGroup: CommandGroup = {
  name: "branch",
  commands: {
    sha: {
      usage: "pace branch sha BRANCH",
      summary: "print the branch's head commit (exit 1 when the branch does not exist)",
      positionals: 1,
      async run(ctx) {
        const branch = branchArgument(ctx.args[0], "BRANCH");
        const branching = branchingAdapter(ctx);
        const result = await attempt(
          ctx.logger,
          () => branching.getBranchSha(branch),
          createdSomething,
        );
        if (result.ok || result.reason !== undefined) {
          return settle(ctx, `looking up ${branch}`, result, result.value ?? "", {
            branch,
            sha: result.value,
          });
        }
        // Nothing went wrong: the branch is simply not there.
        const line = `branch ${quoted(branch)} does not exist`;
        ctx.io.stderr(`pace: ${line}`);
        if (ctx.json) ctx.io.stdout(JSON.stringify({ ok: false, error: line }));
        return EXIT.failed;
      },
    },
    create: {
      usage: "pace branch create NEW --from BASE",
      summary: "create NEW at BASE's head; an existing NEW is left where it is",
      options: { from: { type: "string", help: "the branch to start from" } },
      positionals: 1,
      async run(ctx) {
        const branch = branchArgument(ctx.args[0], "NEW");
        const from = branchArgument(requiredOption(ctx.values, "from"), "--from");
        const branching = branchingAdapter(ctx);
        const result = await attempt(
          ctx.logger,
          () => branching.createBranch(branch, from),
          tookEffect,
        );
        if (!result.ok) return failed(ctx, `creating ${branch} from ${from}`, result.reason);
        return await reportBranch(ctx, branching, branch, { from });
      },
    },
    pr: {
      usage:
        "pace branch pr --head H --base B --title T [--body TEXT | --body-file FILE|-] [--label L]...",
      summary: "open (or find) the pull request H → B; prints its URL or path",
      options: {
        head: { type: "string", help: "the branch with the changes" },
        base: { type: "string", help: "the branch to merge into" },
        title: { type: "string", help: "the pull request's title" },
        body: { type: "string", help: "its description" },
        "body-file": { type: "string", help: "read the description from FILE (- for stdin)" },
        label: { type: "string", multiple: true, help: "a label (repeatable)" },
      },
      positionals: 0,
      async run(ctx) {
        const head = branchArgument(requiredOption(ctx.values, "head"), "--head");
        const base = branchArgument(requiredOption(ctx.values, "base"), "--base");
        if (head === base) throw new UsageError(`--head and --base are both ${quoted(head)}`);
        const title = requiredOption(ctx.values, "title");
        const labels = labelsOption(ctx);
        const body = await bodyOption(ctx);
        const branching = branchingAdapter(ctx);
        const result = await attempt(
          ctx.logger,
          () => branching.createPullRequest(head, base, title, body, labels),
          createdSomething,
        );
        return settle(ctx, `pull request ${head} → ${base}`, result, result.value, {
          url: result.value,
        });
      },
    },
    "ensure-hierarchy": {
      usage: "pace branch ensure-hierarchy [--release NAME] [--sprint N | --day N]",
      summary: "create the missing levels of main → staging → release/NAME → rel/sprint/pace-N",
      options: {
        release: {
          type: "string",
          help: "the release (default: $PACE_RELEASE, else the config's active release)",
        },
        sprint: { type: "string", help: "the sprint number" },
        day: { ...DAY_OPTION, help: `${DAY_OPTION.help}: the sprint from the release's days` },
      },
      positionals: 0,
      async run(ctx) {
        const { sprint, day } = sprintOrDay(ctx);
        const document = await loadConfigDocument(stringOption(ctx.values, "config"), {
          cwd: ctx.cwd,
          env: ctx.env,
        });
        const release = resolveRelease(document, ctx.env, {
          release: stringOption(ctx.values, "release"),
          sprint,
          day,
        });
        branchArgument(releaseBranch(release.name), "the release branch");
        const branching = branchingAdapter(ctx);
        const result = await attempt(
          ctx.logger,
          () => branching.ensureHierarchy(release.name, release.sprintNum),
          tookEffect,
        );
        if (!result.ok) return failed(ctx, "building the branch hierarchy", result.reason);
        return await reportBranch(ctx, branching, sprintBranch(release.sprintNum), {
          release: release.name,
          sprint: release.sprintNum,
        });
      },
    },
  },
};
