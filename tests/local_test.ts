import { join } from "node:path";
import { getCIAdapter, getTrackerAdapter, localPlatform } from "../mod.ts";
import { captureLogger, testPlatformContract, writeSamplePace } from "../testing.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

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

Deno.test("local: files land under .pace/ with the exact titles and labels", async () => {
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

    assertEquals(await tracker.updateStoryStatus(1, join(paceDir, "day-1"), "done"), true);
    assertEquals(await tracker.updateStoryStatus(1, join(paceDir, "day-1"), "in_progress"), true);
    const statusText = await Deno.readTextFile(story);
    assertMatch(statusText, /Status: done[\s\S]*Status: in_progress/);

    const comment = join(paceDir, "day-1", "story-handoff-comment.md");
    assertEquals(await tracker.postHandoffComment(1, join(paceDir, "day-1")), true);
    const handoff = await Deno.readTextFile(comment);
    assertStringIncludes(handoff, "Sign-up form with validation.");
    assertEquals(await tracker.postHandoffComment(1, join(paceDir, "day-1")), true, "a re-run");
    assertEquals(await Deno.readTextFile(comment), handoff, "the re-run leaves one comment");
  });
});

Deno.test("local: without a recorded story, status and handoff do nothing and resolve false", async () => {
  await withRepo(async (root, paceDir) => {
    const logger = captureLogger();
    const tracker = getTrackerAdapter("local", { repoRoot: root, logger, env: {} });
    // Day 14 has a story card that was never pushed; day 40 has no directory at all.
    for (const day of [14, 40]) {
      const dayDir = join(paceDir, `day-${day}`);
      assertEquals(await tracker.updateStoryStatus(day, dayDir, "done"), false);
      assertEquals(await tracker.updateStoryStatus(day, dayDir, "in_progress"), false);
      assertEquals(await tracker.postHandoffComment(day, dayDir), false);
      assertEquals(await exists(join(dayDir, "story-ticket.md")), false);
      assertEquals(await exists(join(dayDir, "story-handoff-comment.md")), false);
    }
    assertEquals(await exists(join(paceDir, "day-40")), false, "nothing is created");
    const said = logger.lines.filter((l) => l.includes("no local story ticket recorded"));
    assertEquals(said.length, 6, "one log line per call");

    // A ticket recorded by another platform is not a local one.
    const dayDir = join(paceDir, "day-1");
    await Deno.writeTextFile(
      join(dayDir, "story-ticket.yaml"),
      "url: https://github.com/octo/pace-demo/issues/7\nid: 7\nplatform: github\n",
    );
    assertEquals(await tracker.updateStoryStatus(1, dayDir, "done"), false);
    assertEquals(await tracker.postHandoffComment(1, dayDir), false);
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
    assertEquals(await ci.writeJobSummary("# Report\n\nAll good."), true);
    assertEquals(await Deno.readTextFile(join(root, "pace-summary.md")), "# Report\n\nAll good.\n");
    assertEquals(await ci.postDailySummary(5, { gate_decision: "SHIP" }), true);
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
    assertEquals(await ci.postDailySummary(NaN, { gate_decision: "SHIP" }), false);
    assertEquals(await tracker.openEscalationIssue(-1, paceDir), "");
    assertEquals(await tracker.pushStory(1e9, join(paceDir, "day-1")), "");
    // deno-lint-ignore no-explicit-any
    assertEquals(await tracker.pushAdvisoryItems(3, null as any, "X"), "");
    assertEquals(await tracker.pushStory(1, join(paceDir, "day-1")) !== "", true);
    assertEquals(
      // deno-lint-ignore no-explicit-any
      await tracker.updateStoryStatus(1, join(paceDir, "day-1"), "bogus" as any),
      false,
      "an unknown status is refused even with a recorded story",
    );
    assert(logger.text().includes("day must be a whole number"));
    assert(logger.text().includes('unknown status "bogus"'));
  });
});
