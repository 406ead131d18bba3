/**
 * Keeps `deno task fuzz` (tests/fuzz/) from rotting: a tiny slice of each
 * matrix runs, a child process reports back, and every detector is shown to
 * see what it is for (a duplicate, a leak in each encoding, live agent text,
 * an armed fault). Fast: the whole matrices run in `deno task fuzz`.
 */

import { assert, assertEquals, assertMatch } from "./_assert.ts";
import { runChild } from "./fuzz/children.ts";
import { duplicatesIn, planNetworkCases, runNetworkCase } from "./fuzz/faults.ts";
import { INPUTS, runInputCase } from "./fuzz/inputs.ts";
import { liveIn } from "./fuzz/inputs_text.ts";
import { DAY, holdPrefix } from "./fuzz/ops.ts";
import {
  type CaseResult,
  matrixTable,
  memoryOf,
  passed,
  SKIPPED,
  summaryLine,
  totals,
} from "./fuzz/report.ts";
import { startRig } from "./fuzz/rigs.ts";
import { ENCODINGS, HOSTILE_TOKEN, leaksIn, runEchoCase } from "./fuzz/secrets.ts";
import type { FakeGitHub } from "./servers/github.ts";

const HARNESS = /clean preparation failed|set-up failed|case failed/;

function isCase(value: CaseResult | typeof SKIPPED): CaseResult {
  assert(value !== SKIPPED, "the case ran");
  assert(!value.problems.some((p) => HARNESS.test(p)), `harness trouble: ${value.problems}`);
  return value;
}

Deno.test("fuzz: a fault is armed on the request it targets, and only while the case is live", async () => {
  const rig = await startRig("github");
  try {
    const gh = rig.remote!.server as FakeGitHub;
    const headers = {
      authorization: `Bearer ${gh.token}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "user-agent": "fuzz",
    };
    const get = () => fetch(`${gh.url}/repos/octo/pace-demo/issues`, { headers });
    rig.injector!.arm({ name: "503", rule: { status: 503, times: 3 } }, "first");
    const hit = await get();
    await hit.body?.cancel();
    assertEquals(hit.status, 503);
    assert(rig.injector!.fired);
    rig.injector!.disarm();
    const after = await get();
    await after.body?.cancel();
    assertEquals(after.status, 200, "the rest of the burst never reaches the clean re-run");
  } finally {
    await rig.close();
  }
});

Deno.test("fuzz: fault slice on GitHub — a 500 burst and an ambiguous create (perform, then 502)", async () => {
  const plans = await planNetworkCases({
    platforms: ["github"],
    faults: ["500", "perform-502"],
    ops: ["escalate"],
  });
  assertEquals(plans.map((p) => `${p.fault.name}@${p.target}`), [
    "500@first",
    "500@write",
    "perform-502@first",
    "perform-502@write",
  ]);
  const results = (await Promise.all(plans.map(runNetworkCase))).map(isCase);
  for (const r of results) {
    assertEquals([r.matrix, r.platform, r.op.split("@")[0]], ["faults", "github", "escalate"]);
  }
  assertEquals(results.reduce((n, r) => n + r.duplicates, 0), 0);
});

Deno.test("fuzz: the duplicate counter sees a second item of a kind", async () => {
  const rig = await startRig("github");
  try {
    const gh = rig.remote!.server as FakeGitHub;
    gh.addIssue({ title: `${holdPrefix(DAY.held)}one` });
    assertEquals(duplicatesIn(rig).count, 0);
    gh.addIssue({ title: `${holdPrefix(DAY.held)}two` });
    assertEquals(duplicatesIn(rig), { count: 1, problem: "duplicate: 2 escalation" });
  } finally {
    await rig.close();
  }
});

Deno.test("fuzz: input slice — impossible day, a link out of .pace/, a CLI usage error", async () => {
  const names = ["day=0", "link:sentinel->outside", 'cli:--day "1e23"'];
  const inputs = INPUTS.filter((i) => names.includes(i.name));
  assertEquals(inputs.length, names.length);
  for (const input of inputs) {
    const result = isCase(await runInputCase("local", input));
    assertEquals([result.matrix, result.name], ["inputs", input.name]);
  }
  assertEquals(
    await runInputCase("local", INPUTS.find((i) => i.name === "text:mentions")!),
    SKIPPED,
  );
});

Deno.test("fuzz: secret slice — a 401 echoing the token, every sink scanned", async () => {
  const result = isCase(await runEchoCase("github", "html-entities", { status: 401, times: 1 }));
  assertEquals([result.matrix, result.checks], ["secrets", 5]);
});

Deno.test("fuzz: the leak scanner finds the token in every encoding, and nothing in clean text", () => {
  for (const [name, encode] of Object.entries(ENCODINGS)) {
    const sinks = {
      log: "",
      results: "",
      cli: `error: ${encode(HOSTILE_TOKEN)}.`,
      bodies: "",
      files: "",
    };
    assertEquals(leaksIn(sinks, [HOSTILE_TOKEN]).length, 1, name);
  }
  const clean = { log: "Bad credentials: ***", results: "[]", cli: "", bodies: "{}", files: "" };
  assertEquals(leaksIn(clean, [HOSTILE_TOKEN]), []);
});

Deno.test("fuzz: live agent text is found, inert text is not", () => {
  const live = { body: "Fixes #7, thanks @octocat ![x](https://evil.example/p.png) <img src=x>" };
  assertEquals(liveIn("github", live, "closing").length, 1);
  assertEquals(liveIn("github", live, "mention").length, 1);
  assertEquals(liveIn("github", live, "image").length, 1);
  const inert = {
    title: "Fixes #7 @octocat",
    body: "`Fixes #7` Fixes\u200B #7 \\@octocat a@b.c ![x]\\(https://e) \\<img> <!-- @x -->",
  };
  for (const kind of ["closing", "mention", "image"] as const) {
    assertEquals(liveIn("github", inert, kind), [], kind);
  }
  assertEquals(liveIn("jira", { description: "!https://evil.example/a.png!" }, "image").length, 1);
  assertEquals(liveIn("jira", { description: "\\!https://evil.example/a.png\\!" }, "image"), []);
});

Deno.test("fuzz: a child process runs its slice and reports its peak RSS", async () => {
  const entry = new URL("./fuzz/fuzz.ts", import.meta.url).pathname;
  const outcome = await runChild(
    entry,
    { matrix: "inputs", platform: "local", names: ["day=1.5"] },
    30_000,
  );
  assertEquals(outcome.failure, undefined);
  assertEquals(outcome.results.map((r) => r.name), ["day=1.5"]);
  assert(outcome.peakKb > 0, "peak RSS read from /proc");
  assert((await memoryOf()).peakKb > 0);
});

Deno.test("fuzz: the report adds up and fails on any leak or duplicate", () => {
  const base: CaseResult = {
    matrix: "faults",
    platform: "github",
    name: "500",
    op: "escalate@first",
    ok: true,
    problems: [],
    duplicates: 0,
    leaks: 0,
    ms: 1,
  };
  const clean = totals([base, { ...base, matrix: "secrets", checks: 5 }], 1024, 1024);
  assertEquals(
    summaryLine(clean),
    "faults: 1 tried, 1 survived; inputs: 0 tried, 0 handled; secret forms: 5 checked, 0 leaks; duplicates: 0; peak RSS: 1 MB",
  );
  assert(passed(clean));
  assertMatch(matrixTable([base], "faults"), /500\s+1\/1/);
  assert(!passed(totals([{ ...base, ok: false, duplicates: 1, problems: ["duplicate"] }], 0, 0)));
  assert(!passed(totals([{ ...base, matrix: "secrets", leaks: 1, checks: 5 }], 0, 0)));
  assert(!passed(totals([base], 201 * 1024, 0)));
});
