/**
 * Tests of the test infrastructure itself: the OpenAPI validator and the fake
 * GitHub server, driven with plain `fetch`.
 */
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../_assert.ts";
import { createValidator, type OpenApiDocument } from "./_openapi.ts";
import { FakeGitHub, gitHubValidator, primaryRateLimit, secondaryRateLimit } from "./github.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";

interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  json: any;
  text: string;
}

/** A GitHub-conformant request; `headers` entries set to `null` are left out. */
async function call(
  gh: FakeGitHub,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string | null>; base?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const all: Record<string, string | null> = {
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
    authorization: `Bearer ${gh.token}`,
    ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    ...options.headers,
  };
  for (const [k, v] of Object.entries(all)) if (v !== null) headers[k] = v;
  const url = path.startsWith("http") ? path : `${options.base ?? gh.url}${path}`;
  const response = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

const R = "/repos/octo/pace-demo";

// ---------------------------------------------------------------------------
// The validator on a small document

const doc: OpenApiDocument = {
  paths: {
    "/things": {
      get: {
        operationId: "things/list",
        parameters: [
          { $ref: "#/components/parameters/per-page" },
          {
            name: "state",
            in: "query",
            schema: { type: "string", enum: ["open", "closed"] },
          },
          { name: "flag", in: "query", schema: { type: "boolean" } },
          { name: "ids", in: "query", schema: { type: "array", items: { type: "integer" } } },
        ],
      },
      post: {
        operationId: "things/create",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/thing" } } },
        },
      },
    },
    "/things/special": { get: { operationId: "things/special" } },
    "/things/{id}": {
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
      get: {
        operationId: "things/get",
        parameters: [{ name: "need", in: "query", required: true, schema: { type: "string" } }],
      },
      patch: {
        operationId: "things/update",
        requestBody: {
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { name: { type: "string", maxLength: 5 } },
                additionalProperties: { type: "integer" },
              },
            },
          },
        },
      },
    },
    "/compare/{base}...{head}": { get: { operationId: "compare" } },
  },
  components: {
    parameters: {
      "per-page": { name: "per_page", in: "query", schema: { type: "integer", maximum: 100 } },
    },
    schemas: {
      thing: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1 },
          size: { type: "integer", minimum: 0, nullable: true },
          kind: { oneOf: [{ type: "string" }, { type: "integer" }] },
          tags: { type: "array", items: { type: "string" } },
          meta: {
            type: "object",
            additionalProperties: false,
            properties: { a: { type: "string" } },
          },
          both: { allOf: [{ type: "object", required: ["x"] }, { required: ["y"] }] },
        },
      },
    },
  },
};

Deno.test("openapi: operations, literal templates first, unknown paths and methods", () => {
  const v = createValidator(doc);
  assertEquals(v.operationCount, 6);
  assertEquals(
    v.validate({ method: "GET", path: "/things/special" }).operationId,
    "things/special",
  );
  const get = v.validate({
    method: "GET",
    path: "/things/42",
    query: new URLSearchParams("need=x"),
  });
  assertEquals(get.errors, []);
  assertEquals(get.operationId, "things/get");
  assertEquals(get.pathParams, { id: "42" });
  assertStringIncludes(
    v.validate({ method: "GET", path: "/things/abc", query: new URLSearchParams("need=1") })
      .errors[0],
    "path parameter id: expected an integer",
  );
  assertEquals(v.validate({ method: "GET", path: "/nope" }).errors, [
    "no such operation: GET /nope",
  ]);
  assertStringIncludes(
    v.validate({ method: "DELETE", path: "/things" }).errors[0],
    "no such operation",
  );
  assertStringIncludes(
    v.validate({ method: "GET", path: "/things/" }).errors[0],
    "no such operation",
  );
  const compare = v.validate({ method: "GET", path: "/compare/main...feature" });
  assertEquals(compare.pathParams, { base: "main", head: "feature" });
});

Deno.test("openapi: query parameters", () => {
  const v = createValidator(doc);
  const q = (s: string) =>
    v.validate({ method: "GET", path: "/things", query: new URLSearchParams(s) }).errors;
  assertEquals(q("per_page=100&state=open&flag=true&ids=1&ids=2"), []);
  assertStringIncludes(q("bogus=1")[0], `unknown query parameter "bogus"`);
  assertStringIncludes(q("state=opened")[0], `"opened" is not one of "open", "closed"`);
  assertStringIncludes(q("per_page=ten")[0], "expected an integer");
  assertStringIncludes(q("per_page=101")[0], "above the maximum 100");
  assertStringIncludes(q("flag=yes")[0], "expected true or false");
  assertStringIncludes(q("ids=1&ids=x")[0], "ids[1]: expected an integer");
  assertStringIncludes(q("state=open&state=closed")[0], "given 2 times");
  assertStringIncludes(
    v.validate({ method: "GET", path: "/things/1" }).errors[0],
    `missing required query parameter "need"`,
  );
});

Deno.test("openapi: request bodies", () => {
  const v = createValidator(doc);
  const post = (body: unknown, contentType = "application/json") =>
    v.validate({ method: "POST", path: "/things", body, contentType }).errors;
  assertEquals(
    post({ name: "a", size: null, kind: 3, tags: ["x"], meta: { a: "b" }, both: { x: 1, y: 2 } }),
    [],
  );
  assertStringIncludes(post({ name: 5 })[0], "body.name: expected string, got integer");
  assertStringIncludes(post({})[0], `missing required property "name"`);
  assertStringIncludes(post({ name: "" })[0], "minLength");
  assertStringIncludes(post({ name: "a", size: -1 })[0], "below the minimum");
  assertStringIncludes(post({ name: "a", kind: true })[0], "matches none of the oneOf");
  assertStringIncludes(post({ name: "a", tags: [1] })[0], "body.tags[0]: expected string");
  assertStringIncludes(
    post({ name: "a", meta: { a: "b", c: 1 } })[0],
    `unexpected property "c" (additionalProperties: false)`,
  );
  assertStringIncludes(post({ name: "a", both: { x: 1 } })[0], `missing required property "y"`);
  assertStringIncludes(post([])[0], "body: expected object, got array");
  assertStringIncludes(post({ name: "a" }, "text/plain")[0], "content-type text/plain");
  assertStringIncludes(
    v.validate({ method: "POST", path: "/things" }).errors[0],
    "requires a request body",
  );
  assertStringIncludes(
    v.validate({ method: "GET", path: "/things/special", body: {} }).errors[0],
    "takes no request body",
  );
  const patch = (body: unknown) => v.validate({ method: "PATCH", path: "/things/1", body }).errors;
  assertEquals(patch({ name: "abc", extra: 1 }), []);
  assertStringIncludes(patch({ extra: "x" })[0], "body.extra: expected integer");
  assertStringIncludes(patch({ name: "abcdef" })[0], "maxLength 5");
  assertEquals(v.validate({ method: "PATCH", path: "/things/1" }).errors, []); // optional body
  // Undeclared properties pass unless strictBodies is on.
  assertEquals(post({ name: "a", color: "red" }), []);
  const strict = createValidator(doc, { strictBodies: true });
  assertStringIncludes(
    strict.validate({ method: "POST", path: "/things", body: { name: "a", color: "red" } })
      .errors[0],
    `undocumented property "color"`,
  );
});

Deno.test("openapi: GitHub's description (api.github.com)", async () => {
  const v = await gitHubValidator();
  assert(v.operationCount > 1000, `only ${v.operationCount} operations`);
  const ok = (method: string, path: string, query = "", body?: unknown) =>
    v.validate({
      method,
      path,
      query: new URLSearchParams(query),
      body,
      contentType: body === undefined ? undefined : "application/json",
    });
  assertEquals(
    ok("GET", `${R}/pulls`, "state=open&head=octo:pace/review-day-3&base=main").errors,
    [],
  );
  assertEquals(ok("GET", `${R}/commits/${SHA}/status`, "per_page=100&page=2").errors, []);
  assertEquals(
    ok("GET", `${R}/commits/${SHA}/check-runs`, "per_page=100&filter=all").operationId,
    "checks/list-for-ref",
  );
  assertEquals(ok("GET", `${R}/issues`, "labels=a,b&state=all&per_page=100").errors, []);
  assertEquals(ok("POST", `${R}/actions/variables`, "", { name: "X", value: "1" }).errors, []);
  assertStringIncludes(
    ok("POST", `${R}/actions/variables`, "", { name: "X" }).errors[0],
    `missing required property "value"`,
  );
  assertStringIncludes(
    ok("GET", `${R}/commits/${SHA}/status`, "filter=all").errors[0],
    `unknown query parameter "filter"`,
  );
  assertStringIncludes(ok("GET", `${R}/issues/abc`).errors[0], "issue_number");
});

// ---------------------------------------------------------------------------
// The server

Deno.test("server: repository, auth, required headers, rate-limit headers", async () => {
  await using gh = await FakeGitHub.start();
  const repo = await call(gh, "GET", R);
  assertEquals(repo.status, 200);
  assertEquals(repo.json.default_branch, "main");
  assertEquals(repo.json.full_name, "octo/pace-demo");
  assertEquals(repo.json.html_url, `${gh.webUrl}/octo/pace-demo`);
  assertEquals(repo.headers.get("x-ratelimit-limit"), "5000");
  assertEquals(repo.headers.get("x-ratelimit-remaining"), "4999");
  assertEquals(repo.headers.get("x-ratelimit-used"), "1");
  assertEquals(repo.headers.get("x-ratelimit-resource"), "core");
  assertMatch(repo.headers.get("x-ratelimit-reset")!, /^\d{10}$/);

  const tokenScheme = await call(gh, "GET", R, { headers: { authorization: `token ${gh.token}` } });
  assertEquals(tokenScheme.status, 200);

  const missing = await call(gh, "GET", "/repos/octo/other");
  assertEquals(missing.status, 404);
  assertEquals(missing.json.message, "Not Found");
  assert(missing.json.documentation_url);

  const anonymous = await call(gh, "GET", R, { headers: { authorization: null } });
  assertEquals(anonymous.status, 401);
  assertEquals(anonymous.json.message, "Bad credentials");
  assertEquals(anonymous.json.status, "401");
  const wrong = await call(gh, "GET", R, { headers: { authorization: "Bearer nope" } });
  assertEquals(wrong.status, 401);
  assertEquals(gh.violations, []);

  const noAccept = await call(gh, "GET", R, { headers: { accept: "application/json" } });
  assertEquals(noAccept.status, 400);
  const noVersion = await call(gh, "GET", R, { headers: { "x-github-api-version": null } });
  assertEquals(noVersion.status, 400);
  assertEquals(gh.violations.length, 2);
  assertStringIncludes(gh.violations[0], "Accept must be application/vnd.github+json");
  assertStringIncludes(gh.violations[1], "X-GitHub-Api-Version");
  assertEquals(gh.requests.length, 7);
  assertEquals(gh.requests[0].path, R);
  assertEquals(gh.requests[0].operationId, "repos/get");
  assertEquals(gh.requests.map((r) => r.status), [200, 200, 404, 401, 401, 400, 400]);
});

Deno.test("server: OpenAPI violations are answered 400 and recorded", async () => {
  await using gh = await FakeGitHub.start();
  gh.branches.add("feature");

  const unknownParam = await call(gh, "GET", `${R}/pulls?state=open&colour=red`);
  assertEquals(unknownParam.status, 400);
  assertStringIncludes(unknownParam.json.message, "OpenAPI violation");
  assertStringIncludes(unknownParam.json.message, `unknown query parameter "colour"`);

  const badEnum = await call(gh, "GET", `${R}/issues?state=opened`);
  assertEquals(badEnum.status, 400);
  assertStringIncludes(badEnum.json.message, `"opened" is not one of`);

  const badType = await call(gh, "POST", `${R}/pulls`, {
    body: { title: 5, head: "feature", base: "main" },
  });
  assertEquals(badType.status, 400);
  assertStringIncludes(badType.json.message, "body.title: expected string, got integer");

  // `issue_field_values` items say additionalProperties: false.
  const extra = await call(gh, "POST", `${R}/issues`, {
    body: { title: "t", issue_field_values: [{ field_id: 1, value: "v", colour: "red" }] },
  });
  assertEquals(extra.status, 400);
  assertStringIncludes(extra.json.message, `unexpected property "colour"`);

  // Undocumented body properties (GitHub would ignore them) are refused by default.
  const labelsOnPull = await call(gh, "POST", `${R}/pulls`, {
    body: { title: "t", head: "feature", base: "main", labels: ["x"] },
  });
  assertEquals(labelsOnPull.status, 400);
  assertStringIncludes(labelsOnPull.json.message, `undocumented property "labels"`);

  const unknownPath = await call(gh, "GET", `${R}/no-such-thing`);
  assertEquals(unknownPath.status, 400);
  assertStringIncludes(unknownPath.json.message, "no such operation: GET /repos/");

  const textBody = await call(gh, "POST", `${R}/issues`, {
    body: { title: "t" },
    headers: { "content-type": "text/plain" },
  });
  assertEquals(textBody.status, 400);

  const notImplemented = await call(gh, "GET", `${R}/branches`);
  assertEquals(notImplemented.status, 501);
  assertStringIncludes(notImplemented.json.message, "repos/list-branches");

  assertEquals(gh.violations.length, 8);
  assertStringIncludes(gh.violations[7], "not implemented");
  // Nothing was created by refused requests.
  assertEquals(gh.pulls.length + gh.issues.length, 0);
});

Deno.test("server: strictBodies false accepts what GitHub would ignore; validate false", async () => {
  await using gh = await FakeGitHub.start({ strictBodies: false });
  gh.branches.add("feature");
  const created = await call(gh, "POST", `${R}/pulls`, {
    body: { title: "t", head: "feature", base: "main", labels: ["x"] },
  });
  assertEquals(created.status, 201);
  assertEquals(gh.violations, []);

  await using loose = await FakeGitHub.start({ validate: false });
  const anything = await call(loose, "GET", `${R}/pulls?colour=red`);
  assertEquals(anything.status, 200);
  assertEquals((await call(loose, "GET", "/nope")).status, 404);
});

Deno.test("server: pull requests — create, duplicate 422, unknown head 422, head filter", async () => {
  await using gh = await FakeGitHub.start();
  const head = "pace/review-day-3";
  const missing = await call(gh, "POST", `${R}/pulls`, {
    body: { title: "[PACE Review Gate] Days 1–3", head, base: "main", body: "b" },
  });
  assertEquals(missing.status, 422);
  assertEquals(missing.json.message, "Validation Failed");
  assertEquals(missing.json.errors, [{ resource: "PullRequest", field: "head", code: "invalid" }]);

  gh.branches.add(head);
  const created = await call(gh, "POST", `${R}/pulls`, {
    body: { title: "[PACE Review Gate] Days 1–3", head, base: "main", body: "b" },
  });
  assertEquals(created.status, 201);
  assertEquals(created.json.number, 1);
  assertEquals(created.json.html_url, `${gh.webUrl}/octo/pace-demo/pull/1`);
  assertEquals(created.json.url, `${gh.url}/repos/octo/pace-demo/pulls/1`);
  assertEquals(created.json.state, "open");
  assertEquals(created.json.head.ref, head);
  assertEquals(created.json.head.label, `octo:${head}`);
  assertEquals(created.json.base.ref, "main");
  assertEquals(created.json.merged_at, null);

  const again = await call(gh, "POST", `${R}/pulls`, {
    body: { title: "again", head, base: "main" },
  });
  assertEquals(again.status, 422);
  assertEquals(again.json.errors, [{
    resource: "PullRequest",
    code: "custom",
    message: "A pull request already exists for octo:pace/review-day-3.",
  }]);

  gh.addPull({ head: "other", title: "Other" });
  const byHead = await call(gh, "GET", `${R}/pulls?state=open&head=octo:${head}&base=main`);
  assertEquals(byHead.status, 200);
  assertEquals(byHead.json.map((p: { number: number }) => p.number), [1]);
  // Like GitHub: a head filter without the owner prefix is ignored.
  const unprefixed = await call(gh, "GET", `${R}/pulls?head=${head}`);
  assertEquals(unprefixed.json.length, 2);
  const otherOwner = await call(gh, "GET", `${R}/pulls?head=someone:${head}`);
  assertEquals(otherOwner.json, []);
  const closed = await call(gh, "GET", `${R}/pulls?state=closed`);
  assertEquals(closed.json, []);
  assertEquals(gh.violations, []);
});

Deno.test("server: issues — create, label filter (PRs included), get, patch, comments", async () => {
  await using gh = await FakeGitHub.start();
  const create = (title: string, labels: string[]) =>
    call(gh, "POST", `${R}/issues`, { body: { title, body: "text", labels } });
  const hold = await create("[PACE HOLD] Day 3 — x", ["pace-hold", "pace-day-3"]);
  assertEquals(hold.status, 201);
  assertEquals(hold.json.number, 1);
  assertEquals(hold.json.html_url, `${gh.webUrl}/octo/pace-demo/issues/1`);
  assertEquals(hold.json.state, "open");
  assertEquals(hold.json.labels.map((l: { name: string }) => l.name), ["pace-hold", "pace-day-3"]);
  assertEquals("pull_request" in hold.json, false);
  await create("advisory", ["pace-advisory", "pace-day-3"]);
  await create("hold 4", ["pace-hold", "pace-day-4"]);
  const pull = gh.addPull({ head: "x", labels: ["pace-hold", "pace-day-3"] });
  assertEquals(pull.number, 4); // one sequence for issues and pull requests

  const found = await call(gh, "GET", `${R}/issues?labels=pace-hold,pace-day-3&state=open`);
  assertEquals(found.status, 200);
  assertEquals(found.json.map((i: { number: number }) => i.number), [4, 1]);
  assertEquals(found.json[0].pull_request.html_url, `${gh.webUrl}/octo/pace-demo/pull/4`);

  const closed = await call(gh, "PATCH", `${R}/issues/1`, {
    body: { state: "closed", state_reason: "completed" },
  });
  assertEquals(closed.status, 200);
  assertEquals(closed.json.state, "closed");
  assertEquals(closed.json.state_reason, "completed");
  const open = await call(gh, "GET", `${R}/issues?labels=pace-hold,pace-day-3`);
  assertEquals(open.json.map((i: { number: number }) => i.number), [4]);
  const all = await call(gh, "GET", `${R}/issues?labels=pace-hold&state=all`);
  assertEquals(all.json.length, 3);
  const reopened = await call(gh, "PATCH", `${R}/issues/1`, { body: { state: "open" } });
  assertEquals(reopened.json.state_reason, "reopened");

  const one = await call(gh, "GET", `${R}/issues/1`);
  assertEquals(one.json.title, "[PACE HOLD] Day 3 — x");
  assertEquals((await call(gh, "GET", `${R}/issues/99`)).status, 404);
  assertEquals(
    (await call(gh, "PATCH", `${R}/issues/99`, { body: { state: "closed" } })).status,
    404,
  );

  const comment = await call(gh, "POST", `${R}/issues/1/comments`, { body: { body: "handoff" } });
  assertEquals(comment.status, 201);
  assertMatch(comment.json.html_url, /\/octo\/pace-demo\/issues\/1#issuecomment-\d+$/);
  assertEquals(gh.comments.map((c) => [c.issue_number, c.body]), [[1, "handoff"]]);
  assertEquals(
    (await call(gh, "POST", `${R}/issues/99/comments`, { body: { body: "x" } })).status,
    404,
  );
  assertEquals(gh.violations, []);
});

Deno.test("server: check runs paginate with Link headers like GitHub", async () => {
  await using gh = await FakeGitHub.start();
  for (let i = 0; i < 250; i++) {
    gh.addCheckRun(SHA, { name: `job-${i}`, status: "completed", conclusion: "success" });
  }
  const first = await call(gh, "GET", `${R}/commits/${SHA}/check-runs?per_page=100`);
  assertEquals(first.status, 200);
  assertEquals(first.json.total_count, 250);
  assertEquals(first.json.check_runs.length, 100);
  const run = first.json.check_runs[0];
  assertEquals(run.name, "job-0");
  assertEquals(run.head_sha, SHA);
  assertEquals(run.conclusion, "success");
  assertMatch(run.html_url, /^http:\/\/127\.0\.0\.1:\d+\/octo\/pace-demo\/runs\/\d+$/);
  const base = `${gh.url}/repositories/${gh.repoId}/commits/${SHA}/check-runs`;
  assertEquals(
    first.headers.get("link"),
    `<${base}?per_page=100&page=2>; rel="next", <${base}?per_page=100&page=3>; rel="last"`,
  );
  // Following GitHub's own Link URL works.
  const second = await call(gh, "GET", `${base}?per_page=100&page=2`);
  assertEquals(second.status, 200);
  assertEquals(second.json.check_runs[0].name, "job-100");
  assertEquals(
    second.headers.get("link"),
    `<${base}?per_page=100&page=1>; rel="prev", <${base}?per_page=100&page=3>; rel="next", ` +
      `<${base}?per_page=100&page=3>; rel="last", <${base}?per_page=100&page=1>; rel="first"`,
  );
  const third = await call(gh, "GET", `${R}/commits/${SHA}/check-runs?per_page=100&page=3`);
  assertEquals(third.json.check_runs.length, 50);
  assertEquals(third.json.total_count, 250);
  assertStringIncludes(third.headers.get("link")!, `rel="prev"`);
  assertEquals(third.headers.get("link")!.includes(`rel="next"`), false);
  // Default page size 30, max 100.
  const defaults = await call(gh, "GET", `${R}/commits/${SHA}/check-runs`);
  assertEquals(defaults.json.check_runs.length, 30);
  const clamped = await call(gh, "GET", `${R}/commits/${SHA}/check-runs?per_page=500`);
  assertEquals(clamped.json.check_runs.length, 100);
  assertEquals(gh.violations, []);

  await using repos = await FakeGitHub.start({ linkStyle: "repos" });
  for (let i = 0; i < 3; i++) repos.addCheckRun(SHA, { name: `j${i}` });
  const small = await call(repos, "GET", `${R}/commits/${SHA}/check-runs?per_page=2`);
  assertStringIncludes(
    small.headers.get("link")!,
    `<${repos.url}${R}/commits/${SHA}/check-runs?per_page=2&page=2>; rel="next"`,
  );
});

Deno.test("server: check runs filter=latest, short SHA, status updates", async () => {
  await using gh = await FakeGitHub.start();
  gh.addCheckRun(SHA, { name: "build", conclusion: "failure" });
  gh.addCheckRun(SHA, { name: "build", status: "in_progress" }); // a re-run
  gh.addCheckRun(SHA, { name: "lint", status: "queued" });
  const latest = await call(gh, "GET", `${R}/commits/${SHA.slice(0, 7)}/check-runs`);
  assertEquals(latest.json.total_count, 2);
  assertEquals(
    latest.json.check_runs.map((r: { name: string; status: string }) => [r.name, r.status]),
    [["build", "in_progress"], ["lint", "queued"]],
  );
  const all = await call(gh, "GET", `${R}/commits/${SHA}/check-runs?filter=all`);
  assertEquals(all.json.total_count, 3);
  gh.setCheckRun(SHA, "lint", { status: "completed", conclusion: "success" });
  const after = await call(gh, "GET", `${R}/commits/${SHA}/check-runs?check_name=lint`);
  assertEquals(after.json.check_runs[0].conclusion, "success");
  const none = await call(gh, "GET", `${R}/commits/${"f".repeat(40)}/check-runs`);
  assertEquals(none.json, { total_count: 0, check_runs: [] });
  assertEquals((await call(gh, "GET", `${R}/commits/not-a-ref/check-runs`)).status, 422);
});

Deno.test("server: combined status, ETag and 304 that costs no rate limit", async () => {
  await using gh = await FakeGitHub.start();
  const path = `${R}/commits/${SHA}/status`;
  const empty = await call(gh, "GET", path);
  assertEquals(empty.json.state, "pending");
  assertEquals(empty.json.total_count, 0);
  gh.addStatus(SHA, { context: "ci/jenkins", state: "pending" });
  gh.addStatus(SHA, { context: "ci/jenkins", state: "success", target_url: "https://ci/1" });
  gh.addStatus(SHA, { context: "ci/other", state: "success" });

  const first = await call(gh, "GET", path);
  assertEquals(first.status, 200);
  assertEquals(first.json.state, "success");
  assertEquals(first.json.sha, SHA);
  assertEquals(first.json.total_count, 2);
  const jenkins = first.json.statuses.find((s: { context: string }) => s.context === "ci/jenkins");
  assertEquals(jenkins.state, "success");
  assertEquals(jenkins.target_url, "https://ci/1");
  const etag = first.headers.get("etag")!;
  assertMatch(etag, /^"[0-9a-f]{64}"$/);
  const remaining = Number(first.headers.get("x-ratelimit-remaining"));

  const cached = await call(gh, "GET", path, { headers: { "if-none-match": etag } });
  assertEquals(cached.status, 304);
  assertEquals(cached.text, "");
  assertEquals(cached.headers.get("etag"), etag);
  assertEquals(Number(cached.headers.get("x-ratelimit-remaining")), remaining);
  const weak = await call(gh, "GET", path, { headers: { "if-none-match": `W/${etag}` } });
  assertEquals(weak.status, 304);
  assertEquals(gh.stats.notModified, 2);
  assertEquals(gh.rateLimit.remaining, remaining);

  gh.addStatus(SHA, { context: "ci/other", state: "error" });
  const changed = await call(gh, "GET", path, { headers: { "if-none-match": etag } });
  assertEquals(changed.status, 200);
  assertEquals(changed.json.state, "failure");
  assert(changed.headers.get("etag") !== etag);
  assertEquals(Number(changed.headers.get("x-ratelimit-remaining")), remaining - 1);
  assertEquals(gh.stats.ok, 3);

  // Check runs carry ETags too.
  gh.addCheckRun(SHA, { name: "build" });
  const runs = await call(gh, "GET", `${R}/commits/${SHA}/check-runs`);
  const again = await call(gh, "GET", `${R}/commits/${SHA}/check-runs`, {
    headers: { "if-none-match": runs.headers.get("etag")! },
  });
  assertEquals(again.status, 304);
  assertEquals(gh.violations, []);
});

Deno.test("server: Actions variables 201, 409, 204, 404", async () => {
  await using gh = await FakeGitHub.start();
  const path = `${R}/actions/variables`;
  assertEquals((await call(gh, "GET", `${path}/PACE_DAY`)).status, 404);
  const created = await call(gh, "POST", path, { body: { name: "PACE_DAY", value: "3" } });
  assertEquals(created.status, 201);
  assertEquals(created.json, {});
  const conflict = await call(gh, "POST", path, { body: { name: "PACE_DAY", value: "4" } });
  assertEquals(conflict.status, 409);
  const updated = await call(gh, "PATCH", `${path}/PACE_DAY`, { body: { value: "4" } });
  assertEquals(updated.status, 204);
  assertEquals(updated.text, "");
  const got = await call(gh, "GET", `${path}/PACE_DAY`);
  assertEquals(got.status, 200);
  assertEquals(got.json.name, "PACE_DAY");
  assertEquals(got.json.value, "4");
  assert(got.json.created_at && got.json.updated_at);
  const missing = await call(gh, "PATCH", `${path}/NOPE`, { body: { value: "1" } });
  assertEquals(missing.status, 404);
  const reserved = await call(gh, "POST", path, { body: { name: "GITHUB_X", value: "1" } });
  assertEquals(reserved.status, 422);
  assertEquals(gh.getVariable("pace_day")?.value, "4");
  assertEquals(gh.violations, []);
});

Deno.test("server: GitHub Enterprise Server base path", async () => {
  await using gh = await FakeGitHub.start({ basePath: "/api/v3" });
  assertEquals(gh.url, `${gh.webUrl}/api/v3`);
  const repo = await call(gh, "GET", R);
  assertEquals(repo.status, 200);
  assertEquals(repo.json.html_url, `${gh.webUrl}/octo/pace-demo`);
  assertEquals(gh.requests[0].path, R);
  gh.branches.add("b");
  const pull = await call(gh, "POST", `${R}/pulls`, {
    body: { title: "t", head: "b", base: "main" },
  });
  assertEquals(pull.json.html_url, `${gh.webUrl}/octo/pace-demo/pull/1`);
  assertEquals(pull.json.url, `${gh.webUrl}/api/v3/repos/octo/pace-demo/pulls/1`);
  assertEquals(gh.violations, []);
  const outside = await call(gh, "GET", R, { base: gh.webUrl });
  assertEquals(outside.status, 404);
  assertStringIncludes(gh.violations[0], "outside the API base path /api/v3");
});

Deno.test("server: scripted faults are consumed in order, once each", async () => {
  await using gh = await FakeGitHub.start();
  const reset = Math.floor(Date.now() / 1000) + 60;
  const path = `${R}/commits/${SHA}/check-runs`;
  gh.script(primaryRateLimit({ path: /check-runs/, reset }));
  gh.script(secondaryRateLimit({ path: /check-runs/, retryAfter: 2 }));
  gh.script(secondaryRateLimit({ path: /check-runs/, retryAfter: 3, status: 429 }));
  gh.script({ method: "POST", path: /check-runs/, status: 500 }); // other method: never used
  assertEquals(gh.pendingScripts, 4);

  const primary = await call(gh, "GET", path);
  assertEquals(primary.status, 403);
  assertEquals(primary.headers.get("x-ratelimit-remaining"), "0");
  assertEquals(primary.headers.get("x-ratelimit-reset"), String(reset));
  assertStringIncludes(primary.json.message, "API rate limit exceeded");
  const secondary = await call(gh, "GET", path);
  assertEquals(secondary.status, 403);
  assertEquals(secondary.headers.get("retry-after"), "2");
  const tooMany = await call(gh, "GET", path);
  assertEquals(tooMany.status, 429);
  assertEquals(tooMany.headers.get("retry-after"), "3");
  const normal = await call(gh, "GET", path);
  assertEquals(normal.status, 200);
  assertEquals(gh.pendingScripts, 1);

  gh.script({ path: /\/status$/, times: 2, status: 502, body: "<html>bad gateway</html>" });
  assertEquals((await call(gh, "GET", `${R}/commits/${SHA}/status`)).status, 502);
  const second = await call(gh, "GET", `${R}/commits/${SHA}/status`);
  assertEquals(second.text, "<html>bad gateway</html>");
  assertEquals((await call(gh, "GET", `${R}/commits/${SHA}/status`)).status, 200);

  // A dropped connection is a network error for the client.
  gh.script({ path: /\/status$/, drop: true });
  await assertRejects(() => call(gh, "GET", `${R}/commits/${SHA}/status`));
  assertEquals(gh.requests.at(-1)!.status, 0);
  assertEquals((await call(gh, "GET", `${R}/commits/${SHA}/status`)).status, 200);

  // A short hang, then the normal answer.
  gh.script({ path: /\/status$/, hangMs: 50 });
  const started = Date.now();
  assertEquals((await call(gh, "GET", `${R}/commits/${SHA}/status`)).status, 200);
  assert(Date.now() - started >= 45);

  // The real rate limit running out.
  gh.rateLimit.remaining = 0;
  const exhausted = await call(gh, "GET", R);
  assertEquals(exhausted.status, 403);
  assertEquals(exhausted.headers.get("x-ratelimit-remaining"), "0");
  assertEquals(gh.violations, []);
});

Deno.test("server: a hang ends when the server closes, even after the client gave up", async () => {
  const gh = await FakeGitHub.start();
  gh.script({ path: /check-runs/, hangMs: 600_000 });
  gh.script({ path: /check-runs/, hangMs: 600_000 });

  const controller = new AbortController();
  const aborted = fetch(`${gh.url}${R}/commits/${SHA}/check-runs`, {
    headers: {
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      authorization: `Bearer ${gh.token}`,
    },
    signal: controller.signal,
  });
  while (gh.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
  controller.abort();
  await assertRejects(() => aborted);

  const pending = call(gh, "GET", `${R}/commits/${SHA}/check-runs`);
  while (gh.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
  const started = Date.now();
  await gh.close();
  await assertRejects(() => pending);
  assert(Date.now() - started < 2000, "close() waited for the hang");
  await gh.close(); // idempotent
});
