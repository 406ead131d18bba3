// The tracker operations written once, over an in-memory issue API.
import { join } from "node:path";
import { hostsOf } from "../platforms/_core/settings.ts";
import {
  checkStoryStatus,
  type ForgeIssue,
  ForgeTracker,
  type IssueApi,
  issueNumber,
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
  comments: string[];
}

interface ForgeOptions {
  /** Play a token without push access: the forge drops every label. */
  dropLabels?: boolean;
  /**
   * How a marker is looked for: as the body's last line (GitHub, GitLab,
   * Bitbucket), or anywhere in the text as a whole token (Jira's comment scan,
   * Bitbucket's content search).
   */
  lookup?: "last-line" | "text";
}

/** Whether `text` holds `mark` as a whole token anywhere (`…day-1` is not in `…day-12`). */
function holdsToken(text: string, mark: string): boolean {
  return text.split(mark).slice(1).some((after) => !/^[\w-]/.test(after));
}

/** A forge whose issues live in memory. */
function memoryForge(options: ForgeOptions = {}) {
  const issues: Stored[] = [];
  const calls: string[] = [];
  const hasMarker = (body: string, mark: string) =>
    options.lookup === "text" ? holdsToken(body, mark) : carriesMarker(body, mark);
  const api: IssueApi = {
    labelsDroppedHint: "the token may not set labels",
    find(plan) {
      calls.push("find");
      const hit = issues.find((i) =>
        i.open &&
        (plan.labels.every((l) => i.labels.includes(l)) || hasMarker(i.body, plan.doc.marker))
      );
      return Promise.resolve(hit && { id: hit.id, url: `mem://${hit.id}` });
    },
    create(plan) {
      calls.push("create");
      const issue: Stored = {
        id: issues.length + 1,
        title: plan.title,
        body: toMarkdown(plan.doc),
        labels: options.dropLabels ? [] : [...plan.labels],
        open: true,
        comments: [],
      };
      issues.push(issue);
      const answer: ForgeIssue = { id: issue.id, url: `mem://${issue.id}`, labels: issue.labels };
      return Promise.resolve(answer);
    },
    setStatus(id, status) {
      calls.push(`status ${status}`);
      issues[Number(id) - 1].open = status !== "done";
      return Promise.resolve();
    },
    hasComment(id, marker) {
      return Promise.resolve(issues[Number(id) - 1].comments.some((c) => hasMarker(c, marker)));
    },
    comment(id, doc: RenderedDoc) {
      calls.push("comment");
      issues[Number(id) - 1].comments.push(toMarkdown(doc));
      return Promise.resolve();
    },
    parseId: issueNumber,
  };
  return { api, issues, calls };
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
