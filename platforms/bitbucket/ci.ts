/**
 * Bitbucket Pipelines as CI: review pull requests, pipelines for a commit,
 * repository pipeline variables. The daily summary is a log line and the job
 * summary goes to `pace-summary.md` (archive it as an artifact).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { ensureItem } from "../_pace/ensure.ts";
import { loadReviewTools } from "../_pace/review_tools.ts";
import { BaseCIAdapter } from "../base.ts";
import type { CiResult, ResolvedContext, WaitOptions } from "../types.ts";
import { bbqlString, BitbucketConnection, BODY_LIMIT, webUrl } from "./connection.ts";
import { lookAtPipelines } from "./pipelines.ts";
import { listPullRequests, mayBeOpenAlready, postPullRequest, type PullRequest } from "./pulls.ts";

interface Variable {
  uuid: string;
  key: string;
  value?: string;
  secured?: boolean;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Bitbucket Pipelines as CI: review pull requests, pipelines for a commit,
 * repository pipeline variables. Build it with `getCIAdapter("bitbucket", context)`.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("bitbucket", {
 *   env: {
 *     BITBUCKET_WORKSPACE: "acme",
 *     BITBUCKET_REPO_SLUG: "shop",
 *     BITBUCKET_API_TOKEN: "example-access-token",
 *   },
 * });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * ```
 */
export class BitbucketCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "bitbucket";
  readonly #bb: BitbucketConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#bb = new BitbucketConnection(context);
  }

  /** Open (or find) the review PR for a human-gate day; its URL. */
  async openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    const bb = this.#bb;
    const { reviewPlan, toMarkdown } = await loadReviewTools();
    const plan = await reviewPlan(day, this.path(paceDir), this.logger, contextNote);
    let main = "the main branch";
    try {
      const pull = await ensureItem<PullRequest>({
        what: `review PR for day ${day}`,
        logger: this.logger,
        find: () => this.#findReviewPr(plan.branch),
        create: async () => {
          const repo = await bb.repository();
          if (!repo.mainbranch?.name) {
            throw new Error(`${bb.workspace}/${bb.repoSlug} has no main branch`);
          }
          main = repo.mainbranch.name;
          const created = await postPullRequest(bb, {
            head: plan.branch,
            base: main,
            title: plan.title,
            description: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
          });
          this.logger.info(`review PR for day ${day}: created ${webUrl(created)}`);
          return created;
        },
        ambiguous: mayBeOpenAlready,
      });
      return webUrl(pull);
    } catch (error) {
      if (
        error instanceof HttpError && error.status === 400 && !/already/i.test(error.body) &&
        /branch/i.test(error.body)
      ) {
        throw new Error(
          `cannot open the review PR: branch ${plan.branch} must exist on Bitbucket with ` +
            `commits not in ${main}; push it first (${error.message})`,
        );
      }
      throw error;
    }
  }

  /** The open review PR from `branch`, else a merged one (the review that happened). */
  async #findReviewPr(branch: string): Promise<PullRequest | undefined> {
    const pulls = await listPullRequests(this.#bb, `source.branch.name = ${bbqlString(branch)}`, [
      "OPEN",
      "MERGED",
    ]);
    const mine = pulls.filter((p) => p.source?.branch?.name === branch);
    return mine.find((p) => p.state === "OPEN") ?? mine.find((p) => p.state === "MERGED");
  }

  /** Poll until the commit's newest pipeline ends. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    return this.poll(sha, options, (signal) => lookAtPipelines(this.#bb, sha, signal));
  }

  /** Set a repository pipeline variable: update it by uuid if it exists, else create it. */
  override async setVariable(name: string, value: string): Promise<boolean> {
    if (!VARIABLE_NAME.test(name)) {
      throw new Error(
        `invalid variable name "${name}": ASCII letters, digits and _, not starting with a digit`,
      );
    }
    const bb = this.#bb;
    let created = false;
    try {
      const variable = await ensureItem<Variable>({
        what: `variable ${name}`,
        logger: this.logger,
        find: () => this.#findVariable(name),
        create: async () => {
          const made = await bb.request<Variable>("POST", ["pipelines_config", "variables"], {
            json: { key: name, value: String(value), secured: false },
          });
          created = true;
          return made;
        },
        // 409: created meanwhile, by a concurrent run: update what is there.
        ambiguous: (error) => error instanceof HttpError && error.status === 409,
      });
      if (!created) {
        await bb.request("PUT", ["pipelines_config", "variables", variable.uuid], {
          json: { key: name, value: String(value), secured: variable.secured ?? false },
        });
      }
    } catch (error) {
      throw explainVariables(error);
    }
    this.logger.info(`variable ${name} ${created ? "created" : "updated"}`);
    return true;
  }

  /** A repository pipeline variable; a secured one's value is never revealed. */
  protected override async readStoredVariable(name: string): Promise<string | undefined> {
    const variable = await this.#findVariable(name);
    if (variable?.secured) {
      this.logger.warn(`variable ${name} is secured: Bitbucket does not reveal its value`);
      return undefined;
    }
    return variable?.value;
  }

  /** The variable called `name`, looked for across every page. */
  async #findVariable(name: string): Promise<Variable | undefined> {
    for await (const batch of this.#bb.pages<Variable>(["pipelines_config", "variables"])) {
      const found = batch.find((v) => v.key === name);
      if (found) return found;
    }
    return undefined;
  }
}

function explainVariables(error: unknown): unknown {
  if (error instanceof HttpError && error.status === 403) {
    return new Error(
      `${error.message} — the credentials need the pipeline:variable scope ` +
        `(app password: Pipelines "Edit variables"; access token: "Pipelines: Admin")`,
    );
  }
  return error;
}
