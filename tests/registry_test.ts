import { join } from "node:path";
import {
  BaseCIAdapter,
  BaseTrackerAdapter,
  ConfigError,
  getCIAdapter,
  getTrackerAdapter,
  listPlatforms,
  loadConfig,
  parseConfig,
  permissionFlags,
  registerPlatform,
  requiredPermissions,
} from "../mod.ts";
import type {
  AdvisoryItem,
  CIAdapter,
  CiResult,
  Env,
  PlatformDefinition,
  ResolvedContext,
  StoryStatus,
  TrackerAdapter,
  WaitOptions,
} from "../mod.ts";
import { type CliIo, main } from "../cli.ts";
import { captureLogger, writeSamplePace } from "../testing.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "./_assert.ts";

// ---------------------------------------------------------------------------
// registerPlatform validation

const noop = () => [] as string[];
const someTracker = (context: ResolvedContext): TrackerAdapter =>
  new (class extends BaseTrackerAdapter {
    readonly platform = "x";
    openEscalationIssue() {
      return Promise.resolve("");
    }
    pushAdvisoryItems() {
      return Promise.resolve("");
    }
    pushStory() {
      return Promise.resolve("");
    }
    updateStoryStatus() {
      return Promise.resolve(true);
    }
    postHandoffComment() {
      return Promise.resolve(true);
    }
  })(context);

Deno.test("registerPlatform: a malformed definition is a TypeError and is not registered", () => {
  const names = () => listPlatforms().map((p) => p.name);
  const before = names();
  for (const name of ["", "Acme", "1acme", "acme corp", "acme/x", "-acme", "a".repeat(41)]) {
    const error = assertThrows(
      () => registerPlatform({ name, env: [], hosts: noop, tracker: someTracker }),
      TypeError,
      "invalid name",
    );
    assertStringIncludes(error.message, JSON.stringify(name));
  }
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => registerPlatform({ env: [], hosts: noop, tracker: someTracker } as any),
    TypeError,
    "invalid name",
  );
  assertThrows(
    () => registerPlatform({ name: "reg-no-factory", env: [], hosts: noop }),
    TypeError,
    "has no ci, tracker or branching factory",
  );
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => registerPlatform({ name: "reg-no-env", hosts: noop, tracker: someTracker } as any),
    TypeError,
    "needs an env list and a hosts(env) function",
  );
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => registerPlatform({ name: "reg-no-hosts", env: [], tracker: someTracker } as any),
    TypeError,
    "hosts(env)",
  );
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => registerPlatform({ name: "reg-env-string", env: "X", hosts: noop } as any),
    TypeError,
  );
  // deno-lint-ignore no-explicit-any
  assertThrows(() => registerPlatform(null as any), TypeError, "definition object");
  assertEquals(names(), before, "nothing was registered");
});

Deno.test("registerPlatform: a name can be taken once; re-registering the same object is fine", () => {
  const definition: PlatformDefinition = {
    name: "reg-once",
    env: [],
    hosts: noop,
    tracker: someTracker,
  };
  registerPlatform(definition);
  registerPlatform(definition);
  assertThrows(
    () => registerPlatform({ ...definition }),
    TypeError,
    'a platform named "reg-once" is already registered',
  );
  assertThrows(
    () => registerPlatform({ name: "local", env: [], hosts: noop, tracker: someTracker }),
    TypeError,
    '"local" is already registered',
  );
  assertEquals(listPlatforms().filter((p) => p.name === "reg-once").length, 1);
});

Deno.test("listPlatforms: built-ins first and flagged; a user platform appears", () => {
  registerPlatform({
    name: "reg-listed",
    env: ["REG_LISTED_TOKEN"],
    hosts: noop,
    tracker: someTracker,
  });
  const platforms = listPlatforms();
  const local = platforms.find((p) => p.name === "local");
  assertEquals(local, {
    name: "local",
    title: "Local",
    ci: true,
    tracker: true,
    branching: true,
    env: [],
    builtin: true,
  });
  assertEquals(platforms[0].name, "local", "built-ins come first");
  const github = platforms.find((p) => p.name === "github");
  if (github) {
    assertEquals(github.builtin, true);
    assertEquals(github.title, "GitHub");
    assert(github.env.includes("GITHUB_TOKEN"));
  }
  const user = platforms.find((p) => p.name === "reg-listed");
  assertEquals(user, {
    name: "reg-listed",
    title: "reg-listed",
    ci: false,
    tracker: true,
    branching: false,
    env: ["REG_LISTED_TOKEN"],
    builtin: false,
  });
  const lastBuiltin = platforms.findLastIndex((p) => p.builtin);
  const firstUser = platforms.findIndex((p) => !p.builtin);
  assert(lastBuiltin < firstUser, "every built-in precedes every user platform");
  // The list is a copy: changing it changes nothing.
  user!.env.push("OTHER");
  assertEquals(listPlatforms().find((p) => p.name === "reg-listed")!.env, ["REG_LISTED_TOKEN"]);
});

Deno.test("getCIAdapter/getTrackerAdapter: unknown names are a ConfigError with the choices", () => {
  const ci = assertThrows(() => getCIAdapter("githbu"), ConfigError, '"githbu"');
  assertStringIncludes(ci.message, 'did you mean "github"?');
  assertStringIncludes(ci.message, "valid: local");
  const tracker = assertThrows(
    () => getTrackerAdapter({ platform: { ci: "local", tracker: "locl" } }),
    ConfigError,
    'did you mean "local"?',
  );
  assertStringIncludes(tracker.message, "valid: local");
  assertThrows(() => getTrackerAdapter("nothing-like-it"), ConfigError, "valid: ");
  // A tracker-only platform cannot serve as CI, and the other way round.
  registerPlatform({ name: "reg-tracker-only", env: [], hosts: noop, tracker: someTracker });
  const wrongSide = assertThrows(() => getCIAdapter("reg-tracker-only"), ConfigError);
  assertStringIncludes(wrongSide.message, "tracker-only");
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => getCIAdapter({} as any),
    ConfigError,
    "platform.ci",
  );
});

// ---------------------------------------------------------------------------
// The never-reject guard

const GUARD_TOKEN = "guard-secret-0123456789";

function throwing(kind: "throw" | "reject" | "string", name: string): () => never {
  const message = `${name} exploded with ${GUARD_TOKEN}`;
  if (kind === "throw") {
    return () => {
      throw new Error(message);
    };
  }
  if (kind === "string") {
    return () => {
      throw message;
    };
  }
  return (() => Promise.reject(new Error(message))) as () => never;
}

const calls: string[] = [];

const guardPlatforms = new Map<string, PlatformDefinition>();

/** The guard test platform for `kind`, registered once. */
function guardPlatform(kind: "throw" | "reject" | "string"): PlatformDefinition {
  let definition = guardPlatforms.get(kind);
  if (!definition) {
    definition = makeGuardPlatform(kind);
    registerPlatform(definition);
    guardPlatforms.set(kind, definition);
  }
  return definition;
}

function makeGuardPlatform(kind: "throw" | "reject" | "string"): PlatformDefinition {
  const name = `reg-guard-${kind}`;
  const fail = (method: string) => {
    const f = throwing(kind, method);
    return () => {
      calls.push(method);
      return f();
    };
  };
  return {
    name,
    title: `Guard ${kind}`,
    env: ["GUARD_TOKEN"],
    hosts: noop,
    ci: () => {
      // The adapter registers no secret: the guard masks GUARD_TOKEN by its name.
      return {
        platform: name,
        openReviewPr: fail("openReviewPr"),
        waitForCommitCi: fail("waitForCommitCi"),
        postDailySummary: fail("postDailySummary"),
        writeJobSummary: fail("writeJobSummary"),
        setVariable: fail("setVariable"),
        getVariable: fail("getVariable"),
      } as CIAdapter;
    },
    tracker: async () => {
      // Built asynchronously, as a platform whose code loads on first use.
      await Promise.resolve();
      return {
        platform: name,
        openEscalationIssue: fail("openEscalationIssue"),
        pushAdvisoryItems: fail("pushAdvisoryItems"),
        pushStory: fail("pushStory"),
        updateStoryStatus: fail("updateStoryStatus"),
        closePlanIssue: fail("closePlanIssue"),
        postHandoffComment: fail("postHandoffComment"),
      } as TrackerAdapter;
    },
  };
}

for (const kind of ["throw", "reject", "string"] as const) {
  Deno.test(`never-reject guard: methods that ${kind} resolve with their fallbacks`, async () => {
    const definition = guardPlatform(kind);
    const logger = captureLogger();
    const context = { env: { GUARD_TOKEN }, logger, repoRoot: "." };
    const ci = getCIAdapter(definition.name, context);
    const tracker = getTrackerAdapter(definition.name, context);
    calls.length = 0;

    assertEquals(ci.platform, definition.name, "plain members pass through");
    assertEquals(await ci.openReviewPr(14, ".pace"), "");
    const result: CiResult = await ci.waitForCommitCi("abc1234", { timeoutMinutes: 0.01 });
    assertEquals(result.conclusion, "no_runs");
    assertEquals(result.url, "");
    assertEquals(result.name, "");
    assertEquals(result.sha, "abc1234");
    assertStringIncludes(result.error ?? "", "waitForCommitCi exploded with ***");
    assertEquals(await ci.postDailySummary(3, { gate_decision: "HOLD" }), false);
    assertEquals(await ci.writeJobSummary("# x"), false);
    assertEquals(await ci.setVariable("A", "1"), false);
    assertEquals(await ci.getVariable("A"), undefined);

    assertEquals(tracker.platform, definition.name);
    assertEquals(await tracker.openEscalationIssue(3, ".pace/day-3"), "");
    assertEquals(await tracker.pushAdvisoryItems(3, [{ id: "a", finding: "b" }], "SENTINEL"), "");
    assertEquals(await tracker.pushStory(1, ".pace/day-1"), "");
    assertEquals(await tracker.updateStoryStatus(1, ".pace/day-1", "done"), false);
    assertEquals(await tracker.closePlanIssue(7), false);
    assertEquals(await tracker.postHandoffComment(1, ".pace/day-1"), false);

    assertEquals(calls.length, 12, "every method was really called");
    const text = logger.text();
    assert(!text.includes(GUARD_TOKEN), "the secret never reaches the log");
    for (const method of calls) {
      assert(
        logger.lines.includes(
          `error: [Guard ${kind}] ${method} failed: ${method} exploded with ***`,
        ),
        `${method} is logged with the platform prefix:\n${text}`,
      );
    }
  });
}

Deno.test("never-reject guard: an impossible day is refused before the adapter is called", async () => {
  const definition = guardPlatform("reject");
  const logger = captureLogger();
  const ci = getCIAdapter(definition.name, { env: {}, logger });
  const tracker = getTrackerAdapter(definition.name, { env: {}, logger });
  calls.length = 0;
  assertEquals(await ci.openReviewPr(0, ".pace"), "");
  assertEquals(await tracker.openEscalationIssue(-2, "x"), "");
  assertEquals(await tracker.pushStory(1.5, "x"), "");
  // deno-lint-ignore no-explicit-any
  assertEquals(await tracker.pushAdvisoryItems("3" as any, [], "X"), "");
  assertEquals(calls, [], "the adapter was never called");
  assertMatch(logger.text(), /\[Guard reject\] openReviewPr: day must be a whole number from 1/);
});

Deno.test("never-reject guard: a day beyond 100000 is refused (no day-1e+23 paths)", async () => {
  const definition = guardPlatform("reject");
  const tracker = getTrackerAdapter(definition.name, { env: {}, logger: captureLogger() });
  calls.length = 0;
  assertEquals(await tracker.pushStory(1e23, "x"), "");
  assertEquals(await tracker.postHandoffComment(100_001, "x"), false);
  assertEquals(calls, []);
});

Deno.test("never-reject guard: missing settings answer every call empty, without calling", async () => {
  const base = guardPlatform("throw");
  const definition = {
    ...base,
    name: "guard-missing",
    missing: (env: Record<string, string | undefined>) =>
      env.GUARD_TOKEN ? [] : ["GUARD_TOKEN", "GUARD_URL must be an http(s) URL"],
  };
  registerPlatform(definition);
  const logger = captureLogger();
  const ci = getCIAdapter("guard-missing", { env: { KEEP: "x" }, logger });
  calls.length = 0;
  const result = await ci.waitForCommitCi("abc1234");
  assertEquals(result.conclusion, "no_runs");
  assertStringIncludes(result.error ?? "", "GUARD_TOKEN is not set");
  assertEquals(await ci.setVariable("A", "1"), false);
  assertEquals(await ci.postDailySummary(2, {}), false, "the adapter's own method still runs");
  assertEquals(calls, ["postDailySummary"], "only what needs no credentials is called");
  assertStringIncludes(logger.text(), "GUARD_TOKEN is not set; GUARD_URL must be");
});

Deno.test("never-reject guard: a registered adapter resolving undefined from a boolean method took effect", async () => {
  registerPlatform({
    name: "guard-void",
    env: [],
    hosts: () => [],
    tracker: () => ({
      platform: "guard-void",
      openEscalationIssue: () => Promise.resolve("u"),
      pushAdvisoryItems: () => Promise.resolve(""),
      pushStory: () => Promise.resolve(""),
      // deno-lint-ignore no-explicit-any
      updateStoryStatus: () => Promise.resolve(undefined as any),
      closePlanIssue: () => Promise.resolve(false),
      // deno-lint-ignore no-explicit-any
      postHandoffComment: () => Promise.resolve("yes" as any),
    }),
  });
  const tracker = getTrackerAdapter("guard-void", { env: {}, logger: captureLogger() });
  assertEquals(await tracker.updateStoryStatus(1, "x", "done"), true);
  assertEquals(await tracker.closePlanIssue(1), false);
  assertEquals(
    await tracker.postHandoffComment(1, "x"),
    false,
    "only true or undefined is success",
  );
});

// ---------------------------------------------------------------------------
// A third-party platform through config, factory, permissions and the CLI

interface AcmeCall {
  method: string;
  args: unknown[];
}

const acmeCalls: AcmeCall[] = [];

class AcmeCI extends BaseCIAdapter {
  readonly platform = "acme";
  #url: string;
  constructor(context: ResolvedContext) {
    super(context);
    this.#url = context.env.ACME_URL ?? "";
    context.secrets.add(context.env.ACME_TOKEN);
  }
  openReviewPr(day: number, paceDir: string): Promise<string> {
    acmeCalls.push({ method: "openReviewPr", args: [day, paceDir] });
    return Promise.resolve(`${this.#url}/reviews/${day}`);
  }
  waitForCommitCi(sha: string, _options?: WaitOptions): Promise<CiResult> {
    acmeCalls.push({ method: "waitForCommitCi", args: [sha] });
    return Promise.resolve({
      conclusion: "success",
      url: `${this.#url}/builds/1`,
      name: "acme-build",
      sha,
    });
  }
}

class AcmeTracker extends BaseTrackerAdapter {
  readonly platform = "acme";
  #url: string;
  constructor(context: ResolvedContext) {
    super(context);
    this.#url = context.env.ACME_URL ?? "";
    context.secrets.add(context.env.ACME_TOKEN);
  }
  openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string> {
    acmeCalls.push({ method: "openEscalationIssue", args: [day, dayDir, holdReason] });
    this.logger.info(`escalating day ${day} with ${this.env.ACME_TOKEN}`);
    return Promise.resolve(`${this.#url}/issues/hold-${day}`);
  }
  pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string> {
    acmeCalls.push({ method: "pushAdvisoryItems", args: [day, items, agent] });
    return Promise.resolve(items.length ? `${this.#url}/issues/adv-${day}` : "");
  }
  pushStory(day: number, dayDir: string): Promise<string> {
    acmeCalls.push({ method: "pushStory", args: [day, dayDir] });
    return Promise.resolve(`${this.#url}/issues/story-${day}`);
  }
  updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<boolean> {
    acmeCalls.push({ method: "updateStoryStatus", args: [day, dayDir, status] });
    return Promise.resolve(true);
  }
  postHandoffComment(day: number, dayDir: string): Promise<boolean> {
    acmeCalls.push({ method: "postHandoffComment", args: [day, dayDir] });
    return Promise.resolve(true);
  }
}

const acme: PlatformDefinition = {
  name: "acme",
  title: "Acme",
  env: ["ACME_TOKEN", "ACME_URL"],
  secretEnv: ["ACME_TOKEN"],
  hosts: (env: Env) => env.ACME_URL ? [new URL(env.ACME_URL).host] : [],
  missing: (env: Env) => ["ACME_TOKEN", "ACME_URL"].filter((name) => !env[name]),
  ci: (context) => new AcmeCI(context),
  tracker: (context) => new AcmeTracker(context),
};
registerPlatform(acme);

const ACME_ENV = {
  ACME_TOKEN: "acme-token-abcdef123456",
  ACME_URL: "https://acme.example.com:8443/tracker",
};

function captureIo(env: Env, cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    env,
    cwd,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    signal: new AbortController().signal,
  };
}

Deno.test("a platform registered from outside works through config, factory, permissions and CLI", async () => {
  const root = await Deno.makeTempDir({ prefix: "pace-acme-" });
  try {
    const paceDir = await writeSamplePace(root);
    const configPath = join(root, "pace.config.yaml");
    await Deno.writeTextFile(configPath, "platform:\n  ci: Acme\n  tracker: acme\n");
    acmeCalls.length = 0;

    // Config: the name validates (case-insensitively) like a built-in's.
    assertEquals(parseConfig("platform:\n  type: ACME\n").platform, {
      ci: "acme",
      tracker: "acme",
    });
    const config = await loadConfig(configPath, { env: {} });
    assertEquals(config.platform, { ci: "acme", tracker: "acme" });
    assertStringIncludes(
      assertThrows(() => parseConfig("platform:\n  ci: acmee\n"), ConfigError).message,
      'did you mean "acme"?',
    );

    // Factory: both sides work, and the log is prefixed and redacted.
    const logger = captureLogger();
    const ci = getCIAdapter(config, { env: ACME_ENV, repoRoot: root, logger });
    const tracker = getTrackerAdapter(config, { env: ACME_ENV, repoRoot: root, logger });
    assertEquals(ci.platform, "acme");
    assertEquals(
      await ci.openReviewPr(14, paceDir),
      "https://acme.example.com:8443/tracker/reviews/14",
    );
    assertEquals((await ci.waitForCommitCi("abc1234")).conclusion, "success");
    assertEquals(
      await tracker.openEscalationIssue(3, join(paceDir, "day-3")),
      "https://acme.example.com:8443/tracker/issues/hold-3",
    );
    assert(logger.lines.includes("info: [Acme] escalating day 3 with ***"), logger.text());
    assert(!logger.text().includes(ACME_ENV.ACME_TOKEN));

    // Permissions: its host with the non-default port, its variables.
    const perms = requiredPermissions(config, { env: ACME_ENV });
    assertEquals(perms.net, ["acme.example.com:8443"]);
    assert(perms.env.includes("ACME_TOKEN") && perms.env.includes("ACME_URL"), perms.env.join());
    assertStringIncludes(permissionFlags(perms), "--allow-net=acme.example.com:8443 ");
    assertStringIncludes(permissionFlags(perms), "ACME_TOKEN,ACME_URL");

    // CLI: the same module instance sees the registration.
    const io = captureIo(ACME_ENV, root);
    const code = await main(["tracker", "escalate", "--day", "3", "--config", configPath], io);
    assertEquals(code, 0, io.err.join("\n"));
    assertEquals(io.out, ["https://acme.example.com:8443/tracker/issues/hold-3"]);
    assertEquals(acmeCalls.at(-1), {
      method: "openEscalationIssue",
      args: [3, join(root, ".pace", "day-3"), undefined],
    });
    assert(!io.err.join("\n").includes(ACME_ENV.ACME_TOKEN), "the CLI log is redacted too");

    const wait = captureIo(ACME_ENV, root);
    assertEquals(await main(["ci", "wait", "abc1234", "--json", "--config", configPath], wait), 0);
    assertEquals(JSON.parse(wait.out.join("")), {
      conclusion: "success",
      url: "https://acme.example.com:8443/tracker/builds/1",
      name: "acme-build",
      sha: "abc1234",
    });

    const flags = captureIo(ACME_ENV, root);
    assertEquals(await main(["permissions", "--config", configPath], flags), 0);
    assertEquals(flags.out.length, 1);
    assertMatch(flags.out[0], /^--allow-net=acme\.example\.com:8443 --allow-env=PACE_CONFIG,/);
    assertStringIncludes(flags.out[0], "ACME_TOKEN,ACME_URL");
    assertStringIncludes(flags.out[0], configPath, "the flags cover reading the config file");

    const check = captureIo({}, root);
    assertEquals(await main(["check", "--config", configPath], check), 1, "credentials missing");
    assertStringIncludes(check.err.join("\n"), "ACME_TOKEN is not set; ACME_URL is not set");

    const help = captureIo({}, root);
    assertEquals(await main(["--help"], help), 0);
    assertStringIncludes(help.out.join("\n"), "acme (ci, tracker)");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
