/**
 * The repository's Bitbucket issue tracker under the forge tracker. Issues
 * have no labels, so PACE's open item is an open (`new` or `open`) issue
 * whose `content.raw` ends with the item's hidden marker or, when it ends
 * with no marker at all, whose title starts with the item's title prefix.
 *
 * @module
 */

import { type ForgeIssueApi, issueNumber, type ListedIssue } from "../_pace/forge_tracker.ts";
import { carriesMarker, markerComment } from "../_pace/names.ts";
import type { ItemPlan } from "../_pace/plans.ts";
import type { StoryStatus } from "../types.ts";
import {
  bbqlString,
  type BitbucketConnection,
  BODY_LIMIT,
  type Link,
  LIST_PAGELEN,
  webUrl,
} from "./connection.ts";

interface Issue {
  id: number;
  title: string;
  state: string;
  content?: { raw?: string | null } | null;
  links?: { html?: Link };
}

interface Comment {
  id?: number;
  content?: { raw?: string | null } | null;
}

const OPEN_ISSUE_STATES = new Set(["new", "open"]);

/** The issue `kind` and `priority` PACE files each item with, by the kind in its marker. */
const ISSUE_KINDS: Record<string, { kind: string; priority: string }> = {
  hold: { kind: "bug", priority: "critical" },
  advisory: { kind: "task", priority: "major" },
  story: { kind: "enhancement", priority: "major" },
};

function listed(issue: Issue): ListedIssue {
  return {
    id: issue.id,
    url: webUrl(issue),
    open: OPEN_ISSUE_STATES.has(issue.state),
    body: issue.content?.raw,
    title: issue.title,
  };
}

/** Whether a body's last line is a PACE marker (of any item). */
function endsWithAnyMarker(body: string | null | undefined): boolean {
  const last = (body ?? "").trimEnd().split("\n").pop() ?? "";
  return last.startsWith("<!-- pace:") && last.endsWith(" -->");
}

/** The issue API of one Bitbucket repository. */
export function bitbucketIssues(bb: BitbucketConnection): ForgeIssueApi {
  const resolve = (id: number, state: "resolved" | "open") =>
    bb.request("PUT", ["issues", id], { json: { state } });

  return {
    bodyLimit: BODY_LIMIT,

    async recentOpen({ titlePrefix, doc }: ItemPlan) {
      // BBQL's `~` is a case-insensitive "contains": the tracker checks every candidate again.
      const q = `(state = "new" OR state = "open") AND (content.raw ~ ${
        bbqlString(markerComment(doc.marker))
      } OR title ~ ${bbqlString(titlePrefix)})`;
      const issues = await bb.all<Issue>(["issues"], { query: { q, pagelen: LIST_PAGELEN } });
      // With several (a duplicate made by hand), the first filed is PACE's.
      return issues.sort((a, b) => a.id - b.id).map(listed);
    },

    // The title finds an item whose body lost its marker (edited by hand), never
    // another PACE item: two agents can share an upper-case title.
    claims: (issue, { titlePrefix }) =>
      !endsWithAnyMarker(issue.body) && issue.title?.startsWith(titlePrefix) === true,

    async createIssue(plan, raw) {
      const kind = ISSUE_KINDS[plan.doc.marker.split(":")[1]] ?? ISSUE_KINDS.advisory;
      const issue = await bb.request<Issue>("POST", ["issues"], {
        json: { title: plan.title, content: { raw }, ...kind },
      });
      return listed(issue);
    },

    async setStatus(id, status: StoryStatus) {
      await resolve(issueNumber(id), status === "done" ? "resolved" : "open");
    },

    async hasComment(id, marker: string) {
      const comments = await bb.all<Comment>(["issues", issueNumber(id), "comments"], {
        query: { pagelen: LIST_PAGELEN },
      });
      return comments.some((comment) => carriesMarker(comment.content?.raw, marker));
    },

    async postComment(id, raw) {
      await bb.request("POST", ["issues", issueNumber(id), "comments"], {
        json: { content: { raw } },
      });
    },

    async closePlan(number: number) {
      await resolve(number, "resolved");
    },

    parseId: issueNumber,
  };
}
