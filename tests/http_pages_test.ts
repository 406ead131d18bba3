/**
 * The shared pager of the HTTP core against real local servers: the `Link`
 * header however it is written, `rel="next"` followed, a total count that
 * outlasts pages smaller than asked for, the page cap, the caller's abort,
 * and an answer that is not a list read as an error, never as "nothing" —
 * on every platform that reads lists through it.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./_assert.ts";
import {
  allPages,
  followLink,
  hasNextLink,
  HttpClient,
  HttpError,
  linkTo,
  moreByTotalCount,
  notAListError,
  pageNumbers,
  parseLinkHeader,
  readPages,
} from "../platforms/_core/http.ts";
import { SecretRegistry } from "../platforms/_core/secrets.ts";
import type { ResolvedContext } from "../platforms/types.ts";
import { BitbucketConnection } from "../platforms/bitbucket/connection.ts";
import { GiteaConnection } from "../platforms/gitea/connection.ts";
import { GitHubConnection } from "../platforms/github/connection.ts";
import { GitLabConnection } from "../platforms/gitlab/connection.ts";
import { JiraConnection } from "../platforms/jira/connection.ts";
import { captureLogger } from "../testing.ts";
import { FaultServer } from "./servers/_faults.ts";

function client(baseUrl: string): HttpClient {
  return new HttpClient({
    baseUrl,
    platform: "Acme",
    secrets: new SecretRegistry(),
    timeoutMs: 10_000,
    retries: 0,
  });
}

/** The numbers `from`…`to`, as a page's items. */
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i }));

/** The `page` a request asked for (1 when it named none). */
const pageOf = (request: Request) => Number(new URL(request.url).searchParams.get("page") ?? 1);

/** The rule of a forge that counts, else reads `Link`; never past an empty page. */
const countThenLink = pageNumbers((state) =>
  state.batch.length > 0 && (moreByTotalCount(state) ?? hasNextLink(state))
);

Deno.test("parseLinkHeader: several links, several rels, quoted and bare values, commas inside", () => {
  const header = '<https://x.test/items?page=1&ids=1,2>; rel="first prev", ' +
    '<https://x.test/items?page=3>; title="a, b; c"; REL=Next, ' +
    "<https://x.test/items?page=9>; rel=last";
  assertEquals(parseLinkHeader(header), [
    { url: "https://x.test/items?page=1&ids=1,2", rels: ["first", "prev"] },
    { url: "https://x.test/items?page=3", rels: ["next"] },
    { url: "https://x.test/items?page=9", rels: ["last"] },
  ]);
  assertEquals(linkTo(header), "https://x.test/items?page=3");
  assertEquals(linkTo(header, "LAST"), "https://x.test/items?page=9");
  assertEquals(linkTo('<a?page=2>; rel="last next"'), "a?page=2");
  assertEquals(linkTo('<a?page=2>;rel=next;type="text/html"'), "a?page=2");
  assertEquals(linkTo('<a?page=2>; rel="next\\"x"'), undefined, 'next"x is not next');
  assertEquals(linkTo('<a?page=2>; rel="nextpage", <b>; rel="prev"'), undefined);
  assertEquals(linkTo('<a>; anchor="<b>"; rel="prev", <c>; rel="next"'), "c");
  assertEquals(linkTo(null), undefined);
  assertEquals(linkTo("garbage; rel=next"), undefined);
});

Deno.test("followLink: rel=next is followed across pages, however the header names it", async () => {
  const headers = [
    (next: string) => `<${next}>; rel="next", <http://x/last>; rel="last"`,
    (next: string) => `<http://x/first>; rel=first, <${next}>; rel=next`,
  ];
  await using server = FaultServer.start((request) => {
    const page = pageOf(request);
    const next = new URL(request.url);
    next.searchParams.set("page", String(page + 1));
    // Relative on the second page: it resolves against the page's own URL.
    const target = page === 2 ? `${next.pathname}${next.search}` : next.href;
    const link = page < 3 ? { link: headers[page - 1](target) } : undefined;
    return Response.json(range(page * 10, page * 10 + 1), { headers: link });
  });
  const items = await allPages<{ id: number }>(
    client(`${server.url}/api`),
    { path: "items", query: { state: "open", page: 1 } },
    { platform: "Acme", next: followLink },
  );
  assertEquals(items.map((i) => i.id), [10, 11, 20, 21, 30, 31]);
  assertEquals(server.requests.map((r) => r.path), [
    "/api/items?state=open&page=1",
    "/api/items?state=open&page=2",
    "/api/items?state=open&page=3",
  ]);
});

Deno.test("followLink: a next page on another origin ends the list", async () => {
  await using elsewhere = FaultServer.start(() => Response.json([{ id: 99 }]));
  await using server = FaultServer.start(() =>
    Response.json([{ id: 1 }], { headers: { link: `<${elsewhere.url}/items?page=2>; rel="next"` } })
  );
  const items = await allPages(client(server.url), { path: "items" }, {
    platform: "Acme",
    next: followLink,
  });
  assertEquals(items, [{ id: 1 }]);
  assertEquals([server.requests.length, elsewhere.requests.length], [1, 0]);
});

Deno.test("total count: pages smaller than asked for are read until the count is reached", async () => {
  // Asked for 50 a page, the server serves 2 (its own maximum) and no Link.
  await using server = FaultServer.start((request) => {
    const page = pageOf(request);
    const items = range(1, 5).slice((page - 1) * 2, page * 2);
    return Response.json(items, { headers: { "x-total-count": "5" } });
  });
  const items = await allPages<{ id: number }>(
    client(server.url),
    { path: "items", query: { page: 1, limit: 50 } },
    { platform: "Acme", next: countThenLink },
  );
  assertEquals(items.map((i) => i.id), [1, 2, 3, 4, 5]);
  assertEquals(server.requests.map((r) => r.path), [
    "/items?page=1&limit=50",
    "/items?page=2&limit=50",
    "/items?page=3&limit=50",
  ]);
});

Deno.test("total count: the count decides over a Link that still says next", async () => {
  await using server = FaultServer.start((request) =>
    Response.json(range(pageOf(request) * 2 - 1, pageOf(request) * 2), {
      headers: { "x-total-count": "4", link: '<http://127.0.0.1/items?page=99>; rel="next"' },
    })
  );
  const items = await allPages(client(server.url), { path: "items", query: { page: 1 } }, {
    platform: "Acme",
    next: countThenLink,
  });
  assertEquals(items.length, 4);
  assertEquals(server.requests.length, 2);
});

Deno.test("total count: without a count the Link decides; an empty page ends the list", async () => {
  await using server = FaultServer.start((request) => {
    const page = pageOf(request);
    // The third page is empty yet still links on: it must not be followed.
    const items = page < 3 ? [{ id: page }] : [];
    return Response.json(items, { headers: { link: '<http://x/?page=99>; rel="next"' } });
  });
  const items = await allPages(client(server.url), { path: "items", query: { page: 1 } }, {
    platform: "Acme",
    next: countThenLink,
  });
  assertEquals(items, [{ id: 1 }, { id: 2 }]);
  assertEquals(server.requests.length, 3);
});

Deno.test("page cap: a list that never ends stops at maxPages", async () => {
  await using server = FaultServer.start((request) =>
    Response.json([{ id: pageOf(request) }], {
      headers: { link: `<${server.url}/items?page=${pageOf(request) + 1}>; rel="next"` },
    })
  );
  const items = await allPages(client(server.url), { path: "items" }, {
    platform: "Acme",
    next: followLink,
    maxPages: 3,
  });
  assertEquals(items, [{ id: 1 }, { id: 2 }, { id: 3 }]);
  assertEquals(server.requests.length, 3);
});

Deno.test("not a list: an object, null or a wrapper without its list is an error, never empty", async () => {
  const bodies: [unknown, ((data: unknown) => unknown) | undefined][] = [
    [{ message: "Moved" }, undefined],
    [null, undefined],
    [{ total: 0 }, (data) => (data as { values?: unknown }).values],
  ];
  for (const [body, pick] of bodies) {
    await using server = FaultServer.start(() => Response.json(body));
    const error = await assertRejects(
      () =>
        allPages(client(`${server.url}/api/v1`), { path: "repos/o/r/issues" }, {
          platform: "Acme",
          next: followLink,
          pick,
        }),
      HttpError,
    );
    assertEquals(
      error.message,
      `Acme: GET ${server.url}/api/v1/repos/o/r/issues answered something that is not a list`,
    );
    assertEquals([error.kind, error.retryable, error.status], ["parse", true, 200]);
  }
});

Deno.test("not a list: a broken second page fails the whole list, not half of it", async () => {
  await using server = FaultServer.start((request) =>
    pageOf(request) === 1
      ? Response.json([{ id: 1 }], { headers: { link: '<?page=2>; rel="next"' } })
      : Response.json({ error: "upstream" })
  );
  await assertRejects(
    () => allPages(client(server.url), { path: "items" }, { platform: "Acme", next: followLink }),
    HttpError,
    "not a list",
  );
  assertEquals(server.requests.length, 2);
});

Deno.test("notAListError: one error for every platform", () => {
  const error = notAListError("GitHub", "GET /repos/{owner}/{repo}/issues");
  assertEquals(
    error.message,
    "GitHub: GET /repos/{owner}/{repo}/issues answered something that is not a list",
  );
  assertEquals([error.kind, error.retryable], ["parse", true]);
});

Deno.test("abort: no page is asked for once the caller's signal aborts", async () => {
  const linked = (request: Request) =>
    Response.json([{ id: pageOf(request) }], {
      headers: { link: `<?page=${pageOf(request) + 1}>; rel="next"` },
    });
  await using server = FaultServer.start(linked);
  const controller = new AbortController();
  const seen: unknown[] = [];
  const pages = readPages(client(server.url), { path: "items" }, {
    platform: "Acme",
    next: followLink,
    signal: controller.signal,
  });
  const reason = new Error("the wait was cancelled");
  const error = await assertRejects(async () => {
    for await (const batch of pages) {
      seen.push(...batch);
      controller.abort(reason);
    }
  });
  assert(error === reason, String(error));
  assertEquals(seen, [{ id: 1 }]);
  assertEquals(server.requests.length, 1);

  // Aborted before the first page: nothing is sent at all.
  await assertRejects(() =>
    allPages(client(server.url), { path: "items" }, {
      platform: "Acme",
      next: followLink,
      signal: AbortSignal.abort(reason),
    })
  );
  assertEquals(server.requests.length, 1);
});

Deno.test("abort: a page in flight is abandoned when the signal aborts", async () => {
  const controller = new AbortController();
  await using server = FaultServer.start((request, { server }) => {
    if (pageOf(request) === 1) {
      return Response.json([{ id: 1 }], { headers: { link: '<?page=2>; rel="next"' } });
    }
    controller.abort(new Error("stop"));
    return server.hang();
  });
  const error = await assertRejects(() =>
    allPages(client(server.url), { path: "items" }, {
      platform: "Acme",
      next: followLink,
      signal: controller.signal,
    })
  );
  assertStringIncludes(String(error), "stop");
  assertEquals(server.requests.length, 2);
});

Deno.test("readPages: a consumer that stops early sends no further request", async () => {
  await using server = FaultServer.start((request) =>
    Response.json([{ id: pageOf(request) }], {
      headers: { link: `<?page=${pageOf(request) + 1}>; rel="next"` },
    })
  );
  for await (
    const batch of readPages(client(server.url), { path: "items" }, {
      platform: "Acme",
      next: followLink,
    })
  ) {
    assertEquals(batch, [{ id: 1 }]);
    break;
  }
  assertEquals(server.requests.length, 1);
});

/** A context whose environment is `env`. */
function context(env: Record<string, string>): ResolvedContext {
  return {
    env,
    repoRoot: Deno.cwd(),
    fetch: globalThis.fetch,
    logger: captureLogger(),
    secrets: new SecretRegistry(),
  };
}

/** Each platform's list read, against a server at `url`. */
const LISTS: [string, (url: string) => Promise<unknown[]>][] = [
  ["Gitea", (url) => {
    const env = { GITEA_URL: url, GITEA_TOKEN: "t0ken", GITEA_REPOSITORY: "o/r" };
    const gitea = new GiteaConnection(context(env), "Gitea");
    return gitea.all(gitea.path("issues"), { state: "open" });
  }],
  ["GitLab", (url) => {
    const env = { GITLAB_URL: url, GITLAB_TOKEN: "t0ken", GITLAB_PROJECT: "g/p" };
    const gl = new GitLabConnection(context(env));
    return gl.all(gl.path("issues"));
  }],
  ["GitHub", (url) => {
    const env = { GITHUB_API_URL: url, GITHUB_TOKEN: "t0ken", GITHUB_REPOSITORY: "o/r" };
    return new GitHubConnection(context(env)).all("GET /repos/{owner}/{repo}/issues", {}, (d) => d);
  }],
  ["Bitbucket", (url) => {
    const env = {
      BITBUCKET_API_URL: url,
      BITBUCKET_API_TOKEN: "t0ken",
      BITBUCKET_WORKSPACE: "w",
      BITBUCKET_REPO_SLUG: "r",
    };
    return new BitbucketConnection(context(env)).all(["issues"]);
  }],
  ["Jira", (url) => {
    const env = { JIRA_URL: url, JIRA_TOKEN: "t0ken", JIRA_PROJECT_KEY: "PACE" };
    return new JiraConnection(context(env)).search("project = PACE", ["summary"]);
  }],
  ["Jira", (url) => {
    const env = {
      JIRA_URL: url,
      JIRA_TOKEN: "t0ken",
      JIRA_EMAIL: "dev@acme.test",
      JIRA_PROJECT_KEY: "PACE",
    };
    return new JiraConnection(context(env)).search("project = PACE", ["summary"]);
  }],
];

Deno.test("every platform: a list answer that is not a list is a retryable parse error", async () => {
  // What a proxy or a half-deployed server may answer with a 200: no list
  // anywhere, not even under `values` or `issues`.
  await using server = FaultServer.start(() => Response.json({ size: 0, total: 0 }));
  for (const [platform, list] of LISTS) {
    const error = await assertRejects(() => list(server.url), HttpError, platform);
    assertStringIncludes(error.message, "answered something that is not a list", platform);
    assertEquals([error.kind, error.retryable], ["parse", true], platform);
  }
  assertEquals(server.requests.length, LISTS.length, "one request each, then the error");
});

Deno.test("every forge's CI wait: a poll answered with no list ends timeout naming it, never a conclusion", async () => {
  await using server = FaultServer.start(() => Response.json({ size: 0, total: 0 }));
  const { getCIAdapter } = await import("../mod.ts");
  const cases: [string, Record<string, string>][] = [
    ["github", { GITHUB_API_URL: server.url, GITHUB_TOKEN: "t0ken", GITHUB_REPOSITORY: "o/r" }],
    ["gitlab", { GITLAB_URL: server.url, GITLAB_TOKEN: "t0ken", GITLAB_PROJECT: "g/p" }],
    ["gitea", { GITEA_URL: server.url, GITEA_TOKEN: "t0ken", GITEA_REPOSITORY: "o/r" }],
  ];
  for (const [platform, env] of cases) {
    const ci = getCIAdapter(platform, { env, logger: captureLogger() });
    const result = await ci.waitForCommitCi("3b18e512dba79e4c8300dd08aeb37f8e728b8dad", {
      timeoutMinutes: 0.002,
      pollIntervalSeconds: 0.02,
    });
    assertEquals(result.conclusion, "timeout", platform);
    assertStringIncludes(result.error ?? "", "answered something that is not a list", platform);
  }
});
