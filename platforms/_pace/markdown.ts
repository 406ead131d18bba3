/**
 * Markdown rendering of the section model (GitHub, GitLab, Bitbucket, Gitea,
 * local files): `## Heading` sections, `- item` lists, fenced code, and the
 * hidden marker comment as the last line.
 *
 * @module
 */

import { markerComment, singleLine } from "./names.ts";
import {
  type Block,
  fit,
  type Inline,
  longestRun,
  type MarkdownOptions,
  normalizeCode,
  normalizeInlines,
  type RenderedDoc,
} from "./render.ts";

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
