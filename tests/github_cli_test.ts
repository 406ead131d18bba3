/**
 * The `pace` command on GitHub, end to end through `main` with an injected
 * io: `pace check` counts GitHub as reachable only when it answered as
 * GitHub's REST API does, and an invalid `GITHUB_API_URL` is a config error.
 */
import { join } from "node:path";
import { main } from "../cli.ts";
import { githubPlatform } from "../platforms/github.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";
import { FaultServer } from "./servers/_faults.ts";
import { FakeGitHub } from "./servers/github.ts";

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
const TOKEN = "ghp_cli_test_token_0123456789";

interface Run {
  code: number;
  out: string[];
  err: string[];
  /** Requests the adapters sent, whatever their host. */
  fetched: string[];
}

async function cli(args: string[], env: Record<string, string>): Promise<Run> {
  const dir = await Deno.makeTempDir({ prefix: "pace-github-cli-" });
  try {
    const config = join(dir, "pace.config.yaml");
    await Deno.writeTextFile(config, "platform:\n  ci: github\n  tracker: github\n");
    const out: string[] = [];
    const err: string[] = [];
    const fetched: string[] = [];
    const code = await main([...args, "--config", config, "--repo-root", dir], {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      env,
      cwd: dir,
      fetch: (input, init) => {
        fetched.push(new Request(input, init).url);
        return fetch(input, init);
      },
    });
    return { code, out, err, fetched };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The `pace check` line of the github platform. */
const checkLine = (run: Run) =>
  run.err.find((line) => line.includes("github (ci + tracker)")) ?? "";

/** Stderr without the note on broad access the test runner's flags cause. */
const diagnostics = (run: Run) => run.err.filter((line) => !line.startsWith("note: "));

Deno.test("github check: an HTML page at GITHUB_API_URL is a failure naming Enterprise Server's /api/v3", async () => {
  for (const status of [200, 404]) {
    // A sign-in page in front of the host (200), or a web root without /api/v3 (404).
    await using site = FaultServer.start(() =>
      new Response("<!DOCTYPE html><html><body>Sign in to GitHub</body></html>", {
        status,
        headers: { "content-type": "text/html; charset=utf-8" },
      })
    );
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "octo/pace-demo" };
    const run = await cli(["check"], { ...env, GITHUB_API_URL: site.url });
    assertEquals(run.code, 1, run.err.join("\n"));
    assertEquals(run.out, ["failed"]);
    const line = checkLine(run);
    assertMatch(line, /^FAIL github/);
    assertStringIncludes(line, `answered an HTML page (HTTP ${status})`);
    assertStringIncludes(line, "https://HOST/api/v3");
    assert(!line.includes("Sign in"), "the page itself is not echoed");
    assertEquals(site.requests.map((r) => r.path), ["/repos/octo/pace-demo"]);
    assert(!run.err.join("\n").includes(TOKEN));
  }
});

Deno.test("github check: JSON that is not a repository fails; GitHub's answer passes", async () => {
  for (const body of ['{"status":"ok"}', '{"full_name": "octo/pace-de']) {
    await using site = FaultServer.start(() =>
      new Response(body, { headers: { "content-type": "application/json" } })
    );
    const run = await cli(["check"], {
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: "octo/pace-demo",
      GITHUB_API_URL: site.url,
    });
    assertEquals(run.code, 1, body);
    assertMatch(checkLine(run), /^FAIL github/);
    assertStringIncludes(checkLine(run), "https://HOST/api/v3");
  }
  for (const basePath of ["", "/api/v3"] as const) {
    await using gh = await FakeGitHub.start({ basePath });
    const env = {
      GITHUB_TOKEN: gh.token,
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_API_URL: gh.url,
    };
    const ok = await cli(["check"], env);
    assertEquals(ok.code, 0, ok.err.join("\n"));
    assertMatch(checkLine(ok), /^ok\s+github \(ci \+ tracker\): octo\/pace-demo reachable at /);
    const wrong = await cli(["check"], { ...env, GITHUB_TOKEN: "ghp_not_the_right_one_0000" });
    assertEquals(wrong.code, 1);
    assertMatch(checkLine(wrong), /^FAIL github.*401.*Bad credentials/);
    assert(!wrong.err.join("\n").includes("ghp_not_the_right_one_0000"));
    assertEquals(gh.violations, []);
  }
});

Deno.test("github: an invalid GITHUB_API_URL is a config error, not a fall-back to api.github.com", async () => {
  const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "octo/pace-demo", GITHUB_API_URL: "foo" };
  assertEquals(githubPlatform.missing?.(env), ['GITHUB_API_URL is not a URL, got "foo"']);
  for (
    const args of [
      ["ci", "wait", SHA, "--timeout-minutes", "0.01"],
      ["tracker", "escalate", "--day", "3"],
    ]
  ) {
    const run = await cli(args, env);
    assertEquals(run.code, 2, `${args.join(" ")}: ${run.err.join("\n")}`);
    assertEquals(diagnostics(run).length, 1, diagnostics(run).join("\n"));
    assertStringIncludes(diagnostics(run)[0], "GITHUB_API_URL is not a URL");
    assertEquals(run.fetched, [], "no request, to any host");
  }
  const check = await cli(["check"], env);
  assertEquals(check.code, 1);
  assertStringIncludes(checkLine(check), "GITHUB_API_URL is not a URL");
  assertEquals(check.fetched, []);
});
