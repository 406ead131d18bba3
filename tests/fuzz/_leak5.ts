// Plain fetch against a FakeGitHub, same origin, to see whether RSS grows per request.
import { FakeGitHub } from "../servers/github.ts";
const gh = await FakeGitHub.start({ validate: false });
const sha = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
gh.addCheckRun(sha, { name: "b", conclusion: "success" });
for (let i = 0; i <= 400; i++) {
  const r = await fetch(`${gh.url}/repos/octo/pace-demo/commits/${sha}/check-runs`, { headers: { authorization: `Bearer ${gh.token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "x" } });
  await r.text();
  if (i % 100 === 0) { const m = Deno.memoryUsage(); console.log(i, "rss", Math.round(m.rss / 1e6), "heap", Math.round(m.heapUsed/1e6), gh.requests.length); }
}
await gh.close();
