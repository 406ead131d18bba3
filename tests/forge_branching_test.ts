// The branching operations written once, over an in-memory branch API.
import { HttpError } from "../platforms/_core/http.ts";
import {
  type BranchApi,
  cleanLabels,
  ForgeBranching,
  type ForgePull,
} from "../platforms/_pace/forge_branching.ts";
import { resolveContext } from "../platforms/registry.ts";
import { localPlatform } from "../mod.ts";
import { captureLogger } from "../testing.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./_assert.ts";

const MAIN_SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const OTHER_SHA = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";

interface StoredPull {
  id: number;
  head: string;
  base: string;
  title: string;
  body: string;
  labels: string[];
  open: boolean;
}

interface ForgeOptions {
  /** Labels go with the create call (GitLab, Gitea) instead of a later add (GitHub). */
  labelsAtOpen?: boolean;
  /** Answers carry no labels at all (Bitbucket lists them in the description). */
  noLabelEcho?: boolean;
  /** The forge keeps only these labels (a token that may not set the rest). */
  keepLabels?: string[];
  /** Adding labels is refused. */
  refuseLabels?: boolean;
}

const httpError = (status: number, body = "") =>
  new HttpError(`Memory: answered ${status}`, { status, kind: "http", retryable: false, body });

/** A forge whose branches and pull requests live in memory; `faults` script the next answers. */
function memoryForge(options: ForgeOptions = {}) {
  const branches = new Map([["main", MAIN_SHA]]);
  const pulls: StoredPull[] = [];
  const calls: string[] = [];
  const faults = {
    /** Lookups of a branch that miss it, as when a concurrent run creates it in between. */
    blindHeads: new Map<string, number>(),
    /** Lookups of pull requests that find nothing. */
    blindFinds: 0,
    /** The next createRef: performed then answered 502, or refused. */
    createRef: undefined as "perform-502" | "exists" | 403 | undefined,
    /** The next openPull: performed then answered 502, answered 409 after a concurrent open, or refused. */
    openPull: undefined as "perform-502" | "concurrent-409" | 403 | 400 | undefined,
  };
  const kept = (labels: string[]) =>
    options.keepLabels ? labels.filter((l) => options.keepLabels!.includes(l)) : labels;
  const answer = (pull: StoredPull): ForgePull => ({
    id: pull.id,
    url: `mem://pulls/${pull.id}`,
    ...(options.noLabelEcho ? {} : { labels: [...pull.labels] }),
  });
  const store = (head: string, base: string, title: string, body: string, labels: string[]) => {
    const pull = { id: pulls.length + 1, head, base, title, body, labels, open: true };
    pulls.push(pull);
    return pull;
  };
  const api: BranchApi = {
    forge: "Memory",
    titleLimit: 20,
    bodyLimit: 30,
    hints: { branch: "grant branch:write", pull: "grant pull:write", labels: "grant labels" },

    head(branch) {
      calls.push(`head ${branch}`);
      const blind = faults.blindHeads.get(branch) ?? 0;
      if (blind > 0) {
        faults.blindHeads.set(branch, blind - 1);
        return Promise.resolve(undefined);
      }
      return Promise.resolve(branches.get(branch));
    },
    createRef(branch, from) {
      calls.push(`createRef ${branch} ${from.branch}@${from.sha.slice(0, 7)}`);
      const fault = faults.createRef;
      faults.createRef = undefined;
      if (fault === 403) return Promise.reject(httpError(403, "Forbidden"));
      if (fault === "exists") return Promise.reject(httpError(422, "Reference already exists"));
      if (branches.has(branch)) return Promise.reject(httpError(422, "exists, as a tag"));
      branches.set(branch, from.sha);
      return fault === "perform-502" ? Promise.reject(httpError(502)) : Promise.resolve();
    },
    createdMeanwhile: (error) => error instanceof HttpError && error.status === 422,

    findOpenPull(head, base) {
      calls.push("findOpenPull");
      if (faults.blindFinds > 0) {
        faults.blindFinds--;
        return Promise.resolve(undefined);
      }
      const hit = pulls.find((p) => p.open && p.head === head && p.base === base);
      return Promise.resolve(hit && answer(hit));
    },
    openPull({ head, base, title, body, labels }) {
      calls.push(`openPull ${labels.join(",")}`);
      const fault = faults.openPull;
      faults.openPull = undefined;
      if (fault === 403) return Promise.reject(httpError(403, "Forbidden"));
      if (fault === 400) return Promise.reject(httpError(400, "already has an open one"));
      const pull = store(head, base, title, body, options.labelsAtOpen ? kept(labels) : []);
      if (fault === "perform-502") return Promise.reject(httpError(502));
      if (fault === "concurrent-409") return Promise.reject(httpError(409));
      return Promise.resolve(answer(pull));
    },
    pullCreatedMeanwhile: (error) => error instanceof HttpError && error.status === 409,
    explainRefusal: (error) =>
      error instanceof HttpError && error.status === 400 ? "one open pull per head" : undefined,
  };
  if (!options.labelsAtOpen) {
    api.addLabels = (pull, missing) => {
      calls.push(`addLabels ${missing.join(",")}`);
      if (options.refuseLabels) return Promise.reject(httpError(403, "no push access"));
      const stored = pulls[Number(pull.id) - 1];
      stored.labels.push(...kept(missing));
      return Promise.resolve([...stored.labels]);
    };
  }
  return { api, branches, pulls, calls, faults, store };
}

function rig(options: ForgeOptions = {}) {
  const logger = captureLogger();
  const forge = memoryForge(options);
  const context = resolveContext(localPlatform, { logger, env: {} });
  const branching = new ForgeBranching(context, "memory", forge.api);
  const warnings = () => logger.lines.filter((l) => l.startsWith("warn:"));
  return { ...forge, branching, logger, warnings };
}

const writes = (calls: string[]) => calls.filter((c) => !/^(head|findOpenPull)/.test(c));

// ---------------------------------------------------------------------------
// Branches

Deno.test("forge branching: the platform name, and a branch's head read through the API", async () => {
  const r = rig();
  assertEquals(r.branching.platform, "memory");
  assertEquals(await r.branching.getBranchSha("main"), MAIN_SHA);
  assertEquals(await r.branching.getBranchSha("staging"), undefined);
});

Deno.test("forge branching: a new branch starts at its parent's head, logged once", async () => {
  const r = rig();
  r.branches.set("staging", OTHER_SHA);
  assertEquals(await r.branching.createBranch("release/v2.0", "staging"), true);
  assertEquals(r.branches.get("release/v2.0"), OTHER_SHA, "the parent's head, not main's");
  assertEquals(r.calls, [
    "head release/v2.0",
    "head staging",
    "createRef release/v2.0 staging@9c3a1e2",
  ]);
  const created = r.logger.lines.filter((l) => l.includes("created release/v2.0"));
  assertEquals(created.length, 1);
  assertStringIncludes(created[0], "created release/v2.0 at 9c3a1e2, the head of staging");
});

Deno.test("forge branching: the forge's own short SHA in the log", async () => {
  const r = rig();
  r.api.shaLength = 8;
  await r.branching.createBranch("staging", "main");
  assertStringIncludes(r.logger.text(), "created staging at 3b18e512, the head of main");
});

Deno.test("forge branching: an existing branch is never moved, also when its parent is missing", async () => {
  const r = rig();
  r.branches.set("staging", OTHER_SHA);
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(await r.branching.createBranch("staging", "no-such-parent"), true);
  assertEquals(r.branches.get("staging"), OTHER_SHA);
  assertEquals(r.calls, ["head staging", "head staging"], "not even the parent is read");
});

Deno.test("forge branching: a missing parent is a clear error and creates nothing", async () => {
  const r = rig();
  const error = await assertRejects(() => r.branching.createBranch("staging", "develop"));
  assertStringIncludes(String(error), "cannot create staging: develop does not exist");
  assertStringIncludes(String(error), "its parent develop does not exist");
  assertEquals(writes(r.calls), []);
  assertEquals(r.branches.has("staging"), false);
});

Deno.test("forge branching: a create answered 502 after it took effect is re-found, sent once", async () => {
  const r = rig();
  r.faults.createRef = "perform-502";
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(writes(r.calls), ["createRef staging main@3b18e51"]);
  assertEquals(r.branches.get("staging"), MAIN_SHA);
  assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
});

Deno.test("forge branching: the forge's 'already exists' after a concurrent create is re-found", async () => {
  const r = rig();
  r.branches.set("staging", OTHER_SHA);
  r.faults.blindHeads.set("staging", 1);
  r.faults.createRef = "exists";
  assertEquals(await r.branching.createBranch("staging", "main"), true);
  assertEquals(r.branches.get("staging"), OTHER_SHA, "not moved");
  assertEquals(r.calls.filter((c) => c === "head staging").length, 2, "looked for again");
});

Deno.test("forge branching: 'already exists' with no branch to be found stays an error", async () => {
  const r = rig();
  // The name is taken by something that is no branch (a tag): the re-look finds nothing.
  r.faults.createRef = "exists";
  const error = await assertRejects(() => r.branching.createBranch("v1.0", "main"));
  assert(error instanceof HttpError && error.status === 422, "the forge's own answer");
  assertEquals(writes(r.calls), ["createRef v1.0 main@3b18e51"], "sent once");
});

Deno.test("forge branching: a refused create (403) names the permission", async () => {
  const r = rig();
  r.faults.createRef = 403;
  const error = await assertRejects(() => r.branching.createBranch("staging", "main"));
  assertStringIncludes(String(error), "cannot create staging: Memory: answered 403");
  assertStringIncludes(String(error), "grant branch:write");
});

Deno.test("forge branching: the hierarchy runs over the shared createBranch", async () => {
  const r = rig();
  assertEquals(await r.branching.ensureHierarchy("v2.0", 2), true);
  assertEquals(writes(r.calls), [
    "createRef staging main@3b18e51",
    "createRef release/v2.0 staging@3b18e51",
    "createRef rel/sprint/pace-2 release/v2.0@3b18e51",
  ]);
  const before = r.calls.length;
  assertEquals(await r.branching.ensureHierarchy("v2.0", 2), true);
  assertEquals(writes(r.calls.slice(before)), [], "a second run writes nothing");
});

// ---------------------------------------------------------------------------
// Pull requests

Deno.test("forge branching: an open pull request is found, never a second one", async () => {
  const r = rig();
  r.store("staging", "main", "T", "B", []);
  assertEquals(
    await r.branching.createPullRequest("staging", "main", "Other", ""),
    "mem://pulls/1",
  );
  assertEquals(writes(r.calls), []);
  assertStringIncludes(r.logger.text(), "pull request staging → main: found the existing item");
});

Deno.test("forge branching: a pull request is opened once, title and body cut to the forge's limits", async () => {
  const r = rig();
  const url = await r.branching.createPullRequest(
    "staging",
    "main",
    "  Staging\ninto\tmain, with a long title  ",
    "b".repeat(40),
  );
  assertEquals(url, "mem://pulls/1");
  assertEquals(r.pulls[0].title, "Staging into main, w");
  assertEquals(r.pulls[0].body, `${"b".repeat(30)}\n\n…(truncated)`);
  assertStringIncludes(r.logger.text(), "pull request staging → main: opened mem://pulls/1");
  assertEquals(await r.branching.createPullRequest("staging", "main", "Again", ""), url);
  assertEquals(r.pulls.length, 1);
  assertEquals(r.calls.filter((c) => c.startsWith("openPull")).length, 1);
});

Deno.test("forge branching: an empty title becomes 'head into base'; the forge's noun in the log", async () => {
  const r = rig();
  r.api.pullNoun = "merge request";
  await r.branching.createPullRequest("staging", "main", " \n ", "");
  assertEquals(r.pulls[0].title, "staging into main");
  assertStringIncludes(r.logger.text(), "merge request staging → main: opened");
});

Deno.test("forge branching: a pull request create answered 502 after it took effect is re-found", async () => {
  const r = rig();
  r.faults.openPull = "perform-502";
  const url = await r.branching.createPullRequest("staging", "main", "T", "B", ["pace-release"]);
  assertEquals(url, "mem://pulls/1");
  assertEquals(r.pulls.length, 1);
  assertEquals(r.calls.filter((c) => c.startsWith("openPull")).length, 1, "never sent twice");
  assertEquals(r.pulls[0].labels, ["pace-release"], "labels added after the re-find");
  assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
});

Deno.test("forge branching: one opened meanwhile (the forge's 409) is returned", async () => {
  const r = rig();
  r.faults.blindFinds = 1;
  r.faults.openPull = "concurrent-409";
  assertEquals(await r.branching.createPullRequest("staging", "main", "T", "B"), "mem://pulls/1");
  assertEquals(r.pulls.length, 1);
});

Deno.test("forge branching: refusals are explained — the permission for a 403, the forge's rule", async () => {
  const r = rig();
  r.faults.openPull = 403;
  const refused = await assertRejects(() => r.branching.createPullRequest("a", "main", "T", ""));
  assertStringIncludes(String(refused), "cannot open the pull request a → main");
  assertStringIncludes(String(refused), "grant pull:write");
  r.faults.openPull = 400;
  const ruled = await assertRejects(() => r.branching.createPullRequest("a", "main", "T", ""));
  assertStringIncludes(String(ruled), "answered 400 — one open pull per head");
  assertEquals(r.pulls, []);
});

// ---------------------------------------------------------------------------
// Labels

Deno.test("forge branching: labels are cleaned once — strings, trimmed, each once, split where the forge splits", () => {
  const messy = ["pace-release", " pace-release ", "", "  ", 7, "a,b"] as unknown[];
  assertEquals(cleanLabels(messy), ["pace-release", "a,b"]);
  assertEquals(cleanLabels(messy, ","), ["pace-release", "a", "b"]);
  assertEquals(cleanLabels("pace-release"), []);
  assertEquals(cleanLabels(undefined), []);
});

Deno.test("forge branching: missing labels are added where the forge can, only the missing ones", async () => {
  const r = rig();
  r.store("staging", "main", "T", "B", ["pace-release"]);
  const url = await r.branching.createPullRequest("staging", "main", "T", "B", [
    "PACE-release",
    "pace-sprint-1",
    " pace-sprint-1",
  ]);
  assertEquals(url, "mem://pulls/1");
  assertEquals(writes(r.calls), ["addLabels pace-sprint-1"], "case-insensitive, each once");
  assertEquals(r.pulls[0].labels, ["pace-release", "pace-sprint-1"]);
  assertEquals(r.warnings(), []);
  // All there: nothing more to add.
  await r.branching.createPullRequest("staging", "main", "T", "B", ["pace-sprint-1"]);
  assertEquals(writes(r.calls).length, 1);
});

Deno.test("forge branching: labels refused are one warning with the hint; the pull request counts", async () => {
  const r = rig({ refuseLabels: true });
  const url = await r.branching.createPullRequest("staging", "main", "T", "B", ["pace-release"]);
  assertEquals(url, "mem://pulls/1");
  const warnings = r.warnings();
  assertEquals(warnings.length, 1, warnings.join("\n"));
  assertStringIncludes(warnings[0], "labels pace-release not added (Memory: answered 403)");
  assertStringIncludes(warnings[0], "grant labels");
});

Deno.test("forge branching: labels dropped from the add's answer are a warning", async () => {
  const r = rig({ keepLabels: ["a"] });
  assertEquals(
    await r.branching.createPullRequest("s", "main", "T", "B", ["a", "b"]),
    "mem://pulls/1",
  );
  assertEquals(r.warnings().length, 1);
  assertStringIncludes(r.warnings()[0], "Memory dropped the labels b; grant labels");
});

Deno.test("forge branching: labels sent with the open and dropped are a warning; a found one is left", async () => {
  const r = rig({ labelsAtOpen: true, keepLabels: [] });
  await r.branching.createPullRequest("staging", "main", "T", "B", ["a", "b"]);
  assertEquals(r.calls.filter((c) => c.startsWith("openPull")), ["openPull a,b"]);
  assertEquals(r.warnings().length, 1);
  assertStringIncludes(r.warnings()[0], "Memory dropped the labels a, b; grant labels");
  // Found on a re-run: a forge that cannot add labels later says nothing more.
  await r.branching.createPullRequest("staging", "main", "T", "B", ["a", "b"]);
  assertEquals(r.warnings().length, 1);
  assertEquals(writes(r.calls).length, 1);
});

Deno.test("forge branching: a forge whose answers carry no labels is not second-guessed", async () => {
  const r = rig({ labelsAtOpen: true, noLabelEcho: true });
  await r.branching.createPullRequest("staging", "main", "T", "B", ["a"]);
  assertEquals(r.warnings(), []);
  assert(r.calls.includes("openPull a"), "the labels still reach the forge");
});
