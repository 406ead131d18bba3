/**
 * Gitea (and Forgejo) issues under the forge tracker: how to list, create,
 * close, reopen and comment on issues. Labels go by id (see `labels.ts`).
 * Gitea drops a label name it does not know from the issues filter — the
 * filter then widens, to every open issue when no name is known — which is
 * why the tracker checks each answer's labels.
 *
 * @module
 */

import {
  type ForgeIssue,
  type ForgeIssueApi,
  issueNumber,
  type ListedIssue,
} from "../_pace/forge_tracker.ts";
import { carriesMarker } from "../_pace/names.ts";
import type { Logger, StoryStatus } from "../types.ts";
import { BODY_LIMIT, type GiteaConnection } from "./connection.ts";
import { GiteaLabels, labelNames } from "./labels.ts";

/** An issue as Gitea answers it (the fields PACE reads). */
interface Issue {
  number: number;
  html_url: string;
  state: string;
  title?: string;
  body?: string | null;
  labels?: unknown;
  pull_request?: unknown;
}

interface Comment {
  body?: string;
}

/** How many pages of open issues a marker lookup reads, newest first. */
const MARKER_PAGES = 4;

function listed(issue: Issue): ListedIssue {
  return {
    id: issue.number,
    url: issue.html_url,
    labels: labelNames(issue.labels),
    open: issue.state === "open",
    body: issue.body,
    title: issue.title,
    pull: Boolean(issue.pull_request),
  };
}

/** The issue API of one Gitea repository. */
export function giteaIssues(gitea: GiteaConnection, logger: Logger): ForgeIssueApi {
  const labels = new GiteaLabels(gitea, logger);
  const issues = gitea.path("issues");
  const open = { state: "open", type: "issues" };
  const issue = (id: ForgeIssue["id"]) => gitea.path(`issues/${issueNumber(id)}`);
  const setState = async (id: ForgeIssue["id"], state: "open" | "closed") => {
    await gitea.send("PATCH", issue(id), { json: { state } });
  };
  return {
    bodyLimit: BODY_LIMIT,
    labelsDroppedHint: "Gitea drops the labels of a new issue unless the token's user may " +
      "write to the repository's issues (and the token has the write:issue scope)",

    byLabels: async (names) =>
      (await gitea.all<Issue>(issues, { ...open, labels: names.join(",") })).map(listed),

    recentOpen: async () =>
      (await gitea.all<Issue>(issues, open, undefined, MARKER_PAGES)).map(listed),

    async createIssue(plan, body) {
      const ids = await labels.ids(plan.labels);
      const created = await gitea.send<Issue>("POST", issues, {
        json: { title: plan.title, body, ...(ids.length ? { labels: ids } : {}) },
      });
      return listed(created);
    },

    async setStatus(id, status: StoryStatus) {
      await setState(id, status === "done" ? "closed" : "open");
    },

    async hasComment(id, marker: string) {
      // Every comment comes in one answer: this endpoint has no pages.
      const comments = gitea.list<Comment>(
        await gitea.send("GET", `${issue(id)}/comments`),
        "comments",
      );
      return comments.some((comment) => carriesMarker(comment.body, marker));
    },

    async postComment(id, body) {
      await gitea.send("POST", `${issue(id)}/comments`, { json: { body } });
    },

    async closePlan(number: number) {
      await setState(number, "closed");
    },

    parseId: issueNumber,
  };
}
