/**
 * The outcome of every contract method, side by side: the empty value it
 * resolves with when it cannot run or fails, the argument checks made before
 * any adapter code runs, and how a resolved value becomes the contract's
 * (a registered adapter that resolves `undefined` from a boolean method took
 * effect). The registry's guard applies these to every adapter.
 *
 * @module
 */

import type { Outcome } from "./_core/guard.ts";
import { refNameProblem } from "./branches.ts";
import type { CiResult } from "./types.ts";

/** The highest day number PACE accepts: far beyond any sprint, short of absurd paths. */
export const MAX_DAY = 100_000;

function checkDay(args: unknown[]): string | undefined {
  const day = args[0];
  return Number.isSafeInteger(day) && (day as number) >= 1 && (day as number) <= MAX_DAY
    ? undefined
    : `day must be a whole number from 1 to ${MAX_DAY}, got ${String(day).slice(0, 40)}`;
}

const empty = (value: unknown) => () => value;
const asBoolean = (value: unknown) => value === undefined ? true : value === true;
const asText = (value: unknown) => typeof value === "string" ? value : "";

const text: Outcome = { empty: empty(""), settle: asText };
const textOnDay: Outcome = { ...text, check: checkDay };
const flag: Outcome = { empty: empty(false), settle: asBoolean };
const flagOnDay: Outcome = { ...flag, check: checkDay };

function waitEmpty(args: unknown[], error: string): CiResult {
  return {
    conclusion: "no_runs",
    url: "",
    name: "",
    sha: typeof args[0] === "string" ? args[0] : String(args[0]),
    error,
  };
}

/** The CI side. */
export const CI_OUTCOMES: Record<string, Outcome> = {
  openReviewPr: textOnDay,
  waitForCommitCi: { empty: waitEmpty },
  postDailySummary: { ...flagOnDay, always: true },
  writeJobSummary: flag,
  setVariable: flag,
  getVariable: {
    empty: empty(undefined),
    settle: (value) => typeof value === "string" ? value : undefined,
    // The environment answers even without credentials.
    always: true,
  },
};

/** The tracker side. */
export const TRACKER_OUTCOMES: Record<string, Outcome> = {
  openEscalationIssue: textOnDay,
  pushAdvisoryItems: textOnDay,
  pushStory: textOnDay,
  updateStoryStatus: flagOnDay,
  closePlanIssue: flag,
  postHandoffComment: flagOnDay,
};

/** Refuse any of the first `count` arguments that is not a valid branch name. */
function checkBranches(count: number) {
  return (args: unknown[]) => {
    for (const name of args.slice(0, count)) {
      const problem = refNameProblem(name);
      if (problem) return problem;
    }
    return undefined;
  };
}

/**
 * The branching side. Branch names are checked here, before any adapter code
 * runs, so no platform — a registered one included — can send an invalid one.
 */
export const BRANCHING_OUTCOMES: Record<string, Outcome> = {
  getBranchSha: {
    empty: empty(undefined),
    settle: (value) => typeof value === "string" && value ? value : undefined,
    check: checkBranches(1),
  },
  createBranch: { ...flag, check: checkBranches(2) },
  createPullRequest: { ...text, check: checkBranches(2) },
  ensureHierarchy: flag,
};
