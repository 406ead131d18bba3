/**
 * The `pace` command: PACE's outside-world operations for a pipeline step.
 *
 * ```sh
 * deno run --config deno.json -P=pace jsr:@pace/platforms/cli ci wait "$FORGE_SHA"
 * deno task pace tracker escalate --day 3 --reason "tests fail"
 * ```
 *
 * Exit codes: 0 success; 1 the operation failed or did not take effect (for
 * `ci wait`: CI failed); 2 usage or config error, including missing
 * credentials, before any request; `ci wait` only: 3 cancelled, 4 no CI runs,
 * 5 timed out. With `--json` every command prints one JSON object: `ok` and
 * the URL or path, or `ok: false` and the `error`; `ci wait` prints its
 * `CiResult`.
 *
 * @module
 */

import { main } from "./cli/main.ts";

export { main };
export { type CliIo, EXIT } from "./cli/output.ts";

if (import.meta.main) {
  const encoder = new TextEncoder();
  const code = await main(Deno.args, {
    stdout: (text) => text !== "" && Deno.stdout.writeSync(encoder.encode(`${text}\n`)),
    stderr: (text) => text !== "" && Deno.stderr.writeSync(encoder.encode(`${text}\n`)),
    readStdin: () => new Response(Deno.stdin.readable).text(),
  });
  Deno.exit(code);
}
