// A token an agent quotes in an artifact never leaves the process: not in a
// body sent to a platform, a file written, a job summary, or the CLI's stdout.
import { join } from "node:path";
import { getCIAdapter, getTrackerAdapter } from "../mod.ts";
import { captureLogger, writeSamplePace } from "../testing.ts";
import { type CliIo, main } from "../cli.ts";
import { FakeGitHub } from "./servers/github.ts";
import { assert, assertEquals } from "./_assert.ts";

const TOKEN = "ghp_quotedByAnAgent0123456789abcdef";

async function quoteTokenInArtifacts(paceDir: string): Promise<void> {
  const day3 = join(paceDir, "day-3");
  await Deno.writeTextFile(
    join(day3, "sentinel.md"),
    `hold_reason: "found ${TOKEN} in the log (also ${encodeURIComponent(TOKEN)})"\n`,
  );
}

/** Every file under `dir` but the agents' own artifacts (the input), as text. */
async function writtenUnder(dir: string): Promise<string[]> {
  const texts: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) texts.push(...await writtenUnder(path));
    else if (entry.isFile && !/^(story|handoff|gate|sentinel|conduit)\.md$/.test(entry.name)) {
      texts.push(await Deno.readTextFile(path));
    }
  }
  return texts;
}

Deno.test("secrets written: the body GitHub receives masks a token quoted in an artifact", async () => {
  const gh = await FakeGitHub.start({ token: TOKEN });
  const root = await Deno.makeTempDir({ prefix: "pace-secrets-" });
  try {
    const paceDir = await writeSamplePace(root);
    await quoteTokenInArtifacts(paceDir);
    const env = {
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_API_URL: gh.url,
    };
    const tracker = getTrackerAdapter("github", { env, repoRoot: root, logger: captureLogger() });
    const url = await tracker.openEscalationIssue(3, join(paceDir, "day-3"));
    assert(url !== "");
    assertEquals(gh.issues.length, 1);
    const body = gh.issues[0].body ?? "";
    assert(body.includes("found *** in the log"), body);
    assert(!body.includes(TOKEN) && !body.includes(encodeURIComponent(TOKEN)));
  } finally {
    await gh.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("secrets written: local files and the job summary mask another platform's token", async () => {
  const root = await Deno.makeTempDir({ prefix: "pace-secrets-" });
  try {
    const paceDir = await writeSamplePace(root);
    await quoteTokenInArtifacts(paceDir);
    // The local platform reads no token, but GITHUB_TOKEN is in the environment.
    const context = { env: { GITHUB_TOKEN: TOKEN }, repoRoot: root, logger: captureLogger() };
    const tracker = getTrackerAdapter("local", context);
    const ci = getCIAdapter("local", context);
    assert(await tracker.openEscalationIssue(3, join(paceDir, "day-3")) !== "");
    assert(await ci.writeJobSummary(`# Day 3\n\nthe agent pasted ${TOKEN}\n`));
    assert(await ci.setVariable("LAST_OUTPUT", `token=${TOKEN}`));
    const written = await writtenUnder(root);
    assert(written.some((t) => t.includes("found *** in the log")), "the escalation is written");
    for (const text of written) assert(!text.includes(TOKEN), text.slice(0, 200));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("secrets written: the CLI's stdout (--json too) masks a known token", async () => {
  const root = await Deno.makeTempDir({ prefix: "pace-secrets-" });
  try {
    await Deno.mkdir(join(root, ".pace"), { recursive: true });
    await Deno.writeTextFile(join(root, ".pace", "variables.json"), JSON.stringify({ OUT: TOKEN }));
    for (const json of [false, true]) {
      const lines: string[] = [];
      const io: CliIo = {
        stdout: (t) => lines.push(t),
        stderr: () => {},
        env: { GITHUB_TOKEN: TOKEN },
      };
      const args = ["ci", "get-var", "OUT", "--repo-root", root, ...(json ? ["--json"] : [])];
      assertEquals(await main(args, io), 0);
      assert(lines.join("\n").includes("***"), lines.join("\n"));
      assert(!lines.join("\n").includes(TOKEN));
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
