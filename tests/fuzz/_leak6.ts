import { startRig } from "./rigs.ts";
import { OPS } from "./ops.ts";
const op = OPS.find((o) => o.name === "wait")!;
const shared = await startRig("github");
await op.prepare?.(shared);
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < 200; i++) await op.run(shared);
  const m = Deno.memoryUsage();
  console.log(round, "rss", Math.round(m.rss / 1e6), "heap", Math.round(m.heapUsed / 1e6));
  await new Promise((r) => setTimeout(r, 16000));
  const n = Deno.memoryUsage();
  console.log(round, "after sleep rss", Math.round(n.rss / 1e6), "heap", Math.round(n.heapUsed / 1e6));
}
await shared.close();
