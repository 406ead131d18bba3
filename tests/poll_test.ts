/**
 * The CI wait loop every platform shares: SHA validation before any
 * request, timeouts with fractional intervals, cancellation (even while a
 * probe hangs), progress, error classification, redaction.
 *
 * Most tests inject `sleep` (records the delay asked for, resolves at once);
 * the few deadline tests use tiny real durations (a fraction of a second).
 */
import { assert, assertEquals, assertMatch, assertStrictEquals } from "./_assert.ts";
import { pollCi, type PollInput } from "../platforms/_core/poll.ts";
import type { CiProbe, CiSnapshot } from "../platforms/types.ts";
import { HttpClient, HttpError } from "../platforms/_core/http.ts";
import { SecretRegistry } from "../platforms/_core/secrets.ts";
import type { WaitProgress } from "../platforms/types.ts";
import { captureLogger } from "../testing.ts";
import { FaultServer, settles } from "./servers/_faults.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const TOKEN = "glpat-VerySecretToken-987654";

/**
 * Records each delay asked for and resolves on the next turn of the event
 * loop (rejects when the signal aborts). After 200 calls it stops resolving,
 * so a loop that never ends turns into a guarded failure, not a busy spin.
 */
function fakeSleep() {
  const delays: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    delays.push(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      if (delays.length <= 200) setTimeout(resolve, 0);
    });
  };
  return { delays, sleep };
}

/** pollCi, failing the test instead of hanging the suite if it never settles. */
function poll(run: PollInput) {
  return settles(pollCi(run), "pollCi");
}

/** A probe answering from a script; the last entry repeats. Entries may be errors (thrown). */
function scripted(steps: (CiSnapshot | Error)[]) {
  const calls: AbortSignal[] = [];
  const probe: CiProbe = (signal) => {
    calls.push(signal);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  };
  return { calls, probe };
}

function input(probe: CiProbe, extra: Partial<PollInput> = {}): PollInput & {
  logger: ReturnType<typeof captureLogger>;
} {
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  return {
    sha: SHA,
    logger: captureLogger(),
    secrets,
    probe,
    ...extra,
  } as PollInput & { logger: ReturnType<typeof captureLogger> };
}

const done = (conclusion: "success" | "failure" | "cancelled", name = "build"): CiSnapshot => ({
  state: "done",
  conclusion,
  url: `https://ci.example.test/runs/${name}`,
  name,
});

// ---------------------------------------------------------------------------
// SHA validation and unavailable adapters

Deno.test("invalid SHAs end with no_runs and an error before any request", async () => {
  const invalid = [
    "",
    "xyz",
    "abc123", // 6 characters
    "a".repeat(41),
    "g".repeat(40),
    "0123456789abcdef0123456789abcdef0123456z",
    ` ${SHA}`,
    `${SHA}\n`,
    "abc-1234",
    "../../etc/passwd",
    "HEAD",
  ];
  for (const sha of invalid) {
    const { calls, probe } = scripted([done("success")]);
    const { delays, sleep } = fakeSleep();
    const run = input(probe, { sha, sleep });
    const result = await poll(run);
    assertEquals(result.conclusion, "no_runs", JSON.stringify(sha));
    assertStrictEquals(result.sha, sha);
    assertEquals(result.url, "");
    assertMatch(result.error ?? "", /invalid commit SHA/);
    assertMatch(result.error ?? "", /7 to 40 hexadecimal/);
    assertEquals(calls.length, 0, `probe called for ${JSON.stringify(sha)}`);
    assertEquals(delays, []);
    assertMatch(run.logger.text(), /^error: invalid commit SHA/);
  }
});

Deno.test("valid SHAs: 7 to 40 hex characters, either case", async () => {
  for (const sha of ["abcdef1", SHA, SHA.toUpperCase(), "ABCdef0123"]) {
    const { calls, probe } = scripted([done("success")]);
    const result = await poll(input(probe, { sha, sleep: fakeSleep().sleep }));
    assertEquals(result.conclusion, "success", sha);
    assertEquals(result.sha, sha);
    assertEquals(calls.length, 1);
  }
});

Deno.test("an invalid SHA's error is cut short and masked", async () => {
  const sha = `${TOKEN}${"z".repeat(200)}`;
  const { calls, probe } = scripted([done("success")]);
  const run = input(probe, { sha });
  const result = await poll(run);
  assertEquals(result.conclusion, "no_runs");
  assert(!result.error!.includes(TOKEN), result.error);
  assert(result.error!.length < 200, result.error);
  assertEquals(calls.length, 0);
});

Deno.test("done on the first poll: that result, no wait, no error", async () => {
  for (const conclusion of ["success", "failure", "cancelled"] as const) {
    const { calls, probe } = scripted([done(conclusion, "ci/test")]);
    const { delays, sleep } = fakeSleep();
    const progress: WaitProgress[] = [];
    const result = await poll(input(probe, {
      sleep,
      options: { onProgress: (p) => progress.push(p) },
    }));
    assertEquals(result, {
      conclusion,
      url: "https://ci.example.test/runs/ci/test",
      name: "ci/test",
      sha: SHA,
    });
    assert(!("error" in result));
    assertEquals(calls.length, 1);
    assertEquals(delays, []);
    assertEquals(progress, []);
  }
});

Deno.test("none, then pending, then done: progress sees increasing polls and the pending names", async () => {
  const { calls, probe } = scripted([
    { state: "none" },
    { state: "pending", pending: ["build", "lint"] },
    { state: "pending", pending: ["lint"] },
    done("failure", "lint"),
  ]);
  const { delays, sleep } = fakeSleep();
  const progress: WaitProgress[] = [];
  const result = await poll(input(probe, {
    sleep,
    options: {
      timeoutMinutes: 1,
      pollIntervalSeconds: 0.05,
      onProgress: (p) => progress.push(p),
    },
  }));
  assertEquals(result.conclusion, "failure");
  assertEquals(result.name, "lint");
  assertEquals(result.url, "https://ci.example.test/runs/lint");
  assertEquals(calls.length, 4);
  assertEquals(progress.map((p) => p.polls), [1, 2, 3]);
  assertEquals(progress.map((p) => p.pending), [[], ["build", "lint"], ["lint"]]);
  for (let i = 0; i < progress.length; i++) {
    assert(progress[i].elapsedMs >= 0);
    if (i > 0) assert(progress[i].elapsedMs >= progress[i - 1].elapsedMs);
  }
  // A fractional interval is honoured as such: 0.05 s is 50 ms.
  assertEquals(delays, [50, 50, 50]);
});

Deno.test("the default interval is 20 s", async () => {
  const { probe } = scripted([{ state: "none" }, done("success")]);
  const { delays, sleep } = fakeSleep();
  const result = await poll(input(probe, { sleep }));
  assertEquals(result.conclusion, "success");
  assertEquals(delays, [20_000]);
});

Deno.test("the progress callback gets copies: mutating them changes nothing", async () => {
  const { probe } = scripted([
    { state: "pending", pending: ["build"] },
    { state: "pending", pending: ["build"] },
    done("success"),
  ]);
  const seen: string[][] = [];
  const result = await poll(input(probe, {
    sleep: fakeSleep().sleep,
    options: {
      onProgress: (p) => {
        seen.push([...p.pending]);
        p.pending.push("injected");
      },
    },
  }));
  assertEquals(result.conclusion, "success");
  assertEquals(seen, [["build"], ["build"]]);
});

Deno.test("an onProgress that throws does not break the wait", async () => {
  const { calls, probe } = scripted([
    { state: "pending", pending: ["build"] },
    { state: "pending", pending: ["build"] },
    done("success"),
  ]);
  let called = 0;
  const run = input(probe, {
    sleep: fakeSleep().sleep,
    options: {
      onProgress: () => {
        called++;
        throw new Error(`progress broke ${TOKEN}`);
      },
    },
  });
  const result = await poll(run);
  assertEquals(result.conclusion, "success");
  assertEquals(calls.length, 3);
  assertEquals(called, 2);
  assertMatch(run.logger.text(), /onProgress callback threw: progress broke/);
});

// ---------------------------------------------------------------------------
// Deadlines (tiny real durations)

Deno.test("nothing ever reported: timeout at the deadline, never no_runs", async () => {
  const { calls, probe } = scripted([{ state: "none" }]);
  const result = await poll(input(probe, {
    options: { timeoutMinutes: 0.003, pollIntervalSeconds: 0.02 },
  }));
  // A pipeline reads no_runs as "nothing to wait for": silence is not that.
  assertEquals(result, { conclusion: "timeout", url: "", name: "", sha: SHA });
  assert(calls.length >= 2, `only ${calls.length} polls`);
});

Deno.test("pending forever: timeout naming what was still pending", async () => {
  const { calls, probe } = scripted([{ state: "pending", pending: ["build", "e2e tests"] }]);
  const result = await poll(input(probe, {
    options: { timeoutMinutes: 0.003, pollIntervalSeconds: 0.02 },
  }));
  assertEquals(result.conclusion, "timeout");
  assertEquals(result.name, "build, e2e tests");
  assertEquals(result.sha, SHA);
  assert(!("error" in result));
  assert(calls.length >= 2);
});

Deno.test("pending, then retryable errors until the deadline: timeout carrying the last error", async () => {
  const { probe } = scripted([
    { state: "pending", pending: ["build"] },
    new HttpError(`GitLab: GET /pipelines → 502 (token ${TOKEN})`, {
      status: 502,
      kind: "http",
      retryable: true,
    }),
  ]);
  const result = await poll(input(probe, {
    options: { timeoutMinutes: 0.003, pollIntervalSeconds: 0.02 },
  }));
  assertEquals(result.conclusion, "timeout");
  assertEquals(result.name, "build");
  assertMatch(result.error ?? "", /502/);
  assert(!result.error!.includes(TOKEN));
});

Deno.test("the sleep never runs past the deadline", async () => {
  const { probe } = scripted([{ state: "pending", pending: ["build"] }]);
  const delays: number[] = [];
  // A sleep that really waits, recording what it was asked.
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      delays.push(ms);
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(signal.reason);
      }, { once: true });
    });
  // Interval of an hour, timeout of 0.2 s: the wait must be cut to the deadline.
  const result = await poll(input(probe, {
    sleep,
    options: { timeoutMinutes: 0.2 / 60, pollIntervalSeconds: 3600 },
  }));
  assertEquals(result.conclusion, "timeout");
  assert(delays.length >= 1);
  for (const ms of delays) assert(ms <= 200, `asked to sleep ${ms} ms`);
});

Deno.test("a probe that hangs cannot outlast the deadline", async () => {
  const signals: AbortSignal[] = [];
  const probe: CiProbe = (signal) => {
    signals.push(signal);
    return new Promise(() => {}); // never settles
  };
  const result = await poll(input(probe, { options: { timeoutMinutes: 0.003 } }));
  assertEquals(result.conclusion, "timeout", "an unanswered look is a timeout, not 'no CI'");
  assertEquals(result.error, "the platform did not answer before the deadline");
  assertEquals(signals.length, 1);
  assert(signals[0].aborted, "the probe's signal aborts at the deadline");
});

// ---------------------------------------------------------------------------
// Errors

Deno.test("a non-retryable HttpError ends at once with no_runs and the error", async () => {
  for (const status of [401, 403, 404, 422]) {
    const { calls, probe } = scripted([
      new HttpError(`GitHub: GET /commits/${SHA}/check-runs → ${status}`, {
        status,
        kind: "http",
        retryable: false,
      }),
    ]);
    const { delays, sleep } = fakeSleep();
    const run = input(probe, { sleep, options: { timeoutMinutes: 10 } });
    const result = await poll(run);
    assertEquals(result.conclusion, "no_runs", `${status}`);
    assertEquals(result.error, `GitHub: GET /commits/${SHA}/check-runs → ${status}`);
    assertEquals(calls.length, 1, `${status}: probe called ${calls.length} times`);
    assertEquals(delays, []);
    assertMatch(run.logger.text(), new RegExp(`^error: .*→ ${status}`));
  }
});

Deno.test("a permission refusal ends at once too", async () => {
  const { calls, probe } = scripted([
    new HttpError("Bitbucket: GET https://api.bitbucket.org/2.0/x refused by Deno's permissions", {
      kind: "permission",
      retryable: false,
    }),
  ]);
  const result = await poll(input(probe, { sleep: fakeSleep().sleep }));
  assertEquals(result.conclusion, "no_runs");
  assertMatch(result.error ?? "", /permissions/);
  assertEquals(calls.length, 1);
});

Deno.test("a retryable HttpError is logged and polling goes on to success", async () => {
  const { calls, probe } = scripted([
    new HttpError("GitLab: GET /pipelines → 503", { status: 503, kind: "http", retryable: true }),
    new HttpError("GitLab: GET /pipelines failed: connection reset", {
      kind: "network",
      retryable: true,
    }),
    { state: "pending", pending: ["pipeline #7"] },
    done("success", "pipeline #7"),
  ]);
  const { delays, sleep } = fakeSleep();
  const progress: WaitProgress[] = [];
  const run = input(probe, {
    sleep,
    options: { pollIntervalSeconds: 0.5, onProgress: (p) => progress.push(p) },
  });
  const result = await poll(run);
  assertEquals(result.conclusion, "success");
  assertEquals(result.name, "pipeline #7");
  assert(!("error" in result), "a recovered error is not reported");
  assertEquals(calls.length, 4);
  assertEquals(delays, [500, 500, 500]);
  assertEquals(progress.map((p) => p.polls), [1, 2, 3]);
  assertMatch(run.logger.text(), /warn: GitLab: GET \/pipelines → 503; will poll again/);
});

/** The HttpError the core builds for `status` (one attempt, no retries), as a probe would see it. */
async function coreError(status: number): Promise<HttpError> {
  await using server = FaultServer.start(() =>
    new Response(status === 304 ? null : `status ${status}`, { status })
  );
  const client = new HttpClient({
    baseUrl: server.url,
    platform: "Test",
    secrets: new SecretRegistry(),
    retries: 0,
  });
  try {
    await client.request("GET", `commits/${SHA}/status`);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error(`${status} did not fail`);
}

/** Answers that say "not now": the wait must go on through each of them. */
const TRANSIENT = [304, 408, 425, 429, 500, 501, 502, 503, 504, 520, 521, 522, 523, 524, 530];

Deno.test("each transient answer, as the core reports it, keeps the wait polling", async () => {
  for (const status of TRANSIENT) {
    // A 304 here answers a request that sent no ETag: a cache speaking, not the platform.
    const error = await coreError(status);
    assertEquals(error.status, status);
    const { calls, probe } = scripted([error, error, done("success")]);
    const result = await poll(input(probe, { sleep: fakeSleep().sleep }));
    assertEquals(result.conclusion, "success", `${status} ended the wait: ${result.error}`);
    assertEquals(calls.length, 3, `${status}`);
  }
});

Deno.test("a transient answer until the deadline, over real HTTP: timeout, never no_runs", async () => {
  for (const status of [522, 304]) {
    await using server = FaultServer.start(() =>
      new Response(status === 304 ? null : "origin timed out", { status })
    );
    const client = new HttpClient({
      baseUrl: server.url,
      platform: "Test",
      secrets: new SecretRegistry(),
      retries: 0,
    });
    const result = await poll(input(async (signal) => {
      await client.request("GET", `commits/${SHA}/status`, { signal });
      return { state: "none" };
    }, { options: { timeoutMinutes: 0.003, pollIntervalSeconds: 0.02 } }));
    assertEquals(result.conclusion, "timeout", `${status}: ${result.error}`);
    assertMatch(result.error ?? "", new RegExp(`${status}`));
    assert(server.requests.length >= 2, `${status}: polled ${server.requests.length} times`);
  }
});

Deno.test("a plain error (not an HttpError) counts as retryable", async () => {
  const { calls, probe } = scripted([new TypeError("unexpected shape"), done("success")]);
  const result = await poll(input(probe, { sleep: fakeSleep().sleep }));
  assertEquals(result.conclusion, "success");
  assertEquals(calls.length, 2);
});

Deno.test("retryAfterMs: the next sleep is at least what the server asked", async () => {
  const { probe } = scripted([
    new HttpError("GitHub: 429", {
      status: 429,
      kind: "http",
      retryable: true,
      retryAfterMs: 5_000,
    }),
    { state: "pending", pending: ["build"] },
    done("success"),
  ]);
  const { delays, sleep } = fakeSleep();
  const result = await poll(input(probe, {
    sleep,
    options: { timeoutMinutes: 1, pollIntervalSeconds: 0.05 },
  }));
  assertEquals(result.conclusion, "success");
  assertEquals(delays.length, 2);
  assert(delays[0] >= 5_000, `slept ${delays[0]} ms after a 5 s Retry-After`);
  assertEquals(delays[1], 50, "back to the interval after the retry");
});

Deno.test("retryAfterMs shorter than the interval: the interval wins", async () => {
  const { probe } = scripted([
    new HttpError("GitHub: 503", {
      status: 503,
      kind: "http",
      retryable: true,
      retryAfterMs: 100,
    }),
    done("success"),
  ]);
  const { delays, sleep } = fakeSleep();
  await poll(input(probe, { sleep, options: { pollIntervalSeconds: 2 } }));
  assertEquals(delays, [2_000]);
});

Deno.test("error strings are masked in the result and the log", async () => {
  const { probe } = scripted([
    new HttpError(`GitHub: GET /x → 401: Bad credentials ${TOKEN} ${encodeURIComponent(TOKEN)}`, {
      status: 401,
      kind: "http",
      retryable: false,
    }),
  ]);
  const run = input(probe, { sleep: fakeSleep().sleep });
  const result = await poll(run);
  assertEquals(result.conclusion, "no_runs");
  assertMatch(result.error ?? "", /Bad credentials \*\*\*/);
  assert(!result.error!.includes(TOKEN));

  const { probe: flaky } = scripted([new Error(`socket closed, token=${TOKEN}`)]);
  const timedOut = await poll(
    input(flaky, { options: { timeoutMinutes: 0.002, pollIntervalSeconds: 0.02 } }),
  );
  assertEquals(timedOut.conclusion, "timeout");
  assertEquals(timedOut.error, "socket closed, token=***");
});

// ---------------------------------------------------------------------------
// Cancellation

Deno.test("abort before the start: cancelled, the probe never called", async () => {
  const { calls, probe } = scripted([done("success")]);
  const { delays, sleep } = fakeSleep();
  const result = await poll(input(probe, { sleep, options: { signal: AbortSignal.abort() } }));
  assertEquals(result.conclusion, "cancelled");
  assertEquals(result.sha, SHA);
  assertEquals(calls.length, 0);
  assertEquals(delays, []);
});

Deno.test("abort while the probe hangs forever: cancelled, the probe's signal aborted", async () => {
  const controller = new AbortController();
  const signals: AbortSignal[] = [];
  const probe: CiProbe = (signal) => {
    signals.push(signal);
    if (signals.length === 2) setTimeout(() => controller.abort(), 5);
    return signals.length === 1
      ? Promise.resolve({ state: "pending", pending: ["build"] })
      : new Promise(() => {}); // hangs, ignoring its signal
  };
  const result = await poll(input(probe, {
    sleep: fakeSleep().sleep,
    options: { signal: controller.signal, timeoutMinutes: 10 },
  }));
  assertEquals(result.conclusion, "cancelled");
  assertEquals(result.name, "build", "names what was still pending");
  assertEquals(signals.length, 2);
  assert(signals[1].aborted);
});

Deno.test("abort during the wait between polls: cancelled, no further poll", async () => {
  const controller = new AbortController();
  const { calls, probe } = scripted([{ state: "pending", pending: ["build"] }]);
  const delays: number[] = [];
  // Only an abort ends this sleep; the caller aborts once it has started.
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((_, reject) => {
      delays.push(ms);
      if (!signal) return setTimeout(() => reject(new Error("sleep got no signal")), 0);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      controller.abort();
    });
  const result = await poll(input(probe, {
    sleep,
    options: { signal: controller.signal, timeoutMinutes: 0.05, pollIntervalSeconds: 3600 },
  }));
  assertEquals(result.conclusion, "cancelled");
  assertEquals(calls.length, 1);
  assertEquals(delays.length, 1);
});

Deno.test("abort with the real sleep: cancelled without waiting out the interval", async () => {
  const controller = new AbortController();
  const { calls, probe } = scripted([{ state: "none" }]);
  const result = await poll(input(probe, {
    options: {
      signal: controller.signal,
      pollIntervalSeconds: 3600,
      timeoutMinutes: 120,
      onProgress: () => setTimeout(() => controller.abort(), 5),
    },
  }));
  assertEquals(result.conclusion, "cancelled");
  assertEquals(calls.length, 1);
});

Deno.test("abort while an HTTP request hangs on a real server: cancelled", async () => {
  await using server = FaultServer.start((_, { server }) => server.hang());
  const secrets = new SecretRegistry();
  const client = new HttpClient({
    baseUrl: server.url,
    platform: "Test",
    secrets,
    timeoutMs: 60_000,
  });
  const controller = new AbortController();
  const result = poll(input(async (signal) => {
    await client.request("GET", `commits/${SHA}/status`, { signal });
    return { state: "none" };
  }, { options: { signal: controller.signal } }));
  await server.waitForRequests(1);
  controller.abort();
  assertEquals((await result).conclusion, "cancelled");
  assertEquals(server.requests.length, 1);
  assertEquals(server.requests[0].path, `/commits/${SHA}/status`);
});

Deno.test("a probe that rejects on abort (as fetch does) still gives cancelled, not an error", async () => {
  const controller = new AbortController();
  const probe: CiProbe = (signal) =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      setTimeout(() => controller.abort(), 5);
    });
  const result = await poll(input(probe, { options: { signal: controller.signal } }));
  assertEquals(result.conclusion, "cancelled");
});
