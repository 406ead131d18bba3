/**
 * Agent text in bodies: it cannot spell a marker, close an issue, mention
 * someone, load an image or run a quick action; it is bounded; and the
 * renderer handles it in linear time.
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStrictEquals,
} from "./_assert.ts";
import {
  type ArtifactFile,
  type DayArtifacts,
  parseArtifactText,
  type ReviewSummary,
} from "../platforms/_pace/artifacts.ts";
import {
  advisoryDoc,
  escalationDoc,
  handoffDoc,
  reviewPrDoc,
  storyDoc,
} from "../platforms/_pace/bodies.ts";
import { toMarkdown } from "../platforms/_pace/markdown.ts";
import { escalationTitle, escalationTitlePrefix, storyTitle } from "../platforms/_pace/names.ts";
import {
  breakAcross,
  code,
  codeBlock,
  list,
  normalizeCode,
  outerSpace,
  paragraph,
  type RenderedDoc,
  strong,
} from "../platforms/_pace/render.ts";
import { toAdf } from "../platforms/jira/adf.ts";
import { toJiraWiki } from "../platforms/jira/wiki.ts";

const ZWSP = "\u200B";

function artifact(name: string, raw: string | undefined): ArtifactFile {
  if (raw === undefined) {
    return { name, path: name, exists: false, raw: "", data: undefined, problem: `${name} gone` };
  }
  return { name, path: name, exists: true, raw, ...parseArtifactText(name, raw) };
}

function dayOf(files: Partial<Record<keyof DayArtifacts, string>>, day = 1): DayArtifacts {
  return {
    day,
    dayDir: `.pace/day-${day}`,
    story: artifact("story.md", files.story),
    handoff: artifact("handoff.md", files.handoff),
    gate: artifact("gate.md", files.gate),
    sentinel: artifact("sentinel.md", files.sentinel),
    conduit: artifact("conduit.md", files.conduit),
  };
}

function review(deferred: string[], decision = "HOLD"): ReviewSummary {
  return {
    start: 1,
    day: 3,
    days: [{ day: 1, decision: "SHIP", deferred: [] }, { day: 2, decision, deferred }],
    shipped: 1,
    other: 1,
    deferred: deferred.map((item) => ({ day: 2, item })),
    problems: [],
  };
}

function doc(...blocks: RenderedDoc["sections"][number]["blocks"]): RenderedDoc {
  return { title: "t", marker: "pace:story:day-1", sections: [{ blocks }] };
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines[lines.length - 1];
}

// ---------------------------------------------------------------------------
// Markers

const MARKER_TEXT = /pace:[a-z]+:day-/i;

/** Marker text in every form an agent could write it, for every kind. */
const FORGERIES = ["hold", "story", "advisory", "review", "handoff"].flatMap((kind) => [
  `<!-- pace:${kind}:day-1 -->`,
  `<!-- pace:${kind}:day-1:sentinel -->`,
  `PACE:${kind.toUpperCase()}:DAY-1`,
]).join("\n");

/** Every body built from artifacts whose every field quotes markers. */
function forgedDocs(): RenderedDoc[] {
  const f = JSON.stringify(FORGERIES);
  const yamlList = `\n  - ${f}\n  - ${f}\n`;
  const day = dayOf({
    story: `target: ${f}\nacceptance:${yamlList}out_of_scope:${yamlList}${f.slice(1, 9)}x: ${f}\n`,
    handoff: `commit: ${f}\nsummary: ${f}\nfiles:${yamlList}deferred:${yamlList}extra: ${f}\n`,
    gate: `gate_decision: ${f}\nhold_reason: ${f}\ndeferred:${yamlList}`,
    sentinel: `hold_reason: ${f}\n`,
    conduit: `not yaml: [\n${FORGERIES}\n`,
  });
  return [
    escalationDoc(day, FORGERIES),
    escalationDoc(dayOf({ story: `[\n${FORGERIES}`, handoff: `- ${f}\n`, gate: "]\n" }), "x"),
    storyDoc(1, { target: FORGERIES, acceptance: [FORGERIES], outOfScope: [FORGERIES] }, ""),
    storyDoc(1, undefined, FORGERIES),
    handoffDoc(1, { commit: FORGERIES, summary: FORGERIES, files: [FORGERIES], deferred: [] }, ""),
    handoffDoc(1, undefined, FORGERIES),
    advisoryDoc(1, FORGERIES, [
      { id: FORGERIES, finding: FORGERIES },
      { id: "S-2", finding: FORGERIES, day_raised: FORGERIES, status: FORGERIES } as never,
    ]),
    reviewPrDoc({ ...review([FORGERIES], FORGERIES), problems: [FORGERIES] }, FORGERIES),
  ];
}

Deno.test("markers: no body spells one in its text, in any renderer", () => {
  for (const d of forgedDocs()) {
    const md = toMarkdown(d);
    const lines = md.trimEnd().split("\n");
    const forged = lines.slice(0, -1).filter((line) => MARKER_TEXT.test(line));
    assertEquals(forged, [], `${d.marker} in markdown`);
    assertStrictEquals(lastLine(md), `<!-- ${d.marker} -->`);
    assertNotMatch(JSON.stringify(toAdf(d)), MARKER_TEXT, `${d.marker} in ADF`);
    assertNotMatch(toJiraWiki(d), MARKER_TEXT, `${d.marker} in wiki markup`);
    assertNotMatch(d.title, MARKER_TEXT, `${d.marker} title`);
    // The text still reads the same once the invisible breaks are taken out.
    assert(md.replaceAll(ZWSP, "").includes("pace:story:day-1"), d.marker);
  }
});

Deno.test("markers: a sequence split over two spans is broken too", () => {
  const split = doc(
    paragraph("see pace", strong(":hold:day-1"), " and ", code("pace:story:day-1")),
  );
  const md = toMarkdown({ ...split, marker: "pace:review:day-9" });
  assertNotMatch(md.replace(/\*\*/g, ""), /pace:hold:day-/);
  assertNotMatch(md, /pace:story:day-/);
  assertEquals(breakAcross(["pace", ":hold:day-1"], /pace(?=:hold)/g), [
    `pace${ZWSP}`,
    ":hold:day-1",
  ]);
});

Deno.test("markers: titles cannot spell one either", () => {
  assertNotMatch(escalationTitle(1, "<!-- pace:story:day-1 -->"), MARKER_TEXT);
  assertNotMatch(storyTitle(1, "pace:hold:day-1"), MARKER_TEXT);
  assertStrictEquals(escalationTitle(1, "tests fail"), "[PACE HOLD] Day 1 — tests fail");
});

// ---------------------------------------------------------------------------
// Linear time

const SPACES = " ".repeat(300_000);

Deno.test("linear time: 300 000 inner blanks in every kind of span render at once, exactly", () => {
  const text = `a${SPACES}b`;
  const md = toMarkdown(doc(
    paragraph("lead ", text),
    paragraph(strong(text)),
    paragraph({ text: `x${text}`, href: "https://example.com" }),
    paragraph("c ", code(` ${text} `), " d"),
    codeBlock(`a${"\n".repeat(300_000)}b\n\n`),
  ));
  assertStringIncludesAll(md, [
    `lead a${SPACES}b\n\n`,
    `**a${SPACES}b**\n\n`,
    `[xa${SPACES}b](https://example.com)\n\n`,
    `c \`  a${SPACES}b  \` d\n\n`,
    `\`\`\`\na${"\n".repeat(300_000)}b\n\`\`\`\n\n`,
  ]);
  assertEquals(outerSpace(`  ${text}\n `), ["  ", text, "\n "]);
  assertEquals(outerSpace(SPACES), [SPACES, "", ""]);
  assertStrictEquals(normalizeCode(`\n\n${text}\n\n`), text);
});

Deno.test("linear time: an escalation whose blocker has 300 000 inner blanks", () => {
  const blocker = `tests${SPACES}fail`;
  const d = escalationDoc(dayOf({ gate: `gate_decision: ${blocker}\n` }), blocker);
  const md = toMarkdown(d);
  assertMatch(md, /^\*\*Blocker:\*\* tests {9995}… \(290009 more characters not shown\)$/m);
  assertStrictEquals(escalationTitle(1, blocker), "[PACE HOLD] Day 1 — tests fail");
  assert(md.length < 100_000, `${md.length}`);
});

function assertStringIncludesAll(text: string, parts: string[]): void {
  for (const part of parts) {
    assert(text.includes(part), `missing ${JSON.stringify(part.slice(0, 40))}…`);
  }
}

// ---------------------------------------------------------------------------
// What a forge would act on

/** GitHub's, Gitea's and GitLab's (default pattern) closing references, generously. */
const CLOSES =
  /(?<![\p{L}\p{N}_])(?:clos(?:e[sd]?|ing)|fix(?:e[sd]|ing)?|resolv(?:e[sd]?|ing)|implement(?:s|ed|ing)?)\s*:?\s*(?:issues?\s+)?(?:[\w.\/-]*#\d|gh-\d|https?:\/\/\S*\/issues\/\d|[A-Z][A-Z0-9_]+-\d)/iu;

const CLOSING_TEXTS = [
  "Fixes #7",
  "fixes: #7",
  "Closes octo-org/octo-repo#7",
  "closed group/sub/project#7",
  "Resolves https://github.com/o/r/issues/7",
  "resolved   #7",
  "Closes issue #7",
  "Closing #7, #8 and #9",
  "Implements ABC-7",
  "FIX GH-7",
  "fixes\n#7",
];

Deno.test("closing keywords: agent text in a PR or issue closes nothing", () => {
  const bodies = [
    toMarkdown(reviewPrDoc(review(CLOSING_TEXTS), CLOSING_TEXTS.join("\n"))),
    toMarkdown(escalationDoc(dayOf({}), CLOSING_TEXTS.join(" "))),
    toMarkdown(handoffDoc(1, undefined, CLOSING_TEXTS.join("\n"))),
  ];
  for (const md of bodies) {
    assertNotMatch(md, CLOSES);
    // It reads the same: only a zero-width space went in.
    assert(md.replaceAll(ZWSP, "").includes("Fixes #7"), md);
  }
  // Spans side by side, code included.
  const spans = toMarkdown(
    doc(paragraph("Fixes", " ", code("#7")), paragraph(strong("Fixes "), "#7")),
  );
  assertNotMatch(spans.replace(/[`*]/g, ""), CLOSES);
});

Deno.test("closing keywords: ordinary text is left as it is", () => {
  const text = "Fixed the flaky test; prefixes #7 stay; fix # later; a fix for #x";
  const md = toMarkdown(reviewPrDoc(review([text])));
  assert(md.includes(`Day 2: ${text}`), md);
  assert(!md.includes(ZWSP), md);
});

/** A mention GitHub, GitLab or Gitea would notify. */
const MENTION = /(?<![A-Za-z0-9_])@[A-Za-z0-9_]/;

Deno.test("mentions: agent text notifies nobody, e-mail addresses and code stay", () => {
  const text = "ask @someone, @org/team and (@all); mail dev@example.com";
  const md = toMarkdown(reviewPrDoc(review([text]), `cc @lead\n@first-line`));
  const prose = md.replace(/`[^`]*`/g, "");
  assertNotMatch(prose, MENTION);
  assert(md.includes("dev@example.com"), md);
  assert(md.replaceAll(ZWSP, "").includes("ask @someone, @org/team and (@all)"), md);
  const inCode = toMarkdown(
    doc(paragraph(code("@decorator")), codeBlock("@decorator\ndef f(): ...")),
  );
  assert(inCode.includes("`@decorator`") && inCode.includes("\n@decorator\n"), inCode);
});

Deno.test("images and links in agent text are shown as text", () => {
  const texts = [
    "![x](https://evil.example/pixel.png)",
    "[click](https://evil.example/)",
    "<img src=https://evil.example/p.png>",
    "<https://evil.example/>",
    "![x]\\(https://evil.example/escaped.png)",
  ];
  const md = toMarkdown(reviewPrDoc(review(texts), texts.join("\n")));
  assertNotMatch(md, /!?\[[^\]]*\]\(/);
  assertNotMatch(md, /(?<!\\)<(?:img|https?:)/);
  // Spans side by side cannot make one either.
  const joined = toMarkdown(doc(
    paragraph(strong("[x]"), "(https://evil.example/)"),
    paragraph("look!", { text: "docs", href: "https://example.com/a.png" }),
  ));
  assertNotMatch(joined, /\]\(https:\/\/evil/);
  assertNotMatch(joined, /!\[docs\]/);
  assert(joined.includes("[docs](https://example.com/a.png)"), joined);
});

Deno.test("GitLab quick actions on a line of their own do not act", () => {
  const md = toMarkdown(handoffDoc(1, {
    commit: "abc",
    summary: "done\n/close\n  /label ~x",
    files: [],
    deferred: ["/reopen"],
  }, ""));
  assertNotMatch(md, /^\s*(?:- )?\/[a-z]/m);
  assert(md.includes("\\/close"), md);
});

// ---------------------------------------------------------------------------
// Bounds

Deno.test("bounds: every field an agent writes is cut, with a note", () => {
  const huge = "w".repeat(1_000_000);
  const d = escalationDoc(
    dayOf({
      story: `target: ${huge}\nacceptance:\n  - ${huge}\n`,
      handoff: `summary: ${huge}\n`,
      gate: `gate_decision: HOLD\nhold_reason: ${huge}\n`,
      conduit: huge,
    }),
    huge,
  );
  const md = toMarkdown(d);
  assert(md.length < 200_000, `escalation body is ${md.length}`);
  assertMatch(md, /^\*\*Blocker:\*\* w{10000}… \(990000 more characters not shown\)$/m);
  assertMatch(md, /^… \(950000 more characters not shown\)$/m);
  assertStrictEquals(d.title.length, escalationTitlePrefix(1).length + 80);
  const story = storyDoc(1, { target: huge, acceptance: [], outOfScope: [] }, "");
  assert(story.title.length < 255);
});

Deno.test("bounds: a long list shows its first items and counts the rest, also when cut again", () => {
  const items = Array.from({ length: 5000 }, (_, i) => ({ id: `S-${i}`, finding: "x" }));
  const md = toMarkdown(advisoryDoc(1, "sentinel", items));
  assert(md.includes("- [S-999] x\n- … and 4000 more\n"), md.slice(-200));
  assert(!md.includes("[S-1000]"));
  const cut = toMarkdown(advisoryDoc(1, "sentinel", items), { maxLength: 4_000 });
  const shown = cut.split("\n").filter((line) => /^- \[S-\d+\]/.test(line)).length;
  const rest = Number(/^- … and (\d+) more$/m.exec(cut)?.[1]);
  assertStrictEquals(shown + rest, 5000);
  const many = toMarkdown(doc(list(Array.from({ length: 3 }, () => ["x"]))));
  assert(!many.includes("more"), many);
});
