/**
 * GitLab CI under the forge CI flow: review merge requests, the pipelines of
 * a commit, project CI/CD variables. GitLab has no job-summary page: the
 * summary is `pace-summary.md` in the repository, which a pipeline keeps as
 * an artifact (`expose_as` links it from the merge request).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { CiApi } from "../_pace/forge_ci.ts";
import type { CiSnapshot } from "../types.ts";
import type { GitLabConnection } from "./connection.ts";
import { decidingPipeline, type GitLabJob, pipelineSnapshot, readPipelines } from "./pipelines.ts";

/**
 * Pipelines asked for per poll, newest first. GitLab leaves child pipelines
 * out of this list; a few more than one are read in case something does not.
 */
const PIPELINES_PER_POLL = 20;

/** Whether `name` is a CI/CD variable key as GitLab accepts it. */
function isVariableKey(name: unknown): name is string {
  return typeof name === "string" && /^[A-Za-z0-9_]{1,255}$/.test(name);
}

/**
 * The CI API of one GitLab project: review merge requests, the deciding
 * pipeline of a commit, project CI/CD variables (updated first, created when
 * absent). GitLab has no job-summary page: the summary is `pace-summary.md`.
 */
export function gitLabCi(gl: GitLabConnection): CiApi {
  // Short SHAs resolved to full ones: pipelines are filtered on the full SHA exactly.
  const fullShas = new Map<string, string>();
  const variable = (name: string) => gl.path(`variables/${encodeURIComponent(name)}`);
  return {
    reviewNoun: "review MR",
    pulls: async () => (await import("./branching.ts")).gitLabBranches(gl),
    defaultBranch: async () => (await gl.projectInfo()).default_branch || undefined,
    headMissing: (error) =>
      error instanceof HttpError && (error.status === 400 || error.status === 422) &&
      /source.?branch/i.test(error.body),
    async look(sha, signal) {
      const full = fullShas.get(sha) ?? await resolveSha(gl, sha, signal);
      if (!full) return { state: "none" };
      fullShas.set(sha, full);
      return await lookOnce(gl, full, signal);
    },
    variables: {
      problem: (name) =>
        isVariableKey(name)
          ? undefined
          : `invalid variable name "${name}": GitLab keys are letters, digits and _ (≤ 255)`,
      async read(name) {
        // Without usable settings there is no project to ask (the environment has answered).
        if (gl.problems.length) return undefined;
        const answer = await gl.http.request<{ value?: string }>("GET", variable(name), {
          accept: [404],
        });
        return typeof answer.data?.value === "string" ? answer.data.value : undefined;
      },
      async create(name, value) {
        await gl.send("POST", gl.path("variables"), { json: { key: name, value } });
      },
      async update(name, value) {
        const answer = await gl.http.request("PUT", variable(name), {
          json: { value },
          accept: [404],
        });
        return answer.status !== 404;
      },
      // Created meanwhile: 400 "has already been taken".
      exists: (error) =>
        error instanceof HttpError && error.status === 400 && /taken/.test(error.body),
      updateFirst: true,
      refusedWith: [401, 403],
      hint: "project variables need a token with the api scope and at least the Maintainer " +
        "role on the project",
    },
  };
}

/**
 * The full SHA of `sha`. A commit GitLab does not know yet may still be
 * pushed, so it reads as "nothing yet" (`undefined`) rather than an error.
 */
async function resolveSha(
  gl: GitLabConnection,
  sha: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (sha.length === 40) return sha.toLowerCase();
  const answer = await gl.http.request<{ id?: string }>(
    "GET",
    gl.path(`repository/commits/${encodeURIComponent(sha)}`),
    { signal, accept: [404] },
  );
  if (answer.status === 404 || typeof answer.data?.id !== "string") return undefined;
  return answer.data.id.toLowerCase();
}

/** One look: the newest pipelines of the commit; a manual one's jobs too. */
async function lookOnce(
  gl: GitLabConnection,
  sha: string,
  signal: AbortSignal,
): Promise<CiSnapshot> {
  const pipelines = readPipelines(
    await gl.send<unknown>("GET", gl.path("pipelines"), {
      query: { sha, order_by: "id", sort: "desc", per_page: PIPELINES_PER_POLL, page: 1 },
      signal,
    }),
  );
  const deciding = decidingPipeline(pipelines);
  if (!deciding) return { state: "none" };
  if (deciding.status !== "manual") return pipelineSnapshot(deciding);
  const jobs = await gl.all<GitLabJob>(gl.path(`pipelines/${deciding.id}/jobs`), {}, signal);
  return pipelineSnapshot(deciding, jobs);
}
