/**
 * The HTTP core and response bodies, against real local servers: the size
 * cap (an endless body stops at the cap, on both the fetch handed to Octokit
 * and HttpClient), bodies that break or stall after the headers (an error
 * from the fetch itself, never an empty answer), answers that had to be JSON
 * and are not, and one time budget for the whole call, body included.
 *
 * No test sleeps for real: waits between attempts go through an injected
 * `sleep`; stalls are bounded by a small `timeoutMs`; `settles` turns a hang
 * into a failure, and no test asserts on timing beyond that.
 */
import { Octokit } from "npm:@octokit/core@7.0.8";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./_assert.ts";
import {
  createHttpFetch,
  DEFAULT_MAX_BODY_BYTES,
  HttpClient,
  HttpError,
  type HttpOptions,
} from "../platforms/_core/http.ts";
import { SecretRegistry } from "../platforms/_core/secrets.ts";
import { FaultServer, settles } from "./servers/_faults.ts";

const TOKEN = "ghp_BodyTestSecretToken_0123456789";
const CHUNK = 16 * 1024;
const encoder = new TextEncoder();

function fakeSleep() {
  const delays: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    delays.push(ms);
    return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  };
  return { delays, sleep };
}

function options(baseUrl: string, extra: Partial<HttpOptions> = {}): HttpOptions {
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  return {
    baseUrl,
    platform: "Test",
    secrets,
    credentials: { authorization: `Bearer ${TOKEN}` },
    timeoutMs: 10_000,
    sleep: fakeSleep().sleep,
    ...extra,
  };
}

/** What a streaming answer did on the server side. */
class Stream {
  /** Bytes handed to the connection so far. */
  sent = 0;
  #closed = Promise.withResolvers<void>();
  #stop = new AbortController();
  /** Resolves when the client went away (the stream was cancelled). */
  readonly closed: Promise<void> = this.#closed.promise;
  cancelled = false;

  /**
   * `prefix`, then `chunk` on every pull (after `everyMs`, when given) until
   * `limit` bytes, then the end (or an error when `breakAt` is passed first).
   */
  response(init: {
    prefix?: string;
    chunk?: Uint8Array;
    limit?: number;
    everyMs?: number;
    breakAt?: number;
    headers?: Record<string, string>;
    status?: number;
  }): Response {
    const { chunk = new Uint8Array(CHUNK).fill(0x20), limit = Infinity, everyMs } = init;
    const stop = this.#stop.signal;
    let started = false;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (!started && init.prefix) {
          started = true;
          const bytes = encoder.encode(init.prefix);
          this.sent += bytes.length;
          return controller.enqueue(bytes);
        }
        started = true;
        if (everyMs) await pause(everyMs, stop);
        if (stop.aborted || this.sent >= limit) return controller.close();
        if (init.breakAt !== undefined && this.sent >= init.breakAt) {
          return controller.error(new Error("connection reset by the test"));
        }
        this.sent += chunk.length;
        controller.enqueue(chunk);
      },
      cancel: () => {
        this.cancelled = true;
        this.#closed.resolve();
      },
    }, { highWaterMark: 0 });
    return new Response(body, {
      status: init.status ?? 200,
      headers: { "content-type": "application/json", ...init.headers },
    });
  }

  /** End the stream server-side (test clean-up, whatever the client did). */
  stop(): void {
    this.#stop.abort();
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** The real fetch, counting the body bytes the core pulled and the largest chunk. */
function countingFetch() {
  const seen = { bytes: 0, largestChunk: 0 };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (!response.body) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen.bytes += chunk.byteLength;
          seen.largestChunk = Math.max(seen.largestChunk, chunk.byteLength);
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, headers: response.headers });
  };
  return { seen, fetch };
}

/** What Octokit does with a body: read it as text, and on any failure keep what it has. */
async function octokitLikeData(response: Response): Promise<unknown> {
  let text = "";
  try {
    text = await response.text();
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------
// The size cap

Deno.test("an endless body stops at the cap: HttpError too_large, not retryable, bounded reads", async () => {
  const stream = new Stream();
  // A safety limit far above the cap, so code without a cap ends too (and fails).
  await using server = FaultServer.start(() => stream.response({ prefix: "[", limit: 64 << 20 }));
  const cap = 256 * 1024;
  const { seen, fetch } = countingFetch();
  const client = new HttpClient(options(server.url, { fetch, maxBodyBytes: cap }));
  try {
    const error = await assertRejects(() => settles(client.request("GET", "runs")), HttpError);
    assertEquals(error.kind, "too_large");
    assertEquals(error.status, 200);
    assert(!error.retryable, "an oversized answer will not shrink: no retry");
    assertStringIncludes(error.message, `over the ${cap}-byte cap`);
    assertEquals(server.requests.length, 1);
    // The core read at most the cap plus the chunk that crossed it…
    assert(seen.bytes <= cap + seen.largestChunk, `read ${seen.bytes} bytes`);
    // …and closed the connection, so the server stopped: what it sent beyond
    // the cap is what the sockets' buffers held.
    await settles(stream.closed, "the server seeing the connection close");
    assert(stream.sent < cap + (16 << 20), `the server sent ${stream.sent} bytes`);
  } finally {
    stream.stop();
  }
});

Deno.test("the cap applies to the fetch handed to Octokit: the fetch itself rejects", async () => {
  const stream = new Stream();
  await using server = FaultServer.start(() => stream.response({ prefix: "[", limit: 64 << 20 }));
  const cap = 128 * 1024;
  const { seen, fetch: counting } = countingFetch();
  const fetch = createHttpFetch(options(server.url, { fetch: counting, maxBodyBytes: cap }));
  try {
    const error = await assertRejects(
      () => settles(fetch(`${server.url}/repos/o/r/issues`)),
      HttpError,
    );
    assertEquals(error.kind, "too_large");
    assert(seen.bytes <= cap + seen.largestChunk, `read ${seen.bytes} bytes`);
    await settles(stream.closed, "the server seeing the connection close");
  } finally {
    stream.stop();
  }
});

Deno.test("a Content-Length over the cap fails before a byte of the body is read", async () => {
  await using server = FaultServer.start(() =>
    new Response("x".repeat(5_000), { headers: { "content-type": "text/plain" } })
  );
  const { seen, fetch: counting } = countingFetch();
  const fetch = createHttpFetch(options(server.url, { fetch: counting, maxBodyBytes: 4_000 }));
  const error = await assertRejects(() => fetch(`${server.url}/big`), HttpError);
  assertEquals(error.kind, "too_large");
  assertEquals(seen.bytes, 0);
});

Deno.test("a body exactly at the cap is whole; one byte more is too large", async () => {
  const body = (size: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        // Two chunks and no Content-Length: the streaming reader decides.
        controller.enqueue(encoder.encode(`"${"a".repeat(size - 2)}`));
        controller.enqueue(encoder.encode(`"`));
        controller.close();
      },
    });
  await using server = FaultServer.start((_, { recorded }) =>
    new Response(body(recorded.path === "/at" ? 1_000 : 1_001), {
      headers: { "content-type": "application/json" },
    })
  );
  const client = new HttpClient(options(server.url, { maxBodyBytes: 1_000 }));
  const at = await client.request<string>("GET", "at");
  assertEquals(at.data.length, 998);
  const over = await assertRejects(() => client.request("GET", "over"), HttpError);
  assertEquals(over.kind, "too_large");
});

Deno.test("the default cap is 8 MiB", () => {
  assertEquals(DEFAULT_MAX_BODY_BYTES, 8 * 1024 * 1024);
});

Deno.test("an endless error body: the status still comes through, the body is dropped", async () => {
  const stream = new Stream();
  await using server = FaultServer.start(() =>
    stream.response({ status: 500, limit: 64 << 20, headers: { "content-type": "text/html" } })
  );
  const { seen, fetch } = countingFetch();
  // POST: a 500 is not retried, so the one answer is the one handed back.
  const client = new HttpClient(options(server.url, { fetch, maxBodyBytes: 64 * 1024 }));
  try {
    const error = await assertRejects(
      () => settles(client.request("POST", "issues", { json: {} })),
      HttpError,
    );
    assertEquals(error.status, 500);
    assertEquals(error.kind, "http");
    assert(seen.bytes <= 64 * 1024 + seen.largestChunk);
    await settles(stream.closed, "the server seeing the connection close");
  } finally {
    stream.stop();
  }
});

// ---------------------------------------------------------------------------
// Bodies that break or stall after the headers

/** GitHub's issues list whose body breaks after the first bytes. */
function brokenIssues(stream: Stream): Response {
  return stream.response({
    prefix: '[{"number": 1, "title": "PACE escalation", "labels": [',
    breakAt: 1,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

Deno.test("a body that breaks mid-way: the fetch rejects with HttpError, never an empty answer", async () => {
  const stream = new Stream();
  await using server = FaultServer.start(() => brokenIssues(stream));
  const fetch = createHttpFetch(options(server.url, { retries: 2 }));
  const url = `${server.url}/repos/octo/app/issues?labels=pace&state=open`;
  // A consumer that, like Octokit, turns a failed read into "" would read
  // "no issues" here and create a duplicate: the failure must come earlier.
  const error = await assertRejects(
    () =>
      settles(
        fetch(url, { headers: { accept: "application/vnd.github+json" } })
          .then(octokitLikeData),
      ),
    HttpError,
  );
  assertEquals(error.kind, "network");
  assertEquals(error.status, 200);
  assert(error.retryable);
  assertStringIncludes(error.message, "its body failed");
  assert(!error.message.includes(TOKEN));
  // A GET whose body broke is asked again, like any dropped connection.
  assertEquals(server.requests.length, 3);
});

Deno.test("Octokit itself: a broken issues list rejects with the core's HttpError as cause", async () => {
  const stream = new Stream();
  await using server = FaultServer.start(() => brokenIssues(stream));
  const octokit = new Octokit({
    baseUrl: server.url,
    request: { fetch: createHttpFetch(options(server.url, { retries: 0 })) },
  });
  const error = await assertRejects(() =>
    settles(octokit.request("GET /repos/{owner}/{repo}/issues", { owner: "octo", repo: "app" }))
  );
  const cause = (error as Error & { cause?: unknown }).cause;
  assert(cause instanceof HttpError, `Octokit rejected with ${error}`);
  assertEquals(cause.kind, "network");
});

Deno.test("a GET whose body broke once recovers on the next attempt", async () => {
  const stream = new Stream();
  await using server = FaultServer.start((_, { index }) =>
    index === 0 ? brokenIssues(stream) : Response.json([{ number: 7 }])
  );
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep }));
  const response = await fetch(`${server.url}/repos/octo/app/issues`);
  assertEquals(await response.json(), [{ number: 7 }]);
  assertEquals(server.requests.length, 2);
  assertEquals(delays.length, 1);
});

Deno.test("a POST whose 201 body broke is not sent again; the error says it answered", async () => {
  const stream = new Stream();
  await using server = FaultServer.start(() =>
    stream.response({ status: 201, prefix: '{"number": 12, "title": ', breakAt: 1 })
  );
  const fetch = createHttpFetch(options(server.url));
  const error = await assertRejects(
    () => fetch(`${server.url}/repos/octo/app/issues`, { method: "POST", body: "{}" }),
    HttpError,
  );
  assertEquals(error.status, 201);
  assertEquals(error.kind, "network");
  assertEquals(server.requests.length, 1);
});

// ---------------------------------------------------------------------------
// Answers that had to be JSON

Deno.test("HTML or truncated JSON in a 200 declared JSON is an HttpError kind parse, not data", async () => {
  const bodies: Record<string, string> = {
    "/html": "<!DOCTYPE html><html><body>Bad gateway, try again</body></html>",
    "/truncated": '[{"number": 1, "title": "PACE escalation", "labels": [{"name": "pa',
  };
  await using server = FaultServer.start((_, { recorded }) =>
    new Response(bodies[recorded.path], {
      headers: { "content-type": "application/json; charset=utf-8" },
    })
  );
  const fetch = createHttpFetch(options(server.url));
  for (const path of Object.keys(bodies)) {
    const error = await assertRejects(
      () => fetch(`${server.url}${path}`).then(octokitLikeData),
      HttpError,
    );
    assertEquals(error.kind, "parse", path);
    assertEquals(error.status, 200, path);
    assert(error.retryable, path);
    assertStringIncludes(error.message, "malformed JSON");
  }
  // Through Octokit too: the call rejects instead of handing back a string.
  const octokit = new Octokit({ baseUrl: server.url, request: { fetch } });
  const error = await assertRejects(() => octokit.request("GET /truncated"));
  assert((error as Error & { cause?: unknown }).cause instanceof HttpError);
});

Deno.test("a non-JSON 200 when only JSON was accepted is an error; other answers pass", async () => {
  await using server = FaultServer.start((_, { recorded }) =>
    recorded.path === "/empty"
      ? new Response("", { headers: { "content-type": "application/json" } })
      : new Response("<html>login</html>", { headers: { "content-type": "text/html" } })
  );
  const fetch = createHttpFetch(options(server.url));
  const error = await assertRejects(
    () => fetch(`${server.url}/page`, { headers: { accept: "application/vnd.github+json" } }),
    HttpError,
  );
  assertEquals(error.kind, "parse");
  assertStringIncludes(error.message, "text/html, not JSON");
  // The caller accepts HTML: the page is the answer.
  const html = await fetch(`${server.url}/page`, { headers: { accept: "text/html, */*" } });
  assertEquals(await html.text(), "<html>login</html>");
  // An empty body says nothing broke.
  const empty = await fetch(`${server.url}/empty`, { headers: { accept: "application/json" } });
  assertEquals(await empty.text(), "");
});

Deno.test("the Response handed back keeps status, headers and URL, and can be read", async () => {
  await using server = FaultServer.start(() =>
    Response.json({ ok: true }, { status: 201, headers: { etag: '"v1"' } })
  );
  const fetch = createHttpFetch(options(server.url));
  const response = await fetch(`${server.url}/things`, { method: "POST", body: "{}" });
  assertEquals(response.status, 201);
  assertEquals(response.headers.get("etag"), '"v1"');
  assertEquals(response.url, `${server.url}/things`);
  assertEquals(await response.json(), { ok: true });
});

// ---------------------------------------------------------------------------
// One budget per call

Deno.test("a dribbling body: one budget for the whole call, kind timeout, connection closed", async () => {
  const stream = new Stream();
  await using server = FaultServer.start(() =>
    stream.response({ prefix: "[", chunk: encoder.encode(" "), everyMs: 20 })
  );
  const fetch = createHttpFetch(options(server.url, { timeoutMs: 300 }));
  try {
    const error = await assertRejects(
      () => settles(fetch(`${server.url}/repos/octo/app/issues`).then(octokitLikeData)),
      HttpError,
    );
    assertEquals(error.kind, "timeout");
    assertEquals(error.status, 200);
    assertStringIncludes(error.message, "its body timed out after 300 ms");
    // The budget was spent reading: no second attempt with a fresh budget.
    assertEquals(server.requests.length, 1);
    await settles(stream.closed, "the server seeing the connection close");
  } finally {
    stream.stop();
  }
});

Deno.test("retries and a dribbling body share the one budget", async () => {
  const stream = new Stream();
  await using server = FaultServer.start((_, { index }) =>
    index < 2
      ? new Response("busy", { status: 503 })
      : stream.response({ prefix: "[", chunk: encoder.encode(" "), everyMs: 20 })
  );
  const { delays, sleep } = fakeSleep();
  const client = new HttpClient(options(server.url, { timeoutMs: 300, sleep, backoffMs: 1 }));
  try {
    const error = await assertRejects(() => settles(client.request("GET", "issues")), HttpError);
    assertEquals(error.kind, "timeout");
    assertEquals(server.requests.length, 3);
    assertEquals(delays.length, 2);
    await settles(stream.closed, "the server seeing the connection close");
  } finally {
    stream.stop();
  }
});

Deno.test("a caller abort while the body dribbles: the abort, not an HttpError", async () => {
  const stream = new Stream();
  await using server = FaultServer.start(() =>
    stream.response({ prefix: "[", chunk: encoder.encode(" "), everyMs: 20 })
  );
  const fetch = createHttpFetch(options(server.url, { timeoutMs: 60_000 }));
  const controller = new AbortController();
  try {
    const pending = fetch(`${server.url}/x`, { signal: controller.signal });
    await server.waitForRequests(1);
    setTimeout(() => controller.abort(), 50);
    const error = await assertRejects(() => settles(pending));
    assertEquals((error as Error).name, "AbortError");
    assert(!(error instanceof HttpError));
    await settles(stream.closed, "the server seeing the connection close");
  } finally {
    stream.stop();
  }
});
