/**
 * The compatibility-critical strings: titles, labels, branches, markers and
 * local file names must stay byte-for-byte what existing users filter on.
 *
 * @module
 */

import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStrictEquals,
} from "./_assert.ts";
import {
  advisoryFile,
  advisoryLabels,
  advisoryTitle,
  advisoryTitlePrefix,
  agentSlug,
  artifactFile,
  cutCodePoints,
  dailySummaryLine,
  dayDir,
  escalationFile,
  escalationLabels,
  escalationTitle,
  escalationTitlePrefix,
  handoffCommentFile,
  jenkinsSummaryFile,
  jenkinsVariablesFile,
  marker,
  markerComment,
  reviewBranch,
  reviewPeriodStart,
  reviewPrFile,
  reviewTitle,
  storyLabels,
  storyRefFile,
  storyTicketFile,
  storyTitle,
  storyTitlePrefix,
  summaryFile,
  UNKNOWN_BLOCKER,
  variablesFile,
} from "../platforms/_pace/names.ts";

Deno.test("reviewBranch and reviewTitle use the exact branch and EN DASH", () => {
  assertStrictEquals(reviewBranch(14), "pace/review-day-14");
  assertStrictEquals(reviewTitle(1, 14), "[PACE Review Gate] Days 1\u201314");
  assertStrictEquals(reviewTitle(15, 28), "[PACE Review Gate] Days 15–28");
});

Deno.test("reviewPeriodStart follows the 1 / 15 / 29 rule", () => {
  const cases: [number, number][] = [[1, 1], [14, 1], [15, 15], [28, 15], [29, 29], [40, 29]];
  for (const [day, start] of cases) {
    assertStrictEquals(reviewPeriodStart(day), start, `day ${day}`);
  }
});

Deno.test("escalationTitle uses an EM DASH and the single-lined blocker", () => {
  assertStrictEquals(
    escalationTitle(3, "  tests\n fail\t\ton CI  "),
    "[PACE HOLD] Day 3 \u2014 tests fail on CI",
  );
  assertStrictEquals(escalationTitlePrefix(3), "[PACE HOLD] Day 3 — ");
  assertStrictEquals(escalationTitle(3, "x").startsWith(escalationTitlePrefix(3)), true);
  assertStrictEquals(escalationTitle(4, "   "), `[PACE HOLD] Day 4 — ${UNKNOWN_BLOCKER}`);
  assertStrictEquals(UNKNOWN_BLOCKER, "Unknown \u2014 see agent reports below");
});

Deno.test("escalationTitle cuts a long blocker to its first 80 characters", () => {
  const blocker = "a".repeat(79) + "bcdefgh";
  const title = escalationTitle(7, blocker);
  assertStrictEquals(title, `[PACE HOLD] Day 7 — ${"a".repeat(79)}b`);
  // Exactly 80 stays whole.
  assertStrictEquals(escalationTitle(7, "z".repeat(80)), `[PACE HOLD] Day 7 — ${"z".repeat(80)}`);
});

Deno.test("escalationTitle counts code points and never splits a surrogate pair", () => {
  const blocker = "🔥".repeat(100); // each is two UTF-16 units
  const title = escalationTitle(2, blocker);
  const tail = title.slice(escalationTitlePrefix(2).length);
  assertStrictEquals([...tail].length, 80);
  assertStrictEquals(tail, "🔥".repeat(80));
  const mixed = "é".repeat(79) + "😀😀";
  assertStrictEquals(escalationTitle(2, mixed).endsWith("é😀"), true);
  assertStrictEquals(cutCodePoints("a😀b", 2), "a😀");
  assertStrictEquals(cutCodePoints("abc", 10), "abc");
});

Deno.test("labels are exact", () => {
  assertEquals(escalationLabels(5), ["pace-hold", "pace-day-5"]);
  assertEquals(advisoryLabels(5, "SENTINEL"), ["pace-advisory", "pace-sentinel", "pace-day-5"]);
  assertEquals(advisoryLabels(5, " Code Reviewer "), [
    "pace-advisory",
    "pace-code-reviewer",
    "pace-day-5",
  ]);
  assertEquals(storyLabels(12), ["pace-story", "pace-day-12"]);
});

Deno.test("agentSlug keeps labels, paths and markers safe", () => {
  assertStrictEquals(agentSlug("Conduit"), "conduit");
  assertStrictEquals(agentSlug("My  Agent"), "my-agent");
  assertStrictEquals(agentSlug("a,b"), "a~2cb");
  assertStrictEquals(agentSlug("../etc"), "..~2fetc");
  assertStrictEquals(agentSlug("x-->y"), "x-~3ey");
  assertStrictEquals(agentSlug("   "), "unknown");
  for (const name of ["a,b", "../etc", "x-->y", "a:b", "-- x --", "\u202Eevil", "a\nb"]) {
    assertMatch(agentSlug(name), /^(?!.*--)[\p{L}\p{N}._~-]+$/u, name);
  }
});

Deno.test("agentSlug: plain names are what they always were", () => {
  const plain: [string, string][] = [
    ["SENTINEL", "sentinel"],
    ["CONDUIT", "conduit"],
    ["conduit-2", "conduit-2"],
    ["forge", "forge"],
    [" Code Reviewer ", "code-reviewer"],
    ["code_reviewer", "code_reviewer"],
    ["agent.v2", "agent.v2"],
  ];
  for (const [name, slug] of plain) assertStrictEquals(agentSlug(name), slug, name);
  assertEquals(advisoryLabels(1, "SENTINEL"), ["pace-advisory", "pace-sentinel", "pace-day-1"]);
  assertStrictEquals(marker("advisory", 1, "conduit-2"), "pace:advisory:day-1:conduit-2");
});

Deno.test("agentSlug: distinct agents never share a label, marker or file", () => {
  const agents = [
    "C++",
    "C#",
    "c",
    "C+",
    "c-x2b",
    "c~2b",
    "\u{1F600}",
    "\u{1F642}",
    "\u{1F600}\u{1F600}",
    "unknown-",
    "a b",
    "a_b",
    "a.b",
    "e\u0301x",
    "x".repeat(60),
    "x".repeat(61),
    "x".repeat(59) + "\u{1F600}",
  ];
  const slugs = agents.map(agentSlug);
  assertStrictEquals(agentSlug("C++"), "c~2b~2b");
  assertStrictEquals(agentSlug("C#"), "c~23");
  assertStrictEquals(agentSlug("\u{1F600}"), "~f0~9f~98~80");
  assertStrictEquals(new Set(slugs).size, agents.length, slugs.join(" "));
  const labels = agents.map((a) => advisoryLabels(1, a)[1]);
  const markers = agents.map((a) => markerComment(marker("advisory", 1, a)));
  const files = agents.map((a) => advisoryFile("p", 1, a));
  for (const all of [labels, markers, files]) assertStrictEquals(new Set(all).size, agents.length);
  for (const label of labels) {
    assert(label.length <= 50 && !label.includes(","), `${label} is not a valid label`);
  }
  // Spelling is not identity: case, blanks and hyphen runs.
  assertStrictEquals(agentSlug("Code  Reviewer"), agentSlug("code-reviewer"));
});

Deno.test("agentSlug and agentTitle: long names are bounded and stay apart", () => {
  const long = "R".repeat(5000);
  const longer = "R".repeat(5000) + "2";
  assertStrictEquals(agentSlug(long).length, 44);
  assertNotEquals(agentSlug(long), agentSlug(longer));
  assertMatch(agentSlug(long), /^r+~~[0-9a-f]{10}$/);
  assert(advisoryTitle(1, long, 3).length < 120, advisoryTitle(1, long, 3));
  assertNotEquals(advisoryTitlePrefix(1, long), advisoryTitlePrefix(1, longer));
  assertStrictEquals(advisoryFile("p", 1, long).length < 80, true);
});

Deno.test("advisory titles use the literal finding(s) and an uppercase agent", () => {
  assertStrictEquals(
    advisoryTitle(3, "sentinel", 2),
    "[PACE Advisory] SENTINEL Day 3 — 2 finding(s)",
  );
  assertStrictEquals(
    advisoryTitle(3, "conduit", 1),
    "[PACE Advisory] CONDUIT Day 3 \u2014 1 finding(s)",
  );
  assertStrictEquals(advisoryTitlePrefix(3, "Sentinel"), "[PACE Advisory] SENTINEL Day 3 — ");
  assertNotEquals(advisoryTitlePrefix(3, "sentinel"), advisoryTitlePrefix(3, "conduit"));
});

Deno.test("storyTitle single-lines the target and falls back on an empty one", () => {
  assertStrictEquals(storyTitle(4, "  Add\nlogin  "), "[PACE Day 4] Add login");
  assertStrictEquals(storyTitle(4, " \n "), "[PACE Day 4] Day 4 story");
  assertStrictEquals(storyTitlePrefix(4), "[PACE Day 4] ");
  // Day 1's prefix must not match day 11's titles.
  assertStrictEquals(storyTitle(11, "x").startsWith(storyTitlePrefix(1)), false);
  const long = storyTitle(1, "w".repeat(500));
  assertStrictEquals(long.length < 255, true);
  assertStrictEquals(long.endsWith("\u2026"), true);
});

Deno.test("markers and marker comments", () => {
  assertStrictEquals(marker("hold", 3), "pace:hold:day-3");
  assertStrictEquals(marker("story", 3), "pace:story:day-3");
  assertStrictEquals(marker("review", 14), "pace:review:day-14");
  assertStrictEquals(marker("advisory", 3, "SENTINEL"), "pace:advisory:day-3:sentinel");
  assertStrictEquals(markerComment(marker("hold", 3)), "<!-- pace:hold:day-3 -->");
  // The full comment of day 1 is not inside day 12's.
  assertStrictEquals(
    markerComment(marker("hold", 12)).includes(markerComment(marker("hold", 1))),
    false,
  );
});

Deno.test("local file names", () => {
  const pace = join("repo", ".pace");
  const day = dayDir(pace, 3);
  assertStrictEquals(day, join("repo", ".pace", "day-3"));
  assertStrictEquals(reviewPrFile(pace, 3), join(pace, "day-3", "review-pr.md"));
  assertStrictEquals(escalationFile(day), join(day, "escalation-issue.md"));
  assertStrictEquals(advisoryFile(pace, 3, "SENTINEL"), join(pace, "advisory-day3-sentinel.md"));
  assertStrictEquals(storyTicketFile(day), join(day, "story-ticket.md"));
  assertStrictEquals(storyRefFile(day), join(day, "story-ticket.yaml"));
  assertStrictEquals(handoffCommentFile(day), join(day, "story-handoff-comment.md"));
  assertStrictEquals(variablesFile("repo"), join("repo", ".pace", "variables.json"));
  assertStrictEquals(summaryFile("repo"), join("repo", "pace-summary.md"));
  assertStrictEquals(jenkinsSummaryFile("repo"), join("repo", "jenkins-summary.md"));
  assertStrictEquals(jenkinsVariablesFile("repo"), join("repo", "jenkins-variables.json"));
  assertStrictEquals(artifactFile(day, "gate"), join(day, "gate.md"));
});

Deno.test("dailySummaryLine", () => {
  assertStrictEquals(dailySummaryLine(3, "ship"), "Day 3 summary: ✅ SHIP");
  assertStrictEquals(dailySummaryLine(3, "HOLD"), "Day 3 summary: 🔴 HOLD");
  assertStrictEquals(dailySummaryLine(3, undefined), "Day 3 summary: 🔴 UNKNOWN");
  assertStrictEquals(dailySummaryLine(3, { x: 1 }), "Day 3 summary: 🔴 UNKNOWN");
});
