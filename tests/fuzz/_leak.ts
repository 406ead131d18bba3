import { startRig } from "./rigs.ts";
import { OPS } from "./ops.ts";
const which = Deno.args[0] ?? "escalate";
const platform = Deno.args[1] ?? "github";
const op = OPS.find((o) => o.name === which)!;
for (let i = 0; i <= 300; i++) {
  const rig = await startRig(platform);
  await op.prepare?.(rig);
  await op.run(rig);
  await rig.close();
  if (i % 50 === 0) {
    const m = Deno.memoryUsage();
    console.log(
      i,
      "rss",
      Math.round(m.rss / 1e6),
      "heapUsed",
      Math.round(m.heapUsed / 1e6),
      "heapTotal",
      Math.round(m.heapTotal / 1e6),
      "ext",
      Math.round(m.external / 1e6),
    );
  }
}
