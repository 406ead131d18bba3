/**
 * Gitea issues over real HTTP: labels resolved by name and referenced by id,
 * created once; Gitea's widened label filter; labels a user may not set;
 * close and reopen; the handoff comment once; re-runs after ambiguous
 * creates; faults.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { giteaRig } from "./servers/gitea/rig.ts";

const labelsOf = (r: { gitea: { labels: { id: number; name: string }[] } }, ids: number[]) =>
  ids.map((id) => r.gitea.labels.find((l) => l.id === id)?.name).sort();

Deno.test("gitea labels: created once with a fixed colour, issues carry them by id", async () => {
  await using r = await giteaRig();
  const escalation = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(escalation, `${r.gitea.webUrl}/issues/1`);
  const advisory = await r.tracker.pushAdvisoryItems(3, [{ id: "A1", finding: "x" }], "SENTINEL");
  assertEquals(advisory, `${r.gitea.webUrl}/issues/2`);
  const story = await r.tracker.pushStory(3, r.dayDir(3));
  assertEquals(story, `${r.gitea.webUrl}/issues/3`);
  // Each name once, though pace-day-3 serves three items.
  const created = r.calls("/labels", "POST").map((q) => (q.body as { name: string }).name);
  assertEquals(created.sort(), [
    "pace-advisory",
    "pace-day-3",
    "pace-hold",
    "pace-sentinel",
    "pace-story",
  ]);
  for (const q of r.calls("/labels", "POST")) {
    assertEquals((q.body as { color: string }).color, "#5319e7");
  }
  // The label list was read once for the adapter's life.
  assertEquals(r.calls("/labels", "GET").length, 1);
  const issues = r.calls("/issues", "POST").map((q) => q.body as { labels: number[] });
  assert(issues.every((b) => b.labels.every((id) => typeof id === "number")));
  assertEquals(labelsOf(r, issues[0].labels), ["pace-day-3", "pace-hold"]);
  assertEquals(r.gitea.issues.map((i) => labelsOf(r, i.labels)), [
    ["pace-day-3", "pace-hold"],
    ["pace-advisory", "pace-day-3", "pace-sentinel"],
    ["pace-day-3", "pace-story"],
  ]);
});

Deno.test("gitea labels: existing ones are found on any page; none is created again", async () => {
  await using r = await giteaRig();
  for (let i = 0; i < 120; i++) r.gitea.addLabel(`team-${i}`);
  const hold = r.gitea.addLabel("pace-hold");
  const day = r.gitea.addLabel("pace-day-3");
  await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(r.calls("/labels", "POST"), []);
  assertEquals(r.calls("/labels", "GET").map((q) => q.query.get("page")), ["1", "2", "3"]);
  assertEquals(r.gitea.issues[0].labels.sort(), [hold.id, day.id].sort());
});

Deno.test("gitea labels: a create answered 502 that took effect is not repeated", async () => {
  await using r = await giteaRig();
  r.gitea.script({ method: "POST", path: /\/labels$/, perform: true });
  assert(await r.tracker.openEscalationIssue(3, r.dayDir(3)));
  assertEquals(
    r.gitea.labelsNamed("pace-hold").length + r.gitea.labelsNamed("pace-day-3").length,
    2,
  );
  assertEquals(labelsOf(r, r.gitea.issues[0].labels), ["pace-day-3", "pace-hold"]);
});

Deno.test("gitea: the widened label filter is checked, not trusted (unknown names dropped)", async () => {
  await using r = await giteaRig();
  // An unrelated open issue, and none of PACE's labels exists yet: Gitea drops
  // every name from the filter and answers every open issue.
  r.gitea.addIssue({ title: "Login page is slow", labels: ["bug"] });
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(url, `${r.gitea.webUrl}/issues/2`, "a new issue, not the unrelated one");
  const lookup = r.calls("/issues", "GET")[0];
  assertEquals(lookup.query.get("labels"), "pace-hold,pace-day-3");
  assertEquals(lookup.query.get("type"), "issues");
  assertEquals(lookup.query.get("state"), "open");
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url, "a re-run finds it");
  assertEquals(r.gitea.issues.length, 2);
});

Deno.test("gitea: with a filter that matches any label, another kind of the same day is not taken", async () => {
  await using r = await giteaRig();
  r.gitea.labelFilter = "any";
  const advisory = await r.tracker.pushAdvisoryItems(3, [{ id: "A1", finding: "x" }], "SENTINEL");
  const escalation = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assert(escalation && escalation !== advisory);
  const conduit = await r.tracker.pushAdvisoryItems(3, [{ id: "C1", finding: "y" }], "CONDUIT");
  assert(conduit && conduit !== advisory);
  assertEquals(r.gitea.issues.length, 3);
});

Deno.test("gitea: an open pull request carrying the labels is no issue", async () => {
  await using r = await giteaRig();
  const pull = r.gitea.addPull("feature", "main");
  pull.labels = ["pace-hold", "pace-day-3"].map((n) => r.gitea.addLabel(n).id);
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(url, `${r.gitea.webUrl}/issues/2`);
});

Deno.test("gitea: labels a user may not set are dropped; the warning says why; the marker finds it", async () => {
  await using r = await giteaRig();
  r.gitea.writeIssues = false;
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assert(url);
  assertEquals(r.gitea.issues[0].labels, []);
  assertStringIncludes(r.logger.text(), "created without the labels pace-hold, pace-day-3");
  assertStringIncludes(r.logger.text(), "may write to the repository's issues");
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url);
  assertEquals(r.gitea.issues.length, 1);
});

Deno.test("gitea: a label the token may not create is left out; the item is still filed once", async () => {
  await using r = await giteaRig();
  r.gitea.on("POST", /\/labels$/, () => ({
    status: 403,
    body: { message: "user should have a permission to write to a repo" },
  }));
  const url = await r.tracker.pushStory(1, r.dayDir(1));
  assert(url);
  assertEquals(r.gitea.issues[0].labels, []);
  assertStringIncludes(r.logger.text(), "cannot create the label pace-story (403)");
  assertEquals(r.calls("/issues", "POST")[0].body, {
    title: "[PACE Day 1] Sign-up form",
    body: r.gitea.issues[0].body,
  });
  // Recorded: a re-run returns it without a lookup.
  assertEquals(await r.tracker.pushStory(1, r.dayDir(1)), url);
  assertEquals(r.gitea.issues.length, 1);
});

Deno.test("gitea: an issue create answered 502 that took effect is found, not repeated", async () => {
  await using r = await giteaRig();
  r.gitea.script({ method: "POST", path: /\/issues$/, perform: true });
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(url, `${r.gitea.webUrl}/issues/1`);
  assertEquals(r.gitea.issues.length, 1);
  assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
});

Deno.test("gitea: the story closes and reopens with PATCH {state}; Gitea answers 201", async () => {
  await using r = await giteaRig();
  await r.tracker.pushStory(1, r.dayDir(1));
  assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "done"), true);
  assertEquals(r.gitea.issues[0].state, "closed");
  assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress"), true);
  assertEquals(r.gitea.issues[0].state, "open");
  assertEquals(r.calls("/issues/1", "PATCH").map((q) => [q.body, q.status]), [
    [{ state: "closed" }, 201],
    [{ state: "open" }, 201],
  ]);
});

Deno.test("gitea: plan issues close by number; a missing one resolves false", async () => {
  await using r = await giteaRig();
  const plan = r.gitea.addIssue({ title: "Sprint plan" });
  assertEquals(await r.tracker.closePlanIssue(plan.number), true);
  assertEquals(plan.state, "closed");
  assertEquals(await r.tracker.closePlanIssue(99), false);
});

Deno.test("gitea: the handoff is commented once; the comments list is read without pages", async () => {
  await using r = await giteaRig();
  await r.tracker.pushStory(1, r.dayDir(1));
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), true);
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), true);
  assertEquals(r.gitea.commentsOn(1).length, 1);
  assertStringIncludes(r.gitea.commentsOn(1)[0].body, "Sign-up form with validation.");
  for (const q of r.calls("/issues/1/comments", "GET")) assertEquals([...q.query.keys()], []);
});

Deno.test("gitea: a handoff comment answered 502 that took effect is not posted twice", async () => {
  await using r = await giteaRig();
  await r.tracker.pushStory(1, r.dayDir(1));
  r.gitea.script({ method: "POST", path: /\/comments$/, perform: true });
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), true);
  assertEquals(r.gitea.commentsOn(1).length, 1);
});

Deno.test("gitea tracker: 500 bursts are retried; a closed port resolves empty", async () => {
  await using r = await giteaRig();
  r.gitea.script({ method: "GET", path: /\/issues$/, status: 500, times: 2 });
  assert(await r.tracker.openEscalationIssue(3, r.dayDir(3)));
  const tracker = r.build("tracker", { env: { ...r.env, GITEA_URL: "http://127.0.0.1:9" } });
  assertEquals(await tracker.pushAdvisoryItems(3, [{ id: "A", finding: "f" }], "SENTINEL"), "");
  assert(!r.logger.text().includes(r.gitea.token));
});
