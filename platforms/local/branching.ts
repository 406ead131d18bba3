/**
 * Local branching: no remote to create branches on. Branches "exist" as far
 * as PACE is concerned (their head is `local`), and a pull request is a
 * markdown file under `.pace/pull-requests/` that a re-run finds again. It
 * also serves CI platforms without branches of their own (Jenkins).
 *
 * @module
 */

import { BaseBranchingAdapter } from "../base.ts";
import { localPullRequestFile, paceDirOf } from "../_pace/names.ts";
import { createOnce, labelsLine } from "./files.ts";

/** Caps on agent-written text that lands in the file. */
const MAX_TITLE = 256;
const MAX_BODY = 65_000;
const MAX_LABEL = 50;
const MAX_LABELS = 20;

/** One line of at most `max` characters: a title or label cannot start a section of its own. */
function oneLine(text: unknown, max: number): string {
  return String(text ?? "").replace(/\s+/g, " ").trim().slice(0, max);
}

/** The pull request as markdown: title, `head → base`, body, then the labels a forge would show. */
function pullRequestText(
  head: string,
  base: string,
  title: string,
  body: string,
  labels: string[],
): string {
  const shown = labels.map((label) => oneLine(label, MAX_LABEL)).filter(Boolean)
    .slice(0, MAX_LABELS);
  const text = String(body ?? "").slice(0, MAX_BODY).trimEnd();
  return [
    `# ${oneLine(title, MAX_TITLE) || `${head} into ${base}`}`,
    "",
    `${head} → ${base}`,
    ...(text ? ["", text] : []),
    "",
  ].join("\n") + (shown.length ? labelsLine(shown) : "");
}

/**
 * Branching without a remote. Build it with `getBranchingAdapter`.
 *
 * @example
 * ```ts
 * import { getBranchingAdapter } from "@pace/platforms";
 * const branching = getBranchingAdapter({ platform: { ci: "local", tracker: "local" } });
 * console.log(await branching.getBranchSha("main")); // "local"
 * ```
 */
export class LocalBranchingAdapter extends BaseBranchingAdapter {
  /** Always `local`, also when it stands in for a CI platform without branches. */
  readonly platform = "local";

  /** `local` for any valid name: there is no remote to ask. */
  getBranchSha(_branch: string): Promise<string | undefined> {
    return Promise.resolve("local");
  }

  /** Nothing to create without a remote: logged, `true`. */
  createBranch(newBranch: string, fromBranch: string): Promise<boolean> {
    this.logger.info(`branch ${newBranch} from ${fromBranch}: recorded only (no remote)`);
    return Promise.resolve(true);
  }

  /** Write `.pace/pull-requests/HEAD--into--BASE.md` once; its path (a re-run finds it). */
  async createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels: string[] = [],
  ): Promise<string> {
    const path = localPullRequestFile(paceDirOf(this.context.repoRoot), head, base);
    const written = await createOnce(
      path,
      () =>
        this.redacted(
          pullRequestText(head, base, title, body, Array.isArray(labels) ? labels : []),
        ),
    );
    this.logger.info(`pull request ${head} → ${base}: ${written}`);
    return written;
  }
}
