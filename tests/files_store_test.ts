/**
 * The JSON variable stores (`.pace/variables.json`, `jenkins-variables.json`)
 * and every other write: parallel processes lose no key, a write never goes
 * through a symbolic link, and a replaced file is replaced atomically.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch, assertRejects } from "./_assert.ts";
import { appendText, writeText } from "../platforms/_core/files.ts";
import { readJsonStore, replaceText, writeJsonStoreValue } from "../platforms/_core/json_store.ts";
import { createOnce } from "../platforms/local/files.ts";
import { writeTicketRef } from "../platforms/_pace/artifacts.ts";

const canRun = Deno.permissions.querySync({ name: "run" }).state === "granted";
const unix = Deno.build.os !== "windows";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pace-store-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Start `count` processes that each set `keys` keys of the store at `path`
 * under the given permission flags, all released at once when every one is
 * ready, so their writes really overlap.
 */
async function parallelWriters(
  dir: string,
  path: string,
  flags: string[],
  count: number,
  keys: number,
): Promise<void> {
  const script = join(dir, "writer.ts");
  const files = new URL("../platforms/_core/json_store.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    [
      `import { writeJsonStoreValue } from ${JSON.stringify(files)};`,
      "const [path, id, keys] = Deno.args;",
      "console.log('ready');",
      "await Deno.stdin.read(new Uint8Array(8));",
      "for (let k = 0; k < Number(keys); k++) {",
      "  await writeJsonStoreValue(path, `P${id}_K${k}`, `${id}.${k}`);",
      "}",
    ].join("\n"),
  );
  const config = fileURLToPath(new URL("../deno.json", import.meta.url));
  const signal = AbortSignal.timeout(60_000);
  const children = Array.from({ length: count }, (_, id) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        `--config=${config}`,
        ...flags,
        script,
        path,
        `${id}`,
        `${keys}`,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      signal,
    }).spawn());
  // Wait for every "ready", then let them all go.
  await Promise.all(children.map(async (child) => {
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    assertMatch(new TextDecoder().decode(value), /ready/);
    reader.releaseLock();
  }));
  await Promise.all(children.map(async (child) => {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    await writer.close();
  }));
  const results = await Promise.all(children.map((child) => child.output()));
  for (const result of results) {
    assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));
  }
}

function expected(count: number, keys: number): Record<string, string> {
  const all: Record<string, string> = {};
  for (let id = 0; id < count; id++) {
    for (let k = 0; k < keys; k++) all[`P${id}_K${k}`] = `${id}.${k}`;
  }
  return all;
}

Deno.test({
  name: "store: 10 parallel processes keep every key (atomic replace under a lock)",
  ignore: !canRun,
  fn: async () => {
    await withTempDir(async (dir) => {
      const pace = join(dir, ".pace");
      await Deno.mkdir(pace);
      const path = join(pace, "variables.json");
      await Deno.writeTextFile(path, '{"KEPT": "yes"}');
      await parallelWriters(dir, path, [`--allow-read=${pace}`, `--allow-write=${pace}`], 10, 10);
      assertEquals(await readJsonStore(path), { KEPT: "yes", ...expected(10, 10) });
      // No temporary file is left behind.
      const names = [];
      for await (const entry of Deno.readDir(pace)) names.push(entry.name);
      assertEquals(names, ["variables.json"]);
    });
  },
});

Deno.test({
  name: "store: with write access to the store file only, parallel writers still keep every key",
  ignore: !canRun,
  fn: async () => {
    await withTempDir(async (dir) => {
      // Jenkins's store sits in the repository root, which the narrow flags do not grant.
      const path = join(dir, "jenkins-variables.json");
      await parallelWriters(dir, path, [`--allow-read=${path}`, `--allow-write=${path}`], 10, 5);
      assertEquals(await readJsonStore(path), expected(10, 5));
    });
  },
});

Deno.test({
  name: "store: a store that is a symbolic link is refused; its target is untouched",
  ignore: !unix,
  fn: async () => {
    await withTempDir(async (dir) => {
      const pace = join(dir, ".pace");
      await Deno.mkdir(pace);
      const victim = join(dir, "victim.json");
      await Deno.writeTextFile(victim, '{"SECRET": "do not read or write"}');
      const path = join(pace, "variables.json");
      await Deno.symlink("../victim.json", path);
      await assertRejects(
        () => writeJsonStoreValue(path, "A", "1"),
        Error,
        "is a symbolic link: refusing to write through it",
      );
      assertEquals(await Deno.readTextFile(victim), '{"SECRET": "do not read or write"}');
      assert((await Deno.lstat(path)).isSymlink, "the link is left as it was");
      // Reading does not follow it either.
      assertEquals(await readJsonStore(path), {});
    });
  },
});

Deno.test({
  name: "store: a FIFO is neither read nor rewritten, and nothing blocks",
  ignore: !canRun || !unix,
  fn: async () => {
    await withTempDir(async (dir) => {
      const fifo = join(dir, "variables.json");
      assert((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
      const script = join(dir, "fifo.ts");
      const files = new URL("../platforms/_core/json_store.ts", import.meta.url).href;
      await Deno.writeTextFile(
        script,
        [
          `import { readJsonStore, writeJsonStoreValue } from ${JSON.stringify(files)};`,
          "const read = await readJsonStore(Deno.args[0]);",
          "const write = await writeJsonStoreValue(Deno.args[0], 'A', '1').then(",
          "  () => 'written', (error) => String(error));",
          "console.log(JSON.stringify({ read, write }));",
        ].join("\n"),
      );
      // A regression blocks on the FIFO forever: the deadline kills it.
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--no-prompt",
          `--allow-read=${dir}`,
          `--allow-write=${dir}`,
          script,
          fifo,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(10_000),
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      assertEquals([output.signal, output.code], [null, 0], stderr);
      const { read, write } = JSON.parse(new TextDecoder().decode(output.stdout));
      assertEquals(read, {});
      assertMatch(write, /is not a regular file/);
    });
  },
});

Deno.test("store: an oversized store is not read, nor rewritten", async () => {
  await withTempDir(async (dir) => {
    const big = join(dir, "big.json");
    const text = `{"A": "${"x".repeat(1024 * 1024)}"}`;
    await Deno.writeTextFile(big, text);
    assertEquals(Object.keys(await readJsonStore(big)), []);
    await assertRejects(() => writeJsonStoreValue(big, "B", "1"), Error, "over 1 MiB");
    assert(await Deno.readTextFile(big) === text, "left as it was");
  });
});

Deno.test({
  name: "replaceText replaces a link at the path instead of following it",
  ignore: !unix,
  fn: async () => {
    await withTempDir(async (dir) => {
      const victim = join(dir, "victim.txt");
      await Deno.writeTextFile(victim, "original");
      const path = join(dir, "file.txt");
      await Deno.symlink(victim, path);
      await replaceText(path, "new text");
      assertEquals(await Deno.readTextFile(victim), "original");
      assert((await Deno.lstat(path)).isFile);
      assertEquals(await Deno.readTextFile(path), "new text");
      // A story ticket reference is written the same way.
      const day = join(dir, ".pace", "day-1");
      await Deno.mkdir(day, { recursive: true });
      await Deno.symlink(victim, join(day, "story-ticket.yaml"));
      await writeTicketRef(day, { url: "https://x.example/1", platform: "local" });
      assertEquals(await Deno.readTextFile(victim), "original");
      assert((await Deno.lstat(join(day, "story-ticket.yaml"))).isFile);
    });
  },
});

Deno.test({
  name: "writeText, appendText and createOnce never write through a symbolic link",
  ignore: !unix,
  fn: async () => {
    await withTempDir(async (dir) => {
      const victim = join(dir, "victim.txt");
      await Deno.writeTextFile(victim, "original");
      const link = join(dir, "escalation-issue.md");
      await Deno.symlink(victim, link);
      await assertRejects(() => writeText(link, "x"), Error, "symbolic link");
      await assertRejects(() => appendText(link, "x"), Error, "symbolic link");
      // A dangling link reads as absent, so createOnce would create its target.
      const dangling = join(dir, "review-pr.md");
      await Deno.symlink(join(dir, "created-elsewhere.md"), dangling);
      await assertRejects(() => createOnce(dangling, () => "x"), Error, "symbolic link");
      assertEquals(await Deno.readTextFile(victim), "original");
      await assertRejects(
        () => Deno.lstat(join(dir, "created-elsewhere.md")),
        Deno.errors.NotFound,
      );
    });
  },
});
