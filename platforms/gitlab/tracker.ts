/**
 * GitLab Issues under the forge tracker: how to list, create, close, reopen
 * and note on issues. Issues are addressed by their iid; labels go as one
 * comma-separated string.
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
import type { StoryStatus } from "../types.ts";
import { BODY_LIMIT, type GitLabConnection } from "./connection.ts";

/** An issue as GitLab answers it (the fields PACE reads). */
interface Issue {
  iid: number;
  web_url: string;
  state: string;
  title?: string;
  description?: string | null;
  labels?: string[];
}

interface Note {
  id: number;
  body?: string;
}

/** How many pages of open issues a marker lookup reads, newest first. */
const MARKER_PAGES = 10;

function listed(issue: Issue): ListedIssue {
  return {
    id: issue.iid,
    url: issue.web_url,
    labels: Array.isArray(issue.labels) ? issue.labels : undefined,
    open: issue.state === "opened",
    body: issue.description,
    title: issue.title,
  };
}

/** The issue API of one GitLab project. */
export function gitLabIssues(gl: GitLabConnection): ForgeIssueApi {
  const issues = gl.path("issues");
  const notes = (id: ForgeIssue["id"]) => gl.path(`issues/${issueNumber(id)}/notes`);
  const setState = async (id: ForgeIssue["id"], state_event: "close" | "reopen") => {
    await gl.send("PUT", gl.path(`issues/${issueNumber(id)}`), { json: { state_event } });
  };
  return {
    bodyLimit: BODY_LIMIT,
    labelsDroppedHint: "GitLab silently ignores the labels of a new issue unless the token's " +
      "user has permission to set issue metadata (the Planner or Reporter role or above)",

    byLabels: async (labels) =>
      (await gl.all<Issue>(issues, { labels: labels.join(","), state: "opened" })).map(listed),

    recentOpen: async () =>
      (await gl.all<Issue>(
        issues,
        { state: "opened", order_by: "created_at", sort: "desc" },
        undefined,
        MARKER_PAGES,
      )).map(listed),

    async createIssue(plan, description) {
      const issue = await gl.send<Issue>("POST", issues, {
        json: { title: plan.title, description, labels: plan.labels.join(",") },
      });
      return listed(issue);
    },

    async setStatus(id, status: StoryStatus) {
      await setState(id, status === "done" ? "close" : "reopen");
    },

    async hasComment(id, marker: string) {
      return (await gl.all<Note>(notes(id))).some((note) => carriesMarker(note.body, marker));
    },

    async postComment(id, body) {
      await gl.send("POST", notes(id), { json: { body } });
    },

    async closePlan(number: number) {
      await setState(number, "close");
    },

    parseId: issueNumber,
  };
}
