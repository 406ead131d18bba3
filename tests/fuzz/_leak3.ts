import { startRig } from "./rigs.ts";
import { OPS } from "./ops.ts";
const mode = Deno.args[0];
const op = OPS.find((o) => o.name === "escalate")!;
const shared = await startRig("github");
for (let i = 0; i <= 300; i++) {
  if (mode === "rigonly") {
    const r = await startRig("github");
    await r.close();
  } else if (mode === "shared") {
    await Deno.remove(shared.dayDir(3) + "/escalation-issue.md").catch(() => {});
    (shared.remote!.server as any).issues = [];
    await op.run(shared);
  }
  if (i % 100 === 0) {
    const m = Deno.memoryUsage();
    console.log(mode, i, "rss", Math.round(m.rss / 1e6), "heapUsed", Math.round(m.heapUsed / 1e6));
  }
}
await shared.close();
