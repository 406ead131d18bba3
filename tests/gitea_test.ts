/**
 * The `gitea` and `forgejo` platforms against a local Gitea-like server
 * (tests/servers/gitea.ts) over real HTTP: the contract kit on all three
 * sides, then settings, the Actions fall-backs, hosts and permissions, the
 * `forgejo` name, authentication and `pace check`'s probe. CI, tracker and
 * branching cases live in tests/gitea_{ci,tracker,branching}_test.ts.
 */
import { forgejoPlatform, giteaPlatform } from "../platforms/gitea.ts";
import { readGiteaSettings } from "../platforms/gitea/settings.ts";
import { permissionFlags, requiredPermissions } from "../platforms/permissions.ts";
import { buildAdapter, registerPlatform, resolveContext } from "../platforms/registry.ts";
import { testPlatformContract } from "../testing.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";
import { html } from "./servers/_base.ts";
import { FakeGitea } from "./servers/gitea.ts";
import { FAST, giteaRig } from "./servers/gitea/rig.ts";

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

// ---------------------------------------------------------------------------
// The contract kit

Deno.test("gitea keeps the PACE contract (instance under a sub-path)", async (t) => {
  let gitea: FakeGitea;
  await testPlatformContract(t, {
    definition: giteaPlatform,
    setup: () => {
      gitea = FakeGitea.start({ root: "/gitea" });
      return {
        env: {
          GITEA_URL: `${gitea.url}/`,
          GITEA_TOKEN: gitea.token,
          GITEA_REPOSITORY: gitea.fullName,
        },
        requestCount: () => gitea.requests.length,
        secrets: [gitea.token],
        prepareReview: (day) => void gitea.addBranch(`pace/review-day-${day}`),
        prepareBranches: () => {
          if (!gitea.branches.has("main")) gitea.addBranch("main");
        },
        close: async () => {
          await gitea.close();
          assertEquals(gitea.violations, []);
          assert(gitea.requests.every((r) => r.path.startsWith(`/repos/${gitea.fullName}`)));
        },
      };
    },
    missingCredentials: {
      env: { GITEA_URL: "http://127.0.0.1:9", GITEA_REPOSITORY: "pace-org/pace-demo" },
      mentions: "GITEA_TOKEN",
    },
  });
});

Deno.test("forgejo keeps the PACE contract (inside Forgejo Actions: the runner's variables)", async (t) => {
  let forgejo: FakeGitea;
  await testPlatformContract(t, {
    definition: forgejoPlatform,
    setup: () => {
      forgejo = FakeGitea.start({ vendors: ["forgejo"] });
      return {
        env: {
          GITHUB_SERVER_URL: forgejo.url,
          GITHUB_REPOSITORY: forgejo.fullName,
          GITEA_TOKEN: forgejo.token,
        },
        requestCount: () => forgejo.requests.length,
        secrets: [forgejo.token],
        prepareReview: (day) => void forgejo.addBranch(`pace/review-day-${day}`),
        prepareBranches: () => {
          if (!forgejo.branches.has("main")) forgejo.addBranch("main");
        },
        close: async () => {
          await forgejo.close();
          assertEquals(forgejo.violations, []);
        },
      };
    },
    missingCredentials: {
      env: { GITEA_TOKEN: "a-token-long-enough", GITHUB_SERVER_URL: "http://127.0.0.1:9" },
      mentions: "GITEA_REPOSITORY",
    },
  });
});

// ---------------------------------------------------------------------------
// Settings, hosts, permissions

Deno.test("gitea: settings read GITEA_URL (sub-path, trailing slash, pasted /api/v1)", () => {
  for (
    const url of [
      "https://git.example.com/gitea",
      "https://git.example.com/gitea/",
      "https://git.example.com/gitea/api/v1",
    ]
  ) {
    const s = readGiteaSettings({
      GITEA_URL: url,
      GITEA_TOKEN: "t0ken-value",
      GITEA_REPOSITORY: "org/repo",
    });
    assertEquals(s.problems, []);
    assertEquals(s.apiUrl, "https://git.example.com/gitea/api/v1", url);
    assertEquals([s.owner, s.repo], ["org", "repo"]);
  }
});

Deno.test("gitea: missing and malformed settings are named, never guessed", () => {
  assertEquals(readGiteaSettings({}).problems, ["GITEA_TOKEN", "GITEA_URL", "GITEA_REPOSITORY"]);
  const bad = (repo: string) =>
    readGiteaSettings({ GITEA_URL: "https://g.example", GITEA_TOKEN: "x", GITEA_REPOSITORY: repo })
      .problems.join("; ");
  assertMatch(bad("org/sub/repo"), /GITEA_REPOSITORY must be owner\/repo/);
  assertMatch(bad("../repo"), /GITEA_REPOSITORY must be owner\/repo of letters/);
  assertMatch(bad("org"), /GITEA_REPOSITORY must be owner\/repo/);
  const creds = readGiteaSettings({
    GITEA_URL: "https://user:pw@g.example",
    GITEA_TOKEN: "x",
    GITEA_REPOSITORY: "o/r",
  });
  assertMatch(creds.problems.join(), /GITEA_URL must not carry credentials/);
});

Deno.test("gitea: inside Actions the runner's GITHUB_SERVER_URL and GITHUB_REPOSITORY stand in", () => {
  const runner = { GITHUB_SERVER_URL: "https://codeberg.org", GITHUB_REPOSITORY: "team/app" };
  const s = readGiteaSettings({ ...runner, GITEA_TOKEN: "x" });
  assertEquals(s.problems, []);
  assertEquals([s.apiUrl, s.owner, s.repo], ["https://codeberg.org/api/v1", "team", "app"]);
  // The GITEA_ ones win when set.
  const own = readGiteaSettings({
    ...runner,
    GITEA_TOKEN: "x",
    GITEA_URL: "https://git.example.com",
    GITEA_REPOSITORY: "own/repo",
  });
  assertEquals([own.apiUrl, own.owner], ["https://git.example.com/api/v1", "own"]);
  // GitHub Actions' own server is no Gitea: the token is not sent there.
  const github = readGiteaSettings({
    ...runner,
    GITHUB_SERVER_URL: "https://github.com",
    GITEA_TOKEN: "x",
  });
  assertEquals(github.problems, ["GITEA_URL"]);
  assertEquals(giteaPlatform.hosts({ GITHUB_SERVER_URL: "https://github.com" }), []);
});

Deno.test("gitea: hosts are exactly the instance's (with a non-default port)", () => {
  assertEquals(giteaPlatform.hosts({}), []);
  assertEquals(giteaPlatform.hosts({ GITEA_URL: "https://git.example.com:3000/gitea/" }), [
    "git.example.com:3000",
  ]);
  assertEquals(forgejoPlatform.hosts({ GITHUB_SERVER_URL: "https://codeberg.org" }), [
    "codeberg.org",
  ]);
  assertEquals(giteaPlatform.hosts({ GITEA_URL: "not a url" }), []);
});

Deno.test("gitea: permissions grant the instance, its variables and the step summary", () => {
  registerPlatform({ ...giteaPlatform, name: "gitea-perm-test" });
  const perms = requiredPermissions(
    { platform: { ci: "gitea-perm-test", tracker: "gitea-perm-test" } },
    {
      env: {
        GITEA_URL: "https://git.example.com:3000/gitea",
        GITHUB_STEP_SUMMARY: "/runner/summary.md",
      },
      repoRoot: "/repo",
    },
  );
  assertEquals(perms.net, ["git.example.com:3000"]);
  for (
    const name of [
      "GITEA_URL",
      "GITEA_TOKEN",
      "GITEA_REPOSITORY",
      "GITHUB_SERVER_URL",
      "GITHUB_REPOSITORY",
      "GITHUB_STEP_SUMMARY",
    ]
  ) {
    assert(perms.env.includes(name), name);
  }
  assert(perms.write.includes("/runner/summary.md"));
  assertStringIncludes(permissionFlags(perms), "--allow-net=git.example.com:3000 ");
});

Deno.test("gitea: the secret variable is masked by the registry before the adapter runs", () => {
  const context = resolveContext(giteaPlatform, {
    env: { GITEA_TOKEN: "gitea-secret-value-1234" },
  });
  assertEquals(context.secrets.redact("x gitea-secret-value-1234 y"), "x *** y");
});

// ---------------------------------------------------------------------------
// forgejo: the same platform under another name

Deno.test("forgejo: its adapters and records carry the forgejo name", async () => {
  await using r = await giteaRig({ vendors: ["forgejo"] }, { definition: forgejoPlatform });
  assertEquals(forgejoPlatform.name, "forgejo");
  assertEquals(forgejoPlatform.title, "Forgejo");
  assertEquals([r.ci.platform, r.tracker.platform, r.branching.platform], [
    "forgejo",
    "forgejo",
    "forgejo",
  ]);
  const url = await r.tracker.pushStory(1, r.dayDir(1));
  assertStringIncludes(url, `${r.gitea.webUrl}/issues/`);
  const record = await Deno.readTextFile(`${r.dayDir(1)}/story-ticket.yaml`);
  assertStringIncludes(record, "platform: forgejo");
  assertEquals(await r.tracker.updateStoryStatus(1, r.dayDir(1), "done"), true);
  assertStringIncludes(r.logger.text(), "[Forgejo]");
  // A gitea adapter does not take forgejo's record for its own.
  const gitea = buildAdapter(giteaPlatform, "tracker", {
    env: r.env,
    repoRoot: r.root,
    logger: r.logger,
  });
  assertEquals(await gitea.updateStoryStatus(1, r.dayDir(1), "in_progress"), false);
});

// ---------------------------------------------------------------------------
// Authentication

Deno.test("gitea: every request carries Authorization: token …, to the instance only", async () => {
  await using r = await giteaRig();
  r.gitea.addStatus(SHA, { context: "ci/build", state: "success" });
  assertEquals((await r.ci.waitForCommitCi(SHA, FAST)).conclusion, "success");
  await r.tracker.openEscalationIssue(3, r.dayDir(3));
  assert(await r.branching.getBranchSha("main"));
  assert(r.gitea.requests.length >= 5);
  for (const request of r.gitea.requests) {
    assertEquals(request.headers.get("authorization"), `token ${r.gitea.token}`);
  }
});

Deno.test("gitea: a wrong token is 401 everywhere: empty answers, no token in the log", async () => {
  await using r = await giteaRig({}, { env: { GITEA_TOKEN: "wrong-token-0123456789" } });
  r.gitea.addStatus(SHA, { context: "ci/build", state: "success" });
  const wait = await r.ci.waitForCommitCi(SHA, FAST);
  assertEquals(wait.conclusion, "no_runs");
  assertMatch(wait.error ?? "", /401.*token is required/);
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), "");
  assertEquals(await r.branching.getBranchSha("main"), undefined);
  assertEquals(await r.branching.createBranch("staging", "main"), false);
  assertEquals(await r.ci.setVariable("PACE_X", "1"), false);
  assert(!r.logger.text().includes("wrong-token-0123456789"));
  assertEquals(r.gitea.issues, []);
});

Deno.test("gitea: a token without a scope is told which (403 names it)", async () => {
  await using r = await giteaRig({ scopes: ["write:repository"] });
  assertEquals(await r.tracker.openEscalationIssue(3, r.dayDir(3)), "");
  assertStringIncludes(r.logger.text(), "required scope(s): [read:issue]");
});

// ---------------------------------------------------------------------------
// pace check

Deno.test("gitea: the probe reaches the repository and names its default branch", async () => {
  await using r = await giteaRig({ root: "/gitea", defaultBranch: "trunk" });
  const context = resolveContext(giteaPlatform, { env: r.env, repoRoot: r.root });
  const probe = await giteaPlatform.probe!(context);
  assertEquals(probe.ok, true);
  assertStringIncludes(probe.detail, "pace-org/pace-demo reachable");
  assertStringIncludes(probe.detail, "default branch trunk");
});

Deno.test("gitea: the probe says what GITEA_URL must be when a web page answers", async () => {
  await using r = await giteaRig({ root: "/gitea" });
  r.expectViolations.push(/outside the API root/);
  // The web root without the sub-path: the web UI answers an HTML page.
  const env = { ...r.env, GITEA_URL: r.gitea.origin };
  const probe = await giteaPlatform.probe!(resolveContext(giteaPlatform, { env }));
  assertEquals(probe.ok, false);
  assertStringIncludes(probe.detail, "an HTML page (HTTP 404)");
  assertStringIncludes(probe.detail, "GITEA_URL is the instance's root");
});

Deno.test("gitea: the probe refuses a sign-in page and JSON that is no repository", async () => {
  await using r = await giteaRig();
  const probe = () => giteaPlatform.probe!(resolveContext(giteaPlatform, { env: r.env }));
  r.gitea.on(
    "GET",
    /^\/repos\/[^/]+\/[^/]+$/,
    () => html(200, "<!DOCTYPE html><title>Sign In</title>"),
  );
  const page = await probe();
  assertEquals(page.ok, false);
  assertStringIncludes(page.detail, "an HTML page (HTTP 200)");
  assert(!page.detail.includes("Sign In"), "the page itself is not echoed");
  r.gitea.on("GET", /^\/repos\/[^/]+\/[^/]+$/, () => ({ status: 200, body: { status: "ok" } }));
  assertStringIncludes((await probe()).detail, "did not answer as Gitea's API does");
});

Deno.test("gitea: the probe reports missing settings without a request", async () => {
  const probe = await giteaPlatform.probe!(resolveContext(giteaPlatform, { env: {} }));
  assertEquals(probe.ok, false);
  assertStringIncludes(probe.detail, "GITEA_TOKEN");
});
