import { join } from "node:path";
import { getBranchingAdapter, parseConfig } from "../mod.ts";
import type { BranchingAdapter } from "../mod.ts";
import { captureLogger } from "../testing.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "./_assert.ts";

const LOCAL = { platform: { ci: "local", tracker: "local" } };
const BAD_NAMES = ["", "a..b", "has space", "-lead", "trail/", "x.lock", "a:b", "a\nb"];

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const made = await Deno.makeTempDir({ prefix: "pace-local-branching-" });
  try {
    await fn(await Deno.realPath(made));
  } finally {
    await Deno.remove(made, { recursive: true });
  }
}

/** Every file under `dir`, relative, sorted; none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string, prefix: string) => {
    for await (const entry of Deno.readDir(current)) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(join(current, entry.name), rel);
      else found.push(rel);
    }
  };
  try {
    await walk(dir, "");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found.sort();
}

function local(root: string) {
  const logger = captureLogger();
  const branching: BranchingAdapter = getBranchingAdapter(LOCAL, {
    repoRoot: root,
    logger,
    env: {},
  });
  return { branching, logger };
}

Deno.test("local branching: every branch has the head 'local'; creating one is logged", async () => {
  await withRoot(async (root) => {
    const { branching, logger } = local(root);
    assertEquals(branching.platform, "local");
    assertEquals(await branching.getBranchSha("main"), "local");
    assertEquals(await branching.getBranchSha("release/v2.0"), "local");
    assertEquals(await branching.createBranch("rel/sprint/pace-1", "release/v2.0"), true);
    assertMatch(logger.text(), /info: \[Local\] branch rel\/sprint\/pace-1 from release\/v2\.0/);
    assertStringIncludes(logger.text(), "recorded only");
    assertEquals(await filesUnder(root), [], "creating a branch writes nothing");
  });
});

Deno.test("local branching: a pull request is a file, written once and found again", async () => {
  await withRoot(async (root) => {
    const { branching } = local(root);
    const path = await branching.createPullRequest(
      "rel/sprint/pace-1",
      "release/v2.0",
      "Sprint 1 into v2.0",
      "Ships the sign-up form.",
      ["pace-release", "pace-sprint-1"],
    );
    assertEquals(
      path,
      join(root, ".pace", "pull-requests", "rel_sprint_pace-1--into--release_v2.0.md"),
    );
    const text = await Deno.readTextFile(path);
    assertEquals(
      text,
      [
        "# Sprint 1 into v2.0",
        "",
        "rel/sprint/pace-1 → release/v2.0",
        "",
        "Ships the sign-up form.",
        "",
        "Labels: pace-release, pace-sprint-1",
        "",
      ].join("\n"),
    );

    // A re-run, even with other words, finds the open one and leaves it as it was.
    const again = await branching.createPullRequest(
      "rel/sprint/pace-1",
      "release/v2.0",
      "Another title",
      "Another body",
      ["other"],
    );
    assertEquals(again, path);
    assertEquals(await Deno.readTextFile(path), text);
    assertEquals(await filesUnder(join(root, ".pace")), [
      "pull-requests/rel_sprint_pace-1--into--release_v2.0.md",
    ]);
  });
});

Deno.test("local branching: agent-written title, body and labels are bounded", async () => {
  await withRoot(async (root) => {
    const { branching } = local(root);
    const path = await branching.createPullRequest(
      "staging",
      "main",
      `Title\n## Injected section\n${"t".repeat(1000)}`,
      "b".repeat(100_000),
      ["ok", `label\n# Injected heading`, "x".repeat(500), "  ", ...Array(50).fill("many")],
    );
    const text = await Deno.readTextFile(path);
    const lines = text.split("\n");
    assert(lines[0].startsWith("# Title ## Injected section t"), lines[0]);
    assert(lines[0].length <= 2 + 256, `title line capped: ${lines[0].length}`);
    assertNotMatch(text, /^## Injected section/m);
    assertNotMatch(text, /^# Injected heading/m);
    const body = lines.find((line) => line.startsWith("bbb"))!;
    assertEquals(body.length, 65_000);
    const labels = lines.find((line) => line.startsWith("Labels: "))!;
    const shown = labels.slice("Labels: ".length).split(", ");
    assertEquals(shown.slice(0, 2), ["ok", "label # Injected heading"]);
    assertEquals(shown[2], "x".repeat(50));
    assert(shown.length <= 20, `at most 20 labels: ${shown.length}`);
    assert(text.length < 70_000, `the file is bounded: ${text.length}`);
  });
});

Deno.test("local branching: a blank title falls back to the branches", async () => {
  await withRoot(async (root) => {
    const { branching } = local(root);
    const path = await branching.createPullRequest("staging", "main", " \n ", "");
    assertEquals(await Deno.readTextFile(path), "# staging into main\n\nstaging → main\n");
  });
});

Deno.test("local branching: invalid names resolve empty, logged, and write no file", async () => {
  await withRoot(async (root) => {
    const { branching, logger } = local(root);
    for (const bad of BAD_NAMES) {
      const shown = JSON.stringify(bad);
      assertEquals(await branching.getBranchSha(bad), undefined, `getBranchSha(${shown})`);
      assertEquals(await branching.createBranch(bad, "main"), false, `createBranch(${shown})`);
      assertEquals(await branching.createBranch("ok", bad), false, `createBranch from ${shown}`);
      assertEquals(await branching.createPullRequest(bad, "main", "t", "b"), "", `head ${shown}`);
      assertEquals(await branching.createPullRequest("ok", bad, "t", "b"), "", `base ${shown}`);
      assertEquals(await branching.ensureHierarchy(bad, 1), false, `release ${shown}`);
    }
    assertEquals(await branching.ensureHierarchy("v2.0", 0), false, "sprint 0");
    assertEquals(await branching.ensureHierarchy("v2.0", 1.5), false, "sprint 1.5");
    assertEquals(await filesUnder(root), [], "nothing written for a refused name");
    assertStringIncludes(
      logger.text(),
      'error: [Local] getBranchSha: invalid branch name "a..b"',
    );
    assertNotMatch(logger.text(), /branch ok from/, "no branch recorded from a bad parent");
  });
});

Deno.test("local branching: the hierarchy resolves true, twice, and writes nothing", async () => {
  await withRoot(async (root) => {
    const { branching, logger } = local(root);
    assertEquals(await branching.ensureHierarchy("v2.0", 3), true);
    assertEquals(await branching.ensureHierarchy("v2.0", 3), true);
    assertEquals(await filesUnder(root), []);
    assertNotMatch(logger.text(), /error/);
  });
});

Deno.test("local branching: jenkins gets local branching, and the log says it only records", async () => {
  await withRoot(async (root) => {
    const config = parseConfig("platform: {ci: jenkins, tracker: jira}\n");
    const logger = captureLogger();
    // No Jenkins credentials: local branching never calls Jenkins, so it works without them.
    const branching = getBranchingAdapter(config, { repoRoot: root, logger, env: {} });
    assertEquals(branching.platform, "local");
    assertMatch(logger.text(), /^info: \[Jenkins\] .*only records/m);
    assertEquals(await branching.getBranchSha("main"), "local");
    assertEquals(await branching.ensureHierarchy("v2.0", 1), true);
    const path = await branching.createPullRequest("rel/sprint/pace-1", "release/v2.0", "T", "B");
    assertEquals(
      path,
      join(root, ".pace", "pull-requests", "rel_sprint_pace-1--into--release_v2.0.md"),
    );
    assertStringIncludes(logger.text(), "[Local] pull request rel/sprint/pace-1 → release/v2.0");
  });
});
