/**
 * Markdown rendering of the section model (GitHub, GitLab, Bitbucket, Gitea,
 * local files): `## Heading` sections, `- item` lists, fenced code, and the
 * hidden marker comment as the last line.
 *
 * Text is escaped so it cannot change a body's structure, and what a forge
 * would act on is defused: a closing keyword before an issue reference, an
 * `@mention`, a link or image, a marker. Where escaping cannot work (code) or
 * would not stop the forge, a zero-width space (U+200B) goes into the
 * sequence: it reads the same and the forge no longer matches it.
 *
 * @module
 */

import { markerComment, markerLike, singleLine, ZWSP } from "./names.ts";
import {
  type Block,
  breakAcross,
  type Inline,
  type InlineSpan,
  longestRun,
  type MarkdownOptions,
  normalizeCode,
  normalizeInlines,
  outerSpace,
  type RenderedDoc,
} from "./render.ts";
import { fit } from "./render_fit.ts";

/**
 * A closing keyword, as GitHub, GitLab and Gitea know them (GitLab's default
 * pattern adds `closing`, `fixing`, `resolving` and `implement…`). Only a
 * keyword followed by a reference ({@linkcode REFERENCE_AFTER}) is defused.
 */
const CLOSING_KEYWORD =
  /(?<![\p{L}\p{N}_])(?:clos(?:e[sd]?|ing)|fix(?:e[sd]|ing)?|resolv(?:e[sd]?|ing)|implement(?:s|ed|ing)?)(?![\p{L}\p{N}_])/giu;

/**
 * What makes a keyword close something: an optional `:`, then `#7`, `!7`,
 * `GH-7`, `owner/repo#7`, `group/sub/project#7`, an issue URL or a Jira key
 * (`ABC-7`, closed by GitLab's Jira integration), optionally after `issue`
 * or an opening `<`, `(` or `[`. The blanks are unbounded (each run follows
 * one keyword only, so the total stays linear); the names are bounded, so a
 * keyword costs a bounded look ahead.
 */
const REFERENCE_AFTER =
  /:?\s*(?:issues?\s+)?[\\<([]{0,3}(?:[#!]\d|[\w.-]{1,255}(?:\/[\w.-]{1,255}){0,20}[#!]\d|https?:\/\/|[a-z]\w{0,30}-\d)/iy;

/** Where a closing keyword meets its reference: right after the keyword. */
function closingKeywords(text: string): number[] {
  const cuts: number[] = [];
  for (const match of text.matchAll(CLOSING_KEYWORD)) {
    const end = match.index + match[0].length;
    REFERENCE_AFTER.lastIndex = end;
    if (REFERENCE_AFTER.test(text)) cuts.push(end);
  }
  return cuts;
}

/**
 * `@name`, `@org/team`, `@all`: GitHub, GitLab and Gitea notify whoever it
 * names. Not after a letter, digit or `_`, so `dev@example.com` stays as it is.
 */
const MENTION = /(?<![A-Za-z0-9_])@(?=[A-Za-z0-9_])/g;

/**
 * The spans with every sequence a forge would act on defused by a zero-width
 * space: markers everywhere; closing keywords everywhere (code included, as
 * nothing promises a forge skips code there); mentions outside code, where
 * forges never notify.
 */
function defuse(spans: InlineSpan[]): InlineSpan[] {
  let texts = spans.map((span) => span.text);
  texts = breakAcross(texts, markerLike());
  texts = breakAcross(texts, closingKeywords);
  texts = breakAcross(texts, MENTION, spans.map((span) => !span.code));
  return spans.map((span, i) => ({ ...span, text: texts[i] }));
}

/** A verbatim block defused like a code span: markers and closing keywords. */
function defuseCode(text: string): string {
  return breakAcross(breakAcross([text], markerLike()), closingKeywords)[0];
}

/** Backslash-escape what would change a markdown line's meaning. */
function escapeMarkdownLine(line: string, atLineStart: boolean): string {
  let out = line
    // A backslash before punctuation or at the end of a line is markup; double it.
    .replace(/\\(?=[!-/:-@[-`{-~]|$)/g, "\\\\")
    // Raw HTML (`<!--` would hide the rest of the body, `<img>` loads a
    // remote image), autolinks and entities.
    .replace(/</g, "\\<")
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, "\\&")
    // `[text](url)` and `![alt](src)`: a link hides where it goes, an image
    // loads from anywhere. Without `(` right after `]` both are plain text.
    .replace(/\]\(/g, "]\\(");
  if (atLineStart) {
    out = out
      // Headings, quotes, bullets, setext underlines, rules, tables, fences,
      // and GitLab's quick actions (`/close` on a line of its own acts).
      .replace(/^(\s*)([#>+\-*=_|~`/])/, "$1\\$2")
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
  // A span that starts and ends with a space, not all spaces, loses one of each:
  // pad it. Checked by hand: `/^ .*[^ ].* $/` takes quadratic time on a long span.
  const stripped = text.length > 1 && text.startsWith(" ") && text.endsWith(" ") &&
    /[^ ]/.test(text);
  const pad = text.startsWith("`") || text.endsWith("`") || stripped ? " " : "";
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
  for (const span of defuse(normalizeInlines(inlines))) {
    const atLineStart = out === "" || out.endsWith("\n");
    let piece: string;
    if (span.code) {
      piece = markdownCodeSpan(span.text);
      if (span.href) piece = `[${piece}](${markdownUrl(span.href)})`;
    } else if (span.strong || span.href) {
      // Emphasis cannot open or close next to whitespace: keep it outside.
      const [lead, inner, trail] = outerSpace(span.text);
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
    // Spans side by side must not make a link or image of text: `]` then
    // `(`, or `!` before one of the package's own links.
    if (out.endsWith("]") && piece.startsWith("(")) piece = `\\${piece}`;
    if (out.endsWith("!") && piece.startsWith("[")) piece = `${ZWSP}${piece}`;
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
      const text = defuseCode(normalizeCode(block.text));
      if (text.trim() === "") return "";
      const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
      const language = (block.language ?? "").replace(/[^\w+#.-]/g, "");
      return `${fence}${language}\n${text}\n${fence}`;
    }
  }
}

function markdownHeading(level: number, text: string): string {
  const [line] = defuse([{ text: singleLine(text) }]).map((span) => span.text);
  const escaped = escapeMarkdown(line, false).replace(/(\s)(#+)$/, "$1\\$2");
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
