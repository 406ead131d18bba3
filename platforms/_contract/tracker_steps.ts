/**
 * The kit's tracker steps: every create is idempotent per day, kind and
 * agent, damaged artifacts do not stop an escalation, the story is recorded
 * and then moved and commented on once, and nothing is done for a story that
 * was never pushed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "../_core/paths.ts";
import type { TrackerAdapter } from "../types.ts";
import { assertKind } from "./checks.ts";
import { type KitRun, observe, type Step } from "./run.ts";

/** Run the tracker steps against `tracker`. */
export async function trackerSteps(
  run: KitRun,
  step: Step,
  tracker: TrackerAdapter,
): Promise<void> {
  const { keep, dayDir } = run;

  await step("tracker: platform name is set", () => {
    assert.equal(tracker.platform, run.definition.name);
  });

  await step("tracker: an empty advisory list creates nothing", async () => {
    const before = run.requests();
    assert.equal(await tracker.pushAdvisoryItems(3, [], "SENTINEL"), "");
    assert.equal(run.requests(), before, "no request for an empty list");
  });

  await step("tracker: the escalation is created once per day", async () => {
    const first = keep(await tracker.openEscalationIssue(3, dayDir(3)));
    assert.notEqual(first, "", "openEscalationIssue returns a URL or path");
    const again = await observe(run, () => tracker.openEscalationIssue(3, dayDir(3), "x"));
    assert.equal(keep(again.value), first, "a re-run returns the existing escalation");
    assert.deepEqual(again.writes, [], "a re-run writes nothing");
  });

  await step("tracker: damaged or missing artifacts do not stop an escalation", async () => {
    const damaged = keep(await tracker.openEscalationIssue(2, dayDir(2)));
    assert.notEqual(damaged, "");
    const missing = keep(await tracker.openEscalationIssue(30, dayDir(30)));
    assert.notEqual(missing, "");
    assert.notEqual(missing, damaged);
  });

  await step("tracker: advisories are one item per day and agent", async () => {
    const items = [{ id: "S-1", finding: "Token printed in debug log" }];
    const sentinel = keep(await tracker.pushAdvisoryItems(3, items, "SENTINEL"));
    assert.notEqual(sentinel, "");
    const again = await observe(run, () => tracker.pushAdvisoryItems(3, items, "SENTINEL"));
    assert.equal(keep(again.value), sentinel, "a re-run returns the existing advisory");
    assert.deepEqual(again.writes, [], "a re-run writes nothing");
    const conduit = keep(await tracker.pushAdvisoryItems(3, items, "CONDUIT"));
    assert.notEqual(conduit, "");
    assert.notEqual(conduit, sentinel, "another agent's findings are another item");
  });

  await step("tracker: the story is pushed once and recorded", async () => {
    const first = keep(await tracker.pushStory(1, dayDir(1)));
    assert.notEqual(first, "");
    const ref = await Deno.readTextFile(join(dayDir(1), "story-ticket.yaml"));
    assert.ok(ref.includes(first), "story-ticket.yaml records the URL");
    const again = await observe(run, () => tracker.pushStory(1, dayDir(1)));
    assert.equal(keep(again.value), first, "a re-run returns the recorded story");
    assert.deepEqual(again.writes, [], "a re-run writes nothing");
    assert.equal(await tracker.pushStory(40, dayDir(40)), "", "no story.md: nothing created");
  });

  await step("tracker: the recorded story moves and takes the handoff once", async () => {
    assert.equal(await tracker.updateStoryStatus(1, dayDir(1), "done"), true, "done");
    assert.equal(await tracker.updateStoryStatus(1, dayDir(1), "in_progress"), true, "in_progress");
    assert.equal(await tracker.postHandoffComment(1, dayDir(1)), true, "the handoff is posted");
    const again = await observe(run, () => tracker.postHandoffComment(1, dayDir(1)));
    assert.equal(again.value, true, "a re-run finds the handoff already there");
    assert.deepEqual(again.writes, [], "a re-run posts no second comment");
    assert.deepEqual(again.newFiles, [], "a re-run writes no second comment file");
  });

  await step("tracker: without a recorded story, status and handoff do nothing", async () => {
    // Day 14 has a story card that was never pushed; day 40 has nothing at all.
    for (const day of [14, 40]) {
      const calls = {
        "updateStoryStatus(done)": () => tracker.updateStoryStatus(day, dayDir(day), "done"),
        "updateStoryStatus(in_progress)": () =>
          tracker.updateStoryStatus(day, dayDir(day), "in_progress"),
        postHandoffComment: () => tracker.postHandoffComment(day, dayDir(day)),
      };
      for (const [what, call] of Object.entries(calls)) {
        const seen = await observe(run, call);
        assert.equal(seen.value, false, `${what} on day ${day} resolves false`);
        assert.equal(seen.requests, 0, `${what} on day ${day} sends no request`);
        assert.deepEqual(seen.newFiles, [], `${what} on day ${day} writes no file`);
        assert.ok(seen.lines > 0, `${what} on day ${day} says why in the log`);
      }
    }
  });

  await step("tracker: closing a plan issue resolves a boolean", async () => {
    assertKind("flag", keep(await tracker.closePlanIssue(987654)), "closePlanIssue");
  });

  await step("tracker: a damaged story card does not crash", async () => {
    assertKind("text", keep(await tracker.pushStory(2, dayDir(2))), "pushStory");
  });
}
