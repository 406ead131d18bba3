/**
 * PACE's branch hierarchy and pull requests on Gitea (and Forgejo): branches
 * read with `GET …/branches/{branch}` and created with `POST …/branches`
 * from the parent's name, pull requests found by base and head and opened
 * with their labels by id. A branch name is one path segment
 * (`release%2Fv2.0`); the registry's guard has checked it as a git ref name
 * before any of this runs.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { ensureItem } from "../_pace/ensure.ts";
import { BaseBranchingAdapter } from "../base.ts";
import type { ResolvedContext } from "../types.ts";
import { BODY_LIMIT, GiteaConnection } from "./connection.ts";
import { GiteaLabels } from "./labels.ts";
import { ensurePull } from "./pulls.ts";

/**
 * Branches and pull requests on Gitea. Build it with
 * `getBranchingAdapter(config)` for a config whose `platform.ci` is `gitea`
 * (or `forgejo`).
 *
 * @example
 * ```ts
 * import { getBranchingAdapter } from "@pace/platforms";
 * const branching = getBranchingAdapter({ platform: { ci: "gitea", tracker: "gitea" } });
 * await branching.ensureHierarchy("v2.0", 1);
 * ```
 */
export class GiteaBranchingAdapter extends BaseBranchingAdapter {
  /** The registered platform name: `gitea` or `forgejo`. */
  readonly platform: string;
  readonly #gitea: GiteaConnection;
  readonly #labels: GiteaLabels;

  /** Build from a resolved context (use the factory: `getBranchingAdapter`). */
  constructor(context: ResolvedContext, platform: string, title: string) {
    super(context);
    this.platform = platform;
    this.#gitea = new GiteaConnection(context, title);
    this.#labels = new GiteaLabels(this.#gitea, this.logger);
  }

  /** The branch's head commit; `undefined` when it does not exist. */
  async getBranchSha(branch: string): Promise<string | undefined> {
    const gitea = this.#gitea;
    const found = await gitea.find<{ commit?: { id?: unknown } }>(
      gitea.path(`branches/${encodeURIComponent(branch)}`),
    );
    const sha = found?.commit?.id;
    return typeof sha === "string" && sha ? sha : undefined;
  }

  /** Create `newBranch` at `fromBranch`'s head; an existing branch is left where it is. */
  async createBranch(newBranch: string, fromBranch: string): Promise<boolean> {
    const gitea = this.#gitea;
    await ensureItem({
      what: `branch ${newBranch}`,
      logger: this.logger,
      find: () => this.getBranchSha(newBranch),
      create: async () => {
        await gitea.send("POST", gitea.path("branches"), {
          json: { new_branch_name: newBranch, old_ref_name: fromBranch },
        });
        this.logger.info(`created ${newBranch} from ${fromBranch}`);
        return newBranch;
      },
      // 409: it exists (created meanwhile) — or a tag has that name: looking again tells.
      ambiguous: (error) => error instanceof HttpError && error.status === 409,
    }).catch((error) => {
      if (error instanceof HttpError && error.status === 404) {
        throw new Error(
          `cannot create ${newBranch}: ${fromBranch} does not exist (${error.message})`,
        );
      }
      throw error;
    });
    return true;
  }

  /** The open pull request `head` → `base`, else a new one with `labels`; its URL. */
  async createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels: string[] = [],
  ): Promise<string> {
    const names = Array.isArray(labels) ? labels.filter((l) => typeof l === "string" && l) : [];
    const pull = await ensurePull(this.#gitea, {
      head,
      base,
      title: String(title ?? ""),
      body: String(body ?? "").slice(0, BODY_LIMIT),
      labels: () => this.#labels.ids(names),
      what: `pull request ${head} → ${base}`,
      logger: this.logger,
    });
    return pull.html_url;
  }
}
