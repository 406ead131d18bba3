/**
 * PACE's branch hierarchy and its pull requests on Bitbucket Cloud: a
 * branch's head from `refs/branches/{name}`, a new branch pointed at its
 * parent's head commit, and a pull request looked for (by BBQL) before one
 * is opened. Bitbucket's pull requests have no labels: they are listed on
 * the description's last line instead.
 *
 * Scopes: `repository:write` to create branches, `pullrequest:write` to open
 * pull requests (Atlassian API tokens: `write:repository:bitbucket`,
 * `write:pullrequest:bitbucket`, with their `read:` pairs).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { ensureItem } from "../_pace/ensure.ts";
import { BaseBranchingAdapter } from "../base.ts";
import type { ResolvedContext } from "../types.ts";
import { BitbucketConnection, BODY_LIMIT, webUrl } from "./connection.ts";
import {
  findOpenPullRequest,
  mayBeOpenAlready,
  postPullRequest,
  type PullRequest,
} from "./pulls.ts";

/** A branch, as far as PACE reads it. */
interface Branch {
  name?: string;
  target?: { hash?: string };
}

/** Bitbucket refuses longer pull-request titles. */
const MAX_TITLE = 255;
/** Caps on the labels listed in a description. */
const MAX_LABEL = 50;
const MAX_LABELS = 20;

function oneLine(text: unknown, max: number): string {
  return String(text ?? "").replace(/\s+/g, " ").trim().slice(0, max);
}

/**
 * A pull request's description on Bitbucket: the body, cut so that the
 * labels still fit, then the labels on a last line of their own (Bitbucket's
 * pull requests have none).
 *
 * @example
 * ```ts ignore
 * pullRequestDescription("Ships sprint 1.", ["pace-release", "pace-sprint-1"]);
 * // "Ships sprint 1.\n\nLabels: pace-release, pace-sprint-1"
 * ```
 */
export function pullRequestDescription(body: string, labels: readonly string[]): string {
  const names = [...new Set(labels.map((label) => oneLine(label, MAX_LABEL)).filter(Boolean))]
    .slice(0, MAX_LABELS);
  const line = names.length ? `Labels: ${names.join(", ")}` : "";
  const room = BODY_LIMIT - (line ? line.length + 2 : 0);
  const text = String(body ?? "").slice(0, room).trimEnd();
  return [text, line].filter(Boolean).join("\n\n");
}

/** What a refusal means for the operation that got it: the scope to add, the rule it broke. */
function explain(error: unknown, what: string, scope: string, pull = false): unknown {
  if (!(error instanceof HttpError)) return error;
  if (error.status === 403) {
    return new Error(`${what}: ${error.message} — the credentials need the ${scope} scope`);
  }
  if (pull && error.status === 400 && /already/i.test(error.body)) {
    return new Error(
      `${what}: ${error.message} — Bitbucket keeps one open pull request per source branch, ` +
        "and this one already has one into another branch",
    );
  }
  return error;
}

/**
 * PACE's branches and pull requests on Bitbucket Cloud. Build it with
 * `getBranchingAdapter`, which follows `platform.ci`.
 *
 * @example
 * ```ts
 * import { getBranchingAdapter } from "@pace/platforms";
 * const branching = getBranchingAdapter("bitbucket", {
 *   env: {
 *     BITBUCKET_WORKSPACE: "acme",
 *     BITBUCKET_REPO_SLUG: "shop",
 *     BITBUCKET_API_TOKEN: "example-access-token",
 *   },
 * });
 * const sha = await branching.getBranchSha("main"); // its head commit, or undefined
 * ```
 */
export class BitbucketBranchingAdapter extends BaseBranchingAdapter {
  /** The registered platform name. */
  readonly platform = "bitbucket";
  readonly #bb: BitbucketConnection;

  /** Build from a resolved context (use the factory: `getBranchingAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#bb = new BitbucketConnection(context);
  }

  /** The branch's head commit (`target.hash`); `undefined` when Bitbucket has no such branch. */
  async getBranchSha(branch: string): Promise<string | undefined> {
    return await this.#head(branch);
  }

  /**
   * Create `newBranch` at `fromBranch`'s head. An existing `newBranch` is
   * left where it is (its parent need not exist); one that appears while
   * this runs (a concurrent run) counts as made.
   */
  async createBranch(newBranch: string, fromBranch: string): Promise<boolean> {
    const what = `branch ${newBranch}`;
    try {
      await ensureItem<string>({
        what,
        logger: this.logger,
        find: () => this.#head(newBranch),
        create: async () => {
          const parent = await this.#head(fromBranch);
          if (parent === undefined) {
            throw new Error(`cannot create ${newBranch}: its parent ${fromBranch} does not exist`);
          }
          await this.#bb.request<Branch>("POST", ["refs", "branches"], {
            json: { name: newBranch, target: { hash: parent } },
          });
          return parent;
        },
        // Bitbucket answers a name that is taken with a 400.
        ambiguous: (error) => error instanceof HttpError && error.status === 400,
      });
    } catch (error) {
      throw explain(
        error,
        `cannot create ${what}`,
        "repository:write (Atlassian API token: write:repository:bitbucket)",
      );
    }
    return true;
  }

  /**
   * Open the pull request `head → base`, or return the open one; the labels
   * are listed in the description.
   */
  async createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels: string[] = [],
  ): Promise<string> {
    const what = `pull request ${head} → ${base}`;
    let pull: PullRequest;
    try {
      pull = await ensureItem<PullRequest>({
        what,
        logger: this.logger,
        find: () => findOpenPullRequest(this.#bb, head, base),
        create: async () => {
          const created = await postPullRequest(this.#bb, {
            head,
            base,
            title: oneLine(title, MAX_TITLE) || `${head} into ${base}`,
            description: pullRequestDescription(body, Array.isArray(labels) ? labels : []),
          });
          this.logger.info(`${what}: opened ${webUrl(created)}`);
          return created;
        },
        ambiguous: mayBeOpenAlready,
      });
    } catch (error) {
      throw explain(
        error,
        `cannot open the ${what}`,
        "pullrequest:write (Atlassian API token: write:pullrequest:bitbucket)",
        true,
      );
    }
    const url = webUrl(pull);
    if (!url) throw new Error(`${what}: Bitbucket answered without its web link`);
    return url;
  }

  async #head(branch: string): Promise<string | undefined> {
    const found = await this.#bb.request<Branch | undefined>("GET", ["refs", "branches", branch], {
      accept: [404],
    });
    if (found === undefined) return undefined;
    const hash = found?.target?.hash;
    if (typeof hash !== "string" || !hash) {
      throw new Error(`branch ${branch}: Bitbucket answered without its head commit (target.hash)`);
    }
    return hash;
  }
}
