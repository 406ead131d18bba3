/**
 * Tests of the fake servers' shared base, driven with plain `fetch` against a
 * tiny platform built on it: route matching, scripted faults, the request log,
 * credentials, and the hooks a platform overrides.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./_assert.ts";
import {
  type AuthCheck,
  type Call,
  checkCredentials,
  type Credential,
  FakeServer,
  html,
  json,
  matchPath,
  pageOf,
  Refusal,
  type Reply,
  route,
} from "./servers/_base.ts";

const TOKEN = "t0ken-for-tests";

/** A platform of a few routes under `/api`, accepting a bearer token or Basic. */
class FakeTodo extends FakeServer {
  items: string[] = ["first"];
  /** A behaviour switch, read at request time. */
  readOnly = false;
  /** Credentials checks seen by `unauthorized`. */
  refusals: AuthCheck[] = [];

  constructor() {
    super({ mount: "/api" });
    this.routes = [
      route("GET", "/items", () => json(200, this.items), ["page"]),
      route("POST", "/items", (call) => {
        if (this.readOnly) return json(403, { message: "read-only" });
        this.items.push(String(call.body?.name));
        return json(201, { id: this.items.length - 1 });
      }),
      route("GET", "/items/:id", (call) => {
        const item = this.items[Number(call.params.id)];
        if (item === undefined) throw new Refusal(json(404, { message: "no such item" }));
        return json(200, { id: call.params.id, name: item });
      }),
      route("GET", /^\/files\/(?<path>.+)$/, (call) => json(200, { path: call.params.path })),
      route("GET", "/page", () => html(200, "<p>hi</p>")),
      route("DELETE", "/items/:id", () => {
        throw new Refusal(json(400, { message: "no" }), "deleting is a client bug here");
      }),
    ];
  }

  protected override credentials(): Credential[] {
    return [
      { scheme: "bearer", token: TOKEN, name: "token" },
      { scheme: "basic", user: "robot", password: "s3cret", name: "password" },
    ];
  }

  protected override unauthorized(_call: Call, check: AuthCheck): Reply {
    this.refusals.push(check);
    return json(401, { message: "who are you?" });
  }
}

const bearer = { authorization: `Bearer ${TOKEN}` };

async function call(
  server: FakeTodo,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${server.origin}${path}`, {
    method,
    body: options.body,
    headers: { ...bearer, ...options.headers },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

Deno.test("base: routes match templates (decoded params) and RegExps (named groups)", async () => {
  await using server = new FakeTodo();
  assertEquals(server.url, `${server.origin}/api`);
  const item = await call(server, "GET", "/api/items/0");
  assertEquals([item.status, JSON.parse(item.text)], [200, { id: "0", name: "first" }]);
  const file = await call(server, "GET", "/api/files/a%20b/c.txt");
  assertEquals(JSON.parse(file.text), { path: "a b/c.txt" });
  assertEquals(item.headers.get("content-type"), "application/json");
  const page = await call(server, "GET", "/api/page");
  assertEquals(page.headers.get("content-type"), "text/html;charset=utf-8");
  assertEquals(server.violations, []);
});

Deno.test("base: unknown paths, wrong methods and undocumented queries are violations", async () => {
  await using server = new FakeTodo();
  assertEquals((await call(server, "GET", "/api/nothing")).status, 404);
  const wrong = await call(server, "PUT", "/api/items");
  assertEquals(wrong.status, 405);
  assertEquals((await call(server, "GET", "/api/items?page=1")).status, 200);
  assertEquals((await call(server, "GET", "/api/items?sort=x")).status, 400);
  assertEquals((await call(server, "GET", "/elsewhere")).status, 404);
  assertEquals(server.violations.length, 4, server.violations.join("\n"));
  assertMatch(server.violations[0], /^GET \/nothing: no such route$/);
  assertMatch(server.violations[1], /method not allowed \(allowed: GET, POST\)/);
  assertMatch(server.violations[2], /^GET \/items\?sort=x: undocumented query parameter\(s\) sort/);
  assertMatch(server.violations[3], /outside \/api/);
});

Deno.test("base: a thrown Refusal answers its reply, with a violation only when it names one", async () => {
  await using server = new FakeTodo();
  assertEquals((await call(server, "GET", "/api/items/7")).status, 404);
  assertEquals(server.violations, []);
  assertEquals((await call(server, "DELETE", "/api/items/0")).status, 400);
  assertEquals(server.violations, ["DELETE /items/0: deleting is a client bug here"]);
});

Deno.test("base: on() serves a route ahead of the platform's own; switches act at once", async () => {
  await using server = new FakeTodo();
  server.on("GET", "/items/:id", () => json(200, { overridden: true }));
  assertEquals(JSON.parse((await call(server, "GET", "/api/items/0")).text), { overridden: true });
  server.readOnly = true;
  assertEquals((await call(server, "POST", "/api/items", { body: "{}" })).status, 403);
  assertEquals(server.items, ["first"]);
});

Deno.test("base: the request log holds method, path below the mount, query, headers, body, status", async () => {
  await using server = new FakeTodo();
  await call(server, "POST", "/api/items?x=1", {
    body: JSON.stringify({ name: "second" }),
    headers: { "x-trace": "abc" },
  });
  await call(server, "POST", "/api/items", { body: "{not json" });
  const [first, second] = server.requests;
  assertEquals(first.method, "POST");
  assertEquals(first.path, "/items");
  assertEquals(first.query.get("x"), "1");
  assertEquals(first.headers.get("x-trace"), "abc");
  assertEquals(first.body, { name: "second" });
  assertEquals(first.status, 201);
  assertEquals(second.body, "{not json", "a body that is not JSON is kept as text");
  assertEquals(server.sent("/items", "POST").length, 2);
  assertEquals(server.sent(/^\/items$/, "GET").length, 0);
  assertEquals(server.items, ["first", "second", "undefined"]);
});

Deno.test("base: a burst of scripted statuses, then the normal answer", async () => {
  await using server = new FakeTodo();
  server.script({ path: /^\/items$/, method: "GET", status: 503, body: "busy", times: 2 });
  server.script({ path: /\?page=2$/, status: 429, headers: { "retry-after": "0" } });
  assertEquals(server.pendingScripts, 3);
  const first = await call(server, "GET", "/api/items");
  assertEquals([first.status, first.text], [503, "busy"]);
  assertEquals((await call(server, "POST", "/api/items", { body: "{}" })).status, 201);
  assertEquals((await call(server, "GET", "/api/items")).status, 503);
  const limited = await call(server, "GET", "/api/items?page=2");
  assertEquals([limited.status, limited.headers.get("retry-after")], [429, "0"]);
  assertEquals((await call(server, "GET", "/api/items")).status, 200);
  assertEquals(server.pendingScripts, 0);
  assertEquals(server.violations, []);
});

Deno.test("base: scripted faults wait for the credentials", async () => {
  await using server = new FakeTodo();
  server.script({ path: /items/, status: 500 });
  assertEquals(
    (await call(server, "GET", "/api/items", { headers: { authorization: "" } })).status,
    401,
  );
  assertEquals(server.pendingScripts, 1);
});

Deno.test("base: a malformed scripted body is sent as it is", async () => {
  await using server = new FakeTodo();
  server.script({ path: /items/, body: '{"truncated": ' });
  const answer = await call(server, "GET", "/api/items");
  assertEquals([answer.status, answer.text], [200, '{"truncated": ']);
});

Deno.test("base: a short hang delays the normal answer; perform answers 502 after doing it", async () => {
  await using server = new FakeTodo();
  server.script({ path: /items/, hangMs: 1 });
  assertEquals(JSON.parse((await call(server, "GET", "/api/items")).text), ["first"]);
  server.script({ method: "POST", path: /items/, perform: true });
  const performed = await call(server, "POST", "/api/items", { body: '{"name": "x"}' });
  assertEquals(performed.status, 502);
  assertEquals(server.items, ["first", "x"], "the create happened");
});

Deno.test("base: a dropped connection is a network error, recorded as status 0", async () => {
  await using server = new FakeTodo();
  server.script({ path: /items/, drop: true });
  await assertRejects(() => call(server, "GET", "/api/items"));
  assertEquals(server.requests[0].status, 0);
  assertEquals((await call(server, "GET", "/api/items")).status, 200);
});

Deno.test("base: a hang ends with a dropped connection when the server closes", async () => {
  const server = new FakeTodo();
  server.script({ path: /items/, hangMs: 60_000 });
  const pending = call(server, "GET", "/api/items").then(() => "answered", () => "dropped");
  await server.waitForRequests(1);
  await server.close();
  assertEquals(await pending, "dropped");
  assertEquals(server.requests[0].status, 0);
});

Deno.test("base: credentials — the accepted schemes pass, the rest reach unauthorized()", async () => {
  await using server = new FakeTodo();
  const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
  const as = (authorization: string) =>
    call(server, "GET", "/api/items", { headers: { authorization } });
  assertEquals((await as(basic("robot", "s3cret"))).status, 200);
  assertEquals((await as(basic("robot", "wrong"))).status, 401);
  assertEquals((await as(`Bearer ${TOKEN}x`)).status, 401);
  assertEquals((await as(`token ${TOKEN}`)).status, 401);
  assertEquals((await as("")).status, 401);
  assertEquals(server.refusals, [
    { ok: false, scheme: "basic", known: true, user: "robot" },
    { ok: false, scheme: "bearer", known: true, user: undefined },
    { ok: false, scheme: "token", known: false, user: undefined },
    { ok: false, scheme: "none", known: false, user: undefined },
  ]);
  assertEquals(server.requests.map((r) => r.status), [200, 401, 401, 401, 401]);
});

Deno.test("checkCredentials: token headers, names, and no credentials at all", () => {
  const accepted: Credential[] = [{ header: "private-token", token: "p", name: "pat" }];
  const ok = checkCredentials(new Headers({ "private-token": "p" }), accepted);
  assert(ok.ok && ok.credential.name === "pat");
  const wrong = checkCredentials(new Headers({ "private-token": "q" }), accepted);
  assertEquals(wrong, { ok: false, scheme: "private-token", known: true });
  assert(checkCredentials(new Headers(), []).ok, "no credentials configured: all pass");
});

Deno.test("matchPath and pageOf", () => {
  assertEquals(matchPath("/p/:id/x", "/p/g%2Fh/x"), { params: { id: "g/h" } });
  assertEquals(matchPath("/p/:id/x", "/p//x"), undefined, "an empty segment is no param");
  assertEquals(matchPath("/p/:id", "/p/%E0%A4%A"), undefined, "a malformed escape is no match");
  assertEquals(matchPath("/p", "/p/"), undefined);
  assertEquals(matchPath(/^\/a\/(?<n>\d+)$/, "/a/12")?.params, { n: "12" });
  assertEquals(pageOf([1, 2, 3, 4, 5], 2, 2), {
    items: [3, 4],
    page: 2,
    size: 2,
    total: 5,
    pages: 3,
  });
  assertEquals(pageOf([], 1, 10).pages, 1);
});
