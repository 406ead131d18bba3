// The tracker operations written once, over an in-memory issue API.
import { join } from "node:path";
import { hostsOf } from "../platforms/_core/settings.ts";
import {
  checkStoryStatus,
  type CustomIssueApi,
  type ForgeIssue,
  type ForgeIssueApi,
  ForgeTracker,
  type IssueApi,
  type IssueMoves,
  issueNumber,
  type ListedIssue,
} from "../platforms/_pace/forge_tracker.ts";
import { carriesMarker, markerComment } from "../platforms/_pace/names.ts";
import type { RenderedDoc } from "../platforms/_pace/render.ts";
import { toMarkdown } from "../platforms/_pace/markdown.ts";
import { resolveContext } from "../platforms/registry.ts";
import { listPlatforms, localPlatform } from "../mod.ts";
import { captureLogger, writeSamplePace } from "../testing.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "./_assert.ts";

interface Stored {
  id: number;
  title: string;
  body: string;
  labels: string[];
  open: boolean;
  pull: boolean;
  comments: string[];
}

interface ForgeOptions {
  /** Play a token without push access: the forge drops every label. */
  dropLabels?: boolean;
  /**
   * How a marker is looked for: as the body's last line, by the tracker's
   * own find over the forge's lists (GitHub, GitLab, Gitea, Bitbucket), or
   * anywhere in the text as a whole token, by the platform's own find
   * (Jira's comment scan).
   */
  lookup?: "last-line" | "text";
  /** The label filter answers every open issue (Gitea, knowing none of the names). */
  widenFilter?: boolean;
  /** Lists ignore the state filter: closed issues come back too. */
  ignoreState?: boolean;
  /** Answers leave the labels out. */
  hideLabels?: boolean;
  /** Issues have no labels: no label lookup, and a title may claim an item (Bitbucket). */
  noLabels?: boolean;
  /** The longest body the forge takes. */
  bodyLimit?: number;
}

/** Whether `text` holds `mark` as a whole token anywhere (`…day-1` is not in `…day-12`). */
function holdsToken(text: string, mark: string): boolean {
  return text.split(mark).slice(1).some((after) => !/^[\w-]/.test(after));
}

/** A forge whose issues live in memory. */
function memoryForge(options: ForgeOptions = {}) {
  const issues: Stored[] = [];
  const calls: string[] = [];
  const add = (issue: Partial<Stored>): Stored => {
    const stored: Stored = {
      id: issues.length + 1,
      title: "",
      body: "",
      labels: [],
      open: true,
      pull: false,
      comments: [],
      ...issue,
    };
    issues.push(stored);
    return stored;
  };
  const answer = (issue: Stored): ListedIssue => ({
    id: issue.id,
    url: `mem://${issue.id}`,
    labels: options.hideLabels ? undefined : [...issue.labels],
    open: issue.open,
    body: issue.body,
    title: issue.title,
    pull: issue.pull,
  });
  // What the forge's open-issues filter lets through, newest first.
  const listed = () => issues.filter((i) => options.ignoreState || i.open).reverse();
  const moves: IssueMoves = {
    labelsDroppedHint: "the token may not set labels",
    setStatus(id, status) {
      calls.push(`status ${status}`);
      issues[Number(id) - 1].open = status !== "done";
      return Promise.resolve();
    },
    hasComment(id, marker) {
      const has = options.lookup === "text" ? holdsToken : carriesMarker;
      return Promise.resolve(issues[Number(id) - 1].comments.some((c) => has(c, marker)));
    },
    parseId: issueNumber,
  };
  const forge: ForgeIssueApi = {
    ...moves,
    bodyLimit: options.bodyLimit ?? 65_000,
    byLabels: options.noLabels ? undefined : (labels) => {
      calls.push(`labels ${labels.join(",")}`);
      return Promise.resolve(
        listed().filter((i) => options.widenFilter || labels.every((l) => i.labels.includes(l)))
          .map(answer),
      );
    },
    recentOpen() {
      calls.push("recent");
      return Promise.resolve(listed().map(answer));
    },
    claims: options.noLabels
      ? (issue, plan) => issue.title?.startsWith(plan.titlePrefix) === true
      : undefined,
    createIssue(plan, body) {
      calls.push("create");
      const labels = options.dropLabels || options.noLabels ? [] : [...plan.labels];
      return Promise.resolve(answer(add({ title: plan.title, body, labels })));
    },
    postComment(id, body) {
      calls.push("comment");
      issues[Number(id) - 1].comments.push(body);
      return Promise.resolve();
    },
  };
  // The platform's own find: labels, or the marker anywhere in the text.
  const own: CustomIssueApi = {
    ...moves,
    find(plan) {
      calls.push("find");
      const hit = issues.find((i) =>
        i.open && !i.pull &&
        (plan.labels.every((l) => i.labels.includes(l)) || holdsToken(i.body, plan.doc.marker))
      );
      return Promise.resolve(hit && { id: hit.id, url: `mem://${hit.id}` });
    },
    create(plan) {
      calls.push("create");
      const labels = options.dropLabels ? [] : [...plan.labels];
      const issue = add({ title: plan.title, body: toMarkdown(plan.doc), labels });
      const created: ForgeIssue = { id: issue.id, url: `mem://${issue.id}`, labels: issue.labels };
      return Promise.resolve(created);
    },
    comment(id, doc: RenderedDoc) {
      calls.push("comment");
      issues[Number(id) - 1].comments.push(toMarkdown(doc));
      return Promise.resolve();
    },
  };
  const api: IssueApi = options.lookup === "text" ? own : forge;
  return { api, issues, calls, add };
}

async function rig(options: ForgeOptions = {}) {
  const repoRoot = await Deno.makeTempDir({ prefix: "pace-forge-" });
  const paceDir = await writeSamplePace(repoRoot);
  const logger = captureLogger();
  const forge = memoryForge(options);
  const context = resolveContext(localPlatform, { repoRoot, logger, env: {} });
  const tracker = new ForgeTracker(context, "memory", forge.api);
  return {
    ...forge,
    tracker,
    logger,
    dayDir: (day: number) => join(paceDir, `day-${day}`),
    [Symbol.asyncDispose]: () => Deno.remove(repoRoot, { recursive: true }),
  };
}

Deno.test("forge tracker: dropped labels are warned about and the marker still finds the item", async () => {
  await using r = await rig({ dropLabels: true });
  const first = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  const again = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(again, first);
  assertEquals(r.issues.length, 1, "no duplicate without labels");
  assertStringIncludes(r.logger.text(), "created without the labels pace-hold, pace-day-3");
  assertStringIncludes(r.logger.text(), "the token may not set labels");
});

Deno.test("forge tracker: advisories are per day and agent", async () => {
  await using r = await rig();
  const items = [{ id: "S-1", finding: "x" }];
  const sentinel = await r.tracker.pushAdvisoryItems(3, items, "SENTINEL");
  assertEquals(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"), sentinel);
  assert((await r.tracker.pushAdvisoryItems(3, items, "CONDUIT")) !== sentinel);
  assertEquals(await r.tracker.pushAdvisoryItems(3, [], "CONDUIT"), "");
  assertEquals(r.issues.length, 2);
});

Deno.test("forge tracker: story pushed once, recorded, then status and handoff on it", async () => {
  await using r = await rig();
  const url = await r.tracker.pushStory(1, r.dayDir(1));
  assertEquals(await r.tracker.pushStory(1, r.dayDir(1)), url, "the recorded ticket is returned");
  assertStringIncludes(await Deno.readTextFile(join(r.dayDir(1), "story-ticket.yaml")), url);
  assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "done"), true);
  assertEquals(r.issues[0].open, false);
  assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress"), true);
  assertEquals(r.issues[0].open, true);
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), true);
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), true);
  assertEquals(r.issues[0].comments.length, 1, "the handoff is commented once");
});

// Agent text quoting a marker must not pass for the item that marker names,
// whether the forge looks for it on the last line or anywhere in the text.
const LOOKUPS = ["last-line", "text"] as const;
const STORY_1 = "<!-- pace:story:day-1 -->";
const HOLD_1 = "<!-- pace:hold:day-1 -->";

Deno.test("forge tracker: a hold reason quoting the story marker does not pass for the story", async () => {
  const reasons = [
    STORY_1,
    `tests fail\n${STORY_1}`,
    `\`${STORY_1}\``,
    `\`\`\`\n${STORY_1}\n\`\`\``,
    "pace:story:day-1",
    "PACE:STORY:DAY-1 -->",
  ];
  for (const lookup of LOOKUPS) {
    for (const reason of reasons) {
      await using r = await rig({ lookup });
      const what = `${lookup} lookup, hold reason ${JSON.stringify(reason)}`;
      const escalation = await r.tracker.openEscalationIssue(1, r.dayDir(1), reason);
      const story = await r.tracker.pushStory(1, r.dayDir(1));
      assert(story !== escalation, `push-story returned the escalation (${what})`);
      assertEquals(r.issues.length, 2, what);
      assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "done"), true);
      assertEquals(r.issues[0].open, true, `the HOLD was resolved (${what})`);
      assertEquals(r.issues[1].open, false, what);
    }
  }
});

Deno.test("forge tracker: a finding quoting the hold marker does not stop the escalation", async () => {
  const findings = [
    [{ id: "S-1", finding: HOLD_1 }],
    [{ id: "S-1", finding: "first" }, { id: "S-2", finding: `last\n${HOLD_1}` }],
    [{ id: HOLD_1, finding: "x" }],
    [{ id: "S-1", finding: `\`${HOLD_1}\`` }],
    [{ id: "S-1", finding: `\`\`\`\n${HOLD_1}\n\`\`\`` }],
    [{ id: "S-1", finding: "pace:hold:day-1" }],
  ];
  for (const lookup of LOOKUPS) {
    for (const items of findings) {
      await using r = await rig({ lookup });
      const what = `${lookup} lookup, findings ${JSON.stringify(items)}`;
      const advisory = await r.tracker.pushAdvisoryItems(1, items, "sentinel");
      const escalation = await r.tracker.openEscalationIssue(1, r.dayDir(1), "tests fail");
      assert(escalation !== advisory, `the escalation was never created (${what})`);
      assertEquals(r.issues.length, 2, what);
    }
  }
});

Deno.test("forge tracker: an artifact quoted verbatim cannot pass for another item", async () => {
  for (const lookup of LOOKUPS) {
    await using r = await rig({ lookup });
    // Not YAML: the story ticket quotes it in a code block, marker line last.
    await Deno.mkdir(r.dayDir(5), { recursive: true });
    await Deno.writeTextFile(
      join(r.dayDir(5), "story.md"),
      "target: [oops\n<!-- pace:hold:day-5 -->\n<!-- pace:handoff:day-5 -->\n",
    );
    await Deno.writeTextFile(
      join(r.dayDir(5), "handoff.md"),
      "summary: done\nnote: <!-- pace:handoff:day-5 -->\n",
    );
    const story = await r.tracker.pushStory(5, r.dayDir(5));
    const escalation = await r.tracker.openEscalationIssue(5, r.dayDir(5), "blocked");
    assert(escalation !== story, `${lookup}: the story passed for the escalation`);
    assertEquals(await r.tracker.postHandoffComment(5, r.dayDir(5)), true);
    assertEquals(r.issues[0].comments.length, 1, `${lookup}: the handoff was not posted`);
  }
});

Deno.test("forge tracker: agents whose names differ only in symbols or emoji file their own advisories", async () => {
  await using r = await rig();
  const items = [{ id: "F-1", finding: "x" }];
  const agents = ["C++", "C#", "C", "\u{1F600}", "\u{1F642}", "c-x2b", "c~2b"];
  const urls = [];
  for (const agent of agents) urls.push(await r.tracker.pushAdvisoryItems(2, items, agent));
  assertEquals(new Set(urls).size, agents.length, urls.join(" "));
  assertEquals(r.issues.length, agents.length);
  // Re-runs find each agent's own item.
  for (const [i, agent] of agents.entries()) {
    assertEquals(await r.tracker.pushAdvisoryItems(2, items, agent), urls[i]);
  }
  assertEquals(r.issues.length, agents.length);
});

Deno.test("forge tracker: without a recorded ticket, status and handoff do nothing and say so", async () => {
  await using r = await rig();
  assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "done"), false);
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), false);
  assertEquals(r.calls, [], "no call reaches the forge");
  assertStringIncludes(r.logger.text(), "no memory story ticket recorded");
});

Deno.test("forge tracker: a plan issue cannot be closed where the API has no closePlan", async () => {
  await using r = await rig();
  assertEquals(await r.tracker.closePlanIssue(4), false);
});

Deno.test("issueNumber: only plain positive decimals are issue numbers", () => {
  assertEquals(issueNumber(12), 12);
  assertEquals(issueNumber(" 7 "), 7);
  for (const bad of ["0x10", "1e3", "0", "-1", "1.5", "", "12abc", "99999999999999999"]) {
    assertThrows(() => issueNumber(bad), Error, "is not an issue number");
  }
});

Deno.test("checkStoryStatus accepts done and in_progress only", () => {
  assertEquals(checkStoryStatus("done"), "done");
  assertEquals(checkStoryStatus("in_progress"), "in_progress");
  for (const bad of ["Done", "closed", "", undefined, 1]) {
    assertThrows(() => checkStoryStatus(bad), Error, "use done or in_progress");
  }
});

Deno.test("carriesMarker: only where the package writes it, as the last line", () => {
  const tag = markerComment("pace:story:day-1");
  assert(carriesMarker(`body\n\n${tag}\n`, "pace:story:day-1"));
  assert(!carriesMarker(`quoted ${tag} in text\n\nmore`, "pace:story:day-1"));
  assert(!carriesMarker(`x\n${markerComment("pace:story:day-12")}`, "pace:story:day-1"));
  // A last line that merely ends with the marker is text, not the marker.
  assert(!carriesMarker(`body\n\nquoted \\${tag}\n`, "pace:story:day-1"));
  assert(carriesMarker(`body\r\n\r\n${tag}\r\n`, "pace:story:day-1"));
  assert(!carriesMarker(null, "pace:story:day-1"));
});

Deno.test("hostsOf keeps non-default ports and falls back for unset or invalid URLs", () => {
  assertEquals(hostsOf("https://ghe.example.com:8443/api/v3"), ["ghe.example.com:8443"]);
  assertEquals(hostsOf("https://ghe.example.com:443/api/v3"), ["ghe.example.com"]);
  assertEquals(hostsOf(undefined, "https://api.github.com"), ["api.github.com"]);
  assertEquals(hostsOf("not a url", "https://api.github.com"), ["api.github.com"]);
  assertEquals(hostsOf("ftp://x.example.com"), []);
  assertEquals(hostsOf(undefined), []);
});

Deno.test("every built-in platform is registered, with its sides", () => {
  const builtins = listPlatforms().filter((p) => p.builtin)
    .map((p) => `${p.name}:${p.ci ? "ci" : ""}${p.tracker ? "+tracker" : ""}`);
  assertEquals(builtins, [
    "local:ci+tracker",
    "github:ci+tracker",
    "gitlab:ci+tracker",
    "bitbucket:ci+tracker",
    "jenkins:ci",
    "jira:+tracker",
    "gitea:ci+tracker",
    "forgejo:ci+tracker",
  ]);
});

Deno.test("forge tracker: a recorded id YAML reads as a number (0x10, 1e3) is refused, not issue 16", async () => {
  for (const written of ["0x10", "1e3", "0o20", "+16"]) {
    await using r = await rig();
    assert((await r.tracker.pushStory(1, r.dayDir(1))) !== "");
    const ref = join(r.dayDir(1), "story-ticket.yaml");
    const text = await Deno.readTextFile(ref);
    await Deno.writeTextFile(ref, text.replace(/^id: .*$/m, `id: ${written}`));
    r.calls.length = 0;
    // Unguarded here: the adapter throws (the guard turns that into `false`).
    await assertRejects(
      () => r.tracker.updateStoryStatus(1, r.dayDir(1), "done"),
      Error,
      "is not an issue number",
    );
    assertEquals(r.calls, [], `${written}: no call reaches the forge`);
  }
});

// The find rule written once for every forge: labels first, each answer checked; then the marker.
const HOLD_3 = { labels: ["pace-hold", "pace-day-3"], marker: "<!-- pace:hold:day-3 -->" };

Deno.test("forge find: an open issue carrying all the labels is found, with no marker look-up", async () => {
  await using r = await rig({ widenFilter: true });
  const mine = r.add({ labels: ["urgent", ...HOLD_3.labels] });
  // Newer, and listed first: each carries some of the labels, not all.
  r.add({ labels: ["pace-hold"] });
  r.add({ labels: ["pace-day-3", "bug"] });
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), `mem://${mine.id}`);
  assertEquals(r.calls, ["labels pace-hold,pace-day-3"]);
});

Deno.test("forge find: a widened label filter's answers are checked, not taken", async () => {
  await using r = await rig({ widenFilter: true });
  // What Gitea answers when it knows neither name: every open issue.
  r.add({ title: "Login page is slow", labels: ["bug"] });
  r.add({ title: "Some hold", labels: ["pace-hold"] });
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(url, "mem://3", "a new escalation, not an issue lacking a label");
  assertEquals(r.calls, ["labels pace-hold,pace-day-3", "recent", "create"]);
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url);
  assertEquals(r.issues.length, 3);
});

Deno.test("forge find: an answer without its labels is found by its marker only", async () => {
  for (const options of [{ hideLabels: true }, { widenFilter: true, dropLabels: true }]) {
    await using r = await rig(options);
    const what = JSON.stringify(options);
    r.add({ title: "unmarked", labels: HOLD_3.labels.slice(0, 1) });
    const first = await r.tracker.openEscalationIssue(3, r.dayDir(3));
    assertEquals(first, "mem://2", `${what}: the label filter's answer was trusted`);
    assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), first, what);
    assertEquals(r.issues.length, 2, what);
    assertEquals(r.calls.slice(-2), ["labels pace-hold,pace-day-3", "recent"], what);
    assertStringIncludes(
      r.logger.text(),
      `pace:hold:day-3: found ${first} by its marker, not its labels`,
    );
  }
});

Deno.test("forge find: the marker counts only as the body's last line", async () => {
  await using r = await rig({ dropLabels: true });
  const bodies = [
    `tests fail\n${HOLD_3.marker}\nmore text`,
    `quoted \`${HOLD_3.marker}\``,
    `${HOLD_3.marker} and text after it`,
    `text\n\\${HOLD_3.marker}`,
    "x\n<!-- pace:hold:day-30 -->",
    "x\n<!-- PACE:HOLD:DAY-3 -->",
  ];
  for (const body of bodies) r.add({ body });
  const created = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(created, `mem://${bodies.length + 1}`, "a text quoting the marker was taken");
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), created);
  assertEquals(r.issues.length, bodies.length + 1);
});

Deno.test("forge find: agent text quoting a marker, rendered or pasted, does not pass for the item", async () => {
  await using r = await rig({ dropLabels: true });
  // Agent text ending with the story's marker line, as the package writes it.
  const escalation = await r.tracker.openEscalationIssue(1, r.dayDir(1), `oops\n${STORY_1}`);
  const advisory = await r.tracker.pushAdvisoryItems(1, [{ id: "S-1", finding: STORY_1 }], "x");
  // Pasted by hand or by another tool: the marker verbatim, followed by more text.
  r.add({ title: "Report", body: `- [S-1] see\n${STORY_1}\n- [S-2] more` });
  const story = await r.tracker.pushStory(1, r.dayDir(1));
  assertEquals(new Set([escalation, advisory, story]).size, 3, `${escalation} ${story}`);
  assertEquals(story, "mem://4");
  assert(r.issues.every((issue) => issue.labels.length === 0), "only the marker could find them");
});

Deno.test("forge find: pull requests are never taken, by labels or by marker", async () => {
  await using r = await rig();
  r.add({ labels: HOLD_3.labels, body: `pr\n\n${HOLD_3.marker}`, pull: true });
  r.add({ body: `pr\n\n${HOLD_3.marker}`, pull: true });
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), "mem://3");
  assertEquals(r.calls, ["labels pace-hold,pace-day-3", "recent", "create"]);
});

Deno.test("forge find: closed issues are never taken, even when the forge lists them", async () => {
  await using r = await rig({ ignoreState: true });
  r.add({ labels: HOLD_3.labels, body: `old\n\n${HOLD_3.marker}`, open: false });
  r.add({ body: `old\n\n${HOLD_3.marker}`, open: false });
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(url, "mem://3");
  assertEquals(r.calls, ["labels pace-hold,pace-day-3", "recent", "create"]);
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url);
});

Deno.test("forge find: without labels, the marker or the forge's own claim finds the item", async () => {
  await using r = await rig({ noLabels: true });
  const url = await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url);
  assertEquals(r.calls, ["recent", "create", "recent"], "no label look-up");
  assert(!r.logger.text().includes("not its labels"), "nothing to say about labels");
  // Filed by hand without a marker: the forge's title rule claims it.
  const byHand = r.add({ title: "[PACE HOLD] Day 4 \u2014 by hand", body: "no marker" });
  assertEquals(await r.tracker.openEscalationIssue(4, r.dayDir(4)), `mem://${byHand.id}`);
  assertEquals(r.issues.length, 2);
});

Deno.test("forge find: bodies and comments are rendered within the forge's limit", async () => {
  await using r = await rig({ bodyLimit: 400 });
  const reason = "blocked ".repeat(200);
  await r.tracker.openEscalationIssue(3, r.dayDir(3), reason);
  await r.tracker.pushStory(1, r.dayDir(1));
  await Deno.writeTextFile(join(r.dayDir(1), "handoff.md"), `summary: ${"done ".repeat(200)}\n`);
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), true);
  const [escalation, story] = r.issues;
  assert(escalation.body.length <= 400, `${escalation.body.length} characters`);
  assert(carriesMarker(escalation.body, "pace:hold:day-3"), "the cut body keeps its marker");
  assert(story.comments[0].length <= 400, `${story.comments[0].length} characters`);
  assert(carriesMarker(story.comments[0], "pace:handoff:day-1"));
});
