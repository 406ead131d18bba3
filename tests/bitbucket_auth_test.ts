// Bitbucket Cloud's credentials as they are in 2026: Atlassian API tokens (Basic
// email:token) replaced app passwords, which bitbucket.org refuses since 2026-06-09;
// repository, project and workspace access tokens go as Bearer; the legacy
// user + app password pair still goes as Basic (self-hosted gateways, old setups).

import { bitbucketPlatform } from "../platforms/bitbucket.ts";
import { permissionFlags, requiredPermissions } from "../platforms/permissions.ts";
import { getCIAdapter, getTrackerAdapter, resolveContext } from "../platforms/registry.ts";
import type { CIAdapter, Env, TrackerAdapter } from "../platforms/types.ts";
import { captureLogger, type CapturingLogger, writeSamplePace } from "../testing.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";
import {
  type BitbucketCredential,
  FakeBitbucket,
  type FakeBitbucketOptions,
} from "./servers/bitbucket.ts";

/**
 * One look at a commit: the repository and the first page of pipelines go out
 * together on the first poll, each once — nothing repeated, no retry.
 */
function assertOneLook(requests: { path: string }[], message = "one look, no retry"): void {
  const paths = requests.map((q) => q.path);
  assertEquals(new Set(paths).size, paths.length, `${message}: ${paths.join(", ")}`);
  assert(paths.length <= 2, `${message}: ${paths.join(", ")}`);
}
const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const fast = { timeoutMinutes: 0.05, pollIntervalSeconds: 0.01 };
const once = { timeoutMinutes: 1, pollIntervalSeconds: 0.01 };

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The variables of one credential of `bb`. */
function credentialEnv(bb: FakeBitbucket, credential: BitbucketCredential): Env {
  switch (credential) {
    case "api-token":
      return { BITBUCKET_EMAIL: bb.email, BITBUCKET_API_TOKEN: bb.apiToken };
    case "access-token":
      return { BITBUCKET_API_TOKEN: bb.token };
    case "app-password":
      return { BITBUCKET_USER: bb.user, BITBUCKET_APP_PASSWORD: bb.appPassword };
  }
}

/** Every form in which a credential of `bb` could leak. */
function secretsOf(bb: FakeBitbucket): string[] {
  return [
    bb.token,
    bb.apiToken,
    bb.appPassword,
    `${bb.email}:${bb.apiToken}`,
    base64(`${bb.email}:${bb.apiToken}`),
    `${bb.user}:${bb.appPassword}`,
    base64(`${bb.user}:${bb.appPassword}`),
  ];
}

interface Rig extends AsyncDisposable {
  bb: FakeBitbucket;
  logger: CapturingLogger;
  dayDir: string;
  ci: CIAdapter;
  tracker: TrackerAdapter;
  /** Results to scan for secrets at the end. */
  keep<T>(value: T): T;
}

async function rig(
  env: (bb: FakeBitbucket) => Env,
  options: FakeBitbucketOptions = {},
): Promise<Rig> {
  const bb = await FakeBitbucket.start(options);
  const root = await Deno.makeTempDir({ prefix: "pace-bitbucket-auth-" });
  const paceDir = await writeSamplePace(root);
  const logger = captureLogger();
  const context = {
    env: {
      BITBUCKET_API_URL: bb.url,
      BITBUCKET_WORKSPACE: bb.workspace,
      BITBUCKET_REPO_SLUG: bb.repoSlug,
      ...env(bb),
    },
    repoRoot: root,
    logger,
  };
  const results: unknown[] = [];
  return {
    bb,
    logger,
    dayDir: `${paceDir}/day-3`,
    ci: getCIAdapter("bitbucket", context),
    tracker: getTrackerAdapter("bitbucket", context),
    keep: (value) => {
      results.push(value);
      return value;
    },
    async [Symbol.asyncDispose]() {
      await bb.close();
      await Deno.remove(root, { recursive: true });
      assertEquals(bb.violations, [], "every request is one Bitbucket accepts");
      const haystack = `${logger.text()}\n${JSON.stringify(results)}`;
      for (const secret of secretsOf(bb)) assert(!haystack.includes(secret), "a credential leaked");
    },
  };
}

/** Wait for a successful pipeline and open an escalation: the requests both sides send. */
async function exercise(r: Rig): Promise<void> {
  r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
  assertEquals(r.keep(await r.ci.waitForCommitCi(SHA, fast)).conclusion, "success");
  assertMatch(r.keep(await r.tracker.openEscalationIssue(3, r.dayDir)), /\/issues\/\d+$/);
  assert(r.bb.requests.length >= 3);
}

// ---------------------------------------------------------------------------
// Each credential, sent as Bitbucket takes it

Deno.test("bitbucket auth: an Atlassian API token goes as Basic email:token on every request", async () => {
  await using r = await rig((bb) => credentialEnv(bb, "api-token"));
  await exercise(r);
  for (const request of r.bb.requests) {
    assertEquals(request.headers.get("authorization"), r.bb.apiTokenHeader);
    assertEquals(request.credential, "api-token");
  }
});

Deno.test("bitbucket auth: an access token alone goes as Bearer on every request", async () => {
  await using r = await rig((bb) => credentialEnv(bb, "access-token"));
  await exercise(r);
  for (const request of r.bb.requests) {
    assertEquals(request.headers.get("authorization"), `Bearer ${r.bb.token}`);
    assertEquals(request.credential, "access-token");
  }
});

Deno.test("bitbucket auth: a legacy app password goes as Basic user:password where still accepted", async () => {
  await using r = await rig((bb) => credentialEnv(bb, "app-password"), { appPasswords: true });
  await exercise(r);
  for (const request of r.bb.requests) {
    assertEquals(request.headers.get("authorization"), r.bb.basicHeader);
    assertEquals(request.credential, "app-password");
  }
});

Deno.test("bitbucket auth: precedence — email + token, then token alone, then user + app password", async () => {
  const cases: [string, (bb: FakeBitbucket) => Env, BitbucketCredential][] = [
    ["all three", (bb) => ({
      ...credentialEnv(bb, "app-password"),
      BITBUCKET_EMAIL: bb.email,
      BITBUCKET_API_TOKEN: bb.apiToken,
    }), "api-token"],
    ["token and app password, no email", (bb) => ({
      ...credentialEnv(bb, "app-password"),
      ...credentialEnv(bb, "access-token"),
    }), "access-token"],
    ["email without a token, and an app password", (bb) => ({
      ...credentialEnv(bb, "app-password"),
      BITBUCKET_EMAIL: bb.email,
    }), "app-password"],
    ["an empty token counts as unset", (bb) => ({
      ...credentialEnv(bb, "app-password"),
      BITBUCKET_EMAIL: bb.email,
      BITBUCKET_API_TOKEN: "  ",
    }), "app-password"],
  ];
  for (const [label, env, expected] of cases) {
    await using r = await rig(env, { appPasswords: true });
    r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
    assertEquals(r.keep(await r.ci.waitForCommitCi(SHA, fast)).conclusion, "success", label);
    assertEquals([...new Set(r.bb.requests.map((q) => q.credential))], [expected], label);
  }
});

// ---------------------------------------------------------------------------
// 401: the scheme tried, and the other two

Deno.test("bitbucket auth: an API token without BITBUCKET_EMAIL goes as Bearer; the 401 says to set the email", async () => {
  await using r = await rig((bb) => ({ BITBUCKET_API_TOKEN: bb.apiToken }));
  r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
  const result = r.keep(await r.ci.waitForCommitCi(SHA, once));
  assertEquals(result.conclusion, "no_runs");
  assertOneLook(r.bb.requests, "a 401 ends the wait at once");
  assertEquals(r.bb.requests[0].scheme, "bearer");
  const error = result.error ?? "";
  assertStringIncludes(error, "401");
  assertStringIncludes(error, "Token is invalid", "Bitbucket's own answer is kept");
  assertStringIncludes(
    error,
    "Bitbucket refused BITBUCKET_API_TOKEN as Bearer (tried as a repository, project or " +
      "workspace access token, since BITBUCKET_EMAIL is not set)",
  );
  assertStringIncludes(
    error,
    "an Atlassian API token needs BITBUCKET_EMAIL too (the account's email: Basic email:token)",
  );
  assertStringIncludes(error, "BITBUCKET_USER + BITBUCKET_APP_PASSWORD");
});

Deno.test("bitbucket auth: each scheme's 401 names the scheme tried and the other two", async () => {
  const cases: [BitbucketCredential, (bb: FakeBitbucket) => Env, string[]][] = [
    [
      "api-token",
      (bb) => ({ BITBUCKET_EMAIL: bb.email, BITBUCKET_API_TOKEN: "ATATT-revoked-0000" }),
      [
        "Bitbucket refused BITBUCKET_EMAIL:BITBUCKET_API_TOKEN as Basic (an Atlassian API token)",
        "check that BITBUCKET_EMAIL is the Atlassian account's email",
        "a repository, project or workspace access token goes as Bearer: unset BITBUCKET_EMAIL",
        "BITBUCKET_USER + BITBUCKET_APP_PASSWORD",
      ],
    ],
    ["access-token", () => ({ BITBUCKET_API_TOKEN: "bbat-expired-0000" }), [
      "Bitbucket refused BITBUCKET_API_TOKEN as Bearer",
      "BITBUCKET_EMAIL",
      "BITBUCKET_USER + BITBUCKET_APP_PASSWORD",
    ]],
    ["app-password", (bb) => credentialEnv(bb, "app-password"), [
      "Bitbucket refused BITBUCKET_USER:BITBUCKET_APP_PASSWORD as Basic (a legacy app password)",
      "bitbucket.org accepts no app password since 2026-06-09",
      "BITBUCKET_EMAIL + BITBUCKET_API_TOKEN (an Atlassian API token, Basic email:token)",
      "BITBUCKET_API_TOKEN alone (a repository, project or workspace access token, Bearer)",
    ]],
  ];
  for (const [credential, env, mentions] of cases) {
    // Bitbucket.org: app passwords refused, whatever their value.
    await using r = await rig(env);
    r.bb.addPipeline({ commit: SHA, status: "SUCCESSFUL" });
    const result = r.keep(await r.ci.waitForCommitCi(SHA, once));
    assertEquals(result.conclusion, "no_runs", credential);
    assertOneLook(r.bb.requests, `${credential}: no retry after a 401`);
    for (const text of mentions) assertStringIncludes(result.error ?? "", text, credential);
    // The tracker's calls explain it the same way.
    assertEquals(r.keep(await r.tracker.openEscalationIssue(3, r.dayDir)), "");
    assertStringIncludes(r.logger.text(), mentions[0]);
  }
});

Deno.test("bitbucket auth: pace check names the credential in use, and explains a 401", async () => {
  await using r = await rig((bb) => credentialEnv(bb, "api-token"));
  const env = {
    BITBUCKET_API_URL: r.bb.url,
    BITBUCKET_WORKSPACE: r.bb.workspace,
    BITBUCKET_REPO_SLUG: r.bb.repoSlug,
  };
  const probe = (more: Env) =>
    bitbucketPlatform.probe!(
      resolveContext(bitbucketPlatform, { env: { ...env, ...more }, logger: r.logger }),
    );
  const ok = r.keep(await probe(credentialEnv(r.bb, "api-token")));
  assert(ok.ok, ok.detail);
  assertStringIncludes(ok.detail, `Atlassian API token of ${r.bb.email}`);
  const bearer = r.keep(await probe(credentialEnv(r.bb, "access-token")));
  assertStringIncludes(bearer.detail, "access token");
  const legacy = r.keep(await probe(credentialEnv(r.bb, "app-password")));
  assertEquals(legacy.ok, false, "bitbucket.org refuses app passwords");
  assertStringIncludes(legacy.detail, "since 2026-06-09");
});

// ---------------------------------------------------------------------------
// Missing or half-set credentials

Deno.test("bitbucket auth: without credentials the log names all three options; nothing is sent", async () => {
  const cases: [Env, string[]][] = [
    [{}, [
      "BITBUCKET_EMAIL + BITBUCKET_API_TOKEN (an Atlassian API token, Basic email:token)",
      "BITBUCKET_API_TOKEN alone (a repository, project or workspace access token, Bearer)",
      "BITBUCKET_USER + BITBUCKET_APP_PASSWORD (a legacy app password, Basic",
    ]],
    [{ BITBUCKET_EMAIL: "dev@example.com" }, [
      "BITBUCKET_API_TOKEN is not set though BITBUCKET_EMAIL is",
    ]],
    [{ BITBUCKET_USER: "pace-bot" }, [
      "BITBUCKET_APP_PASSWORD is not set though BITBUCKET_USER is",
    ]],
    [{ BITBUCKET_APP_PASSWORD: "pw-123456" }, [
      "BITBUCKET_USER is not set though BITBUCKET_APP_PASSWORD is",
    ]],
  ];
  const bb = await FakeBitbucket.start();
  try {
    for (const [credentials, mentions] of cases) {
      const logger = captureLogger();
      const context = {
        env: {
          BITBUCKET_API_URL: bb.url,
          BITBUCKET_WORKSPACE: bb.workspace,
          BITBUCKET_REPO_SLUG: bb.repoSlug,
          ...credentials,
        },
        logger,
      };
      const result = await getCIAdapter("bitbucket", context).waitForCommitCi(SHA, fast);
      assertEquals(result.conclusion, "no_runs");
      assertEquals(await getTrackerAdapter("bitbucket", context).openEscalationIssue(3, "x"), "");
      for (const text of mentions) {
        assertStringIncludes(logger.text(), text);
        assertStringIncludes(result.error ?? "", text);
      }
    }
    assertEquals(bb.requests.length, 0, "nothing is sent without a credential");
  } finally {
    await bb.close();
  }
});

Deno.test("bitbucket auth: missing() — each credential alone is enough", () => {
  const missing = bitbucketPlatform.missing!;
  const place = { BITBUCKET_WORKSPACE: "w", BITBUCKET_REPO_SLUG: "r" };
  assertEquals(
    missing({ ...place, BITBUCKET_EMAIL: "e@example.com", BITBUCKET_API_TOKEN: "t" }),
    [],
  );
  assertEquals(missing({ ...place, BITBUCKET_API_TOKEN: "t" }), []);
  assertEquals(missing({ ...place, BITBUCKET_USER: "u", BITBUCKET_APP_PASSWORD: "p" }), []);
  const none = missing(place);
  assertEquals(none.length, 1);
  for (
    const name of [
      "BITBUCKET_EMAIL",
      "BITBUCKET_API_TOKEN",
      "BITBUCKET_USER",
      "BITBUCKET_APP_PASSWORD",
    ]
  ) {
    assertStringIncludes(none[0], name);
  }
  assertEquals(missing({}).slice(0, 2), ["BITBUCKET_WORKSPACE", "BITBUCKET_REPO_SLUG"]);
});

Deno.test("bitbucket auth: BITBUCKET_EMAIL is read (env, permissions) but is no secret", () => {
  assert(bitbucketPlatform.env.includes("BITBUCKET_EMAIL"));
  assertEquals(bitbucketPlatform.secretEnv, ["BITBUCKET_API_TOKEN", "BITBUCKET_APP_PASSWORD"]);
  const config = { platform: { ci: "bitbucket", tracker: "bitbucket" } };
  const perms = requiredPermissions(config, { env: {} });
  assert(perms.env.includes("BITBUCKET_EMAIL"), perms.env.join(","));
  assertStringIncludes(permissionFlags(perms), "BITBUCKET_EMAIL");
});
