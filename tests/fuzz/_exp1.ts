import { getCIAdapter, getTrackerAdapter } from "../../mod.ts";
import { captureLogger, writeSamplePace } from "../../testing.ts";
import { FakeGitHub } from "../../tests/servers/github.ts";
const mem = () => { const s = Deno.readTextFileSync("/proc/self/status"); return s.match(/VmHWM:\s+(\d+)/)![1] + " kB"; };
console.log("start", mem());
const t0 = performance.now();
const gh = await FakeGitHub.start();
console.log("gh started", mem(), performance.now()-t0);
const root = await Deno.makeTempDir();
await writeSamplePace(root);
const logger = captureLogger();
const env = { GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: "octo/pace-demo", GITHUB_API_URL: gh.url };
const tracker = getTrackerAdapter("github", { env, repoRoot: root, logger });
for (const fault of [{status: 520, times: 2}, {hangMs: 60000}, {body: "<html>", status: 200}, {drop: true}, {status: 304}]) {
  gh.script({ path: /./, ...fault });
  const t = performance.now();
  const r = await tracker.openEscalationIssue(3, root + "/.pace/day-3");
  console.log(JSON.stringify(fault), JSON.stringify(r), Math.round(performance.now() - t), gh.issues.length);
}
console.log(logger.text().slice(0, 3000));
const ci = getCIAdapter("github", { env, repoRoot: root, logger });
const sha = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
gh.addCheckRun(sha, { name: "build", status: "completed", conclusion: "success" });
for (const fault of [{status: 520, times: 2}, {status: 304}, {hangMs: 60000}, {status: 404}]) {
  gh.script({ path: /./, ...fault });
  const t = performance.now();
  const r = await ci.waitForCommitCi(sha, { timeoutMinutes: 0.02, pollIntervalSeconds: 0.05 });
  console.log(JSON.stringify(fault), JSON.stringify(r), Math.round(performance.now() - t));
}
console.log("end", mem());
await gh.close();
