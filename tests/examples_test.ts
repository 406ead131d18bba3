import { basename } from "node:path";
import { loadConfig } from "../mod.ts";
import { loadConfigDocument } from "../config/discover.ts";
import { resolveRelease } from "../config/release.ts";
import { assertEquals } from "./_assert.ts";

const dir = new URL("../config/examples/", import.meta.url).pathname;

Deno.test("every example config loads, and selects what its name says", async () => {
  const expected: Record<string, [string, string]> = {
    "local.yaml": ["local", "local"],
    "github.yaml": ["github", "github"],
    "gitea.yaml": ["gitea", "gitea"],
    "gitea-jira.yaml": ["gitea", "jira"],
    "legacy-type.yaml": ["github", "github"],
    "gitlab.yaml": ["gitlab", "gitlab"],
    "bitbucket.yaml": ["bitbucket", "bitbucket"],
    "github-jira.yaml": ["github", "jira"],
    "gitlab-jira.yaml": ["gitlab", "jira"],
    "bitbucket-jira.yaml": ["bitbucket", "jira"],
    "jenkins-jira.yaml": ["jenkins", "jira"],
    "local-jira.yaml": ["local", "jira"],
    "releases.yaml": ["github", "github"],
  };
  const seen: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".yaml")) continue;
    seen.push(entry.name);
    const config = await loadConfig(`${dir}${entry.name}`);
    assertEquals(
      [config.platform.ci, config.platform.tracker],
      expected[basename(entry.name)],
      entry.name,
    );
  }
  assertEquals(seen.sort(), Object.keys(expected).sort(), "every example is checked");
});

Deno.test("the releases example builds the active release's sprint", async () => {
  const document = await loadConfigDocument(`${dir}releases.yaml`);
  assertEquals(resolveRelease(document, {}, { day: 15 }), { name: "2026-q3", sprintNum: 2 });
  assertEquals(resolveRelease(document, { PACE_RELEASE: "2026-q2" }, { day: 15 }), {
    name: "2026-q2",
    sprintNum: 3,
  });
});
