/**
 * Which modules a `deno run` really loads, dynamic imports included: the
 * program starts paused under the V8 inspector (`--inspect-wait` on a free
 * loopback port), and every `Debugger.scriptParsed` is one module compiled.
 * The static graph (`deno info --json`) cannot tell what a run imports
 * lazily; this can.
 *
 * @module
 */

/** The outcome of one traced run. */
export interface TracedRun {
  code: number;
  /** Every `file:` module the run compiled, as URLs, in load order. */
  files: string[];
  /** Every `npm:`-cached package file the run compiled (paths below the npm cache). */
  npm: string[];
  stdout: string;
}

/** Options of {@linkcode traceModules}. */
export interface TraceOptions {
  cwd: string;
  env: Record<string, string>;
  /** Killed after this long (default 30 s). */
  timeoutMs?: number;
}

/**
 * Run `deno run --inspect-wait=127.0.0.1:0 ...runArgs` and collect the modules it
 * compiles. `runArgs` are what follows `deno run` (flags, script, its arguments).
 *
 * @example
 * ```ts ignore
 * const run = await traceModules(["--allow-read", "cli.ts", "--help"], { cwd, env: {} });
 * run.files.some((url) => url.endsWith("/platforms/github/ci.ts")); // false
 * ```
 */
export async function traceModules(runArgs: string[], options: TraceOptions): Promise<TracedRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--inspect-wait=127.0.0.1:0", ...runArgs],
    cwd: options.cwd,
    env: options.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const limit = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }, options.timeoutMs ?? 30_000);
  const stdout = new Response(child.stdout).text();
  const urls: string[] = [];
  try {
    const { endpoint, drain } = await inspectorEndpoint(child.stderr);
    const socket = new WebSocket(endpoint);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`cannot connect to ${endpoint}`));
    });
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      if (message.method === "Debugger.scriptParsed") urls.push(message.params.url);
      // The program is done; the process waits for the debugger to go.
      if (message.method === "Runtime.executionContextDestroyed") socket.close();
    };
    let id = 0;
    for (const method of ["Runtime.enable", "Debugger.enable", "Runtime.runIfWaitingForDebugger"]) {
      socket.send(JSON.stringify({ id: ++id, method }));
    }
    const status = await child.status;
    if (socket.readyState !== WebSocket.CLOSED) socket.close();
    await drain;
    return {
      code: status.code,
      files: urls.filter((url) => url.startsWith("file:") && !url.includes("/npm/")),
      npm: urls.filter((url) => url.includes("/npm/")),
      stdout: await stdout,
    };
  } finally {
    clearTimeout(limit);
  }
}

/** Read stderr up to the "Debugger listening on ws://…" line; keep draining after. */
async function inspectorEndpoint(
  stderr: ReadableStream<Uint8Array>,
): Promise<{ endpoint: string; drain: Promise<void> }> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`no inspector endpoint in: ${seen.slice(0, 300)}`);
    seen += value;
    const endpoint = /ws:\/\/[^\s]+/.exec(seen)?.[0];
    if (endpoint) {
      const drain = (async () => {
        while (!(await reader.read()).done) {
          // The program's own stderr: not needed.
        }
      })();
      return { endpoint, drain };
    }
  }
}
