/**
 * The HTTP core against real local servers: retries and backoff,
 * Retry-After and rate limits, the total budget, hangs and dropped
 * connections, aborts, malformed JSON, credentials and redirects, redaction.
 *
 * No test sleeps for real: waits between attempts go through an injected
 * `sleep` that records the delay asked for and resolves at once; hangs are
 * bounded by a small `timeoutMs`.
 */
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "./_assert.ts";
import {
  createHttpFetch,
  errorFromResponse,
  HttpClient,
  HttpError,
  type HttpOptions,
  isRetryableStatus,
  retryDelayFromHeaders,
} from "../platforms/_core/http.ts";
import { SecretRegistry } from "../platforms/_core/secrets.ts";
import { captureLogger } from "../testing.ts";
import { DropServer, FaultServer, settles } from "./servers/_faults.ts";

const TOKEN = "ghp_SuperSecretToken_0123456789";

/** An injected sleep: records each delay asked for and resolves at once (or rejects on abort). */
function fakeSleep() {
  const delays: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    delays.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return Promise.resolve();
  };
  return { delays, sleep };
}

/**
 * A sleep that only the caller's abort can end: it aborts `controller` once
 * started, and fails at once when it was given no signal to listen to.
 */
function abortingSleep(controller: AbortController) {
  const delays: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((_, reject) => {
      delays.push(ms);
      if (!signal) return reject(new Error("sleep got no signal"));
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      controller.abort();
    });
  return { delays, sleep };
}

function secrets(): SecretRegistry {
  const registry = new SecretRegistry();
  registry.add(TOKEN);
  return registry;
}

function options(baseUrl: string, extra: Partial<HttpOptions> = {}): HttpOptions {
  return {
    baseUrl,
    platform: "Test",
    secrets: secrets(),
    credentials: { authorization: `Bearer ${TOKEN}` },
    timeoutMs: 10_000,
    ...extra,
  };
}

function status(code: number, headers: Record<string, string> = {}, body = `status ${code}`) {
  return new Response(body, { status: code, headers });
}

// ---------------------------------------------------------------------------
// retryDelayFromHeaders / isRetryableStatus

Deno.test("retryDelayFromHeaders: Retry-After in seconds (integer and fractional)", () => {
  assertEquals(retryDelayFromHeaders(new Headers({ "retry-after": "120" })), 120_000);
  assertEquals(retryDelayFromHeaders(new Headers({ "retry-after": " 2 " })), 2_000);
  assertEquals(retryDelayFromHeaders(new Headers({ "retry-after": "1.5" })), 1_500);
  assertEquals(retryDelayFromHeaders(new Headers({ "retry-after": "0" })), 0);
});

Deno.test("retryDelayFromHeaders: Retry-After as an HTTP date", () => {
  const now = Date.parse("2025-03-01T12:00:00Z");
  const later = new Date(now + 30_000).toUTCString();
  assertEquals(retryDelayFromHeaders(new Headers({ "retry-after": later }), now), 30_000);
  const past = new Date(now - 60_000).toUTCString();
  assertEquals(retryDelayFromHeaders(new Headers({ "retry-after": past }), now), 0);
});

Deno.test("retryDelayFromHeaders: x-ratelimit-remaining 0 + reset, and what is not a delay", () => {
  const now = Date.parse("2025-03-01T12:00:00Z");
  const reset = String(now / 1000 + 42);
  assertEquals(
    retryDelayFromHeaders(
      new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }),
      now,
    ),
    42_000,
  );
  // Budget left: no delay.
  assertEquals(
    retryDelayFromHeaders(
      new Headers({ "x-ratelimit-remaining": "12", "x-ratelimit-reset": reset }),
      now,
    ),
    undefined,
  );
  // Reset in the past: ask again now.
  assertEquals(
    retryDelayFromHeaders(
      new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 - 5) }),
      now,
    ),
    0,
  );
  // Retry-After wins over the rate-limit reset.
  assertEquals(
    retryDelayFromHeaders(
      new Headers({
        "retry-after": "3",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": reset,
      }),
      now,
    ),
    3_000,
  );
  assertEquals(retryDelayFromHeaders(new Headers({ "retry-after": "soon" }), now), undefined);
  assertEquals(retryDelayFromHeaders(new Headers(), now), undefined);
});

Deno.test("isRetryableStatus: 5xx and 429 yes, a 403 only when rate limited", () => {
  for (const code of [429, 500, 502, 503, 504]) {
    assert(isRetryableStatus(code, new Headers()), `${code}`);
  }
  for (const code of [400, 401, 403, 404, 409, 422]) {
    assert(!isRetryableStatus(code, new Headers()), `${code}`);
  }
  assert(isRetryableStatus(403, new Headers({ "x-ratelimit-remaining": "0" })));
  assert(isRetryableStatus(403, new Headers({ "retry-after": "60" })));
  assert(!isRetryableStatus(403, new Headers({ "x-ratelimit-remaining": "10" })));
});

// ---------------------------------------------------------------------------
// Retries

Deno.test("GET: a burst of 500s then 200 is retried, every attempt counted", async () => {
  await using server = FaultServer.start((_, { index }) =>
    index < 3 ? status(500) : Response.json({ ok: true })
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, retries: 3 }));
  const response = await fetch(`${server.url}/items`);
  assertEquals(response.status, 200);
  assertEquals(await response.json(), { ok: true });
  assertEquals(server.requests.length, 4);
  assertEquals(delays.length, 3);
  assertEquals(server.requests.map((r) => r.method), ["GET", "GET", "GET", "GET"]);
});

Deno.test("GET: a 500 burst longer than the retries hands back the last 500", async () => {
  await using server = FaultServer.start(() => status(502));
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, retries: 2 }));
  const response = await fetch(`${server.url}/items`);
  assertEquals(response.status, 502);
  assertEquals(await response.text(), "status 502");
  assertEquals(server.requests.length, 3);
  assertEquals(delays.length, 2);
});

Deno.test("PUT, PATCH and DELETE are retried on 5xx like GET", async () => {
  for (const method of ["PUT", "PATCH", "DELETE"]) {
    await using server = FaultServer.start((_, { index }) =>
      index === 0 ? status(503) : status(200)
    );
    const { sleep } = fakeSleep();
    const fetch = createHttpFetch(options(server.url, { sleep }));
    const response = await fetch(`${server.url}/thing`, { method, body: "{}" });
    await response.body?.cancel();
    assertEquals(response.status, 200, method);
    assertEquals(server.requests.length, 2, method);
    assertEquals(server.requests.map((r) => r.method), [method, method]);
    if (method !== "DELETE") assertEquals(server.requests[1].body, "{}", "body sent again");
  }
});

Deno.test("POST: a 500 is never retried (the create may have happened)", async () => {
  await using server = FaultServer.start(() => status(500));
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep }));
  const response = await fetch(`${server.url}/issues`, { method: "POST", body: '{"a":1}' });
  await response.body?.cancel();
  assertEquals(response.status, 500);
  assertEquals(server.requests.length, 1);
  assertEquals(delays, []);
});

Deno.test("POST: a 429 with Retry-After is retried after the delay asked for", async () => {
  await using server = FaultServer.start((_, { index }) =>
    index === 0 ? status(429, { "retry-after": "7" }) : Response.json({ id: 1 }, { status: 201 })
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 60_000 }));
  const response = await fetch(`${server.url}/issues`, { method: "POST", body: '{"a":1}' });
  assertEquals(response.status, 201);
  assertEquals(await response.json(), { id: 1 });
  assertEquals(server.requests.length, 2);
  assertEquals(delays, [7_000]);
  assertEquals(server.requests.map((r) => r.body), ['{"a":1}', '{"a":1}']);
});

Deno.test("POST: a secondary rate-limit 403 with Retry-After is retried", async () => {
  await using server = FaultServer.start((_, { index }) =>
    index === 0 ? status(403, { "retry-after": "2" }) : status(201)
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 60_000 }));
  const response = await fetch(`${server.url}/issues`, { method: "POST", body: "{}" });
  await response.body?.cancel();
  assertEquals(response.status, 201);
  assertEquals(delays, [2_000]);
});

Deno.test("429: Retry-After in seconds becomes the requested delay", async () => {
  await using server = FaultServer.start((_, { index }) =>
    index === 0 ? status(429, { "retry-after": "3" }) : status(200)
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 60_000 }));
  const response = await fetch(`${server.url}/x`);
  await response.body?.cancel();
  assertEquals(response.status, 200);
  assertEquals(delays, [3_000]);
  assertEquals(server.requests.length, 2);
});

Deno.test("429: Retry-After as an HTTP date becomes the requested delay", async () => {
  await using server = FaultServer.start((_, { index }) =>
    index === 0
      ? status(429, { "retry-after": new Date(Date.now() + 30_000).toUTCString() })
      : status(200)
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 120_000 }));
  const response = await fetch(`${server.url}/x`);
  await response.body?.cancel();
  assertEquals(response.status, 200);
  assertEquals(delays.length, 1);
  // An HTTP date has whole seconds: between 29 and 30 s from now.
  assert(delays[0] > 28_000 && delays[0] <= 30_000, `delay ${delays[0]}`);
});

Deno.test("403 with x-ratelimit-remaining 0 + reset waits until the reset", async () => {
  await using server = FaultServer.start((_, { index }) =>
    index === 0
      ? status(403, {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 20),
      }, '{"message":"API rate limit exceeded"}')
      : status(200)
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 120_000 }));
  const response = await fetch(`${server.url}/x`);
  await response.body?.cancel();
  assertEquals(response.status, 200);
  assertEquals(server.requests.length, 2);
  assertEquals(delays.length, 1);
  assert(delays[0] > 18_000 && delays[0] <= 20_000, `delay ${delays[0]}`);
});

Deno.test("403 without rate-limit headers is not retried", async () => {
  await using server = FaultServer.start(() =>
    status(403, { "x-ratelimit-remaining": "4999" }, "Resource not accessible")
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep }));
  const response = await fetch(`${server.url}/x`);
  assertEquals(response.status, 403);
  assertEquals(await response.text(), "Resource not accessible");
  assertEquals(server.requests.length, 1);
  assertEquals(delays, []);
});

Deno.test("4xx other than 429 are handed back at once", async () => {
  for (const code of [400, 401, 404, 409, 422]) {
    await using server = FaultServer.start(() => status(code));
    const { delays, sleep } = fakeSleep();
    const fetch = createHttpFetch(options(server.url, { sleep }));
    const response = await fetch(`${server.url}/x`);
    await response.body?.cancel();
    assertEquals(response.status, code);
    assertEquals(server.requests.length, 1, `${code}`);
    assertEquals(delays, [], `${code}`);
  }
});

Deno.test("Retry-After beyond the budget: the response comes back without waiting", async () => {
  await using server = FaultServer.start(() => status(429, { "retry-after": "3600" }));
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 5_000 }));
  const response = await fetch(`${server.url}/x`);
  await response.body?.cancel();
  assertEquals(response.status, 429);
  assertEquals(response.headers.get("retry-after"), "3600");
  assertEquals(server.requests.length, 1);
  assertEquals(delays, []);
});

Deno.test("rate-limit reset beyond the budget: no wait, the 403 comes back", async () => {
  await using server = FaultServer.start(() =>
    status(403, {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    })
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 5_000 }));
  const response = await fetch(`${server.url}/x`);
  await response.body?.cancel();
  assertEquals(response.status, 403);
  assertEquals(server.requests.length, 1);
  assertEquals(delays, []);
});

Deno.test("backoff grows exponentially, jitter stays within [step/2, step]", async () => {
  await using server = FaultServer.start(() => status(503));
  const run = async (random: () => number, backoffMs: number, retries: number) => {
    const { delays, sleep } = fakeSleep();
    const fetch = createHttpFetch(
      options(server.url, { sleep, random, backoffMs, retries, timeoutMs: 120_000 }),
    );
    const response = await fetch(`${server.url}/x`);
    await response.body?.cancel();
    assertEquals(response.status, 503);
    return delays;
  };
  // Jitter at its floor and near its ceiling.
  assertEquals(await run(() => 0, 100, 4), [50, 100, 200, 400]);
  assertEquals(await run(() => 0.999999, 100, 4), [100, 200, 400, 800]);
  // Each step is capped at 5 s.
  assertEquals(await run(() => 0.999999, 2_000, 4), [2_000, 4_000, 5_000, 5_000]);
  // Real randomness: every delay within its window, and the windows double.
  const delays = await run(Math.random, 100, 5);
  assertEquals(delays.length, 5);
  delays.forEach((delay, i) => {
    const step = 100 * 2 ** i;
    assert(
      delay >= step / 2 && delay <= step,
      `attempt ${i}: ${delay} not in [${step / 2}, ${step}]`,
    );
  });
  // Different draws give different delays: the jitter is really applied.
  const draws = [0.1, 0.9];
  let n = 0;
  const a = await run(() => draws[n++ % 2], 1_000, 2);
  assertEquals(a, [550, 1_900]);
  assertEquals(server.requests.length, 5 + 5 + 5 + 6 + 3);
});

Deno.test("retries: 0 means one attempt", async () => {
  await using server = FaultServer.start(() => status(500));
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, retries: 0 }));
  const response = await fetch(`${server.url}/x`);
  await response.body?.cancel();
  assertEquals(response.status, 500);
  assertEquals(server.requests.length, 1);
  assertEquals(delays, []);
});

Deno.test("a handler that throws (a 500 from the server) is retried for GET", async () => {
  await using server = FaultServer.start((_, { index }) => {
    if (index < 2) throw new Error("handler crashed");
    return status(200);
  });
  const { sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep }));
  const response = await fetch(`${server.url}/x`);
  await response.body?.cancel();
  assertEquals(response.status, 200);
  assertEquals(server.requests.length, 3);
});

// ---------------------------------------------------------------------------
// Hangs, dropped connections, aborts, the total bound

Deno.test("a hanging server: HttpError kind timeout within the budget", async () => {
  await using server = FaultServer.start((_, { server }) => server.hang());
  const { sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 200 }));
  const error = await assertRejects(() => settles(fetch(`${server.url}/slow`)), HttpError);
  assertEquals(error.kind, "timeout");
  assertEquals(error.status, 0);
  assert(error.retryable);
  assertStringIncludes(error.message, "timed out after 200 ms");
  assertStringIncludes(error.message, "/slow");
  assertMatch(error.message, /^Test: /);
  // The budget covers the whole call: the one hung attempt used all of it.
  assertEquals(server.requests.length, 1);
});

Deno.test("the budget bounds the whole call: 500s then a hang end in a timeout", async () => {
  await using server = FaultServer.start((_, { index, server }) =>
    index < 2 ? status(500) : server.hang()
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(
    options(server.url, { sleep, timeoutMs: 300, retries: 5, backoffMs: 1 }),
  );
  const error = await assertRejects(() => settles(fetch(`${server.url}/x`)), HttpError);
  assertEquals(error.kind, "timeout");
  assertEquals(server.requests.length, 3);
  assertEquals(delays.length, 2);
});

Deno.test("a hang on POST times out without a second attempt", async () => {
  await using server = FaultServer.start((_, { server }) => server.hang());
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 150 }));
  const error = await assertRejects(
    () => settles(fetch(`${server.url}/issues`, { method: "POST", body: "{}" })),
    HttpError,
  );
  assertEquals(error.kind, "timeout");
  assertEquals(server.requests.length, 1);
  assertEquals(delays, []);
});

Deno.test("dropped connections: GET is retried, then fails with kind network", async () => {
  await using server = DropServer.start();
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, retries: 3 }));
  const error = await assertRejects(() => fetch(`${server.url}/x`), HttpError);
  assertEquals(error.kind, "network");
  assertEquals(error.status, 0);
  assert(error.retryable);
  assertStringIncludes(error.message, "GET");
  assertStringIncludes(error.message, "failed");
  assertEquals(delays.length, 3);
  assertEquals(server.connections, 4);
});

Deno.test("a dropped connection on POST is not sent again", async () => {
  await using server = DropServer.start();
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, retries: 3 }));
  const error = await assertRejects(
    () => fetch(`${server.url}/issues`, { method: "POST", body: '{"title":"x"}' }),
    HttpError,
  );
  assertEquals(error.kind, "network");
  assertEquals(delays, []);
  assertEquals(server.connections, 1);
});

Deno.test("a dropped connection then a good answer: GET recovers", async () => {
  await using drop = DropServer.start();
  await using good = FaultServer.start(() => Response.json({ ok: true }));
  let calls = 0;
  const { sleep } = fakeSleep();
  // The first attempt goes to the dropping port, the next to the good server.
  const fetch = createHttpFetch(options(good.url, {
    sleep,
    fetch: (input, init) => {
      const url = new URL(String(input));
      if (calls++ === 0) url.port = String(drop.port);
      return globalThis.fetch(url, init);
    },
  }));
  const response = await fetch(`${good.url}/x`);
  assertEquals(await response.json(), { ok: true });
  assertEquals(drop.connections, 1);
  assertEquals(good.requests.length, 1);
});

Deno.test("caller abort while the server hangs: AbortError, no retry", async () => {
  await using server = FaultServer.start((_, { server }) => server.hang());
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 60_000 }));
  const controller = new AbortController();
  const pending = fetch(`${server.url}/x`, { signal: controller.signal });
  await server.waitForRequests(1);
  controller.abort();
  const error = await assertRejects(() => settles(pending));
  assertEquals(error.name, "AbortError");
  assert(!(error instanceof HttpError));
  assertEquals(delays, []);
  assertEquals(server.requests.length, 1);
});

Deno.test("caller abort with a reason: that reason is thrown", async () => {
  await using server = FaultServer.start((_, { server }) => server.hang());
  const fetch = createHttpFetch(options(server.url, { timeoutMs: 60_000 }));
  const controller = new AbortController();
  const pending = fetch(`${server.url}/x`, { signal: controller.signal });
  await server.waitForRequests(1);
  const reason = new Error("user cancelled");
  controller.abort(reason);
  const error = await assertRejects(() => settles(pending));
  assertStrictEquals(error, reason);
});

Deno.test("caller abort during the backoff wait ends the call, no further attempt", async () => {
  await using server = FaultServer.start(() => status(500));
  const controller = new AbortController();
  const { delays, sleep } = abortingSleep(controller);
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 60_000 }));
  const error = await assertRejects(() =>
    settles(fetch(`${server.url}/x`, { signal: controller.signal }))
  );
  assertEquals(error.name, "AbortError");
  assertEquals(delays.length, 1);
  assertEquals(server.requests.length, 1);
});

Deno.test("caller abort during the backoff after a dropped connection ends the call", async () => {
  await using server = DropServer.start();
  const controller = new AbortController();
  const { delays, sleep } = abortingSleep(controller);
  const fetch = createHttpFetch(options(server.url, { sleep, timeoutMs: 60_000 }));
  const error = await assertRejects(() =>
    settles(fetch(`${server.url}/x`, { signal: controller.signal }))
  );
  assertEquals(error.name, "AbortError");
  assertEquals(delays.length, 1);
  assertEquals(server.connections, 1);
});

Deno.test("an already aborted signal: rejects with AbortError, the server sees nothing", async () => {
  await using server = FaultServer.start(() => status(200));
  const fetch = createHttpFetch(options(server.url));
  const error = await assertRejects(() =>
    fetch(`${server.url}/x`, { signal: AbortSignal.abort() })
  );
  assertEquals(error.name, "AbortError");
  assertEquals(server.requests.length, 0);
});

Deno.test("a permission refusal is reported as such, not retried", async () => {
  let calls = 0;
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options("https://api.example.test", {
    sleep,
    fetch: () => {
      calls++;
      return Promise.reject(
        new Deno.errors.NotCapable('Requires net access to "api.example.test:443"'),
      );
    },
  }));
  const error = await assertRejects(() => fetch("https://api.example.test/x"), HttpError);
  assertEquals(error.kind, "permission");
  assert(!error.retryable);
  assertStringIncludes(error.message, "Requires net access");
  assertStringIncludes(error.message, "pace permissions");
  assertEquals(calls, 1);
  assertEquals(delays, []);
});

Deno.test({
  name: "a real permission refusal (host outside --allow-net) is kind permission",
  // Only meaningful when the test runs with the narrow --allow-net of the test task.
  ignore: Deno.permissions.querySync({ name: "net", host: "192.0.2.1:8080" }).state === "granted",
  async fn() {
    const fetch = createHttpFetch(options("http://192.0.2.1:8080", { timeoutMs: 2_000 }));
    const error = await assertRejects(() => fetch("http://192.0.2.1:8080/x"), HttpError);
    assertEquals(error.kind, "permission");
    assert(!error.retryable);
  },
});

// ---------------------------------------------------------------------------
// Credentials and redirects

Deno.test("credentials and default headers reach the configured origin", async () => {
  await using server = FaultServer.start(() => status(200));
  const fetch = createHttpFetch(
    options(server.url, { headers: { "user-agent": "pace-test", accept: "application/json" } }),
  );
  const response = await fetch(`${server.url}/x`, { headers: { accept: "text/plain" } });
  await response.body?.cancel();
  assertEquals(server.header("authorization"), [`Bearer ${TOKEN}`]);
  assertEquals(server.header("user-agent"), ["pace-test"]);
  // A header of the call wins over the defaults.
  assertEquals(server.header("accept"), ["text/plain"]);
});

Deno.test("a same-origin redirect is followed with the credentials", async () => {
  await using server = FaultServer.start((_, { recorded }) =>
    recorded.path === "/old" ? status(302, { location: "/new?page=2" }) : status(200)
  );
  const fetch = createHttpFetch(options(server.url));
  const response = await fetch(`${server.url}/old`);
  await response.body?.cancel();
  assertEquals(response.status, 200);
  assertEquals(server.requests.map((r) => r.path), ["/old", "/new?page=2"]);
  assertEquals(server.header("authorization"), [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
});

Deno.test("a redirect to another origin is followed without the credentials", async () => {
  await using other = FaultServer.start(() => Response.json({ moved: true }));
  await using server = FaultServer.start(() =>
    status(307, { location: `${other.url}/elsewhere` }, "")
  );
  const fetch = createHttpFetch(options(server.url, {
    credentials: { authorization: `Bearer ${TOKEN}`, "private-token": TOKEN },
  }));
  const response = await fetch(`${server.url}/start`);
  assertEquals(await response.json(), { moved: true });
  // The first server got the credentials…
  assertEquals(server.header("authorization"), [`Bearer ${TOKEN}`]);
  assertEquals(server.header("private-token"), [TOKEN]);
  // …the second did not, in any header.
  assertEquals(other.requests.length, 1);
  assertEquals(other.requests[0].path, "/elsewhere");
  assertEquals(other.header("authorization"), [undefined]);
  assertEquals(other.header("private-token"), [undefined]);
  assert(!JSON.stringify(other.requests).includes(TOKEN), "the token reached the other origin");
});

Deno.test("a caller-supplied Authorization is dropped on a cross-origin redirect", async () => {
  // Octokit passes the token itself, as a header of the call.
  await using other = FaultServer.start(() => status(200));
  await using server = FaultServer.start(() => status(302, { location: `${other.url}/x` }));
  const fetch = createHttpFetch(options(server.url, { credentials: undefined }));
  const response = await fetch(`${server.url}/x`, {
    headers: { authorization: `token ${TOKEN}` },
  });
  await response.body?.cancel();
  assertEquals(server.header("authorization"), [`token ${TOKEN}`]);
  assertEquals(other.header("authorization"), [undefined]);
});

Deno.test("credentials never go to another origin, even on the first request", async () => {
  await using home = FaultServer.start(() => status(200));
  await using other = FaultServer.start(() => Response.json({}));
  const fetch = createHttpFetch(options(home.url, {
    credentials: { authorization: `Bearer ${TOKEN}`, "private-token": TOKEN },
  }));
  const response = await fetch(`${other.url}/x`, {
    // Even when the caller passes them along explicitly.
    headers: { authorization: `Bearer ${TOKEN}`, "PRIVATE-TOKEN": TOKEN, "x-other": "kept" },
  });
  await response.body?.cancel();
  assertEquals(home.requests.length, 0);
  assertEquals(other.header("authorization"), [undefined]);
  assertEquals(other.header("private-token"), [undefined]);
  assertEquals(other.header("x-other"), ["kept"]);

  // The same through HttpClient with an absolute URL.
  const client = new HttpClient(options(home.url));
  await client.request("GET", `${other.url}/abs`);
  assertEquals(other.requests[1].path, "/abs");
  assertEquals(other.header("authorization")[1], undefined);
});

Deno.test("a redirect back to the configured origin gets the credentials again", async () => {
  await using home = FaultServer.start((_, { recorded }) =>
    recorded.path === "/final" ? status(200) : status(302, { location: `${other.url}/hop` })
  );
  await using other = FaultServer.start(() => status(302, { location: `${home.url}/final` }));
  const fetch = createHttpFetch(options(home.url));
  const response = await fetch(`${home.url}/start`);
  await response.body?.cancel();
  assertEquals(response.status, 200);
  assertEquals(home.header("authorization"), [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  assertEquals(other.header("authorization"), [undefined]);
});

Deno.test("303 turns a POST into a GET without the body", async () => {
  await using server = FaultServer.start((_, { recorded }) =>
    recorded.path === "/create" ? status(303, { location: "/created/1" }) : status(200)
  );
  const fetch = createHttpFetch(options(server.url));
  const response = await fetch(`${server.url}/create`, { method: "POST", body: '{"a":1}' });
  await response.body?.cancel();
  assertEquals(server.requests.map((r) => [r.method, r.path, r.body]), [
    ["POST", "/create", '{"a":1}'],
    ["GET", "/created/1", ""],
  ]);
});

Deno.test("a redirect loop ends in an HttpError, not a hang", async () => {
  await using server = FaultServer.start(() => status(302, { location: "/loop" }));
  const fetch = createHttpFetch(options(server.url));
  const error = await assertRejects(() => fetch(`${server.url}/loop`), HttpError);
  assertStringIncludes(error.message, "too many redirects");
  assert(!error.retryable);
  assertEquals(server.requests.length, 6);
});

// ---------------------------------------------------------------------------
// Errors and redaction

Deno.test("errors carry the status and a short redacted body, never the token", async () => {
  const longTail = "x".repeat(5_000);
  await using server = FaultServer.start(() =>
    status(
      401,
      { "content-type": "application/json" },
      `{"message":"Bad credentials: ${TOKEN}","documentation_url":"${longTail}"}`,
    )
  );
  const client = new HttpClient(options(server.url));
  const error = await assertRejects(() => client.request("GET", "user"), HttpError);
  assertEquals(error.status, 401);
  assertEquals(error.kind, "http");
  assert(!error.retryable);
  assertStringIncludes(error.message, "401");
  assertStringIncludes(error.message, "Bad credentials: ***");
  assertStringIncludes(error.message, "GET");
  assertStringIncludes(error.message, "/user");
  assert(!error.message.includes(TOKEN), error.message);
  assert(!error.body.includes(TOKEN));
  assert(error.body.length <= 300, `body of ${error.body.length} chars`);
  assert(error.message.length < 600, `message of ${error.message.length} chars`);
});

Deno.test("the token in a Location and an echoed body is masked in the error", async () => {
  await using server = FaultServer.start((_, { recorded }) =>
    recorded.path.startsWith("/start")
      ? status(302, { location: `/echo/${TOKEN}/x?token=${TOKEN}` })
      : status(
        404,
        {},
        `not found: ${recorded.path} ${recorded.headers.authorization} ${btoa(TOKEN)} ${
          encodeURIComponent(TOKEN + "/")
        }`,
      )
  );
  const client = new HttpClient(options(server.url));
  const error = await assertRejects(() => client.request("GET", "start"), HttpError);
  assertEquals(error.status, 404);
  assertStringIncludes(error.message, "/echo/***/x");
  assertNotMatch(error.message, /SuperSecretToken/);
  assert(!error.message.includes(btoa(TOKEN)), "base64 form leaked");
  assert(!error.body.includes(TOKEN));
});

Deno.test("network error and debug log lines never contain the token", async () => {
  await using server = DropServer.start();
  const logger = captureLogger();
  const { sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, logger, retries: 2 }));
  const error = await assertRejects(
    () => fetch(`${server.url}/r/${TOKEN}/x?q=${TOKEN}`),
    HttpError,
  );
  assertStringIncludes(error.message, "/r/***/x");
  assert(!error.message.includes(TOKEN));
  assert(logger.lines.length >= 2, "retries are logged");
  assert(!logger.text().includes(TOKEN), logger.text());
  // The query is never part of a message.
  assert(!error.message.includes("?q="));
});

Deno.test("retry log lines of 5xx answers are redacted too", async () => {
  await using server = FaultServer.start((_, { index }) => index === 0 ? status(500) : status(200));
  const logger = captureLogger();
  const { sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep, logger }));
  const response = await fetch(`${server.url}/p/${TOKEN}`);
  await response.body?.cancel();
  assertStringIncludes(logger.text(), "answered 500; retrying");
  assert(!logger.text().includes(TOKEN));
});

Deno.test("errorFromResponse: status, statusText, short body, retry hint", async () => {
  const registry = secrets();
  const response = new Response(`  rate\n\nlimited ${TOKEN} ${"y".repeat(1_000)}`, {
    status: 429,
    statusText: "Too Many Requests",
    headers: { "retry-after": "12" },
  });
  const error = await errorFromResponse(
    response,
    "PATCH",
    new URL(`https://api.example.test/repos/o/r?access_token=${TOKEN}`),
    "GitHub",
    registry,
  );
  assertEquals(error.status, 429);
  assertEquals(error.kind, "http");
  assert(error.retryable);
  assertEquals(error.retryAfterMs, 12_000);
  assertMatch(
    error.message,
    /^GitHub: PATCH https:\/\/api\.example\.test\/repos\/o\/r → 429 Too Many Requests: rate limited \*\*\* y+$/,
  );
  assert(error.body.startsWith("rate limited *** y"));
  assert(error.body.length <= 300);
  assert(!error.message.includes(TOKEN));
  assert(!error.message.includes("access_token"));
});

Deno.test("errorFromResponse: an empty body gives a message without a trailing colon", async () => {
  const error = await errorFromResponse(
    new Response(null, { status: 404 }),
    "GET",
    new URL("https://api.example.test/x"),
    "GitLab",
    new SecretRegistry(),
  );
  assertEquals(error.message, "GitLab: GET https://api.example.test/x → 404");
  assertEquals(error.body, "");
  assert(!error.retryable);
});

// ---------------------------------------------------------------------------
// HttpClient

Deno.test("HttpClient.url: base paths with and without a trailing slash, absolute URLs", () => {
  const secretsNone = new SecretRegistry();
  for (const base of ["https://gitlab.example.com/api/v4", "https://gitlab.example.com/api/v4/"]) {
    const client = new HttpClient({ baseUrl: base, platform: "GitLab", secrets: secretsNone });
    assertEquals(client.url("projects/1").href, "https://gitlab.example.com/api/v4/projects/1");
    assertEquals(client.url("/projects/1").href, "https://gitlab.example.com/api/v4/projects/1");
    assertEquals(
      client.url("projects/group%2Fsub").href,
      "https://gitlab.example.com/api/v4/projects/group%2Fsub",
    );
    assertEquals(client.url("").href, "https://gitlab.example.com/api/v4/");
  }
  const client = new HttpClient({
    baseUrl: "https://jira.example.com/ctx",
    platform: "Jira",
    secrets: secretsNone,
  });
  assertEquals(
    client.url("https://other.example.com/a/b?x=1").href,
    "https://other.example.com/a/b?x=1",
  );
  assertEquals(client.url("http://other.example.com/a").href, "http://other.example.com/a");
  const url = client.url("rest/api/2/search?fields=key", {
    jql: 'project = PACE AND labels = "pace-day-1"',
    maxResults: 50,
    validate: false,
    skipped: undefined,
  });
  assertEquals(url.pathname, "/ctx/rest/api/2/search");
  assertEquals(url.searchParams.get("fields"), "key");
  assertEquals(url.searchParams.get("jql"), 'project = PACE AND labels = "pace-day-1"');
  assertEquals(url.searchParams.get("maxResults"), "50");
  assertEquals(url.searchParams.get("validate"), "false");
  assert(!url.searchParams.has("skipped"));
});

Deno.test("HttpClient.request: JSON in and out, relative to a base path", async () => {
  await using server = FaultServer.start((_, { recorded }) =>
    Response.json({ echo: JSON.parse(recorded.body || "null"), path: recorded.path }, {
      status: 201,
    })
  );
  const client = new HttpClient(options(`${server.url}/api/v4/`));
  const response = await client.request<{ echo: unknown; path: string }>("POST", "/projects/7", {
    json: { title: "T" },
    query: { page: 2, none: undefined },
    headers: { "x-extra": "1" },
  });
  assertEquals(response.status, 201);
  assertEquals(response.data, { echo: { title: "T" }, path: "/api/v4/projects/7?page=2" });
  assertEquals(response.url.pathname, "/api/v4/projects/7");
  const seen = server.requests[0];
  assertEquals(seen.method, "POST");
  assertEquals(seen.headers["content-type"], "application/json");
  assertEquals(seen.headers["accept"], "application/json");
  assertEquals(seen.headers["x-extra"], "1");
  assertEquals(seen.headers["authorization"], `Bearer ${TOKEN}`);
});

Deno.test("HttpClient.request: an empty 204 gives undefined data", async () => {
  await using server = FaultServer.start(() => new Response(null, { status: 204 }));
  const client = new HttpClient(options(server.url));
  const response = await client.request("DELETE", "x");
  assertEquals(response.status, 204);
  assertStrictEquals(response.data, undefined);
});

Deno.test("HttpClient.request: malformed JSON is an HttpError kind parse with the status", async () => {
  await using server = FaultServer.start(() =>
    new Response(`{"id": 1, "token": "${TOKEN}", `, {
      headers: { "content-type": "application/json" },
    })
  );
  const client = new HttpClient(options(server.url));
  const error = await assertRejects(() => client.request("GET", "x"), HttpError);
  assertEquals(error.kind, "parse");
  assertEquals(error.status, 200);
  assertStringIncludes(error.message, "malformed JSON");
  assert(!error.message.includes(TOKEN));
  assertEquals(server.requests.length, 1);
});

Deno.test("HttpClient.request: accepted statuses come back without throwing", async () => {
  await using server = FaultServer.start((_, { recorded }) =>
    recorded.path === "/missing"
      ? status(404, {}, '{"message":"Not Found"}')
      : new Response(null, { status: 304, headers: { etag: '"abc"' } })
  );
  const client = new HttpClient(options(server.url));
  const missing = await client.request("GET", "missing", { accept: [404] });
  assertEquals(missing.status, 404);
  assertStrictEquals(missing.data, undefined);
  const unchanged = await client.request("GET", "cached", {
    accept: [304],
    headers: { "if-none-match": '"abc"' },
  });
  assertEquals(unchanged.status, 304);
  assertEquals(unchanged.headers.get("etag"), '"abc"');
  assertEquals(server.header("if-none-match"), [undefined, '"abc"']);
  // Not accepted: thrown.
  const error = await assertRejects(() => client.request("GET", "missing"), HttpError);
  assertEquals(error.status, 404);
  assert(!error.retryable);
});

Deno.test("HttpClient.request: a 5xx after the retries is a retryable HttpError", async () => {
  await using server = FaultServer.start(() => status(503, {}, "maintenance"));
  const { delays, sleep } = fakeSleep();
  const client = new HttpClient(options(server.url, { sleep, retries: 2 }));
  const error = await assertRejects(() => client.request("GET", "x"), HttpError);
  assertEquals(error.status, 503);
  assert(error.retryable);
  assertStringIncludes(error.message, "maintenance");
  assertEquals(server.requests.length, 3);
  assertEquals(delays.length, 2);
});

Deno.test("HttpClient.request: a 429 beyond the budget carries retryAfterMs", async () => {
  await using server = FaultServer.start(() => status(429, { "retry-after": "90" }));
  const { delays, sleep } = fakeSleep();
  const client = new HttpClient(options(server.url, { sleep, timeoutMs: 5_000 }));
  const error = await assertRejects(() => client.request("GET", "x"), HttpError);
  assertEquals(error.status, 429);
  assert(error.retryable);
  assertEquals(error.retryAfterMs, 90_000);
  assertEquals(delays, []);
});

Deno.test("HttpClient.request: a hang is a timeout HttpError", async () => {
  await using server = FaultServer.start((_, { server }) => server.hang());
  const client = new HttpClient(options(server.url, { timeoutMs: 150 }));
  const error = await assertRejects(() => settles(client.request("GET", "x")), HttpError);
  assertEquals(error.kind, "timeout");
});

Deno.test("HttpClient.request: a body that stalls after the headers times out as an HttpError", async () => {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  await using server = FaultServer.start(() => {
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('{"partial": '));
        await released;
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  const client = new HttpClient(options(server.url, { timeoutMs: 200 }));
  try {
    const error = await assertRejects(() => settles(client.request("GET", "x")), HttpError);
    assertEquals(error.kind, "timeout");
    assertEquals(error.status, 200);
  } finally {
    release();
  }
});
