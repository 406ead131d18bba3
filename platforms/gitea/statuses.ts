/**
 * Gitea's CI rules: the commit statuses of a SHA (Gitea and Forgejo Actions,
 * Woodpecker and Drone all report there), read one by one rather than
 * through the combined `state`, which ranks `warning` worse than `pending`
 * and would end a wait while a job still runs. Pure: no request is made here.
 *
 * @module
 */

import type { CiSnapshot } from "../types.ts";

/** A commit status as Gitea answers it (its state is in `status`). */
export interface CommitStatus {
  /** Instance-wide id: higher is newer. */
  id?: number;
  /** `pending`, `success`, `error`, `failure`, `warning` (and `skipped` on newer versions). */
  status: string;
  /** What reported it: `ci/woodpecker/push/test`, `build / test (push)`. */
  context: string;
  /** The run's page. */
  target_url?: string | null;
  /** When it was first reported. */
  created_at?: string;
  /** When it was last updated. */
  updated_at?: string;
}

const FAILED = new Set(["failure", "error"]);
const PASSED = new Set(["success", "warning", "skipped"]);

/** When a status was last written, for "newest": its time, then its id. */
function age(status: CommitStatus): [number, number] {
  const time = Date.parse(status.updated_at ?? status.created_at ?? "");
  return [Number.isNaN(time) ? 0 : time, status.id ?? 0];
}

function newer(a: CommitStatus, b: CommitStatus): boolean {
  const [ta, ia] = age(a);
  const [tb, ib] = age(b);
  return ta > tb || (ta === tb && ia > ib);
}

/** The latest status of each context, in the order the contexts were first answered. */
export function latestPerContext(statuses: readonly CommitStatus[]): CommitStatus[] {
  const latest = new Map<string, CommitStatus>();
  for (const status of statuses) {
    const seen = latest.get(status.context);
    if (!seen || newer(status, seen)) latest.set(status.context, status);
  }
  return [...latest.values()];
}

/**
 * The snapshot for a commit's statuses: any `pending` keeps the wait going;
 * then any `failure` or `error` fails (the first one decides); else every
 * status passed (`success`, `warning`, `skipped`) and the newest decides. A
 * state Gitea may add later is neither: the wait goes on until the timeout
 * rather than guess.
 *
 * @example
 * ```ts ignore
 * classifyStatuses([{ context: "ci/build", status: "warning", target_url: "https://…/runs/7" }]);
 * // { state: "done", conclusion: "success", name: "ci/build", url: "https://…/runs/7" }
 * ```
 */
export function classifyStatuses(statuses: readonly CommitStatus[]): CiSnapshot {
  const latest = latestPerContext(statuses.filter((s) => typeof s?.context === "string"));
  if (latest.length === 0) return { state: "none" };
  const open = latest.filter((s) => !FAILED.has(s.status) && !PASSED.has(s.status));
  if (open.some((s) => s.status === "pending")) {
    return { state: "pending", pending: open.map((s) => s.context) };
  }
  const done = (conclusion: "success" | "failure", status: CommitStatus): CiSnapshot => ({
    state: "done",
    conclusion,
    url: typeof status.target_url === "string" ? status.target_url : "",
    name: status.context,
  });
  const failed = latest.find((s) => FAILED.has(s.status));
  if (failed) return done("failure", failed);
  if (open.length) {
    return { state: "pending", pending: open.map((s) => `${s.context} (${s.status})`) };
  }
  return done("success", latest.reduce((a, b) => newer(b, a) ? b : a));
}
