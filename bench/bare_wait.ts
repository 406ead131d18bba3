/**
 * The floor under `pace ci wait` on GitHub: the least a Deno program can do
 * for the same answer. It parses the YAML config with the package's one YAML
 * module, sends the first page of check runs and of statuses together (no
 * retries, no budget, no redaction, no guard, no output rules), polls every
 * interval until both are settled, and prints the conclusion. The bench times
 * it beside `pace` and the Python yardstick, so the table shows how much of a
 * cold start is the runtime and the round trip, and how much is the package.
 *
 * Usage: deno run bench/bare_wait.ts CONFIG SHA INTERVAL_SECONDS
 * (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN from the environment).
 *
 * @module
 */

import { parseYaml } from "../platforms/_core/yaml.ts";

interface Page {
  check_runs?: { status: string; conclusion: string | null }[];
  statuses?: { state: string }[];
}

const [config, sha, interval] = Deno.args;
const platform = (parseYaml(await Deno.readTextFile(config)) as { platform?: { ci?: string } })
  .platform?.ci;
if (platform !== "github") throw new Error(`bare wait: GitHub only, not ${platform}`);
const api = `${Deno.env.get("GITHUB_API_URL")}/repos/${Deno.env.get("GITHUB_REPOSITORY")}`;
const headers = {
  authorization: `Bearer ${Deno.env.get("GITHUB_TOKEN")}`,
  accept: "application/vnd.github+json",
};
const page = async (path: string): Promise<Page> =>
  await (await fetch(`${api}/commits/${sha}/${path}?per_page=100`, { headers })).json();

while (true) {
  const [runs, status] = await Promise.all([page("check-runs"), page("status")]);
  const checks = runs.check_runs ?? [];
  const statuses = status.statuses ?? [];
  const settled = checks.every((r) => r.status === "completed") &&
    statuses.every((s) => s.state !== "pending");
  if (settled && checks.length + statuses.length > 0) {
    const failed = checks.some((r) => r.conclusion !== "success") ||
      statuses.some((s) => s.state !== "success");
    console.log(failed ? "failure" : "success");
    Deno.exit(failed ? 1 : 0);
  }
  await new Promise((resolve) => setTimeout(resolve, Number(interval) * 1000));
}
