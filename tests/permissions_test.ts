import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { listPlatforms, permissionFlags, requiredPermissions } from "../mod.ts";
import type { PaceConfig } from "../mod.ts";
import { writeSamplePace } from "../testing.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "./_assert.ts";
import { FakeGitHub } from "./servers/github.ts";

const LOCAL: PaceConfig = { platform: { ci: "local", tracker: "local" } };
const GITHUB: PaceConfig = { platform: { ci: "github", tracker: "github" } };
const LOCAL_FLAGS =
  "--allow-env=PACE_CONFIG,PACE_RELEASE --allow-read=. --allow-write=.pace,pace-summary.md";
const noGitHub = !listPlatforms().some((p) => p.name === "github");

// ---------------------------------------------------------------------------
// requiredPermissions / permissionFlags

Deno.test("permissions: local needs no network and exactly these flags", () => {
  const perms = requiredPermissions(LOCAL, { env: {} });
  assertEquals(perms, {
    net: [],
    env: ["PACE_CONFIG", "PACE_RELEASE"],
    read: ["."],
    write: [".pace", "pace-summary.md"],
  });
  const flags = permissionFlags(perms);
  assertEquals(flags, LOCAL_FLAGS);
  assertNotMatch(flags, /--allow-net/);
});

Deno.test("permissions: the config file in use is readable; one inside the root adds nothing", () => {
  const outside = requiredPermissions(
    { ...LOCAL, source: "/etc/pace/pace.config.yaml" },
    { env: {} },
  );
  assertEquals(outside.read, [".", "/etc/pace/pace.config.yaml"]);
  const sibling = requiredPermissions({ ...LOCAL, source: "../shared/pace.yaml" }, { env: {} });
  assertEquals(sibling.read, [".", join("..", "shared", "pace.yaml")]);
  const inside = requiredPermissions({ ...LOCAL, source: "pace/pace.config.yaml" }, { env: {} });
  assertEquals(inside.read, ["."], "covered by the root");
});

Deno.test("permissions: with repoRoot the paths are absolute", () => {
  const root = join("/", "srv", "checkout");
  const perms = requiredPermissions(
    { ...LOCAL, source: "/etc/pace.config.yaml" },
    { env: {}, repoRoot: root },
  );
  assertEquals(perms.read, [root, "/etc/pace.config.yaml"]);
  assertEquals(perms.write, [join(root, ".pace"), join(root, "pace-summary.md")]);
  assertEquals(
    permissionFlags(perms),
    `--allow-env=PACE_CONFIG,PACE_RELEASE --allow-read=${root},/etc/pace.config.yaml ` +
      `--allow-write=${join(root, ".pace")},${join(root, "pace-summary.md")}`,
  );
});

Deno.test("permissionFlags: empty lists leave their flag out; order is net, env, read, write", () => {
  assertEquals(
    permissionFlags({
      net: ["a.example:8080", "b.example"],
      env: ["X", "Y"],
      read: ["."],
      write: [],
    }),
    "--allow-net=a.example:8080,b.example --allow-env=X,Y --allow-read=.",
  );
  assertEquals(permissionFlags({ net: [], env: [], read: [], write: [] }), "");
});

Deno.test({
  name: "permissions: github hosts come from GITHUB_API_URL, non-default port kept",
  ignore: noGitHub,
  fn() {
    const ghe = requiredPermissions(GITHUB, {
      env: { GITHUB_API_URL: "https://ghe.example.com:8443/api/v3" },
    });
    assertEquals(ghe.net, ["ghe.example.com:8443"]);
    assert(ghe.env.includes("GITHUB_TOKEN"), ghe.env.join());
    assert(ghe.env.includes("GITHUB_REPOSITORY"), ghe.env.join());
    assert(ghe.env.includes("GITHUB_API_URL"), ghe.env.join());
    assertEquals(ghe.env[0], "PACE_CONFIG");
    assertEquals(new Set(ghe.env).size, ghe.env.length, "no duplicates");
    assertMatch(
      permissionFlags(ghe),
      /^--allow-net=ghe\.example\.com:8443 --allow-env=PACE_CONFIG,/,
    );

    assertEquals(requiredPermissions(GITHUB, { env: {} }).net, ["api.github.com"]);
    assertEquals(
      requiredPermissions(GITHUB, { env: { GITHUB_API_URL: "https://ghe.example.com:443/api/v3" } })
        .net,
      ["ghe.example.com"],
      "the default port is not spelled out",
    );
    // One side on GitHub is enough to need its host and variables.
    const mixed = requiredPermissions({ platform: { ci: "github", tracker: "local" } }, {
      env: {},
    });
    assertEquals(mixed.net, ["api.github.com"]);
    assert(mixed.env.includes("GITHUB_TOKEN"));
  },
});

Deno.test({
  name: "permissions: GITHUB_STEP_SUMMARY is readable and writable",
  ignore: noGitHub,
  fn() {
    const summary = "/home/runner/work/_temp/_runner_file_commands/step_summary_1";
    const perms = requiredPermissions(GITHUB, { env: { GITHUB_STEP_SUMMARY: summary } });
    assert(perms.read.includes(summary), perms.read.join());
    assert(perms.write.includes(summary), perms.write.join());
    assertStringIncludes(permissionFlags(perms), `,${summary}`);
    const without = requiredPermissions(GITHUB, { env: {} });
    assertEquals(without.write, [".pace", "pace-summary.md"]);
  },
});

// ---------------------------------------------------------------------------
// The CLI under exactly the printed flags, as a subprocess

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const BROAD = ["--allow-read", "--allow-write", "--allow-env"];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `deno run --no-prompt <flags> cli.ts <args>` in `cwd`. */
async function pace(
  cwd: string,
  flags: string[],
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; denoArgs?: string[] } = {},
): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...options.denoArgs ?? [], ...flags, CLI, ...args],
    cwd,
    env: {
      NO_COLOR: "1",
      // Keep the caller's environment out of the way (a CI runner sets these).
      PACE_CONFIG: "",
      GITHUB_ACTIONS: "",
      GITHUB_STEP_SUMMARY: "",
      ...options.env,
    },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function describeRun(run: Run): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

/** No uncaught error, no Deno permission failure, no broader-access note. */
function assertClean(run: Run): void {
  assertNotMatch(run.stderr, /Uncaught|NotCapable|PermissionDenied|Requires \w+ access/);
  assertNotMatch(run.stderr, /broader access/, describeRun(run));
}

async function withRepo(fn: (root: string) => Promise<void>): Promise<void> {
  const made = await Deno.makeTempDir({ prefix: "pace-perms-" });
  try {
    const root = await Deno.realPath(made);
    await writeSamplePace(root);
    await fn(root);
  } finally {
    await Deno.remove(made, { recursive: true });
  }
}

Deno.test("CLI: every local operation works under exactly the printed flags (never -A)", async () => {
  await withRepo(async (root) => {
    const printed = await pace(root, BROAD, ["permissions"]);
    assertEquals(printed.code, 0, describeRun(printed));
    assertEquals(printed.stdout, `${LOCAL_FLAGS}\n`, "exactly the flags, one line");
    assertStringIncludes(printed.stderr, "needs no network");
    const flags = printed.stdout.trim().split(" ");
    assert(!flags.includes("-A") && !flags.some((f) => f === "--allow-all"));

    const run = async (args: string[], stdin?: string) => {
      const result = await pace(root, flags, args, { stdin });
      assertClean(result);
      return result;
    };
    const pacePath = (...parts: string[]) => join(root, ".pace", ...parts);

    const escalate = await run(["tracker", "escalate", "--day", "3"]);
    assertEquals(escalate.code, 0, describeRun(escalate));
    assertEquals(escalate.stdout.trim(), pacePath("day-3", "escalation-issue.md"));
    assertStringIncludes(
      await Deno.readTextFile(pacePath("day-3", "escalation-issue.md")),
      "Integration tests fail on the reset mail",
    );

    const story = await run(["tracker", "push-story", "--day", "1"]);
    assertEquals(story.code, 0, describeRun(story));
    assertEquals(story.stdout.trim(), pacePath("day-1", "story-ticket.md"));
    assertStringIncludes(await Deno.readTextFile(pacePath("day-1", "story-ticket.yaml")), "local");

    const status = await run(["tracker", "story-status", "--day", "1", "--status", "done"]);
    assertEquals(status.code, 0, describeRun(status));
    assertStringIncludes(await Deno.readTextFile(pacePath("day-1", "story-ticket.md")), "done");

    const handoff = await run(["tracker", "handoff", "--day", "1"]);
    assertEquals(handoff.code, 0, describeRun(handoff));
    assertStringIncludes(
      await Deno.readTextFile(pacePath("day-1", "story-handoff-comment.md")),
      "Sign-up form with validation.",
    );

    await Deno.writeTextFile(
      join(root, "findings.yaml"),
      "- id: S-1\n  finding: Token printed in debug log\n",
    );
    const advisory = await run([
      "tracker",
      "advisory",
      "--day",
      "3",
      "--agent",
      "SENTINEL",
      "--items",
      "findings.yaml",
    ]);
    assertEquals(advisory.code, 0, describeRun(advisory));
    assertEquals(advisory.stdout.trim(), pacePath("advisory-day3-sentinel.md"));

    const review = await run(["ci", "review-pr", "--day", "14"]);
    assertEquals(review.code, 0, describeRun(review));
    assertEquals(review.stdout.trim(), pacePath("day-14", "review-pr.md"));

    const set = await run(["ci", "set-var", "PACE_LAST_DAY", "3"]);
    assertEquals([set.code, set.stdout], [0, "ok\n"], describeRun(set));
    assertEquals(JSON.parse(await Deno.readTextFile(pacePath("variables.json"))), {
      PACE_LAST_DAY: "3",
    });
    const get = await run(["ci", "get-var", "PACE_LAST_DAY"]);
    assertEquals([get.code, get.stdout], [0, "3\n"], describeRun(get));

    const summary = await run(["ci", "job-summary", "-"], "# PACE\n\nDay 3 held.\n");
    assertEquals(summary.code, 0, describeRun(summary));
    assertEquals(await Deno.readTextFile(join(root, "pace-summary.md")), "# PACE\n\nDay 3 held.\n");

    const wait = await run(["ci", "wait", "0123abcd"]);
    assertEquals([wait.code, wait.stdout], [4, "no_runs\n"], describeRun(wait));

    const daily = await run(["ci", "daily-summary", "--day", "3"]);
    assertEquals(daily.code, 0, describeRun(daily));
    assertStringIncludes(daily.stderr, "Day 3 summary: \u{1F534} HOLD");

    const check = await run(["check"]);
    assertEquals([check.code, check.stdout], [0, "ok\n"], describeRun(check));
  });
});

Deno.test("CLI: a variable outside the list is refused and reported, without a prompt", async () => {
  await withRepo(async (root) => {
    const env = { PACE_OUTSIDE_VAR: "visible-only-with-broad-access" };
    const result = await pace(root, LOCAL_FLAGS.split(" "), ["ci", "get-var", "PACE_OUTSIDE_VAR"], {
      env,
    });
    assertEquals(result.code, 1, describeRun(result));
    assertEquals(result.stdout, "", "nothing printed for an unset variable");
    assertStringIncludes(result.stderr, "PACE_OUTSIDE_VAR is not set");
    assertStringIncludes(result.stderr, "not permitted");
    assertStringIncludes(result.stderr, "--allow-env");
    assertClean(result);
    // With the variable granted, the same command prints it.
    const granted = await pace(root, BROAD, ["ci", "get-var", "PACE_OUTSIDE_VAR"], { env });
    assertEquals(
      [granted.code, granted.stdout],
      [0, "visible-only-with-broad-access\n"],
      describeRun(granted),
    );
  });
});

Deno.test("CLI: broader access than needed is pointed out; exact flags are not", async () => {
  await withRepo(async (root) => {
    const broad = await pace(root, BROAD, ["tracker", "escalate", "--day", "3"]);
    assertEquals(broad.code, 0, describeRun(broad));
    assertStringIncludes(broad.stderr, "broader access than this config needs");
    assertStringIncludes(broad.stderr, "reading every file");
    assertStringIncludes(broad.stderr, "pace permissions");
    const exact = await pace(root, LOCAL_FLAGS.split(" "), ["tracker", "escalate", "--day", "3"]);
    assertEquals(exact.code, 0, describeRun(exact));
    assertClean(exact);
    assertEquals(exact.stdout, broad.stdout, "the same escalation either way");
  });
});

Deno.test("CLI: permissions --deno-json prints, --write merges, deno run -P=pace works", async () => {
  await withRepo(async (root) => {
    const expected = {
      net: false,
      env: ["PACE_CONFIG", "PACE_RELEASE"],
      read: ["."],
      write: [".pace", "pace-summary.md"],
    };
    const printed = await pace(root, BROAD, ["permissions", "--deno-json"]);
    assertEquals(printed.code, 0, describeRun(printed));
    assertEquals(JSON.parse(printed.stdout), { permissions: { pace: expected } });

    // The user's own deno.json: other keys and other permission sets stay.
    const own = JSON.parse(
      await Deno.readTextFile(fileURLToPath(new URL("../deno.json", import.meta.url))),
    );
    const denoJson = join(root, "deno.json");
    await Deno.writeTextFile(
      denoJson,
      JSON.stringify({
        imports: own.imports,
        tasks: { hello: "echo hello" },
        permissions: { other: { read: true } },
      }),
    );
    const written = await pace(root, BROAD, ["permissions", "--deno-json", "--write"]);
    assertEquals(written.code, 0, describeRun(written));
    assertEquals(written.stdout.trim(), denoJson);
    assertStringIncludes(written.stderr, "-P=pace");
    assertEquals(JSON.parse(await Deno.readTextFile(denoJson)), {
      imports: own.imports,
      tasks: { hello: "echo hello" },
      permissions: { other: { read: true }, pace: expected },
    });

    // Run under the permission set. The config is named because this checkout's
    // deno.json (next to cli.ts) would otherwise be the one Deno reads.
    const escalate = await pace(root, ["-P=pace"], ["tracker", "escalate", "--day", "3"], {
      denoArgs: ["--config", denoJson, "--no-lock"],
    });
    assertEquals(escalate.code, 0, describeRun(escalate));
    assertEquals(escalate.stdout.trim(), join(root, ".pace", "day-3", "escalation-issue.md"));
    assertNotMatch(escalate.stderr, /broader access|Requires \w+ access/);
    // The set is really in force: a variable outside it is refused.
    const outside = await pace(root, ["-P=pace"], ["ci", "get-var", "PACE_OUTSIDE_VAR"], {
      denoArgs: ["--config", denoJson, "--no-lock"],
      env: { PACE_OUTSIDE_VAR: "x" },
    });
    assertEquals(outside.code, 1, describeRun(outside));
    assertStringIncludes(outside.stderr, "not permitted");
  });
});

Deno.test("CLI: --write to a deno.json that is not JSON fails clearly and keeps the file", async () => {
  await withRepo(async (root) => {
    const denoJson = join(root, "deno.json");
    await Deno.writeTextFile(denoJson, "{ not json");
    const result = await pace(root, BROAD, ["permissions", "--deno-json", "--write"]);
    assertEquals(result.code, 2, describeRun(result));
    assertStringIncludes(result.stderr, "cannot update");
    assertEquals(await Deno.readTextFile(denoJson), "{ not json");
  });
});

const SHA = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

Deno.test({
  name: "CLI: github works under its printed flags; a host outside them is refused clearly",
  ignore: noGitHub,
  async fn() {
    await withRepo(async (root) => {
      const gh = await FakeGitHub.start();
      try {
        gh.addCheckRun(SHA, { name: "build", conclusion: "success" });
        await Deno.writeTextFile(join(root, "pace.config.yaml"), "platform:\n  type: github\n");
        const env = {
          GITHUB_TOKEN: gh.token,
          GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
          GITHUB_API_URL: gh.url,
        };
        const port = new URL(gh.url).port;
        const waitArgs = ["ci", "wait", SHA, "--timeout-minutes", "0.5", "--poll-interval-seconds"];

        // Flags printed for this server: the wait succeeds under exactly them.
        const printed = await pace(root, BROAD, ["permissions"], { env });
        assertEquals(printed.code, 0, describeRun(printed));
        assertMatch(printed.stdout, new RegExp(`^--allow-net=127\\.0\\.0\\.1:${port} `));
        const ok = await pace(root, printed.stdout.trim().split(" "), [...waitArgs, "0.05"], {
          env,
        });
        assertEquals(ok.code, 0, describeRun(ok));
        assertStringIncludes(ok.stdout, "success build");
        assertClean(ok);
        assert(!ok.stdout.includes(gh.token) && !ok.stderr.includes(gh.token));

        // Flags printed for another API host: the call is refused and said so.
        const other = await pace(root, BROAD, ["permissions"], {
          env: { ...env, GITHUB_API_URL: "http://127.0.0.1:1" },
        });
        assertMatch(other.stdout, /^--allow-net=127\.0\.0\.1:1 /);
        const before = gh.requests.length;
        const refused = await pace(root, other.stdout.trim().split(" "), [...waitArgs, "0.05"], {
          env,
        });
        assertEquals(refused.code, 4, describeRun(refused));
        assertEquals(refused.stdout, "no_runs\n");
        assertStringIncludes(refused.stderr, "refused by Deno's permissions");
        assertStringIncludes(refused.stderr, `127.0.0.1:${port}`);
        assertStringIncludes(refused.stderr, "pace permissions");
        assertNotMatch(refused.stderr, /Uncaught|^\s+at /m);
        assertEquals(gh.requests.length, before, "Deno refused before any request left");
        assert(!refused.stderr.includes(gh.token), "the token stays out of the message");
        assertEquals(gh.violations, []);
      } finally {
        await gh.close();
      }
    });
  },
});
