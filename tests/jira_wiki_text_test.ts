// Jira wiki markup over hostile agent text: linear time, structure kept.
import { toJiraWiki } from "../platforms/jira/wiki.ts";
import type { RenderedDoc } from "../platforms/_pace/render.ts";
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";

function doc(text: string, extra: Partial<{ strong: boolean; code: boolean }> = {}): RenderedDoc {
  return {
    title: "t",
    marker: "pace:hold:day-1",
    sections: [{ blocks: [{ type: "paragraph", content: [{ text, ...extra }] }] }],
  };
}

Deno.test("jira wiki: 300 000 blanks then dots stay linear and are not a heading", () => {
  const blanks = " ".repeat(300_000);
  const out = toJiraWiki(doc(`${blanks}${".".repeat(300_000)}`));
  assert(out.length >= 300_000);
  const spanOut = toJiraWiki(doc(`a${blanks}b`, { strong: true }));
  assertStringIncludes(spanOut, "*a");
});

Deno.test("jira wiki: a URL followed by a long punctuation run keeps the run outside the link", () => {
  const out = toJiraWiki(doc(`see https://example.com/x${".".repeat(100_000)}`));
  assertStringIncludes(out, "[https://example.com/x]");
});

Deno.test("jira wiki: `h2.` and `bq.` at a line start are still neutralised", () => {
  assertStringIncludes(toJiraWiki(doc("h2. not a heading")), "h2&#46; not a heading");
  assertStringIncludes(toJiraWiki(doc("  bq. not a quote")), "bq&#46; not a quote");
  assertEquals(toJiraWiki(doc("xh2. fine")).includes("&#46;"), false);
});
