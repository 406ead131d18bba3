/**
 * Local branching: no remote to create branches on. Branches "exist" as far
 * as PACE is concerned (their head is `local`), and a pull request is a
 * markdown file under `.pace/pull-requests/` that a re-run finds again. It
 * also serves CI platforms without branches of their own (Jenkins).
 *
 * @module
 */

import { refNameProblem } from "../branches.ts";
import { BaseBranchingAdapter } from "../base.ts";
import { localPullRequestFile, paceDirOf } from "../_pace/names.ts";
import type { ResolvedContext } from "../types.ts";
import { createOnce } from "./files.ts";

function checkBranch(name: string): void {
  const problem = refNameProblem(name);
  if (problem) throw new Error(problem);
}

/** Bound agent-written text that lands in a file: one title line, a capped body. */
function bounded(text: unknown, max: number): string {
  return String(text ?? "").slice(0, max);
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
  /** Always `local`, also when it serves a CI platform without branches. */
  readonly platform = "local";
  readonly #servedFor: string;

  /** `servedFor` names the CI platform this stands in for, for the log. */
  constructor(context: ResolvedContext, servedFor = "local") {
    super(context);
    this.#servedFor = servedFor;
    if (servedFor !== "local") {
      this.logger.info(
        `${servedFor} has no branches of its own: branching is only recorded locally`,
      );
    }
  }

  /** `local` for any valid name: there is no remote to ask. */
  getBranchSha(branch: string): Promise<string | undefined> {
    checkBranch(branch);
    return Promise.resolve("local");
  }

  /** Nothing to create without a remote: logged, `true`. */
  createBranch(newBranch: string, fromBranch: string): Promise<boolean> {
    checkBranch(newBranch);
    checkBranch(fromBranch);
    this.logger.info(`branch ${newBranch} from ${fromBranch}: recorded only (no remote)`);
    return Promise.resolve(true);
  }

  /** Write `.pace/pull-requests/HEAD--into--BASE.md` once; its path. */
  async createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels: string[] = [],
  ): Promise<string> {
    checkBranch(head);
    checkBranch(base);
    const path = localPullRequestFile(paceDirOf(this.context.repoRoot), head, base);
    const text = () =>
      [
        `# ${bounded(title, 256).replace(/\s+/g, " ").trim()}`,
        "",
        `${head} → ${base}`,
        labels.length ? `\nLabels: ${labels.map((l) => bounded(l, 50)).join(", ")}` : "",
        "",
        bounded(body, 65_000),
        "",
      ].join("\n");
    const written = await createOnce(path, text);
    this.logger.info(`pull request ${head} → ${base} (${this.#servedFor}): ${written}`);
    return written;
  }
}
