// The contract test kit must be able to fail: run it against deliberately broken
// definitions and check that it names the broken promise, and against sound ones
// and check that it does not.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { localPlatform, registerPlatform } from "../mod.ts";
import { BRANCHING_OUTCOMES, CI_OUTCOMES, TRACKER_OUTCOMES } from "../platforms/_outcomes.ts";
import { SAMPLE_CALLS } from "../platforms/_contract/calls.ts";
import type {
  BranchingAdapter,
  CIAdapter,
  PlatformDefinition,
  ResolvedContext,
  TrackerAdapter,
} from "../platforms/types.ts";
import { type ContractOptions, testPlatformContract } from "../testing.ts";
import { assert, assertEquals } from "./_assert.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What one kit run found: the steps that passed and why the others failed. */
interface KitReport {
  passed: string[];
  failed: Map<string, string>;
}

/**
 * Run the kit with a test context that records each step's outcome instead
 * of failing this test, so a test can assert which promise the kit caught.
 */
async function runKit(options: ContractOptions): Promise<KitReport> {
  const report: KitReport = { passed: [], failed: new Map() };
  const step = async (name: string, fn: () => void | Promise<void>) => {
    try {
      await fn();
      report.passed.push(name);
      return true;
    } catch (error) {
      report.failed.set(name, error instanceof Error ? error.message : String(error));
      return false;
    }
  };
  const context = { name: "kit", origin: import.meta.url, step } as unknown as Deno.TestContext;
  await testPlatformContract(context, options);
  return report;
}

/** The kit failed exactly the steps `expected`, each with a message matching its pattern. */
function assertFailed(report: KitReport, expected: Record<string, RegExp>): void {
  assertEquals([...report.failed.keys()].sort(), Object.keys(expected).sort());
  for (const [name, pattern] of Object.entries(expected)) {
    assert(pattern.test(report.failed.get(name)!), `${name}: ${report.failed.get(name)}`);
  }
}

type Patch<T> = (real: T, context: ResolvedContext) => Partial<T>;

/** `real` with some members replaced; the rest still run on `real` (its private fields). */
function patched<T extends object>(real: T, overrides: Partial<T>): T {
  return new Proxy(real, {
    get(target, key) {
      if (key in overrides) return (overrides as Record<PropertyKey, unknown>)[key];
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * A registered platform named `name` that is local in every respect except
 * the patched methods.
 */
function broken(
  name: string,
  patches: {
    ci?: Patch<CIAdapter>;
    tracker?: Patch<TrackerAdapter>;
    branching?: Patch<BranchingAdapter>;
  },
  extra: Partial<PlatformDefinition> = {},
): PlatformDefinition {
  const side = <T extends object>(
    build: ((c: ResolvedContext) => T | Promise<T>) | undefined,
    patch: Patch<T> | undefined,
  ) =>
    build && (async (context: ResolvedContext) => {
      const real = await build(context);
      return patched(real, { platform: name, ...patch?.(real, context) } as unknown as Partial<T>);
    });
  const definition: PlatformDefinition = {
    ...localPlatform,
    name,
    title: name,
    ci: side(localPlatform.ci, patches.ci),
    tracker: side(localPlatform.tracker, patches.tracker),
    branching: side(localPlatform.branching, patches.branching),
    ...extra,
  };
  registerPlatform(definition);
  return definition;
}

/** A platform-like server on 127.0.0.1 that answers 200 to everything and counts. */
function countingServer() {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response("{}", { headers: { "content-type": "application/json" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests: () => requests,
    close: () => server.shutdown(),
  };
}

/** A fixture around a counting server, with the server's URL in `KIT_SERVER_URL`. */
function serverFixture(env: Record<string, string> = {}) {
  return () => {
    const server = countingServer();
    return {
      env: { KIT_SERVER_URL: server.url, ...env },
      requestCount: server.requests,
      close: server.close,
    };
  };
}

/** Send one request to the fixture's server; its answer is not the point. */
async function touch(context: ResolvedContext, path: string, method = "GET"): Promise<void> {
  const response = await context.fetch(`${context.env.KIT_SERVER_URL}${path}`, { method });
  await response.body?.cancel();
}

// ---------------------------------------------------------------------------
// The kit passes sound platforms

Deno.test("kit: local passes every step, branching included", async (t) => {
  const report = await runKit({ definition: localPlatform });
  assertEquals([...report.failed.entries()], []);
  for (const side of ["ci:", "tracker:", "branching:", "guard:"]) {
    assert(report.passed.some((name) => name.startsWith(side)), side);
  }
  // And through a real test context, as a platform's own test file runs it.
  await testPlatformContract(t, { definition: localPlatform });
});

Deno.test("kit: a definition without branching skips the branching steps cleanly", async () => {
  const report = await runKit({ definition: { ...localPlatform, branching: undefined } });
  assertEquals([...report.failed.entries()], []);
  assertEquals(report.passed.filter((name) => name.startsWith("branching:")), []);
  assert(report.passed.some((name) => name.startsWith("tracker:")));
});

Deno.test("kit: the sample calls reach every method the guard knows", () => {
  const methods = (side: string) =>
    SAMPLE_CALLS.filter((call) => call.side === side).map((call) => call.method).sort();
  assertEquals(methods("ci"), Object.keys(CI_OUTCOMES).sort());
  assertEquals(methods("tracker"), Object.keys(TRACKER_OUTCOMES).sort());
  assertEquals(methods("branching"), Object.keys(BRANCHING_OUTCOMES).sort());
});

// ---------------------------------------------------------------------------
// The kit fails broken ones, naming the broken promise

Deno.test("kit: a tracker that creates a new item on every call fails idempotency", async () => {
  let created = 0;
  const definition = broken("kit-duplicating", {
    tracker: (real) => ({
      openEscalationIssue: async (day, dayDir, reason) =>
        `${await real.openEscalationIssue(day, dayDir, reason)}#${++created}`,
      pushAdvisoryItems: async (day, items, agent) => {
        const url = await real.pushAdvisoryItems(day, items, agent);
        return url && `${url}#${++created}`;
      },
    }),
  });
  assertFailed(await runKit({ definition }), {
    "tracker: the escalation is created once per day": /re-run returns the existing escalation/,
    "tracker: advisories are one item per day and agent": /re-run returns the existing advisory/,
  });
});

Deno.test("kit: a wait that resolves a conclusion outside the contract fails", async () => {
  const definition = broken("kit-conclusion", {
    ci: () => ({
      waitForCommitCi: (sha) =>
        Promise.resolve({ conclusion: "passed" as never, url: "", name: "build", sha }),
    }),
  });
  const report = await runKit({ definition });
  for (
    const name of [
      "ci: an invalid SHA ends at once with no_runs, without a request",
      "ci: an aborted wait resolves cancelled",
      "ci: a short wait resolves with a contract-shaped result",
      "guard: with every request refused, every method still resolves",
    ]
  ) {
    assert(/unknown conclusion "passed"/.test(report.failed.get(name) ?? ""), name);
  }
  assertEquals(report.failed.size, 4);
});

Deno.test("kit: an adapter that puts a secret in a result fails, without printing it", async () => {
  const secret = `kit-secret-${crypto.randomUUID()}`;
  const definition = broken("kit-leaky", {
    ci: (real, context) => ({
      openReviewPr: async (day, paceDir, note) =>
        `${await real.openReviewPr(day, paceDir, note)}?token=${context.env.KIT_API_TOKEN}`,
    }),
  }, { env: ["KIT_API_TOKEN"] });
  const report = await runKit({
    definition,
    setup: () => ({ env: { KIT_API_TOKEN: secret }, secrets: [secret] }),
  });
  assertFailed(report, { "secrets never appear in logs, results or files": /a secret leaked/ });
  for (const message of report.failed.values()) assert(!message.includes(secret));
});

Deno.test("kit: a handoff that claims success without a recorded story fails", async () => {
  const definition = broken("kit-no-ticket", {
    tracker: () => ({ postHandoffComment: () => Promise.resolve(true) }),
  });
  assertFailed(await runKit({ definition }), {
    "tracker: without a recorded story, status and handoff do nothing":
      /postHandoffComment on day 14 resolves false/,
  });
});

Deno.test("kit: a method that answers a URL although its request failed fails", async () => {
  const definition = broken("kit-swallowing", {
    tracker: (real, context) => ({
      openEscalationIssue: async (day, dayDir, reason) => {
        try {
          await touch(context, `/issues?day=${day}`);
        } catch {
          // The defect under test: a refused request is ignored.
        }
        return await real.openEscalationIssue(day, dayDir, reason);
      },
    }),
  }, { env: ["KIT_SERVER_URL"] });
  assertFailed(await runKit({ definition, setup: serverFixture() }), {
    "guard: with every request refused, every method still resolves":
      /tracker\.openEscalationIssue with every request refused resolves ""/,
  });
});

Deno.test("kit: branching that would send invalid names never reaches its server (the guard refuses)", async () => {
  const definition = broken("kit-unchecked-branches", {
    branching: (real, context) => ({
      createBranch: async (branch, from) => {
        await touch(context, `/branches?name=${encodeURIComponent(branch)}`, "POST");
        return await real.createBranch(branch, from);
      },
    }),
  }, { env: ["KIT_SERVER_URL"] });
  // The guard checks branch names before any adapter code runs: even this adapter,
  // which posts whatever it is given, cannot send one, so the kit finds nothing to fail.
  const report = await runKit({ definition, setup: serverFixture() });
  assertFailed(report, {});
  assert(report.passed.includes("branching: invalid branch names are refused without a request"));
});

Deno.test("kit: a pull request opened again on every call fails", async () => {
  let opened = 0;
  const definition = broken("kit-duplicate-prs", {
    branching: (real) => ({
      createPullRequest: async (head, base, title, body, labels) =>
        `${await real.createPullRequest(head, base, title, body, labels)}#${++opened}`,
    }),
  });
  assertFailed(await runKit({ definition }), {
    "branching: a pull request is opened once": /re-run returns the open pull request/,
  });
});

Deno.test("kit: a platform that acts without its credentials fails", async () => {
  // No `missing`: the guard cannot know KIT_API_TOKEN is required, so the adapter runs.
  const definition = broken("kit-no-missing", {}, { env: ["KIT_API_TOKEN"] });
  assertFailed(
    await runKit({ definition, missingCredentials: { env: {}, mentions: "KIT_API_TOKEN" } }),
    {
      "without credentials: constructs, logs the variable, resolves empty":
        /ci\.openReviewPr without credentials resolves ""/,
    },
  );
});

// ---------------------------------------------------------------------------
// Through `deno test` itself: a broken platform fails its test file

Deno.test("kit: under deno test, a broken platform's contract test fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pace-kit-" });
  try {
    const file = join(dir, "broken_test.ts");
    const url = (path: string) => pathToFileURL(join(ROOT, path)).href;
    await Deno.writeTextFile(
      file,
      `import { testPlatformContract } from "${url("testing.ts")}";
import { localPlatform } from "${url("platforms/local.ts")}";
let n = 0;
const definition = {
  ...localPlatform,
  tracker: async (context) => {
    const real = await localPlatform.tracker(context);
    return new Proxy(real, {
      get: (target, key) => key === "openEscalationIssue"
        ? async () => "escalation-" + ++n
        : typeof target[key] === "function" ? target[key].bind(target) : target[key],
    });
  },
};
Deno.test("broken keeps the PACE contract", (t) => testPlatformContract(t, { definition }));
`,
    );
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "test",
        "--no-check",
        "--config",
        join(ROOT, "deno.json"),
        "--no-lock",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        file,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert(code !== 0, `deno test passed a broken platform:\n${output}`);
    assert(/tracker: the escalation is created once per day \.\.\. FAILED/.test(output), output);
    assert(/tracker: the story is pushed once and recorded \.\.\. ok/.test(output), output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
