/**
 * The `pace` command on Gitea, end to end as a subprocess under exactly the
 * flags `pace permissions` prints (never -A), inside a Gitea Actions-like
 * environment: the runner's `GITHUB_SERVER_URL`/`GITHUB_REPOSITORY` stand in
 * for the `GITEA_` ones, the step summary goes to `GITHUB_STEP_SUMMARY`. The
 * subprocess runs the package's CLI with the `gitea` definition registered
 * (a no-op once it is a built-in).
 */
import { join } from "node:path";
import { assert, assertEquals, assertNotMatch, assertStringIncludes } from "./_assert.ts";
import { FakeGitea } from "./servers/gitea.ts";

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const url = (path: string) => JSON.stringify(new URL(`../${path}`, import.meta.url).href);

/** The CLI with `gitea` registered, as a module a subprocess runs. */
const WRAPPER = `
import { listPlatforms, registerPlatform } from ${url("mod.ts")};
import { giteaPlatform } from ${url("platforms/gitea.ts")};
import { main } from ${url("cli/main.ts")};
if (!listPlatforms().some((p) => p.name === "gitea")) registerPlatform(giteaPlatform);
const encoder = new TextEncoder();
Deno.exit(await main(Deno.args, {
  stdout: (text) => text !== "" && Deno.stdout.writeSync(encoder.encode(text + "\\n")),
  stderr: (text) => text !== "" && Deno.stderr.writeSync(encoder.encode(text + "\\n")),
  readStdin: () => new Response(Deno.stdin.readable).text(),
}));
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function pace(
  cwd: string,
  wrapper: string,
  flags: string[],
  args: string[],
  env: Record<string, string>,
): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, wrapper, ...args],
    cwd,
    env: { NO_COLOR: "1", PACE_CONFIG: "", GITHUB_ACTIONS: "", GITEA_ACTIONS: "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

const show = (run: Run) => `exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;

Deno.test("gitea cli: every side under exactly the printed flags, with the runner's variables", async () => {
  await using gitea = FakeGitea.start({ root: "/gitea" });
  const made = await Deno.makeTempDir({ prefix: "pace-gitea-cli-" });
  try {
    const dir = await Deno.realPath(made);
    const wrapper = join(dir, "pace_gitea.ts");
    await Deno.writeTextFile(wrapper, WRAPPER);
    const root = join(dir, "repo");
    await Deno.mkdir(join(root, ".pace", "day-3"), { recursive: true });
    await Deno.writeTextFile(
      join(root, ".pace", "day-3", "gate.md"),
      "gate_decision: HOLD\nhold_reason: Integration tests fail\n",
    );
    await Deno.writeTextFile(
      join(root, "pace.config.yaml"),
      "platform:\n  ci: gitea\n  tracker: gitea\n",
    );
    const summary = join(dir, "step_summary.md");
    const env = {
      GITHUB_SERVER_URL: gitea.url,
      GITHUB_REPOSITORY: gitea.fullName,
      GITEA_TOKEN: gitea.token,
      GITHUB_STEP_SUMMARY: summary,
    };
    const broad = ["--allow-read", "--allow-env"];
    const printed = await pace(root, wrapper, broad, ["permissions"], env);
    assertEquals(printed.code, 0, show(printed));
    const flags = printed.stdout.trim().split(" ");
    assertStringIncludes(printed.stdout, `--allow-net=127.0.0.1:${gitea.port} `);
    assert(!flags.includes("-A") && !flags.includes("--allow-all"));

    const run = async (...args: string[]) => {
      const result = await pace(root, wrapper, flags, args, env);
      assertNotMatch(result.stderr, /Uncaught|NotCapable|PermissionDenied|Requires \w+ access/);
      assert(!result.stderr.includes(gitea.token) && !result.stdout.includes(gitea.token));
      return result;
    };

    gitea.addStatus(SHA, { context: "ci/build", state: "success" });
    const wait = await run(
      "ci",
      "wait",
      SHA,
      "--timeout-minutes",
      "0.05",
      "--poll-interval-seconds",
      "0.05",
    );
    assertEquals(wait.code, 0, show(wait));

    const escalate = await run("tracker", "escalate", "--day", "3");
    assertEquals(
      [escalate.code, escalate.stdout.trim()],
      [0, `${gitea.webUrl}/issues/1`],
      show(escalate),
    );

    const hierarchy = await run("branch", "ensure-hierarchy", "--release", "v1.0", "--sprint", "1");
    assertEquals(hierarchy.code, 0, show(hierarchy));
    assert(gitea.branches.has("rel/sprint/pace-1"));

    const sha = await run("branch", "sha", "release/v1.0");
    assertEquals(sha.stdout.trim(), gitea.branches.get("release/v1.0"), show(sha));

    const setVar = await run("ci", "set-var", "pace_day", "3");
    assertEquals(setVar.code, 0, show(setVar));
    assertEquals(gitea.variables.get("PACE_DAY")?.data, "3");

    await Deno.writeTextFile(join(root, "report.md"), "## Day 3 held\n");
    const job = await run("ci", "job-summary", "report.md");
    assertEquals(job.code, 0, show(job));
    assertEquals(await Deno.readTextFile(summary), "## Day 3 held\n");

    // Without the token: a config error before any request.
    const before = gitea.requests.length;
    const missing = await pace(root, wrapper, flags, ["tracker", "escalate", "--day", "3"], {
      ...env,
      GITEA_TOKEN: "",
    });
    assertEquals(missing.code, 2, show(missing));
    assertStringIncludes(missing.stderr, "GITEA_TOKEN");
    assertEquals(gitea.requests.length, before);
    assertEquals(gitea.violations, []);
  } finally {
    await Deno.remove(made, { recursive: true });
  }
});
