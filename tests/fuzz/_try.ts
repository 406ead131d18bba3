import { runSpec } from "./fuzz.ts";
import { failureList, matrixTable, peakKb } from "./report.ts";
const spec = JSON.parse(Deno.args[0]);
const t = performance.now();
const sampler = setInterval(() => { const m = Deno.memoryUsage(); console.error("mem", Math.round(m.rss/1e6), "heapTotal", Math.round(m.heapTotal/1e6), "heapUsed", Math.round(m.heapUsed/1e6), "ext", Math.round(m.external/1e6)); }, 3000);
const results = await runSpec(spec);
clearInterval(sampler);
console.log(matrixTable(results, spec.matrix === "files" ? "faults" : spec.matrix));
console.log(failureList(results));
if (Deno.args.includes("-v")) {
  for (const r of results.filter((r) => !r.ok)) {
    console.log(" ", r.name, r.op, r.problems.join(" | "), r.detail ?? "");
  }
}
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 12).map((r) => `${r.name}/${r.op}=${r.ms}`); console.log(slowest.join("  "));
console.log("ms", Math.round(performance.now() - t), "peak", peakKb(), "cases", results.length);
Deno.exit(0);
