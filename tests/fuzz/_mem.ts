import { peakKb } from "./report.ts";
console.log("base", peakKb());
await import("../../mod.ts");
console.log("mod", peakKb());
await import("../servers/github.ts");
console.log("gh module", peakKb());
await import("../servers/gitlab.ts");
await import("../servers/bitbucket.ts");
await import("../servers/jira.ts");
await import("../servers/jenkins.ts");
await import("../servers/gitea.ts");
console.log("all fakes", peakKb());
const { startRig } = await import("./rigs.ts");
const r = await startRig("github");
console.log("rig", peakKb());
const { OPS } = await import("./ops.ts");
for (const op of OPS) {
  await op.prepare?.(r);
  await op.run(r);
}
console.log("ops", peakKb());
await r.close();
