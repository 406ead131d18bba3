/**
 * The commands the bench times: `pace ci wait` on each platform under exactly
 * the flags `pace permissions` prints for it, the Python yardstick, and the
 * floors (starting a runtime at all).
 *
 * @module
 */

import { join } from "node:path";
import { permissionFlags, requiredPermissions } from "../mod.ts";
import { baseEnv, type ProcessSpec, which } from "./process.ts";
import { BENCH_SHA, type BenchPlatform, type LeanServer } from "./server.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;
const YARDSTICK = new URL("./yardstick.py", import.meta.url).pathname;
const BARE_WAIT = new URL("./bare_wait.ts", import.meta.url).pathname;

/** How long one timed process may take before it is killed. */
export const PROCESS_LIMIT_MS = 60_000;

/** Something to time: a command per poll interval. */
export interface Runner {
  label: string;
  /** The command for one wait polling every `intervalSeconds`. */
  spec(intervalSeconds: number): ProcessSpec;
}

/** The `deno run` flags `pace permissions` prints for `platform` against `server`. */
export function paceFlags(platform: BenchPlatform, server: LeanServer, config: string): string[] {
  const permissions = requiredPermissions(
    { platform: { ci: platform, tracker: "local" }, source: config },
    { env: server.env(platform) },
  );
  return permissionFlags(permissions).split(" ").filter(Boolean);
}

/** `pace ci wait` on `platform`; writes its config file into `root`. */
export async function paceRunner(
  platform: BenchPlatform,
  server: LeanServer,
  root: string,
): Promise<Runner & { flags: string[] }> {
  const config = join(root, `${platform}.yaml`);
  await Deno.writeTextFile(config, `platform:\n  ci: ${platform}\n  tracker: local\n`);
  const flags = paceFlags(platform, server, config);
  return {
    label: `pace · ${platform}`,
    flags,
    spec: (interval) => ({
      command: Deno.execPath(),
      args: [
        "run",
        ...flags,
        CLI,
        "ci",
        "wait",
        BENCH_SHA,
        "--config",
        config,
        "--poll-interval-seconds",
        String(interval),
        "--timeout-minutes",
        "1",
      ],
      env: { ...baseEnv(), ...server.env(platform) },
      cwd: root,
      timeoutMs: PROCESS_LIMIT_MS,
    }),
  };
}

/** The Python interpreter that has `requests`, and the versions of both. */
export interface Python {
  /** The interpreter itself: a launcher (pyenv's shim is a bash script) would add its own start. */
  executable: string;
  version: string;
}

/** `python3` with `requests`, or `undefined` when this machine has none. */
export async function findPython(): Promise<Python | undefined> {
  const python = which("python3");
  if (!python) return undefined;
  const probe = await new Deno.Command(python, {
    args: [
      "-c",
      "import sys, requests; print(sys.executable); print(sys.version.split()[0], requests.__version__)",
    ],
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => undefined);
  if (!probe?.success) return undefined;
  const [executable, versions = ""] = new TextDecoder().decode(probe.stdout).trim().split("\n");
  const [pythonVersion, requestsVersion] = versions.split(" ");
  return {
    executable: which(executable) ? executable : python,
    version: `Python ${pythonVersion} + requests ${requestsVersion}`,
  };
}

/** The Python yardstick (bench/yardstick.py). */
export function yardstickRunner(server: LeanServer, root: string, python: Python): Runner {
  const { GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN } = server.env("github");
  return {
    label: "yardstick · github (Python + requests)",
    spec: (interval) => ({
      command: python.executable,
      args: [YARDSTICK, GITHUB_API_URL, GITHUB_REPOSITORY, BENCH_SHA, String(interval), "1"],
      env: { ...baseEnv(), GITHUB_TOKEN },
      cwd: root,
      timeoutMs: PROCESS_LIMIT_MS,
    }),
  };
}

/**
 * The bare wait (bench/bare_wait.ts): the config's YAML and the two first
 * pages, nothing else, under the same flags as `pace` — what the runtime and
 * the round trip cost before the package does anything.
 */
export async function bareWaitRunner(server: LeanServer, root: string): Promise<Runner> {
  const config = join(root, "bare.yaml");
  await Deno.writeTextFile(config, "platform:\n  ci: github\n  tracker: local\n");
  const flags = paceFlags("github", server, config);
  return {
    label: "floor · bare wait (config + two requests, no package)",
    spec: (interval) => ({
      command: Deno.execPath(),
      args: ["run", ...flags, BARE_WAIT, config, BENCH_SHA, String(interval)],
      env: { ...baseEnv(), ...server.env("github") },
      cwd: root,
      timeoutMs: PROCESS_LIMIT_MS,
    }),
  };
}

/** Starting a runtime and doing nothing: the floor under every cold start. */
export async function floorRunners(root: string, python?: Python): Promise<Runner[]> {
  const empty = join(root, "empty.ts");
  await Deno.writeTextFile(empty, "\n");
  const runners: Runner[] = [
    {
      label: "floor · `deno run` of an empty file",
      spec: () => ({
        command: Deno.execPath(),
        args: ["run", empty],
        env: baseEnv(),
        cwd: root,
        timeoutMs: PROCESS_LIMIT_MS,
      }),
    },
    {
      label: "floor · `pace --version` (the CLI's modules, no request)",
      spec: () => ({
        command: Deno.execPath(),
        args: ["run", CLI, "--version"],
        env: baseEnv(),
        cwd: root,
        timeoutMs: PROCESS_LIMIT_MS,
      }),
    },
  ];
  if (python) {
    runners.push({
      label: "floor · `python3 -c 'import requests'`",
      spec: () => ({
        command: python.executable,
        args: ["-c", "import requests"],
        env: baseEnv(),
        cwd: root,
        timeoutMs: PROCESS_LIMIT_MS,
      }),
    });
  }
  return runners;
}
