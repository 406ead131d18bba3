/**
 * Moving an issue through the project's own workflow. Jira has no "close"
 * call: an issue changes status only through the transitions its workflow
 * offers from where it stands, and their names differ per project. `done`
 * takes the transition named `Done` (any case), else one into the Done
 * category that does not read like a rejection — so `Won't Do` is never
 * taken while `Done` exists; `in_progress` takes `In Progress`, else one into
 * the In Progress category, else (from a closed issue) a reopen.
 *
 * @module
 */

import type { Logger, StoryStatus } from "../types.ts";
import type { JiraConnection, JiraStatus } from "./connection.ts";

/** One workflow transition, as `GET /issue/{key}/transitions` lists it. */
export interface JiraTransition {
  /** Transition id, sent back to perform it. */
  id: string;
  /** Its name, e.g. `Done`, `Won't Do`, `Start Progress`. */
  name: string;
  /** The status it leads to. */
  to?: { name?: string; statusCategory?: { key?: string; name?: string } };
  /** Cloud: `false` when a condition hides it from this user. */
  isAvailable?: boolean;
}

/** Done-category transitions that close without doing the work: the last resort for `done`. */
const NOT_DONE_WORDS =
  /\b(won'?t|wont|cancel(l?ed)?|reject(ed)?|invalid|duplicate|declined?|obsolete|abandon(ed)?)\b/i;

function normalizeName(name: string | undefined): string {
  return (name ?? "").trim().replace(/\s+/g, " ").toLowerCase();
}

/** The status category key `status` means: `done` or `indeterminate` (In Progress). */
function categoryOf(status: StoryStatus): string {
  return status === "done" ? "done" : "indeterminate";
}

/**
 * The transition that moves an issue to `status`: the one named `Done` / `In
 * Progress` (any case, any spacing), else one into a status of that name,
 * else one into that category — for `done` one that does not read like a
 * rejection first.
 *
 * @example
 * ```ts ignore
 * const done = { key: "done" };
 * pickTransition([
 *   { id: "41", name: "Won't Do", to: { name: "Won't Do", statusCategory: done } },
 *   { id: "31", name: "Done", to: { name: "Done", statusCategory: done } },
 * ], "done")?.id; // "31"
 * ```
 */
export function pickTransition(
  transitions: readonly JiraTransition[],
  status: StoryStatus,
): JiraTransition | undefined {
  const usable = transitions.filter((t) =>
    t && typeof t.id === "string" && t.id !== "" && t.isAvailable !== false
  );
  const wanted = status === "done" ? "done" : "in progress";
  const byName = usable.find((t) => normalizeName(t.name) === wanted);
  if (byName) return byName;
  const inCategory = usable.filter((t) => t.to?.statusCategory?.key === categoryOf(status));
  const byStatus = inCategory.find((t) => normalizeName(t.to?.name) === wanted);
  if (byStatus) return byStatus;
  if (status === "done") {
    const positive = inCategory.find((t) =>
      !NOT_DONE_WORDS.test(t.name) && !NOT_DONE_WORDS.test(t.to?.name ?? "")
    );
    if (positive) return positive;
  }
  return inCategory[0];
}

async function statusOf(jira: JiraConnection, key: string): Promise<JiraStatus | undefined> {
  const data = await jira.request<{ fields?: { status?: JiraStatus } }>(
    "GET",
    `issue/${encodeURIComponent(key)}`,
    { query: { fields: "status" } },
  );
  return data?.fields?.status;
}

async function transitionsOf(jira: JiraConnection, key: string): Promise<JiraTransition[]> {
  const data = await jira.request<{ transitions?: JiraTransition[] }>(
    "GET",
    `issue/${encodeURIComponent(key)}/transitions`,
  );
  return Array.isArray(data?.transitions) ? data.transitions : [];
}

/**
 * Move issue `key` to `status` through the workflow's own transitions; an
 * issue already in that category is left alone. Throws, naming what the
 * workflow offers, when no transition leads there.
 */
export async function moveIssue(
  jira: JiraConnection,
  key: string,
  status: StoryStatus,
  what: string,
  logger: Logger,
): Promise<void> {
  const current = await statusOf(jira, key);
  const category = current?.statusCategory?.key;
  if (category === categoryOf(status)) {
    logger.info(`${what} ${key} is already ${current?.name ?? status}`);
    return;
  }
  const transitions = await transitionsOf(jira, key);
  let chosen = pickTransition(transitions, status);
  if (!chosen && status === "in_progress" && category === "done") {
    // No way straight into In Progress: reopening is the closest move.
    const reopen = transitions.filter((t) =>
      t.isAvailable !== false && t.to?.statusCategory?.key === "new"
    );
    chosen = reopen.find((t) => /reopen/i.test(t.name)) ?? reopen[0];
  }
  if (!chosen) {
    const names = transitions.map((t) => `"${t.name}"`).join(", ") || "none";
    throw new Error(
      `${what} ${key}: no transition leads to ${status === "done" ? "Done" : "In Progress"} from "${
        current?.name ?? "?"
      }" (available: ${names})`,
    );
  }
  await jira.request("POST", `issue/${encodeURIComponent(key)}/transitions`, {
    json: { transition: { id: chosen.id } },
  });
  logger.info(`${what} ${key}: "${chosen.name}" \u2192 ${chosen.to?.name ?? status} (${status})`);
}
