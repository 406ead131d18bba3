/**
 * Finding PACE's open item on Jira, and staying right when the search lags.
 *
 * Data Center's search is consistent: one search answers. Jira Cloud's
 * `/search/jql` is not — an issue created seconds ago may be missing from it —
 * so on Cloud an empty search is not taken as proof when something is known:
 *
 * - a key recorded when a create answered is looked up directly (a read Jira
 *   answers consistently), and counts when the issue is still open, in the
 *   project, and carries every label;
 * - after a create that answered an error Jira may have acted on (a 5xx, a
 *   timeout, a dropped connection), in this run or one before it, the search
 *   is asked again a few times, a little later each time, before anything is
 *   created again.
 *
 * @module
 */

import { mayHaveSucceeded } from "../_pace/ensure.ts";
import type { ForgeIssue } from "../_pace/forge_tracker.ts";
import type { ItemPlan } from "../_pace/plans.ts";
import { sleep as defaultSleep } from "../_core/http.ts";
import type { Logger } from "../types.ts";
import type { JiraConnection, JiraIssue } from "./connection.ts";
import { itemJql } from "./jql.ts";
import type { IssueRecord } from "./record.ts";

/** The fields a search reads. */
const SEARCH_FIELDS = ["summary", "status", "labels"];
/** The fields a lookup by key reads: the project too, since a recorded key is untrusted. */
const LOOKUP_FIELDS = [...SEARCH_FIELDS, "project"];

/**
 * Waits before each renewed search after an uncertain create: 2.4 s in all, so a
 * create whose answer was lost still ends within about the one call budget (15 s).
 */
export const RESEARCH_DELAYS_MS: readonly number[] = [400, 800, 1200];

/** How a {@linkcode JiraFinder} waits; injected in tests. */
export interface FinderOptions {
  /** Resolves after `ms`. */
  sleep?: (ms: number) => Promise<void>;
  /** The waits before each renewed search. */
  delaysMs?: readonly number[];
}

/** Whether `issue` is the open item `plan` describes in `projectKey`. */
function isOpenItem(issue: JiraIssue, plan: ItemPlan, projectKey: string): boolean {
  const fields = issue.fields ?? {};
  const labels = fields.labels ?? [];
  return fields.project?.key?.toUpperCase() === projectKey &&
    fields.status?.statusCategory?.key !== "done" &&
    plan.labels.every((label) => labels.includes(label));
}

/** Finds items, and remembers what was created, for one Jira project. */
export class JiraFinder {
  readonly #jira: JiraConnection;
  readonly #record: IssueRecord;
  readonly #logger: Logger;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #delays: readonly number[];
  /** Markers of items whose create, in this run, answered an error Jira may have acted on. */
  readonly #uncertain = new Set<string>();

  /** A finder over `jira`, remembering creates in `record`. */
  constructor(jira: JiraConnection, record: IssueRecord, logger: Logger, options?: FinderOptions) {
    this.#jira = jira;
    this.#record = record;
    this.#logger = logger;
    this.#sleep = options?.sleep ?? ((ms) => defaultSleep(ms));
    this.#delays = options?.delaysMs ?? RESEARCH_DELAYS_MS;
  }

  /** The open item for `plan`, or `undefined`. */
  async find(plan: ItemPlan): Promise<ForgeIssue | undefined> {
    const jira = this.#jira;
    if (!jira.cloud) return this.#forge(await this.#search(plan));
    const marker = plan.doc.marker;
    const known = await this.#record.get(marker);
    if (known?.key) {
      const issue = await jira.issue(known.key, LOOKUP_FIELDS);
      if (issue && isOpenItem(issue, plan, jira.projectKey)) return this.#forge(issue);
    }
    let found = await this.#search(plan);
    if (!found && (known?.pending || this.#uncertain.has(marker))) {
      // A create may have happened that the search does not show yet.
      for (const delay of this.#delays) {
        this.#logger.info(
          `${marker}: a create may have reached Jira, whose search does not show it yet; ` +
            `searching again in ${delay} ms`,
        );
        await this.#sleep(delay);
        found = await this.#search(plan);
        if (found) break;
      }
    }
    // What the record said is settled now: keep the key that answers for it.
    if (found && known && known.key !== found.key) {
      await this.#record.put(marker, { key: found.key, id: found.id });
    }
    return this.#forge(found);
  }

  /** Remember the issue a create made for `plan`; Data Center's search needs no help. */
  async created(plan: ItemPlan, issue: JiraIssue): Promise<void> {
    if (!this.#jira.cloud) return;
    this.#uncertain.delete(plan.doc.marker);
    await this.#record.put(plan.doc.marker, { key: issue.key, id: issue.id });
  }

  /** A create for `plan` failed with `error`: remember it when Jira may have acted on it anyway. */
  async failed(plan: ItemPlan, error: unknown): Promise<void> {
    if (!this.#jira.cloud || !mayHaveSucceeded(error)) return;
    this.#uncertain.add(plan.doc.marker);
    await this.#record.put(plan.doc.marker, { pending: true });
  }

  #forge(issue: JiraIssue | undefined): ForgeIssue | undefined {
    return issue ? { id: issue.key, url: this.#jira.browseUrl(issue.key) } : undefined;
  }

  async #search(plan: ItemPlan): Promise<JiraIssue | undefined> {
    const jql = itemJql(this.#jira.projectKey, plan.labels);
    const issues = await this.#jira.search(jql, SEARCH_FIELDS);
    // The JQL already filters; this guards against a Jira that ignores a clause.
    return issues.find((issue) => issue.fields?.status?.statusCategory?.key !== "done");
  }
}
