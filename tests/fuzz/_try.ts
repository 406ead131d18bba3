import { planNetworkCases, runNetworkCase } from "./faults.ts";
import { pool } from "./bound.ts";
import { type CaseResult, failureList, matrixTable, peakKb, SKIPPED } from "./report.ts";
const [platform, ...faults] = Deno.args;
const plans = await planNetworkCases({
  platforms: [platform],
  faults: faults.length ? faults : undefined,
  light: true,
});
console.log(plans.length, "plans");
const t = performance.now();
const results =
  (await pool(plans.map((p) => () => runNetworkCase(p)), Number(Deno.env.get("POOL") ?? 24)))
    .filter((r): r is CaseResult => r !== SKIPPED);
console.log(matrixTable(results, "faults"));
console.log(failureList(results));
for (const r of results.filter((r) => !r.ok).slice(0, 30)) {
  console.log(r.name, r.op, r.problems.join(" | "), r.detail);
}
console.log("ms", Math.round(performance.now() - t), "peak", peakKb());
Deno.exit(0);
