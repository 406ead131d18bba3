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
import { assert, assertEquals, assertStringIncludes, assertThrows } from "./_assert.ts";

interface Stored {
  id: number;
  title: string;
  body: string;
  labels: string[];
  open: boolean;
  comments: string[];
}

/** A forge whose issues live in memory; `dropLabels` plays a token without push access. */
function memoryForge(options: { dropLabels?: boolean } = {}) {
  const issues: Stored[] = [];
  const calls: string[] = [];
  const api: IssueApi = {
    labelsDroppedHint: "the token may not set labels",
    find(plan) {
      calls.push("find");
      const hit = issues.find((i) =>
        i.open &&
        (plan.labels.every((l) => i.labels.includes(l)) || carriesMarker(i.body, plan.doc.marker))
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
      return Promise.resolve(issues[Number(id) - 1].comments.some((c) => carriesMarker(c, marker)));
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

async function rig(options: { dropLabels?: boolean } = {}) {
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
  ]);
});
