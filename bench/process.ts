/**
 * One timed child process: wall time from spawn to exit, its output, and its
 * peak resident set (`/usr/bin/time -f %M` when present, else the high-water
 * mark `VmHWM` of `/proc/PID/status`, sampled while it runs). A process that
 * outlives its time limit is killed.
 *
 * @module
 */

/** What to run. */
export interface ProcessSpec {
  /** An absolute path, or a name found on `PATH`. */
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Killed after this long. */
  timeoutMs: number;
}

/** How it went. */
export interface ProcessRun {
  /** Spawn to exit. */
  ms: number;
  /** `performance.now()` at exit. */
  exitAt: number;
  code: number;
  stdout: string;
  stderr: string;
  /** Peak resident set in KiB, when it could be read. */
  peakKb?: number;
  /** Whether it was killed at its time limit. */
  killed: boolean;
}

const TIME = "/usr/bin/time";

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** `name` resolved on `PATH` (as is when it holds a slash), or `undefined`. */
export function which(name: string): string | undefined {
  if (name.includes("/")) return exists(name) ? name : undefined;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && exists(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/** The variables a child needs to find its caches and tools, and nothing else. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME", "LANG"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * A file of `/proc` (Deno reads those only under `--allow-all`, so `cat` does);
 * `""` when it cannot be read.
 */
export async function procText(path: string): Promise<string> {
  try {
    const output = await new Deno.Command("cat", {
      args: [path],
      stdout: "piped",
      stderr: "null",
    }).output();
    return output.success ? new TextDecoder().decode(output.stdout) : "";
  } catch {
    return "";
  }
}

async function readHighWater(pid: number): Promise<number | undefined> {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(await procText(`/proc/${pid}/status`));
  return match ? Number(match[1]) : undefined;
}

/** Run `spec` once; see the module documentation. */
export async function runProcess(spec: ProcessSpec): Promise<ProcessRun> {
  const viaTime = exists(TIME);
  const report = viaTime ? await Deno.makeTempFile({ prefix: "pace-bench-rss-" }) : "";
  const [command, args] = viaTime
    ? [TIME, ["-f", "%M", "-o", report, spec.command, ...spec.args]]
    : [spec.command, spec.args];
  const started = performance.now();
  const child = new Deno.Command(command, {
    args,
    cwd: spec.cwd,
    env: spec.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const limit = setTimeout(() => {
    killed = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }, spec.timeoutMs);
  let peakKb: number | undefined;
  let sampling = false;
  // Without /usr/bin/time: the high-water mark, read every 20 ms while it runs.
  const sampler = viaTime ? undefined : setInterval(async () => {
    if (sampling) return;
    sampling = true;
    peakKb = Math.max(peakKb ?? 0, await readHighWater(child.pid) ?? 0) || undefined;
    sampling = false;
  }, 20);
  try {
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    const exitAt = performance.now();
    if (viaTime) {
      const last = (await Deno.readTextFile(report)).trim().split("\n").at(-1) ?? "";
      peakKb = /^\d+$/.test(last) ? Number(last) : undefined;
    }
    return { ms: exitAt - started, exitAt, code: status.code, stdout, stderr, peakKb, killed };
  } finally {
    clearTimeout(limit);
    if (sampler !== undefined) clearInterval(sampler);
    if (report) await Deno.remove(report).catch(() => {});
  }
}
