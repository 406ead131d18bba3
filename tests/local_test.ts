import { join } from "node:path";
import { getCIAdapter, getTrackerAdapter, localPlatform } from "../mod.ts";
import { captureLogger, testPlatformContract, writeSamplePace } from "../testing.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";

Deno.test("local keeps the PACE contract", async (t) => {
  await testPlatformContract(t, { definition: localPlatform });
});

async function withRepo(fn: (root: string, paceDir: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "pace-local-" });
  try {
    await fn(root, await writeSamplePace(root));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("local: files land where SPEC §5 says, with the exact titles and labels", async () => {
  await withRepo(async (root, paceDir) => {
    const logger = captureLogger();
    const ci = getCIAdapter("local", { repoRoot: root, logger, env: {} });
    const tracker = getTrackerAdapter("local", { repoRoot: root, logger, env: {} });

    const review = await ci.openReviewPr(14, paceDir, "Look at the auth flow");
    assertEquals(review, join(paceDir, "day-14", "review-pr.md"));
    const reviewText = await Deno.readTextFile(review);
    assertStringIncludes(reviewText, "# [PACE Review Gate] Days 1\u201314");
    assertStringIncludes(reviewText, "## Context");
    assertStringIncludes(reviewText, "email verification");

    const escalation = await tracker.openEscalationIssue(3, join(paceDir, "day-3"));
    assertEquals(escalation, join(paceDir, "day-3", "escalation-issue.md"));
    const body = await Deno.readTextFile(escalation);
    assertStringIncludes(
      body,
      "# [PACE HOLD] Day 3 \u2014 Integration tests fail on the reset mail",
    );
    assertMatch(body, /Blocker.*Integration tests fail on the reset mail/);
    assertStringIncludes(body, "pace-hold, pace-day-3");

    const advisory = await tracker.pushAdvisoryItems(
      3,
      [{ id: "S-1", finding: "Token printed" }, { id: "S-2", finding: "No rate limit" }],
      "Sentinel",
    );
    assertEquals(advisory, join(paceDir, "advisory-day3-sentinel.md"));
    const advisoryText = await Deno.readTextFile(advisory);
    assertStringIncludes(advisoryText, "[PACE Advisory] SENTINEL Day 3 \u2014 2 finding(s)");
    assertStringIncludes(advisoryText, "- [S-1] Token printed");
    assertStringIncludes(advisoryText, "pace-advisory, pace-sentinel, pace-day-3");

    const story = await tracker.pushStory(1, join(paceDir, "day-1"));
    assertEquals(story, join(paceDir, "day-1", "story-ticket.md"));
    assertStringIncludes(await Deno.readTextFile(story), "[PACE Day 1] Sign-up form");
    assertStringIncludes(await Deno.readTextFile(story), "a visitor can create an account");
    const ref = await Deno.readTextFile(join(paceDir, "day-1", "story-ticket.yaml"));
    assertStringIncludes(ref, "platform: local");

    await tracker.updateStoryStatus(1, join(paceDir, "day-1"), "done");
    await tracker.updateStoryStatus(1, join(paceDir, "day-1"), "in_progress");
    const statusText = await Deno.readTextFile(story);
    assertMatch(statusText, /Status: done[\s\S]*Status: in_progress/);

    await tracker.postHandoffComment(1, join(paceDir, "day-1"));
    const handoff = await Deno.readTextFile(join(paceDir, "day-1", "story-handoff-comment.md"));
    assertStringIncludes(handoff, "Sign-up form with validation.");
  });
});

Deno.test("local: an explicit hold reason wins; no reports falls back to Unknown", async () => {
  await withRepo(async (root, paceDir) => {
    const tracker = getTrackerAdapter("local", {
      repoRoot: root,
      logger: captureLogger(),
      env: {},
    });
    const given = await tracker.openEscalationIssue(
      3,
      join(paceDir, "day-3"),
      "Deploy key expired",
    );
    assertStringIncludes(await Deno.readTextFile(given), "Day 3 \u2014 Deploy key expired");
    const none = await tracker.openEscalationIssue(7, join(paceDir, "day-7"));
    assertStringIncludes(
      await Deno.readTextFile(none),
      "Day 7 \u2014 Unknown \u2014 see agent reports below",
    );
  });
});

Deno.test("local: variables.json keeps other keys and replaces corrupt JSON", async () => {
  await withRepo(async (root) => {
    const ci = getCIAdapter("local", {
      repoRoot: root,
      logger: captureLogger(),
      env: { A: "env" },
    });
    const store = join(root, ".pace", "variables.json");
    await Deno.writeTextFile(store, "{not json");
    assert(await ci.setVariable("B", "1"));
    assertEquals(JSON.parse(await Deno.readTextFile(store)), { B: "1" });
    assert(await ci.setVariable("C", "2"));
    assert(await ci.setVariable("B", "3"));
    assertEquals(JSON.parse(await Deno.readTextFile(store)), { B: "3", C: "2" });
    assertEquals(await ci.getVariable("B"), "3");
    assert(await ci.setVariable("A", "store"));
    assertEquals(await ci.getVariable("A"), "env", "the environment wins");
    assertEquals(await ci.getVariable("MISSING"), undefined);
  });
});

Deno.test("local: job summary goes to pace-summary.md; daily summary is one log line", async () => {
  await withRepo(async (root) => {
    const logger = captureLogger();
    const ci = getCIAdapter("local", { repoRoot: root, logger, env: {} });
    await ci.writeJobSummary("# Report\n\nAll good.");
    assertEquals(await Deno.readTextFile(join(root, "pace-summary.md")), "# Report\n\nAll good.\n");
    await ci.postDailySummary(5, { gate_decision: "SHIP" });
    assert(logger.lines.some((l) => l === "info: [Local] Day 5 summary: \u2705 SHIP"));
  });
});

Deno.test("local: bad days and hostile inputs resolve through the factory guard", async () => {
  await withRepo(async (root, paceDir) => {
    const logger = captureLogger();
    const ci = getCIAdapter("local", { repoRoot: root, logger, env: {} });
    const tracker = getTrackerAdapter("local", { repoRoot: root, logger, env: {} });
    assertEquals(await ci.openReviewPr(0, paceDir), "");
    assertEquals(await ci.openReviewPr(1.5, paceDir), "");
    assertEquals(await tracker.openEscalationIssue(-1, paceDir), "");
    // deno-lint-ignore no-explicit-any
    assertEquals(await tracker.pushAdvisoryItems(3, null as any, "X"), "");
    // deno-lint-ignore no-explicit-any
    await tracker.updateStoryStatus(1, join(paceDir, "day-1"), "bogus" as any);
    assert(logger.text().includes("day must be a whole number"));
  });
});
