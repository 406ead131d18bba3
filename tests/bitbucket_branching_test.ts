/**
 * Bitbucket Cloud branching over real HTTP against the fake Bitbucket: the
 * cases every forge shares, with Bitbucket's own requests checked, and
 * Bitbucket's own answers (a 400 for a taken name, one open pull request per
 * source branch, labels on the description's last line, scopes, echoed
 * credentials).
 */
import { pullRequestDescription } from "../platforms/bitbucket/branching.ts";
import { BODY_LIMIT } from "../platforms/bitbucket/connection.ts";
import type { BranchingAdapter } from "../platforms/types.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "./_assert.ts";
import {
  branchingCases,
  type BranchingForge,
  type BranchingRig,
  forgeRig,
} from "./_branching_cases.ts";
import { branchExists, FakeBitbucket, type RecordedRequest } from "./servers/bitbucket.ts";

const API = "/repositories/pace-team/pace-demo";

interface Rig extends BranchingRig {
  bb: FakeBitbucket;
  /** Build another adapter on the same server with other variables. */
  build(env: Record<string, string>): BranchingAdapter;
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

/** The labels PACE lists on a description's last line. */
function labelsOf(description: string): string[] {
  const last = description.split("\n").at(-1) ?? "";
  return last.startsWith("Labels: ") ? last.slice("Labels: ".length).split(", ") : [];
}

async function rig(env: Record<string, string> = {}) {
  const bb = await FakeBitbucket.start();
  return forgeRig(bb, {
    platform: "bitbucket",
    env: { ...envOf(bb), ...env },
    secrets: secretsOf(bb),
    rule: "every request is one Bitbucket accepts",
    routes: {
      "get-branch": { method: "GET", path: /\/refs\/branches\// },
      "create-branch": { method: "POST", path: /\/refs\/branches$/ },
      "create-pull": { method: "POST", path: /\/pullrequests$/ },
    },
    errorBody: { type: "error", error: { message: "Something went wrong" } },
  }, {
    bb,
    writes: () => bb.requests.filter((q) => q.method !== "GET"),
    addBranch: (name) => bb.branches.add(name).get(name)!,
    head: (name) => bb.branches.get(name),
    setBranches(names) {
      bb.branches.clear();
      for (const name of names) bb.branches.add(name);
    },
    pullLabels: () => bb.pulls.map((p) => labelsOf(p.description)),
  });
}

function branchPosts(bb: FakeBitbucket): RecordedRequest[] {
  return bb.sent(/\/refs\/branches$/, "POST");
}

const bitbucket = (r: BranchingRig) => (r as Rig).bb;

const forge: BranchingForge = {
  name: "bitbucket",
  label: "bitbucket branching",
  rig,
  mainSha: (r) => bitbucket(r).branches.get("main")!,
  wrongCredential: {
    env: { BITBUCKET_API_TOKEN: "wrong-token-0123456789" },
    secret: /wrong-token-0123456789/,
  },
  async closed() {
    const closed = await FakeBitbucket.start();
    await closed.close();
    return { env: envOf(closed), token: closed.apiToken };
  },
  pullUrl: /\/pace-team\/pace-demo\/pull-requests\/1$/,
  config: "platform:\n  type: bitbucket\n",
  extras: {
    present(r) {
      assertEquals(bitbucket(r).requests.map((q) => `${q.method} ${q.path} ${q.status}`), [
        `GET ${API}/refs/branches/main 200`,
        `GET ${API}/refs/branches/staging 404`,
        `GET ${API}/refs/branches/release%2Fv2.0 200`,
        `GET ${API}/refs/branches/release%2Fv2.1 404`,
        `GET ${API}/refs/branches/feat%2F%237%25 200`,
      ]);
    },
    created(r, parent) {
      const [post] = branchPosts(bitbucket(r));
      assertEquals(post.path, `${API}/refs/branches`);
      assertEquals(post.body, { name: "release/v2.0", target: { hash: parent } });
      assertEquals(post.status, 201);
    },
    hierarchy(r) {
      const bb = bitbucket(r);
      const main = bb.branches.get("main");
      assertEquals(branchPosts(bb).map((q) => q.body), [
        { name: "staging", target: { hash: main } },
        { name: "release/v2.0", target: { hash: main } },
        { name: "rel/sprint/pace-3", target: { hash: main } },
      ]);
      // Each create reads its parent's head just before it.
      const log = bb.requests.map((q) =>
        `${q.method} ${q.path.replace(`${API}/refs/branches`, "")}`
      );
      for (const [child, parent] of [["staging", "main"], ["release/v2.0", "staging"]]) {
        const post = log.findIndex((_, i) =>
          (bb.requests[i].body as { name?: string } | undefined)?.name === child
        );
        assertEquals(log[post - 1], `GET /${encodeURIComponent(parent)}`);
      }
    },
    pullRequest(r, url) {
      const bb = bitbucket(r);
      assertEquals(url, `${bb.webRepoUrl}/pull-requests/1`);
      assertEquals(bb.sent(/\/pullrequests$/, "POST")[0].body, {
        title: "Sprint 1 into v2.0",
        description: "Ships the sign-up form.\n\nLabels: pace-release, pace-sprint-1",
        source: { branch: { name: "rel/sprint/pace-1" } },
        destination: { branch: { name: "release/v2.0" } },
        close_source_branch: false,
      });
    },
    cli(r) {
      const bb = bitbucket(r);
      assertEquals(bb.pulls[0].description, "Ships the sign-up form.\n\nLabels: pace-release");
      assertEquals(bb.violations, []);
    },
  },
};

branchingCases(forge);

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

Deno.test("bitbucket branching: 401, a burst of 500s and a closed port resolve empty, no leak", async () => {
  await using r = await rig();
  r.bb.branches.add("staging");
  const wrong = r.build({ BITBUCKET_API_TOKEN: "wrong-token-0123456789" });
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
  const away = r.build({ BITBUCKET_API_URL: url });
  assertEquals(await away.ensureHierarchy("v1", 1), false);
  assertEquals(r.keep(await away.createPullRequest("staging", "main", "T", "B")), "");
});
