/**
 * The `jira` tracker against a local Jira-like server over real HTTP, in both
 * of its modes: Jira Cloud (REST v3, Basic email:token, ADF validated) and
 * Jira Data Center (REST v2, Bearer PAT, wiki strings, a context path).
 */

import { join } from "node:path";
import {
  ConfigError,
  getCIAdapter,
  parseConfig,
  permissionFlags,
  requiredPermissions,
} from "../mod.ts";
import { JIRA_ISSUE_DEFAULTS, jiraPlatform } from "../platforms/jira.ts";
import { isJiraKey, itemJql, jqlString } from "../platforms/jira/jql.ts";
import { readJiraSettings } from "../platforms/jira/settings.ts";
import { pickTransition } from "../platforms/jira/transitions.ts";
import { buildAdapter, resolveContext } from "../platforms/registry.ts";
import type { Env, TrackerAdapter } from "../platforms/types.ts";
import {
  captureLogger,
  type CapturingLogger,
  testPlatformContract,
  writeSamplePace,
} from "../testing.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
  assertThrows,
} from "./_assert.ts";
import {
  FakeJira,
  type FakeJiraOptions,
  type FakeWorkflow,
  type JiraMode,
  type JqlNode,
  parseJql,
  rateLimited,
  validateAdf,
} from "./servers/jira.ts";
import { instantJira } from "./servers/jira/platform.ts";

const MODES: JiraMode[] = ["cloud", "datacenter"];

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The environment that points the adapter at `jira`. */
function jiraEnv(jira: FakeJira): Record<string, string> {
  const env: Record<string, string> = {
    JIRA_URL: jira.url,
    JIRA_TOKEN: jira.token,
    JIRA_PROJECT_KEY: "PACE",
  };
  if (jira.mode === "cloud") env.JIRA_EMAIL = jira.email;
  return env;
}

/** Every credential form that must never leak: the token, `email:token`, the Basic value. */
function secretsOf(jira: FakeJira): string[] {
  return jira.mode === "cloud"
    ? [jira.token, `${jira.email}:${jira.token}`, base64(`${jira.email}:${jira.token}`)]
    : [jira.token];
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await filesUnder(path));
    else if (entry.isFile) out.push(path);
  }
  return out;
}

interface Rig extends AsyncDisposable {
  jira: FakeJira;
  root: string;
  paceDir: string;
  logger: CapturingLogger;
  env: Record<string, string>;
  tracker: TrackerAdapter;
  /** Every result the test got, checked for secrets at the end. */
  results: unknown[];
  dayDir(day: number): string;
  /** Another adapter on the same server and checkout. */
  adapter(env?: Env, fetcher?: typeof globalThis.fetch): TrackerAdapter;
  /** The test provokes violations on purpose. */
  expectViolations(): void;
}

async function rig(
  options: FakeJiraOptions = {},
  extra: { env?: Env; fetch?: typeof fetch } = {},
): Promise<Rig> {
  const jira = FakeJira.start(options);
  const root = await Deno.makeTempDir({ prefix: "pace-jira-" });
  const paceDir = await writeSamplePace(root);
  const logger = captureLogger();
  const env = { ...jiraEnv(jira), ...extra.env } as Record<string, string>;
  let violationsExpected = false;
  const results: unknown[] = [];
  // Renewed searches after an uncertain create wait without sleeping.
  const { definition } = instantJira();
  const adapter = (overrides: Env = {}, fetch = extra.fetch) =>
    buildAdapter(definition, "tracker", {
      env: { ...env, ...overrides },
      repoRoot: root,
      logger,
      fetch,
    });
  return {
    jira,
    root,
    paceDir,
    logger,
    env,
    results,
    tracker: adapter(),
    adapter,
    dayDir: (day) => join(paceDir, `day-${day}`),
    expectViolations: () => void (violationsExpected = true),
    async [Symbol.asyncDispose]() {
      await jira.close();
      const haystacks = [logger.text(), JSON.stringify(results)];
      for (const file of await filesUnder(root)) haystacks.push(await Deno.readTextFile(file));
      await Deno.remove(root, { recursive: true });
      if (!violationsExpected) {
        assertEquals(jira.violations, [], "every request is one Jira accepts");
      }
      for (const secret of secretsOf(jira)) {
        for (const text of haystacks) assert(!text.includes(secret), "a credential leaked");
      }
      assertEquals(
        jira.requests.filter((r) => r.path === "/rest/api/3/search").length,
        0,
        "the removed /rest/api/3/search is never called",
      );
    },
  };
}

/** Keep a result for the secret check and return it. */
function kept<T>(r: Rig, value: T): T {
  r.results.push(value);
  return value;
}

// ---------------------------------------------------------------------------
// The contract kit, both modes

Deno.test("jira keeps the PACE contract (Cloud, REST v3, ADF)", async (t) => {
  let jira: FakeJira;
  await testPlatformContract(t, {
    definition: jiraPlatform,
    setup: () => {
      jira = FakeJira.start({ mode: "cloud" });
      return {
        env: jiraEnv(jira),
        requestCount: () => jira.requests.length,
        secrets: secretsOf(jira),
        close: async () => {
          await jira.close();
          assertEquals(jira.violations, []);
        },
      };
    },
    missingCredentials: {
      env: { JIRA_URL: "https://acme.atlassian.net", JIRA_PROJECT_KEY: "PACE" },
      mentions: "JIRA_TOKEN",
    },
  });
});

Deno.test("jira keeps the PACE contract (Data Center, REST v2, context path)", async (t) => {
  let jira: FakeJira;
  await testPlatformContract(t, {
    definition: jiraPlatform,
    setup: () => {
      jira = FakeJira.start({ mode: "datacenter", contextPath: "/jira" });
      return {
        env: { ...jiraEnv(jira), JIRA_URL: `${jira.url}/` },
        requestCount: () => jira.requests.length,
        secrets: secretsOf(jira),
        close: async () => {
          await jira.close();
          assertEquals(jira.violations, []);
        },
      };
    },
    missingCredentials: {
      env: { JIRA_TOKEN: "pat-abcdef", JIRA_PROJECT_KEY: "PACE" },
      mentions: "JIRA_URL",
    },
  });
});

// ---------------------------------------------------------------------------
// Creates

Deno.test("jira cloud: escalation over REST v3 with Basic auth, an ADF body, Bug/High", async () => {
  await using r = await rig({ mode: "cloud" });
  const url = kept(r, await r.tracker.openEscalationIssue(3, r.dayDir(3)));
  assertEquals(url, `${r.jira.url}/browse/PACE-1`);
  const issue = r.jira.issue("PACE-1")!;
  assertEquals(issue.summary, "[PACE HOLD] Day 3 \u2014 Integration tests fail on the reset mail");
  assertEquals(issue.labels, ["pace-hold", "pace-day-3"]);
  assertEquals([issue.issueType, issue.priority], ["Bug", "High"]);
  assertEquals(validateAdf(issue.description), []);
  const text = JSON.stringify(issue.description);
  assertMatch(text, /Blocker:.*Integration tests fail on the reset mail/);
  for (const request of r.jira.requests) {
    assertEquals(request.headers.get("authorization"), r.jira.authorization);
    assert(request.path.startsWith("/rest/api/3/"), request.path);
  }
  const search = r.jira.sent("/rest/api/3/search/jql", "GET")[0];
  assertEquals(
    search.query.get("jql"),
    'project = "PACE" AND labels = "pace-hold" AND labels = "pace-day-3" AND statusCategory != "Done"',
  );
  assertEquals(search.query.get("fields"), "summary,status,labels");
});

Deno.test("jira data center: escalation over REST v2 under a context path, Bearer PAT, wiki", async () => {
  await using r = await rig(
    { mode: "datacenter", contextPath: "/jira" },
    { env: {} },
  );
  const tracker = r.adapter({ JIRA_URL: `${r.jira.url}//` });
  const url = kept(r, await tracker.openEscalationIssue(3, r.dayDir(3)));
  assertEquals(url, `${r.jira.origin}/jira/browse/PACE-1`);
  const issue = r.jira.issue("PACE-1")!;
  assertEquals(typeof issue.description, "string");
  assertStringIncludes(issue.description as string, "*Blocker:* Integration tests fail");
  assertStringIncludes(issue.description as string, "h2. Story card");
  for (const request of r.jira.requests) {
    assertEquals(request.headers.get("authorization"), `Bearer ${r.jira.token}`);
    assert(request.path.startsWith("/rest/api/2/"), request.path);
  }
  const search = r.jira.sent("/rest/api/2/search", "GET")[0];
  assertEquals(search.query.get("startAt"), "0");
  assertEquals(search.query.get("maxResults"), "50");
  assertStringIncludes(search.query.get("jql") ?? "", 'statusCategory != "Done"');
});

for (const mode of MODES) {
  Deno.test(`jira ${mode}: a re-run finds the open escalation; a Done one does not count`, async () => {
    await using r = await rig({ mode });
    const url = kept(r, await r.tracker.openEscalationIssue(3, r.dayDir(3)));
    assertEquals(kept(r, await r.tracker.openEscalationIssue(3, r.dayDir(3), "other")), url);
    assertEquals(r.jira.issues.length, 1);
    assertEquals(r.jira.sent(/\/issue$/, "POST").length, 1);
    r.jira.issue("PACE-1")!.status = "Won't Do";
    const second = kept(r, await r.tracker.openEscalationIssue(3, r.dayDir(3)));
    assertNotEquals(second, url, "an issue in the Done category is not the open item");
    assertEquals(second, `${r.jira.url}/browse/PACE-2`);
  });

  Deno.test(`jira ${mode}: advisories per day and agent, Task/Medium; empty sends nothing`, async () => {
    await using r = await rig({ mode });
    assertEquals(await r.tracker.pushAdvisoryItems(3, [], "SENTINEL"), "");
    assertEquals(r.jira.requests.length, 0);
    const items = [{ id: "S-1", finding: "Token printed in debug log" }, {
      id: "S-2",
      finding: "x",
    }];
    const sentinel = kept(r, await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"));
    const conduit = kept(r, await r.tracker.pushAdvisoryItems(3, items.slice(0, 1), "conduit"));
    assertNotEquals(sentinel, conduit);
    assertEquals(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"), sentinel);
    const [first, second] = r.jira.issues;
    assertEquals(first.summary, "[PACE Advisory] SENTINEL Day 3 \u2014 2 finding(s)");
    assertEquals(first.labels, ["pace-advisory", "pace-sentinel", "pace-day-3"]);
    assertEquals([first.issueType, first.priority], ["Task", "Medium"]);
    if (mode === "cloud") {
      assertStringIncludes(
        JSON.stringify(first.description),
        '"text":"[S-1] Token printed in debug log"',
      );
    } else {
      // Wiki markup escapes `[`, which would start a link.
      assertStringIncludes(first.description as string, "* \\[S-1\\] Token printed in debug log");
    }
    assertEquals(second.labels, ["pace-advisory", "pace-conduit", "pace-day-3"]);
    assertEquals(r.jira.issues.length, 2);
  });

  Deno.test(`jira ${mode}: the story is a Story without a priority; story-ticket.yaml records its key`, async () => {
    await using r = await rig({ mode });
    const url = kept(r, await r.tracker.pushStory(1, r.dayDir(1)));
    assertEquals(url, `${r.jira.url}/browse/PACE-1`);
    const create = r.jira.sent(/\/issue$/, "POST")[0].body as { fields: Record<string, unknown> };
    assertEquals(create.fields.issuetype, { name: "Story" });
    assertEquals("priority" in create.fields, false, "no priority: Jira's default applies");
    assertEquals(r.jira.issue("PACE-1")!.summary, "[PACE Day 1] Sign-up form");
    assertStringIncludes(
      JSON.stringify(r.jira.issue("PACE-1")!.description),
      "a visitor can create an account",
    );
    const ref = await Deno.readTextFile(join(r.dayDir(1), "story-ticket.yaml"));
    assertStringIncludes(ref, `url: ${url}`);
    assertStringIncludes(ref, "key: PACE-1");
    assertStringIncludes(ref, "platform: jira");
    const before = r.jira.requests.length;
    assertEquals(await r.tracker.pushStory(1, r.dayDir(1)), url);
    assertEquals(r.jira.requests.length, before, "the recorded ticket is returned as it is");
    assertEquals(await r.tracker.pushStory(40, r.dayDir(40)), "");
    assertStringIncludes(r.logger.text(), "no story card");
  });

  Deno.test(`jira ${mode}: a create Jira performed but answered 502 is found, not repeated`, async () => {
    let failed = false;
    const flaky: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const response = await fetch(request);
      if (
        !failed && request.method === "POST" && new URL(request.url).pathname.endsWith("/issue")
      ) {
        failed = true;
        await response.body?.cancel();
        return new Response("<html>502 Bad Gateway</html>", { status: 502 });
      }
      return response;
    };
    await using r = await rig({ mode }, { fetch: flaky });
    const url = kept(r, await r.tracker.openEscalationIssue(3, r.dayDir(3)));
    assert(failed, "the create answered 502");
    assertEquals(url, `${r.jira.url}/browse/PACE-1`);
    assertEquals(r.jira.issues.length, 1, "the POST was not sent again");
    assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
    assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), url);
    assertEquals(r.jira.issues.length, 1);
  });
}

// ---------------------------------------------------------------------------
// Status changes

function story(r: Rig, status = "To Do") {
  return r.jira.addIssue({
    summary: "[PACE Day 1] Sign-up form",
    issueType: "Story",
    labels: ["pace-story", "pace-day-1"],
    status,
  });
}

for (const mode of MODES) {
  Deno.test(`jira ${mode}: done takes "Done" even when "Won't Do" is listed first`, async () => {
    await using r = await rig({ mode });
    await r.tracker.pushStory(1, r.dayDir(1));
    const issue = r.jira.issue("PACE-1")!;
    const offered =
      (await (await fetch(`${r.jira.url}/rest/api/${r.jira.version}/issue/PACE-1/transitions`, {
        headers: { authorization: r.jira.authorization },
      })).json()).transitions.map((t: { name: string }) => t.name);
    assert(offered.indexOf("Won't Do") < offered.indexOf("Done"), "the trap is set");

    await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
    assertEquals(issue.status, "Done");
    const posts = r.jira.sent("/issue/PACE-1/transitions", "POST");
    assertEquals(posts.map((p) => p.body), [{ transition: { id: "31" } }]);

    await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
    assertEquals(r.jira.sent("/transitions", "POST").length, 1, "already Done: no transition");
    assertStringIncludes(r.logger.text(), "is already Done");

    await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress");
    assertEquals(issue.status, "In Progress");
    assertEquals(r.jira.sent("/transitions", "POST").at(-1)?.body, { transition: { id: "21" } });
  });

  Deno.test(`jira ${mode}: transitions by category when no "Done"/"In Progress" exists`, async () => {
    const workflow: FakeWorkflow = {
      statuses: [
        { id: "1", name: "Open", category: "new" },
        { id: "3", name: "Doing", category: "indeterminate" },
        { id: "5", name: "Rejected", category: "done" },
        { id: "6", name: "Closed", category: "done" },
      ],
      transitions: [
        { id: "4", name: "Start work", to: "Doing", from: ["Open"] },
        { id: "2", name: "Reject", to: "Rejected", from: ["Open", "Doing"] },
        { id: "7", name: "Close", to: "Closed", from: ["Open", "Doing"] },
        { id: "8", name: "Reopen", to: "Open", from: ["Rejected", "Closed"] },
      ],
    };
    await using r = await rig({ mode, projects: [{ key: "PACE", workflow }] });
    await r.tracker.pushStory(1, r.dayDir(1));
    const issue = r.jira.issue("PACE-1")!;
    await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress");
    assertEquals(issue.status, "Doing", "into the In Progress category");
    await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
    assertEquals(issue.status, "Closed", "into the Done category, not a rejection");
    await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress");
    assertEquals(issue.status, "Open", "no way into In Progress from Closed: reopened");
    assertStringIncludes(r.logger.text(), '"Reopen"');
  });
}

Deno.test("jira: a workflow with no way to Done is explained, naming what it offers", async () => {
  const workflow: FakeWorkflow = {
    statuses: [{ id: "1", name: "Open", category: "new" }, {
      id: "2",
      name: "Review",
      category: "indeterminate",
    }],
    transitions: [{ id: "9", name: "Ask for review", to: "Review" }],
  };
  await using r = await rig({ mode: "cloud", projects: [{ key: "PACE", workflow }] });
  await r.tracker.pushStory(1, r.dayDir(1));
  await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
  assertEquals(r.jira.issue("PACE-1")!.status, "Open");
  assertStringIncludes(r.logger.text(), 'no transition leads to Done from "Open"');
  assertStringIncludes(r.logger.text(), '"Ask for review"');
});

Deno.test("jira: pickTransition — by name first, then the status, then the category", () => {
  const done = { key: "done" };
  const doing = { key: "indeterminate" };
  const t = (id: string, name: string, to: string, statusCategory: { key: string }) => ({
    id,
    name,
    to: { name: to, statusCategory },
  });
  const wontDo = t("41", "Won't Do", "Won't Do", done);
  assertEquals(pickTransition([wontDo, t("31", "DONE", "Done", done)], "done")?.id, "31");
  assertEquals(pickTransition([wontDo, t("5", "Finish", "Done", done)], "done")?.id, "5");
  assertEquals(pickTransition([wontDo, t("6", "Resolve", "Resolved", done)], "done")?.id, "6");
  assertEquals(
    pickTransition([wontDo], "done")?.id,
    "41",
    "the only way to Done is the last resort",
  );
  assertEquals(
    pickTransition([{ ...t("31", "Done", "Done", done), isAvailable: false }, wontDo], "done")?.id,
    "41",
  );
  assertEquals(pickTransition([t("9", "Reopen", "To Do", { key: "new" })], "done"), undefined);
  assertEquals(
    pickTransition(
      [t("3", "Review", "Review", doing), t("2", "in  progress", "Doing", doing)],
      "in_progress",
    )
      ?.id,
    "2",
  );
  assertEquals(
    pickTransition(
      [t("3", "Start", "In Progress", doing), t("4", "Review", "Review", doing)],
      "in_progress",
    )
      ?.id,
    "3",
  );
  assertEquals(pickTransition([t("4", "Review", "Review", doing)], "in_progress")?.id, "4");
});

for (const mode of MODES) {
  Deno.test(`jira ${mode}: without story-ticket.yaml nothing moves; push-story's lookup reads every page`, async () => {
    await using r = await rig({ mode, pageCap: 2 });
    for (let i = 0; i < 4; i++) story(r, "Done");
    const open = [story(r, "To Do")];
    for (let i = 0; i < 2; i++) story(r, "Won't Do");
    for (let i = 0; i < 4; i++) open.push(story(r, "In Progress"));
    // No recorded ticket: nothing is looked up or moved (the labels could name someone else's issue).
    assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress"), false);
    assertEquals(r.jira.requests.length, 0);
    assertEquals(open[0].status, "To Do");
    assertStringIncludes(r.logger.text(), "no jira story ticket recorded in story-ticket.yaml");

    const url = await r.tracker.pushStory(1, r.dayDir(1));
    const found = open.find((issue) => url === `${r.jira.url}/browse/${issue.key}`);
    assert(found, `an open story was found, not a new one created (${url})`);
    assertEquals(r.jira.sent(/\/issue$/, "POST").length, 0);
    assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "done"), true);
    assertEquals(found.status, "Done");
    const pages = r.jira.sent(/\/search(\/jql)?$/, "GET");
    assert(pages.length >= 3, `all pages were read (${pages.length})`);
    if (mode === "cloud") {
      assertEquals(pages[0].query.has("nextPageToken"), false);
      assert(pages.slice(1).every((p) => p.query.has("nextPageToken")), "token pagination");
    } else {
      assertEquals(pages.map((p) => p.query.get("startAt")), ["0", "2", "4"]);
    }
    assertEquals(
      pages[0].query.get("jql"),
      'project = "PACE" AND labels = "pace-story" AND labels = "pace-day-1" AND ' +
        'statusCategory != "Done"',
    );
  });
}

Deno.test("jira: a story-ticket.yaml key that is not a Jira key is refused, never sent", async () => {
  await using r = await rig({ mode: "cloud" });
  story(r);
  for (const key of ["../../rest/api/3/project/PACE", "PACE-1/../../x", "pace-1", "PACE-1?x=1"]) {
    await Deno.writeTextFile(
      join(r.dayDir(1), "story-ticket.yaml"),
      `url: https://example.invalid/x\nkey: ${JSON.stringify(key)}\nplatform: jira\n`,
    );
    await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
    await r.tracker.postHandoffComment(1, r.dayDir(1));
    assertEquals(r.jira.requests.length, 0, `no request for key ${key}`);
    assertStringIncludes(r.logger.text(), `holds key ${JSON.stringify(key)}, not a Jira issue key`);
  }
  assertEquals(isJiraKey("PACE-12"), true);
  assertEquals(isJiraKey("PACE_2-7"), true);
  for (const bad of ["pace-12", "P-1", "PACE-", "PACE-1 ", "../PACE-1", 12]) {
    assertEquals(isJiraKey(bad), false, String(bad));
  }
});

// ---------------------------------------------------------------------------
// Handoff and plan issues

for (const mode of MODES) {
  Deno.test(`jira ${mode}: the handoff is commented once, in the mode's body format`, async () => {
    await using r = await rig({ mode, pageCap: 2 });
    await r.tracker.pushStory(1, r.dayDir(1));
    const issue = r.jira.issue("PACE-1")!;
    // Other comments, one of them the handoff of day 12 (its marker starts with day 1's).
    const other = mode === "cloud"
      ? (text: string) => ({
        version: 1,
        type: "doc",
        content: [{ type: "paragraph", content: [{ type: "text", text }] }],
      })
      : (text: string) => text;
    for (const text of ["LGTM", "Posted by PACE \u00b7 pace:handoff:day-12", "x", "y"]) {
      issue.comments.push({
        id: String(issue.comments.length + 1),
        body: other(text),
        created: "",
      });
    }
    await r.tracker.postHandoffComment(1, r.dayDir(1));
    assertEquals(issue.comments.length, 5, "day 12's marker is not day 1's");
    const posted = issue.comments[4].body;
    if (mode === "cloud") {
      assertEquals(validateAdf(posted), []);
      assertStringIncludes(JSON.stringify(posted), "Sign-up form with validation.");
      assertStringIncludes(JSON.stringify(posted), '"text":"pace:handoff:day-1"');
    } else {
      assertEquals(typeof posted, "string");
      assertStringIncludes(posted as string, "Sign-up form with validation.");
      assertStringIncludes(posted as string, "{{pace:handoff:day-1}}");
    }
    // Five comments over pages of two: the marker is on the last page.
    await r.tracker.postHandoffComment(1, r.dayDir(1));
    assertEquals(issue.comments.length, 5, "a re-run does not comment again");
    assertStringIncludes(r.logger.text(), "handoff for day 1: already on PACE-1");
    const reads = r.jira.sent("/issue/PACE-1/comment", "GET");
    assertEquals(reads.slice(-3).map((q) => q.query.get("startAt")), ["0", "2", "4"]);
  });
}

Deno.test("jira: comments answered without their list post no handoff (never a second one)", async () => {
  await using r = await rig({ mode: "cloud" });
  await r.tracker.pushStory(1, r.dayDir(1));
  // A proxy's or half-deployed server's 200 that carries no `comments`.
  r.jira.on("GET", /\/issue\/PACE-1\/comment$/, () => ({ status: 200, body: { total: 0 } }));
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), false);
  assertEquals(r.jira.issue("PACE-1")!.comments.length, 0);
  assertStringIncludes(r.logger.text(), "answered something that is not a list");
});

Deno.test("jira: the handoff needs a recorded story ticket and handoff.md", async () => {
  await using r = await rig({ mode: "cloud" });
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), false);
  assertStringIncludes(
    r.logger.text(),
    "no jira story ticket recorded in story-ticket.yaml (run push-story first)",
  );
  assertEquals(r.jira.requests.length, 0);
  story(r);
  await Deno.mkdir(r.dayDir(40), { recursive: true });
  await Deno.writeTextFile(
    join(r.dayDir(40), "story-ticket.yaml"),
    `url: ${r.jira.url}/browse/PACE-1\nkey: PACE-1\nplatform: jira\n`,
  );
  assertEquals(await r.tracker.postHandoffComment(40, r.dayDir(40)), false);
  assertStringIncludes(r.logger.text(), "no handoff note");
});

for (const mode of MODES) {
  Deno.test(`jira ${mode}: closePlanIssue(n) moves PACE-n to Done`, async () => {
    await using r = await rig({ mode });
    r.jira.addIssue({ summary: "Sprint plan" });
    const plan = r.jira.addIssue({ summary: "Day 2 plan", status: "In Progress" });
    await r.tracker.closePlanIssue(2);
    assertEquals(plan.status, "Done");
    for (const bad of [0, -1, 1.5, Number.NaN]) await r.tracker.closePlanIssue(bad);
    assertEquals(r.jira.sent("/transitions", "POST").length, 1);
    assertEquals(r.jira.sent("/issue/PACE-0").length, 0);
    assertStringIncludes(r.logger.text(), "issue number must be a whole number");
    await r.tracker.closePlanIssue(999);
    assertStringIncludes(r.logger.text(), "404");
  });
}

// ---------------------------------------------------------------------------
// Faults

for (const mode of MODES) {
  Deno.test(`jira ${mode}: 429 with Retry-After on search and on create is waited out`, async () => {
    await using r = await rig({ mode });
    r.jira.script(rateLimited({ path: /\/search/, retryAfter: 0, times: 2 }));
    r.jira.script(rateLimited({ method: "POST", path: /\/issue$/, retryAfter: 0 }));
    const url = kept(r, await r.tracker.openEscalationIssue(3, r.dayDir(3)));
    assertEquals(url, `${r.jira.url}/browse/PACE-1`);
    assertEquals(r.jira.pendingScripts, 0);
    assertEquals(r.jira.issues.length, 1);
    assertEquals(r.jira.requests.filter((q) => q.status === 429).length, 3);
  });

  Deno.test(`jira ${mode}: a burst of 500s is retried; a longer outage fails cleanly`, async () => {
    await using r = await rig({ mode });
    const outage = (times: number, method?: string, path = /\/search/) =>
      r.jira.script({
        method,
        path,
        times,
        status: 500,
        headers: { "retry-after": "0" },
        body: { errorMessages: ["Internal server error"], errors: {} },
      });
    outage(3);
    const url = kept(r, await r.tracker.openEscalationIssue(3, r.dayDir(3)));
    assertEquals(url, `${r.jira.url}/browse/PACE-1`, "three 500s are retried through");
    outage(4);
    const items = [{ id: "S-1", finding: "x" }];
    assertEquals(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"), "");
    assertStringIncludes(r.logger.text(), "500 Internal Server Error");
    assertEquals(r.jira.pendingScripts, 0, "a first try and three retries");
    outage(1, "POST", /\/issue$/);
    const posts = r.jira.sent(/\/issue$/, "POST").length;
    assertEquals(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"), "");
    assertEquals(
      r.jira.sent(/\/issue$/, "POST").length,
      posts + 1,
      "a POST answered 500 is not repeated",
    );
    assertEquals(r.jira.issues.length, 1);
    const later = kept(r, await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"));
    assertEquals(later, `${r.jira.url}/browse/PACE-2`, "the next run creates it");
    assertEquals(r.jira.issues.length, 2);
  });
}

Deno.test("jira: missing variables — no request, the log names each", async () => {
  await using r = await rig({ mode: "cloud" });
  for (const name of ["JIRA_URL", "JIRA_TOKEN", "JIRA_PROJECT_KEY"]) {
    const lines = r.logger.lines.length;
    const tracker = r.adapter({ [name]: undefined });
    assertEquals(await tracker.openEscalationIssue(3, r.dayDir(3)), "");
    assertEquals(await tracker.pushAdvisoryItems(3, [{ id: "A", finding: "b" }], "SENTINEL"), "");
    assertEquals(await tracker.pushStory(1, r.dayDir(1)), "");
    await tracker.updateStoryStatus(1, r.dayDir(1), "done");
    await tracker.postHandoffComment(1, r.dayDir(1));
    await tracker.closePlanIssue(1);
    const warnings = r.logger.lines.slice(lines).filter((line) => line.startsWith("warn:"));
    assertEquals(warnings.length, 1, "logged once");
    assertStringIncludes(warnings[0], `[Jira] ${name} is not set`);
  }
  for (
    const [env, mentions] of [
      [{ JIRA_URL: "jira.example.com" }, "JIRA_URL is not a URL"],
      [{ JIRA_URL: "ftp://jira.example.com" }, "JIRA_URL must be an http(s) URL"],
      [{ JIRA_URL: "https://bot:pw@jira.example.com" }, "must not carry credentials"],
      [{ JIRA_PROJECT_KEY: "PACE PROJECT" }, "JIRA_PROJECT_KEY must be a project key"],
    ] as const
  ) {
    const lines = r.logger.lines.length;
    assertEquals(await r.adapter(env).openEscalationIssue(3, r.dayDir(3)), "");
    assertStringIncludes(r.logger.lines.slice(lines).join("\n"), mentions);
  }
  assertEquals(r.jira.requests.length, 0);
  assertEquals(jiraPlatform.missing!({}), ["JIRA_URL", "JIRA_TOKEN", "JIRA_PROJECT_KEY"]);
  assertEquals(
    jiraPlatform.missing!({ JIRA_URL: "https://x", JIRA_TOKEN: " ", JIRA_PROJECT_KEY: "PA" }),
    ["JIRA_TOKEN"],
  );
});

for (const mode of MODES) {
  Deno.test(`jira ${mode}: credentials never reach a log, a result or a file — even when echoed`, async () => {
    await using r = await rig({ mode });
    r.jira.script({
      path: /\/search/,
      status: 400,
      body: {
        errorMessages: [`bad request from ${r.jira.authorization} (token ${r.jira.token})`],
        errors: {},
      },
    });
    assertEquals(kept(r, await r.tracker.openEscalationIssue(3, r.dayDir(3))), "");
    assertStringIncludes(r.logger.text(), "***");
    kept(r, await r.tracker.pushStory(1, r.dayDir(1)));
    await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
    await r.tracker.postHandoffComment(1, r.dayDir(1));
    const probe = kept(
      r,
      await jiraPlatform.probe!(resolveContext(jiraPlatform, { env: r.env, logger: r.logger })),
    );
    assert(probe.ok, probe.detail);
    // The rig's disposal checks the log, every result and every file for each credential form.
  });
}

// ---------------------------------------------------------------------------
// Day-one errors

for (const mode of MODES) {
  Deno.test(`jira ${mode}: an issue type the project lacks names the variable to change`, async () => {
    await using r = await rig({
      mode,
      projects: [{ key: "PACE", issueTypes: ["Task", "Bug", "Epic", "Subtask"] }],
    });
    assertEquals(await r.tracker.pushStory(1, r.dayDir(1)), "");
    const log = r.logger.text();
    assertStringIncludes(log, '{"issuetype":"Specify a valid issue type"}');
    assertStringIncludes(
      log,
      'issue type "Story" is not available: set JIRA_STORY_ISSUE_TYPE to an issue type of ' +
        "project PACE (it has: Task, Bug, Epic)",
    );
    const fixed = r.adapter({ JIRA_STORY_ISSUE_TYPE: "Task" });
    assertEquals(await fixed.pushStory(1, r.dayDir(1)), `${r.jira.url}/browse/PACE-1`);
    assertEquals(r.jira.issue("PACE-1")!.issueType, "Task");
  });
}

Deno.test("jira: a priority the project lacks names the variable; a missing priority field is skipped", async () => {
  await using r = await rig({ mode: "datacenter" }, { env: { JIRA_HOLD_PRIORITY: "Urgent" } });
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), "");
  assertStringIncludes(r.logger.text(), '{"priority":"The priority selected is invalid."}');
  assertStringIncludes(r.logger.text(), "set JIRA_HOLD_PRIORITY to a priority of project PACE");
  assertEquals(r.jira.issues.length, 0);

  await using s = await rig({
    mode: "cloud",
    projects: [{ key: "PACE", priorityOnCreateScreen: false }],
  });
  const url = await s.tracker.openEscalationIssue(3, s.dayDir(3));
  assertEquals(url, `${s.jira.url}/browse/PACE-1`);
  assertEquals(s.jira.issue("PACE-1")!.priority, null);
  assertStringIncludes(s.logger.text(), "has no priority field on its create screen");
  assertStringIncludes(s.logger.text(), "without JIRA_HOLD_PRIORITY");
});

for (const mode of MODES) {
  Deno.test(`jira ${mode}: 401 and 403 are explained; a wrong token is not echoed`, async () => {
    await using r = await rig({ mode });
    const wrong = r.adapter({ JIRA_TOKEN: "wrong-token-0123456789" });
    assertEquals(kept(r, await wrong.openEscalationIssue(3, r.dayDir(3))), "");
    const log = r.logger.text();
    assertStringIncludes(log, "401");
    assertStringIncludes(log, mode === "cloud" ? "API token" : "personal access token");
    assert(!log.includes("wrong-token-0123456789"));
    assert(!log.includes(base64(`${r.jira.email}:wrong-token-0123456789`)));
    assertEquals(r.jira.requests.length, 1, "a 401 is not retried");

    r.jira.script({
      path: /\/search/,
      status: 403,
      body: { errorMessages: ["You do not have permission to view these issues."], errors: {} },
    });
    assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), "");
    assertStringIncludes(r.logger.text(), "403");
    assertStringIncludes(r.logger.text(), "lacks a permission in project PACE");
  });

  Deno.test(`jira ${mode}: a project key that does not exist is named`, async () => {
    await using r = await rig({ mode }, { env: { JIRA_PROJECT_KEY: "nope" } });
    assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), "");
    const log = r.logger.text();
    assertStringIncludes(log, "The value 'NOPE' does not exist for the field 'project'.");
    assertStringIncludes(log, 'JIRA_PROJECT_KEY "NOPE" is not a project this account can see');
    assertEquals(r.jira.sent(/\/issue$/, "POST").length, 0);
    const probe = await jiraPlatform.probe!(resolveContext(jiraPlatform, { env: r.env }));
    assertEquals(probe.ok, false);
    assertStringIncludes(probe.detail, "No project could be found with key 'NOPE'");
    assertStringIncludes(probe.detail, "check JIRA_PROJECT_KEY");
  });
}

// ---------------------------------------------------------------------------
// The fake itself: what Jira would refuse

Deno.test("fake jira: the removed /rest/api/3/search answers 410; v2 is 404 on Cloud's v3-only paths", async () => {
  await using jira = FakeJira.start({ mode: "cloud" });
  const get = (path: string) =>
    fetch(`${jira.url}${path}`, { headers: { authorization: jira.authorization } });
  const gone = await get(`/rest/api/3/search?jql=${encodeURIComponent('project = "PACE"')}`);
  assertEquals(gone.status, 410);
  assertStringIncludes((await gone.json()).errorMessages[0], "/rest/api/3/search/jql");
  const unbounded = await get("/rest/api/3/search/jql?jql=");
  assertEquals(unbounded.status, 400);
  assertStringIncludes((await unbounded.json()).errorMessages[0], "Unbounded JQL");
  const undocumented = await get(`/rest/api/3/search/jql?jql=project%3DPACE&startAt=0`);
  assertEquals(undocumented.status, 400, "startAt is not a /search/jql parameter");
  await undocumented.body?.cancel();
  assertEquals(jira.violations.length, 3);
  assertStringIncludes(jira.violations[0], "removed /rest/api/3/search");

  await using dc = FakeJira.start({ mode: "datacenter" });
  const v3 = await fetch(`${dc.url}/rest/api/3/project/PACE`, {
    headers: { authorization: dc.authorization },
  });
  assertEquals(v3.status, 404);
  await v3.body?.cancel();
  assertStringIncludes(dc.violations[0], "REST v2");
});

Deno.test("fake jira: descriptions must be ADF on Cloud and strings on Data Center", async () => {
  const create = async (jira: FakeJira, description: unknown) => {
    const response = await fetch(`${jira.url}/rest/api/${jira.version}/issue`, {
      method: "POST",
      headers: { authorization: jira.authorization, "content-type": "application/json" },
      body: JSON.stringify({
        fields: {
          project: { key: "PACE" },
          summary: "s",
          issuetype: { name: "Task" },
          description,
        },
      }),
    });
    return { status: response.status, body: await response.json() };
  };
  await using cloud = FakeJira.start({ mode: "cloud" });
  assertEquals(await create(cloud, "plain text"), {
    status: 400,
    body: {
      errorMessages: [],
      errors: {
        description:
          "Operation value must be an Atlassian Document (see the Atlassian Document Format)",
      },
    },
  });
  const emptyText = {
    version: 1,
    type: "doc",
    content: [{ type: "paragraph", content: [{ type: "text", text: "" }] }],
  };
  assertEquals(await create(cloud, emptyText), {
    status: 400,
    body: { errorMessages: ["INVALID_INPUT"], errors: {} },
  });
  const ok = await create(cloud, {
    version: 1,
    type: "doc",
    content: [{ type: "paragraph", content: [{ type: "text", text: "fine" }] }],
  });
  assertEquals(ok.status, 201);
  assertEquals(ok.body.key, "PACE-1");
  assertEquals(cloud.violations.length, 2);

  await using dc = FakeJira.start({ mode: "datacenter" });
  assertEquals((await create(dc, emptyText)).body.errors, {
    description: "Operation value must be a string",
  });
  assertEquals((await create(dc, "h2. fine")).status, 201);
});

Deno.test("fake jira: validateAdf checks structure, text and marks", () => {
  const doc = (...content: unknown[]) => ({ version: 1, type: "doc", content });
  const para = (...content: unknown[]) => ({ type: "paragraph", content });
  const text = (t: string, marks?: unknown[]) =>
    marks ? { type: "text", text: t, marks } : { type: "text", text: t };
  assertEquals(
    validateAdf(
      doc(para(text("a", [{ type: "code" }, { type: "link", attrs: { href: "https://x" } }]))),
    ),
    [],
  );
  assertEquals(
    validateAdf(doc({ type: "heading", attrs: { level: 2 }, content: [text("h")] })),
    [],
  );
  assertEquals(
    validateAdf(
      doc({ type: "bulletList", content: [{ type: "listItem", content: [para(text("i"))] }] }),
    ),
    [],
  );
  const bad: [unknown, string][] = [
    ["a string", "not an ADF document"],
    [{ ...doc(), version: 2 }, "version must be 1"],
    [doc(para(text(""))), "non-empty"],
    [doc(text("bare")), "not allowed here"],
    [doc({ type: "heading", content: [text("h")] }), "attrs.level"],
    [
      doc(para(text("a", [{ type: "code" }, { type: "strong" }]))),
      "code mark combines only with link",
    ],
    [doc(para(text("a", [{ type: "blink" }]))), "unknown mark"],
    [doc(para(text("a", [{ type: "link" }]))), "attrs.href"],
    [doc({ type: "bulletList", content: [] }), "must not be empty"],
    [doc({ type: "bulletList", content: [para(text("x"))] }), "only listItem"],
    [doc({ type: "codeBlock", content: [text("x", [{ type: "strong" }])] }), "takes no marks"],
    [doc({ ...para(text("x")), colour: "red" }), 'unknown property "colour"'],
  ];
  for (const [value, problem] of bad) {
    const problems = validateAdf(value);
    assert(problems.some((p) => p.includes(problem)), `${problem}: ${JSON.stringify(problems)}`);
  }
});

Deno.test("fake jira: JQL — quoted values round-trip, bad JQL gets Jira's 400", async () => {
  const value = 'odd "label" with \\ back\nslash';
  const parsed = parseJql(`labels = ${jqlString(value)}`);
  assertEquals(parsed.where, { type: "clause", field: "labels", operator: "=", values: [value] });
  const query = parseJql(itemJql("PACE", ["pace-hold", 'a"b']));
  const clauses = (query.where as Extract<JqlNode, { type: "and" }>).parts;
  assertEquals(
    clauses.map((c) => c.type === "clause" ? [c.field, c.operator, c.values[0]] : []),
    [
      ["project", "=", "PACE"],
      ["labels", "=", "pace-hold"],
      ["labels", "=", 'a"b'],
      ["statusCategory", "!=", "Done"],
    ],
  );
  assertThrows(
    () => parseJql('project = "PACE" labels = x'),
    Error,
    "Expecting either 'OR' or 'AND'",
  );
  assertThrows(() => parseJql('labels = "open'), Error, "has not been completed");
  assertThrows(() => parseJql("labels = a%b"), Error, "reserved JQL character");

  await using jira = FakeJira.start({ mode: "datacenter" });
  const search = async (jql: string) => {
    const response = await fetch(
      `${jira.url}/rest/api/2/search?jql=${encodeURIComponent(jql)}`,
      { headers: { authorization: jira.authorization } },
    );
    return { status: response.status, body: await response.json() };
  };
  const broken = await search('project = "PACE" AND');
  assertEquals(broken.status, 400);
  assertMatch(broken.body.errorMessages[0], /^Error in the JQL Query: /);
  assertEquals(broken.body.errors, {});
  assertEquals(
    (await search('projekt = "PACE"')).body.errorMessages,
    ["Field 'projekt' does not exist or you do not have permission to view it."],
  );
  jira.addIssue({ summary: "a", labels: ["x"] });
  jira.addIssue({ summary: "b", labels: ["x", "y"], status: "Done" });
  const found = await search('project = PACE AND labels = "x" AND statusCategory != Done');
  assertEquals(found.body.issues.map((i: { key: string }) => i.key), ["PACE-1"]);
  assertEquals(found.body.total, 1);
  assertEquals(jira.violations.length, 1, "only the unparseable query is a client mistake");
});

// ---------------------------------------------------------------------------
// Definition, permissions, config, probe

Deno.test("jira: hosts keep non-default ports; permissions pair Jira with a CI platform", () => {
  assertEquals(jiraPlatform.hosts({ JIRA_URL: "https://jira.example.com:8443/jira/" }), [
    "jira.example.com:8443",
  ]);
  assertEquals(jiraPlatform.hosts({ JIRA_URL: "https://acme.atlassian.net:443" }), [
    "acme.atlassian.net",
  ]);
  assertEquals(jiraPlatform.hosts({}), []);
  assertEquals(jiraPlatform.hosts({ JIRA_URL: "not a url" }), []);
  assertEquals(jiraPlatform.secretEnv, ["JIRA_TOKEN"]);
  assertEquals(jiraPlatform.ci, undefined, "tracker only");
  const perms = requiredPermissions(
    { platform: { ci: "github", tracker: "jira" } },
    { env: { JIRA_URL: "http://jira.internal:8080/jira" } },
  );
  assertEquals(perms.net, ["api.github.com", "jira.internal:8080"]);
  for (const name of jiraPlatform.env) assert(perms.env.includes(name), name);
  assertStringIncludes(permissionFlags(perms), "--allow-net=api.github.com,jira.internal:8080 ");
  assertEquals(JIRA_ISSUE_DEFAULTS.hold, { issueType: "Bug", priority: "High" });
  assertEquals(JIRA_ISSUE_DEFAULTS.advisory, { issueType: "Task", priority: "Medium" });
  assertEquals(JIRA_ISSUE_DEFAULTS.story, { issueType: "Story" });
});

Deno.test("jira: parseConfig refuses jira as CI — it is tracker-only", () => {
  const error = assertThrows(
    () => parseConfig("platform:\n  ci: jira\n  tracker: jira\n", "pace.config.yaml"),
    ConfigError,
  );
  assertMatch(error.message, /^pace\.config\.yaml:2:\d+: /);
  assertStringIncludes(error.message, '"jira" is tracker-only and cannot serve as platform.ci');
  assertStringIncludes(error.message, "github");
  assertThrows(() => parseConfig("platform:\n  type: jira\n"), ConfigError, "tracker-only");
  assertEquals(parseConfig("platform:\n  ci: github\n  tracker: jira\n").platform, {
    ci: "github",
    tracker: "jira",
  });
  assertThrows(() => getCIAdapter("jira"), ConfigError, "tracker-only");
});

for (const mode of MODES) {
  Deno.test(`jira ${mode}: the probe reads the project and names the flavour`, async () => {
    await using jira = FakeJira.start({ mode, projects: [{ key: "PACE", name: "Pace Demo" }] });
    const probe = await jiraPlatform.probe!(resolveContext(jiraPlatform, { env: jiraEnv(jira) }));
    assert(probe.ok, probe.detail);
    assertStringIncludes(probe.detail, "project PACE (Pace Demo)");
    assertStringIncludes(probe.detail, mode === "cloud" ? "REST v3" : "REST v2");
    assertEquals(jira.sent(`/rest/api/${jira.version}/project/PACE`, "GET").length, 1);
    const missing = await jiraPlatform.probe!(resolveContext(jiraPlatform, { env: {} }));
    assertEquals(missing.ok, false);
    assertStringIncludes(missing.detail, "JIRA_URL, JIRA_TOKEN, JIRA_PROJECT_KEY are not set");
  });
}

Deno.test("jira: JIRA_EMAIL selects Cloud; JIRA_REVIEW_ISSUE_TYPE is explained as unused", async () => {
  await using r = await rig({ mode: "cloud" }, { env: { JIRA_REVIEW_ISSUE_TYPE: "Task" } });
  assertEquals(readJiraSettings(r.env).cloud, true);
  assertEquals(readJiraSettings({ ...r.env, JIRA_EMAIL: "" }).cloud, false);
  // The tracker's code loads on first use; a call waits for it.
  await r.tracker.pushAdvisoryItems(3, [], "SENTINEL");
  assertStringIncludes(r.logger.text(), "JIRA_REVIEW_ISSUE_TYPE is not used");
});
