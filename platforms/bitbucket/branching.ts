/**
 * Bitbucket Cloud under the forge branching flow: a branch's head from
 * `refs/branches/{name}`, a new branch pointed at its parent's head commit,
 * and a pull request looked for (by BBQL) before one is opened. Bitbucket's
 * pull requests have no labels: they are listed on the description's last
 * line instead.
 *
 * Scopes: `repository:write` to create branches, `pullrequest:write` to open
 * pull requests (Atlassian API tokens: `write:repository:bitbucket`,
 * `write:pullrequest:bitbucket`, with their `read:` pairs).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { BranchApi, ForgePull } from "../_pace/forge_branching.ts";
import { bbqlString, type BitbucketConnection, BODY_LIMIT, webUrl } from "./connection.ts";
import {
  findOpenPullRequest,
  listPullRequests,
  mayBeOpenAlready,
  postPullRequest,
  type PullRequest,
} from "./pulls.ts";

/** A branch, as far as PACE reads it. */
interface Branch {
  name?: string;
  target?: { hash?: string };
}

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

/** Its web page; a pull request without one is no answer PACE can return. */
function toForgePull(pull: PullRequest): ForgePull {
  const url = webUrl(pull);
  if (!url) throw new Error(`pull request ${pull.id}: Bitbucket answered without its web link`);
  // No labels: they live in the description.
  return { id: pull.id, url };
}

/** The branch API of one Bitbucket repository. */
export function bitbucketBranches(bb: BitbucketConnection): BranchApi {
  return {
    forge: "Bitbucket",
    // Bitbucket refuses longer pull-request titles.
    titleLimit: 255,
    bodyLimit: BODY_LIMIT,
    hints: {
      branch: "the credentials need the repository:write scope " +
        "(Atlassian API token: write:repository:bitbucket)",
      pull: "the credentials need the pullrequest:write scope " +
        "(Atlassian API token: write:pullrequest:bitbucket)",
    },

    async head(branch) {
      const found = await bb.request<Branch | undefined>("GET", ["refs", "branches", branch], {
        accept: [404],
      });
      if (found === undefined) return undefined;
      const hash = found?.target?.hash;
      if (typeof hash !== "string" || !hash) {
        throw new Error(
          `branch ${branch}: Bitbucket answered without its head commit (target.hash)`,
        );
      }
      return hash;
    },

    async createRef(branch, from) {
      await bb.request<Branch>("POST", ["refs", "branches"], {
        json: { name: branch, target: { hash: from.sha } },
      });
    },

    // Bitbucket answers a name that is taken with a 400.
    createdMeanwhile: (error) => error instanceof HttpError && error.status === 400,

    async findOpenPull(head, base) {
      const found = await findOpenPullRequest(bb, head, base);
      return found && toForgePull(found);
    },

    // One open pull request per source branch: the source alone finds the review.
    async findReviewPull(head) {
      const q = `source.branch.name = ${bbqlString(head)}`;
      const mine = (await listPullRequests(bb, q, ["OPEN", "MERGED"]))
        .filter((p) => p.source?.branch?.name === head);
      const found = mine.find((p) => p.state === "OPEN") ?? mine.find((p) => p.state === "MERGED");
      return found && toForgePull(found);
    },

    async openPull({ head, base, title, body, labels }) {
      const created = await postPullRequest(bb, {
        head,
        base,
        title,
        description: pullRequestDescription(body, labels),
      });
      return toForgePull(created);
    },

    pullCreatedMeanwhile: mayBeOpenAlready,

    explainRefusal: (error) =>
      error instanceof HttpError && error.status === 400 && /already/i.test(error.body)
        ? "Bitbucket keeps one open pull request per source branch, " +
          "and this one already has one into another branch"
        : undefined,
  };
}
