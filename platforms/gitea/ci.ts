/**
 * Gitea (and Forgejo) CI: review pull requests, the commit statuses of a SHA,
 * Actions repository variables and the job summary (the runner's
 * `GITHUB_STEP_SUMMARY` when it names one, else `pace-summary.md`).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { loadReviewTools } from "../_pace/review_tools.ts";
import { BaseCIAdapter } from "../base.ts";
import type { CiResult, CiSnapshot, ResolvedContext, WaitOptions } from "../types.ts";
import { BODY_LIMIT, GiteaConnection } from "./connection.ts";
import { ensurePull } from "./pulls.ts";
import { classifyStatuses, type CommitStatus } from "./statuses.ts";

/** Pages of statuses read per poll at most (50 contexts a page). */
const STATUS_PAGES = 10;

/**
 * An Actions variable name Gitea accepts: letters, digits and `_`, not
 * starting with a digit, nor with `GITHUB_` or `GITEA_` (reserved; any case).
 */
function variableProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return `invalid variable name ${JSON.stringify(String(name).slice(0, 60))}: ` +
      "letters, digits and _, not starting with a digit";
  }
  if (/^(GITHUB_|GITEA_)/i.test(name)) {
    return `invalid variable name "${name}": names starting with GITHUB_ or GITEA_ are reserved`;
  }
  return undefined;
}

/**
 * Gitea CI: review PRs, commit statuses, Actions variables, the job summary.
 * Build it with `getCIAdapter("gitea", context)` (or `"forgejo"`).
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("gitea", {
 *   env: { GITEA_URL: "https://git.example.com", GITEA_TOKEN: "…", GITEA_REPOSITORY: "org/repo" },
 * });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * ```
 */
export class GiteaCIAdapter extends BaseCIAdapter {
  /** The registered platform name: `gitea` or `forgejo`. */
  readonly platform: string;
  /** Gitea and Forgejo runners name the step's summary file as GitHub's do. */
  protected override readonly summaryFileVariable = "GITHUB_STEP_SUMMARY";
  readonly #gitea: GiteaConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`). */
  constructor(context: ResolvedContext, platform: string, title: string) {
    super(context);
    this.platform = platform;
    this.#gitea = new GiteaConnection(context, title);
  }

  /** Open (or find) the review PR for a human-gate day into the default branch; its URL. */
  async openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    const gitea = this.#gitea;
    const { reviewPlan, toMarkdown } = await loadReviewTools();
    const plan = await reviewPlan(day, this.path(paceDir), this.logger, contextNote);
    const { default_branch: base } = await gitea.repository();
    if (!base) throw new Error(`${gitea.fullName} has no default branch (is it empty?)`);
    try {
      const pull = await ensurePull(gitea, {
        head: plan.branch,
        base,
        title: plan.title,
        body: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
        // A review that was merged is done: a re-run returns it, as on GitHub.
        acceptMerged: true,
        what: `review PR for day ${day}`,
        logger: this.logger,
      });
      return pull.html_url;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) {
        throw new Error(
          `cannot open the review PR: branch ${plan.branch} must exist on ${gitea.title}; ` +
            `push it first (${error.message})`,
        );
      }
      throw error;
    }
  }

  /** Poll until the commit's statuses end. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    return this.poll(sha, options, (signal) => this.#lookOnce(sha, signal));
  }

  /** One look: the first page of the latest status per context; more only when the count says so. */
  async #lookOnce(sha: string, signal: AbortSignal): Promise<CiSnapshot> {
    const gitea = this.#gitea;
    const path = gitea.path(`commits/${encodeURIComponent(sha)}/status`);
    // A commit without statuses is answered with `statuses: null`.
    const statuses = await gitea.all<CommitStatus>(
      path,
      {},
      signal,
      STATUS_PAGES,
      (data) =>
        typeof data === "object" && data !== null
          ? (data as { statuses?: unknown }).statuses ?? []
          : data,
    );
    return classifyStatuses(statuses);
  }

  /** Create the Actions repository variable, or update it when it exists. */
  override async setVariable(name: string, value: string): Promise<boolean> {
    const problem = variableProblem(name);
    if (problem) throw new Error(problem);
    const gitea = this.#gitea;
    const path = gitea.path(`actions/variables/${encodeURIComponent(name)}`);
    const json = { value: String(value) };
    try {
      await gitea.send("POST", path, { json });
    } catch (error) {
      // 409 (older versions: 400): it exists. A 5xx may have created it: PUT is safe either way.
      const exists = error instanceof HttpError &&
        (error.status === 409 || error.status === 400 || error.status >= 500);
      if (!exists) throw explainVariables(error);
      await gitea.send("PUT", path, { json }).catch((e) => {
        throw explainVariables(e);
      });
    }
    return true;
  }

  /** An Actions repository variable (Gitea stores names upper-cased); `undefined` when absent. */
  protected override async readStoredVariable(name: string): Promise<string | undefined> {
    if (variableProblem(name)) return undefined;
    const gitea = this.#gitea;
    const variable = await gitea.find<{ data?: unknown }>(
      gitea.path(`actions/variables/${encodeURIComponent(name)}`),
    );
    return typeof variable?.data === "string" ? variable.data : undefined;
  }
}

function explainVariables(error: unknown): unknown {
  if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
    return new Error(
      `${error.message} — Actions variables need a token with the write:repository scope ` +
        "whose user administers the repository",
    );
  }
  return error;
}
