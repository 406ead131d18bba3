import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pullRequestDescription } from "../platforms/bitbucket/branching.ts";
import { BODY_LIMIT } from "../platforms/bitbucket/connection.ts";
import { getBranchingAdapter } from "../platforms/registry.ts";
import type { BranchingAdapter } from "../platforms/types.ts";
import { captureLogger, type CapturingLogger } from "../testing.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "./_assert.ts";
import { branchExists, FakeBitbucket, type RecordedRequest } from "./servers/bitbucket.ts";

const API = "/repositories/pace-team/pace-demo";
const BAD_NAMES = ["", "a..b", "has space", "x.lock", "-lead", "trail/", "a~1", "a:b", "co^mit"];

interface Rig extends AsyncDisposable {
  bb: FakeBitbucket;
  logger: CapturingLogger;
  branching: BranchingAdapter;
  /** Build another adapter on the same server with other variables. */
  with(env: Record<string, string>): BranchingAdapter;
  /** Results to scan for secrets at the end. */
  keep<T>(value: T): T;
  /** The requests that change something. */
  writes(): RecordedRequest[];
}

function envOf(bb: FakeBitbucket): Record<string, string> {
  return {
    BITBUCKET_API_URL: bb.url,
    BITBUCKET_WORKSPACE: bb.workspace,
    BITBUCKET_REPO_SLUG: bb.repoSlug,
    BITBUCKET_EMAIL: bb.email,
    BITBUCKET_API_TOKEN: bb.apiToken,
  };
}

/** Every form in which a credential of `bb` could leak. */
function secretsOf(bb: FakeBitbucket): string[] {
  return [bb.token, bb.apiToken, `${bb.email}:${bb.apiToken}`, btoa(`${bb.email}:${bb.apiToken}`)];
}

async function rig(): Promise<Rig> {
  const bb = await FakeBitbucket.start();
  const logger = captureLogger();
  const root = await Deno.makeTempDir({ prefix: "pace-bb-branching-" });
  const results: unknown[] = [];
  const build = (env: Record<string, string>) =>
    getBranchingAdapter("bitbucket", { env: { ...envOf(bb), ...env }, logger, repoRoot: root });
  return {
    bb,
    logger,
    branching: build({}),
    with: build,
    keep: (value) => (results.push(value), value),
    writes: () => bb.requests.filter((q) => q.method !== "GET"),
    async [Symbol.asyncDispose]() {
      await bb.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(bb.violations, [], "every request is one Bitbucket accepts");
      const haystacks = [logger.text(), JSON.stringify(results)];
      for (const secret of secretsOf(bb)) {
        for (const text of haystacks) assert(!text.includes(secret), "a credential leaked");
      }
    },
  };
}

function branchPosts(bb: FakeBitbucket): RecordedRequest[] {
  return bb.sent(/\/refs\/branches$/, "POST");
}

// ---------------------------------------------------------------------------
// Branches

Deno.test("bitbucket branching: a present branch answers its head, an absent one undefined", async () => {
  await using r = await rig();
  r.bb.branches.add("release/v2.0");
  assertEquals(await r.branching.getBranchSha("main"), r.bb.branches.get("main"));
  assertEquals(await r.branching.getBranchSha("release/v2.0"), r.bb.branches.get("release/v2.0"));
  assertEquals(await r.branching.getBranchSha("nope"), undefined);
  assertEquals(r.bb.requests.map((q) => `${q.method} ${q.path} ${q.status}`), [
    `GET ${API}/refs/branches/main 200`,
    `GET ${API}/refs/branches/release%2Fv2.0 200`,
    `GET ${API}/refs/branches/nope 404`,
  ]);
  assertEquals(r.writes(), []);
});

Deno.test("bitbucket branching: a new branch points at its parent's head, sent as Bitbucket documents", async () => {
  await using r = await rig();
  r.bb.branches.add("staging");
  assert(await r.branching.createBranch("release/v2.0", "staging"));
  assertEquals(r.bb.branches.get("release/v2.0"), r.bb.branches.get("staging"));
  const [post] = branchPosts(r.bb);
  assertEquals(post.path, `${API}/refs/branches`);
  assertEquals(post.body, {
    name: "release/v2.0",
    target: { hash: r.bb.branches.get("staging") },
  });
  assertEquals(post.status, 201);
  assertEquals(await r.branching.getBranchSha("release/v2.0"), r.bb.branches.get("staging"));
});

Deno.test("bitbucket branching: an existing branch is left where it is, even without its parent", async () => {
  await using r = await rig();
  r.bb.branches.add("staging");
  const head = r.bb.branches.get("staging");
  assert(await r.branching.createBranch("staging", "main"));
  assert(await r.branching.createBranch("staging", "ghost"));
  assertEquals(r.bb.branches.get("staging"), head, "not moved");
  assertEquals(r.writes(), [], "no write request");
});

Deno.test("bitbucket branching: a missing parent → false, nothing created", async () => {
  await using r = await rig();
  assertEquals(await r.branching.createBranch("staging", "ghost"), false);
  assertEquals(r.writes(), []);
  assertEquals(r.bb.branches.has("staging"), false);
  assertStringIncludes(r.logger.text(), "its parent ghost does not exist");
});

Deno.test("bitbucket branching: Bitbucket's 400 for a name that is taken counts as made", async () => {
  await using r = await rig();
  // A concurrent run creates staging between our look and our create.
  r.bb.on("POST", /^\/refs\/branches$/, () => {
    r.bb.branches.add("staging");
    return branchExists("staging");
  });
  assert(await r.branching.createBranch("staging", "main"));
  assertEquals(branchPosts(r.bb).map((q) => q.status), [400]);
});

Deno.test("bitbucket branching: the fake answers an existing name with a 400", async () => {
  await using bb = await FakeBitbucket.start();
  const answer = await fetch(`${bb.url}${API}/refs/branches`, {
    method: "POST",
    headers: { authorization: `Bearer ${bb.token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "main", target: { hash: bb.branches.get("main") } }),
  });
  assertEquals(answer.status, 400);
  const body = await answer.json();
  assertEquals(body.type, "error");
  assertStringIncludes(body.error.message, "already exists");
  assertEquals(bb.violations, []);
});

Deno.test("bitbucket branching: a create answered 502 after it took effect is true", async () => {
  await using r = await rig();
  r.bb.script({ method: "POST", path: /\/refs\/branches$/, perform: true });
  assert(await r.branching.createBranch("staging", "main"));
  assertEquals(r.bb.branches.get("staging"), r.bb.branches.get("main"));
  assertEquals(branchPosts(r.bb).length, 1, "a POST is never sent twice");
});

Deno.test("bitbucket branching: invalid names are refused with no request", async () => {
  await using r = await rig();
  for (const bad of BAD_NAMES) {
    assertEquals(r.keep(await r.branching.getBranchSha(bad)), undefined, bad);
    assertEquals(await r.branching.createBranch(bad, "main"), false, bad);
    assertEquals(await r.branching.createBranch("staging", bad), false, bad);
    assertEquals(r.keep(await r.branching.createPullRequest(bad, "main", "t", "b")), "", bad);
    assertEquals(r.keep(await r.branching.createPullRequest("staging", bad, "t", "b")), "", bad);
    assertEquals(await r.branching.ensureHierarchy(bad, 1), false, bad);
  }
  assertEquals(await r.branching.ensureHierarchy("v1", 0), false);
  assertEquals(r.bb.requests, []);
});

// ---------------------------------------------------------------------------
// Pull requests

Deno.test("bitbucket branching: a PR is opened once, found by head, base and state on a re-run", async () => {
  await using r = await rig();
  r.bb.branches.add("staging");
  // An open PR from another branch, and a declined one head → base: neither is ours.
  r.bb.addPull({ source: "feature/x", destination: "main" });
  r.bb.addPull({ source: "staging", destination: "main", state: "DECLINED" });
  const url = r.keep(
    await r.branching.createPullRequest("staging", "main", "Staging into main", "Ships it."),
  );
  assertMatch(url, /\/pull-requests\/3$/);
  const again = r.keep(await r.branching.createPullRequest("staging", "main", "Other", "Other"));
  assertEquals(again, url);
  const posts = r.bb.sent(/\/pullrequests$/, "POST");
  assertEquals(posts.length, 1);
  assertEquals(posts[0].body, {
    title: "Staging into main",
    description: "Ships it.",
    source: { branch: { name: "staging" } },
    destination: { branch: { name: "main" } },
    close_source_branch: false,
  });
  const lists = r.bb.sent(/\/pullrequests$/, "GET");
  assertEquals(
    lists[0].query.get("q"),
    'source.branch.name = "staging" AND destination.branch.name = "main" AND state = "OPEN"',
  );
  assertEquals(r.bb.pulls.filter((p) => p.state === "OPEN" && p.source === "staging").length, 1);
});

Deno.test("bitbucket branching: a PR create answered 502 after it took effect returns that PR", async () => {
  await using r = await rig();
  r.bb.branches.add("staging");
  r.bb.script({ method: "POST", path: /\/pullrequests$/, perform: true });
  const url = r.keep(await r.branching.createPullRequest("staging", "main", "T", "B"));
  assertEquals(url, `${r.bb.webRepoUrl}/pull-requests/1`);
  assertEquals(r.bb.pulls.length, 1);
  assertEquals(r.bb.sent(/\/pullrequests$/, "POST").length, 1);
  assertStringIncludes(r.logger.text(), "the create answered an error but the item exists");
});

Deno.test("bitbucket branching: labels are listed on the description's last line", async () => {
  await using r = await rig();
  r.bb.branches.add("staging");
  const url = r.keep(
    await r.branching.createPullRequest("staging", "main", "Release", "Body text.\n", [
      "pace-release",
      "pace-sprint-1",
      "pace-release",
      " ",
    ]),
  );
  assert(url);
  assertEquals(r.bb.pulls[0].description, "Body text.\n\nLabels: pace-release, pace-sprint-1");
  // A body at Bitbucket's limit is cut, the labels stay.
  const long = pullRequestDescription("x".repeat(BODY_LIMIT + 10), ["pace-release"]);
  assertEquals(long.length, BODY_LIMIT);
  assert(long.endsWith("\n\nLabels: pace-release"));
  assertEquals(pullRequestDescription("Only text.", []), "Only text.");
});

Deno.test('bitbucket branching: a PR from a branch Bitbucket lacks → "", explained', async () => {
  await using r = await rig();
  assertEquals(r.keep(await r.branching.createPullRequest("ghost", "main", "T", "B")), "");
  assertStringIncludes(r.logger.text(), "Branch not found: ghost");
  r.bb.branches.add("staging");
  r.bb.addPull({ source: "staging", destination: "release/v1" });
  assertEquals(r.keep(await r.branching.createPullRequest("staging", "main", "T", "B")), "");
  assertStringIncludes(r.logger.text(), "one open pull request per source branch");
});

// ---------------------------------------------------------------------------
// The hierarchy

Deno.test("bitbucket branching: a full hierarchy from only main, each level from its parent", async () => {
  await using r = await rig();
  assert(await r.branching.ensureHierarchy("v2.0", 3));
  const main = r.bb.branches.get("main");
  assertEquals(
    branchPosts(r.bb).map((q) => q.body),
    [
      { name: "staging", target: { hash: main } },
      { name: "release/v2.0", target: { hash: main } },
      { name: "rel/sprint/pace-3", target: { hash: main } },
    ],
  );
  // Each create reads its parent's head just before it.
  const log = r.bb.requests.map((q) => `${q.method} ${q.path.replace(`${API}/refs/branches`, "")}`);
  for (const [child, parent] of [["staging", "main"], ["release/v2.0", "staging"]]) {
    const post = log.findIndex((_, i) =>
      (r.bb.requests[i].body as { name?: string } | undefined)?.name === child
    );
    assertEquals(log[post - 1], `GET /${encodeURIComponent(parent)}`);
  }

  const before = r.bb.requests.length;
  assert(await r.branching.ensureHierarchy("v2.0", 3), "a second run");
  assertEquals(r.writes().length, 3, "a second run creates nothing");
  assert(r.bb.requests.slice(before).every((q) => q.method === "GET"));
});

Deno.test("bitbucket branching: levels below an existing one start from its head, not main's", async () => {
  await using r = await rig();
  r.bb.branches.add("staging");
  const staging = r.bb.branches.get("staging");
  assert(await r.branching.ensureHierarchy("v2.0", 1));
  assertEquals(r.bb.branches.get("release/v2.0"), staging);
  assertEquals(r.bb.branches.get("rel/sprint/pace-1"), staging);
  assertEquals(branchPosts(r.bb).length, 2);
});

Deno.test("bitbucket branching: no main → false and nothing created", async () => {
  await using r = await rig();
  r.bb.branches.delete("main");
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals(r.writes(), []);
  assertStringIncludes(r.logger.text(), "main cannot be resolved");
});

Deno.test("bitbucket branching: a 403 on a level stops there, named with the scope", async () => {
  await using r = await rig();
  r.bb.script({
    method: "POST",
    path: /\/refs\/branches$/,
    status: 403,
    body: {
      type: "error",
      error: { message: "Your credentials lack one or more required privilege scopes." },
    },
  });
  assertEquals(await r.branching.ensureHierarchy("v2.0", 1), false);
  assertEquals(branchPosts(r.bb).length, 1, "nothing below the refused level");
  assertStringIncludes(r.logger.text(), "repository:write");
  assertEquals([...r.bb.branches.keys()], ["main"]);
});

// ---------------------------------------------------------------------------
// Failures resolve, and never leak a credential

Deno.test("bitbucket branching: 401, a burst of 500s and a closed port resolve empty, no leak", async () => {
  await using r = await rig();
  r.bb.branches.add("staging");
  const wrong = r.with({ BITBUCKET_API_TOKEN: "wrong-token-0123456789" });
  assertEquals(r.keep(await wrong.getBranchSha("main")), undefined);
  assertEquals(await wrong.createBranch("release/v1", "staging"), false);
  assertEquals(r.keep(await wrong.createPullRequest("staging", "main", "T", "B")), "");
  assertEquals(await wrong.ensureHierarchy("v1", 1), false);
  assertStringIncludes(r.logger.text(), "401");
  assertNotMatch(r.logger.text(), /wrong-token-0123456789/);

  // Bitbucket down for a moment, echoing the credentials it got: retried, masked.
  const burst = (method: string, path: RegExp, times: number) =>
    r.bb.script({
      method,
      path,
      status: 500,
      headers: { "retry-after": "0" },
      body: {
        type: "error",
        error: { message: `Something went wrong for ${r.bb.email}:${r.bb.apiToken}` },
      },
      times,
    });
  burst("GET", /\/refs\/branches\/main$/, 2);
  assertEquals(r.keep(await r.branching.getBranchSha("main")), r.bb.branches.get("main"));
  burst("GET", /\/refs\/branches\/main$/, 4);
  assertEquals(r.keep(await r.branching.getBranchSha("main")), undefined);
  burst("GET", /\/refs\/branches\/main$/, 4);
  assertEquals(await r.branching.ensureHierarchy("v1", 1), false);
  burst("GET", /\/pullrequests$/, 4);
  assertEquals(r.keep(await r.branching.createPullRequest("staging", "main", "T", "B")), "");
  burst("POST", /\/refs\/branches$/, 1);
  assertEquals(await r.branching.createBranch("release/v1", "staging"), false);
  assertEquals(branchPosts(r.bb).length, 1, "a POST answered 500 is not sent again");
  assertStringIncludes(r.logger.text(), "***");
  assertEquals(r.writes().filter((q) => q.status === 201), []);

  const closed = await FakeBitbucket.start();
  const url = closed.url;
  await closed.close();
  const away = r.with({ BITBUCKET_API_URL: url });
  assertEquals(await away.ensureHierarchy("v1", 1), false);
  assertEquals(r.keep(await away.createPullRequest("staging", "main", "T", "B")), "");
});

// ---------------------------------------------------------------------------
// The CLI, as a subprocess under exactly the flags `pace permissions` prints

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

async function pace(
  cwd: string,
  flags: string[],
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, CLI, ...args],
    cwd,
    env: { NO_COLOR: "1", PACE_CONFIG: "", GITHUB_ACTIONS: "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("bitbucket branching: the pace branch commands work end to end under the printed flags", async () => {
  await using bb = await FakeBitbucket.start();
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pace-bb-cli-" }));
  try {
    await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform:\n  type: bitbucket\n");
    const env = envOf(bb);
    const printed = await pace(root, ["--allow-read", "--allow-write", "--allow-env"], [
      "permissions",
    ], env);
    assertEquals(printed.code, 0, printed.stderr);
    assertMatch(
      printed.stdout,
      new RegExp(`^--allow-net=127\\.0\\.0\\.1:${new URL(bb.url).port} `),
    );
    const flags = printed.stdout.trim().split(" ");
    assert(!flags.includes("-A") && !flags.includes("--allow-all"));
    const run = async (...args: string[]) => {
      const result = await pace(root, flags, args, env);
      const shown = `${args.join(" ")}: exit ${result.code}\n${result.stdout}\n${result.stderr}`;
      assertNotMatch(result.stderr, /Uncaught|NotCapable|PermissionDenied|Requires \w+ access/);
      assertNotMatch(result.stderr, /broader access/, shown);
      for (const secret of secretsOf(bb)) {
        assert(!result.stdout.includes(secret) && !result.stderr.includes(secret), shown);
      }
      return { ...result, shown };
    };

    const sha = await run("branch", "sha", "main");
    assertEquals([sha.code, sha.stdout], [0, `${bb.branches.get("main")}\n`], sha.shown);
    const absent = await run("branch", "sha", "release/v9", "--json");
    assertEquals(absent.code, 1, absent.shown);
    assertEquals(JSON.parse(absent.stdout).ok, false);

    const create = await run("branch", "create", "staging", "--from", "main", "--json");
    assertEquals(create.code, 0, create.shown);
    assertEquals(JSON.parse(create.stdout), {
      ok: true,
      from: "main",
      branch: "staging",
      sha: bb.branches.get("main"),
    });

    const hierarchy = await run("branch", "ensure-hierarchy", "--release", "v1.0", "--sprint", "2");
    assertEquals([hierarchy.code, hierarchy.stdout], [0, "rel/sprint/pace-2\n"], hierarchy.shown);
    assertEquals(bb.branches.get("release/v1.0"), bb.branches.get("staging"));

    const prArgs = [
      "branch",
      "pr",
      "--head",
      "rel/sprint/pace-2",
      "--base",
      "release/v1.0",
      "--title",
      "Sprint 2 into v1.0",
      "--body",
      "Ships the sign-up form.",
      "--label",
      "pace-release",
    ];
    const pr = await run(...prArgs);
    assertEquals([pr.code, pr.stdout], [0, `${bb.webRepoUrl}/pull-requests/1\n`], pr.shown);
    assertEquals(bb.pulls[0].description, "Ships the sign-up form.\n\nLabels: pace-release");
    const again = await run(...prArgs, "--json");
    assertEquals(JSON.parse(again.stdout), { ok: true, url: `${bb.webRepoUrl}/pull-requests/1` });
    assertEquals(bb.pulls.length, 1);

    const bad = await run("branch", "create", "a..b", "--from", "main");
    assertEquals(bad.code, 2, bad.shown);
    assertEquals(bb.violations, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
