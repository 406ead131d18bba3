/**
 * The fake Gitea itself: it refuses what Gitea's and Forgejo's published API
 * descriptions do not allow, and keeps Gitea's quirks, so that the adapter
 * tests passing means something.
 */
import { assert, assertEquals, assertMatch } from "./_assert.ts";
import { FakeGitea } from "./servers/gitea.ts";
import { API_SOURCES, isDescribed, operationKey } from "./servers/gitea/api.ts";

const repo = "/api/v1/repos/pace-org/pace-demo";

async function ask(
  gitea: FakeGitea,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const response = await fetch(`${gitea.origin}${path}`, {
    method,
    headers: {
      authorization: `token ${gitea.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

Deno.test("fake gitea: the table is read from the published packages", () => {
  assertEquals(API_SOURCES, { gitea: "gitea-js@1.23.0", forgejo: "@llamaduck/forgejo-ts@15.0.9" });
  assert(isDescribed(operationKey("GET", "/repos/{owner}/{repo}/issues/{index}/comments")));
  assert(!isDescribed(operationKey("GET", "/repos/{owner}/{repo}/check-runs")));
});

Deno.test("fake gitea: undocumented parameters and fields are refused and recorded", async () => {
  await using gitea = FakeGitea.start();
  const cases: [string, string, unknown, RegExp][] = [
    ["GET", `${repo}/labels?per_page=100`, undefined, /query parameter per_page is not documented/],
    [
      "GET",
      `${repo}/issues/1/comments?page=1`,
      undefined,
      /query parameter page is not documented/,
    ],
    ["GET", `${repo}/issues?state=opened`, undefined, /state must be one of closed, open, all/],
    ["GET", `${repo}/commits/abc1234/status?limit=many`, undefined, /limit must be an integer/],
    [
      "POST",
      `${repo}/issues`,
      { title: "t", labels: ["pace-hold"] },
      /labels items must be an integer/,
    ],
    [
      "POST",
      `${repo}/issues`,
      { title: "t", description: "x" },
      /description is not a documented field/,
    ],
    ["POST", `${repo}/labels`, { name: "x" }, /color is required/],
    ["POST", `${repo}/branches`, { branch: "x", ref: "main" }, /new_branch_name is required/],
    [
      "PATCH",
      `${repo}/issues/1`,
      { state_event: "close" },
      /state_event is not a documented field/,
    ],
    [
      "POST",
      `${repo}/pulls`,
      { head: "a", base: "b", title: "t", reviewers: ["x"] },
      /reviewers is not a documented field \(@llamaduck/,
    ],
  ];
  for (const [method, path, body, problem] of cases) {
    const before = gitea.violations.length;
    const answer = await ask(gitea, method, path, body);
    assertEquals(answer.status, 422, `${method} ${path}`);
    assertMatch(gitea.violations.slice(before).join("\n"), problem);
  }
  // A form body is no JSON.
  const form = await ask(gitea, "POST", `${repo}/issues`, "title=t", {
    "content-type": "application/x-www-form-urlencoded",
  });
  assertEquals(form.status, 422);
});

Deno.test("fake gitea: a Forgejo-only parameter passes a Forgejo, not both", async () => {
  await using both = FakeGitea.start();
  assertEquals((await ask(both, "GET", `${repo}/labels?sort=mostissues`)).status, 422);
  await using forgejo = FakeGitea.start({ vendors: ["forgejo"] });
  assertEquals((await ask(forgejo, "GET", `${repo}/labels?sort=mostissues`)).status, 200);
  assertEquals(forgejo.violations, []);
  both.violations.length = 0;
});

Deno.test("fake gitea: tokens and scopes answer as Gitea does", async () => {
  await using gitea = FakeGitea.start({ scopes: ["read:repository"] });
  const none = await ask(gitea, "GET", repo, undefined, { authorization: "" });
  assertEquals([none.status, (none.json as { message: string }).message], [
    401,
    "token is required",
  ]);
  assertEquals((await ask(gitea, "GET", repo)).status, 200);
  const bearer = await ask(gitea, "GET", repo, undefined, {
    authorization: `Bearer ${gitea.token}`,
  });
  assertEquals(bearer.status, 200);
  const issues = await ask(gitea, "GET", `${repo}/issues`);
  assertEquals(issues.status, 403);
  assertMatch((issues.json as { message: string }).message, /required scope\(s\): \[read:issue\]/);
  const branch = await ask(gitea, "POST", `${repo}/branches`, { new_branch_name: "x" });
  assertMatch((branch.json as { message: string }).message, /\[write:repository\]/);
});

Deno.test("fake gitea: unknown label names widen the issues filter", async () => {
  await using gitea = FakeGitea.start();
  gitea.addIssue({ title: "bug", labels: ["bug"] });
  gitea.addIssue({ title: "held", labels: ["pace-hold", "pace-day-3"] });
  const titles = async (labels: string) =>
    ((await ask(gitea, "GET", `${repo}/issues?state=open&type=issues&labels=${labels}`)).json as {
      title: string;
    }[]).map((i) => i.title);
  assertEquals(await titles("pace-hold,pace-day-3"), ["held"]);
  assertEquals(await titles("pace-hold,pace-day-9"), ["held"], "pace-day-9 is dropped");
  assertEquals(await titles("nothing-known"), ["held", "bug"], "every open issue");
});

Deno.test("fake gitea: pulls/{base}/{head} answers the latest of the pair, closed or merged", async () => {
  await using gitea = FakeGitea.start();
  gitea.addPull("rel/sprint/pace-1", "release/v1.0", { merged: true });
  const path = `${repo}/pulls/release%2Fv1.0/rel/sprint/pace-1`;
  const found = await ask(gitea, "GET", path);
  assertEquals([found.status, (found.json as { state: string }).state], [200, "closed"]);
  // A base sent with its slash is two segments: another base, not found.
  assertEquals(
    (await ask(gitea, "GET", `${repo}/pulls/release/v1.0/rel/sprint/pace-1`)).status,
    404,
  );
});

Deno.test("fake gitea: branches, variables, statuses and pages answer as Gitea's do", async () => {
  await using gitea = FakeGitea.start();
  const create = (name: string) =>
    ask(gitea, "POST", `${repo}/branches`, { new_branch_name: name, old_ref_name: "main" });
  assertEquals((await create("staging")).status, 201);
  const again = await create("staging");
  assertEquals([again.status, (again.json as { message: string }).message], [
    409,
    "The branch already exists.",
  ]);
  assertEquals(
    (await ask(gitea, "POST", `${repo}/actions/variables/pace_day`, { value: "3" })).status,
    201,
  );
  assertEquals(gitea.variables.get("PACE_DAY")?.data, "3");
  assertEquals(
    (await ask(gitea, "POST", `${repo}/actions/variables/PACE_DAY`, { value: "4" })).status,
    409,
  );
  assertEquals(
    (await ask(gitea, "POST", `${repo}/actions/variables/GITEA_X`, { value: "4" })).status,
    400,
  );
  const sha = "a".repeat(40);
  const empty = await ask(gitea, "GET", `${repo}/commits/${sha}/status`);
  assertEquals((empty.json as { statuses: unknown }).statuses, null);
  for (let i = 0; i < 60; i++) gitea.addStatus(sha, { context: `c${i}`, state: "success" });
  gitea.addStatus(sha, { context: "c0", state: "pending" });
  const first = await ask(gitea, "GET", `${repo}/commits/${sha}/status?limit=50`);
  assertEquals(first.headers.get("x-total-count"), "60");
  assertMatch(first.headers.get("link") ?? "", /limit=50&page=2>; rel="next"/);
  // The combined state ranks warning and pending as Gitea 1.23 does.
  gitea.addStatus(sha, { context: "lint", state: "warning" });
  const combined = await ask(gitea, "GET", `${repo}/commits/${sha}/status?limit=50`);
  assertEquals((combined.json as { state: string }).state, "warning");
  assertEquals(gitea.violations, []);
});
