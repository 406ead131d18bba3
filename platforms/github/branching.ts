/**
 * GitHub branching under the forge branching flow: PACE's branches as Git
 * references, and the pull requests between them. A branch is read with
 * `GET git/ref/heads/NAME` and created with `POST git/refs` at its parent's
 * head; a pull request is found by `head=owner:HEAD`, `base` and
 * `state=open` (`state=all` for a review, which a merged one ends), and its
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

import type { BranchApi, ForgePull } from "../_pace/forge_branching.ts";
import { BODY_LIMIT, type Data, type GitHubConnection, isStatus } from "./connection.ts";

type Pull =
  | Data<"GET /repos/{owner}/{repo}/pulls">[number]
  | Data<"POST /repos/{owner}/{repo}/pulls">;

function toForgePull(pull: Pull): ForgePull {
  return {
    id: pull.number,
    url: pull.html_url,
    labels: pull.labels.map((label) => label.name ?? ""),
  };
}

/** The branch API of one GitHub repository. */
export function gitHubBranches(gh: GitHubConnection): BranchApi {
  /** The pull requests `head` → `base` in `state`. */
  const pulls = async (head: string, base: string, state: "open" | "all") => {
    const label = `${gh.owner}:${head}`;
    const listed = await gh.all(
      "GET /repos/{owner}/{repo}/pulls",
      { head: label, base, state },
      (data) => data,
    );
    // GitHub ignores a filter it cannot read: check what came back.
    return listed.filter((p) =>
      p.head.ref === head && p.base.ref === base &&
      p.head.label.toLowerCase() === label.toLowerCase()
    );
  };
  return {
    forge: "GitHub",
    // GitHub refuses longer titles.
    titleLimit: 256,
    bodyLimit: BODY_LIMIT,
    hints: {
      branch: 'creating branches needs a token with "contents: write"',
      pull: 'opening pull requests needs a token with "pull-requests: write"',
      labels: "labelling a pull request needs push access to the repository " +
        '(a token with "pull-requests: write" or "issues: write")',
    },

    async head(branch) {
      try {
        const { data } = await gh.requestWithSegments("GET /repos/{owner}/{repo}/git/ref/{ref}", {
          ref: `heads/${branch}`,
        });
        const sha: unknown = data?.object?.sha;
        if (typeof sha !== "string" || !/^[0-9a-f]{40}$/i.test(sha)) {
          throw new Error(`GitHub answered something that is not the ref of ${branch}`);
        }
        return sha.toLowerCase();
      } catch (error) {
        // 409 "Git Repository is empty.": no branch at all.
        if (isStatus(error, 404) || isStatus(error, 409)) return undefined;
        throw error;
      }
    },

    async createRef(branch, from) {
      await gh.request("POST /repos/{owner}/{repo}/git/refs", {
        ref: `refs/heads/${branch}`,
        sha: from.sha,
      });
    },

    createdMeanwhile: (error) =>
      isStatus(error, 422) && /Reference already exists/i.test(error.body),

    async findOpenPull(head, base) {
      const found = (await pulls(head, base, "open")).find((p) => p.state === "open");
      return found && toForgePull(found);
    },

    async findReviewPull(head, base) {
      const mine = await pulls(head, base, "all");
      const found = mine.find((p) => p.state === "open") ?? mine.find((p) => p.merged_at);
      return found && toForgePull(found);
    },

    async openPull({ head, base, title, body }) {
      const { data } = await gh.request("POST /repos/{owner}/{repo}/pulls", {
        title,
        head,
        base,
        body,
      });
      return toForgePull(data);
    },

    // "A pull request already exists for owner:head." — opened by a concurrent run.
    pullCreatedMeanwhile: (error) => isStatus(error, 422) && /already exists/i.test(error.body),

    async addLabels(pull, missing) {
      const { data } = await gh.request(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
        { issue_number: Number(pull.id), labels: missing },
      );
      return data.map((label) => label.name);
    },
  };
}
