/**
 * Gitea (and Forgejo) issues under the forge tracker: how to find, create,
 * close, reopen and comment on one of PACE's issues. Labels go by id (see
 * `labels.ts`). Gitea drops a label name it does not know from the issues
 * filter — the filter then widens, to every open issue when no name is
 * known — so each answer's labels are checked, never trusted.
 *
 * @module
 */

import { type ForgeIssue, type IssueApi, issueNumber } from "../_pace/forge_tracker.ts";
import { carriesMarker } from "../_pace/names.ts";
import type { ItemPlan } from "../_pace/plans.ts";
import type { RenderedDoc } from "../_pace/render.ts";
import { toMarkdown } from "../_pace/markdown.ts";
import type { Logger, StoryStatus } from "../types.ts";
import { BODY_LIMIT, type GiteaConnection } from "./connection.ts";
import { GiteaLabels, labelNames } from "./labels.ts";

/** An issue as Gitea answers it (the fields PACE reads). */
interface Issue {
  number: number;
  html_url: string;
  state: string;
  body?: string | null;
  labels?: unknown;
  pull_request?: unknown;
}

interface Comment {
  body?: string;
}

/** How many pages of open issues a marker lookup reads, newest first. */
const MARKER_PAGES = 4;

function toForgeIssue(issue: Issue): ForgeIssue {
  return { id: issue.number, url: issue.html_url, labels: labelNames(issue.labels) };
}

/** The issue API of one Gitea repository. */
export function giteaIssues(gitea: GiteaConnection, logger: Logger): IssueApi {
  const labels = new GiteaLabels(gitea, logger);
  const issues = gitea.path("issues");
  const issue = (id: ForgeIssue["id"]) => gitea.path(`issues/${issueNumber(id)}`);
  const setState = async (id: ForgeIssue["id"], state: "open" | "closed") => {
    await gitea.send("PATCH", issue(id), { json: { state } });
  };
  const isOpenIssue = (item: Issue) => item.state === "open" && !item.pull_request;
  return {
    labelsDroppedHint: "Gitea drops the labels of a new issue unless the token's user may " +
      "write to the repository's issues (and the token has the write:issue scope)",

    async find(plan: ItemPlan) {
      const open = { state: "open", type: "issues" };
      const labelled = await gitea.all<Issue>(issues, { ...open, labels: plan.labels.join(",") });
      const byLabels = labelled.find((item) => {
        const names = labelNames(item.labels) ?? [];
        return isOpenIssue(item) && plan.labels.every((label) => names.includes(label));
      });
      if (byLabels) return toForgeIssue(byLabels);
      // Labels can be dropped on create: the marker still finds the item.
      const recent = await gitea.all<Issue>(issues, open, undefined, MARKER_PAGES);
      const byMarker = recent.find((item) =>
        isOpenIssue(item) && carriesMarker(item.body, plan.doc.marker)
      );
      return byMarker ? toForgeIssue(byMarker) : undefined;
    },

    async create(plan: ItemPlan) {
      const ids = await labels.ids(plan.labels);
      const created = await gitea.send<Issue>("POST", issues, {
        json: {
          title: plan.title,
          body: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
          ...(ids.length ? { labels: ids } : {}),
        },
      });
      return toForgeIssue(created);
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

    async comment(id, doc: RenderedDoc) {
      await gitea.send("POST", `${issue(id)}/comments`, {
        json: { body: toMarkdown(doc, { maxLength: BODY_LIMIT }) },
      });
    },

    async closePlan(number: number) {
      await setState(number, "closed");
    },

    parseId: issueNumber,
  };
}
