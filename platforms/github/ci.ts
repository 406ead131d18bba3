/**
 * GitHub CI under the forge CI flow: check runs plus commit statuses (one
 * look per poll, conditional GETs), Actions variables and the step summary;
 * review PRs go through the branch API.
 *
 * @module
 */

import { notAListError } from "../_core/http.ts";
import { type CiApi, ForgeCI } from "../_pace/forge_ci.ts";
import { variableNameProblem } from "../_pace/forge_variables.ts";
import type { CiSnapshot, ResolvedContext } from "../types.ts";
import { type Data, GitHubConnection, isStatus, PER_PAGE } from "./connection.ts";

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
export class GitHubCIAdapter extends ForgeCI {
  readonly #gh: GitHubConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`). */
  constructor(context: ResolvedContext) {
    const gh = new GitHubConnection(context);
    super(context, "github", gitHubCi(gh));
    this.#gh = gh;
  }

  /** Polls answered 304 Not Modified so far. */
  get notModifiedCount(): number {
    return this.#gh.notModified;
  }
}

/** The CI API of one GitHub repository. */
function gitHubCi(gh: GitHubConnection): CiApi {
  return {
    summaryFile: "GITHUB_STEP_SUMMARY",
    pulls: async () => (await import("./branching.ts")).gitHubBranches(gh),
    defaultBranch: async () => (await gh.request("GET /repos/{owner}/{repo}")).data.default_branch,
    // "head invalid", or "No commits between main and pace/review-day-14".
    headMissing: (error) =>
      isStatus(error, 422) && /head|No commits/i.test(error.message + error.body),
    look: (sha, signal) => look(gh, sha, signal),
    variables: {
      problem: (name) => variableNameProblem(name, ["GITHUB_"]),
      async read(name) {
        try {
          return (await gh.request("GET /repos/{owner}/{repo}/actions/variables/{name}", { name }))
            .data.value;
        } catch (error) {
          if (isStatus(error, 404)) return undefined;
          throw error;
        }
      },
      async create(name, value) {
        await gh.request("POST /repos/{owner}/{repo}/actions/variables", { name, value });
      },
      async update(name, value) {
        try {
          await gh.request("PATCH /repos/{owner}/{repo}/actions/variables/{name}", { name, value });
          return true;
        } catch (error) {
          if (isStatus(error, 404)) return false;
          throw error;
        }
      },
      exists: (error) => isStatus(error, 409),
      refusedWith: [403, 404],
      hint: 'the token needs the "Variables: write" repository permission (fine-grained) ' +
        "or the repo scope (classic)",
    },
  };
}

/** The list an answer must carry; else the one not-a-list error, never "no CI". */
function listed<T>(items: T[] | undefined, route: string): T[] {
  if (!Array.isArray(items)) throw notAListError("GitHub", `GET …/commits/{ref}/${route}`);
  return items;
}

/** One look: the first pages of check runs and of statuses together, more when they are full. */
async function look(gh: GitHubConnection, ref: string, signal: AbortSignal): Promise<CiSnapshot> {
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
  const runs = [...listed(firstRuns.check_runs, "check-runs")];
  const statuses = [...listed(firstStatuses.statuses, "status")];
  const runPages = Math.min(50, Math.ceil(firstRuns.total_count / PER_PAGE));
  if (firstRuns.check_runs.length === PER_PAGE && runPages > 1) {
    const rest = await Promise.all(
      Array.from({ length: runPages - 1 }, (_, i) => runsPage(i + 2)),
    );
    for (const data of rest) runs.push(...listed(data.check_runs, "check-runs"));
  }
  for (let page = 2; page <= 10 && statuses.length === (page - 1) * PER_PAGE; page++) {
    statuses.push(...listed((await statusPage(page)).statuses, "status"));
  }
  return classify(runs, statuses);
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
