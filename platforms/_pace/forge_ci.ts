/**
 * The CI operations of a forge, written once: the review PR (its plan
 * rendered, found before one is opened — through the forge's branch API —
 * and a branch not pushed yet explained), the wait (the shared loop over one
 * look at the commit), and the variables (see `forge_variables.ts`). A forge
 * (GitHub, GitLab, Bitbucket, Gitea) supplies only a small {@linkcode CiApi}.
 *
 * What only a review PR needs loads when one is opened: a `ci wait` loads no
 * renderer, no artifact reader and no branch API.
 *
 * @module
 */

import { BaseCIAdapter } from "../base.ts";
import type { CiResult, CiSnapshot, ResolvedContext, WaitOptions } from "../types.ts";
import type { BranchApi } from "./forge_branching.ts";
import { readVariable, type VariableApi, writeVariable } from "./forge_variables.ts";
import { loadReviewTools } from "./review_tools.ts";

/** What a forge supplies so the shared CI flow can run on it. */
export interface CiApi {
  /** The forge's branch API, loaded when a review PR is opened. */
  pulls(): Promise<BranchApi>;
  /** The branch review PRs go into; `undefined` for a repository without one (empty). */
  defaultBranch(): Promise<string | undefined>;
  /** What the forge calls the review (`review MR`); default `review PR`. */
  reviewNoun?: string;
  /** Whether a refused open says the head branch is absent or brings nothing: push it first. */
  headMissing(error: unknown): boolean;
  /** One look at the commit's CI. */
  look(sha: string, signal: AbortSignal): Promise<CiSnapshot>;
  /** The forge's CI variables. */
  variables: VariableApi;
  /** The variable in which the forge's runner names its step-summary file, if it has one. */
  summaryFile?: string;
}

const reasonOf = (error: unknown) => error instanceof Error ? error.message : String(error);

/**
 * A CI adapter over a {@linkcode CiApi}. Platforms build one in their `ci`
 * factory; the daily and job summaries come from the base class.
 *
 * @example A forge whose CI lives in memory
 * ```ts ignore
 * const api: CiApi = {
 *   pulls: () => Promise.resolve(branchApi),
 *   defaultBranch: () => Promise.resolve("main"),
 *   headMissing: (error) => error instanceof HttpError && error.status === 404,
 *   look: () => Promise.resolve({ state: "done", conclusion: "success", name: "ci", url: "" }),
 *   variables,
 * };
 * const ci = new ForgeCI(context, "memory", api);
 * await ci.openReviewPr(14, ".pace");
 * ```
 */
export class ForgeCI extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform: string;
  protected override readonly summaryFileVariable: string | undefined;
  readonly #api: CiApi;

  /** CI named `platform` over `api`. */
  constructor(context: ResolvedContext, platform: string, api: CiApi) {
    super(context);
    this.platform = platform;
    this.summaryFileVariable = api.summaryFile;
    this.#api = api;
  }

  /**
   * The review PR of a human-gate day, `pace/review-day-N` into the default
   * branch: the open one, or the merged one where the forge counts it (the
   * review that was done), else a new one; its URL.
   */
  async openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    const api = this.#api;
    const [tools, pulls] = await Promise.all([loadReviewTools(), api.pulls()]);
    const plan = await tools.reviewPlan(day, this.path(paceDir), this.logger, contextNote);
    const what = `${api.reviewNoun ?? "review PR"} for day ${day}`;
    const base = await api.defaultBranch();
    if (!base) {
      throw new Error(
        `cannot open the ${what}: the repository has no default branch (is it empty?)`,
      );
    }
    const head = plan.branch;
    try {
      const { pull } = await tools.openPullOnce(pulls, this.logger, {
        what,
        head,
        base,
        title: plan.title,
        body: tools.toMarkdown(plan.doc, { maxLength: pulls.bodyLimit }),
        labels: [],
        find: () =>
          pulls.findReviewPull ? pulls.findReviewPull(head, base) : pulls.findOpenPull(head, base),
      });
      return pull.url;
    } catch (error) {
      if (!api.headMissing(error)) throw error;
      throw new Error(
        `cannot open the ${what}: branch ${head} must exist on ${pulls.forge}; push it first, ` +
          `with commits ${base} lacks (${reasonOf(error)})`,
      );
    }
  }

  /** Poll until the commit's CI ends. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    return this.poll(sha, options, (signal) => this.#api.look(sha, signal));
  }

  /** Create the variable, or update it when it exists. */
  override setVariable(name: string, value: string): Promise<boolean> {
    return writeVariable(this.#api.variables, this.logger, name, value);
  }

  /** The forge's stored variable; `undefined` when it has none of that name. */
  protected override readStoredVariable(name: string): Promise<string | undefined> {
    return readVariable(this.#api.variables, name);
  }
}
