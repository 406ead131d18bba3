/**
 * GitLab CI: review merge requests, the pipelines of a commit, project CI/CD
 * variables and the job summary. GitLab has no job-summary page: the summary
 * is `pace-summary.md` in the repository, which a pipeline keeps as an
 * artifact (`expose_as` links it from the merge request).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { loadReviewTools } from "../_pace/review_tools.ts";
import { BaseCIAdapter } from "../base.ts";
import type { CiResult, CiSnapshot, ResolvedContext, WaitOptions } from "../types.ts";
import { BODY_LIMIT, GitLabConnection } from "./connection.ts";
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

interface MergeRequest {
  iid: number;
  web_url: string;
  state: string;
  source_branch: string;
}

/**
 * GitLab CI: review merge requests, pipelines for a commit, project CI/CD
 * variables, the job summary (`pace-summary.md`). Build it with
 * `getCIAdapter("gitlab", context)`.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("gitlab", {
 *   env: { GITLAB_TOKEN: "glpat-example", GITLAB_PROJECT: "group/sub/repo" },
 * });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * ```
 */
export class GitLabCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "gitlab";
  readonly #gl: GitLabConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#gl = new GitLabConnection(context);
  }

  /** Open (or find) the open review MR for a human-gate day; its URL. */
  async openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    const gl = this.#gl;
    const { reviewPlan, toMarkdown, ensureItem } = await loadReviewTools();
    const plan = await reviewPlan(day, this.path(paceDir), this.logger, contextNote);
    const find = async () => {
      const open = await gl.all<MergeRequest>(gl.path("merge_requests"), {
        source_branch: plan.branch,
        state: "opened",
      });
      return open.find((mr) => mr.source_branch === plan.branch && mr.state === "opened");
    };
    try {
      const mr = await ensureItem({
        what: `review MR for day ${day}`,
        logger: this.logger,
        find,
        create: async () => {
          const project = await gl.projectInfo();
          if (!project.default_branch) {
            throw new Error(`project ${gl.project} has no default branch (is it empty?)`);
          }
          const created = await gl.send<MergeRequest>("POST", gl.path("merge_requests"), {
            json: {
              source_branch: plan.branch,
              target_branch: project.default_branch,
              title: plan.title,
              description: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
            },
          });
          this.logger.info(`review MR for day ${day}: created ${created.web_url}`);
          return created;
        },
        // A 409 can be an MR opened by a concurrent run: look again before failing.
        ambiguous: (error) => error instanceof HttpError && error.status === 409,
      });
      return mr.web_url;
    } catch (error) {
      if (
        error instanceof HttpError && (error.status === 400 || error.status === 422) &&
        /source.?branch/i.test(error.body)
      ) {
        throw new Error(
          `cannot open the review MR: branch ${plan.branch} must exist on GitLab; ` +
            `push it first (${error.message})`,
        );
      }
      throw error;
    }
  }

  /** Poll until the commit's deciding pipeline ends. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    let fullSha: string | undefined;
    return this.poll(sha, options, async (signal) => {
      fullSha ??= await this.#resolveSha(sha, signal);
      return fullSha ? await this.#lookOnce(fullSha, signal) : { state: "none" };
    });
  }

  /**
   * The full SHA: pipelines are filtered on it exactly. A short SHA is looked
   * up; a commit GitLab does not know yet may still be pushed, so it reads as
   * "nothing yet" (`undefined`) rather than an error.
   */
  async #resolveSha(sha: string, signal: AbortSignal): Promise<string | undefined> {
    if (sha.length === 40) return sha.toLowerCase();
    const gl = this.#gl;
    const answer = await gl.http.request<{ id?: string }>(
      "GET",
      gl.path(`repository/commits/${encodeURIComponent(sha)}`),
      { signal, accept: [404] },
    );
    if (answer.status === 404 || typeof answer.data?.id !== "string") return undefined;
    return answer.data.id.toLowerCase();
  }

  async #lookOnce(sha: string, signal: AbortSignal): Promise<CiSnapshot> {
    const gl = this.#gl;
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

  /** Update the project CI/CD variable, or create it when absent. */
  override async setVariable(name: string, value: string): Promise<boolean> {
    if (!isVariableKey(name)) {
      throw new Error(
        `invalid variable name "${name}": GitLab keys are letters, digits and _ (≤ 255)`,
      );
    }
    const gl = this.#gl;
    const update = () =>
      gl.http.request("PUT", gl.path(`variables/${encodeURIComponent(name)}`), {
        json: { value: String(value) },
        accept: [404],
      });
    try {
      if ((await update()).status !== 404) return true;
      try {
        await gl.send("POST", gl.path("variables"), { json: { key: name, value: String(value) } });
      } catch (error) {
        // Created meanwhile (400 "has already been taken"), or maybe created (5xx): update.
        const maybeExists = error instanceof HttpError &&
          ((error.status === 400 && /taken/.test(error.body)) || error.status >= 500);
        if (!maybeExists || (await update()).status === 404) throw error;
      }
      return true;
    } catch (error) {
      throw explainVariables(error);
    }
  }

  /** A project CI/CD variable; `undefined` when it does not exist. */
  protected override async readStoredVariable(name: string): Promise<string | undefined> {
    // Without usable settings there is no project to ask (the environment has answered).
    if (this.#gl.problems.length || !isVariableKey(name)) return undefined;
    const gl = this.#gl;
    const answer = await gl.http.request<{ value?: string }>(
      "GET",
      gl.path(`variables/${encodeURIComponent(name)}`),
      { accept: [404] },
    );
    if (answer.status === 404) return undefined;
    return typeof answer.data?.value === "string" ? answer.data.value : undefined;
  }
}

function explainVariables(error: unknown): unknown {
  if (error instanceof HttpError && (error.status === 403 || error.status === 401)) {
    return new Error(
      `${error.message} — project variables need a token with the api scope and at least ` +
        `the Maintainer role on the project`,
    );
  }
  return error;
}
