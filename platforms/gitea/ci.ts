/**
 * Gitea (and Forgejo) CI under the forge CI flow: review pull requests, the
 * commit statuses of a SHA, Actions repository variables and the job summary
 * (the runner's `GITHUB_STEP_SUMMARY` when it names one, else
 * `pace-summary.md`).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { CiApi } from "../_pace/forge_ci.ts";
import { variableNameProblem } from "../_pace/forge_variables.ts";
import type { Logger } from "../types.ts";
import type { GiteaConnection } from "./connection.ts";
import { classifyStatuses, type CommitStatus } from "./statuses.ts";

/** Pages of statuses read per poll at most (50 contexts a page). */
const STATUS_PAGES = 10;

/** The CI API of one Gitea repository; `logger` hears about labels it cannot create. */
export function giteaCi(gitea: GiteaConnection, logger: Logger): CiApi {
  const variable = (name: string) => gitea.path(`actions/variables/${encodeURIComponent(name)}`);
  return {
    // Gitea and Forgejo runners name the step's summary file as GitHub's do.
    summaryFile: "GITHUB_STEP_SUMMARY",
    pulls: async () => (await import("./branching.ts")).giteaBranches(gitea, logger),
    defaultBranch: async () => (await gitea.repository()).default_branch || undefined,
    // Gitea answers a head it does not have with a 404.
    headMissing: (error) => error instanceof HttpError && error.status === 404,
    // The latest status per context, first page; more only when the count says so.
    async look(sha, signal) {
      // A commit without statuses is answered with `statuses: null`; an answer
      // without the field at all is no combined status, and fails as such.
      const statuses = await gitea.all<CommitStatus>(
        gitea.path(`commits/${encodeURIComponent(sha)}/status`),
        {},
        signal,
        STATUS_PAGES,
        (data) =>
          typeof data === "object" && data !== null && "statuses" in data
            ? (data as { statuses: unknown }).statuses ?? []
            : data,
      );
      return classifyStatuses(statuses);
    },
    variables: {
      problem: (name) => variableNameProblem(name, ["GITHUB_", "GITEA_"]),
      // Gitea stores names upper-cased, and finds them by either case.
      async read(name) {
        const found = await gitea.find<{ data?: unknown }>(variable(name));
        return typeof found?.data === "string" ? found.data : undefined;
      },
      async create(name, value) {
        await gitea.send("POST", variable(name), { json: { value } });
      },
      async update(name, value) {
        const answer = await gitea.http.request("PUT", variable(name), {
          json: { value },
          accept: [404],
        });
        return answer.status !== 404;
      },
      // 409 (older versions: 400): it exists.
      exists: (error) =>
        error instanceof HttpError && (error.status === 409 || error.status === 400),
      refusedWith: [401, 403],
      hint: "Actions variables need a token with the write:repository scope " +
        "whose user administers the repository",
    },
  };
}
