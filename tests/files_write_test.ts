// Writes go to regular files only: a directory, FIFO or link at the path is
// refused, never taken for "the existing item" and never blocked on.
import { join } from "node:path";
import { appendText, createOnce, writeText } from "../platforms/_core/files.ts";
import { assertEquals, assertRejects } from "./_assert.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pace-write-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("createOnce: a directory, a FIFO or a link at the path is refused, not 'found'", async () => {
  await withDir(async (dir) => {
    const asDir = join(dir, "escalation-issue.md");
    await Deno.mkdir(asDir);
    await assertRejects(() => createOnce(asDir, () => "x"), Error, "not a regular file");
    const fifo = join(dir, "fifo.md");
    await new Deno.Command("mkfifo", { args: [fifo] }).output();
    await assertRejects(() => createOnce(fifo, () => "x"), Error, "not a regular file");
    const outside = await Deno.makeTempFile();
    const link = join(dir, "link.md");
    await Deno.symlink(outside, link);
    await assertRejects(() => createOnce(link, () => "x"), Error, "symbolic link");
    assertEquals(await Deno.readTextFile(outside), "");
    await Deno.remove(outside);
  });
});

Deno.test("createOnce: a regular file is the existing item; a missing one is written once", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "sub", "story-ticket.md");
    assertEquals(await createOnce(path, () => "first"), path);
    assertEquals(await createOnce(path, () => "second"), path);
    assertEquals(await Deno.readTextFile(path), "first");
  });
});

Deno.test("writeText/appendText: a FIFO at the path is refused at once, never blocked on", async () => {
  await withDir(async (dir) => {
    const fifo = join(dir, "story-handoff-comment.md");
    await new Deno.Command("mkfifo", { args: [fifo] }).output();
    await assertRejects(() => writeText(fifo, "x"), Error, "not a regular file");
    await assertRejects(() => appendText(fifo, "x"), Error, "not a regular file");
  });
});
