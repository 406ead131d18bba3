/**
 * Jira Cloud's search lags writes: `/rest/api/3/search/jql` may leave out an
 * issue created seconds ago. The fake reproduces it (`searchLag`,
 * `settle()`, `reconcileIssues`), and the tracker must open no duplicate: a
 * re-run right after a create finds the issue by its recorded key, and after
 * a create answered 502 it searches again, a bounded number of times, before
 * creating anything. Data Center's search is consistent and stays simple.
 */

import { join } from "node:path";
import { buildAdapter } from "../platforms/registry.ts";
import type { TrackerAdapter } from "../platforms/types.ts";
import { captureLogger, type CapturingLogger, writeSamplePace } from "../testing.ts";
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { FakeJira, type FakeJiraOptions } from "./servers/jira.ts";
import { instantJira } from "./servers/jira/platform.ts";

const RECORD = "jira-issues.json";

interface Rig extends AsyncDisposable {
  jira: FakeJira;
  root: string;
  logger: CapturingLogger;
  /** Waits the tracker asked for between renewed searches (none really slept). */
  waits: number[];
  /** A fresh adapter on the same checkout: a re-run. */
  run(): TrackerAdapter;
  dayDir(day: number): string;
  /** The `/search/jql` requests so far. */
  searches(): number;
  posts(): number;
}

async function rig(options: FakeJiraOptions): Promise<Rig> {
  const jira = FakeJira.start(options);
  const root = await Deno.makeTempDir({ prefix: "pace-jira-lag-" });
  const paceDir = await writeSamplePace(root);
  const logger = captureLogger();
  const { definition, waits } = instantJira();
  const env: Record<string, string> = {
    JIRA_URL: jira.url,
    JIRA_TOKEN: jira.token,
    JIRA_PROJECT_KEY: "PACE",
  };
  if (jira.mode === "cloud") env.JIRA_EMAIL = jira.email;
  return {
    jira,
    root,
    logger,
    waits,
    run: () => buildAdapter(definition, "tracker", { env, repoRoot: root, logger }),
    dayDir: (day) => join(paceDir, `day-${day}`),
    searches: () => jira.sent(/\/search(\/jql)?$/).length,
    posts: () => jira.sent(/\/issue$/, "POST").length,
    async [Symbol.asyncDispose]() {
      await jira.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(jira.violations, [], "every request is one Jira accepts");
    },
  };
}

async function readRecord(r: Rig, day: number): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(join(r.dayDir(day), RECORD)));
}

/** A direct call to the fake, as a client of Jira's REST API. */
async function call(jira: FakeJira, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("authorization", jira.authorization);
  if (init.body) headers.set("content-type", "application/json");
  const response = await fetch(`${jira.url}/rest/api/3${path}`, { ...init, headers });
  return { status: response.status, body: await response.json() };
}

const JQL = 'project = "PACE" AND labels = "pace-hold"';

// ---------------------------------------------------------------------------
// The fake lags as Cloud does

Deno.test("fake jira cloud: a new issue is missing from /search/jql for N searches; GET by key sees it", async () => {
  await using r = await rig({ mode: "cloud", searchLag: 2 });
  const created = await call(r.jira, "/issue", {
    method: "POST",
    body: JSON.stringify({
      fields: {
        project: { key: "PACE" },
        summary: "held",
        issuetype: { name: "Bug" },
        labels: ["pace-hold"],
      },
    }),
  });
  assertEquals(created.status, 201);
  const search = () => call(r.jira, `/search/jql?jql=${encodeURIComponent(JQL)}&fields=labels`);
  const first = await search();
  assertEquals(first, { status: 200, body: { issues: [], isLast: true } });
  assertEquals((await call(r.jira, "/issue/PACE-1?fields=labels")).body.key, "PACE-1");
  assertEquals((await search()).body.issues, [], "still missing on the second search");
  const third = await search();
  assertEquals(third.body.issues.map((i: { key: string }) => i.key), ["PACE-1"]);
  assertEquals(third.body.isLast, true);
  assertEquals("nextPageToken" in third.body, false, "the last page carries no token");
});

Deno.test("fake jira cloud: reconcileIssues shows a lagging issue (GET list or repeated, POST integers)", async () => {
  await using r = await rig({ mode: "cloud", searchLag: Infinity });
  const issue = r.jira.addIssue({ summary: "held", labels: ["pace-hold"] });
  const lagging = r.jira.addIssue({ summary: "held too", labels: ["pace-hold"] });
  lagging.searchHiddenFor = Infinity;
  const keys = (body: { issues: { key: string }[] }) => body.issues.map((i) => i.key);
  const q = `jql=${encodeURIComponent(JQL)}&fields=labels`;
  assertEquals(keys((await call(r.jira, `/search/jql?${q}`)).body), [issue.key]);
  const listed = await call(r.jira, `/search/jql?${q}&reconcileIssues=${lagging.id},${issue.id}`);
  assertEquals(keys(listed.body), [lagging.key, issue.key]);
  const repeated = await call(r.jira, `/search/jql?${q}&reconcileIssues=${lagging.id}`);
  assertEquals(keys(repeated.body), [lagging.key, issue.key]);
  const posted = await call(r.jira, "/search/jql", {
    method: "POST",
    body: JSON.stringify({ jql: JQL, fields: ["labels"], reconcileIssues: [Number(lagging.id)] }),
  });
  assertEquals(keys(posted.body), [lagging.key, issue.key]);
  // Atlassian: "All issues must exist" — an id of no issue is refused, which a client can meet.
  const gone = await call(r.jira, `/search/jql?${q}&reconcileIssues=99999`);
  assertEquals(gone.status, 400);
  assertEquals(r.jira.violations, []);
  r.jira.settle();
  assertEquals(keys((await call(r.jira, `/search/jql?${q}`)).body), [lagging.key, issue.key]);
  // Ids as strings in a body, or more than 50, are client bugs.
  const strings = await call(r.jira, "/search/jql", {
    method: "POST",
    body: JSON.stringify({ jql: JQL, reconcileIssues: [lagging.id] }),
  });
  assertEquals(strings.status, 400);
  const many = Array.from({ length: 51 }, () => issue.id).join(",");
  assertEquals((await call(r.jira, `/search/jql?${q}&reconcileIssues=${many}`)).status, 400);
  assertEquals(r.jira.violations.length, 2);
  r.jira.violations.length = 0;
});

Deno.test("fake jira data center: the search is consistent whatever searchLag says", async () => {
  await using r = await rig({ mode: "datacenter", searchLag: Infinity });
  await r.run().openEscalationIssue(3, r.dayDir(3));
  assertEquals(r.jira.issue("PACE-1")?.searchHiddenFor, undefined);
  assertEquals(await r.run().openEscalationIssue(3, r.dayDir(3)), `${r.jira.url}/browse/PACE-1`);
  assertEquals(r.jira.issues.length, 1);
  assertEquals(r.waits, []);
  let recorded = true;
  await Deno.stat(join(r.dayDir(3), RECORD)).catch(() => recorded = false);
  assertEquals(recorded, false, "no record needed where the search is consistent");
});

// ---------------------------------------------------------------------------
// The tracker under lag

Deno.test("jira cloud: a re-run right after a create finds it by its recorded key — no duplicate", async () => {
  await using r = await rig({ mode: "cloud", searchLag: Infinity });
  const items = [{ id: "S-1", finding: "Token printed in debug log" }];
  const url = await r.run().openEscalationIssue(3, r.dayDir(3));
  const advisory = await r.run().pushAdvisoryItems(3, items, "SENTINEL");
  const searches = r.searches();
  const again = await r.run().openEscalationIssue(3, r.dayDir(3));
  const advisoryAgain = await r.run().pushAdvisoryItems(3, items, "SENTINEL");
  assertEquals(r.jira.issues.length, 2, "the fake holds one issue per item");
  assertEquals(r.posts(), 2);
  assertEquals([url, advisory], [`${r.jira.url}/browse/PACE-1`, `${r.jira.url}/browse/PACE-2`]);
  assertEquals([again, advisoryAgain], [url, advisory]);
  assertEquals(r.searches(), searches, "the recorded key answers; the lagging search is not asked");
  assertEquals(r.jira.sent("/issue/PACE-1", "GET").length, 1);
  assertEquals(r.waits, []);
  assertEquals(await readRecord(r, 3), {
    "pace:hold:day-3": { key: "PACE-1", id: r.jira.issue("PACE-1")!.id },
    "pace:advisory:day-3:sentinel": { key: "PACE-2", id: r.jira.issue("PACE-2")!.id },
  });
});

Deno.test("jira cloud: a recorded key counts only while its issue is the open item", async () => {
  await using r = await rig({ mode: "cloud", searchLag: Infinity });
  const url = await r.run().openEscalationIssue(3, r.dayDir(3));
  r.jira.issue("PACE-1")!.status = "Done";
  const second = await r.run().openEscalationIssue(3, r.dayDir(3));
  assertEquals(second, `${r.jira.url}/browse/PACE-2`, "a Done issue is not the open item");
  assert(second !== url);
  assertEquals((await readRecord(r, 3))["pace:hold:day-3"], {
    key: "PACE-2",
    id: r.jira.issue("PACE-2")!.id,
  });
  // An agent may write anything under .pace/: a key naming another item is not trusted.
  const other = r.jira.addIssue({ summary: "not PACE's", labels: ["unrelated"] });
  await Deno.mkdir(r.dayDir(4), { recursive: true });
  await Deno.writeTextFile(
    join(r.dayDir(4), RECORD),
    JSON.stringify({ "pace:hold:day-4": { key: other.key } }),
  );
  const day4 = await r.run().openEscalationIssue(4, r.dayDir(4));
  assertEquals(day4, `${r.jira.url}/browse/PACE-4`);
  assertEquals(r.jira.issue("PACE-4")!.labels, ["pace-hold", "pace-day-4"]);
});

Deno.test("jira cloud: a record that is a symlink is ignored", async () => {
  await using r = await rig({ mode: "cloud" });
  const elsewhere = join(r.root, "elsewhere.json");
  r.jira.addIssue({ summary: "bait", labels: ["pace-hold", "pace-day-3"], status: "Done" });
  await Deno.writeTextFile(elsewhere, JSON.stringify({ "pace:hold:day-3": { key: "PACE-1" } }));
  await Deno.symlink(elsewhere, join(r.dayDir(3), RECORD));
  assertEquals(await r.run().openEscalationIssue(3, r.dayDir(3)), `${r.jira.url}/browse/PACE-2`);
  assertEquals(r.jira.sent("/issue/PACE-1", "GET").length, 0, "the link was not followed");
  assertEquals((await Deno.lstat(join(r.dayDir(3), RECORD))).isSymlink, false);
  assertEquals(JSON.parse(await Deno.readTextFile(elsewhere)), {
    "pace:hold:day-3": { key: "PACE-1" },
  });
});

Deno.test("jira cloud: a create answered 502 under lag is found by a bounded re-search", async () => {
  await using r = await rig({ mode: "cloud", searchLag: 2 });
  r.jira.script({ method: "POST", path: /\/issue$/, perform: true, status: 502 });
  const url = await r.run().openEscalationIssue(3, r.dayDir(3));
  const again = await r.run().openEscalationIssue(3, r.dayDir(3));
  assertEquals(r.jira.issues.length, 1, "the fake holds one issue");
  assertEquals(r.posts(), 1, "no second create");
  assertEquals([url, again], [`${r.jira.url}/browse/PACE-1`, `${r.jira.url}/browse/PACE-1`]);
  assertEquals(r.waits, [400, 800], "searched again until the index caught up");
  assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
  assertEquals((await readRecord(r, 3))["pace:hold:day-3"], {
    key: "PACE-1",
    id: r.jira.issue("PACE-1")!.id,
  });
});

Deno.test("jira cloud: after a 502 the run fails rather than duplicate; the next run searches on", async () => {
  await using r = await rig({ mode: "cloud", searchLag: 5 });
  r.jira.script({ method: "POST", path: /\/issue$/, perform: true, status: 502 });
  const items = [{ id: "S-1", finding: "x" }];
  const first = await r.run().pushAdvisoryItems(3, items, "SENTINEL");
  const waits = [...r.waits];
  const record: Record<string, unknown> = await readRecord(r, 3).catch(() => ({}));
  const pending = record["pace:advisory:day-3:sentinel"];
  // The next run knows a create may have happened: one empty search is no proof.
  const url = await r.run().pushAdvisoryItems(3, items, "SENTINEL");
  assertEquals(r.jira.issues.length, 1, "the fake holds one issue");
  assertEquals(r.posts(), 1, "nothing created twice");
  assertEquals(first, "", "not found within the bounded re-search: the run failed");
  assertEquals(waits, [400, 800, 1200], "a bounded re-search");
  assertEquals(pending, { pending: true });
  assertEquals(url, `${r.jira.url}/browse/PACE-1`);
  assertEquals((await readRecord(r, 3))["pace:advisory:day-3:sentinel"], {
    key: "PACE-1",
    id: r.jira.issue("PACE-1")!.id,
  });
});

Deno.test("jira cloud: a create that truly failed is made by a later run after its re-search", async () => {
  await using r = await rig({ mode: "cloud" });
  r.jira.script({ method: "POST", path: /\/issue$/, status: 503, body: "unavailable" });
  assertEquals(await r.run().openEscalationIssue(3, r.dayDir(3)), "");
  assertEquals(r.jira.issues.length, 0);
  assertEquals(r.waits.length, 3);
  const url = await r.run().openEscalationIssue(3, r.dayDir(3));
  assertEquals(url, `${r.jira.url}/browse/PACE-1`);
  assertEquals(r.waits.length, 6, "the pending record bought one more bounded re-search");
  assertEquals(r.jira.issues.length, 1);
  assertEquals(await r.run().openEscalationIssue(3, r.dayDir(3)), url);
  assertEquals(r.waits.length, 6, "settled: no more waiting");
});
