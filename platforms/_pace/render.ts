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

import { breakMarkers, cutCodePoints, markerLike, ZWSP } from "./names.ts";

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
  /**
   * How many items were left out; the last item says so (`… and N more`).
   * Renderers show the items as they are; cutting a list again counts them.
   */
  omitted?: number;
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
  // trimStart/trimEnd strip exactly what `\s` matches, in linear time: a
  // `/\s+$/` retries at every blank of a long inner run.
  while (spans.length > 0) {
    spans[0].text = spans[0].text.trimStart();
    if (spans[0].text !== "") break;
    spans.shift();
  }
  while (spans.length > 0) {
    const last = spans[spans.length - 1];
    last.text = last.text.trimEnd();
    if (last.text !== "") break;
    spans.pop();
  }
  return spans.filter((span) => span.text !== "");
}

/** A verbatim block's text with unified newlines and no leading or trailing newlines. */
export function normalizeCode(text: string): string {
  const unified = text.replace(/\r\n?/g, "\n");
  // Counted, not matched: `/\n+$/` is quadratic in a long run of inner newlines.
  let end = unified.length;
  while (end > 0 && unified[end - 1] === "\n") end--;
  let start = 0;
  while (start < end && unified[start] === "\n") start++;
  return unified.slice(start, end);
}

/**
 * `text` as its leading whitespace, the rest, and its trailing whitespace
 * (what `\s` matches), in linear time: `/^(\s*)([\s\S]*?)(\s*)$/` takes
 * quadratic time on a long inner run of blanks.
 */
export function outerSpace(text: string): [lead: string, inner: string, trail: string] {
  const start = text.length - text.trimStart().length;
  const end = start === text.length ? start : text.trimEnd().length;
  return [text.slice(0, start), text.slice(start, end), text.slice(end)];
}

/**
 * Insert a zero-width space into a run of texts wherever `find` matches their
 * concatenation: at the end of each match of a global pattern, or at each
 * position a function returns (ascending). Renderers write the spans of a
 * paragraph side by side, so a sequence split over two of them is caught too.
 * A text whose `eligible` entry is `false` gets none.
 */
export function breakAcross(
  texts: readonly string[],
  find: RegExp | ((text: string) => number[]),
  eligible?: readonly boolean[],
): string[] {
  const joined = texts.join("");
  const cuts = typeof find === "function"
    ? find(joined)
    : [...joined.matchAll(find)].map((match) => match.index + match[0].length);
  if (cuts.length === 0) return [...texts];
  const out: string[] = [];
  let offset = 0;
  let next = 0;
  texts.forEach((text, i) => {
    const end = offset + text.length;
    let piece = "";
    let from = 0;
    // A cut follows at least one character, so it falls in (offset, end] of exactly one text.
    while (next < cuts.length && cuts[next] <= end) {
      const at = cuts[next++] - offset;
      if (eligible && !eligible[i]) continue;
      piece += text.slice(from, at) + ZWSP;
      from = at;
    }
    out.push(piece + text.slice(from));
    offset = end;
  });
  return out;
}

// ---------------------------------------------------------------------------
// Agent text

/** Longest text of one field an agent wrote, in code points; the rest is cut with a note. */
export const FIELD_LIMIT = 10_000;

/** Longest artifact text quoted verbatim, in code points; the rest is cut with a note. */
export const VERBATIM_LIMIT = 50_000;

/** Most items a list shows; one last item counts the rest. */
export const LIST_LIMIT = 1_000;

/** `text` cut to `limit` code points, then `gap` and how much was cut. */
export function boundText(text: string, limit: number = FIELD_LIMIT, gap = ""): string {
  const cut = cutCodePoints(text, limit);
  if (cut === text) return text;
  return `${cut}${gap}\u2026 (${text.length - cut.length} more characters not shown)`;
}

/** The last item of a list cut short: how many were left out. */
export function moreItems(rest: number): Inline[] {
  return [`\u2026 and ${rest} more`];
}

function untrustedInlines(inlines: Inline[]): Inline[] {
  const bounded = inlines.map((inline) =>
    typeof inline === "string" ? boundText(inline) : { ...inline, text: boundText(inline.text) }
  );
  const texts = breakAcross(
    bounded.map((inline) => typeof inline === "string" ? inline : inline.text),
    markerLike(),
  );
  return bounded.map((inline, i) =>
    typeof inline === "string" ? texts[i] : { ...inline, text: texts[i] }
  );
}

function untrustedBlock(block: Block): Block {
  switch (block.type) {
    case "paragraph":
      return { ...block, content: untrustedInlines(block.content) };
    case "list": {
      const items = block.items.slice(0, LIST_LIMIT).map(untrustedInlines);
      const rest = block.items.length - items.length;
      if (rest === 0) return { ...block, items };
      return { ...block, items: [...items, moreItems(rest)], omitted: rest };
    }
    case "code":
      return { ...block, text: breakMarkers(boundText(block.text, VERBATIM_LIMIT, "\n")) };
  }
}

/**
 * `doc` made safe to render although its text came from agents: every span
 * cut to {@linkcode FIELD_LIMIT}, every verbatim block to
 * {@linkcode VERBATIM_LIMIT} and every list to {@linkcode LIST_LIMIT} items,
 * each with a note saying what was left out; and every marker-like sequence in
 * the text broken (see `breakMarkers`), so no body can pass for another item
 * to a tracker that looks for a marker anywhere in it. The doc's own marker
 * is untouched. Every body builder returns its doc through this.
 */
export function untrustedDoc(doc: RenderedDoc): RenderedDoc {
  return {
    ...doc,
    sections: doc.sections.map((section) => ({
      ...section,
      ...(section.heading === undefined
        ? {}
        : { heading: breakMarkers(boundText(section.heading, 200)) }),
      blocks: section.blocks.map(untrustedBlock),
    })),
  };
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
// Markdown
