/**
 * The fault matrix: for each platform, each fault and each operation, arm
 * the fault on the operation's first request (and, for a write, on its first
 * write), run the operation through the guarded factory, then run it again
 * cleanly. Survived means: it resolved, within its bound, with a documented
 * value; the re-run found the same item; the fake holds exactly one of it.
 *
 * Remote platforms get the network faults below, scripted on their fakes;
 * the local stores (local, and Jenkins' files) get the file faults of
 * `file_faults.ts`.
 *
 * @module
 */

import { type CaseResult, SKIPPED } from "./report.ts";
import { describeError, settle } from "./bound.ts";
import type { Fault, Target } from "./inject.ts";
import { countKinds, type Op, opsFor, show } from "./ops.ts";
import { type Rig, startRig } from "./rigs.ts";
import { suspectFor } from "./suspects.ts";

const JSON_ERROR = (status: number) => ({ message: `fuzz fault ${status}` });

function burst(status: number, times = 2, headers?: Record<string, string>): Fault {
  return {
    name: times === 2 ? String(status) : `${status}x${times}`,
    rule: { status, times, body: JSON_ERROR(status), headers },
    writes: true,
  };
}

/** Every network fault, as the fakes script them. */
export const NETWORK_FAULTS: readonly Fault[] = [
  burst(408),
  burst(429, 2, { "retry-after": "0" }),
  burst(500),
  burst(501),
  burst(502),
  burst(503),
  burst(504),
  burst(520),
  burst(521),
  burst(522),
  burst(523),
  burst(524),
  burst(503, 10),
  { name: "304-no-etag", rule: { status: 304, times: 2 }, writes: true },
  { name: "401", rule: { status: 401, body: JSON_ERROR(401) }, final: true, writes: true },
  { name: "403", rule: { status: 403, body: JSON_ERROR(403) }, final: true, writes: true },
  { name: "404", rule: { status: 404, body: JSON_ERROR(404) }, final: true, writes: true },
  { name: "422", rule: { status: 422, body: JSON_ERROR(422) }, final: true, writes: true },
  { name: "hang", rule: { hangMs: 60_000 }, slow: true, writes: true },
  { name: "drop", rule: { drop: true, times: 2 }, writes: true },
  { name: "malformed-json", rule: { status: 200, body: "{not json" }, writes: true },
  {
    name: "html-200",
    rule: {
      status: 200,
      body: "<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>",
      headers: { "content-type": "text/html; charset=utf-8" },
    },
    writes: true,
  },
  {
    name: "truncated-json",
    rule: { status: 200, body: '[{"number": 1, "title": "[PACE HOLD] Day 3' },
    writes: true,
  },
  { name: "perform-502", rule: { perform: true }, writes: true },
  { name: "endless-body", stream: "endless", heavy: true, writes: true },
  { name: "dribble-body", stream: "dribble", slow: true },
];

/** A call under a fault must settle within this (one 15 s budget, and some). */
export const OP_BOUND_MS = 20_000;
/** A short wait must end within this (its 1.2 s deadline, and some). */
export const WAIT_BOUND_MS = 6_000;

/** What selects part of the fault matrix. */
export interface FaultFilter {
  platforms: string[];
  faults?: string[];
  ops?: string[];
  /** Leave out faults that only a child should run. */
  light?: boolean;
  /** Only faults that only a child should run. */
  heavy?: boolean;
}

/** One planned case. */
export interface FaultPlan {
  platform: string;
  fault: Fault;
  op: Op;
  target: Target;
}

/** The cases of the network matrix for `filter`. */
export async function planNetworkCases(filter: FaultFilter): Promise<FaultPlan[]> {
  const plans: FaultPlan[] = [];
  for (const platform of filter.platforms.filter((p) => p !== "local")) {
    const probe = await startRig(platform, { empty: true });
    const ops = opsFor(probe);
    await probe.close();
    for (const fault of NETWORK_FAULTS) {
      if (filter.faults && !filter.faults.includes(fault.name)) continue;
      if (filter.light && fault.heavy) continue;
      if (filter.heavy && !fault.heavy) continue;
      for (const op of ops) {
        if (filter.ops && !filter.ops.includes(op.name)) continue;
        plans.push({ platform, fault, op, target: "first" });
        if (op.writes && fault.writes) plans.push({ platform, fault, op, target: "write" });
      }
    }
  }
  // The slow ones first: they wait, and the rest runs meanwhile.
  return plans.sort((a, b) => Number(Boolean(b.fault.slow)) - Number(Boolean(a.fault.slow)));
}

/** Every kind found more than once: the duplicates. */
export function duplicatesIn(rig: Rig): { count: number; problem?: string } {
  const counts = countKinds(rig);
  const extra = Object.entries(counts).filter(([, n]) => n > 1);
  const count = extra.reduce((sum, [, n]) => sum + n - 1, 0);
  return count
    ? { count, problem: `duplicate: ${extra.map(([k, n]) => `${n} ${k}`).join(", ")}` }
    : { count };
}

/**
 * Run one case; `SKIPPED` when the fault never reached the operation (it
 * sent no request, or no write).
 */
export async function runNetworkCase(plan: FaultPlan): Promise<CaseResult | typeof SKIPPED> {
  const { platform, fault, op, target } = plan;
  const started = performance.now();
  const rig = await startRig(platform);
  const problems: string[] = [];
  let duplicates = 0;
  let detail = "";
  try {
    try {
      await op.prepare?.(rig);
    } catch (error) {
      problems.push(`clean preparation failed: ${describeError(error)}`);
    }
    const injector = rig.injector!;
    injector.arm(fault, target);
    const bound = op.name === "wait" ? WAIT_BOUND_MS : OP_BOUND_MS;
    const first = await settle(() => op.run(rig), bound);
    injector.disarm();
    if (!injector.fired) return SKIPPED;
    // A run that never resolved returned nothing the re-run could match.
    let firstValue: unknown = "";
    if (first.state === "rejected") problems.push(`rejected: ${describeError(first.error)}`);
    else if (first.state === "hung") problems.push(`did not settle within ${bound} ms`);
    else {
      firstValue = first.value;
      const problem = op.shape(first.value, Boolean(fault.final));
      if (problem) problems.push(problem);
    }
    const again = await settle(() => op.run(rig), OP_BOUND_MS);
    if (again.state !== "resolved") {
      problems.push(
        again.state === "hung"
          ? "clean re-run did not settle"
          : `clean re-run rejected: ${describeError(again.error)}`,
      );
    } else {
      const problem = op.verify(rig, firstValue, again.value);
      if (problem) problems.push(problem);
    }
    const dup = duplicatesIn(rig);
    duplicates = dup.count;
    if (dup.problem && !problems.some((p) => p.includes(" item(s) after"))) {
      problems.push(dup.problem);
    }
    detail = `faulted ${injector.hit}` +
      (first.state === "resolved" ? `; first run resolved ${show(first.value)}` : "");
  } finally {
    await rig.close();
  }
  const ok = problems.length === 0;
  return {
    matrix: "faults",
    platform,
    name: fault.name,
    op: `${op.name}@${target}`,
    ok,
    problems,
    duplicates,
    leaks: 0,
    ms: Math.round(performance.now() - started),
    suspect: ok ? undefined : suspectFor(platform, op.name, problems),
    detail: ok ? undefined : detail,
  };
}
