/**
 * The contract test kit: checks that a platform keeps the behavioural
 * contract every PACE pipeline relies on. A platform author calls
 * {@linkcode testPlatformContract} from a `Deno.test` with their definition
 * and, for a remote platform, a fixture that starts a local server.
 *
 * @example Check a platform from your own test suite
 * ```ts ignore
 * import { testPlatformContract } from "@pace/platforms/testing";
 * import { myPlatform } from "./my_platform.ts";
 *
 * Deno.test("my platform keeps the PACE contract", async (t) => {
 *   await testPlatformContract(t, { definition: myPlatform });
 * });
 * ```
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { buildAdapter } from "./platforms/registry.ts";
import type {
  AdapterContext,
  CIAdapter,
  CiResult,
  Env,
  Logger,
  PlatformDefinition,
  TrackerAdapter,
} from "./platforms/types.ts";

/**
 * A logger that keeps every line, for assertions.
 *
 * @example
 * ```ts
 * import { captureLogger } from "@pace/platforms/testing";
 * const logger = captureLogger();
 * logger.info("hello");
 * console.log(logger.text()); // "info: hello"
 * ```
 */
export interface CapturingLogger extends Logger {
  /** Every line logged so far, as `level: text`. */
  readonly lines: string[];
  /** All lines joined with newlines. */
  text(): string;
}

/**
 * A {@linkcode Logger} that records lines instead of printing them.
 *
 * @example
 * ```ts
 * import { captureLogger } from "@pace/platforms/testing";
 * const logger = captureLogger();
 * logger.warn("[GitHub]", "slow");
 * console.log(logger.lines); // ["warn: [GitHub] slow"]
 * ```
 */
export function captureLogger(): CapturingLogger {
  const lines: string[] = [];
  const record = (level: string) => (...args: unknown[]) => {
    lines.push(
      `${level}: ${args.map((a) => typeof a === "string" ? a : JSON.stringify(a)).join(" ")}`,
    );
  };
  return {
    lines,
    text: () => lines.join("\n"),
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
}

/**
 * The days {@linkcode writeSamplePace} creates, and what each holds.
 *
 * @example
 * ```ts
 * import { SAMPLE_DAYS } from "@pace/platforms/testing";
 * console.log(SAMPLE_DAYS.held); // 3: the HOLD day of writeSamplePace
 * ```
 */
export const SAMPLE_DAYS = {
  /** SHIP day with a story, handoff and gate. */
  shipped: 1,
  /** SHIP day whose story is malformed YAML and whose gate file is binary. */
  damaged: 2,
  /** HOLD day: the gate names the blocker. */
  held: 3,
  /** A human-gate day with a story (review period 1–13 behind it). */
  gate: 14,
} as const;

/**
 * Write a sample `.pace/` under `repoRoot`: a few days of story, handoff and
 * gate files, one HOLD, one day with damaged files. Returns the `.pace` path.
 *
 * @example
 * ```ts
 * import { writeSamplePace } from "@pace/platforms/testing";
 * const root = await Deno.makeTempDir();
 * const paceDir = await writeSamplePace(root);
 * ```
 */
export async function writeSamplePace(repoRoot: string): Promise<string> {
  const paceDir = join(repoRoot, ".pace");
  const files: Record<string, string | Uint8Array> = {
    "day-1/story.md": "target: Sign-up form\nacceptance:\n  - a visitor can create an account\n" +
      "  - the form rejects a weak password\nout_of_scope:\n  - social login\n",
    "day-1/handoff.md":
      "commit: 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b\nsummary: |\n  Sign-up form with validation.\n" +
      "  Password rules follow the story.\nfiles:\n  - src/signup.ts\ndeferred: []\n",
    "day-1/gate.md": "gate_decision: SHIP\ndeferred:\n  - email verification\n",
    "day-2/story.md": "target: [broken\nacceptance: - nope\n",
    "day-2/gate.md": new Uint8Array([0, 159, 146, 150, 255, 0, 1]),
    "day-2/handoff.md": "",
    "day-3/story.md":
      "---\ntarget: Password reset\nacceptance:\n  - a reset link is mailed\n---\n" +
      "Notes for the day.\n",
    "day-3/handoff.md": "commit: 0badc0de\nsummary: Reset flow, mail stubbed.\n",
    "day-3/gate.md":
      "gate_decision: HOLD\nhold_reason: Integration tests fail on the reset mail\n" +
      "deferred:\n  - rate limiting\n",
    "day-3/sentinel.md": "hold_reason: Token printed in debug log\n",
    "day-14/story.md": "target: Review gate\nacceptance:\n  - humans review days 1-13\n",
  };
  for (const [name, content] of Object.entries(files)) {
    const path = join(paceDir, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
  for (let day = 4; day < 14; day++) {
    await Deno.mkdir(join(paceDir, `day-${day}`), { recursive: true });
    await Deno.writeTextFile(join(paceDir, `day-${day}`, "gate.md"), "gate_decision: SHIP\n");
  }
  return paceDir;
}

/**
 * What a remote platform's test server gives the kit.
 *
 * @example
 * ```ts
 * import type { ContractFixture } from "@pace/platforms/testing";
 * const fixture: ContractFixture = { env: { ACME_URL: "http://127.0.0.1:8080" }, secrets: ["t0ken"] };
 * ```
 */
export interface ContractFixture {
  /** Environment for the adapter: base URL of the local server, credentials. */
  env?: Env;
  /** Base fetch, when the server needs a special one. */
  fetch?: typeof fetch;
  /** How many requests the server has received; enables "no request" checks. */
  requestCount?: () => number;
  /** Values that must never appear in logs, results or files. */
  secrets?: string[];
  /** Make `openReviewPr(day)` possible (e.g. create the `pace/review-day-N` branch). */
  prepareReview?: (day: number) => void | Promise<void>;
  /** Stop the server. */
  close?: () => void | Promise<void>;
}

/**
 * Options of {@linkcode testPlatformContract}.
 *
 * @example
 * ```ts
 * import { localPlatform } from "@pace/platforms";
 * import type { ContractOptions } from "@pace/platforms/testing";
 * const options: ContractOptions = { definition: localPlatform };
 * ```
 */
export interface ContractOptions {
  /** The platform under test, as it would be registered. */
  definition: PlatformDefinition;
  /** Start a server (or nothing, for a file-only platform). Called once. */
  setup?: () => ContractFixture | Promise<ContractFixture>;
  /** An environment missing a required variable, and the name the log must mention. */
  missingCredentials?: { env: Env; mentions: string };
}

const CONCLUSIONS = ["success", "failure", "cancelled", "no_runs", "timeout"];
const BAD_SHAS = [
  "",
  "xyz",
  "abc12",
  "g".repeat(40),
  "a".repeat(41),
  "../../etc/passwd",
  "1234567 ",
];

function assertCiResult(result: CiResult, sha: string): void {
  assert.ok(CONCLUSIONS.includes(result.conclusion), `unknown conclusion ${result.conclusion}`);
  assert.equal(typeof result.url, "string");
  assert.equal(typeof result.name, "string");
  assert.equal(result.sha, sha, "the SHA asked for is echoed");
  if (result.error !== undefined) assert.equal(typeof result.error, "string");
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

/**
 * Run the behavioural contract against a platform, as `t.step`s: methods
 * never reject, results have the contract's shape, invalid SHAs are refused
 * without a request, aborts resolve `cancelled`, empty advisories create
 * nothing, creates are idempotent per day, kind and agent, missing artifacts
 * and damaged files do not crash, secrets never leak.
 *
 * @example
 * ```ts ignore
 * import { localPlatform } from "@pace/platforms";
 * import { testPlatformContract } from "@pace/platforms/testing";
 * Deno.test("local keeps the contract", (t) => testPlatformContract(t, { definition: localPlatform }));
 * ```
 */
export async function testPlatformContract(
  t: Deno.TestContext,
  options: ContractOptions,
): Promise<void> {
  const { definition } = options;
  const repoRoot = await Deno.makeTempDir({ prefix: `pace-contract-${definition.name}-` });
  const paceDir = await writeSamplePace(repoRoot);
  const fixture = await options.setup?.() ?? {};
  const logger = captureLogger();
  const results: unknown[] = [];
  const requests = () => fixture.requestCount?.() ?? 0;
  const context = (env: Env = {}): AdapterContext => ({
    env: { ...fixture.env, PACE_CONTRACT_VAR: "from-env", ...env },
    repoRoot,
    fetch: fixture.fetch,
    logger,
  });
  const build = <S extends "ci" | "tracker">(side: S, env?: Env) =>
    definition[side] ? buildAdapter(definition, side, context(env)) : undefined;
  const dayDir = (day: number) => join(paceDir, `day-${day}`);
  const keep = <T>(value: T): T => {
    results.push(value);
    return value;
  };

  try {
    const ci = build("ci") as CIAdapter | undefined;
    const tracker = build("tracker") as TrackerAdapter | undefined;

    if (ci) {
      await t.step("ci: platform name is set", () => {
        assert.equal(ci.platform, definition.name);
      });

      await t.step("ci: an invalid SHA ends at once with no_runs, without a request", async () => {
        for (const sha of BAD_SHAS) {
          const before = requests();
          const result: CiResult = keep(await ci.waitForCommitCi(sha, { timeoutMinutes: 0.05 }));
          assertCiResult(result, sha);
          assert.equal(result.conclusion, "no_runs", `SHA ${JSON.stringify(sha)}`);
          assert.ok(result.error, `an error explains why ${JSON.stringify(sha)} was refused`);
          assert.equal(requests(), before, `no request for SHA ${JSON.stringify(sha)}`);
        }
      });

      await t.step("ci: an aborted wait resolves cancelled", async () => {
        const sha = "0123456789abcdef0123456789abcdef01234567";
        const controller = new AbortController();
        controller.abort();
        const result: CiResult = keep(
          await ci.waitForCommitCi(sha, { signal: controller.signal, timeoutMinutes: 1 }),
        );
        assertCiResult(result, sha);
        // Local has nothing to wait for and may answer before it looks at the signal.
        assert.ok(["cancelled", "no_runs"].includes(result.conclusion), result.conclusion);
      });

      await t.step("ci: a short wait resolves with a contract-shaped result", async () => {
        const sha = "fedcba9876543210fedcba9876543210fedcba98";
        const progress: number[] = [];
        const result: CiResult = keep(
          await ci.waitForCommitCi(sha, {
            timeoutMinutes: 0.003,
            pollIntervalSeconds: 0.02,
            onProgress: (p) => progress.push(p.polls),
          }),
        );
        assertCiResult(result, sha);
        for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1]);
      });

      await t.step("ci: the review PR is created once and found on a re-run", async () => {
        await fixture.prepareReview?.(SAMPLE_DAYS.gate);
        const first = keep(await ci.openReviewPr(SAMPLE_DAYS.gate, paceDir, "contract note"));
        assert.equal(typeof first, "string");
        assert.notEqual(first, "", "openReviewPr returns a URL or path");
        const second = keep(await ci.openReviewPr(SAMPLE_DAYS.gate, paceDir));
        assert.equal(second, first, "a re-run returns the existing review PR");
      });

      await t.step("ci: the daily summary is one log line", async () => {
        const before = requests();
        await ci.postDailySummary(SAMPLE_DAYS.held, { gate_decision: "HOLD" });
        await ci.postDailySummary(SAMPLE_DAYS.shipped, { gate_decision: "SHIP" });
        await ci.postDailySummary(9, {});
        const text = logger.text();
        assert.ok(text.includes(`Day ${SAMPLE_DAYS.held} summary: \u{1F534} HOLD`));
        assert.ok(text.includes(`Day ${SAMPLE_DAYS.shipped} summary: \u2705 SHIP`));
        assert.ok(text.includes("Day 9 summary: \u{1F534} UNKNOWN"));
        assert.equal(requests(), before, "the daily summary makes no API call");
      });

      await t.step("ci: variables come from the environment first", async () => {
        assert.equal(await ci.getVariable("PACE_CONTRACT_VAR"), "from-env");
        const set = keep(await ci.setVariable("PACE_CONTRACT_SET", "value-1"));
        assert.equal(typeof set, "boolean");
        if (set) assert.equal(await ci.getVariable("PACE_CONTRACT_SET"), "value-1");
      });

      await t.step("ci: the job summary resolves", async () => {
        await ci.writeJobSummary("# PACE\n\nDay 3 held.\n");
      });
    }

    if (tracker) {
      await t.step("tracker: platform name is set", () => {
        assert.equal(tracker.platform, definition.name);
      });

      await t.step("tracker: an empty advisory list creates nothing", async () => {
        const before = requests();
        assert.equal(await tracker.pushAdvisoryItems(SAMPLE_DAYS.held, [], "SENTINEL"), "");
        assert.equal(requests(), before, "no request for an empty list");
      });

      await t.step("tracker: the escalation is created once per day", async () => {
        const first = keep(await tracker.openEscalationIssue(SAMPLE_DAYS.held, dayDir(3)));
        assert.notEqual(first, "", "openEscalationIssue returns a URL or path");
        const again = keep(await tracker.openEscalationIssue(SAMPLE_DAYS.held, dayDir(3), "x"));
        assert.equal(again, first, "a re-run returns the existing escalation");
      });

      await t.step("tracker: damaged or missing artifacts do not stop an escalation", async () => {
        const damaged = keep(await tracker.openEscalationIssue(SAMPLE_DAYS.damaged, dayDir(2)));
        assert.notEqual(damaged, "");
        const missing = keep(await tracker.openEscalationIssue(30, dayDir(30)));
        assert.notEqual(missing, "");
        assert.notEqual(missing, damaged);
      });

      await t.step("tracker: advisories are one item per day and agent", async () => {
        const items = [{ id: "S-1", finding: "Token printed in debug log" }];
        const sentinel = keep(await tracker.pushAdvisoryItems(3, items, "SENTINEL"));
        assert.notEqual(sentinel, "");
        assert.equal(keep(await tracker.pushAdvisoryItems(3, items, "SENTINEL")), sentinel);
        const conduit = keep(await tracker.pushAdvisoryItems(3, items, "CONDUIT"));
        assert.notEqual(conduit, "");
        assert.notEqual(conduit, sentinel, "another agent's findings are another item");
      });

      await t.step("tracker: the story is pushed once and recorded", async () => {
        const first = keep(await tracker.pushStory(SAMPLE_DAYS.shipped, dayDir(1)));
        assert.notEqual(first, "");
        const ref = await Deno.readTextFile(join(dayDir(1), "story-ticket.yaml"));
        assert.ok(ref.includes(first), "story-ticket.yaml records the URL");
        assert.equal(keep(await tracker.pushStory(SAMPLE_DAYS.shipped, dayDir(1))), first);
        assert.equal(await tracker.pushStory(40, dayDir(40)), "", "no story.md: nothing created");
      });

      await t.step("tracker: status changes, handoff and plan issues resolve", async () => {
        await tracker.updateStoryStatus(1, dayDir(1), "done");
        await tracker.updateStoryStatus(1, dayDir(1), "in_progress");
        await tracker.updateStoryStatus(40, dayDir(40), "done");
        await tracker.postHandoffComment(1, dayDir(1));
        await tracker.postHandoffComment(40, dayDir(40));
        await tracker.closePlanIssue(987654);
      });

      await t.step("tracker: a damaged story card does not crash", async () => {
        const result = keep(await tracker.pushStory(SAMPLE_DAYS.damaged, dayDir(2)));
        assert.equal(typeof result, "string");
      });
    }

    if (options.missingCredentials) {
      const { env, mentions } = options.missingCredentials;
      await t.step(
        "without credentials: constructs, logs the variable, returns empty",
        async () => {
          const lines = logger.lines.length;
          const before = requests();
          const bareContext = { ...context(), env: { PACE_CONTRACT_VAR: "from-env", ...env } };
          const bareCi = definition.ci ? buildAdapter(definition, "ci", bareContext) : undefined;
          const bareTracker = definition.tracker
            ? buildAdapter(definition, "tracker", bareContext)
            : undefined;
          if (bareCi) {
            const result = await bareCi.waitForCommitCi(
              "0123456789abcdef0123456789abcdef01234567",
              {
                timeoutMinutes: 0.01,
                pollIntervalSeconds: 0.01,
              },
            );
            assert.equal(result.conclusion, "no_runs");
            assert.equal(await bareCi.openReviewPr(SAMPLE_DAYS.gate, paceDir), "");
            assert.equal(await bareCi.setVariable("X_VAR", "1"), false);
          }
          if (bareTracker) {
            assert.equal(await bareTracker.openEscalationIssue(3, dayDir(3)), "");
            assert.equal(
              await bareTracker.pushAdvisoryItems(3, [{ id: "A", finding: "b" }], "SENTINEL"),
              "",
            );
            assert.equal(await bareTracker.pushStory(1, dayDir(1)), "");
          }
          assert.equal(requests(), before, "no request without credentials");
          assert.ok(
            logger.lines.slice(lines).some((line) => line.includes(mentions)),
            `the log names ${mentions}`,
          );
        },
      );
    }

    if (fixture.secrets?.length) {
      await t.step("secrets never appear in logs, results or files", async () => {
        const haystacks = [logger.text(), JSON.stringify(results)];
        for (const file of await filesUnder(repoRoot)) {
          haystacks.push(new TextDecoder().decode(await Deno.readFile(file)));
        }
        for (const secret of fixture.secrets!) {
          for (const text of haystacks) assert.ok(!text.includes(secret), "a secret leaked");
        }
      });
    }
  } finally {
    await fixture.close?.();
    await Deno.remove(repoRoot, { recursive: true });
  }
}
