// The CI operations written once — review PRs, the wait, variables — over in-memory forge APIs.
import { join } from "node:path";
import { HttpError } from "../platforms/_core/http.ts";
import type { BranchApi, ForgePull } from "../platforms/_pace/forge_branching.ts";
import { type CiApi, ForgeCI } from "../platforms/_pace/forge_ci.ts";
import { type VariableApi, variableNameProblem } from "../platforms/_pace/forge_variables.ts";
import { resolveContext } from "../platforms/registry.ts";
import type { CiSnapshot, Env } from "../platforms/types.ts";
import { localPlatform } from "../mod.ts";
import { captureLogger, writeSamplePace } from "../testing.ts";
import {
  assert,
  assertEquals,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "./_assert.ts";

const HEAD = "pace/review-day-14";
const TITLE = "[PACE Review Gate] Days 1\u201314";

const httpError = (status: number, body = "") =>
  new HttpError(`Memory: answered ${status}`, { status, kind: "http", retryable: false, body });

interface StoredPull {
  id: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed" | "merged";
}

/** A forge whose pull requests and variables live in memory; `faults` script the next answers. */
function memoryForge() {
  const pulls: StoredPull[] = [];
  const variables = new Map<string, string>();
  const calls: string[] = [];
  const faults = {
    /** The next openPull: performed then 502, 409 after a concurrent open, refused, or no head. */
    openPull: undefined as "perform-502" | "concurrent-409" | 403 | "no-head" | undefined,
    /** Pull request lookups that find nothing, as before a concurrent open lands. */
    blindFinds: 0,
    /** The next variable create: refused, taken meanwhile, or performed then 502. */
    create: undefined as 403 | "taken" | "perform-502" | "lost-502" | undefined,
  };
  const answer = (pull: StoredPull): ForgePull => ({ id: pull.id, url: `mem://pulls/${pull.id}` });
  const store = (head: string, base: string, state: StoredPull["state"] = "open") => {
    const pull = { id: pulls.length + 1, head, base, title: "", body: "", state };
    pulls.push(pull);
    return pull;
  };
  const lookFor = (head: string, base: string, states: StoredPull["state"][]) => {
    if (faults.blindFinds > 0) {
      faults.blindFinds--;
      return Promise.resolve(undefined);
    }
    const mine = pulls.filter((p) => p.head === head && p.base === base);
    const hit = states.map((s) => mine.find((p) => p.state === s)).find(Boolean);
    return Promise.resolve(hit && answer(hit));
  };
  const branches: BranchApi = {
    forge: "Memory",
    titleLimit: 255,
    bodyLimit: 400,
    hints: { branch: "grant branch:write", pull: "grant pull:write" },
    head: () => Promise.resolve(undefined),
    createRef: () => Promise.resolve(),
    createdMeanwhile: () => false,
    findOpenPull(head, base) {
      calls.push("findOpenPull");
      return lookFor(head, base, ["open"]);
    },
    findReviewPull(head, base) {
      calls.push("findReviewPull");
      return lookFor(head, base, ["open", "merged"]);
    },
    openPull({ head, base, title, body }) {
      calls.push("openPull");
      const fault = faults.openPull;
      faults.openPull = undefined;
      if (fault === 403) return Promise.reject(httpError(403, "Forbidden"));
      if (fault === "no-head") return Promise.reject(httpError(422, "head branch not found"));
      if (fault === "concurrent-409") {
        store(head, base);
        return Promise.reject(httpError(409, "one is open already"));
      }
      const pull = store(head, base);
      Object.assign(pull, { title, body });
      return fault === "perform-502"
        ? Promise.reject(httpError(502))
        : Promise.resolve(answer(pull));
    },
    pullCreatedMeanwhile: (error) => error instanceof HttpError && error.status === 409,
  };
  const vars: VariableApi = {
    problem: (name) => /^[A-Z_]+$/.test(name) ? undefined : `invalid variable name "${name}"`,
    read(name) {
      calls.push(`read ${name}`);
      return Promise.resolve(variables.get(name));
    },
    create(name, value) {
      calls.push(`create ${name}`);
      const fault = faults.create;
      faults.create = undefined;
      if (fault === 403) return Promise.reject(httpError(403, "Forbidden"));
      if (fault === "lost-502") return Promise.reject(httpError(502));
      if (variables.has(name) || fault === "taken") {
        if (fault === "taken") variables.set(name, "theirs");
        return Promise.reject(httpError(409, "exists"));
      }
      variables.set(name, value);
      return fault === "perform-502" ? Promise.reject(httpError(502)) : Promise.resolve();
    },
    update(name, value) {
      calls.push(`update ${name}`);
      if (!variables.has(name)) return Promise.resolve(false);
      variables.set(name, value);
      return Promise.resolve(true);
    },
    exists: (error) => error instanceof HttpError && error.status === 409,
    refusedWith: [403],
    hint: "grant variables:write",
  };
  let pullsLoaded = 0;
  const looks: string[] = [];
  const api: CiApi = {
    pulls: () => {
      pullsLoaded++;
      return Promise.resolve(branches);
    },
    defaultBranch: () => Promise.resolve("trunk"),
    headMissing: (error) => error instanceof HttpError && /head branch not found/.test(error.body),
    look(sha) {
      looks.push(sha);
      const snapshot: CiSnapshot = { state: "done", conclusion: "success", name: "ci", url: "u" };
      return Promise.resolve(snapshot);
    },
    variables: vars,
  };
  return {
    api,
    branches,
    vars,
    pulls,
    variables,
    calls,
    faults,
    store,
    looks,
    pullsLoaded: () => pullsLoaded,
  };
}

async function rig(env: Env = {}) {
  const logger = captureLogger();
  const forge = memoryForge();
  const root = await Deno.makeTempDir({ prefix: "pace-forge-ci-" });
  const paceDir = await writeSamplePace(root);
  const context = resolveContext(localPlatform, { logger, env, repoRoot: root });
  const build = () => new ForgeCI(context, "memory", forge.api);
  const writes = () => forge.calls.filter((c) => /^(openPull|create|update)/.test(c));
  return {
    ...forge,
    ci: build(),
    build,
    logger,
    root,
    paceDir,
    writes,
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

// ---------------------------------------------------------------------------
// Review PRs

Deno.test("forge ci review PR: opened once from pace/review-day-N into the default branch", async () => {
  await using r = await rig();
  const url = await r.ci.openReviewPr(14, r.paceDir, "Focus on the auth flow");
  assertEquals(url, "mem://pulls/1");
  assertEquals(r.pulls.length, 1);
  const [pull] = r.pulls;
  assertEquals([pull.head, pull.base, pull.title], [HEAD, "trunk", TITLE]);
  assert(pull.body.length <= 400 + "\n\n…(truncated)".length, "the body fits the forge's limit");
  assertStringIncludes(r.logger.text(), "review PR for day 14: opened mem://pulls/1");
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), url);
  assertEquals(r.writes(), ["openPull"], "a re-run opens nothing");
  assertStringIncludes(r.logger.text(), "review PR for day 14: found the existing item");
});

Deno.test("forge ci review PR: an open one is returned; a merged one where the forge counts it", async () => {
  await using r = await rig();
  const open = r.store(HEAD, "trunk");
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), `mem://pulls/${open.id}`);
  open.state = "merged";
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), `mem://pulls/${open.id}`);
  assertEquals(r.writes(), [], "the merged review is the review");
  assertEquals(r.calls.filter((c) => c === "findOpenPull"), [], "the review lookup is asked");
});

Deno.test("forge ci review PR: where only an open one counts, a merged one is not reused", async () => {
  await using r = await rig();
  delete r.branches.findReviewPull;
  r.api.reviewNoun = "review MR";
  const merged = r.store(HEAD, "trunk", "merged");
  const url = await r.ci.openReviewPr(14, r.paceDir);
  assertNotEquals(url, `mem://pulls/${merged.id}`);
  assertEquals(r.writes(), ["openPull"]);
  assertStringIncludes(r.logger.text(), "review MR for day 14: opened");
});

Deno.test("forge ci review PR: a create that took effect but answered 502 is re-found, not repeated", async () => {
  await using r = await rig();
  r.faults.openPull = "perform-502";
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), "mem://pulls/1");
  assertEquals(r.pulls.length, 1);
  assertEquals(r.writes(), ["openPull"]);
  assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
});

Deno.test("forge ci review PR: one opened meanwhile (the forge's 409) is returned", async () => {
  await using r = await rig();
  r.faults.blindFinds = 1;
  r.faults.openPull = "concurrent-409";
  assertEquals(await r.ci.openReviewPr(14, r.paceDir), "mem://pulls/1");
  assertEquals(r.pulls.length, 1);
});

Deno.test("forge ci review PR: a head branch not pushed yet is explained: push it first", async () => {
  await using r = await rig();
  r.faults.openPull = "no-head";
  const error = await assertRejects(() => r.ci.openReviewPr(14, r.paceDir));
  assertStringIncludes(
    error.message,
    `cannot open the review PR for day 14: branch ${HEAD} must exist on Memory; push it first`,
  );
  assertStringIncludes(error.message, "with commits trunk lacks (Memory: answered 422)");
  r.faults.openPull = 403;
  const refused = await assertRejects(() => r.ci.openReviewPr(14, r.paceDir));
  assertStringIncludes(refused.message, "answered 403 — grant pull:write");
  assertEquals(r.pulls, []);
});

Deno.test("forge ci review PR: a repository without a default branch opens nothing", async () => {
  await using r = await rig();
  r.api.defaultBranch = () => Promise.resolve(undefined);
  const error = await assertRejects(() => r.ci.openReviewPr(14, r.paceDir));
  assertStringIncludes(error.message, "has no default branch (is it empty?)");
  assertEquals(r.writes(), []);
});

// ---------------------------------------------------------------------------
// The wait and the job summary

Deno.test("forge ci wait: the forge's look decides, and no branch API is loaded for it", async () => {
  await using r = await rig();
  const result = await r.ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
  assertEquals([result.conclusion, result.name, result.url], ["success", "ci", "u"]);
  assertEquals(r.looks, ["0123abcd"]);
  assertEquals(r.pullsLoaded(), 0);
});

Deno.test("forge ci job summary: the runner's file when the forge names its variable", async () => {
  await using r = await rig();
  const file = join(r.root, "step.md");
  await Deno.writeTextFile(file, "earlier\n");
  r.api.summaryFile = "STEP_SUMMARY";
  const inRunner = new ForgeCI(
    resolveContext(localPlatform, { env: { STEP_SUMMARY: file }, repoRoot: r.root }),
    "memory",
    r.api,
  );
  assert(await inRunner.writeJobSummary("## Day 3\n"));
  assertEquals(await Deno.readTextFile(file), "earlier\n## Day 3\n");
  assert(await r.build().writeJobSummary("## Day 4"));
  assertEquals(await Deno.readTextFile(join(r.root, "pace-summary.md")), "## Day 4\n");
});

// ---------------------------------------------------------------------------
// Variables

Deno.test("forge ci variables: created, then updated when it exists; read back", async () => {
  await using r = await rig({ FROM_ENV: "env-value" });
  assertEquals(await r.ci.setVariable("PACE_DAY", "3"), true);
  assertEquals(await r.ci.setVariable("PACE_DAY", "4"), true);
  assertEquals(r.variables.get("PACE_DAY"), "4");
  assertEquals(r.writes(), ["create PACE_DAY", "create PACE_DAY", "update PACE_DAY"]);
  assertStringIncludes(r.logger.text(), "variable PACE_DAY created");
  assertStringIncludes(r.logger.text(), "variable PACE_DAY updated");
  assertEquals(await r.ci.getVariable("PACE_DAY"), "4");
  assertEquals(await r.ci.getVariable("FROM_ENV"), "env-value");
});

Deno.test("forge ci variables: update first where the forge says so; create only when absent", async () => {
  await using r = await rig();
  r.vars.updateFirst = true;
  r.variables.set("PACE_DAY", "1");
  assert(await r.ci.setVariable("PACE_DAY", "2"));
  assert(await r.ci.setVariable("PACE_NEW", "x"));
  assertEquals(r.writes(), ["update PACE_DAY", "update PACE_NEW", "create PACE_NEW"]);
  assertEquals([...r.variables], [["PACE_DAY", "2"], ["PACE_NEW", "x"]]);
});

Deno.test("forge ci variables: created meanwhile, or created by a create that answered 502: updated", async () => {
  await using r = await rig();
  r.faults.create = "taken";
  assert(await r.ci.setVariable("RACE", "ours"));
  assertEquals(r.variables.get("RACE"), "ours");
  r.faults.create = "perform-502";
  assert(await r.ci.setVariable("FLAKY", "1"));
  assertEquals(r.writes().slice(2), ["create FLAKY", "update FLAKY"]);
  r.faults.create = "lost-502";
  const lost = await assertRejects(() => r.ci.setVariable("LOST", "1"));
  assertStringIncludes(lost.message, "answered 502");
  assertEquals(r.variables.has("LOST"), false);
});

Deno.test("forge ci variables: a refusal names the permission; a bad name sends nothing", async () => {
  await using r = await rig();
  r.faults.create = 403;
  const refused = await assertRejects(() => r.ci.setVariable("PACE_X", "1"));
  assertEquals(refused.message, "Memory: answered 403 — grant variables:write");
  const before = r.calls.length;
  const bad = await assertRejects(() => r.ci.setVariable("bad-name", "1"));
  assertEquals(bad.message, 'invalid variable name "bad-name"');
  assertEquals(await r.ci.getVariable("bad-name"), undefined);
  assertEquals(r.calls.length, before, "nothing is asked about a name the forge refuses");
});

Deno.test("forge ci variables: the runner's name rule — letters, digits, _, no digit first, no reserved prefix", () => {
  for (const name of ["PACE_DAY", "_x", "pace_release", "A1"]) {
    assertEquals(variableNameProblem(name, ["GITHUB_", "GITEA_"]), undefined, name);
  }
  for (const name of ["1ABC", "A-B", "", "PACE DAY", "é", 7]) {
    assertStringIncludes(String(variableNameProblem(name)), "not starting with a digit");
  }
  assertEquals(
    variableNameProblem("gitea_token", ["GITHUB_", "GITEA_"]),
    'invalid variable name "gitea_token": names starting with GITHUB_ or GITEA_ are reserved',
  );
  assertEquals(variableNameProblem("GITHUB_SHA"), undefined, "reserved only where the forge says");
});
