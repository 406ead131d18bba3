/**
 * Jira under the forge tracker: how to find, create, move and comment on one
 * of PACE's issues. An existing item is an issue of `JIRA_PROJECT_KEY`
 * carrying all of the create's labels whose status is not in the Done
 * category; ids are issue keys (`PACE-12`), recorded as `key` in
 * `story-ticket.yaml` and validated before they reach a path. On Jira Cloud,
 * whose search lags writes, every create is also noted under `.pace/` so a
 * re-run finds it by key (see `find.ts`).
 *
 * @module
 */

import { envValue } from "../_core/settings.ts";
import { ForgeTracker, type IssueApi } from "../_pace/forge_tracker.ts";
import type { ItemPlan } from "../_pace/plans.ts";
import type { RenderedDoc } from "../_pace/render.ts";
import type { Env, Logger, ResolvedContext, TrackerAdapter } from "../types.ts";
import { JiraConnection } from "./connection.ts";
import { createIssue } from "./create.ts";
import { type FinderOptions, JiraFinder } from "./find.ts";
import { isJiraKey } from "./jql.ts";
import { IssueRecord } from "./record.ts";
import { type ItemKind, kindSettings } from "./settings.ts";
import { moveIssue } from "./transitions.ts";

/** The kind a plan is for, read from its marker (`pace:hold:day-3`). */
function kindOf(plan: ItemPlan): ItemKind {
  const kind = /^pace:(hold|advisory|story):/.exec(plan.doc.marker)?.[1];
  if (!kind) throw new Error(`no Jira issue kind for ${JSON.stringify(plan.doc.marker)}`);
  return kind as ItemKind;
}

/** The text of a comment body: a wiki string as it is, an ADF document's text nodes joined. */
function commentText(body: unknown): string {
  if (typeof body === "string") return body;
  const parts: string[] = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > 64 || !node || typeof node !== "object") return;
    const { text, content } = node as { text?: unknown; content?: unknown };
    if (typeof text === "string") parts.push(text);
    if (Array.isArray(content)) { for (const child of content) walk(child, depth + 1); }
  };
  walk(body, 0);
  return parts.join("\n");
}

/** Whether `text` holds `mark` as a whole token (`…day-1` is not in `…day-12`). */
function holdsMarker(text: string, mark: string): boolean {
  let from = 0;
  while (true) {
    const index = text.indexOf(mark, from);
    if (index < 0) return false;
    const next = text[index + mark.length] ?? "";
    if (!/[\w-]/.test(next)) return true;
    from = index + 1;
  }
}

/**
 * The comment with a visible marker line in front. Neither ADF nor wiki
 * markup has hidden comments, so the marker is shown; it leads the comment
 * because a body cut to Jira's size limit loses its tail, never its first
 * section.
 */
function withMarkerLine(doc: RenderedDoc): RenderedDoc {
  return {
    ...doc,
    sections: [
      {
        blocks: [{
          type: "paragraph",
          content: ["Posted by PACE \u00b7 ", { text: doc.marker, code: true }],
        }],
      },
      ...doc.sections,
    ],
  };
}

/** A recorded id as an issue key; anything else is refused before it can reach a path. */
function parseKey(recorded: string | number): string {
  if (isJiraKey(recorded)) return recorded;
  throw new Error(
    `story-ticket.yaml holds key ${
      JSON.stringify(recorded)
    }, not a Jira issue key like PACE-12; refusing to use it`,
  );
}

/** The issue API of one Jira project; `finder` finds items and notes creates. */
export function jiraIssues(
  jira: JiraConnection,
  env: Env,
  logger: Logger,
  finder: JiraFinder,
): IssueApi {
  const issuePath = (key: string | number, rest = "") =>
    `issue/${encodeURIComponent(parseKey(key))}${rest}`;
  return {
    find: (plan: ItemPlan) => finder.find(plan),

    async create(plan: ItemPlan) {
      let issue;
      try {
        issue = await createIssue(jira, plan, kindSettings(env, kindOf(plan)), logger);
      } catch (error) {
        await finder.failed(plan, error);
        throw error;
      }
      await finder.created(plan, issue);
      return { id: issue.key, url: jira.browseUrl(issue.key) };
    },

    async setStatus(id, status) {
      await moveIssue(jira, parseKey(id), status, "story", logger);
    },

    async hasComment(id, marker: string) {
      const comments = await jira.comments(issuePath(id, "/comment"));
      return comments.some((c) => holdsMarker(commentText(c.body), marker));
    },

    async comment(id, doc: RenderedDoc) {
      await jira.request("POST", issuePath(id, "/comment"), {
        json: { body: jira.render(withMarkerLine(doc)) },
      });
    },

    async closePlan(number: number) {
      const key = `${jira.projectKey}-${number}`;
      if (!isJiraKey(key)) throw new Error(`"${key}" is not a Jira issue key`);
      await moveIssue(jira, key, "done", "plan issue", logger);
    },

    parseId: parseKey,
  };
}

/**
 * The `jira` tracker: the forge tracker over one Jira project's issues.
 * `options` sets how a find waits between renewed searches (tests).
 */
export function jiraTracker(context: ResolvedContext, options?: FinderOptions): TrackerAdapter {
  const { env, logger } = context;
  const jira = new JiraConnection(context);
  logger.debug(`${jira.flavour} at ${jira.apiUrl}`);
  if (envValue(env, "JIRA_REVIEW_ISSUE_TYPE")) {
    logger.info(
      "JIRA_REVIEW_ISSUE_TYPE is not used: Jira is tracker-only, the review gate is a " +
        "pull request on the CI platform",
    );
  }
  const finder = new JiraFinder(jira, new IssueRecord(context.repoRoot, logger), logger, options);
  return new ForgeTracker(context, "jira", jiraIssues(jira, env, logger, finder));
}
