/**
 * Local CI: the review PR is a markdown file, there is no CI to wait for,
 * variables live in `.pace/variables.json`.
 *
 * @module
 */

import { readJsonStore, writeJsonStoreValue } from "../_core/json_store.ts";
import { paceDirOf, variablesFile } from "../_pace/names.ts";
import { writeReviewFile } from "../_pace/review_file.ts";
import { BaseCIAdapter } from "../base.ts";
import type { CiResult, ResolvedContext, WaitOptions } from "../types.ts";

/**
 * Local CI: the review PR is a markdown file, there is no CI to wait for
 * (`no_runs` at once), variables live in `.pace/variables.json`.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("local", { repoRoot: "." });
 * const path = await ci.openReviewPr(15, ".pace"); // ".../.pace/day-15/review-pr.md"
 * ```
 */
export class LocalCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "local";

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
  }

  /** Open (or find) the review PR for a human-gate day; its URL or path, `""` on failure. */
  async openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    const dir = this.path(paceDir || paceDirOf(this.context.repoRoot));
    const path = await writeReviewFile(day, dir, this.logger, contextNote, (t) => this.redacted(t));
    this.logger.info(`review PR for day ${day}: ${path}`);
    return path;
  }

  /** Poll until the commit's CI ends; never rejects. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    return this.poll(
      sha,
      options,
      () => Promise.resolve({ state: "done", conclusion: "no_runs", url: "", name: "" }),
    );
  }

  /** Set a variable; `false` (logged) on failure. */
  override async setVariable(name: string, value: string): Promise<boolean> {
    if (!name) throw new Error("a variable needs a name");
    await writeJsonStoreValue(
      variablesFile(this.context.repoRoot),
      name,
      this.redacted(String(value)),
    );
    return true;
  }

  /** A variable from `.pace/variables.json`. */
  protected override async readStoredVariable(name: string): Promise<string | undefined> {
    return (await readJsonStore(variablesFile(this.context.repoRoot)))[name];
  }
}
