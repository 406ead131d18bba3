/**
 * GitLab branching: PACE's branches in the project's repository, and the
 * merge requests between them. A branch is read with
 * `GET repository/branches/:branch` (the name URL-encoded as ONE path
 * segment) and created with `POST repository/branches` at its parent's head
 * commit; a merge request is found by `source_branch`, `target_branch` and
 * `state=opened` before one is opened, with its labels.
 *
 * Token: a personal, project or group access token with the `api` scope, for
 * a user with at least the Developer role (creating branches and merge
 * requests, setting their labels). A protected branch may need more.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { ensureItem } from "../_pace/ensure.ts";
import { BaseBranchingAdapter } from "../base.ts";
import type { ResolvedContext } from "../types.ts";
import { BODY_LIMIT, GitLabConnection } from "./connection.ts";

/** What PACE reads of a branch. */
interface Branch {
  name: string;
  commit: { id: string };
}

/** What PACE reads of a merge request. */
interface MergeRequest {
  iid: number;
  web_url: string;
  state: string;
  source_branch: string;
  target_branch: string;
  labels?: string[];
}

/** GitLab refuses longer merge request titles. */
const TITLE_LIMIT = 255;
const ROLE_HINT = "the token's user needs at least the Developer role (and the api scope)";

/** The labels asked for: strings, trimmed, non-empty, each once. GitLab splits on commas. */
function cleanLabels(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  const names = labels.filter((l): l is string => typeof l === "string")
    .flatMap((l) => l.split(",")).map((l) => l.trim());
  return [...new Set(names.filter(Boolean))];
}

function isStatus(error: unknown, ...statuses: number[]): error is HttpError {
  return error instanceof HttpError && statuses.includes(error.status);
}

/**
 * GitLab branching over REST v4. Build it with `getBranchingAdapter` for a
 * config whose CI platform is `gitlab`.
 *
 * @example
 * ```ts
 * import { getBranchingAdapter } from "@pace/platforms";
 * const branching = getBranchingAdapter(
 *   { platform: { ci: "gitlab", tracker: "gitlab" } },
 *   { env: { GITLAB_TOKEN: "glpat-example", GITLAB_PROJECT: "group/sub/repo" } },
 * );
 * const created = await branching.ensureHierarchy("v2.0", 1);
 * ```
 */
export class GitLabBranchingAdapter extends BaseBranchingAdapter {
  /** The registered platform name. */
  readonly platform = "gitlab";
  readonly #gl: GitLabConnection;

  /** Build from a resolved context (use the factory: `getBranchingAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#gl = new GitLabConnection(context);
  }

  /** The branch's head commit; `undefined` when it does not exist. */
  getBranchSha(branch: string): Promise<string | undefined> {
    return this.#head(branch);
  }

  /** Create `newBranch` at `fromBranch`'s head, unless it exists (then it is left where it is). */
  async createBranch(newBranch: string, fromBranch: string): Promise<boolean> {
    const gl = this.#gl;
    await ensureItem({
      what: `branch ${newBranch}`,
      logger: this.logger,
      find: () => this.#head(newBranch),
      create: async () => {
        const sha = await this.#head(fromBranch);
        if (sha === undefined) {
          throw new Error(`cannot create ${newBranch}: ${fromBranch} does not exist`);
        }
        try {
          // The commit, not the name: a tag called like the parent cannot stand in for it.
          await gl.send("POST", gl.path("repository/branches"), {
            json: { branch: newBranch, ref: sha },
          });
        } catch (error) {
          if (!isStatus(error, 403)) throw error;
          throw new Error(`cannot create ${newBranch}: ${ROLE_HINT} (${error.message})`);
        }
        this.logger.info(`created ${newBranch} at ${sha.slice(0, 8)}, the head of ${fromBranch}`);
        return sha;
      },
      // Created meanwhile (a concurrent run, or a create whose answer was lost).
      ambiguous: (error) => isStatus(error, 400) && /Branch already exists/i.test(error.body),
    });
    return true;
  }

  /** Find the open merge request `head` → `base`, else open it with its labels; its URL. */
  async createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels: string[] = [],
  ): Promise<string> {
    const gl = this.#gl;
    const wanted = cleanLabels(labels);
    const what = `merge request ${head} → ${base}`;
    const mr = await ensureItem<MergeRequest>({
      what,
      logger: this.logger,
      find: async () => {
        const open = await gl.all<MergeRequest>(gl.path("merge_requests"), {
          source_branch: head,
          target_branch: base,
          state: "opened",
        });
        return open.find((m) =>
          m.state === "opened" && m.source_branch === head && m.target_branch === base
        );
      },
      create: async () => {
        const text = String(body ?? "");
        const created = await gl.send<MergeRequest>("POST", gl.path("merge_requests"), {
          json: {
            source_branch: head,
            target_branch: base,
            title: String(title ?? "").trim().slice(0, TITLE_LIMIT) || `${head} into ${base}`,
            description: text.length > BODY_LIMIT
              ? `${text.slice(0, BODY_LIMIT)}\n\n…(truncated)`
              : text,
            ...(wanted.length ? { labels: wanted.join(",") } : {}),
          },
        });
        this.logger.info(`${what}: opened ${created.web_url}`);
        const has = new Set((created.labels ?? []).map((label) => label.toLowerCase()));
        const dropped = wanted.filter((label) => !has.has(label.toLowerCase()));
        if (dropped.length) {
          this.logger.warn(
            `${what}: GitLab dropped the labels ${dropped.join(", ")}; ${ROLE_HINT}`,
          );
        }
        return created;
      },
      // "Another open merge request already exists for this source branch" — a concurrent run.
      ambiguous: (error) => isStatus(error, 409),
    });
    return mr.web_url;
  }

  /** The head commit of `branch`; `undefined` when GitLab has no such branch. */
  async #head(branch: string): Promise<string | undefined> {
    const gl = this.#gl;
    let found: Branch;
    try {
      found = await gl.send<Branch>(
        "GET",
        gl.path(`repository/branches/${encodeURIComponent(branch)}`),
      );
    } catch (error) {
      // "404 Project Not Found" is no answer about the branch: it stays an error.
      if (isStatus(error, 404) && /Branch Not Found/i.test(error.body)) {
        return undefined;
      }
      throw error;
    }
    const id: unknown = found?.commit?.id;
    if (typeof id !== "string" || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(id)) {
      throw new Error(`GitLab answered something that is not the branch ${branch}`);
    }
    return id.toLowerCase();
  }
}
