/**
 * GitHub Issues under the forge tracker: how to find, create, close, reopen
 * and comment on one of PACE's issues.
 *
 * @module
 */

import { type ForgeIssue, type IssueApi, issueNumber } from "../_pace/forge_tracker.ts";
import { carriesMarker } from "../_pace/names.ts";
import type { ItemPlan } from "../_pace/plans.ts";
import type { RenderedDoc } from "../_pace/render.ts";
import { toMarkdown } from "../_pace/markdown.ts";
import type { StoryStatus } from "../types.ts";
import { BODY_LIMIT, type Data, type GitHubConnection } from "./connection.ts";

type Issue = Data<"GET /repos/{owner}/{repo}/issues">[number];

/** How many pages of open issues a marker lookup reads, newest first. */
const MARKER_PAGES = 10;

function toForgeIssue(issue: Issue | Data<"POST /repos/{owner}/{repo}/issues">): ForgeIssue {
  return {
    id: issue.number,
    url: issue.html_url,
    labels: issue.labels.map((label) => typeof label === "string" ? label : label.name ?? ""),
  };
}

/** The issue API of one GitHub repository. */
export function gitHubIssues(gh: GitHubConnection): IssueApi {
  const pick = (data: Data<"GET /repos/{owner}/{repo}/issues">) => data;
  return {
    labelsDroppedHint: "GitHub silently drops the labels of a new issue unless the token has " +
      "push access to the repository (the Write role or above)",

    async find(plan: ItemPlan) {
      const labelled = await gh.all(
        "GET /repos/{owner}/{repo}/issues",
        { labels: plan.labels.join(","), state: "open" },
        pick,
      );
      const byLabels = labelled.find((issue) => !issue.pull_request);
      if (byLabels) return toForgeIssue(byLabels);
      // Labels can be dropped on create: the marker still finds the item.
      const recent = await gh.all(
        "GET /repos/{owner}/{repo}/issues",
        { state: "open", sort: "created", direction: "desc" },
        pick,
        MARKER_PAGES,
      );
      const byMarker = recent.find((issue) =>
        !issue.pull_request && carriesMarker(issue.body, plan.doc.marker)
      );
      return byMarker ? toForgeIssue(byMarker) : undefined;
    },

    async create(plan: ItemPlan) {
      const { data } = await gh.request("POST /repos/{owner}/{repo}/issues", {
        title: plan.title,
        body: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
        labels: plan.labels,
      });
      return toForgeIssue(data);
    },

    async setStatus(id, status: StoryStatus) {
      const issue_number = issueNumber(id);
      await gh.request(
        "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        status === "done"
          ? { issue_number, state: "closed", state_reason: "completed" }
          : { issue_number, state: "open" },
      );
    },

    async hasComment(id, marker: string) {
      const comments = await gh.all(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { issue_number: issueNumber(id) },
        (data) => data,
      );
      return comments.some((comment) => carriesMarker(comment.body, marker));
    },

    async comment(id, doc: RenderedDoc) {
      await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        issue_number: issueNumber(id),
        body: toMarkdown(doc, { maxLength: BODY_LIMIT }),
      });
    },

    async closePlan(number: number) {
      await gh.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        issue_number: number,
        state: "closed",
        state_reason: "completed",
      });
    },

    parseId: issueNumber,
  };
}
