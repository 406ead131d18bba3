/**
 * Shared file operations: the job summary capped at 1 MiB (keep what
 * was there, append the start of the new text and a truncation note, never
 * split a character, never fail), `cutUtf8`, and the JSON variable store.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import {
  appendCapped,
  appendText,
  cutUtf8,
  exists,
  STEP_SUMMARY_LIMIT,
  writeText,
} from "../platforms/_core/files.ts";
import { readJsonStore, writeJsonStoreValue } from "../platforms/_core/json_store.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text).length;
const NOTE = "PACE summary truncated";

/** Decode strictly: throws on any invalid UTF-8 (a split character). */
async function readStrict(path: string): Promise<string> {
  return new TextDecoder("utf-8", { fatal: true }).decode(await Deno.readFile(path));
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pace-files-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// ---------------------------------------------------------------------------
// cutUtf8

Deno.test("cutUtf8: ASCII, exact fits and non-positive budgets", () => {
  assertEquals(cutUtf8("hello world", 5), "hello");
  assertEquals(cutUtf8("hello", 5), "hello");
  assertEquals(cutUtf8("hello", 50), "hello");
  assertEquals(cutUtf8("hello", 0), "");
  assertEquals(cutUtf8("hello", -3), "");
  assertEquals(cutUtf8("", 10), "");
});

Deno.test("cutUtf8: never splits a 2-, 3- or 4-byte character", () => {
  // h(1) é(2) €(3) 😀(4, a surrogate pair) z(1)
  const text = "hé€😀z";
  const expected: Record<number, string> = {
    1: "h",
    2: "h",
    3: "hé",
    4: "hé",
    5: "hé",
    6: "hé€",
    7: "hé€",
    8: "hé€",
    9: "hé€",
    10: "hé€😀",
    11: "hé€😀z",
  };
  for (const [limit, prefix] of Object.entries(expected)) {
    assertEquals(cutUtf8(text, Number(limit)), prefix, `limit ${limit}`);
  }
  assertEquals(cutUtf8("😀", 3), "", "no lone half of a surrogate pair");
  assertEquals(cutUtf8("😀😀", 7), "😀");
});

Deno.test("cutUtf8: the longest fitting prefix, for many strings and limits", () => {
  const pool = ["a", "Z", " ", "\n", "é", "ß", "€", "中", "😀", "👍🏽", "\u0301"];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 300; round++) {
    let text = "";
    const length = Math.floor(next() * 40);
    for (let i = 0; i < length; i++) text += pool[Math.floor(next() * pool.length)];
    const limit = Math.floor(next() * (bytes(text) + 3));
    const cut = cutUtf8(text, limit);
    assert(text.startsWith(cut), "a prefix");
    assert(bytes(cut) <= limit, `${bytes(cut)} > ${limit}`);
    // No lone surrogate at the end (it would encode as U+FFFD).
    const last = cut.charCodeAt(cut.length - 1);
    assert(!(last >= 0xd800 && last <= 0xdbff), "ends in half a pair");
    // Maximal: the next whole code point would not fit.
    if (cut.length < text.length) {
      const nextPoint = String.fromCodePoint(text.codePointAt(cut.length)!);
      assert(bytes(cut + nextPoint) > limit, `not maximal for ${JSON.stringify(text)} @ ${limit}`);
    }
  }
});

// ---------------------------------------------------------------------------
// appendCapped

Deno.test("appendCapped: text that fits is appended whole, with a final newline", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/summary.md`;
    await Deno.writeTextFile(path, "# Earlier step\n");
    assertEquals(await appendCapped(path, "## PACE\nall good", 1_000), false);
    assertEquals(await appendCapped(path, "second\n", 1_000), false);
    assertEquals(await Deno.readTextFile(path), "# Earlier step\n## PACE\nall good\nsecond\n");
  });
});

Deno.test("appendCapped: a missing file and directory are created", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a/b/summary.md`;
    assertEquals(await appendCapped(path, "hello"), false);
    assertEquals(await Deno.readTextFile(path), "hello\n");
  });
});

Deno.test("appendCapped: over the limit keeps the old content, the start of the new, a note", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/summary.md`;
    const existing = "# Earlier step\n" + "e".repeat(385) + "\n";
    await Deno.writeTextFile(path, existing);
    const markdown = "## PACE report\n" +
      Array.from({ length: 200 }, (_, i) => `line ${i}`).join("\n");
    assert(bytes(existing) + bytes(markdown) > 1_000);
    assertEquals(await appendCapped(path, markdown, 1_000), true);
    const content = await readStrict(path);
    const size = (await Deno.stat(path)).size;
    assert(size <= 1_000, `file is ${size} bytes`);
    assert(content.startsWith(existing), "earlier content kept");
    const added = content.slice(existing.length);
    assert(added.startsWith("## PACE report\nline 0\nline 1\n"), "start of the new text kept");
    assertStringIncludes(added, NOTE);
    assert(content.trimEnd().endsWith("The full report is in the job log."), "note at the end");
    assert(!content.includes("line 199"), "the end was cut");
    // Whatever room the note left is used.
    assert(size > 1_000 - 10, `only ${size} bytes used`);
  });
});

Deno.test("appendCapped: multibyte text is never split at the cut", async () => {
  await withTempDir(async (dir) => {
    // Try every cut offset modulo the character widths.
    for (let limit = 400; limit < 412; limit++) {
      const path = `${dir}/summary-${limit}.md`;
      await Deno.writeTextFile(path, "prior\n");
      const markdown = "€😀é中".repeat(200);
      assertEquals(await appendCapped(path, markdown, limit), true);
      const content = await readStrict(path); // throws on a split character
      assert((await Deno.stat(path)).size <= limit);
      assert(content.startsWith("prior\n€😀é中"));
      assert(!content.includes("\ufffd"));
      assertStringIncludes(content, NOTE);
    }
  });
});

Deno.test("appendCapped: a file already at or over the limit is left alone", async () => {
  await withTempDir(async (dir) => {
    // 995: five bytes of room, less than the note needs.
    for (const size of [1_000, 995, 1_200]) {
      const path = `${dir}/full-${size}.md`;
      const existing = "x".repeat(size);
      await Deno.writeTextFile(path, existing);
      assertEquals(await appendCapped(path, "more text", 1_000), true);
      assertEquals(await Deno.readTextFile(path), existing, `size ${size}`);
    }
  });
});

Deno.test("appendCapped: repeated appends never grow the file past the limit", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/summary.md`;
    const results: boolean[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      // 401 bytes each: two fit, the third is cut, then nothing fits.
      results.push(await appendCapped(path, `## Step ${i}\n${"ü".repeat(195)}`, 1_000));
      sizes.push((await Deno.stat(path)).size);
      assert(sizes[i] <= 1_000, `after append ${i}: ${sizes[i]} bytes`);
    }
    await readStrict(path);
    assertEquals(results, [false, false, true, true, true, true]);
    assertEquals(sizes.slice(0, 2), [401, 802]);
    assertEquals(new Set(sizes.slice(2)).size, 1, "unchanged once full");
    const content = await Deno.readTextFile(path);
    assertStringIncludes(content, "## Step 2\nüü");
    assertEquals(content.split(NOTE).length - 1, 1, "one truncation note");
  });
});

Deno.test("appendCapped: the real 1 MiB cap with ~1.5 MiB of markdown", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/step-summary.md`;
    const existing = "# Build\n" + "b".repeat(100 * 1024) + "\n";
    await Deno.writeTextFile(path, existing);
    const row = "| check | ✅ passed | a fairly long description of the check |\n";
    const markdown = "## PACE\n" + row.repeat(Math.ceil(1.5 * 1024 * 1024 / bytes(row)));
    assert(bytes(markdown) > 1.5 * 1024 * 1024);

    assertEquals(STEP_SUMMARY_LIMIT, 1024 * 1024);
    assertEquals(await appendCapped(path, markdown), true);
    const size = (await Deno.stat(path)).size;
    assert(size <= STEP_SUMMARY_LIMIT, `file is ${size} bytes`);
    assert(size > STEP_SUMMARY_LIMIT - 8, `only ${size} bytes used`);
    const content = await readStrict(path);
    assert(content.startsWith(existing + "## PACE\n| check | ✅ passed"));
    assertStringIncludes(content.slice(-300), NOTE);
    assertStringIncludes(content.slice(-300), "1024 KiB");

    // A further append fits nothing, changes nothing, and does not throw.
    assertEquals(await appendCapped(path, "late line"), true);
    assertEquals((await Deno.stat(path)).size, size);
  });
});

// ---------------------------------------------------------------------------
// JSON store, writeText, appendText, exists

Deno.test("readJsonStore: missing, empty, corrupt, array or scalar files read as {}", async () => {
  await withTempDir(async (dir) => {
    assertEquals(await readJsonStore(`${dir}/missing.json`), {});
    for (
      const [name, text] of [
        ["empty", ""],
        ["corrupt", '{"a": "1",'],
        ["array", '["a", "b"]'],
        ["null", "null"],
        ["string", '"text"'],
        ["number", "42"],
        ["binary", "\u0000\u0001\u0002"],
      ]
    ) {
      await Deno.writeTextFile(`${dir}/${name}.json`, text);
      assertEquals(await readJsonStore(`${dir}/${name}.json`), {}, name);
    }
    // A directory where the file should be: {} as well.
    await Deno.mkdir(`${dir}/dir.json`);
    assertEquals(await readJsonStore(`${dir}/dir.json`), {});
  });
});

Deno.test("readJsonStore: values come back as strings", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/vars.json`;
    await Deno.writeTextFile(path, JSON.stringify({ a: "1", b: 2, c: true, d: { e: 1 } }));
    assertEquals(await readJsonStore(path), { a: "1", b: "2", c: "true", d: '{"e":1}' });
  });
});

Deno.test("writeJsonStoreValue: sets one key and keeps the others", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/nested/vars.json`;
    await writeJsonStoreValue(path, "PACE_DAY", "3");
    await writeJsonStoreValue(path, "PACE_STATUS", "shipped");
    await writeJsonStoreValue(path, "PACE_DAY", "4");
    assertEquals(await readJsonStore(path), { PACE_DAY: "4", PACE_STATUS: "shipped" });
    const text = await Deno.readTextFile(path);
    assert(text.endsWith("\n"));
    assertEquals(JSON.parse(text), { PACE_DAY: "4", PACE_STATUS: "shipped" });
  });
});

Deno.test("writeJsonStoreValue: a corrupt store is replaced", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/vars.json`;
    await Deno.writeTextFile(path, "{not json at all");
    await writeJsonStoreValue(path, "NAME", 'value with "quotes" and ünïcode');
    assertEquals(JSON.parse(await Deno.readTextFile(path)), {
      NAME: 'value with "quotes" and ünïcode',
    });
    await Deno.writeTextFile(path, "[1,2]");
    await writeJsonStoreValue(path, "OTHER", "x");
    assertEquals(JSON.parse(await Deno.readTextFile(path)), { OTHER: "x" });
  });
});

Deno.test("writeText, appendText and exists", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/x/y/file.md`;
    assertEquals(await exists(path), false);
    await appendText(path, "a");
    await appendText(path, "b");
    assertEquals(await Deno.readTextFile(path), "ab");
    await writeText(path, "c");
    assertEquals(await Deno.readTextFile(path), "c");
    assertEquals(await exists(path), true);
    assertEquals(await exists(`${dir}/x`), true);
    await writeText(`${dir}/top.md`, "t");
    assertEquals(await Deno.readTextFile(`${dir}/top.md`), "t");
  });
});
