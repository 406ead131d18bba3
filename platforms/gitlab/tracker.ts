/**
 * GitLab Issues under the forge tracker: how to find, create, close, reopen
 * and note on one of PACE's issues. Issues are addressed by their iid.
 *
 * @module
 */

import { type ForgeIssue, type IssueApi, issueNumber } from "../_pace/forge_tracker.ts";
import { carriesMarker } from "../_pace/names.ts";
import type { ItemPlan } from "../_pace/plans.ts";
import type { RenderedDoc } from "../_pace/render.ts";
import { toMarkdown } from "../_pace/markdown.ts";
import type { StoryStatus } from "../types.ts";
import { BODY_LIMIT, type GitLabConnection } from "./connection.ts";

/** An issue as GitLab answers it (the fields PACE reads). */
interface Issue {
  iid: number;
  web_url: string;
  state: string;
  description?: string | null;
  labels?: string[];
}

interface Note {
  id: number;
  body?: string;
}

/** How many pages of open issues a marker lookup reads, newest first. */
const MARKER_PAGES = 10;

function toForgeIssue(issue: Issue): ForgeIssue {
  return {
    id: issue.iid,
    url: issue.web_url,
    labels: Array.isArray(issue.labels) ? issue.labels : undefined,
  };
}

/** The issue API of one GitLab project. */
export function gitLabIssues(gl: GitLabConnection): IssueApi {
  const issues = gl.path("issues");
  const notes = (id: ForgeIssue["id"]) => gl.path(`issues/${issueNumber(id)}/notes`);
  const setState = async (id: ForgeIssue["id"], state_event: "close" | "reopen") => {
    await gl.send("PUT", gl.path(`issues/${issueNumber(id)}`), { json: { state_event } });
  };
  return {
    labelsDroppedHint: "GitLab silently ignores the labels of a new issue unless the token's " +
      "user has permission to set issue metadata (the Planner or Reporter role or above)",

    async find(plan: ItemPlan) {
      const labelled = await gl.all<Issue>(issues, {
        labels: plan.labels.join(","),
        state: "opened",
      });
      // The server filters already; a proxy or an old version might not.
      const byLabels = labelled.find((issue) =>
        issue.state === "opened" &&
        (!Array.isArray(issue.labels) || plan.labels.every((l) => issue.labels!.includes(l)))
      );
      if (byLabels) return toForgeIssue(byLabels);
      // Labels can be dropped on create: the marker still finds the item.
      const recent = await gl.all<Issue>(
        issues,
        { state: "opened", order_by: "created_at", sort: "desc" },
        undefined,
        MARKER_PAGES,
      );
      const byMarker = recent.find((issue) =>
        issue.state === "opened" && carriesMarker(issue.description, plan.doc.marker)
      );
      return byMarker ? toForgeIssue(byMarker) : undefined;
    },

    async create(plan: ItemPlan) {
      const issue = await gl.send<Issue>("POST", issues, {
        json: {
          title: plan.title,
          description: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
          labels: plan.labels.join(","),
        },
      });
      return toForgeIssue(issue);
    },

    async setStatus(id, status: StoryStatus) {
      await setState(id, status === "done" ? "close" : "reopen");
    },

    async hasComment(id, marker: string) {
      return (await gl.all<Note>(notes(id))).some((note) => carriesMarker(note.body, marker));
    },

    async comment(id, doc: RenderedDoc) {
      await gl.send("POST", notes(id), {
        json: { body: toMarkdown(doc, { maxLength: BODY_LIMIT }) },
      });
    },

    async closePlan(number: number) {
      await setState(number, "close");
    },

    parseId: issueNumber,
  };
}
