/**
 * The package without JSR and without this repository's import map: a project
 * of its own imports `mod.ts` by path, or by URL from a plain file server, and
 * runs an adapter under the narrow flags `pace permissions` prints.
 */

import { dirname, extname, join, normalize, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { permissionFlags, requiredPermissions } from "../mod.ts";
import { writeSamplePace } from "../testing.ts";
import { assert, assertEquals } from "./_assert.ts";

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));

/** The flags a local/local config needs, split into words. */
function localFlags(): string[] {
  const perms = requiredPermissions({ platform: { ci: "local", tracker: "local" } }, { env: {} });
  return permissionFlags(perms).split(" ");
}

/** A scratch project: a sample `.pace/` and a `main.ts` importing the package from `from`. */
async function scratchProject(from: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "pace-no-jsr-" });
  await writeSamplePace(dir);
  await Deno.writeTextFile(
    join(dir, "main.ts"),
    `import { getCIAdapter, getTrackerAdapter } from ${JSON.stringify(from)};\n` +
      `const ci = await getCIAdapter("local").waitForCommitCi("0badc0de");\n` +
      `const url = await getTrackerAdapter("local")\n` +
      `  .openEscalationIssue(3, ".pace/day-3", "seen from a project without JSR");\n` +
      `console.log(JSON.stringify({ conclusion: ci.conclusion, url }));\n`,
  );
  return dir;
}

/** Run the scratch project's `main.ts` with `flags`; no deno.json of its own or of this repo. */
async function runScratch(dir: string, flags: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--quiet", ...flags, "main.ts"],
    cwd: dir,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 0, `the scratch project failed:\n${stderr}`);
  // The adapters' default logger shares stdout: the result is the last line.
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as {
    conclusion: string;
    url: string;
  };
}

async function assertEscalated(dir: string, result: { conclusion: string; url: string }) {
  assertEquals(result.conclusion, "no_runs");
  const file = join(dir, ".pace", "day-3", "escalation-issue.md");
  assertEquals(resolve(dir, result.url), file, `the escalation is ${result.url}`);
  const text = await Deno.readTextFile(file);
  assert(text.includes("[PACE HOLD] Day 3"), text);
  assert(text.includes("seen from a project without JSR"), text);
}

Deno.test("a project without an import map imports mod.ts by absolute path", async () => {
  const dir = await scratchProject(join(REPO, "mod.ts"));
  try {
    await assertEscalated(dir, await runScratch(dir, localFlags()));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A Deno cache of the scratch project's own for remote modules (each run's
 * server has a new port, so the shared cache would keep a copy per run),
 * sharing the npm packages already downloaded.
 */
async function privateDenoDir(dir: string): Promise<string> {
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const { npmCache } = JSON.parse(new TextDecoder().decode(info.stdout)) as { npmCache: string };
  const denoDir = join(dir, ".deno");
  await Deno.mkdir(denoDir);
  await Deno.symlink(npmCache, join(denoDir, "npm"));
  return denoDir;
}

const TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

Deno.test("a project imports mod.ts by URL, as from a raw file host", async () => {
  // Serves the checkout as a raw file host would (raw.githubusercontent.com, a git server).
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const path = normalize(join(REPO, decodeURIComponent(new URL(req.url).pathname)));
    if (relative(REPO, path).startsWith("..") || !(extname(path) in TYPES)) {
      return new Response("not here", { status: 404 });
    }
    try {
      return new Response(await Deno.readFile(path), {
        headers: { "content-type": TYPES[extname(path)] },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const host = `127.0.0.1:${server.addr.port}`;
  const dir = await scratchProject(`http://${host}/mod.ts`);
  try {
    const flags = [`--allow-import=${host}`, ...localFlags()];
    const env = { DENO_DIR: await privateDenoDir(dir) };
    await assertEscalated(dir, await runScratch(dir, flags, env));
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`pace permissions --deno-json --write`, then `deno run --config deno.json -P=pace cli.ts`", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pace-permission-set-" });
  const cli = join(REPO, "cli.ts");
  const deno = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args,
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  try {
    await writeSamplePace(dir);
    await Deno.writeTextFile(join(dir, "deno.json"), `{ "tasks": {} }\n`);
    const write = await deno([
      "run",
      "--allow-env",
      "--allow-read=.",
      "--allow-write=deno.json",
      cli,
      "permissions",
      "--deno-json",
      "--write",
    ]);
    assertEquals(write.code, 0, new TextDecoder().decode(write.stderr));
    const config = JSON.parse(await Deno.readTextFile(join(dir, "deno.json")));
    assertEquals(config.tasks, {}, "the rest of deno.json is kept");
    assertEquals(config.permissions.pace.net, false);
    // Named with --config: Deno looks for the set beside an entrypoint outside the project.
    const run = await deno([
      "run",
      "--config",
      "deno.json",
      "-P=pace",
      cli,
      "tracker",
      "escalate",
      "--day",
      "3",
    ]);
    assertEquals(run.code, 0, new TextDecoder().decode(run.stderr));
    const text = await Deno.readTextFile(join(dir, ".pace", "day-3", "escalation-issue.md"));
    assert(text.includes("[PACE HOLD] Day 3"), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
