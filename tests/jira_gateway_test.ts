/**
 * `JIRA_CLOUD_ID`: scoped API tokens and service accounts reach Jira Cloud
 * only through Atlassian's gateway, `https://api.atlassian.com/ex/jira/{cloudId}`.
 * REST goes there while links stay `JIRA_URL/browse/KEY`; permissions grant
 * the gateway's host (links are not calls); a 401 says what to set.
 *
 * The gateway's origin is fixed, so the tests hand the adapter a fetch that
 * sends `https://api.atlassian.com` requests to the local fake instead — still
 * real HTTP, answered by a server that serves Jira's API under
 * `/ex/jira/{cloudId}` and refuses any other cloud id — and refuses every
 * other host, as Deno's `--allow-net` would.
 */

import { join } from "node:path";
import { permissionFlags, requiredPermissions } from "../mod.ts";
import { jiraPlatform } from "../platforms/jira.ts";
import { readJiraSettings } from "../platforms/jira/settings.ts";
import { buildAdapter, resolveContext } from "../platforms/registry.ts";
import type { Env } from "../platforms/types.ts";
import { captureLogger, testPlatformContract, writeSamplePace } from "../testing.ts";
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { FakeJira, type FakeJiraOptions } from "./servers/jira.ts";
import { instantJira } from "./servers/jira/platform.ts";

const GATEWAY = "https://api.atlassian.com";
/** The site the links name; nothing may call it. */
const SITE = "https://acme.atlassian.net";

/** A fetch that sends the gateway's requests to `jira`, and refuses every other host. */
function viaGateway(jira: FakeJira, hosts: string[] = []): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    hosts.push(url.host);
    if (url.origin !== GATEWAY) {
      return Promise.reject(
        new Deno.errors.PermissionDenied(`Requires net access to "${url.host}"`),
      );
    }
    return fetch(new Request(`${jira.origin}${url.pathname}${url.search}`, request));
  };
}

function gatewayEnv(jira: FakeJira, extra: Env = {}): Record<string, string> {
  return {
    JIRA_URL: SITE,
    JIRA_EMAIL: jira.email,
    JIRA_TOKEN: jira.token,
    JIRA_PROJECT_KEY: "PACE",
    JIRA_CLOUD_ID: jira.cloudId,
    ...extra,
  } as Record<string, string>;
}

async function withRepo<T>(fn: (root: string, dayDir: (day: number) => string) => Promise<T>) {
  const root = await Deno.makeTempDir({ prefix: "pace-jira-gw-" });
  try {
    const paceDir = await writeSamplePace(root);
    return await fn(root, (day) => join(paceDir, `day-${day}`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("jira cloud with JIRA_CLOUD_ID: REST through the gateway, links on JIRA_URL", async () => {
  await using jira = FakeJira.start({ mode: "cloud", scopedToken: true });
  const hosts: string[] = [];
  await withRepo(async (root, dayDir) => {
    const logger = captureLogger();
    const tracker = buildAdapter(instantJira().definition, "tracker", {
      env: gatewayEnv(jira),
      repoRoot: root,
      logger,
      fetch: viaGateway(jira, hosts),
    });
    const url = await tracker.openEscalationIssue(3, dayDir(3));
    assertEquals(url, `${SITE}/browse/PACE-1`, logger.text());
    assertEquals(await tracker.pushStory(1, dayDir(1)), `${SITE}/browse/PACE-2`);
    assertEquals(await tracker.updateStoryStatus(1, dayDir(1), "done"), true);
    assertEquals(await tracker.postHandoffComment(1, dayDir(1)), true);
    assertEquals(await tracker.openEscalationIssue(3, dayDir(3)), url, "a re-run finds it");
  });
  assertEquals([...new Set(hosts)], ["api.atlassian.com"], "nothing calls JIRA_URL");
  assert(jira.requests.length > 0);
  for (const request of jira.requests) {
    assert(request.path.startsWith(`/ex/jira/${jira.cloudId}/rest/api/3/`), request.path);
    assertEquals(request.headers.get("authorization"), jira.authorization);
  }
  assertEquals(jira.issues.length, 2);
  assertEquals(jira.violations, []);
});

Deno.test("jira cloud: a scoped token without JIRA_CLOUD_ID gets a 401 that says to set it", async () => {
  await using jira = FakeJira.start({ mode: "cloud", scopedToken: true });
  await withRepo(async (root, dayDir) => {
    const logger = captureLogger();
    const env = { ...gatewayEnv(jira, { JIRA_URL: jira.url }), JIRA_CLOUD_ID: "" };
    const tracker = buildAdapter(jiraPlatform, "tracker", { env, repoRoot: root, logger });
    assertEquals(await tracker.openEscalationIssue(3, dayDir(3)), "");
    const log = logger.text();
    assertStringIncludes(log, "401");
    assertStringIncludes(log, "scoped API token or a service account's token");
    assertStringIncludes(log, "set JIRA_CLOUD_ID");
    assertStringIncludes(log, "/_edge/tenant_info");
  });
  assertEquals(jira.requests.length, 1, "a 401 is not retried");
  assertEquals(jira.violations, []);
});

Deno.test("jira cloud: the gateway's 401 and a wrong cloud id are explained", async () => {
  await using jira = FakeJira.start({ mode: "cloud", scopedToken: true });
  await withRepo(async (root, dayDir) => {
    const logger = captureLogger();
    const build = (extra: Env) =>
      buildAdapter(jiraPlatform, "tracker", {
        env: gatewayEnv(jira, extra),
        repoRoot: root,
        logger,
        fetch: viaGateway(jira),
      });
    const wrongToken = build({ JIRA_TOKEN: "ATATT-wrong-0123456789" });
    assertEquals(await wrongToken.openEscalationIssue(3, dayDir(3)), "");
    assertStringIncludes(logger.text(), "through api.atlassian.com");
    assertStringIncludes(logger.text(), "JIRA_CLOUD_ID the cloud id of the site at JIRA_URL");
    assert(!logger.text().includes("ATATT-wrong-0123456789"));

    const otherSite = "0b0b0b0b-1111-4222-8333-444455556666";
    assertEquals(await build({ JIRA_CLOUD_ID: otherSite }).openEscalationIssue(3, dayDir(3)), "");
    assertStringIncludes(logger.text(), "404");
    assertStringIncludes(logger.text(), `found no Jira site with JIRA_CLOUD_ID ${otherSite}`);
    assertEquals(jira.issues.length, 0);

    const probe = await jiraPlatform.probe!(resolveContext(jiraPlatform, {
      env: gatewayEnv(jira, { JIRA_CLOUD_ID: otherSite }),
      fetch: viaGateway(jira),
    }));
    assertEquals(probe.ok, false);
    assertStringIncludes(probe.detail, "JIRA_CLOUD_ID");
    assert(!probe.detail.includes("check JIRA_PROJECT_KEY"), probe.detail);
  });
  assertEquals(jira.violations, [], "a wrong cloud id is a setting, not a client bug");
});

Deno.test("jira cloud: the probe goes through the gateway and says so", async () => {
  await using jira = FakeJira.start({ mode: "cloud", scopedToken: true });
  const probe = await jiraPlatform.probe!(resolveContext(jiraPlatform, {
    env: gatewayEnv(jira),
    fetch: viaGateway(jira),
  }));
  assert(probe.ok, probe.detail);
  assertStringIncludes(probe.detail, `reachable at ${GATEWAY}/ex/jira/${jira.cloudId}`);
  assertStringIncludes(probe.detail, "through api.atlassian.com");
  assertEquals(jira.sent(`/ex/jira/${jira.cloudId}/rest/api/3/project/PACE`, "GET").length, 1);
});

Deno.test("jira: JIRA_CLOUD_ID grants the gateway's host, not JIRA_URL's; a slip is a problem", () => {
  const env = {
    JIRA_URL: SITE,
    JIRA_EMAIL: "bot@acme.example",
    JIRA_TOKEN: "ATATT-example",
    JIRA_PROJECT_KEY: "PACE",
    JIRA_CLOUD_ID: "35273B54-3F06-40D2-880F-DD28CF8DAAFA",
  };
  assertEquals(jiraPlatform.hosts(env), ["api.atlassian.com"]);
  assertEquals(jiraPlatform.hosts({ ...env, JIRA_CLOUD_ID: "" }), ["acme.atlassian.net"]);
  assertEquals(jiraPlatform.missing!(env), []);
  const settings = readJiraSettings(env);
  assertEquals(settings.apiUrl, `${GATEWAY}/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa`);
  assertEquals(settings.url, SITE);
  assert(jiraPlatform.env.includes("JIRA_CLOUD_ID"));

  const perms = requiredPermissions({ platform: { ci: "github", tracker: "jira" } }, { env });
  assertEquals(perms.net, ["api.github.com", "api.atlassian.com"]);
  assert(perms.env.includes("JIRA_CLOUD_ID"));
  assertStringIncludes(permissionFlags(perms), "--allow-net=api.github.com,api.atlassian.com ");

  const noEmail = jiraPlatform.missing!({ ...env, JIRA_EMAIL: undefined });
  assertEquals(noEmail.length, 1);
  assertStringIncludes(noEmail[0], "JIRA_CLOUD_ID is for Jira Cloud: set JIRA_EMAIL too");
  const malformed = jiraPlatform.missing!({ ...env, JIRA_CLOUD_ID: "acme" });
  assertEquals(malformed.length, 1);
  assertStringIncludes(malformed[0], "JIRA_CLOUD_ID must be the site's cloud id, a UUID");
});

Deno.test("jira keeps the PACE contract through the gateway (JIRA_CLOUD_ID)", async (t) => {
  let jira: FakeJira;
  const options: FakeJiraOptions = { mode: "cloud", scopedToken: true };
  await testPlatformContract(t, {
    definition: jiraPlatform,
    setup: () => {
      jira = FakeJira.start(options);
      return {
        env: gatewayEnv(jira),
        fetch: viaGateway(jira),
        requestCount: () => jira.requests.length,
        secrets: [jira.token, `${jira.email}:${jira.token}`],
        close: async () => {
          await jira.close();
          assertEquals(jira.violations, []);
        },
      };
    },
    missingCredentials: {
      env: { JIRA_URL: SITE, JIRA_PROJECT_KEY: "PACE", JIRA_CLOUD_ID: "x" },
      mentions: "JIRA_TOKEN",
    },
  });
});
