/**
 * The body builders and their three renderings: markdown, Atlassian Document
 * Format and Jira wiki markup. Escaping is tested where artifact text could
 * otherwise change a body's structure.
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStrictEquals,
  assertStringIncludes,
} from "./_assert.ts";
import {
  type ArtifactFile,
  type DayArtifacts,
  parseArtifactText,
  type ReviewSummary,
} from "../platforms/_pace/artifacts.ts";
import type { RenderedDoc } from "../platforms/_pace/render.ts";
import { toMarkdown } from "../platforms/_pace/markdown.ts";
import {
  advisoryDoc,
  escalationDoc,
  handoffDoc,
  reviewPrDoc,
  storyDoc,
} from "../platforms/_pace/bodies.ts";
import { toAdf } from "../platforms/jira/adf.ts";
import { toJiraWiki } from "../platforms/jira/wiki.ts";

// ---------------------------------------------------------------------------
// A small ADF validator: node types, allowed children, attrs, marks.

const INLINE = new Set(["text", "hardBreak"]);
const CHILDREN: Record<string, Set<string>> = {
  doc: new Set(["paragraph", "heading", "bulletList", "codeBlock"]),
  paragraph: INLINE,
  heading: INLINE,
  bulletList: new Set(["listItem"]),
  listItem: new Set(["paragraph", "bulletList", "codeBlock"]),
  codeBlock: new Set(["text"]),
};
const KEYS: Record<string, string[]> = {
  doc: ["version", "type", "content"],
  paragraph: ["type", "content"],
  heading: ["type", "attrs", "content"],
  bulletList: ["type", "content"],
  listItem: ["type", "content"],
  codeBlock: ["type", "attrs", "content"],
  text: ["type", "text", "marks"],
  hardBreak: ["type"],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every problem with an ADF node, as `path: message` lines. */
function adfProblems(node: unknown, path = "doc", parent?: string): string[] {
  if (!isObject(node)) return [`${path}: not an object`];
  const type = node.type;
  if (typeof type !== "string" || !(type in KEYS)) return [`${path}: unknown type ${type}`];
  const problems: string[] = [];
  for (const key of Object.keys(node)) {
    if (!KEYS[type].includes(key)) problems.push(`${path}: unexpected key ${key}`);
  }
  if (type === "doc" && (node.version !== 1 || parent !== undefined)) {
    problems.push(`${path}: doc must be the root, version 1`);
  }
  if (type === "heading") {
    const level = isObject(node.attrs) ? node.attrs.level : undefined;
    if (typeof level !== "number" || level < 1 || level > 6) problems.push(`${path}: bad level`);
  }
  if (type === "codeBlock" && node.attrs !== undefined) {
    if (!isObject(node.attrs) || Object.keys(node.attrs).some((k) => k !== "language")) {
      problems.push(`${path}: bad codeBlock attrs`);
    } else if (typeof node.attrs.language !== "string") {
      problems.push(`${path}: language must be a string`);
    }
  }
  if (type === "text") {
    if (typeof node.text !== "string" || node.text === "") problems.push(`${path}: empty text`);
    if (node.marks !== undefined) {
      if (!Array.isArray(node.marks)) return [...problems, `${path}: marks not a list`];
      if (parent === "codeBlock") problems.push(`${path}: marks inside a codeBlock`);
      const types = node.marks.map((m) => isObject(m) ? m.type : undefined);
      for (const mark of node.marks) {
        if (!isObject(mark)) problems.push(`${path}: mark not an object`);
        else if (mark.type === "link") {
          if (!isObject(mark.attrs) || typeof mark.attrs.href !== "string") {
            problems.push(`${path}: link without href`);
          }
        } else if (mark.type !== "strong" && mark.type !== "code") {
          problems.push(`${path}: unknown mark ${String(mark.type)}`);
        }
      }
      if (new Set(types).size !== types.length) problems.push(`${path}: duplicate marks`);
      if (types.includes("code") && types.some((t) => t !== "code" && t !== "link")) {
        problems.push(`${path}: code combined with ${types.join("+")}`);
      }
    }
    return problems;
  }
  if (type === "hardBreak") return problems;
  const content = node.content;
  if (!Array.isArray(content)) return [...problems, `${path}: content must be a list`];
  if ((type === "bulletList" || type === "listItem") && content.length === 0) {
    problems.push(`${path}: ${type} must not be empty`);
  }
  if (type === "codeBlock" && content.length > 1) problems.push(`${path}: one text child only`);
  content.forEach((child, i) => {
    const childPath = `${path}/${type}[${i}]`;
    const childType = isObject(child) ? child.type : undefined;
    if (typeof childType !== "string" || !CHILDREN[type]?.has(childType)) {
      problems.push(`${childPath}: ${String(childType)} not allowed in ${type}`);
      return;
    }
    problems.push(...adfProblems(child, childPath, type));
  });
  return problems;
}

function assertValidAdf(doc: RenderedDoc): void {
  const adf = toAdf(doc);
  assertEquals(adfProblems(adf), []);
  assertStrictEquals(adf.type, "doc");
  assert(adf.content.length > 0, "ADF document is empty");
}

function adfText(node: unknown): string {
  if (!isObject(node)) return "";
  if (node.type === "text") return String(node.text);
  if (node.type === "hardBreak") return "\n";
  const content = Array.isArray(node.content) ? node.content : [];
  const sep = node.type === "paragraph" || node.type === "heading" ? "" : "\n";
  return content.map(adfText).join(sep);
}

Deno.test("the ADF validator itself rejects bad documents", () => {
  assertEquals(adfProblems({ version: 1, type: "doc", content: [] }), []);
  const bad = {
    version: 1,
    type: "doc",
    content: [
      { type: "paragraph", content: [{ type: "text", text: "" }] },
      { type: "bulletList", content: [{ type: "paragraph", content: [] }] },
      {
        type: "paragraph",
        content: [{ type: "text", text: "x", marks: [{ type: "code" }, { type: "strong" }] }],
      },
      { type: "text", text: "loose" },
    ],
  };
  const problems = adfProblems(bad);
  assertStrictEquals(problems.length, 4, problems.join("\n"));
});

// ---------------------------------------------------------------------------
// Fixtures

function artifact(name: string, raw: string | undefined): ArtifactFile {
  if (raw === undefined) {
    return {
      name,
      path: name,
      exists: false,
      raw: "",
      data: undefined,
      problem: `${name} not found`,
    };
  }
  return { name, path: name, exists: true, raw, ...parseArtifactText(name, raw) };
}

function dayArtifacts(files: Partial<Record<keyof DayArtifacts, string>>): DayArtifacts {
  return {
    day: 3,
    dayDir: ".pace/day-3",
    story: artifact("story.md", files.story),
    handoff: artifact("handoff.md", files.handoff),
    gate: artifact("gate.md", files.gate),
    sentinel: artifact("sentinel.md", files.sentinel),
    conduit: artifact("conduit.md", files.conduit),
  };
}

const FULL_DAY = dayArtifacts({
  story:
    "target: Add login\nacceptance:\n  - user logs in\n  - session persists\nout_of_scope:\n  - SSO\n",
  handoff: "commit: abc1234\nsummary: |\n  Built the form.\n  Tests pass.\nfiles:\n  - login.ts\n",
  gate: "gate_decision: HOLD\nhold_reason: tests fail on CI\ndeferred:\n  - error copy\n",
  sentinel: "hold_reason: token in logs\nfindings: 2\n",
  conduit: "Conduit saw nothing odd.\n",
});

const REVIEW: ReviewSummary = {
  start: 1,
  day: 4,
  days: [
    { day: 1, decision: "SHIP", deferred: [] },
    { day: 2, decision: "HOLD", deferred: ["retry logic"] },
    { day: 3, decision: "UNKNOWN", deferred: [] },
  ],
  shipped: 1,
  other: 2,
  deferred: [{ day: 2, item: "retry logic" }],
  problems: ["Day 3: gate.md is not valid YAML (line 1, column 5): bad"],
};

function lastLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines[lines.length - 1];
}

// ---------------------------------------------------------------------------
// Builders × renderers

Deno.test("reviewPrDoc: title, counts, days, deferred, context, problems", () => {
  const doc = reviewPrDoc(REVIEW, "Release is Friday.\nKeep it small.");
  assertStrictEquals(doc.title, "[PACE Review Gate] Days 1–4");
  assertStrictEquals(doc.marker, "pace:review:day-4");
  const md = toMarkdown(doc);
  assertStringIncludes(md, "Days 1–3 awaiting review: 1 shipped, 2 held/other.");
  assertStringIncludes(md, "- Day 1: **SHIP**\n- Day 2: **HOLD**\n- Day 3: **UNKNOWN**");
  assertStringIncludes(md, "## Deferred items\n\n- Day 2: retry logic");
  assertStringIncludes(md, "## Context\n\nRelease is Friday.\\\nKeep it small.");
  assertStringIncludes(md, "Day 3: gate.md is not valid YAML");
  assertStringIncludes(md, "## How to review");
  assertStringIncludes(md, "merge this pull request");
  assertStrictEquals(lastLine(md), "<!-- pace:review:day-4 -->");
  assertValidAdf(doc);
  const wiki = toJiraWiki(doc);
  assertStringIncludes(wiki, "h2. Context");
  assertStringIncludes(wiki, "* Day 1: *SHIP*");
  assertStringIncludes(wiki, "Release is Friday.\nKeep it small.");
  assertNotMatch(wiki, /pace:review/);
});

Deno.test("reviewPrDoc: no days yet, no deferred items, no context", () => {
  const doc = reviewPrDoc(
    { start: 15, day: 15, days: [], shipped: 0, other: 0, deferred: [], problems: [] },
    "   ",
  );
  assertStrictEquals(doc.title, "[PACE Review Gate] Days 15–15");
  const md = toMarkdown(doc);
  assertStringIncludes(md, "No days are awaiting review yet");
  assertStringIncludes(md, "No deferred items.");
  assertNotMatch(md, /## Context/);
  assertNotMatch(md, /Days 15–14/);
  const single = toMarkdown(reviewPrDoc({ ...REVIEW, start: 15, day: 16, days: [REVIEW.days[0]] }));
  assertStringIncludes(single, "Day 15 awaiting review");
  assertValidAdf(doc);
});

Deno.test("escalationDoc: the Blocker line and every artifact", () => {
  const doc = escalationDoc(FULL_DAY, "tests fail on CI");
  assertStrictEquals(doc.title, "[PACE HOLD] Day 3 — tests fail on CI");
  assertStrictEquals(doc.marker, "pace:hold:day-3");
  const md = toMarkdown(doc);
  assertMatch(md, /^\*\*Blocker:\*\* tests fail on CI$/m);
  for (
    const heading of ["Story card", "Handoff", "Gate report", "Agent reports", "How to resume"]
  ) {
    assertMatch(md, new RegExp(`^## ${heading}$`, "m"));
  }
  assertStringIncludes(md, "**Target:** Add login");
  assertStringIncludes(md, "- user logs in\n- session persists");
  assertStringIncludes(md, "Built the form.\\\nTests pass.");
  assertStringIncludes(md, "**Commit:** `abc1234`");
  assertStringIncludes(md, "**Decision:** HOLD");
  assertStringIncludes(md, "- error copy");
  assertStringIncludes(md, "**SENTINEL:** hold_reason: token in logs");
  // CONDUIT's prose is kept verbatim.
  assertStringIncludes(md, "```\nConduit saw nothing odd.\n```");
  assertStringIncludes(md, "Re-run day 3");
  assertStrictEquals(lastLine(md), "<!-- pace:hold:day-3 -->");
  assertValidAdf(doc);
  const adf = toAdf(doc);
  assertStrictEquals(adfText(adf.content[0]), "Blocker: tests fail on CI");
  const wiki = toJiraWiki(doc);
  assertMatch(wiki, /^\*Blocker:\* tests fail on CI$/m);
  assertStringIncludes(wiki, "h2. Story card");
  assertStringIncludes(wiki, "* user logs in");
  assertStringIncludes(wiki, "{noformat}\nConduit saw nothing odd.\n{noformat}");
});

Deno.test("escalationDoc: missing and unusable artifacts are named or quoted", () => {
  const day = dayArtifacts({
    gate: "gate_decision: [HOLD\n",
    handoff: "- a list\n",
  });
  const doc = escalationDoc(day, "Unknown — see agent reports below");
  const md = toMarkdown(doc);
  assertStringIncludes(md, "No story card for day 3.");
  assertStringIncludes(md, "handoff.md is a list, not a mapping. Its text follows verbatim:");
  assertStringIncludes(md, "```\n- a list\n```");
  assertStringIncludes(md, "gate.md is not valid YAML (line 2, column 1)");
  assertStringIncludes(md, "```\ngate_decision: [HOLD\n```");
  assertStringIncludes(md, "**SENTINEL:** no report for day 3.");
  assertMatch(md, /^\*\*Blocker:\*\* Unknown — see agent reports below$/m);
  assertValidAdf(doc);
  assertStringIncludes(toJiraWiki(doc), "{noformat}\n- a list\n{noformat}");
});

Deno.test("escalationDoc: a multi-line blocker keeps the word Blocker on its first line", () => {
  const doc = escalationDoc(FULL_DAY, "first line\n# second line");
  assertMatch(toMarkdown(doc), /^\*\*Blocker:\*\* first line\\\n\\# second line$/m);
  assertStrictEquals(doc.title, "[PACE HOLD] Day 3 — first line # second line");
  assertValidAdf(doc);
});

Deno.test("advisoryDoc: one `- [id] finding` line per finding", () => {
  const doc = advisoryDoc(4, "Sentinel", [
    { id: "S-1", finding: "Token logged in debug output" },
    { id: "S-2", finding: "Weak hash\nused", day_raised: 2, status: "open" },
    { id: "", finding: "" } as never,
    "bare string finding" as never,
  ]);
  assertStrictEquals(doc.title, "[PACE Advisory] SENTINEL Day 4 — 4 finding(s)");
  assertStrictEquals(doc.marker, "pace:advisory:day-4:sentinel");
  const md = toMarkdown(doc);
  const lines = md.split("\n");
  assert(lines.includes("- [S-1] Token logged in debug output"), md);
  assert(lines.includes("- [S-2] Weak hash used (raised day 2, status: open)"), md);
  assert(lines.includes("- [?] ?"), md);
  assert(lines.includes("- [?] bare string finding"), md);
  assertStrictEquals(lastLine(md), "<!-- pace:advisory:day-4:sentinel -->");
  assertValidAdf(doc);
  const adf = toAdf(doc);
  assertStringIncludes(adfText(adf), "[S-1] Token logged in debug output");
  const wiki = toJiraWiki(doc);
  assertStringIncludes(wiki, "* \\[S-1\\] Token logged in debug output");
});

Deno.test("storyDoc: target and acceptance criteria, or the raw card", () => {
  const card = { target: "Add login", acceptance: ["user logs in"], outOfScope: [] };
  const doc = storyDoc(3, card, "ignored");
  assertStrictEquals(doc.title, "[PACE Day 3] Add login");
  assertStrictEquals(doc.marker, "pace:story:day-3");
  const md = toMarkdown(doc);
  assertStringIncludes(md, "**Target:** Add login");
  assertStringIncludes(md, "## Acceptance criteria\n\n- user logs in");
  assertStringIncludes(md, "## Out of scope\n\nNone listed.");
  assertStrictEquals(lastLine(md), "<!-- pace:story:day-3 -->");
  assertValidAdf(doc);
  const wiki = toJiraWiki(doc);
  assertStringIncludes(wiki, "h2. Acceptance criteria\n\n* user logs in");

  const rawDoc = storyDoc(3, undefined, "Story: build things\n  - maybe");
  assertStrictEquals(rawDoc.title, "[PACE Day 3] Day 3 story");
  assertStringIncludes(toMarkdown(rawDoc), "```\nStory: build things\n  - maybe\n```");
  assertValidAdf(rawDoc);
  assertStringIncludes(toMarkdown(storyDoc(3, undefined, "")), "No story card for day 3.");
});

Deno.test("handoffDoc: the summary verbatim, multi-line kept", () => {
  const handoff = {
    commit: "abc1234",
    summary: "Built the form.\n\n- wired the API\n# done",
    files: ["src/login.ts"],
    deferred: [],
  };
  const doc = handoffDoc(3, handoff, "");
  assertStrictEquals(doc.marker, "pace:handoff:day-3");
  const md = toMarkdown(doc);
  assertStringIncludes(md, "Built the form.\\\n\\\n\\- wired the API\\\n\\# done");
  assertStringIncludes(md, "- `src/login.ts`");
  assertValidAdf(doc);
  const adf = toAdf(doc);
  assertStringIncludes(adfText(adf), "Built the form.\n\n- wired the API\n# done");
  const wiki = toJiraWiki(doc);
  assertStringIncludes(wiki, "Built the form.\n\n\\- wired the API\n&#35; done");
  assertStringIncludes(toMarkdown(handoffDoc(3, undefined, "")), "No handoff note for day 3.");
  assertStringIncludes(toMarkdown(handoffDoc(3, undefined, "odd: [")), "```\nodd: [\n```");
});

// ---------------------------------------------------------------------------
// Escaping and safety

function doc(...blocks: RenderedDoc["sections"][number]["blocks"]): RenderedDoc {
  return { title: "t", marker: "pace:story:day-1", sections: [{ blocks }] };
}

Deno.test("markdown: a code block's fence is longer than any backtick run inside", () => {
  const text = "before\n```\ninside\n````\nafter";
  const md = toMarkdown(doc({ type: "code", text, language: "yaml" }));
  assertStringIncludes(md, "`````yaml\n" + text + "\n`````");
  const plain = toMarkdown(doc({ type: "code", text: "no ticks" }));
  assertStringIncludes(plain, "```\nno ticks\n```");
});

Deno.test("markdown: code spans survive backticks", () => {
  const md = toMarkdown(doc({
    type: "paragraph",
    content: [{ text: "a`b", code: true }, " and ", { text: "`x`", code: true }],
  }));
  assertStringIncludes(md, "``a`b`` and `` `x` ``");
});

Deno.test("markdown: text cannot start blocks, open HTML or hide the marker", () => {
  const text = "# not a heading\n- not a list\n> not a quote\n1. not ordered\n---\n" +
    "<!-- hides the rest\n[ref]: http://x\n```\nplain \\*x\\";
  const md = toMarkdown(doc({ type: "paragraph", content: [text] }));
  const lines = md.split("\n");
  for (const line of lines.slice(0, 8)) {
    assertMatch(line, /^(\\|1\\\.)/, `line not escaped: ${line}`);
  }
  assertStringIncludes(md, "\\<!-- hides the rest");
  assertStringIncludes(md, "plain \\\\*x\\\\\n");
  assertStrictEquals(lastLine(md), "<!-- pace:story:day-1 -->");
  // Mid-line characters that cannot change the structure are left alone.
  const mid = toMarkdown(doc({ type: "paragraph", content: ["a - b # c > d [S-1] e"] }));
  assertStringIncludes(mid, "a - b # c > d [S-1] e");
});

Deno.test("markdown: strong, links, unsafe links and the title option", () => {
  const md = toMarkdown(
    doc({
      type: "paragraph",
      content: [
        { text: "bold*star", strong: true },
        " ",
        { text: "site [x]", href: "https://example.com/a b(c)" },
        " ",
        { text: "bad", href: "javascript:alert(1)" },
      ],
    }),
    { includeTitle: true },
  );
  assertStringIncludes(md, "**bold\\*star**");
  assertStringIncludes(md, "[site \\[x\\]](https://example.com/a%20b%28c%29)");
  assertStringIncludes(md, "bad (javascript:alert(1))");
  assertNotMatch(md, /\]\(javascript:/);
  assert(md.startsWith("# t\n\n"), md);
});

Deno.test("ADF: marks, code wins over strong, no empty text nodes", () => {
  const d = doc(
    {
      type: "paragraph",
      content: [
        "",
        { text: "both", strong: true, code: true },
        { text: "", strong: true },
        { text: "link", href: "https://example.com", strong: true },
        " line one\nline two",
      ],
    },
    { type: "list", items: [[""], ["item"]] },
    { type: "code", text: "" },
    { type: "code", text: "x: 1", language: "yaml" },
  );
  assertValidAdf(d);
  const adf = toAdf(d);
  assertEquals(adf.content[0], {
    type: "paragraph",
    content: [
      { type: "text", text: "both", marks: [{ type: "code" }] },
      {
        type: "text",
        text: "link",
        marks: [{ type: "strong" }, { type: "link", attrs: { href: "https://example.com" } }],
      },
      { type: "text", text: " line one" },
      { type: "hardBreak" },
      { type: "text", text: "line two" },
    ],
  });
  assertStrictEquals(adf.content.length, 3);
  assertEquals(adf.content[2], {
    type: "codeBlock",
    attrs: { language: "yaml" },
    content: [{ type: "text", text: "x: 1" }],
  });
});

Deno.test("wiki: specials are escaped where they would change meaning", () => {
  const wiki = toJiraWiki(doc({
    type: "paragraph",
    content: [
      "{code} [link] *bold* _em_ -del- a|b !img! ??cite?? snake_case S-1 C:\\path \\{x}\n" +
      "- item\n# numbered\nh1. heading\n* bullet\n----",
    ],
  }));
  const [first, ...rest] = wiki.trimEnd().split("\n");
  assertStrictEquals(
    first,
    "\\{code\\} \\[link\\] \\*bold\\* \\_em\\_ \\-del\\- a\\|b \\!img\\! &#63;&#63;cite&#63;&#63; " +
      "snake_case S-1 C:\\path &#92;\\{x\\}",
  );
  assertEquals(rest, [
    "\\- item",
    "&#35; numbered",
    "h1&#46; heading",
    "\\* bullet",
    "\\-\\-\\-\\-",
  ]);
});

Deno.test("wiki: URLs, links, monospace, strong inside words and emoticons", () => {
  const wiki = toJiraWiki(doc({
    type: "paragraph",
    content: [
      "see https://ci.example/run_1-2?x=a|b. ",
      { text: "docs", href: "https://example.com/a b" },
      " ",
      { text: "a}}b", code: true },
      " x",
      { text: "in", strong: true },
      "side (x) :)",
    ],
  }));
  assertStringIncludes(wiki, "see [https://ci.example/run_1-2?x=a]\\|b.");
  assertStringIncludes(wiki, "[docs|https://example.com/a%20b]");
  assertStringIncludes(wiki, "{{a\\}\\}b}}");
  assertStringIncludes(wiki, "x{*}in{*}side &#40;x) &#58;)");
});

Deno.test("multi-line list items stay one item; whitespace carries no formatting", () => {
  const d = doc(
    { type: "list", items: [["first\n- second", " ", { text: "  ", strong: true }], ["next"]] },
    { type: "paragraph", content: [{ text: " ", code: true }, { text: "", href: "https://x.io" }] },
  );
  const md = toMarkdown(d);
  assertStringIncludes(md, "- first\\\n  \\- second\n- next");
  assertNotMatch(md, /\*\*/);
  assertStringIncludes(md, "[https://x.io](https://x.io)");
  const wiki = toJiraWiki(d);
  assertStringIncludes(wiki, "* first \\\\ \\- second\n* next");
  assertNotMatch(wiki, /\{\{/);
  assertValidAdf(d);
});

Deno.test("wiki: code blocks never contain their own end tag", () => {
  assertStringIncludes(
    toJiraWiki(doc({ type: "code", text: "a: 1", language: "yaml" })),
    "{code:yaml}\na: 1\n{code}",
  );
  assertStringIncludes(
    toJiraWiki(doc({ type: "code", text: "x {code} y", language: "yaml" })),
    "{noformat}\nx {code} y\n{noformat}",
  );
  assertStringIncludes(
    toJiraWiki(doc({ type: "code", text: "x {noformat} y" })),
    "{code}\nx {noformat} y\n{code}",
  );
  const both = toJiraWiki(doc({ type: "code", text: "{code} and {noformat}" }));
  assertStrictEquals(both.match(/\{noformat\}/g)?.length, 2);
});

Deno.test("maxLength: long bodies are cut to fit, the marker survives", () => {
  const big = "x".repeat(50_000);
  const d = escalationDoc(
    dayArtifacts({ conduit: big, sentinel: big, gate: "gate_decision: HOLD\n" }),
    "blocker",
  );
  const md = toMarkdown(d, { maxLength: 10_000 });
  assert(md.length <= 10_000, `markdown is ${md.length}`);
  assertMatch(md, /^\*\*Blocker:\*\* blocker$/m);
  assertStrictEquals(lastLine(md), "<!-- pace:hold:day-3 -->");
  assertStringIncludes(md, "more characters not shown");
  const adf = toAdf(d, { maxLength: 8_000 });
  assert(JSON.stringify(adf).length <= 8_000);
  assertEquals(adfProblems(adf), []);
  const wiki = toJiraWiki(d, { maxLength: 600 });
  assert(wiki.length <= 600, `wiki is ${wiki.length}`);
  assertStringIncludes(wiki, "*Blocker:* blocker");
  assertStringIncludes(wiki, "Truncated to fit");
  // Without a limit nothing is cut.
  assertStringIncludes(toMarkdown(d), big);
  const many = advisoryDoc(
    1,
    "sentinel",
    Array.from({ length: 2000 }, (_, i) => ({ id: `S-${i}`, finding: "finding text" })),
  );
  const cut = toMarkdown(many, { maxLength: 4_000 });
  assert(cut.length <= 4_000);
  assertMatch(cut, /^- … and \d+ more$/m);
});
