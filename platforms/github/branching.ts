/**
 * GitHub branching: PACE's branches as Git references, and the pull requests
 * between them. A branch is read with `GET git/ref/heads/NAME` and created
 * with `POST git/refs` at its parent's head; a pull request is found by
 * `head=owner:HEAD`, `base` and `state=open` before one is opened, and its
 * labels are added through the issues API (GitHub's create call takes none).
 *
 * Token permissions: `contents: write` to create branches (`contents: read`
 * to look them up), `pull-requests: write` to open pull requests and label
 * them (`issues: write` also labels). A token without push access may open
 * the pull request but not label it: that is a warning, the pull request
 * still counts.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { ensureItem } from "../_pace/ensure.ts";
import { BaseBranchingAdapter } from "../base.ts";
import type { ResolvedContext } from "../types.ts";
import { BODY_LIMIT, type Data, GitHubConnection } from "./connection.ts";

/** What PACE reads of a pull request, listed or created. */
type PullRequest = Pick<Data<"GET /repos/{owner}/{repo}/pulls">[number], "number" | "html_url"> & {
  labels: readonly { name?: string }[];
};

/** GitHub refuses longer titles. */
const TITLE_LIMIT = 256;
const LABELS_HINT = "labelling a pull request needs push access to the repository " +
  '(a token with "pull-requests: write" or "issues: write")';

/** The labels asked for: strings, trimmed, non-empty, each once. */
function cleanLabels(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  const names = labels.filter((l): l is string => typeof l === "string").map((l) => l.trim());
  return [...new Set(names.filter(Boolean))];
}

function isStatus(error: unknown, ...statuses: number[]): error is HttpError {
  return error instanceof HttpError && statuses.includes(error.status);
}

/**
 * GitHub branching over the REST API. Build it with `getBranchingAdapter`
 * for a config whose CI platform is `github`.
 *
 * @example
 * ```ts
 * import { getBranchingAdapter } from "@pace/platforms";
 * const branching = getBranchingAdapter(
 *   { platform: { ci: "github", tracker: "github" } },
 *   { env: { GITHUB_TOKEN: "ghp_example", GITHUB_REPOSITORY: "octo/repo" } },
 * );
 * const created = await branching.ensureHierarchy("v2.0", 1);
 * ```
 */
export class GitHubBranchingAdapter extends BaseBranchingAdapter {
  /** The registered platform name. */
  readonly platform = "github";
  readonly #gh: GitHubConnection;

  /** Build from a resolved context (use the factory: `getBranchingAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#gh = new GitHubConnection(context);
  }

  /** The branch's head commit; `undefined` when it does not exist. */
  getBranchSha(branch: string): Promise<string | undefined> {
    return this.#head(branch);
  }

  /** Create `newBranch` at `fromBranch`'s head, unless it exists (then it is left where it is). */
  async createBranch(newBranch: string, fromBranch: string): Promise<boolean> {
    const gh = this.#gh;
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
          await gh.request("POST /repos/{owner}/{repo}/git/refs", {
            ref: `refs/heads/${newBranch}`,
            sha,
          });
        } catch (error) {
          if (!isStatus(error, 403)) throw error;
          throw new Error(
            `cannot create ${newBranch}: creating branches needs a token with ` +
              `"contents: write" (${error.message})`,
          );
        }
        this.logger.info(`created ${newBranch} at ${sha.slice(0, 7)}, the head of ${fromBranch}`);
        return sha;
      },
      // Created meanwhile (a concurrent run, or a create whose answer was lost).
      ambiguous: (error) => isStatus(error, 422) && /Reference already exists/i.test(error.body),
    });
    return true;
  }

  /** Find the open pull request `head` → `base`, else open it; its URL. Missing labels are added. */
  async createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels: string[] = [],
  ): Promise<string> {
    const gh = this.#gh;
    const what = `pull request ${head} → ${base}`;
    const pull = await ensureItem<PullRequest>({
      what,
      logger: this.logger,
      find: async () => {
        const open = await gh.all(
          "GET /repos/{owner}/{repo}/pulls",
          { head: `${gh.owner}:${head}`, base, state: "open" },
          (data) => data,
        );
        // GitHub ignores a filter it cannot read: check what came back.
        const label = `${gh.owner}:${head}`.toLowerCase();
        return open.find((p) =>
          p.state === "open" && p.head.ref === head && p.base.ref === base &&
          p.head.label.toLowerCase() === label
        );
      },
      create: async () => {
        const text = String(body ?? "");
        const { data } = await gh.request("POST /repos/{owner}/{repo}/pulls", {
          title: String(title ?? "").trim().slice(0, TITLE_LIMIT) || `${head} into ${base}`,
          head,
          base,
          body: text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}\n\n…(truncated)` : text,
        });
        this.logger.info(`${what}: opened ${data.html_url}`);
        return data;
      },
      // "A pull request already exists for owner:head." — opened by a concurrent run.
      ambiguous: (error) => isStatus(error, 422) && /already exists/i.test(error.body),
    });
    await this.#addLabels(pull, cleanLabels(labels), what);
    return pull.html_url;
  }

  /** The head commit of `branch`, `undefined` when it (or any branch: an empty repository) is absent. */
  async #head(branch: string): Promise<string | undefined> {
    try {
      const { data } = await this.#gh.requestWithSegments(
        "GET /repos/{owner}/{repo}/git/ref/{ref}",
        { ref: `heads/${branch}` },
      );
      const sha: unknown = data?.object?.sha;
      if (typeof sha !== "string" || !/^[0-9a-f]{40}$/i.test(sha)) {
        throw new Error(`GitHub answered something that is not the ref of ${branch}`);
      }
      return sha.toLowerCase();
    } catch (error) {
      // 409 "Git Repository is empty.": no branch at all.
      if (isStatus(error, 404, 409)) return undefined;
      throw error;
    }
  }

  /**
   * Add the labels the pull request lacks. A refusal (a token without push
   * access) or labels dropped from the answer is a warning: the pull request
   * is open all the same.
   */
  async #addLabels(pull: PullRequest, wanted: string[], what: string): Promise<void> {
    const has = new Set(pull.labels.map((label) => label.name?.toLowerCase()));
    const missing = wanted.filter((label) => !has.has(label.toLowerCase()));
    if (!missing.length) return;
    let answered: string[];
    try {
      const { data } = await this.#gh.request(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
        { issue_number: pull.number, labels: missing },
      );
      answered = data.map((label) => label.name.toLowerCase());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `${what}: labels ${missing.join(", ")} not added (${reason}); ${LABELS_HINT}`,
      );
      return;
    }
    const dropped = missing.filter((label) => !answered.includes(label.toLowerCase()));
    if (dropped.length) {
      this.logger.warn(`${what}: GitHub dropped the labels ${dropped.join(", ")}; ${LABELS_HINT}`);
    }
  }
}
