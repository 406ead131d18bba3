/**
 * GitLab branching under the forge branching flow: PACE's branches in the
 * project's repository, and the merge requests between them. A branch is
 * read with `GET repository/branches/:branch` (the name URL-encoded as ONE
 * path segment) and created with `POST repository/branches` at its parent's
 * head commit; a merge request is found by `source_branch`, `target_branch`
 * and `state=opened` before one is opened, with its labels.
 *
 * Token: a personal, project or group access token with the `api` scope, for
 * a user with at least the Developer role (creating branches and merge
 * requests, setting their labels). A protected branch may need more.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { BranchApi } from "../_pace/forge_branching.ts";
import { BODY_LIMIT, type GitLabConnection } from "./connection.ts";

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

const ROLE_HINT = "the token's user needs at least the Developer role (and the api scope)";

function isStatus(error: unknown, status: number): error is HttpError {
  return error instanceof HttpError && error.status === status;
}

const toForgePull = (mr: MergeRequest) => ({ id: mr.iid, url: mr.web_url, labels: mr.labels });

/** The branch API of one GitLab project. */
export function gitLabBranches(gl: GitLabConnection): BranchApi {
  return {
    forge: "GitLab",
    pullNoun: "merge request",
    // GitLab's short SHA.
    shaLength: 8,
    // GitLab refuses longer merge request titles.
    titleLimit: 255,
    bodyLimit: BODY_LIMIT,
    // The labels parameter is a comma-separated list.
    labelSeparator: ",",
    hints: { branch: ROLE_HINT, pull: ROLE_HINT, labels: ROLE_HINT },

    async head(branch) {
      let found: Branch;
      try {
        found = await gl.send<Branch>(
          "GET",
          gl.path(`repository/branches/${encodeURIComponent(branch)}`),
        );
      } catch (error) {
        // "404 Project Not Found" is no answer about the branch: it stays an error.
        if (isStatus(error, 404) && /Branch Not Found/i.test(error.body)) return undefined;
        throw error;
      }
      const id: unknown = found?.commit?.id;
      if (typeof id !== "string" || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(id)) {
        throw new Error(`GitLab answered something that is not the branch ${branch}`);
      }
      return id.toLowerCase();
    },

    async createRef(branch, from) {
      // The commit, not the name: a tag called like the parent cannot stand in for it.
      await gl.send("POST", gl.path("repository/branches"), {
        json: { branch, ref: from.sha },
      });
    },

    createdMeanwhile: (error) => isStatus(error, 400) && /Branch already exists/i.test(error.body),

    async findOpenPull(head, base) {
      const open = await gl.all<MergeRequest>(gl.path("merge_requests"), {
        source_branch: head,
        target_branch: base,
        state: "opened",
      });
      const found = open.find((m) =>
        m.state === "opened" && m.source_branch === head && m.target_branch === base
      );
      return found && toForgePull(found);
    },

    async openPull({ head, base, title, body, labels }) {
      const created = await gl.send<MergeRequest>("POST", gl.path("merge_requests"), {
        json: {
          source_branch: head,
          target_branch: base,
          title,
          description: body,
          ...(labels.length ? { labels: labels.join(",") } : {}),
        },
      });
      // An answer without labels is one whose labels were dropped.
      return { ...toForgePull(created), labels: created.labels ?? [] };
    },

    // "Another open merge request already exists for this source branch" — a concurrent run.
    pullCreatedMeanwhile: (error) => isStatus(error, 409),
  };
}
