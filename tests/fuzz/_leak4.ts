import { startRig } from "./rigs.ts";
import { OPS } from "./ops.ts";
const name = Deno.args[0] ?? "escalate";
const op = OPS.find((o) => o.name === name)!;
const shared = await startRig(Deno.args[1] ?? "github");
const fds = () => [...Deno.readDirSync("/proc/self/fd")].length;
await op.prepare?.(shared);
for (let i = 0; i <= 200; i++) {
  await op.run(shared);
  if (i % 50 === 0) {
    const m = Deno.memoryUsage();
    console.log(
      name,
      i,
      "rss",
      Math.round(m.rss / 1e6),
      "heapUsed",
      Math.round(m.heapUsed / 1e6),
      "fds",
      fds(),
      "reqs",
      shared.requests().length,
    );
  }
}
await shared.close();
