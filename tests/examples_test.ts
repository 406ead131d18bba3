import { basename } from "node:path";
import { loadConfig } from "../mod.ts";
import { assertEquals } from "./_assert.ts";

const dir = new URL("../config/examples/", import.meta.url).pathname;

Deno.test("every example config loads, and selects what its name says", async () => {
  const expected: Record<string, [string, string]> = {
    "local.yaml": ["local", "local"],
    "github.yaml": ["github", "github"],
    "legacy-type.yaml": ["github", "github"],
    "gitlab.yaml": ["gitlab", "gitlab"],
    "bitbucket.yaml": ["bitbucket", "bitbucket"],
    "github-jira.yaml": ["github", "jira"],
    "gitlab-jira.yaml": ["gitlab", "jira"],
    "bitbucket-jira.yaml": ["bitbucket", "jira"],
    "jenkins-jira.yaml": ["jenkins", "jira"],
    "local-jira.yaml": ["local", "jira"],
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
