/**
 * The section model every body PACE writes is built in, and the steps every
 * renderer shares: normalised spans and code, and fitting a size limit. The
 * bodies themselves are built in `bodies.ts`; markdown renders them in
 * `markdown.ts`, Jira's ADF and wiki markup in its own folder. Text from
 * artifacts is untrusted: each renderer escapes it, so a stray `#`, `{code}`
 * or `<!--` cannot change the structure of a body.
 *
 * @module
 */

import { cutCodePoints } from "./names.ts";

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

/** A paragraph block. */
export const paragraph = (...content: Inline[]): ParagraphBlock => ({ type: "paragraph", content });
/** A list block, one item per inline run. */
export const list = (items: Inline[][]): ListBlock => ({ type: "list", items });
/** A fenced code block. */
export const codeBlock = (text: string, language?: string): CodeBlock =>
  language ? { type: "code", text, language } : { type: "code", text };
/** Strong text. */
export const strong = (text: string): InlineSpan => ({ text, strong: true });
/** Inline code. */
export const code = (text: string): InlineSpan => ({ text, code: true });

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

/** The longest run of `char` in `text` (a code fence must be longer). */
export function longestRun(text: string, char: string): number {
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
