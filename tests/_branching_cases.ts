/**
 * The branching cases every forge shares, run over real HTTP against each
 * forge's fake through a small rig: branches present and absent, created from
 * the parent's head and never moved, names refused before any request, pull
 * requests opened once (also after a 502) with their labels, the hierarchy from
 * `main` alone, failures that resolve empty without a leak, and the
 * `pace branch` commands under exactly the flags `pace permissions` prints.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getBranchingAdapter } from "../mod.ts";
import { BAD_BRANCHES } from "../platforms/_contract/checks.ts";
import type { BranchingAdapter } from "../platforms/types.ts";
import { captureLogger, type CapturingLogger } from "../testing.ts";
import type { ScriptRule } from "./servers/_http.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "./_assert.ts";

/** Requests a case scripts faults on. */
export type BranchingOperation = "get-branch" | "create-branch" | "create-pull";

/** What a rig reads off the fake's request log alone; see {@linkcode recordedViews}. */
export interface RecordedViews {
  /** The base URL of the fake (its port goes into `--allow-net`). */
  url: string;
  requestCount(): number;
  /** Methods of the requests after the first `from`. */
  methodsSince(from: number): string[];
  statuses(): number[];
  /** How many requests would change the repository. */
  writeCount(): number;
  branchCreates(): number;
  pullCreates(): number;
  /** Script a fault on one kind of request; `perform` acts first, then answers `status`. */
  fault(
    operation: BranchingOperation,
    fault: { status: number; times?: number; perform?: boolean },
  ): void;
  /** Scripted faults not yet answered. */
  pendingFaults(): number;
}

/** What only the forge knows how to read off its fake. */
export interface ForgeViews {
  /** Add a branch at a commit of its own; answers that commit. */
  addBranch(name: string): string;
  /** The head commit of a branch on the fake, `undefined` when absent. */
  head(name: string): string | undefined;
  /** Leave exactly these branches on the fake. */
  setBranches(names: string[]): void;
  /** The labels of each pull request on the fake. */
  pullLabels(): string[][];
}

/** One forge's fake, with the adapter built for it. Disposing it checks the fake's own rules. */
export interface BranchingRig extends RecordedViews, ForgeViews, AsyncDisposable {
  branching: BranchingAdapter;
  logger: CapturingLogger;
  env: Record<string, string>;
  /** Every form in which a credential could leak. */
  secrets(): string[];
  /** Keep a result so the rig can scan it for secrets when disposed. */
  keep<T>(value: T): T;
}

/** What every fake server records and can be scripted with. */
export interface RecordingFake {
  readonly url: string;
  readonly requests: readonly { method: string; path: string; status: number }[];
  readonly pendingScripts: number;
  script(rule: ScriptRule): void;
}

/** Where a fault goes on one forge's API. */
export type FaultRoutes = Record<BranchingOperation, { method: string; path: RegExp }>;

/** The parts of a {@linkcode BranchingRig} read off the fake's request log alone. */
export function recordedViews(
  fake: RecordingFake,
  routes: FaultRoutes,
  errorBody: unknown,
): RecordedViews {
  const sent = (operation: BranchingOperation) => {
    const { method, path } = routes[operation];
    return fake.requests.filter((q) => q.method === method && path.test(q.path)).length;
  };
  return {
    url: fake.url,
    branchCreates: () => sent("create-branch"),
    pullCreates: () => sent("create-pull"),
    requestCount: () => fake.requests.length,
    methodsSince: (from) => fake.requests.slice(from).map((q) => q.method),
    statuses: () => fake.requests.map((q) => q.status),
    writeCount: () => fake.requests.filter((q) => q.method !== "GET").length,
    fault: (operation, { status, times, perform }) =>
      fake.script({ ...routes[operation], status, times, perform, body: errorBody }),
    pendingFaults: () => fake.pendingScripts,
  };
}

/** A fake forge as {@linkcode forgeRig} drives it. */
export interface FakeForge extends RecordingFake {
  readonly violations: readonly string[];
  close(): Promise<void>;
}

/** How {@linkcode forgeRig} builds and checks the adapter for one fake. */
export interface ForgeParts {
  /** The platform the adapter is built for. */
  platform: string;
  env: Record<string, string>;
  /** Every form in which a credential could leak. */
  secrets: string[];
  /** What a violation on the fake breaks, said when there is one. */
  rule: string;
  routes: FaultRoutes;
  errorBody: unknown;
}

/** A fake that keeps its branches as a set, each at a head it can be given. */
export interface BranchSetFake {
  branches: Set<string>;
  addBranch(name: string, sha?: string): void;
  headOf(name: string): string | undefined;
}

/** The branch views of a {@linkcode BranchSetFake}; added branches start at `sha`. */
export function branchSetViews(
  fake: BranchSetFake,
  sha: string,
): Omit<ForgeViews, "pullLabels"> {
  return {
    addBranch: (name) => (fake.addBranch(name, sha), sha),
    head: (name) => fake.headOf(name),
    setBranches: (names) => void (fake.branches = new Set(names)),
  };
}

/**
 * A rig over `fake`, its adapter built through the registry. Disposing it
 * closes the fake and checks that it saw no violation and that no credential
 * reached the log or a kept result.
 */
export async function forgeRig<X extends object>(
  fake: FakeForge,
  parts: ForgeParts,
  views: ForgeViews & X,
): Promise<BranchingRig & X & { build(env: Record<string, string>): BranchingAdapter }> {
  const logger = captureLogger();
  const root = await Deno.makeTempDir({ prefix: `pace-${parts.platform}-branching-` });
  const results: unknown[] = [];
  const build = (more: Record<string, string>) =>
    getBranchingAdapter(parts.platform, {
      env: { ...parts.env, ...more },
      repoRoot: root,
      logger,
    });
  return {
    ...views,
    ...recordedViews(fake, parts.routes, parts.errorBody),
    logger,
    env: parts.env,
    branching: build({}),
    build,
    secrets: () => parts.secrets,
    keep: (value) => (results.push(value), value),
    async [Symbol.asyncDispose]() {
      await fake.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(fake.violations, [], parts.rule);
      for (const text of [logger.text(), JSON.stringify(results)]) {
        for (const secret of parts.secrets) assert(!text.includes(secret), "a credential leaked");
      }
    },
  };
}

/** The forge-specific checks that run at the end of a shared case. */
export interface BranchingExtras {
  present?(r: BranchingRig): void;
  created?(r: BranchingRig, parentHead: string): void;
  hierarchy?(r: BranchingRig): void;
  pullRequest?(r: BranchingRig, url: string, firstRequest: number): void;
  /** More `pace` runs after the shared ones. */
  cli?(r: BranchingRig, run: (...args: string[]) => Promise<PaceRun>): Promise<void> | void;
}

/** How a forge plugs into the shared cases. */
export interface BranchingForge {
  /** The platform name, e.g. `github`. */
  name: string;
  /** The test name prefix, e.g. `github branching`. */
  label: string;
  /** Start the fake with `main` at {@linkcode BranchingForge.mainSha}, env overridden by `env`. */
  rig(env?: Record<string, string>): Promise<BranchingRig>;
  mainSha(r: BranchingRig): string;
  /** Variables that carry a wrong credential, and that credential. */
  wrongCredential: { env: Record<string, string>; secret: RegExp };
  /** Variables for a fake that is no longer listening, with its credential. */
  closed(): Promise<{ env: Record<string, string>; token: string }>;
  /** What a pull request's URL looks like. */
  pullUrl: RegExp;
  /** `pace.config.yaml` for the CLI case; no CLI case without it. */
  config?: string;
  extras?: BranchingExtras;
}

/** Git's refusals, and a few more PACE checks before a name is sent. */
const BAD_NAMES = [
  ...BAD_BRANCHES,
  ..."a:b x? @{u} feat/.hidden x.lock -lead trail/ a~1 co^mit".split(" "),
  "a\u0007b",
];

/** Register the shared branching cases for `forge`. */
export function branchingCases(forge: BranchingForge): void {
  const { label } = forge;

  Deno.test(`${label}: a present branch's head, an absent one undefined`, async () => {
    await using r = await forge.rig();
    assertEquals(await r.branching.getBranchSha("main"), forge.mainSha(r));
    assertEquals(await r.branching.getBranchSha("staging"), undefined);
    const release = r.addBranch("release/v2.0");
    assertEquals(await r.branching.getBranchSha("release/v2.0"), release);
    assertEquals(await r.branching.getBranchSha("release/v2.1"), undefined);
    const odd = r.addBranch("feat/#7%");
    assertEquals(await r.branching.getBranchSha("feat/#7%"), odd);
    assertEquals(r.writeCount(), 0);
    assertEquals(r.logger.lines.filter((l) => l.startsWith("error:")), []);
    forge.extras?.present?.(r);
  });

  Deno.test(`${label}: a new branch starts at its parent's head`, async () => {
    await using r = await forge.rig();
    const parent = r.addBranch("staging");
    assertEquals(await r.branching.createBranch("release/v2.0", "staging"), true);
    assertEquals(r.head("release/v2.0"), parent, "the parent's SHA");
    assertEquals(r.branchCreates(), 1);
    assertEquals(await r.branching.getBranchSha("release/v2.0"), parent);
    forge.extras?.created?.(r, parent);
  });

  Deno.test(`${label}: an existing branch is left where it is, even without its parent`, async () => {
    await using r = await forge.rig();
    const head = r.addBranch("staging");
    assertEquals(await r.branching.createBranch("staging", "main"), true);
    assertEquals(await r.branching.createBranch("staging", "no-such-parent"), true);
    assertEquals(r.head("staging"), head, "not moved");
    assertEquals(r.writeCount(), 0, "no write request");
  });

  Deno.test(`${label}: a branch create answered 502 after it took effect is true`, async () => {
    await using r = await forge.rig();
    r.fault("create-branch", { status: 502, perform: true });
    assertEquals(await r.branching.createBranch("staging", "main"), true);
    assertEquals(r.head("staging"), forge.mainSha(r));
    assertEquals(r.branchCreates(), 1, "never sent twice");
  });

  Deno.test(`${label}: invalid names are refused before any request`, async () => {
    await using r = await forge.rig();
    for (const bad of BAD_NAMES) {
      assertEquals(r.keep(await r.branching.getBranchSha(bad)), undefined, bad);
      assertEquals(await r.branching.createBranch(bad, "main"), false, bad);
      assertEquals(await r.branching.createBranch("staging", bad), false, bad);
      assertEquals(r.keep(await r.branching.createPullRequest(bad, "main", "t", "b")), "", bad);
      assertEquals(r.keep(await r.branching.createPullRequest("staging", bad, "t", "b")), "", bad);
      assertEquals(await r.branching.ensureHierarchy(bad, 1), false, bad);
    }
    assertEquals(await r.branching.ensureHierarchy("v2.0", 0), false);
    assertEquals(r.requestCount(), 0, "not one request");
    assertStringIncludes(r.logger.text(), "invalid branch name");
  });

  Deno.test(`${label}: the hierarchy from only main, each level from its parent; a second run writes nothing`, async () => {
    await using r = await forge.rig();
    assertEquals(await r.branching.ensureHierarchy("v2.0", 3), true);
    assertEquals(r.branchCreates(), 3);
    for (const branch of ["staging", "release/v2.0", "rel/sprint/pace-3"]) {
      assertEquals(r.head(branch), forge.mainSha(r), branch);
    }
    forge.extras?.hierarchy?.(r);

    const before = r.requestCount();
    const writes = r.writeCount();
    assertEquals(await r.branching.ensureHierarchy("v2.0", 3), true);
    assertEquals(r.writeCount(), writes, "a second run creates nothing");
    assertEquals(r.methodsSince(before), ["GET", "GET", "GET", "GET"]);
  });

  Deno.test(`${label}: existing levels stay; a missing one starts at its parent's head`, async () => {
    await using r = await forge.rig();
    const staging = r.addBranch("staging");
    assertEquals(await r.branching.ensureHierarchy("v2.0", 1), true);
    assertEquals(r.head("release/v2.0"), staging);
    assertEquals(r.head("rel/sprint/pace-1"), staging);
    assertEquals(r.head("staging"), staging);
    assertEquals(r.branchCreates(), 2);
  });

  Deno.test(`${label}: without main the hierarchy is false and nothing is created`, async () => {
    for (const branches of [["develop"], []]) {
      await using r = await forge.rig();
      r.setBranches(branches);
      assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
      assertEquals(r.writeCount(), 0);
      assertStringIncludes(r.logger.text(), "main cannot be resolved");
    }
  });

  Deno.test(`${label}: a pull request is opened once, with its labels, and found on a re-run`, async () => {
    await using r = await forge.rig();
    await r.branching.ensureHierarchy("v2.0", 1);
    const before = r.requestCount();
    const url = r.keep(
      await r.branching.createPullRequest(
        "rel/sprint/pace-1",
        "release/v2.0",
        "Sprint 1 into v2.0",
        "Ships the sign-up form.",
        ["pace-release", "pace-sprint-1", " pace-release ", ""],
      ),
    );
    assertMatch(url, forge.pullUrl);
    assertEquals(r.pullLabels(), [["pace-release", "pace-sprint-1"]]);
    assertEquals(r.pullCreates(), 1);
    forge.extras?.pullRequest?.(r, url, before);

    const writes = r.writeCount();
    const again = r.keep(
      await r.branching.createPullRequest("rel/sprint/pace-1", "release/v2.0", "X", "", [
        "pace-release",
      ]),
    );
    assertEquals(again, url);
    assertEquals(r.writeCount(), writes, "a re-run writes nothing");
    assertEquals(r.pullLabels().length, 1);
  });

  Deno.test(`${label}: a pull request create answered 502 after it took effect returns it, labelled`, async () => {
    await using r = await forge.rig();
    r.addBranch("staging");
    r.fault("create-pull", { status: 502, perform: true });
    const url = r.keep(
      await r.branching.createPullRequest("staging", "main", "T", "B", ["pace-release"]),
    );
    assertMatch(url, forge.pullUrl);
    assertEquals(r.pullLabels(), [["pace-release"]], "labels kept after the re-find");
    assertEquals(r.pullCreates(), 1, "never sent twice");
    assertEquals(r.keep(await r.branching.createPullRequest("staging", "main", "T", "B")), url);
    assertEquals(r.pullLabels().length, 1);
    assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
  });

  Deno.test(`${label}: 401 resolves empty without the credential`, async () => {
    await using r = await forge.rig(forge.wrongCredential.env);
    assertEquals(r.keep(await r.branching.getBranchSha("main")), undefined);
    assertEquals(await r.branching.createBranch("staging", "main"), false);
    assertEquals(r.keep(await r.branching.createPullRequest("main", "staging", "T", "B")), "");
    assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
    assert(r.statuses().length > 0 && r.statuses().every((s) => s === 401), `${r.statuses()}`);
    assertStringIncludes(r.logger.text(), "401");
    assertNotMatch(r.logger.text(), forge.wrongCredential.secret);
  });

  Deno.test(`${label}: 500 bursts resolve empty once they outlast the retries`, async () => {
    await using r = await forge.rig();
    // A short burst is retried through; one longer than the retries resolves empty.
    r.fault("get-branch", { status: 500, times: 2 });
    assertEquals(await r.branching.getBranchSha("main"), forge.mainSha(r));
    r.fault("get-branch", { status: 500, times: 4 });
    assertEquals(await r.branching.getBranchSha("main"), undefined);
    r.fault("create-branch", { status: 500 });
    assertEquals(await r.branching.createBranch("staging", "main"), false);
    assertEquals(r.branchCreates(), 1, "a create answered 500 is not sent again");
    r.addBranch("feature");
    r.fault("create-pull", { status: 500 });
    assertEquals(r.keep(await r.branching.createPullRequest("feature", "main", "T", "B")), "");
    assertEquals(r.pullCreates(), 1, "never sent twice");
    assertEquals(r.pullLabels(), []);
    assertEquals(r.pendingFaults(), 0);
  });

  Deno.test(`${label}: a closed port resolves empty without the credential`, async () => {
    const { env, token } = await forge.closed();
    const logger = captureLogger();
    const branching = getBranchingAdapter(forge.name, { env, logger });
    // Together: each waits out its retries, and none may take longer than its budget.
    const results = await Promise.all([
      branching.getBranchSha("main"),
      branching.createBranch("staging", "main"),
      branching.createPullRequest("staging", "main", "T", "B"),
      branching.ensureHierarchy("v2.0", 1),
    ]);
    assertEquals(results, [undefined, false, "", false]);
    assert(!logger.text().includes(token) && !JSON.stringify(results).includes(token));
  });

  if (forge.config !== undefined) cliCase(forge, forge.config);
}

// ---------------------------------------------------------------------------
// The CLI as a subprocess, under exactly the flags `pace permissions` prints

/** One `pace` run: its exit code, its output, and all of it for messages. */
export interface PaceRun {
  code: number;
  stdout: string;
  stderr: string;
  shown: string;
}

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const BROAD = ["--allow-read", "--allow-write", "--allow-env"];
/** The CI the suite itself runs under is not the one under test. */
const CI_OFF = { GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "", GITLAB_CI: "" };

async function pace(cwd: string, flags: string[], args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, CLI, ...args],
    cwd,
    env: { NO_COLOR: "1", PACE_CONFIG: "", ...CI_OFF, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function cliCase(forge: BranchingForge, config: string): void {
  Deno.test(`${forge.label}: the pace branch commands end to end under the printed flags`, async () => {
    await using r = await forge.rig();
    const main = forge.mainSha(r);
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pace-branch-cli-" }));
    try {
      await Deno.writeTextFile(join(root, "pace.config.yaml"), config);
      const printed = await pace(root, BROAD, ["permissions"], r.env);
      assertEquals(printed.code, 0, printed.stderr);
      const port = new URL(r.url).port;
      assertMatch(printed.stdout, new RegExp(`^--allow-net=127\\.0\\.0\\.1:${port} `));
      const flags = printed.stdout.trim().split(" ");
      assert(!flags.includes("-A") && !flags.includes("--allow-all"));
      const run = async (...args: string[]): Promise<PaceRun> => {
        const result = await pace(root, flags, args, r.env);
        const shown = `${args.join(" ")}: exit ${result.code}\n${result.stdout}\n${result.stderr}`;
        assertNotMatch(
          result.stderr,
          /Uncaught|NotCapable|PermissionDenied|Requires \w+ access/,
          shown,
        );
        assertNotMatch(result.stderr, /broader access/, shown);
        for (const secret of r.secrets()) {
          assert(!shown.includes(secret), "a credential stays out of the output");
        }
        return { ...result, shown };
      };

      const sha = await run("branch", "sha", "main");
      assertEquals([sha.code, sha.stdout], [0, `${main}\n`], sha.shown);
      const absent = await run("branch", "sha", "release/v9");
      assertEquals(absent.code, 1, absent.shown);
      assertStringIncludes(absent.stderr, "does not exist");
      const absentJson = await run("--json", "branch", "sha", "release/v9");
      assertEquals(absentJson.code, 1, absentJson.shown);
      assertEquals(JSON.parse(absentJson.stdout).ok, false);

      const created = await run("--json", "branch", "create", "staging", "--from", "main");
      assertEquals(created.code, 0, created.shown);
      assertEquals(JSON.parse(created.stdout), {
        ok: true,
        from: "main",
        branch: "staging",
        sha: main,
      });

      const hierarchy = await run(
        ..."branch ensure-hierarchy --release v2.0 --sprint 1".split(" "),
      );
      assertEquals([hierarchy.code, hierarchy.stdout], [0, "rel/sprint/pace-1\n"], hierarchy.shown);
      assertEquals(r.head("release/v2.0"), main);

      const prArgs = "branch pr --head rel/sprint/pace-1 --base release/v2.0".split(" ");
      const pr = await run(
        "--json",
        ...prArgs,
        "--title",
        "Sprint 1 into v2.0",
        "--body",
        "Ships the sign-up form.",
        "--label",
        "pace-release",
      );
      assertEquals(pr.code, 0, pr.shown);
      const { ok, url } = JSON.parse(pr.stdout);
      assertEquals(ok, true);
      assertMatch(url, forge.pullUrl);
      assertEquals(r.pullLabels(), [["pace-release"]]);
      const again = await run(...prArgs, "--title", "X");
      assertEquals([again.code, again.stdout], [0, `${url}\n`], again.shown);
      const againJson = await run(...prArgs, "--title", "X", "--json");
      assertEquals(JSON.parse(againJson.stdout), { ok: true, url });
      assertEquals(r.pullLabels().length, 1);

      // Nothing to create from: exit 1, nothing written.
      const writes = r.writeCount();
      const failed = await run("--json", "branch", "create", "hotfix", "--from", "no-such-branch");
      assertEquals(failed.code, 1, failed.shown);
      assertEquals(JSON.parse(failed.stdout).ok, false);
      assertEquals(r.writeCount(), writes);

      const bad = await run("branch", "sha", "a..b");
      assertEquals(bad.code, 2, bad.shown);
      const spaced = await run("branch", "create", "has space", "--from", "main");
      assertEquals(spaced.code, 2, spaced.shown);
      await forge.extras?.cli?.(r, run);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}
