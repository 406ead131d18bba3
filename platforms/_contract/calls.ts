/**
 * One sample call of every contract method, for the steps that must reach
 * all of them the same way (a refusing network, impossible days, an adapter
 * that throws, missing credentials).
 *
 * @module
 */

import type { Kind } from "./checks.ts";
import type { Side } from "./run.ts";

/** Where a sample call's paths point. */
export interface CallPlace {
  paceDir: string;
  dayDir(day: number): string;
}

/** One contract method and arguments that would make it act. */
export interface SampleCall {
  side: Side;
  method: string;
  kind: Kind;
  /** Whether the first argument is a day (checked by the guard before the adapter runs). */
  takesDay: boolean;
  /** Arguments that would make it act; `day` replaces the sample day. */
  args(place: CallPlace, day?: number): unknown[];
}

/** The SHA sample waits ask about. */
export const SAMPLE_SHA = "0123456789abcdef0123456789abcdef01234567";

/** Options that end a sample wait within a fraction of a second. */
export const SHORT_WAIT = { timeoutMinutes: 0.003, pollIntervalSeconds: 0.02 } as const;

const item = [{ id: "K-1", finding: "kit finding" }];

/** Every contract method, side by side. */
export const SAMPLE_CALLS: readonly SampleCall[] = [
  {
    side: "ci",
    method: "openReviewPr",
    kind: "text",
    takesDay: true,
    args: (p, day = 14) => [day, p.paceDir],
  },
  {
    side: "ci",
    method: "waitForCommitCi",
    kind: "wait",
    takesDay: false,
    args: () => [SAMPLE_SHA, SHORT_WAIT],
  },
  {
    side: "ci",
    method: "postDailySummary",
    kind: "flag",
    takesDay: true,
    args: (_p, day = 3) => [day, { gate_decision: "HOLD" }],
  },
  { side: "ci", method: "writeJobSummary", kind: "flag", takesDay: false, args: () => ["# Kit\n"] },
  {
    side: "ci",
    method: "setVariable",
    kind: "flag",
    takesDay: false,
    args: () => ["PACE_CONTRACT_SET", "v"],
  },
  {
    side: "ci",
    method: "getVariable",
    kind: "maybe",
    takesDay: false,
    args: () => ["PACE_CONTRACT_UNSET"],
  },
  {
    side: "tracker",
    method: "openEscalationIssue",
    kind: "text",
    takesDay: true,
    args: (p, day = 3) => [day, p.dayDir(3)],
  },
  {
    side: "tracker",
    method: "pushAdvisoryItems",
    kind: "text",
    takesDay: true,
    args: (_p, day = 3) => [day, item, "SENTINEL"],
  },
  {
    side: "tracker",
    method: "pushStory",
    kind: "text",
    takesDay: true,
    args: (p, day = 1) => [day, p.dayDir(1)],
  },
  {
    side: "tracker",
    method: "updateStoryStatus",
    kind: "flag",
    takesDay: true,
    args: (p, day = 1) => [day, p.dayDir(1), "done"],
  },
  {
    side: "tracker",
    method: "closePlanIssue",
    kind: "flag",
    takesDay: false,
    args: () => [987654],
  },
  {
    side: "tracker",
    method: "postHandoffComment",
    kind: "flag",
    takesDay: true,
    args: (p, day = 1) => [day, p.dayDir(1)],
  },
  {
    side: "branching",
    method: "getBranchSha",
    kind: "maybe",
    takesDay: false,
    args: () => ["main"],
  },
  {
    side: "branching",
    method: "createBranch",
    kind: "flag",
    takesDay: false,
    args: () => ["pace-kit/probe", "main"],
  },
  {
    side: "branching",
    method: "createPullRequest",
    kind: "text",
    takesDay: false,
    args: () => ["pace-kit/probe", "main", "Kit", "kit body", ["pace-kit"]],
  },
  {
    side: "branching",
    method: "ensureHierarchy",
    kind: "flag",
    takesDay: false,
    args: () => ["v1.0", 1],
  },
];

/** How long a sample call may take before the kit calls it stuck. */
const STUCK_MS = 20_000;

/**
 * Call the sample's method on `adapter` with `args`. A call that never
 * settles fails the step instead of hanging the run.
 */
export async function invoke(adapter: object, call: SampleCall, args: unknown[]): Promise<unknown> {
  const method = Reflect.get(adapter, call.method) as (...a: unknown[]) => Promise<unknown>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${call.method} did not settle within ${STUCK_MS} ms`)),
      STUCK_MS,
    );
  });
  try {
    return await Promise.race([method.apply(adapter, args), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/** The sample calls of the sides `definition` builds. */
export function callsOf(has: (side: Side) => boolean): SampleCall[] {
  return SAMPLE_CALLS.filter((call) => has(call.side));
}
