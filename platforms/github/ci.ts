/**
 * GitHub CI: review PRs, check runs plus commit statuses, Actions variables
 * and the step summary.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { loadReviewTools } from "../_pace/review_tools.ts";
import { BaseCIAdapter } from "../base.ts";
import type { CiResult, CiSnapshot, ResolvedContext, WaitOptions } from "../types.ts";
import { BODY_LIMIT, type Data, GitHubConnection, PER_PAGE } from "./connection.ts";

type CheckRunData = Data<
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs"
>["check_runs"][number];
type StatusData = Data<"GET /repos/{owner}/{repo}/commits/{ref}/status">["statuses"][number];
/** What the classifier reads of a check run; the API also answers values its description omits. */
type CheckRun =
  & { [K in "name" | "status" | "conclusion"]: string | Exclude<CheckRunData[K], string> }
  & Partial<Pick<CheckRunData, "html_url" | "details_url">>;
/** What the classifier reads of a commit status. */
type CommitStatus = Pick<StatusData, "context"> & { state: string; target_url?: string | null };

const FAILED_CHECK = new Set(["failure", "timed_out", "action_required", "startup_failure"]);
const PASSED_CHECK = new Set(["success", "neutral", "skipped"]);

/**
 * GitHub CI: review PRs, check runs plus commit statuses, Actions variables,
 * the step summary. Build it with `getCIAdapter("github", context)`.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("github", {
 *   env: { GITHUB_TOKEN: "ghp_example", GITHUB_REPOSITORY: "octo/repo" },
 * });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * ```
 */
export class GitHubCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "github";
  protected override readonly summaryFileVariable = "GITHUB_STEP_SUMMARY";
  readonly #gh: GitHubConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#gh = new GitHubConnection(context);
  }

  /** Polls answered 304 Not Modified so far. */
  get notModifiedCount(): number {
    return this.#gh.notModified;
  }

  /** Open (or find) the review PR for a human-gate day; its URL. */
  async openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    const gh = this.#gh;
    const { reviewPlan, toMarkdown, ensureItem } = await loadReviewTools();
    const plan = await reviewPlan(day, this.path(paceDir), this.logger, contextNote);
    const find = async () => {
      const pulls = await gh.all(
        "GET /repos/{owner}/{repo}/pulls",
        { head: `${gh.owner}:${plan.branch}`, state: "all" },
        (data) => data,
      );
      return pulls.find((p) => p.state === "open") ?? pulls.find((p) => p.merged_at);
    };
    let base = "the default branch";
    try {
      const pull = await ensureItem<{ html_url: string }>({
        what: `review PR for day ${day}`,
        logger: this.logger,
        find,
        create: async () => {
          base = (await gh.request("GET /repos/{owner}/{repo}")).data.default_branch;
          const { data } = await gh.request("POST /repos/{owner}/{repo}/pulls", {
            title: plan.title,
            head: plan.branch,
            base,
            body: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
          });
          this.logger.info(`review PR for day ${day}: created ${data.html_url}`);
          return data;
        },
        // A 422 can be a PR opened by a concurrent run: look again before failing.
        ambiguous: (error) => error instanceof HttpError && error.status === 422,
      });
      return pull.html_url;
    } catch (error) {
      if (
        error instanceof HttpError && error.status === 422 &&
        /head|No commits/i.test(error.message + error.body)
      ) {
        throw new Error(
          `cannot open the review PR: branch ${plan.branch} must exist on GitHub with commits ` +
            `not in ${base}; push it first (${error.message})`,
        );
      }
      throw error;
    }
  }

  /** Poll until the commit's CI ends. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    return this.poll(sha, options, (signal) => this.#lookOnce(sha, signal));
  }

  async #lookOnce(ref: string, signal: AbortSignal): Promise<CiSnapshot> {
    const gh = this.#gh;
    const runsPage = (page: number) =>
      gh.conditional(
        "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
        { ref, per_page: PER_PAGE, page },
        signal,
      );
    const statusPage = (page: number) =>
      gh.conditional(
        "GET /repos/{owner}/{repo}/commits/{ref}/status",
        { ref, per_page: PER_PAGE, page },
        signal,
      );
    // The first pages of both go out together: one round trip per poll.
    const [firstRuns, firstStatuses] = await Promise.all([runsPage(1), statusPage(1)]);
    const runs = [...firstRuns.check_runs];
    const statuses = [...firstStatuses.statuses];
    const runPages = Math.min(50, Math.ceil(firstRuns.total_count / PER_PAGE));
    if (firstRuns.check_runs.length === PER_PAGE && runPages > 1) {
      const rest = await Promise.all(
        Array.from({ length: runPages - 1 }, (_, i) => runsPage(i + 2)),
      );
      for (const data of rest) runs.push(...data.check_runs);
    }
    for (let page = 2; page <= 10 && statuses.length === (page - 1) * PER_PAGE; page++) {
      statuses.push(...(await statusPage(page)).statuses);
    }
    return classify(runs, statuses);
  }

  /** Create or update an Actions repository variable. */
  override async setVariable(name: string, value: string): Promise<boolean> {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
      throw new Error(
        `invalid variable name "${name}": letters, digits and _, not starting with GITHUB_`,
      );
    }
    try {
      await this.#gh.request("POST /repos/{owner}/{repo}/actions/variables", {
        name,
        value: String(value),
      });
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 409) throw explainVariables(error);
      await this.#gh.request("PATCH /repos/{owner}/{repo}/actions/variables/{name}", {
        name,
        value: String(value),
      }).catch((e) => {
        throw explainVariables(e);
      });
    }
    return true;
  }

  /** An Actions repository variable; `undefined` when it does not exist. */
  protected override async readStoredVariable(name: string): Promise<string | undefined> {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
    try {
      const { data } = await this.#gh.request(
        "GET /repos/{owner}/{repo}/actions/variables/{name}",
        { name },
      );
      return data.value;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined;
      throw error;
    }
  }
}

function explainVariables(error: unknown): unknown {
  if (error instanceof HttpError && (error.status === 403 || error.status === 404)) {
    return new Error(
      `${error.message} — the token needs the "Variables: write" repository permission ` +
        `(fine-grained) or the repo scope (classic)`,
    );
  }
  return error;
}

/** GitHub's CI rules: check runs and commit statuses both count. */
export function classify(runs: readonly CheckRun[], statuses: readonly CommitStatus[]): CiSnapshot {
  if (runs.length === 0 && statuses.length === 0) return { state: "none" };
  const pending = [
    ...runs.filter((r) => r.status !== "completed").map((r) => r.name),
    ...statuses.filter((s) => s.state === "pending").map((s) => s.context),
  ];
  if (pending.length) return { state: "pending", pending };
  const runUrl = (r: CheckRun) => r.html_url ?? r.details_url ?? "";
  const failedRun = runs.find((r) => FAILED_CHECK.has(r.conclusion ?? ""));
  if (failedRun) {
    return { state: "done", conclusion: "failure", name: failedRun.name, url: runUrl(failedRun) };
  }
  const failedStatus = statuses.find((s) => s.state === "failure" || s.state === "error");
  if (failedStatus) {
    return {
      state: "done",
      conclusion: "failure",
      name: failedStatus.context,
      url: failedStatus.target_url ?? "",
    };
  }
  const allPassed = runs.every((r) => PASSED_CHECK.has(r.conclusion ?? "")) &&
    statuses.every((s) => s.state === "success");
  const names = [...runs.map((r) => r.name), ...statuses.map((s) => s.context)];
  const firstUrl = runs.length ? runUrl(runs[0]) : statuses[0]?.target_url ?? "";
  if (allPassed) {
    return { state: "done", conclusion: "success", name: names.join(", "), url: firstUrl };
  }
  // `stale` is answered by the API though its description does not list it.
  const cancelled = runs.find((r) => ["cancelled", "stale"].includes(String(r.conclusion)));
  if (cancelled) {
    return { state: "done", conclusion: "cancelled", name: cancelled.name, url: runUrl(cancelled) };
  }
  const odd = runs.find((r) => !PASSED_CHECK.has(r.conclusion ?? ""));
  return {
    state: "done",
    conclusion: "failure",
    name: odd?.name ?? names.join(", "),
    url: odd ? runUrl(odd) : firstUrl,
  };
}
