import { startRig } from "./rigs.ts";
import { FILE_INPUTS } from "./inputs_files.ts";
const rig = await startRig(
  Deno.args[0] ?? "github",
  Deno.args[0] === "jira" ? { jiraMode: "datacenter" } : {},
);
const input = FILE_INPUTS.find((i) => i.name === "text:remote-images")!;
await input.setup!(rig);
console.log(await input.run(rig));
for (const r of rig.requests()) {
  if (r.method !== "GET") {
    console.log(
      r.method,
      r.path,
      typeof r.body === "string" ? r.body : JSON.stringify(r.body, null, 1).slice(0, 3000),
    );
  }
}
await rig.close();
