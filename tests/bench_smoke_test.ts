/**
 * The bench's parts work (no speed is measured here): its lean server answers
 * every platform's adapter as the adapter expects — green at once, pending
 * then green, ETags and 304s, 1 000 check runs over pages — the `pace` CLI
 * and the Python yardstick run a wait against it, and the table renders.
 */
import { main } from "../cli.ts";
import { getCIAdapter } from "../mod.ts";
import { captureLogger } from "../testing.ts";
import { findPython, paceRunner, yardstickRunner } from "../bench/contestants.ts";
import { runProcess } from "../bench/process.ts";
import { BENCH_SHA, type BenchPlatform, LeanServer } from "../bench/server.ts";
import {
  type BenchResults,
  median,
  pairedRatio,
  renderTable,
  type Sample,
} from "../bench/table.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./_assert.ts";

const PLATFORMS: BenchPlatform[] = ["github", "gitlab", "bitbucket", "jenkins"];
const fast = { timeoutMinutes: 0.5, pollIntervalSeconds: 0.05 };

function adapter(server: LeanServer, platform: BenchPlatform) {
  const logger = captureLogger();
  return { logger, ci: getCIAdapter(platform, { env: server.env(platform), logger }) };
}

for (const platform of PLATFORMS) {
  Deno.test(`lean server: a ${platform} wait ends success at once when CI is green`, async () => {
    await using server = new LeanServer({ latencyMs: 0 });
    const { ci, logger } = adapter(server, platform);
    const result = await ci.waitForCommitCi(BENCH_SHA, fast);
    assertEquals(result.conclusion, "success", logger.lines.join("\n"));
    assert(result.url.startsWith(server.origin), result.url);
    assertEquals(server.stats.polls > 0, true);
    assertEquals(server.stats.greenAt, server.stats.firstPollAt);
  });

  Deno.test(`lean server: a ${platform} wait sees pending, then success`, async () => {
    await using server = new LeanServer({ latencyMs: 0 });
    server.reset({ greenAfterMs: 20 });
    const { ci, logger } = adapter(server, platform);
    const progress: string[][] = [];
    const result = await ci.waitForCommitCi(BENCH_SHA, {
      ...fast,
      onProgress: (p) => progress.push(p.pending),
    });
    assertEquals(result.conclusion, "success", logger.lines.join("\n"));
    assert(progress.length > 0 && progress[0].length > 0, "the first poll saw a pending run");
  });
}

Deno.test("lean server: unchanged GitHub answers are 304 to If-None-Match", async () => {
  await using server = new LeanServer({ latencyMs: 0 });
  server.reset({ greenAfterMs: 60 });
  const { ci } = adapter(server, "github");
  assertEquals((await ci.waitForCommitCi(BENCH_SHA, fast)).conclusion, "success");
  // Every poll asks for check runs and statuses; only the first ones and the change cost a body.
  assert(server.stats.notModified > 0, JSON.stringify(server.stats));
  assertEquals(server.stats.requests - server.stats.notModified, 3);
});

Deno.test("lean server: 1 000 check runs come in ten pages of 100", async () => {
  await using server = new LeanServer({ latencyMs: 0 });
  server.reset({ checkRuns: 1000 });
  const { ci } = adapter(server, "github");
  assertEquals((await ci.waitForCommitCi(BENCH_SHA, fast)).conclusion, "success");
  assertEquals(server.stats.checkRunPages, 10);
});

Deno.test("lean server: answers wait the latency, and close ends held answers", async () => {
  const server = new LeanServer({ latencyMs: 60_000 });
  const answer = fetch(`${server.origin}/jenkins/job/app/api/json`).then(
    (r) => r.body?.cancel(),
    () => undefined,
  );
  while (server.stats.requests === 0) await new Promise((r) => setTimeout(r, 1));
  await server.close();
  await answer;
  assertEquals(server.stats.requests, 1);
});

Deno.test("bench: `pace ci wait` runs against the lean server under the printed flags", async () => {
  await using server = new LeanServer({ latencyMs: 0 });
  const root = await Deno.makeTempDir({ prefix: "pace-bench-smoke-" });
  try {
    for (const platform of PLATFORMS) {
      const runner = await paceRunner(platform, server, root);
      assert(runner.flags.some((f) => f.startsWith("--allow-net=127.0.0.1:")), runner.flags.join());
      // The same command in-process: the config and environment the bench hands the CLI.
      const out: string[] = [];
      const err: string[] = [];
      const args = runner.spec(0.05).args;
      const code = await main(args.slice(args.indexOf("ci")), {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        env: server.env(platform),
        cwd: root,
      });
      assertEquals(code, 0, `${platform}: ${out.join("\n")}\n${err.join("\n")}`);
      assertMatch(out.join("\n"), /^success /);
    }
    // One real child process, as the bench times it.
    server.reset();
    const github = await paceRunner("github", server, root);
    const run = await runProcess(github.spec(0.05));
    assertEquals(run.code, 0, run.stderr);
    assertEquals(server.stats.requests, 2);
    assert(run.peakKb === undefined || run.peakKb > 1024, `peak ${run.peakKb} KiB`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

const python = await findPython();

Deno.test({
  name: "bench: the Python yardstick waits against the lean server",
  ignore: python === undefined,
  async fn() {
    await using server = new LeanServer({ latencyMs: 0 });
    server.reset({ greenAfterMs: 20 });
    const root = await Deno.makeTempDir({ prefix: "pace-bench-smoke-" });
    try {
      const run = await runProcess(yardstickRunner(server, root, python!).spec(0.05));
      assertEquals(run.code, 0, run.stderr);
      assertEquals(run.stdout.trim(), "success");
      assert(server.stats.polls >= 2, JSON.stringify(server.stats));
      assertEquals(server.stats.notModified, 0);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

function samples(ms: number, extra: Partial<Sample> = {}): Sample[] {
  return [ms, ms + 10, ms - 10].map((v) => ({ ms: v, requests: 8, notModified: 5, ...extra }));
}

Deno.test("bench table: medians, one row per run, ratios beside their targets", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2);
  assert(Number.isNaN(median([])));
  // Run i of each side was made right after the other: each pair is one ratio.
  const at = (...ms: number[]) => ms.map((v) => ({ ms: v, requests: 0, notModified: 0 }));
  assertEquals(pairedRatio(at(50, 300, 60), at(100, 400, 200), "ms"), 0.5);
  const results: BenchResults = {
    machine: "Test CPU, 2 CPUs",
    latencyMs: 50,
    intervalSeconds: 1,
    greenAfterMs: 2500,
    pace: PLATFORMS.map((p) => ({
      label: `pace · ${p}`,
      cold: samples(90, { peakKb: 50 * 1024 }),
      detect: samples(3000, { detectionMs: 700, peakKb: 56 * 1024 }),
    })),
    yardstick: {
      label: "yardstick · github (Python + requests)",
      cold: samples(180, { peakKb: 28 * 1024 }),
      detect: samples(3000, { detectionMs: 650, requests: 4, notModified: 0 }),
    },
    many: [{ label: "pace · github", runs: 1000, samples: samples(200, { pages: 10 }) }],
    floors: [{ label: "floor · `deno run` of an empty file", samples: samples(20) }],
  };
  const table = renderTable(results);
  const lines = table.split("\n");
  assertMatch(lines[0], /^\| run +\| cold start/);
  assertMatch(lines[1], /^\| -+ \| -+ \|/);
  const widths = new Set(lines.filter((l) => l.startsWith("|")).map((l) => [...l].length));
  assertEquals(widths.size, 1, "every row as wide as the header");
  assertStringIncludes(table, "| pace · github ");
  assertStringIncludes(table, "90 ms");
  assertStringIncludes(table, "0.70 s");
  assertStringIncludes(table, "63 %");
  assertStringIncludes(table, "pace · github, 1 000 check runs");
  assertStringIncludes(table, "8 (10 check-run pages)");
  assertStringIncludes(table, "0.50 (≤ 0.5) ✓");
  assertStringIncludes(table, "1.08 (≤ 1) ✗");
  assertStringIncludes(table, "0.75 (≤ 1) ✓");
  assertStringIncludes(table, "50 MB (≤ 80) ✓");
  assertStringIncludes(table, "Machine: Test CPU, 2 CPUs.");
});

Deno.test("bench table: without a yardstick there is no ratio row", () => {
  const table = renderTable({
    machine: "m",
    latencyMs: 0,
    intervalSeconds: 1,
    greenAfterMs: 0,
    pace: [{ label: "pace · github", cold: samples(50), detect: [] }],
    many: [],
    floors: [],
  });
  assert(!table.includes("÷"), table);
  assertStringIncludes(table, "| pace · github | 50 ms");
});
