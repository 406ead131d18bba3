/**
 * Every body PACE writes, built once as a small section model, and its
 * markdown rendering (GitHub, GitLab, Bitbucket, local files). A platform with
 * its own body format renders the same model with the shared steps exported
 * here (normalised spans and code, fitting a size limit); Jira does so in its
 * own folder.
 *
 * The builders (`reviewPrDoc`, `escalationDoc`, `advisoryDoc`, `storyDoc`,
 * `handoffDoc`) are the one place each body's wording lives; platforms only
 * pick a renderer. Text from artifacts is untrusted: each renderer escapes
 * it so that a stray `#`, `{code}` or `<!--` cannot change the structure of
 * the body, and an artifact that could not be parsed is quoted verbatim in a
 * code block so nothing is lost.
 *
 * @module
 */

import type { AdvisoryItem } from "../types.ts";
import {
  type ArtifactFile,
  type DayArtifacts,
  gateReport,
  type Handoff,
  handoffNote,
  holdReasonOf,
  isRecord,
  type ReviewSummary,
  type StoryCard,
  storyCard,
  toList,
  toText,
} from "./artifacts.ts";
import {
  advisoryTitle,
  agentTitle,
  ARTIFACT_FILES,
  cutCodePoints,
  EN_DASH,
  escalationTitle,
  marker,
  markerComment,
  reviewTitle,
  singleLine,
  storyTitle,
} from "./names.ts";

// ---------------------------------------------------------------------------
// The model

/** A run of text with optional formatting. */
export interface InlineSpan {
  /** The text, verbatim; renderers escape it. */
  text: string;
  /** Bold. */
  strong?: boolean;
  /** Monospace. Wins over `strong` (ADF cannot combine them). */
  code?: boolean;
  /** Link target; only `http:`, `https:` and `mailto:` are linked, others are shown as text. */
  href?: string;
}

/** Inline content: a plain string or a formatted span. */
export type Inline = string | InlineSpan;

/** A paragraph; newlines inside its text are kept as line breaks. */
export interface ParagraphBlock {
  /** Discriminant. */
  type: "paragraph";
  /** The paragraph's inline content. */
  content: Inline[];
}

/** A bullet list, one `Inline[]` per item. */
export interface ListBlock {
  /** Discriminant. */
  type: "list";
  /** The items. */
  items: Inline[][];
}

/** A verbatim block of text. */
export interface CodeBlock {
  /** Discriminant. */
  type: "code";
  /** The text, verbatim. */
  text: string;
  /** Highlighting language, e.g. `yaml`. */
  language?: string;
}

/** A block of a section. */
export type Block = ParagraphBlock | ListBlock | CodeBlock;

/** A section: an optional level-2 heading and its blocks. */
export interface Section {
  /** Heading text (one line); absent for an untitled lead section. */
  heading?: string;
  /** The section's blocks, in order. */
  blocks: Block[];
}

/** A body ready to render, with the title and marker that go with it. */
export interface RenderedDoc {
  /** The item's title (not part of the rendered body). */
  title: string;
  /** The item's marker, from `marker()`; markdown bodies end with it as a hidden comment. */
  marker: string;
  /** The body. */
  sections: Section[];
}

/** Options every renderer takes. */
export interface RenderOptions {
  /**
   * Largest acceptable output, in UTF-16 code units (for ADF: of its JSON).
   * Long verbatim blocks, long texts and long lists are cut first, then
   * trailing blocks are dropped, with a note saying so. Default: no limit.
   */
  maxLength?: number;
}

/** Options of {@linkcode toMarkdown}. */
export interface MarkdownOptions extends RenderOptions {
  /** Start the document with `# <title>` (for local files). Default `false`. */
  includeTitle?: boolean;
}

const paragraph = (...content: Inline[]): ParagraphBlock => ({ type: "paragraph", content });
const list = (items: Inline[][]): ListBlock => ({ type: "list", items });
const codeBlock = (text: string, language?: string): CodeBlock =>
  language ? { type: "code", text, language } : { type: "code", text };
const strong = (text: string): InlineSpan => ({ text, strong: true });
const code = (text: string): InlineSpan => ({ text, code: true });

// ---------------------------------------------------------------------------
// Shared normalisation

function safeHref(href: string | undefined): string | undefined {
  const value = href?.trim();
  if (!value || !/^(?:https?:|mailto:)/i.test(value)) return undefined;
  try {
    new URL(value);
    return value;
  } catch {
    return undefined;
  }
}

/**
 * Spans ready to render: newlines unified, empty spans dropped, an unusable
 * link shown as text, `code` winning over `strong`, and the paragraph's outer
 * whitespace trimmed (a leading blank would start an indented code block in
 * markdown; a trailing line break renders a stray backslash).
 */
export function normalizeInlines(inlines: Inline[]): InlineSpan[] {
  const spans: InlineSpan[] = [];
  for (const inline of inlines) {
    const span: InlineSpan = typeof inline === "string" ? { text: inline } : { ...inline };
    span.text = span.text.replace(/\r\n?/g, "\n");
    if (span.code) {
      span.text = span.text.replace(/\n/g, " ");
      delete span.strong;
    }
    if (span.href !== undefined) {
      const href = safeHref(span.href);
      if (href) span.href = href;
      else {
        const shown = span.href.trim();
        delete span.href;
        if (shown && shown !== span.text) {
          spans.push(span, { text: ` (${shown})` });
          continue;
        }
      }
    }
    if (span.href && span.text.trim() === "") span.text = span.href;
    // Whitespace cannot carry formatting (`** **` is not bold, `{{}}` is noise).
    if (span.text.trim() === "") {
      delete span.strong;
      delete span.code;
    }
    spans.push(span);
  }
  while (spans.length > 0) {
    spans[0].text = spans[0].text.replace(/^\s+/, "");
    if (spans[0].text !== "") break;
    spans.shift();
  }
  while (spans.length > 0) {
    const last = spans[spans.length - 1];
    last.text = last.text.replace(/\s+$/, "");
    if (last.text !== "") break;
    spans.pop();
  }
  return spans.filter((span) => span.text !== "");
}

/** A verbatim block's text with unified newlines and no leading or trailing blank lines. */
export function normalizeCode(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").replace(/^\n+/, "");
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

// ---------------------------------------------------------------------------
// Fitting a size limit

const SHRINK_STEPS = [8000, 4000, 2000, 1000, 500, 200, 80];
const TRUNCATION_NOTE = "(Truncated to fit the platform's size limit.)";

function clampText(text: string, limit: number): string {
  const cut = cutCodePoints(text, limit);
  return cut === text ? text : `${cut}\u2026`;
}

function clampDoc(doc: RenderedDoc, limit: number): RenderedDoc {
  const clampInline = (inline: Inline): Inline =>
    typeof inline === "string"
      ? clampText(inline, limit)
      : { ...inline, text: clampText(inline.text, limit) };
  const maxItems = Math.max(5, Math.floor(limit / 20));
  const clampBlock = (block: Block): Block => {
    switch (block.type) {
      case "paragraph":
        return { ...block, content: block.content.map(clampInline) };
      case "list": {
        const items = block.items.slice(0, maxItems).map((item) => item.map(clampInline));
        const rest = block.items.length - items.length;
        if (rest > 0) items.push([`\u2026 and ${rest} more`]);
        return { ...block, items };
      }
      case "code": {
        const cut = cutCodePoints(block.text, limit);
        if (cut === block.text) return block;
        const rest = block.text.length - cut.length;
        return { ...block, text: `${cut}\n\u2026 (${rest} more characters not shown)` };
      }
    }
  };
  return {
    ...doc,
    sections: doc.sections.map((s) => ({ ...s, blocks: s.blocks.map(clampBlock) })),
  };
}

function withoutTail(doc: RenderedDoc, drop: number): RenderedDoc {
  const sections: Section[] = [];
  let remaining = drop;
  for (let i = doc.sections.length - 1; i >= 0; i--) {
    const section = doc.sections[i];
    const keep = Math.max(0, section.blocks.length - remaining);
    remaining -= section.blocks.length - keep;
    // The lead section (the blocker, the summary) survives as long as anything does.
    if (keep > 0 || i === 0) {
      sections.unshift({ ...section, blocks: section.blocks.slice(0, keep) });
    }
  }
  sections.push({ blocks: [paragraph(TRUNCATION_NOTE)] });
  return { ...doc, sections };
}

/**
 * Render `doc`, shrinking it until the output's `size` is at most
 * `maxLength`: long texts, lists and verbatim blocks are cut first, then
 * trailing blocks are dropped behind a note saying so.
 */
export function fit<T>(
  doc: RenderedDoc,
  render: (doc: RenderedDoc) => T,
  size: (output: T) => number,
  maxLength: number | undefined,
): T {
  let output = render(doc);
  if (maxLength === undefined || size(output) <= maxLength) return output;
  let clamped = doc;
  for (const limit of SHRINK_STEPS) {
    clamped = clampDoc(doc, limit);
    output = render(clamped);
    if (size(output) <= maxLength) return output;
  }
  const total = clamped.sections.reduce((n, s) => n + s.blocks.length, 0);
  for (let drop = 1; drop <= total; drop++) {
    output = render(withoutTail(clamped, drop));
    if (size(output) <= maxLength) return output;
  }
  return output;
}

// ---------------------------------------------------------------------------
// Markdown

/** Backslash-escape what would change a markdown line's meaning. */
function escapeMarkdownLine(line: string, atLineStart: boolean): string {
  let out = line
    // A backslash before punctuation or at the end of a line is markup; double it.
    .replace(/\\(?=[!-/:-@[-`{-~]|$)/g, "\\\\")
    // Raw HTML (`<!--` would hide the rest of the body) and entities.
    .replace(/</g, "\\<")
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, "\\&");
  if (atLineStart) {
    out = out
      // Headings, quotes, bullets, setext underlines, rules, tables, fences.
      .replace(/^(\s*)([#>+\-*=_|~`])/, "$1\\$2")
      // Ordered list markers.
      .replace(/^(\s*\d{1,9})([.)])/, "$1\\$2")
      // A link reference definition would swallow the line.
      .replace(/^(\s*)\[([^\]]*)\]:/, "$1\\[$2]:");
  }
  return out;
}

function escapeMarkdown(text: string, atLineStart: boolean): string {
  return text.split("\n").map((line, i) => escapeMarkdownLine(line, atLineStart || i > 0))
    .join("\n");
}

function markdownCodeSpan(text: string): string {
  const fence = "`".repeat(longestRun(text, "`") + 1);
  const pad = /^`|`$/.test(text) || (/^ .*[^ ].* $/.test(text)) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

function markdownUrl(href: string): string {
  // encodeURIComponent leaves parentheses alone, and they end a markdown link.
  return href.replace(
    /[\s()<>]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/** Inline content as markdown; newlines become hard breaks, continuation lines get `indent`. */
function markdownInlines(inlines: Inline[], indent: string): string {
  let out = "";
  for (const span of normalizeInlines(inlines)) {
    const atLineStart = out === "" || out.endsWith("\n");
    let piece: string;
    if (span.code) {
      piece = markdownCodeSpan(span.text);
      if (span.href) piece = `[${piece}](${markdownUrl(span.href)})`;
    } else if (span.strong || span.href) {
      // Emphasis cannot open or close next to whitespace: keep it outside.
      const [, lead, inner, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(span.text) ?? ["", "", "", ""];
      let text = escapeMarkdown(inner.replace(/\n/g, " "), false);
      if (span.strong) text = text.replace(/\*/g, "\\*");
      if (span.href) {
        text = `[${text.replace(/[[\]]/g, "\\$&")}](${markdownUrl(span.href)})`;
      }
      if (span.strong) text = `**${text}**`;
      piece = `${escapeMarkdown(lead, atLineStart)}${text}${trail.replace(/\n/g, " ")}`;
    } else {
      piece = escapeMarkdown(span.text, atLineStart);
    }
    out += piece;
  }
  // Every remaining newline came from text: keep it as a hard line break.
  return out.split("\n").join(`\\\n${indent}`);
}

function markdownBlock(block: Block): string {
  switch (block.type) {
    case "paragraph":
      return markdownInlines(block.content, "");
    case "list":
      return block.items.map((item) => markdownInlines(item, "  "))
        .filter((text) => text !== "")
        .map((text) => `- ${text}`)
        .join("\n");
    case "code": {
      const text = normalizeCode(block.text);
      if (text.trim() === "") return "";
      const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
      const language = (block.language ?? "").replace(/[^\w+#.-]/g, "");
      return `${fence}${language}\n${text}\n${fence}`;
    }
  }
}

function markdownHeading(level: number, text: string): string {
  const escaped = escapeMarkdown(singleLine(text), false).replace(/(\s)(#+)$/, "$1\\$2");
  return escaped ? `${"#".repeat(level)} ${escaped}` : "";
}

function renderMarkdown(doc: RenderedDoc, includeTitle: boolean): string {
  const parts: string[] = [];
  if (includeTitle) parts.push(markdownHeading(1, doc.title));
  for (const section of doc.sections) {
    const blocks = section.blocks.map(markdownBlock).filter((text) => text !== "");
    if (section.heading !== undefined) parts.push(markdownHeading(2, section.heading));
    parts.push(...blocks);
  }
  parts.push(markerComment(doc.marker));
  return parts.filter((part) => part !== "").join("\n\n") + "\n";
}

/**
 * Render as markdown: `## Heading` sections, `- item` lists, fenced code,
 * and the hidden marker comment `<!-- pace:… -->` as the last line.
 */
export function toMarkdown(doc: RenderedDoc, options: MarkdownOptions = {}): string {
  return fit(
    doc,
    (d) => renderMarkdown(d, options.includeTitle ?? false),
    (text) => text.length,
    options.maxLength,
  );
}

// ---------------------------------------------------------------------------
// The bodies

function itemsList(items: string[], none: string): Block {
  return items.length > 0 ? list(items.map((item) => [item])) : paragraph(none);
}

/** Fields of a mapping the typed view does not show, so none is silently dropped. */
function otherFields(data: Record<string, unknown> | undefined, known: string[]): Block[] {
  if (!data) return [];
  const rest = Object.entries(data).filter(([key]) => !known.includes(key));
  if (rest.length === 0) return [];
  return [
    paragraph(strong("Other fields:")),
    list(rest.map(([key, value]) => [code(key), `: ${toText(value)}`])),
  ];
}

/** What a file that yielded no usable mapping still offers: its problem and its raw text. */
function unusable(file: ArtifactFile, missing: string, noContent: string): Block[] {
  if (!file.exists) return [paragraph(missing)];
  const problem = file.problem ?? `${file.name} ${noContent}`;
  if (file.raw.trim() === "") return [paragraph(`${problem}.`)];
  return [
    paragraph(`${problem}. Its text follows verbatim:`),
    codeBlock(file.raw, file.format === "yaml" ? "yaml" : undefined),
  ];
}

function daysText(start: number, last: number): string {
  return start === last ? `Day ${start}` : `Days ${start}${EN_DASH}${last}`;
}

/** The review PR body for the period `[review.start, review.day)`. */
export function reviewPrDoc(review: ReviewSummary, contextNote?: string): RenderedDoc {
  const { start, day } = review;
  const lead: Block[] = [];
  if (review.days.length === 0) {
    lead.push(
      paragraph(`No days are awaiting review yet: this review period starts on day ${start}.`),
    );
  } else {
    const range = daysText(start, day - 1);
    lead.push(
      paragraph(
        `${range} awaiting review: ${review.shipped} shipped, ${review.other} held/other.`,
      ),
    );
  }
  const sections: Section[] = [{ blocks: lead }];
  if (review.days.length > 0) {
    sections.push({
      heading: "Gate decisions",
      blocks: [list(review.days.map((d) => [`Day ${d.day}: `, strong(d.decision)]))],
    });
  }
  sections.push({
    heading: "Deferred items",
    blocks: [
      itemsList(review.deferred.map((d) => `Day ${d.day}: ${d.item}`), "No deferred items."),
    ],
  });
  if (contextNote !== undefined && contextNote.trim() !== "") {
    sections.push({ heading: "Context", blocks: [paragraph(contextNote)] });
  }
  if (review.problems.length > 0) {
    sections.push({
      heading: "Unreadable gate reports",
      blocks: [
        paragraph("These days are counted as UNKNOWN:"),
        itemsList(review.problems, ""),
      ],
    });
  }
  const approve = review.days.length > 0 ? daysText(start, day - 1).toLowerCase() : "the period";
  sections.push({
    heading: "How to review",
    blocks: [list([
      [strong("Approve:"), ` merge this pull request to accept ${approve}; PACE continues.`],
      [strong("Reject:"), " close it without merging; PACE stays on hold."],
    ])],
  });
  return { title: reviewTitle(start, day), marker: marker("review", day), sections };
}

function storySection(day: number, file: ArtifactFile): Block[] {
  const card = storyCard(file);
  if (!card) {
    return unusable(
      file,
      `No story card for day ${day}.`,
      "has no target or acceptance criteria",
    );
  }
  return [
    paragraph(strong("Target:"), " ", card.target || "(none)"),
    paragraph(strong("Acceptance criteria:")),
    itemsList(card.acceptance, "None listed."),
    paragraph(strong("Out of scope:")),
    itemsList(card.outOfScope, "None listed."),
    ...otherFields(file.data, [
      "target",
      "acceptance",
      "acceptance_criteria",
      "out_of_scope",
      "outOfScope",
    ]),
  ];
}

function handoffBlocks(handoff: Handoff): Block[] {
  return [
    paragraph(strong("Summary:")),
    paragraph(handoff.summary || "(none)"),
    paragraph(strong("Commit:"), " ", handoff.commit ? code(handoff.commit) : "(none)"),
    paragraph(strong("Files:")),
    handoff.files.length > 0
      ? list(handoff.files.map((f) => [code(f)]))
      : paragraph("None listed."),
    paragraph(strong("Deferred:")),
    itemsList(handoff.deferred, "Nothing deferred."),
  ];
}

function handoffSection(day: number, file: ArtifactFile): Block[] {
  const note = handoffNote(file);
  if (!note) return unusable(file, `No handoff note for day ${day}.`, "has no summary or commit");
  return [
    ...handoffBlocks(note),
    ...otherFields(file.data, ["commit", "summary", "files", "deferred"]),
  ];
}

function gateSection(day: number, file: ArtifactFile): Block[] {
  if (!file.data) return unusable(file, `No gate report for day ${day}.`, "holds no mapping");
  const report = gateReport(file);
  return [
    paragraph(strong("Decision:"), " ", (report.gate_decision ?? "").trim() || "UNKNOWN"),
    paragraph(strong("Hold reason:"), " ", report.hold_reason?.trim() || "(none)"),
    paragraph(strong("Deferred:")),
    itemsList(toList(report.deferred), "Nothing deferred."),
    ...otherFields(file.data, ["gate_decision", "hold_reason", "deferred"]),
  ];
}

function agentSection(day: number, label: string, file: ArtifactFile): Block[] {
  if (!file.exists) return [paragraph(strong(`${label}:`), ` no report for day ${day}.`)];
  const reason = holdReasonOf(file);
  const blocks: Block[] = [
    paragraph(strong(`${label}:`), " ", reason ? `hold_reason: ${reason}` : "no hold reason."),
  ];
  if (file.problem) blocks.push(paragraph(`${file.problem}.`));
  if (file.raw.trim() !== "") {
    blocks.push(codeBlock(file.raw, file.format === "yaml" ? "yaml" : undefined));
  }
  return blocks;
}

/** The escalation body of a HELD day; `blocker` comes from `findBlocker`. */
export function escalationDoc(day: DayArtifacts, blocker: string): RenderedDoc {
  const n = day.day;
  return {
    title: escalationTitle(n, blocker),
    marker: marker("hold", n),
    sections: [
      {
        blocks: [
          paragraph(strong("Blocker:"), " ", blocker),
          paragraph(`PACE held day ${n}. The sprint waits until the blocker is resolved.`),
        ],
      },
      { heading: "Story card", blocks: storySection(n, day.story) },
      { heading: "Handoff", blocks: handoffSection(n, day.handoff) },
      { heading: "Gate report", blocks: gateSection(n, day.gate) },
      {
        heading: "Agent reports",
        blocks: [
          ...agentSection(n, "SENTINEL", day.sentinel),
          ...agentSection(n, "CONDUIT", day.conduit),
        ],
      },
      {
        heading: "How to resume",
        blocks: [list([
          ["Fix the blocker above (see the agent reports for detail)."],
          [`Re-run day ${n} of the PACE pipeline.`],
          ["Close this issue once the day ships."],
        ])],
      },
    ],
  };
}

function advisoryLine(item: unknown): string {
  const record = isRecord(item) ? item : { finding: item };
  const id = singleLine(toText(record.id)) || "?";
  const finding = singleLine(toText(record.finding)) || "?";
  const extra: string[] = [];
  const raised = singleLine(toText(record.day_raised));
  if (raised) extra.push(`raised day ${raised}`);
  const status = singleLine(toText(record.status));
  if (status) extra.push(`status: ${status}`);
  return `[${id}] ${finding}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}

/** The advisory body: one `[id] finding` line per finding. */
export function advisoryDoc(day: number, agent: string, items: AdvisoryItem[]): RenderedDoc {
  return {
    title: advisoryTitle(day, agent, items.length),
    marker: marker("advisory", day, agent),
    sections: [
      {
        blocks: [
          paragraph(`${agentTitle(agent)} raised ${items.length} finding(s) on day ${day}.`),
          itemsList(items.map(advisoryLine), "No findings."),
        ],
      },
    ],
  };
}

/** The story ticket body: target, acceptance criteria, out of scope. */
export function storyDoc(day: number, card: StoryCard | undefined, raw: string): RenderedDoc {
  const sections: Section[] = [];
  if (card) {
    sections.push(
      { blocks: [paragraph(strong("Target:"), " ", card.target || "(none)")] },
      { heading: "Acceptance criteria", blocks: [itemsList(card.acceptance, "None listed.")] },
      { heading: "Out of scope", blocks: [itemsList(card.outOfScope, "None listed.")] },
    );
  } else if (raw.trim() !== "") {
    sections.push({
      blocks: [
        paragraph(`The story card for day ${day} is not a usable YAML mapping. Its text:`),
        codeBlock(raw),
      ],
    });
  } else {
    sections.push({ blocks: [paragraph(`No story card for day ${day}.`)] });
  }
  sections.push({
    blocks: [paragraph("Mirrored by PACE from ", code(`day-${day}/${ARTIFACT_FILES.story}`), ".")],
  });
  return { title: storyTitle(day, card?.target ?? ""), marker: marker("story", day), sections };
}

/** The handoff comment posted on the story ticket. */
export function handoffDoc(day: number, handoff: Handoff | undefined, raw: string): RenderedDoc {
  const blocks: Block[] = handoff ? handoffBlocks(handoff) : raw.trim() !== ""
    ? [
      paragraph(`The handoff note for day ${day} is not a usable YAML mapping. Its text:`),
      codeBlock(raw),
    ]
    : [paragraph(`No handoff note for day ${day}.`)];
  return {
    title: `Day ${day} handoff`,
    marker: marker("handoff", day),
    sections: [{ heading: `Handoff ${EN_DASH} day ${day}`, blocks }],
  };
}
