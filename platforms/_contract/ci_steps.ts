/**
 * The kit's CI steps: waits refuse bad SHAs without a request and always
 * resolve a contract-shaped result, the review PR is created once, the daily
 * summary is a log line, variables come from the environment first.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { CIAdapter, CiResult } from "../types.ts";
import { assertCiResult, assertKind, BAD_SHAS } from "./checks.ts";
import { KIT_VARIABLE, type KitRun, type Step } from "./run.ts";

/** The human-gate day of the sample `.pace/` (the review period 1–13 behind it). */
const GATE_DAY = 14;

/** Run the CI steps against `ci`. */
export async function ciSteps(run: KitRun, step: Step, ci: CIAdapter): Promise<void> {
  const { logger, keep } = run;

  await step("ci: platform name is set", () => {
    assert.equal(ci.platform, run.definition.name);
  });

  await step("ci: an invalid SHA ends at once with no_runs, without a request", async () => {
    for (const sha of BAD_SHAS) {
      const before = run.requests();
      const result: CiResult = keep(await ci.waitForCommitCi(sha, { timeoutMinutes: 0.05 }));
      assertCiResult(result, sha);
      assert.equal(result.conclusion, "no_runs", `SHA ${JSON.stringify(sha)}`);
      assert.ok(result.error, `an error explains why ${JSON.stringify(sha)} was refused`);
      assert.equal(run.requests(), before, `no request for SHA ${JSON.stringify(sha)}`);
    }
  });

  await step("ci: an aborted wait resolves cancelled", async () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const controller = new AbortController();
    controller.abort();
    const result: CiResult = keep(
      await ci.waitForCommitCi(sha, { signal: controller.signal, timeoutMinutes: 1 }),
    );
    assertCiResult(result, sha);
    // A platform with nothing to wait for (local) may answer before it looks at the signal.
    assert.ok(["cancelled", "no_runs"].includes(result.conclusion), result.conclusion);
  });

  await step("ci: a short wait resolves with a contract-shaped result", async () => {
    const sha = "fedcba9876543210fedcba9876543210fedcba98";
    const progress: number[] = [];
    const result: CiResult = keep(
      await ci.waitForCommitCi(sha, {
        timeoutMinutes: 0.003,
        pollIntervalSeconds: 0.02,
        onProgress: (p) => progress.push(p.polls),
      }),
    );
    assertCiResult(result, sha);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1]);
  });

  await step("ci: the review PR is created once and found on a re-run", async () => {
    await run.prepareReview?.(GATE_DAY);
    const first = keep(await ci.openReviewPr(GATE_DAY, run.paceDir, "contract note"));
    assertKind("text", first, "openReviewPr");
    assert.notEqual(first, "", "openReviewPr returns a URL or path");
    const sent = run.traffic.count;
    const second = keep(await ci.openReviewPr(GATE_DAY, run.paceDir));
    assert.equal(second, first, "a re-run returns the existing review PR");
    assert.deepEqual(run.traffic.writesSince(sent), [], "a re-run writes nothing");
  });

  await step("ci: the daily summary is one log line, resolves true, sends nothing", async () => {
    const before = run.requests();
    assert.equal(await ci.postDailySummary(3, { gate_decision: "HOLD" }), true, "HOLD day");
    assert.equal(await ci.postDailySummary(1, { gate_decision: "SHIP" }), true, "SHIP day");
    assert.equal(await ci.postDailySummary(9, {}), true, "a day without a decision");
    const text = logger.text();
    assert.ok(text.includes("Day 3 summary: \u{1F534} HOLD"), "the HOLD line is logged");
    assert.ok(text.includes("Day 1 summary: \u2705 SHIP"), "the SHIP line is logged");
    assert.ok(text.includes("Day 9 summary: \u{1F534} UNKNOWN"), "an unknown decision is logged");
    assert.equal(run.requests(), before, "the daily summary makes no API call");
  });

  await step("ci: variables come from the environment first", async () => {
    assert.equal(await ci.getVariable(KIT_VARIABLE.name), KIT_VARIABLE.value);
    const set = keep(await ci.setVariable("PACE_CONTRACT_SET", "value-1"));
    assertKind("flag", set, "setVariable");
    if (set) assert.equal(await ci.getVariable("PACE_CONTRACT_SET"), "value-1");
  });

  await step("ci: the job summary resolves a boolean", async () => {
    assertKind(
      "flag",
      keep(await ci.writeJobSummary("# PACE\n\nDay 3 held.\n")),
      "writeJobSummary",
    );
  });
}
