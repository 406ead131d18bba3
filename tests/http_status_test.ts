/**
 * The HTTP core and transient answers, against real local servers: 408, 425,
 * every 5xx (501 and Cloudflare's 520–530 included) and a 304 nobody asked
 * for are asked again; POST only where the server did not act on it; and
 * when the retries run out the error says "retryable", so a CI wait keeps
 * polling instead of ending as if the commit had no CI.
 *
 * No test sleeps for real: waits between attempts go through an injected
 * `sleep` that records the delay and resolves at once.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./_assert.ts";
import {
  createHttpFetch,
  HttpClient,
  HttpError,
  type HttpOptions,
  isRetryableStatus,
} from "../platforms/_core/http.ts";
import { SecretRegistry } from "../platforms/_core/secrets.ts";
import { FaultServer } from "./servers/_faults.ts";

/** Transient answers the core used to treat as final. */
const NEWLY_TRANSIENT = [408, 425, 501, 505, 507, 520, 521, 522, 523, 524, 530, 599];
/** Answers that stay final: asking again changes nothing. */
const FINAL = [400, 401, 403, 404, 405, 409, 410, 412, 422];

function fakeSleep() {
  const delays: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    delays.push(ms);
    return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  };
  return { delays, sleep };
}

function options(baseUrl: string, extra: Partial<HttpOptions> = {}): HttpOptions {
  return {
    baseUrl,
    platform: "Test",
    secrets: new SecretRegistry(),
    timeoutMs: 10_000,
    ...extra,
  };
}

const answer = (status: number, headers: Record<string, string> = {}) =>
  new Response(status === 304 ? null : `status ${status}`, { status, headers });

Deno.test("isRetryableStatus: 408, 425, 429 and every 5xx; client errors stay final", () => {
  for (const status of [...NEWLY_TRANSIENT, 429, 500, 502, 503, 504]) {
    assert(isRetryableStatus(status, new Headers()), `${status}`);
  }
  for (const status of [...FINAL, 304]) {
    assert(!isRetryableStatus(status, new Headers()), `${status}`);
  }
});

Deno.test("GET: each transient answer is asked again, and the next answer counts", async () => {
  for (const status of NEWLY_TRANSIENT) {
    await using server = FaultServer.start((_, { index }) =>
      index === 0 ? answer(status) : Response.json({ ok: true })
    );
    const { delays, sleep } = fakeSleep();
    const fetch = createHttpFetch(options(server.url, { sleep }));
    const response = await fetch(`${server.url}/commits/abc/status`);
    assertEquals(response.status, 200, `after ${status}`);
    assertEquals(await response.json(), { ok: true });
    assertEquals(server.requests.length, 2, `${status}`);
    assertEquals(delays.length, 1, `${status}`);
  }
});

Deno.test("HttpClient: a transient answer past the retries is a retryable HttpError", async () => {
  for (const status of NEWLY_TRANSIENT) {
    await using server = FaultServer.start(() => answer(status));
    const client = new HttpClient(options(server.url, { sleep: fakeSleep().sleep, retries: 1 }));
    const error = await assertRejects(() => client.request("GET", "pipelines"), HttpError);
    assertEquals(error.status, status);
    assertEquals(error.kind, "http");
    assert(error.retryable, `${status} must be retryable`);
    assertEquals(server.requests.length, 2, `${status}`);
  }
});

Deno.test("final answers are not asked again and are not retryable", async () => {
  for (const status of FINAL) {
    await using server = FaultServer.start(() => answer(status));
    const { delays, sleep } = fakeSleep();
    const client = new HttpClient(options(server.url, { sleep }));
    const error = await assertRejects(() => client.request("GET", "x"), HttpError);
    assertEquals(error.status, status);
    assert(!error.retryable, `${status}`);
    assertEquals(server.requests.length, 1);
    assertEquals(delays, []);
  }
});

Deno.test("POST: 408 and 425 are asked again (the server did not act on it)", async () => {
  for (const status of [408, 425]) {
    await using server = FaultServer.start((_, { index }) =>
      index === 0 ? answer(status) : Response.json({ id: 1 }, { status: 201 })
    );
    const fetch = createHttpFetch(options(server.url, { sleep: fakeSleep().sleep }));
    const response = await fetch(`${server.url}/issues`, { method: "POST", body: '{"t":1}' });
    assertEquals(response.status, 201, `after ${status}`);
    await response.body?.cancel();
    assertEquals(server.requests.map((r) => r.body), ['{"t":1}', '{"t":1}']);
  }
});

Deno.test("POST: 501 and 520–530 are not sent again (the create may have happened)", async () => {
  for (const status of [500, 501, 520, 522, 524, 530]) {
    await using server = FaultServer.start(() => answer(status));
    const { delays, sleep } = fakeSleep();
    const client = new HttpClient(options(server.url, { sleep }));
    const error = await assertRejects(
      () => client.request("POST", "issues", { json: { title: "x" } }),
      HttpError,
    );
    assertEquals(error.status, status);
    assertEquals(server.requests.length, 1, `${status}`);
    assertEquals(delays, []);
  }
});

Deno.test("a 304 to a request without a validator is asked again", async () => {
  await using server = FaultServer.start((_, { index }) =>
    index === 0 ? answer(304) : Response.json([{ id: 1 }])
  );
  const fetch = createHttpFetch(options(server.url, { sleep: fakeSleep().sleep }));
  const response = await fetch(`${server.url}/check-runs`);
  assertEquals(response.status, 200);
  assertEquals(await response.json(), [{ id: 1 }]);
  assertEquals(server.requests.length, 2);
});

Deno.test("a 304 nobody asked for, past the retries: a retryable HttpError, kind http", async () => {
  await using server = FaultServer.start(() => answer(304, { etag: '"x"' }));
  const fetch = createHttpFetch(options(server.url, { sleep: fakeSleep().sleep, retries: 2 }));
  const error = await assertRejects(() => fetch(`${server.url}/check-runs`), HttpError);
  assertEquals(error.status, 304);
  assertEquals(error.kind, "http");
  assert(error.retryable);
  assertStringIncludes(error.message, "not conditional");
  assertEquals(server.requests.length, 3);
  // The same through HttpClient, which accepts no 304 here.
  const client = new HttpClient(options(server.url, { sleep: fakeSleep().sleep, retries: 0 }));
  const viaClient = await assertRejects(() => client.request("GET", "statuses"), HttpError);
  assert(viaClient.retryable);
});

Deno.test("a 304 to a conditional request is the answer, handed back at once", async () => {
  await using server = FaultServer.start(() => answer(304, { etag: '"v1"' }));
  const { delays, sleep } = fakeSleep();
  const fetch = createHttpFetch(options(server.url, { sleep }));
  const validators: Record<string, string>[] = [
    { "if-none-match": '"v1"' },
    { "if-modified-since": "Sat, 01 Mar 2025 12:00:00 GMT" },
  ];
  for (const validator of validators) {
    const response = await fetch(`${server.url}/check-runs`, { headers: validator });
    assertEquals(response.status, 304);
    assertEquals(response.headers.get("etag"), '"v1"');
  }
  assertEquals(server.requests.length, 2);
  assertEquals(delays, []);
  const client = new HttpClient(options(server.url));
  const unchanged = await client.request("GET", "runs", {
    headers: { "if-none-match": '"v1"' },
    accept: [304],
  });
  assertEquals(unchanged.status, 304);
});
