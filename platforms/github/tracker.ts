/**
 * GitHub Issues under the forge tracker: how to list, create, close, reopen
 * and comment on issues. GitHub lists pull requests among issues; the
 * tracker leaves them out.
 *
 * @module
 */

import { type ForgeIssueApi, issueNumber, type ListedIssue } from "../_pace/forge_tracker.ts";
import { carriesMarker } from "../_pace/names.ts";
import type { StoryStatus } from "../types.ts";
import { BODY_LIMIT, type Data, type GitHubConnection, type Params } from "./connection.ts";

type Issue = Data<"GET /repos/{owner}/{repo}/issues">[number];

/** How many pages of open issues a marker lookup reads, newest first. */
const MARKER_PAGES = 10;

function listed(issue: Issue | Data<"POST /repos/{owner}/{repo}/issues">): ListedIssue {
  return {
    id: issue.number,
    url: issue.html_url,
    labels: issue.labels.map((label) => typeof label === "string" ? label : label.name ?? ""),
    open: issue.state === "open",
    body: issue.body,
    title: issue.title,
    pull: Boolean(issue.pull_request),
  };
}

/** The issue API of one GitHub repository. */
export function gitHubIssues(gh: GitHubConnection): ForgeIssueApi {
  const pick = (data: Data<"GET /repos/{owner}/{repo}/issues">) => data;
  const list = async (params: Params<"GET /repos/{owner}/{repo}/issues">, pages?: number) =>
    (await gh.all("GET /repos/{owner}/{repo}/issues", params, pick, pages)).map(listed);
  return {
    bodyLimit: BODY_LIMIT,
    labelsDroppedHint: "GitHub silently drops the labels of a new issue unless the token has " +
      "push access to the repository (the Write role or above)",

    byLabels: (labels) => list({ labels: labels.join(","), state: "open" }),

    recentOpen: () => list({ state: "open", sort: "created", direction: "desc" }, MARKER_PAGES),

    async createIssue(plan, body) {
      const { data } = await gh.request("POST /repos/{owner}/{repo}/issues", {
        title: plan.title,
        body,
        labels: plan.labels,
      });
      return listed(data);
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

    async postComment(id, body) {
      await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        issue_number: issueNumber(id),
        body,
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
