import { join } from "node:path";
import { bitbucketPlatform } from "../platforms/bitbucket.ts";
import { bbqlString } from "../platforms/bitbucket/connection.ts";
import { type BitbucketPipeline, classifyPipelines } from "../platforms/bitbucket/pipelines.ts";
import { permissionFlags, requiredPermissions } from "../platforms/permissions.ts";
import { getCIAdapter, getTrackerAdapter, resolveContext } from "../platforms/registry.ts";
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
} from "./_assert.ts";
import {
  ALREADY_OPEN,
  type BitbucketCredential,
  FakeBitbucket,
  type FakeBitbucketOptions,
  parseBbql,
  type PipelineStatus,
} from "./servers/bitbucket.ts";

/**
 * One look at a commit: the repository and the first page of pipelines go out
 * together on the first poll, each once — nothing repeated, no retry.
 */
function assertOneLook(requests: { path: string }[], message = "one look, no retry"): void {
  const paths = requests.map((q) => q.path);
  assertEquals(new Set(paths).size, paths.length, `${message}: ${paths.join(", ")}`);
  assert(paths.length <= 2, `${message}: ${paths.join(", ")}`);
}
const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const OTHER_SHA = "9c3a1e2b4d5f60718293a4b5c6d7e8f901234567";

const fast = { timeoutMinutes: 0.05, pollIntervalSeconds: 0.01 };

type Auth = BitbucketCredential;

function credentialsEnv(bb: FakeBitbucket, auth: Auth): Record<string, string> {
  switch (auth) {
    case "api-token":
      return { BITBUCKET_EMAIL: bb.email, BITBUCKET_API_TOKEN: bb.apiToken };
    case "access-token":
      return { BITBUCKET_API_TOKEN: bb.token };
    case "app-password":
      return { BITBUCKET_USER: bb.user, BITBUCKET_APP_PASSWORD: bb.appPassword };
  }
}

function baseEnv(bb: FakeBitbucket, auth: Auth = "access-token"): Record<string, string> {
  return {
    BITBUCKET_API_URL: bb.url,
    BITBUCKET_WORKSPACE: bb.workspace,
    BITBUCKET_REPO_SLUG: bb.repoSlug,
    ...credentialsEnv(bb, auth),
  };
}

/** Every form in which a credential of `bb` could leak. */
function secretsOf(bb: FakeBitbucket): string[] {
  return [
    bb.token,
    bb.apiToken,
    bb.appPassword,
    `${bb.email}:${bb.apiToken}`,
    btoa(`${bb.email}:${bb.apiToken}`),
    `${bb.user}:${bb.appPassword}`,
    btoa(`${bb.user}:${bb.appPassword}`),
  ];
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
  bb: FakeBitbucket;
  root: string;
  paceDir: string;
  logger: CapturingLogger;
  env: Record<string, string>;
  ci: ReturnType<typeof getCIAdapter>;
  tracker: ReturnType<typeof getTrackerAdapter>;
  dayDir(day: number): string;
  /** Build adapters on the same server and directory with another fetch or env. */
  with(extra: { env?: Record<string, string>; fetch?: typeof fetch }): {
    ci: ReturnType<typeof getCIAdapter>;
    tracker: ReturnType<typeof getTrackerAdapter>;
  };
  /** Results to scan for secrets at the end. */
  keep<T>(value: T): T;
}

async function rig(
  options: FakeBitbucketOptions = {},
  extra: { env?: Record<string, string>; fetch?: typeof fetch; auth?: Auth } = {},
): Promise<Rig> {
  // Where a test uses an app password, it runs where app passwords still work.
  const appPasswords = extra.auth === "app-password" || options.appPasswords;
  const bb = await FakeBitbucket.start({ ...options, appPasswords });
  const root = await Deno.makeTempDir({ prefix: "pace-bitbucket-" });
  const paceDir = await writeSamplePace(root);
  const logger = captureLogger();
  const env = { ...baseEnv(bb, extra.auth), ...extra.env };
  const results: unknown[] = [];
  const build = (more: { env?: Record<string, string>; fetch?: typeof fetch }) => {
    const context = {
      env: { ...env, ...more.env },
      repoRoot: root,
      logger,
      fetch: more.fetch ?? extra.fetch,
    };
    return {
      ci: getCIAdapter("bitbucket", context),
      tracker: getTrackerAdapter("bitbucket", context),
    };
  };
  const { ci, tracker } = build({});
  return {
    bb,
    root,
    paceDir,
    logger,
    env,
    ci,
    tracker,
    dayDir: (day) => join(paceDir, `day-${day}`),
    with: build,
    keep: (value) => {
      results.push(value);
      return value;
    },
    async [Symbol.asyncDispose]() {
      await bb.close();
      const haystacks = [logger.text(), JSON.stringify(results)];
      for (const file of await filesUnder(root)) haystacks.push(await Deno.readTextFile(file));
      await Deno.remove(root, { recursive: true });
      assertEquals(bb.violations, [], "every request is one Bitbucket accepts");
      for (const secret of secretsOf(bb)) {
        for (const text of haystacks) assert(!text.includes(secret), "a credential leaked");
      }
    },
  };
}

function pipelineRequests(bb: FakeBitbucket) {
  return bb.requests.filter((q) => q.path.endsWith("/pipelines"));
}

// ---------------------------------------------------------------------------
// The contract kit, with each credential scheme

const MENTIONS: Record<Auth, string> = {
  "api-token": "BITBUCKET_EMAIL",
  "access-token": "BITBUCKET_API_TOKEN",
  "app-password": "BITBUCKET_APP_PASSWORD",
};

for (const auth of ["api-token", "access-token", "app-password"] as const) {
  Deno.test(`bitbucket keeps the PACE contract (${auth})`, async (t) => {
    let bb: FakeBitbucket;
    await testPlatformContract(t, {
      definition: bitbucketPlatform,
      setup: async () => {
        bb = await FakeBitbucket.start({ appPasswords: auth === "app-password" });
        return {
          env: baseEnv(bb, auth),
          requestCount: () => bb.requests.length,
          secrets: secretsOf(bb),
          prepareReview: (day) => void bb.branches.add(`pace/review-day-${day}`),
          prepareBranches: () => void bb.branches.add(bb.mainBranch),
          close: async () => {
            await bb.close();
            assertEquals(bb.violations, []);
            if (bb.requests.length) {
              assert(bb.requests.every((q) => q.credential === auth), `every request used ${auth}`);
            }
          },
        };
      },
      missingCredentials: {
        env: { BITBUCKET_WORKSPACE: "pace-team", BITBUCKET_REPO_SLUG: "pace-demo" },
        mentions: MENTIONS[auth],
      },
    });
  });
}

Deno.test("bitbucket config: workspace, slug and API URL problems are named", async () => {
  const cases: [Record<string, string>, string][] = [
    [{ BITBUCKET_REPO_SLUG: "r", BITBUCKET_API_TOKEN: "tok-123456" }, "BITBUCKET_WORKSPACE"],
    [{ BITBUCKET_WORKSPACE: "w", BITBUCKET_API_TOKEN: "tok-123456" }, "BITBUCKET_REPO_SLUG"],
    [
      { BITBUCKET_WORKSPACE: "w", BITBUCKET_REPO_SLUG: "w/r", BITBUCKET_API_TOKEN: "tok-123456" },
      "slug alone",
    ],
    [
      { BITBUCKET_WORKSPACE: "w", BITBUCKET_REPO_SLUG: "..", BITBUCKET_API_TOKEN: "tok-123456" },
      "slug alone",
    ],
    [
      {
        BITBUCKET_WORKSPACE: "w",
        BITBUCKET_REPO_SLUG: "r",
        BITBUCKET_API_TOKEN: "tok-123456",
        BITBUCKET_API_URL: "ftp://x",
      },
      "BITBUCKET_API_URL",
    ],
  ];
  for (const [env, mention] of cases) {
    const logger = captureLogger();
    let requests = 0;
    const ci = getCIAdapter("bitbucket", {
      env,
      logger,
      fetch: () => {
        requests++;
        return Promise.resolve(new Response("{}"));
      },
    });
    assertEquals((await ci.waitForCommitCi(SHA, fast)).conclusion, "no_runs");
    assertStringIncludes(logger.text(), mention);
    assertEquals(requests, 0);
  }
});

// ---------------------------------------------------------------------------
// Waiting for pipelines

Deno.test("bitbucket wait: every terminal result maps to its conclusion, through pending and paused", async () => {
  const table: [PipelineStatus, string][] = [
    ["SUCCESSFUL", "success"],
    ["FAILED", "failure"],
    ["ERROR", "failure"],
    ["STOPPED", "cancelled"],
    ["EXPIRED", "cancelled"],
  ];
  for (const [status, conclusion] of table) {
    await using r = await rig();
    const pipeline = r.bb.addPipeline({ commit: SHA, status: "PENDING" });
    const pending: string[] = [];
    const result = r.keep(
      await r.ci.waitForCommitCi(SHA, {
        ...fast,
        onProgress: (p) => {
          pending.push(...p.pending);
          const next: PipelineStatus[] = ["IN_PROGRESS", "PAUSED", status];
          if (p.polls <= 3) r.bb.setPipeline(pipeline.build_number, next[p.polls - 1]);
        },
      }),
    );
    assertEquals(result.conclusion, conclusion, status);
    assertEquals(result.sha, SHA);
    assertEquals(result.name, "Pipeline #1 on main");
    assertEquals(result.url, `${r.bb.webRepoUrl}/pipelines/results/1`);
    assertEquals(result.error, undefined);
    assert(pending.includes("Pipeline #1 on main"), "PENDING and IN_PROGRESS keep polling");
    assert(pending.includes("Pipeline #1 on main (paused)"), "a paused pipeline keeps polling");
  }
});

Deno.test("bitbucket wait: a paused pipeline never ends the wait by itself", async () => {
  await using r = await rig();
  r.bb.addPipeline({ commit: SHA, status: "PAUSED" });
  const result = r.keep(
    await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 0.003, pollIntervalSeconds: 0.02 }),
  );
  assertEquals(result.conclusion, "timeout");
  assertEquals(result.name, "Pipeline #1 on main (paused)");
});

Deno.test("bitbucket wait: the pipeline URL comes from the repository's web link", async () => {
  await using r = await rig({ webUrl: "https://bitbucket.example.test" });
  r.bb.addPipeline({ commit: OTHER_SHA, status: "FAILED" });
  const p = r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL", ref_name: "feature/x" });
  const result = r.keep(await r.ci.waitForCommitCi(SHA, fast));
  assertEquals(result.conclusion, "success");
  assertEquals(
    result.url,
    `https://bitbucket.example.test/pace-team/pace-demo/pipelines/results/${p.build_number}`,
  );
  assertEquals(result.name, "Pipeline #2 on feature/x");
  assertEquals(
    r.bb.requests.filter((q) => q.path === "/repositories/pace-team/pace-demo").length,
    1,
  );
});

Deno.test("bitbucket wait: re-runs — the newest pipeline for the commit decides", async () => {
  {
    await using r = await rig();
    r.bb.addPipeline({ commit: SHA, status: "FAILED" });
    r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
    r.bb.addPipeline({ commit: OTHER_SHA, status: "FAILED" });
    const result = r.keep(await r.ci.waitForCommitCi(SHA, fast));
    assertEquals(result.conclusion, "success", "a green re-run of a red pipeline counts");
    assertStringIncludes(result.url, "/pipelines/results/2");
  }
  {
    await using r = await rig();
    r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
    const rerun = r.bb.addPipeline({ commit: SHA, status: "IN_PROGRESS" });
    let sawPending = false;
    const result = r.keep(
      await r.ci.waitForCommitCi(SHA, {
        ...fast,
        onProgress: (p) => {
          if (p.pending.length) sawPending = true;
          if (p.polls === 2) r.bb.setPipeline(rerun.build_number, "FAILED");
        },
      }),
    );
    assert(sawPending, "the running re-run is waited for, not the older green run");
    assertEquals(result.conclusion, "failure");
    assertEquals(result.name, "Pipeline #2 on main");
  }
});

Deno.test("bitbucket wait: a full SHA is filtered server-side; every page is read", async () => {
  await using r = await rig();
  for (let i = 0; i < 149; i++) r.bb.addPipeline({ commit: SHA, status: "FAILED" });
  r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
  const result = r.keep(await r.ci.waitForCommitCi(SHA.toUpperCase(), fast));
  assertEquals(result.conclusion, "success");
  assertStringIncludes(result.url, "/pipelines/results/150");
  const pages = pipelineRequests(r.bb);
  assertEquals(pages.length, 2, "page 2 followed through the body's next link");
  assertEquals(pages[0].query.get("target.commit.hash"), SHA);
  assertEquals(pages[0].query.get("sort"), "-created_on");
  assertEquals(pages[0].query.get("pagelen"), "100");
  assertEquals(pages[1].query.get("page"), "2");
});

Deno.test("bitbucket wait: a short SHA matches by prefix on the newest pages", async () => {
  await using r = await rig();
  r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
  for (let i = 0; i < 130; i++) {
    r.bb.addPipeline({
      commit: `${i.toString(16).padStart(8, "0")}${"f".repeat(32)}`,
      status: "FAILED",
    });
  }
  const result = r.keep(await r.ci.waitForCommitCi(SHA.slice(0, 8), fast));
  assertEquals(result.conclusion, "success");
  assertEquals(result.sha, SHA.slice(0, 8));
  assertStringIncludes(result.url, "/pipelines/results/1");
  const pages = pipelineRequests(r.bb);
  assert(pages.every((q) => !q.query.has("target.commit.hash")), "no exact-hash filter");
  assertEquals(pages.map((q) => q.query.get("page") ?? "1"), ["1", "2"]);
});

Deno.test("bitbucket wait: a short SHA never reads the whole history", async () => {
  await using r = await rig();
  for (let i = 0; i < 350; i++) {
    r.bb.addPipeline({
      commit: `${i.toString(16).padStart(8, "0")}${"e".repeat(32)}`,
      status: "FAILED",
    });
  }
  const result = r.keep(
    await r.ci.waitForCommitCi("abcdef12", { timeoutMinutes: 0.002, pollIntervalSeconds: 0.5 }),
  );
  // Silence until the deadline is not proof that the commit has no CI.
  assertEquals(result.conclusion, "timeout");
  const pages = pipelineRequests(r.bb).map((q) => Number(q.query.get("page") ?? "1"));
  assertEquals(Math.max(...pages), 3);
});

Deno.test("bitbucket wait: a commit without pipelines ends timeout at the deadline", async () => {
  await using r = await rig();
  r.bb.addPipeline({ commit: OTHER_SHA, status: "SUCCESSFUL" });
  const result = r.keep(
    await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 0.002, pollIntervalSeconds: 0.01 }),
  );
  // Silence until the deadline is not proof that the commit has no CI.
  assertEquals(result.conclusion, "timeout");
  assertEquals(result.url, "");
});

Deno.test("bitbucket wait: invalid SHAs are refused before any request", async () => {
  await using r = await rig();
  for (const sha of ["", "xyz", "abc12", "g".repeat(40), "a".repeat(41), "../../x", "1234567 "]) {
    const result = r.keep(await r.ci.waitForCommitCi(sha, fast));
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "invalid commit SHA");
  }
  assertEquals(r.bb.requests.length, 0);
});

Deno.test("bitbucket wait: 401 for a wrong token or app password ends at once", async () => {
  for (
    const env of <Record<string, string>[]> [
      { BITBUCKET_API_TOKEN: "wrong-token-abcdef" },
      {
        BITBUCKET_API_TOKEN: "",
        BITBUCKET_USER: "pace-bot",
        BITBUCKET_APP_PASSWORD: "wrong-pw-1234",
      },
    ]
  ) {
    await using r = await rig({}, { env });
    r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
    const result = r.keep(
      await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 1, pollIntervalSeconds: 0.01 }),
    );
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "401");
    assertOneLook(r.bb.requests, "no retry after a 401");
    const wrong = env.BITBUCKET_API_TOKEN || env.BITBUCKET_APP_PASSWORD!;
    assert(!JSON.stringify(result).includes(wrong));
    assert(!r.logger.text().includes(wrong));
  }
});

Deno.test("bitbucket wait: 404 (unknown repository, or pipelines) and 403 end at once", async () => {
  {
    await using r = await rig({}, { env: { BITBUCKET_REPO_SLUG: "gone" } });
    const result = r.keep(
      await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 1, pollIntervalSeconds: 0.01 }),
    );
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "404");
    assertOneLook(r.bb.requests);
  }
  for (const status of [403, 404]) {
    await using r = await rig();
    r.bb.script({
      path: /\/pipelines$/,
      status,
      body: { type: "error", error: { message: status === 403 ? "Forbidden" : "Not found" } },
      times: 10,
    });
    const result = r.keep(
      await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 1, pollIntervalSeconds: 0.01 }),
    );
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", String(status));
    assertEquals(pipelineRequests(r.bb).length, 1);
  }
});

Deno.test("bitbucket wait: one `null` answer for the repository is not cached for the wait", async () => {
  await using r = await rig();
  r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
  r.bb.script({ path: /^\/repositories\/[^/]+\/[^/]+$/, status: 200, body: null, times: 1 });
  const result = r.keep(await r.ci.waitForCommitCi(SHA, fast));
  assertEquals(result.conclusion, "success");
  assertEquals(r.bb.pendingScripts, 0);
});

Deno.test("bitbucket wait: 429 with Retry-After is waited out", async () => {
  await using r = await rig();
  r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
  r.bb.script({
    path: /\/pipelines$/,
    status: 429,
    headers: { "retry-after": "0" },
    body: { type: "error", error: { message: "Rate limit for this resource has been exceeded" } },
    times: 5,
  });
  const result = r.keep(await r.ci.waitForCommitCi(SHA, fast));
  assertEquals(result.conclusion, "success");
  assertEquals(r.bb.pendingScripts, 0);
  assertEquals(pipelineRequests(r.bb).filter((q) => q.status === 429).length, 5);
});

Deno.test("bitbucket wait: a burst of 500s is retried and logged", async () => {
  await using r = await rig();
  r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
  r.bb.script({
    path: /\/pipelines$/,
    status: 500,
    body: { type: "error", error: { message: "Something went wrong" } },
    times: 6,
  });
  const result = r.keep(
    await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 0.5, pollIntervalSeconds: 0.01 }),
  );
  assertEquals(result.conclusion, "success");
  assertStringIncludes(r.logger.text(), "will poll again");
});

Deno.test("bitbucket wait: an abort while the API hangs resolves cancelled", async () => {
  await using r = await rig();
  r.bb.script({ path: /\/pipelines$/, hangMs: 60_000 });
  const controller = new AbortController();
  const pending = r.ci.waitForCommitCi(SHA, { timeoutMinutes: 5, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const result = r.keep(await pending);
  assertEquals(result.conclusion, "cancelled");
});

Deno.test("bitbucket wait: a next link that leaves the API is not followed", async () => {
  await using r = await rig();
  r.bb.script({
    path: /\/pipelines$/,
    body: { pagelen: 100, values: [], next: "https://elsewhere.example.test/2.0/steal?page=2" },
    times: 10,
  });
  const result = r.keep(
    await r.ci.waitForCommitCi(SHA, { timeoutMinutes: 1, pollIntervalSeconds: 0.01 }),
  );
  assertEquals(result.conclusion, "no_runs");
  assertStringIncludes(result.error ?? "", "leaves the API");
  assertEquals(pipelineRequests(r.bb).length, 1, "ends at once: the same link would come back");
});

Deno.test("bitbucket wait: a server echoing credentials in an error never leaks them", async () => {
  for (const auth of ["api-token", "access-token", "app-password"] as const) {
    await using r = await rig({}, { auth });
    // Only the credentials in use are known to the adapter, so only those can be masked.
    const echoed = auth === "access-token"
      ? `Bearer ${r.bb.token}`
      : auth === "api-token"
      ? `${r.bb.apiTokenHeader} | ${r.bb.email}:${r.bb.apiToken}`
      : `${r.bb.basicHeader} | ${r.bb.user}:${r.bb.appPassword}`;
    r.bb.script({
      path: /\/pipelines$/,
      status: 404,
      body: { type: "error", error: { message: `nothing for ${echoed}` } },
    });
    const result = r.keep(await r.ci.waitForCommitCi(SHA, fast));
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "***");
  }
});

Deno.test("bitbucket: classifyPipelines maps states, matches SHAs, prefers the newest", () => {
  const web = "https://bitbucket.org/acme/shop";
  const pipeline = (
    build: number,
    state: BitbucketPipeline["state"],
    hash = SHA,
    created = `2025-01-01T00:00:0${build}Z`,
  ): BitbucketPipeline => ({
    build_number: build,
    state,
    created_on: created,
    target: { ref_name: "main", commit: { hash } },
  });
  assertEquals(classifyPipelines([], SHA, web), { state: "none" });
  assertEquals(classifyPipelines([pipeline(1, { name: "COMPLETED" }, OTHER_SHA)], SHA, web), {
    state: "none",
  });
  for (const name of ["PENDING", "IN_PROGRESS", "PAUSED", "HALTED"]) {
    assertEquals(classifyPipelines([pipeline(1, { name })], SHA, web).state, "pending", name);
  }
  const done = (result: string) =>
    classifyPipelines([pipeline(4, { name: "COMPLETED", result: { name: result } })], SHA, web);
  assertEquals(done("SUCCESSFUL"), {
    state: "done",
    conclusion: "success",
    name: "Pipeline #4 on main",
    url: `${web}/pipelines/results/4`,
  });
  for (
    const [result, conclusion] of [
      ["FAILED", "failure"],
      ["ERROR", "failure"],
      ["STOPPED", "cancelled"],
      ["EXPIRED", "cancelled"],
      ["SOMETHING_NEW", "failure"],
    ]
  ) {
    const snapshot = done(result);
    assert(snapshot.state === "done" && snapshot.conclusion === conclusion, result);
  }
  // A full SHA matches exactly; a short one as a prefix; case does not matter.
  assertEquals(
    classifyPipelines([pipeline(1, { name: "PENDING" }, `${SHA.slice(0, 39)}0`)], SHA, web).state,
    "none",
  );
  assertEquals(
    classifyPipelines([pipeline(1, { name: "PENDING" })], SHA.slice(0, 7).toUpperCase(), web).state,
    "pending",
  );
  // The newest decides, whatever order the list came in.
  const older = pipeline(1, { name: "COMPLETED", result: { name: "FAILED" } });
  const newer = pipeline(2, { name: "COMPLETED", result: { name: "SUCCESSFUL" } });
  const snap = classifyPipelines([newer, older], SHA, web);
  assert(snap.state === "done" && snap.conclusion === "success");
  const snap2 = classifyPipelines([older, newer], SHA, web);
  assert(snap2.state === "done" && snap2.conclusion === "success");
  // No web link: no URL rather than a guessed one.
  const bare = classifyPipelines([newer], SHA, "");
  assert(bare.state === "done" && bare.url === "");
});

// ---------------------------------------------------------------------------
// Review pull requests

Deno.test("bitbucket review PR: created once from pace/review-day-N into the main branch", async () => {
  await using r = await rig({ mainBranch: "trunk" });
  r.bb.branches.add("pace/review-day-14");
  const url = r.keep(await r.ci.openReviewPr(14, r.paceDir, "Focus on the auth flow"));
  assertEquals(url, `${r.bb.webRepoUrl}/pull-requests/1`);
  assertEquals(r.bb.pulls.length, 1);
  const pr = r.bb.pulls[0];
  assertEquals(pr.title, "[PACE Review Gate] Days 1\u201314");
  assertEquals(pr.source, "pace/review-day-14");
  assertEquals(pr.destination, "trunk");
  assertEquals(pr.close_source_branch, false);
  assertStringIncludes(pr.description, "## Context");
  assertStringIncludes(pr.description, "Focus on the auth flow");
  const list = r.bb.requests.find((q) => q.method === "GET" && q.path.endsWith("/pullrequests"));
  assertEquals(list?.query.get("q"), 'source.branch.name = "pace/review-day-14"');
  assertEquals(list?.query.getAll("state"), ["OPEN", "MERGED"]);
  assertEquals(r.keep(await r.ci.openReviewPr(14, r.paceDir)), url);
  assertEquals(r.bb.pulls.length, 1, "a re-run does not open a second PR");
});

Deno.test("bitbucket review PR: merged is returned, declined is replaced, a missing branch explained", async () => {
  await using r = await rig();
  assertEquals(await r.ci.openReviewPr(15, r.paceDir), "");
  assertMatch(r.logger.text(), /pace\/review-day-15 must exist/);
  r.bb.branches.add("pace/review-day-16");
  const url = r.keep(await r.ci.openReviewPr(16, r.paceDir));
  r.bb.pulls[0].state = "MERGED";
  assertEquals(r.keep(await r.ci.openReviewPr(16, r.paceDir)), url);
  r.bb.pulls[0].state = "DECLINED";
  const again = r.keep(await r.ci.openReviewPr(16, r.paceDir));
  assertNotEquals(again, url);
  assertEquals(r.bb.pulls.length, 2);
});

Deno.test("bitbucket review PR: Bitbucket's 400 'already open' returns the open PR", async () => {
  await using r = await rig();
  r.bb.branches.add("pace/review-day-14");
  let raced = false;
  const racing: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!raced && request.method === "POST" && request.url.endsWith("/pullrequests")) {
      raced = true;
      r.bb.addPull({ source: "pace/review-day-14", title: "[PACE Review Gate] Days 1\u201314" });
    }
    return await fetch(request);
  };
  const url = r.keep(await r.with({ fetch: racing }).ci.openReviewPr(14, r.paceDir));
  assert(raced);
  assertEquals(url, `${r.bb.webRepoUrl}/pull-requests/1`);
  assertEquals(r.bb.pulls.length, 1);
  const post = r.bb.requests.find((q) => q.method === "POST");
  assertEquals(post?.status, 400);
});

Deno.test("bitbucket review PR: a create performed but answered 502 is not repeated", async () => {
  await using r = await rig();
  r.bb.branches.add("pace/review-day-14");
  let failed = false;
  const flaky: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    if (!failed && request.method === "POST" && request.url.endsWith("/pullrequests")) {
      failed = true;
      await response.body?.cancel();
      return new Response("<html>Bad Gateway</html>", { status: 502 });
    }
    return response;
  };
  const url = r.keep(await r.with({ fetch: flaky }).ci.openReviewPr(14, r.paceDir));
  assert(failed);
  assertEquals(url, `${r.bb.webRepoUrl}/pull-requests/1`);
  assertEquals(r.bb.pulls.length, 1);
});

// ---------------------------------------------------------------------------
// The issue tracker

Deno.test("bitbucket tracker: escalation body, kind and BBQL lookup; found again; only open counts", async () => {
  await using r = await rig();
  const url = r.keep(await r.tracker.openEscalationIssue(3, r.dayDir(3)));
  assertEquals(url, `${r.bb.webRepoUrl}/issues/1`);
  const issue = r.bb.issues[0];
  assertEquals(issue.title, "[PACE HOLD] Day 3 \u2014 Integration tests fail on the reset mail");
  assertEquals([issue.kind, issue.priority, issue.state], ["bug", "critical", "new"]);
  assertMatch(issue.content, /Blocker.*Integration tests fail on the reset mail/);
  assertStringIncludes(issue.content, "<!-- pace:hold:day-3 -->");
  const search = r.bb.requests.find((q) => q.method === "GET" && q.path.endsWith("/issues"));
  assertEquals(
    search?.query.get("q"),
    '(state = "new" OR state = "open") AND (content.raw ~ "<!-- pace:hold:day-3 -->" OR ' +
      'title ~ "[PACE HOLD] Day 3 \u2014 ")',
  );
  assertEquals(r.keep(await r.tracker.openEscalationIssue(3, r.dayDir(3), "other reason")), url);
  issue.state = "open";
  assertEquals(r.keep(await r.tracker.openEscalationIssue(3, r.dayDir(3))), url);
  assertEquals(r.bb.issues.length, 1);
  issue.state = "resolved";
  const reopened = r.keep(await r.tracker.openEscalationIssue(3, r.dayDir(3)));
  assertNotEquals(reopened, url, "only an open (new/open) escalation counts as existing");
  assertEquals(r.bb.issues.length, 2);
});

Deno.test("bitbucket tracker: found by title prefix without a marker; day 1 is not day 15", async () => {
  await using r = await rig();
  const manual = r.bb.addIssue({
    title: "[PACE HOLD] Day 5 \u2014 filed by hand",
    content: "no marker here",
    state: "open",
  });
  r.bb.addIssue({ title: "[PACE HOLD] Day 15 \u2014 later", content: "<!-- pace:hold:day-15 -->" });
  r.bb.addIssue({ title: "Unrelated", content: "mentions <!-- pace:hold:day-12 -->" });
  assertEquals(
    r.keep(await r.tracker.openEscalationIssue(5, r.dayDir(5))),
    `${r.bb.webRepoUrl}/issues/${manual.id}`,
  );
  assertEquals(r.bb.issues.length, 3);
  const day1 = r.keep(await r.tracker.openEscalationIssue(1, r.dayDir(1)));
  assertEquals(day1, `${r.bb.webRepoUrl}/issues/4`);
  assertEquals(r.bb.issues.length, 4);
});

Deno.test("bitbucket tracker: a create Bitbucket performed but answered 502 is not duplicated", async () => {
  await using r = await rig();
  let failed = false;
  const flaky: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    if (!failed && request.method === "POST" && request.url.endsWith("/issues")) {
      failed = true;
      await response.body?.cancel();
      return new Response("<html>Bad Gateway</html>", { status: 502 });
    }
    return response;
  };
  const { tracker } = r.with({ fetch: flaky });
  const url = r.keep(await tracker.openEscalationIssue(3, r.dayDir(3)));
  assert(failed);
  assertEquals(url, `${r.bb.webRepoUrl}/issues/1`);
  assertEquals(r.bb.issues.length, 1, "POST is not retried blindly");
  assertEquals(r.keep(await tracker.openEscalationIssue(3, r.dayDir(3))), url);
  assertEquals(r.bb.issues.length, 1);
});

Deno.test("bitbucket tracker: two agents with one upper-case title stay two items", async () => {
  await using r = await rig();
  const items = [{ id: "A-1", finding: "x" }];
  // "strasse" and "straße" share the title STRASSE but not their slug or marker.
  const plain = r.keep(await r.tracker.pushAdvisoryItems(3, items, "strasse"));
  const sharp = r.keep(await r.tracker.pushAdvisoryItems(3, items, "straße"));
  assertNotEquals(sharp, plain);
  assertEquals(r.bb.issues.length, 2);
  assertEquals(r.keep(await r.tracker.pushAdvisoryItems(3, items, "straße")), sharp);
  assertEquals(r.bb.issues.length, 2);
});

Deno.test("bitbucket tracker: advisories per day and agent; quotes are escaped in BBQL", async () => {
  await using r = await rig();
  const before = r.bb.requests.length;
  assertEquals(await r.tracker.pushAdvisoryItems(3, [], "SENTINEL"), "");
  assertEquals(r.bb.requests.length, before);
  const items = [{ id: "S-1", finding: "Token printed in debug log" }, { id: "S-2", finding: "x" }];
  const sentinel = r.keep(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL"));
  const conduit = r.keep(await r.tracker.pushAdvisoryItems(3, items.slice(0, 1), "conduit"));
  const quoted = r.keep(await r.tracker.pushAdvisoryItems(3, items, 'QA "lead" \\ ops'));
  assertNotEquals(sentinel, conduit);
  assertNotEquals(quoted, sentinel);
  assertEquals(r.keep(await r.tracker.pushAdvisoryItems(3, items, "SENTINEL")), sentinel);
  assertEquals(r.keep(await r.tracker.pushAdvisoryItems(3, items, 'QA "lead" \\ ops')), quoted);
  const [first, second, third] = r.bb.issues;
  assertEquals(first.title, "[PACE Advisory] SENTINEL Day 3 \u2014 2 finding(s)");
  assertEquals([first.kind, first.priority], ["task", "major"]);
  assertStringIncludes(first.content, "- [S-1] Token printed in debug log");
  assertStringIncludes(first.content, "<!-- pace:advisory:day-3:sentinel -->");
  assertStringIncludes(second.content, "<!-- pace:advisory:day-3:conduit -->");
  assertStringIncludes(third.title, 'QA "LEAD" \\ OPS');
  assertEquals(r.bb.issues.length, 3);
  const q = r.bb.requests.filter((x) => x.path.endsWith("/issues") && x.method === "GET")
    .map((x) => x.query.get("q") ?? "").find((x) => x.includes("LEAD"));
  assertStringIncludes(q ?? "", 'title ~ "[PACE Advisory] QA \\"LEAD\\" \\\\ OPS Day 3');
});

Deno.test("bitbucket tracker: story issue, its reference, resolve/reopen, handoff once", async () => {
  await using r = await rig();
  const url = r.keep(await r.tracker.pushStory(1, r.dayDir(1)));
  const issue = r.bb.issues[0];
  assertEquals(issue.title, "[PACE Day 1] Sign-up form");
  assertEquals(issue.kind, "enhancement");
  assertStringIncludes(issue.content, "a visitor can create an account");
  const ref = await Deno.readTextFile(join(r.dayDir(1), "story-ticket.yaml"));
  assertStringIncludes(ref, `url: ${url}`);
  assertStringIncludes(ref, `id: ${issue.id}`);
  assertStringIncludes(ref, "platform: bitbucket");
  assertEquals(r.keep(await r.tracker.pushStory(1, r.dayDir(1))), url);

  await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
  assertEquals(issue.state, "resolved");
  await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress");
  assertEquals(issue.state, "open");
  const put = r.bb.requests.filter((q) => q.method === "PUT").map((q) => q.body);
  assertEquals(put, [{ state: "resolved" }, { state: "open" }]);

  await r.tracker.postHandoffComment(1, r.dayDir(1));
  await r.tracker.postHandoffComment(1, r.dayDir(1));
  const handoffs = r.bb.comments.filter((c) => c.raw !== null);
  assertEquals(handoffs.length, 1, "the handoff is commented once");
  assertStringIncludes(handoffs[0].raw ?? "", "Sign-up form with validation.");
  assertStringIncludes(handoffs[0].raw ?? "", "<!-- pace:handoff:day-1 -->");
  assertEquals(r.bb.issues.length, 1);
});

Deno.test("bitbucket tracker: without story-ticket.yaml, status and handoff do nothing and resolve false", async () => {
  await using r = await rig();
  await r.tracker.pushStory(1, r.dayDir(1));
  assert(await r.tracker.updateStoryStatus(1, r.dayDir(1), "done"));
  await Deno.remove(join(r.dayDir(1), "story-ticket.yaml"));
  const before = r.bb.requests.length;
  assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "in_progress"), false);
  assertEquals(await r.tracker.postHandoffComment(1, r.dayDir(1)), false);
  assertEquals(await r.tracker.updateStoryStatus(3, r.dayDir(3), "done"), false);
  assertEquals(r.bb.requests.length, before, "nothing is looked up on Bitbucket");
  assertEquals(r.bb.issues[0].state, "resolved");
  const lines = r.logger.lines.filter((line) =>
    line.includes("no bitbucket story ticket recorded")
  );
  assertEquals(lines.length, 3, "one line per call");
});

Deno.test("bitbucket tracker: a story reference that is not an issue id is refused", async () => {
  await using r = await rig();
  await Deno.writeTextFile(
    join(r.dayDir(1), "story-ticket.yaml"),
    "url: https://x/y\nid: ../../admin\nplatform: bitbucket\n",
  );
  await r.tracker.updateStoryStatus(1, r.dayDir(1), "done");
  assertEquals(r.bb.requests.length, 0);
  assertStringIncludes(r.logger.text(), "not an issue number");
});

Deno.test("bitbucket tracker: closePlanIssue resolves; an unknown id is logged", async () => {
  await using r = await rig();
  const plan = r.bb.addIssue({ title: "Plan" });
  await r.tracker.closePlanIssue(plan.id);
  assertEquals(plan.state, "resolved");
  await r.tracker.closePlanIssue(9999);
  assertStringIncludes(r.logger.text(), "404");
});

Deno.test('bitbucket tracker: a repository without an issue tracker answers "" at once', async () => {
  await using r = await rig({ hasIssues: false });
  const calls: [string, () => Promise<unknown>][] = [
    ["escalation", () => r.tracker.openEscalationIssue(3, r.dayDir(3))],
    ["advisory", () => r.tracker.pushAdvisoryItems(3, [{ id: "A", finding: "b" }], "SENTINEL")],
    ["story", () => r.tracker.pushStory(1, r.dayDir(1))],
    ["plan", () => r.tracker.closePlanIssue(4)],
  ];
  for (const [what, call] of calls) {
    const before = r.bb.requests.length;
    const result = r.keep(await call());
    assert(result === "" || result === false, what);
    assertEquals(r.bb.requests.length - before, 1, `${what}: one request, no retry`);
  }
  const lines = r.logger.lines.filter((line) => line.includes("has no issue tracker"));
  assertEquals(lines.length, 4);
  for (const line of lines) {
    assert(line.startsWith("error: [Bitbucket]"), line);
    assertStringIncludes(line, "pace-team/pace-demo has no issue tracker");
    assertStringIncludes(line, "enable it in the repository settings");
  }
  await Deno.stat(join(r.dayDir(1), "story-ticket.yaml")).then(
    () => assert(false, "no reference is recorded"),
    () => {},
  );
});

// ---------------------------------------------------------------------------
// Variables, summaries

Deno.test("bitbucket variables: update by uuid found on a later page, else create; env first", async () => {
  await using r = await rig({}, { env: { FROM_ENV: "env-value" } });
  for (let i = 0; i < 14; i++) r.bb.addVariable(`OTHER_${i}`, String(i));
  const day = r.bb.addVariable("PACE_DAY", "2");
  assert(await r.ci.setVariable("PACE_DAY", "3"));
  assertEquals(day.value, "3");
  assertEquals(r.bb.variables.length, 15, "updated, not duplicated");
  const put = r.bb.requests.find((q) => q.method === "PUT");
  assertEquals(
    put?.path,
    `/repositories/pace-team/pace-demo/pipelines_config/variables/${encodeURIComponent(day.uuid)}`,
  );
  assertEquals(put?.body, { key: "PACE_DAY", value: "3", secured: false });
  const lists = r.bb.requests.filter((q) => q.method === "GET" && q.path.endsWith("/variables"));
  assertEquals(lists.map((q) => q.query.get("page")), [null, "2"]);
  assertEquals(r.bb.requests.filter((q) => q.method === "POST").length, 0);

  assert(await r.ci.setVariable("PACE_NEW", "x"));
  assertEquals(r.bb.variables.at(-1)?.key, "PACE_NEW");
  assertEquals(await r.ci.getVariable("PACE_DAY"), "3");
  assertEquals(await r.ci.getVariable("FROM_ENV"), "env-value");
  assertEquals(await r.ci.getVariable("NOPE"), undefined);
});

Deno.test("bitbucket variables: 403 → false explained; bad names; secured values stay hidden", async () => {
  await using r = await rig();
  r.bb.script({
    method: "POST",
    path: /pipelines_config\/variables$/,
    status: 403,
    body: {
      type: "error",
      error: { message: "Your credentials lack one or more required privilege scopes." },
    },
  });
  assertEquals(await r.ci.setVariable("OTHER", "1"), false);
  assertStringIncludes(r.logger.text(), "pipeline:variable");
  const before = r.bb.requests.length;
  assertEquals(await r.ci.setVariable("1BAD", "1"), false);
  assertEquals(await r.ci.setVariable("BAD-NAME", "1"), false);
  assertEquals(r.bb.requests.length, before);
  r.bb.addVariable("DEPLOY_KEY", "hidden", true);
  assertEquals(await r.ci.getVariable("DEPLOY_KEY"), undefined);
  assertStringIncludes(r.logger.text(), "secured");
  assert(await r.ci.setVariable("DEPLOY_KEY", "new"));
  assertEquals(r.bb.variables.find((v) => v.key === "DEPLOY_KEY")?.secured, true, "stays secured");
});

Deno.test("bitbucket variables: a variable created meanwhile (409) is updated instead", async () => {
  await using r = await rig();
  let raced = false;
  const racing: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!raced && request.method === "POST" && request.url.endsWith("/variables")) {
      raced = true;
      r.bb.addVariable("PACE_DAY", "old");
    }
    return await fetch(request);
  };
  assert(await r.with({ fetch: racing }).ci.setVariable("PACE_DAY", "7"));
  assert(raced);
  assertEquals(r.bb.variables.map((v) => [v.key, v.value]), [["PACE_DAY", "7"]]);
});

Deno.test("bitbucket job and daily summaries: pace-summary.md and one log line, no request", async () => {
  await using r = await rig();
  await r.ci.writeJobSummary("# PACE day 3");
  assertEquals(await Deno.readTextFile(join(r.root, "pace-summary.md")), "# PACE day 3\n");
  await r.ci.postDailySummary(3, { gate_decision: "HOLD" });
  assertStringIncludes(r.logger.text(), "[Bitbucket] Day 3 summary: \u{1F534} HOLD");
  assertEquals(r.bb.requests.length, 0);
});

// ---------------------------------------------------------------------------
// Definition: hosts, env, missing, probe

Deno.test("bitbucket permissions: the API host with its port, Bitbucket's variables", () => {
  const config = { platform: { ci: "bitbucket", tracker: "bitbucket" } };
  const perms = requiredPermissions(config, {
    env: { BITBUCKET_API_URL: "https://bb-proxy.example.com:8443/2.0" },
  });
  assertEquals(perms.net, ["bb-proxy.example.com:8443"]);
  for (const name of bitbucketPlatform.env) assert(perms.env.includes(name), name);
  assertEquals(bitbucketPlatform.env.length, 7);
  assertEquals(bitbucketPlatform.secretEnv, ["BITBUCKET_API_TOKEN", "BITBUCKET_APP_PASSWORD"]);
  const flags = permissionFlags(requiredPermissions(config, { env: {} }));
  assertStringIncludes(flags, "--allow-net=api.bitbucket.org ");
  assertEquals(bitbucketPlatform.hosts({ BITBUCKET_API_URL: "not a url" }), ["api.bitbucket.org"]);
  assertEquals(bitbucketPlatform.hosts({ BITBUCKET_API_URL: "http://127.0.0.1:7990/2.0" }), [
    "127.0.0.1:7990",
  ]);
});

Deno.test("bitbucket probe: reaches the repository, or says why not", async () => {
  await using r = await rig({ mainBranch: "trunk" });
  const probe = (env: Record<string, string>) =>
    bitbucketPlatform.probe!(resolveContext(bitbucketPlatform, { env, logger: r.logger }));
  const ok = r.keep(await probe(r.env));
  assert(ok.ok, ok.detail);
  assertStringIncludes(ok.detail, "pace-team/pace-demo");
  assertStringIncludes(ok.detail, "main branch trunk");
  assertStringIncludes(ok.detail, "issue tracker on");
  const bad = r.keep(await probe({ ...r.env, BITBUCKET_API_TOKEN: "wrong-token-123" }));
  assertEquals(bad.ok, false);
  assertStringIncludes(bad.detail, "401");
  const none = r.keep(await probe({ ...r.env, BITBUCKET_API_TOKEN: "" }));
  assertEquals(none.ok, false);
  assertStringIncludes(none.detail, "BITBUCKET_APP_PASSWORD");
});

// ---------------------------------------------------------------------------
// The fake itself refuses what Bitbucket would

Deno.test("fake bitbucket: refuses undocumented parameters, BBQL on pipelines, bad pagelen, no auth", async () => {
  await using bb = await FakeBitbucket.start();
  const api = `${bb.url}/repositories/${bb.workspace}/${bb.repoSlug}`;
  const get = (path: string, auth = `Bearer ${bb.token}`) =>
    fetch(`${api}${path}`, { headers: auth ? { authorization: auth } : {} }).then(async (res) => ({
      status: res.status,
      body: await res.text(),
    }));
  assertEquals(
    (await get(`/pipelines?q=${encodeURIComponent(`target.commit.hash="${SHA}"`)}`)).status,
    400,
  );
  assertEquals((await get("/pipelines?pagelen=500")).status, 400);
  assertEquals((await get("/pullrequests?pagelen=100")).status, 400);
  assertEquals((await get("/issues?per_page=10")).status, 400);
  assertEquals((await get('/issues?q=title ~ "unterminated')).status, 400);
  assertEquals((await get('/issues?q=labels = "x"')).status, 400);
  assertEquals((await get("/nope")).status, 404);
  assertEquals((await get("", "")).status, 401);
  const sorted = await get("/pipelines?sort=-completed_on");
  assertEquals(sorted.status, 400);
  assertStringIncludes(sorted.body, "Invalid sort attribute provided 'completed_on'");
  assertEquals(bb.violations.length, 8, bb.violations.join("\n"));
  const wrong = await get("", "Bearer nope-nope");
  assertEquals(wrong.status, 401);
  assertStringIncludes(wrong.body, "Token is invalid");
  bb.violations.length = 0;
});

Deno.test("fake bitbucket: next links, pipelines order, BBQL and the 'already open' 400", async () => {
  await using bb = await FakeBitbucket.start();
  const api = `${bb.url}/repositories/${bb.workspace}/${bb.repoSlug}`;
  const headers = { authorization: bb.apiTokenHeader, "content-type": "application/json" };
  for (let i = 0; i < 12; i++) bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
  const first = await (await fetch(`${api}/pipelines`, { headers })).json();
  assertEquals([first.pagelen, first.size, first.page], [10, 12, 1]);
  assertEquals(first.values[0].build_number, 1, "oldest first without sort");
  assertEquals(first.values[0].state.result.name, "SUCCESSFUL");
  const second = await (await fetch(first.next, { headers })).json();
  assertEquals(second.values.length, 2);
  assertEquals(second.next, undefined);
  const newest = await (await fetch(`${api}/pipelines?sort=-created_on&pagelen=1`, { headers }))
    .json();
  assertEquals(newest.values[0].build_number, 12);

  assertEquals(parseBbql(`title ~ ${bbqlString('a "b" \\ c')}`), {
    kind: "cmp",
    field: "title",
    op: "~",
    value: 'a "b" \\ c',
  });
  bb.branches.add("feature");
  const create = () =>
    fetch(`${api}/pullrequests`, {
      method: "POST",
      headers,
      body: JSON.stringify({ title: "t", source: { branch: { name: "feature" } } }),
    });
  assertEquals((await create()).status, 201);
  const dup = await create();
  assertEquals(dup.status, 400);
  assertStringIncludes(await dup.text(), ALREADY_OPEN);
  const bad = await fetch(`${api}/pullrequests`, {
    method: "POST",
    headers,
    body: JSON.stringify({ title: "t", head: "feature" }),
  });
  assertEquals(bad.status, 400);
  await bad.body?.cancel();
  assertEquals(bb.violations.length, 1);
  bb.violations.length = 0;
});
