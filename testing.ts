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

import { join } from "./platforms/_core/paths.ts";
import { branchingSteps } from "./platforms/_contract/branching_steps.ts";
import { assertNoSecret } from "./platforms/_contract/checks.ts";
import { ciSteps } from "./platforms/_contract/ci_steps.ts";
import { guardSteps } from "./platforms/_contract/guard_steps.ts";
import { createRun, filesUnder, type KitRun, type Step } from "./platforms/_contract/run.ts";
import { trackerSteps } from "./platforms/_contract/tracker_steps.ts";
import type { Env, Logger, PlatformDefinition } from "./platforms/types.ts";

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
  /**
   * How many requests the server has received. The kit counts the requests
   * the adapters send through its fetch itself; this adds what the server saw.
   */
  requestCount?: () => number;
  /** Values that must never appear in logs, results or files. */
  secrets?: string[];
  /** Make `openReviewPr(day)` possible (e.g. create the `pace/review-day-N` branch). */
  prepareReview?: (day: number) => void | Promise<void>;
  /** Make the branching steps possible (e.g. create `main` on the server). */
  prepareBranches?: () => void | Promise<void>;
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

/**
 * Run the behavioural contract against a platform, as `t.step`s, building
 * every adapter through the same guard as the package's factory.
 *
 * - CI: invalid SHAs are refused without a request, waits resolve a
 *   contract-shaped result (`cancelled` when aborted), the review PR is
 *   created once, the daily summary is a log line resolving `true`,
 *   variables come from the environment first.
 * - Tracker: creates are idempotent per day, kind and agent (a re-run writes
 *   nothing), damaged or missing artifacts do not crash, the pushed story
 *   moves and takes its handoff comment once (`true`), and without a
 *   recorded story both resolve `false` and do nothing.
 * - Branching (when the definition has it): invalid branch names are refused
 *   without a request, the hierarchy is built once, a pull request is opened
 *   once.
 * - The guard: with every request refused each method resolves (empty when
 *   it needed the network), impossible days are refused before the adapter
 *   runs, a secret quoted in an adapter's error is masked, and without
 *   credentials nothing is sent.
 * - The fixture's `secrets` never appear in logs, results or files.
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
  const step: Step = (name, fn) => t.step(name, fn);
  const roots: string[] = [];
  const sample = async (kind: string) => {
    const root = await Deno.makeTempDir({ prefix: `pace-contract-${definition.name}-${kind}-` });
    roots.push(root);
    return { root, paceDir: await writeSamplePace(root) };
  };
  let fixture: ContractFixture = {};
  try {
    fixture = await options.setup?.() ?? {};
    const main = await sample("main");
    const run = createRun({
      definition,
      repoRoot: main.root,
      paceDir: main.paceDir,
      logger: captureLogger(),
      env: fixture.env,
      fetch: fixture.fetch,
      serverRequests: fixture.requestCount,
      secrets: fixture.secrets,
      prepareReview: fixture.prepareReview,
      prepareBranches: fixture.prepareBranches,
    });
    const ci = run.build("ci");
    if (ci) await ciSteps(run, step, ci);
    const tracker = run.build("tracker");
    if (tracker) await trackerSteps(run, step, tracker);
    const branching = run.build("branching");
    if (branching) await branchingSteps(run, step, branching);
    // A fresh .pace/: nothing the steps above recorded can stand in for a request.
    const failing = await sample("failing");
    await guardSteps(run.fork(failing.root, failing.paceDir), step, options.missingCredentials);
    if (fixture.secrets?.length) await secretStep(run, step, roots);
  } finally {
    await fixture.close?.();
    for (const root of roots) await Deno.remove(root, { recursive: true });
  }
}

async function secretStep(run: KitRun, step: Step, roots: string[]): Promise<void> {
  await step("secrets never appear in logs, results or files", async () => {
    const haystacks = [run.logger.text(), JSON.stringify(run.results)];
    for (const root of roots) {
      for (const file of await filesUnder(root)) {
        haystacks.push(new TextDecoder().decode(await Deno.readFile(file)));
      }
    }
    assertNoSecret(haystacks, run.secrets ?? []);
  });
}
