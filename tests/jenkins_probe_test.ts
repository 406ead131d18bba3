// `pace check` on Jenkins counts the job reachable only when Jenkins' JSON API answered.
import { jenkinsPlatform } from "../platforms/jenkins.ts";
import { resolveContext } from "../platforms/registry.ts";
import { captureLogger } from "../testing.ts";
import { assertEquals, assertStringIncludes } from "./_assert.ts";

async function probeAgainst(answer: () => Response) {
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, answer);
  const env = {
    JENKINS_URL: `http://127.0.0.1:${server.addr.port}/jenkins/`,
    JENKINS_JOB_NAME: "team/app",
  };
  const context = resolveContext(jenkinsPlatform, { env, logger: captureLogger() });
  return await jenkinsPlatform.probe!(context);
}

Deno.test("jenkins check: JSON that is not a job is not reachable, with a hint", async () => {
  const result = await probeAgainst(() => Response.json({ hello: "proxy" }));
  assertEquals(result.ok, false);
  assertStringIncludes(result.detail, "did not answer as Jenkins' JSON API does");
});

Deno.test("jenkins check: an HTML page is not reachable", async () => {
  const result = await probeAgainst(() =>
    new Response("<html>sign in</html>", { headers: { "content-type": "text/html" } })
  );
  assertEquals(result.ok, false);
});

Deno.test("jenkins check: a job's JSON is reachable", async () => {
  const result = await probeAgainst(() =>
    Response.json({ name: "app", url: "http://jenkins.example/job/team/job/app/" })
  );
  assertEquals(result.ok, true);
  assertStringIncludes(result.detail, "job app reachable");
});
