/**
 * The operations every matrix runs, each with what it may resolve under a
 * fault, how to prepare for it cleanly, and what a clean re-run must find.
 *
 * Items are counted in the fake's state by the titles and heads PACE
 * documents (`[PACE HOLD] Day N — `, `pace/review-day-N`, …), so a duplicate
 * is visible whatever the package thinks it created.
 *
 * @module
 */

import type { CiResult } from "../../mod.ts";
import type { Rig } from "./rigs.ts";

/** The commit every wait asks about (given a successful CI run by the rig). */
export const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
/** Waits end within about a second and a quarter. */
export const SHORT_WAIT = { timeoutMinutes: 0.02, pollIntervalSeconds: 0.05 } as const;
/** Days of the sample `.pace/`: 3 is the HOLD day, 1 has a story, 14 is a human gate. */
export const DAY = { held: 3, story: 1, review: 14 } as const;
/** The agent whose advisory the cases file. */
export const AGENT = "SENTINEL";
/** Variables the cases set and read. */
export const VARS = { set: "PACE_FUZZ_SET", get: "PACE_FUZZ_GET", stored: "stored-value" } as const;
/** Branches the branching cases use. */
export const BRANCH = { feature: "fuzz/feature", created: "fuzz/new", release: "fuzz" } as const;
/** The handoff summary of day 1 in the sample `.pace/`. */
export const HANDOFF_TEXT = "Sign-up form with validation";

/** `[PACE Day N] ` */
export function storyPrefix(day: number): string {
  return `[PACE Day ${day}] `;
}
/** `[PACE HOLD] Day N — ` */
export function holdPrefix(day: number): string {
  return `[PACE HOLD] Day ${day} \u2014 `;
}
/** `[PACE Advisory] AGENT Day N — ` */
export function advisoryPrefix(day: number, agent: string): string {
  return `[PACE Advisory] ${agent} Day ${day} \u2014 `;
}

/** What an operation creates, to be found exactly once. */
export type Kind =
  | "escalation"
  | "advisory"
  | "story"
  | "handoff"
  | "review"
  | "pull"
  | "variable";

/** How many of each kind the rig's fake holds. */
export function countKinds(rig: Rig): Record<Kind, number> {
  const v = rig.view;
  const titles = v.issueTitles();
  const pulls = v.pulls();
  return {
    escalation: titles.filter((t) => t.startsWith(holdPrefix(DAY.held))).length,
    advisory: titles.filter((t) => t.startsWith(advisoryPrefix(DAY.held, AGENT))).length,
    story: titles.filter((t) => t.startsWith(storyPrefix(DAY.story))).length,
    handoff: v.comments().reduce((n, c) => n + c.split(HANDOFF_TEXT).length - 1, 0),
    review: pulls.filter((p) => /review-day-14\b/.test(p)).length,
    pull: pulls.filter((p) => /fuzz.feature/.test(p)).length,
    variable: v.variables().filter((n) => n.toUpperCase() === VARS.set).length,
  };
}

/** One operation. */
export interface Op {
  name: string;
  side: "ci" | "tracker" | "branching";
  /** Whether it writes (worth a fault on its first write). */
  writes: boolean;
  /** What it creates. */
  kind?: Kind;
  /** Clean set-up before the fault is armed. */
  prepare?(rig: Rig): Promise<void>;
  /** Run it once, on fresh adapters. */
  run(rig: Rig): Promise<unknown>;
  /** A problem with what it resolved under a fault; `final`: the fault was a client error. */
  shape(value: unknown, final: boolean): string | undefined;
  /** A problem after the clean re-run (`first`: what the faulted run resolved). */
  verify(rig: Rig, first: unknown, again: unknown): string | undefined;
}

const isText = (v: unknown) =>
  typeof v === "string" ? undefined : `resolved ${show(v)}, not a string`;
const isFlag = (v: unknown) =>
  typeof v === "boolean" ? undefined : `resolved ${show(v)}, not a boolean`;

/** A value for a problem line, short. */
export function show(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/** The re-run of a create found the item the faulted run returned, and there is one. */
function sameItem(rig: Rig, kind: Kind, first: unknown, again: unknown): string | undefined {
  if (typeof again !== "string" || again === "") return `clean re-run resolved ${show(again)}`;
  if (first !== "" && first !== again) {
    return `clean re-run returned ${show(again)}, the faulted run ${show(first)}`;
  }
  const n = countKinds(rig)[kind];
  return n === 1 ? undefined : `${n} ${kind} item(s) after the re-run, expected 1`;
}

function trueAgain(again: unknown): string | undefined {
  return again === true ? undefined : `clean re-run resolved ${show(again)}, expected true`;
}

async function pushStoryCleanly(rig: Rig): Promise<void> {
  const url = await rig.tracker().pushStory(DAY.story, rig.dayDir(DAY.story));
  if (!url) throw new Error(`could not push the story cleanly: ${rig.logger.text().slice(-400)}`);
}

/** Every operation, in the order a day runs them. */
export const OPS: readonly Op[] = [
  {
    name: "wait",
    side: "ci",
    writes: false,
    prepare: (rig) => Promise.resolve(rig.seedCi(SHA)),
    run: (rig) => rig.ci().waitForCommitCi(SHA, SHORT_WAIT),
    shape(value, final) {
      const r = value as CiResult;
      if (!r || typeof r !== "object" || typeof r.conclusion !== "string") {
        return `resolved ${show(value)}, not a CiResult`;
      }
      if (r.sha !== SHA) return `echoed sha ${show(r.sha)}`;
      const allowed = final ? ["success", "timeout", "no_runs"] : ["success", "timeout"];
      if (!allowed.includes(r.conclusion)) {
        return `ended ${r.conclusion}${r.error ? ` (${r.error.slice(0, 140)})` : ""}`;
      }
      if (r.conclusion === "no_runs" && !r.error) return "no_runs without an error";
      return undefined;
    },
    verify: (_rig, _first, again) =>
      (again as CiResult)?.conclusion === "success"
        ? undefined
        : `clean re-run ended ${show((again as CiResult)?.conclusion)}`,
  },
  {
    name: "review",
    side: "ci",
    writes: true,
    kind: "review",
    prepare: (rig) => Promise.resolve(rig.addBranch(`pace/review-day-${DAY.review}`)),
    run: (rig) => rig.ci().openReviewPr(DAY.review, rig.paceDir),
    shape: isText,
    verify: (rig, first, again) => sameItem(rig, "review", first, again),
  },
  {
    name: "set-var",
    side: "ci",
    writes: true,
    kind: "variable",
    run: (rig) => rig.ci().setVariable(VARS.set, "v1"),
    shape: isFlag,
    verify(rig, _first, again) {
      const problem = trueAgain(again);
      if (problem) return problem;
      const n = countKinds(rig).variable;
      if (n !== 1) return `${n} variables named ${VARS.set}, expected 1`;
      const value = rig.view.variable(VARS.set) ?? rig.view.variable(VARS.set.toLowerCase());
      return value === "v1" ? undefined : `${VARS.set} holds ${show(value)}, expected "v1"`;
    },
  },
  {
    name: "get-var",
    side: "ci",
    writes: false,
    async prepare(rig) {
      if (!await rig.ci().setVariable(VARS.get, VARS.stored)) {
        throw new Error("could not set the variable cleanly");
      }
    },
    run: (rig) => rig.ci().getVariable(VARS.get),
    shape: (v) =>
      v === undefined || v === VARS.stored
        ? undefined
        : `resolved ${show(v)}, not the stored value`,
    verify: (_rig, _first, again) =>
      again === VARS.stored ? undefined : `clean re-run resolved ${show(again)}`,
  },
  {
    name: "escalate",
    side: "tracker",
    writes: true,
    kind: "escalation",
    run: (rig) => rig.tracker().openEscalationIssue(DAY.held, rig.dayDir(DAY.held)),
    shape: isText,
    verify: (rig, first, again) => sameItem(rig, "escalation", first, again),
  },
  {
    name: "advisory",
    side: "tracker",
    writes: true,
    kind: "advisory",
    run: (rig) =>
      rig.tracker().pushAdvisoryItems(DAY.held, [
        { id: "S-1", finding: "token printed in a debug log" },
        { id: "S-2", finding: "retry without a bound" },
      ], AGENT),
    shape: isText,
    verify: (rig, first, again) => sameItem(rig, "advisory", first, again),
  },
  {
    name: "story",
    side: "tracker",
    writes: true,
    kind: "story",
    run: (rig) => rig.tracker().pushStory(DAY.story, rig.dayDir(DAY.story)),
    shape: isText,
    verify: (rig, first, again) => sameItem(rig, "story", first, again),
  },
  {
    name: "status",
    side: "tracker",
    writes: true,
    prepare: pushStoryCleanly,
    run: (rig) => rig.tracker().updateStoryStatus(DAY.story, rig.dayDir(DAY.story), "done"),
    shape: isFlag,
    verify(rig, _first, again) {
      const problem = trueAgain(again);
      if (problem) return problem;
      const stories = countKinds(rig).story;
      if (stories !== 1) return `${stories} stories, expected 1`;
      return rig.view.storyDone(DAY.story) ? undefined : "the story is not done after the re-run";
    },
  },
  {
    name: "handoff",
    side: "tracker",
    writes: true,
    kind: "handoff",
    prepare: pushStoryCleanly,
    run: (rig) => rig.tracker().postHandoffComment(DAY.story, rig.dayDir(DAY.story)),
    shape: isFlag,
    verify(rig, _first, again) {
      const problem = trueAgain(again);
      if (problem) return problem;
      const n = countKinds(rig).handoff;
      return n === 1 ? undefined : `${n} handoff comments, expected 1`;
    },
  },
  {
    name: "branch-sha",
    side: "branching",
    writes: false,
    run: (rig) => rig.branching().getBranchSha("main"),
    shape: (v) => v === undefined || typeof v === "string" ? undefined : `resolved ${show(v)}`,
    verify(_rig, first, again) {
      if (typeof again !== "string" || !again) return `clean re-run resolved ${show(again)}`;
      return first === undefined || first === again
        ? undefined
        : `faulted run answered ${show(first)}, the branch is at ${show(again)}`;
    },
  },
  {
    name: "create-branch",
    side: "branching",
    writes: true,
    run: (rig) => rig.branching().createBranch(BRANCH.created, "main"),
    shape: isFlag,
    verify: (rig, _first, again) =>
      trueAgain(again) ??
        (rig.view.hasBranch(BRANCH.created) ? undefined : `${BRANCH.created} does not exist`),
  },
  {
    name: "pull-request",
    side: "branching",
    writes: true,
    kind: "pull",
    prepare: (rig) => Promise.resolve(rig.addBranch(BRANCH.feature)),
    run: (rig) =>
      rig.branching().createPullRequest(BRANCH.feature, "main", "Fuzz PR", "Body.", ["pace-fuzz"]),
    shape: isText,
    verify: (rig, first, again) => sameItem(rig, "pull", first, again),
  },
  {
    name: "hierarchy",
    side: "branching",
    writes: true,
    run: (rig) => rig.branching().ensureHierarchy(BRANCH.release, 1),
    shape: isFlag,
    verify(rig, _first, again) {
      const problem = trueAgain(again);
      if (problem) return problem;
      const missing = ["staging", `release/${BRANCH.release}`, "rel/sprint/pace-1"].filter((b) =>
        !rig.view.hasBranch(b)
      );
      return missing.length ? `missing after the re-run: ${missing.join(", ")}` : undefined;
    },
  },
];

/** The operations `rig`'s platform has. */
export function opsFor(rig: Rig): Op[] {
  return OPS.filter((op) => rig.sides[op.side]);
}
