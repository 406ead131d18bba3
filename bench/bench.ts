/**
 * `deno task bench`: how fast `pace` answers in a pipeline, and what a CI wait
 * costs in requests. Prints its figures; asserts nothing (speed is measured
 * here, never in the tests).
 *
 * - local: cold start of `pace ci wait` (a fresh `deno run` under the exact
 *   flags `pace permissions` prints) to its result;
 * - github: cold start of `pace ci wait` against a local GitHub-like server
 *   whose check run completes after a few polls: time to result, requests per
 *   wait, and the share of polls answered 304 Not Modified.
 *
 * @module
 */

import { permissionFlags, requiredPermissions } from "../mod.ts";
import { writeSamplePace } from "../testing.ts";
import { FakeGitHub } from "../tests/servers/github.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;
const RUNS = 5;
const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function runCli(
  flags: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ ms: number; code: number; stdout: string }> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags.split(" ").filter(Boolean), CLI, ...args],
    cwd,
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    ms: performance.now() - started,
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout).trim(),
  };
}

async function benchLocal(root: string): Promise<void> {
  const flags = permissionFlags(
    requiredPermissions({ platform: { ci: "local", tracker: "local" } }, {
      env: {},
    }),
  );
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { ms, code } = await runCli(flags, ["ci", "wait", SHA], root);
    if (code !== 4) throw new Error(`local ci wait exited ${code}, expected 4 (no_runs)`);
    times.push(ms);
  }
  console.log(
    `local   cold start of \`pace ci wait\` to result: median ${
      median(times).toFixed(0)
    } ms over ${RUNS} runs`,
  );
}

async function benchGitHub(root: string): Promise<void> {
  const times: number[] = [];
  const requests: number[] = [];
  const shares: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await using gh = await FakeGitHub.start();
    gh.addCheckRun(SHA, { name: "build", status: "in_progress" });
    gh.addStatus(SHA, { context: "ci/external", state: "success" });
    // The run completes once the CLI has polled a few times.
    const flip = setInterval(() => {
      const polls = gh.requests.filter((q) => q.path.endsWith("/check-runs")).length;
      if (polls >= 5) {
        gh.setCheckRun(SHA, "build", { status: "completed", conclusion: "success" });
        clearInterval(flip);
      }
    }, 5);
    const env = {
      GITHUB_TOKEN: gh.token,
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_API_URL: gh.url,
    };
    const config = `${root}/github.yaml`;
    await Deno.writeTextFile(config, "platform:\n  ci: github\n  tracker: github\n");
    const flags = permissionFlags(
      requiredPermissions({ platform: { ci: "github", tracker: "github" }, source: config }, {
        env,
      }),
    );
    const { ms, code, stdout } = await runCli(
      flags,
      ["ci", "wait", SHA, "--config", config, "--poll-interval-seconds", "0.05"],
      root,
      env,
    );
    clearInterval(flip);
    if (code !== 0) throw new Error(`github ci wait exited ${code}: ${stdout}`);
    const polls = gh.requests.filter((q) => /\/check-runs$|\/status$/.test(q.path)).length;
    times.push(ms);
    requests.push(gh.requests.length);
    shares.push(gh.stats.notModified / Math.max(1, polls));
  }
  console.log(
    `github  cold start of \`pace ci wait\` to result: median ${
      median(times).toFixed(0)
    } ms over ${RUNS} runs`,
  );
  console.log(
    `github  requests per wait (check runs + statuses, run completes at poll 6): median ${
      median(requests)
    }`,
  );
  console.log(
    `github  share of poll requests answered 304: median ${(median(shares) * 100).toFixed(0)}%`,
  );
}

if (import.meta.main) {
  const root = await Deno.makeTempDir({ prefix: "pace-bench-" });
  try {
    await writeSamplePace(root);
    await benchLocal(root);
    await benchGitHub(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
