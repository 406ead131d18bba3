/**
 * Atlassian Document Format, as Jira Cloud's REST v3 takes descriptions and
 * comments: the shared section model rendered as ADF nodes. Text goes into
 * text nodes as it is (ADF is JSON, nothing to escape); only nodes and marks
 * Jira accepts are produced, and no text node is empty.
 *
 * @module
 */

import {
  type Block,
  type Inline,
  normalizeCode,
  normalizeInlines,
  type RenderedDoc,
  type RenderOptions,
} from "../_pace/render.ts";
import { fit } from "../_pace/render_fit.ts";
import { singleLine } from "../_pace/names.ts";

/** ADF `strong` mark. */
export interface AdfStrongMark {
  /** Discriminant. */
  type: "strong";
}
/** ADF `code` mark; combines only with `link`. */
export interface AdfCodeMark {
  /** Discriminant. */
  type: "code";
}
/** ADF `link` mark. */
export interface AdfLinkMark {
  /** Discriminant. */
  type: "link";
  /** The target. */
  attrs: { href: string };
}
/** A mark on an ADF text node. */
export type AdfMark = AdfStrongMark | AdfCodeMark | AdfLinkMark;

/** ADF `text` node; its text is never empty. */
export interface AdfText {
  /** Discriminant. */
  type: "text";
  /** Non-empty text. */
  text: string;
  /** Formatting, if any. */
  marks?: AdfMark[];
}
/** ADF `hardBreak` node: a line break inside a paragraph. */
export interface AdfHardBreak {
  /** Discriminant. */
  type: "hardBreak";
}
/** An inline ADF node. */
export type AdfInline = AdfText | AdfHardBreak;

/** ADF `paragraph` node. */
export interface AdfParagraph {
  /** Discriminant. */
  type: "paragraph";
  /** Inline content. */
  content: AdfInline[];
}
/** ADF `heading` node. */
export interface AdfHeading {
  /** Discriminant. */
  type: "heading";
  /** Heading level. */
  attrs: { level: 1 | 2 | 3 | 4 | 5 | 6 };
  /** Inline content. */
  content: AdfInline[];
}
/** ADF `codeBlock` node: one unmarked text child. */
export interface AdfCodeBlock {
  /** Discriminant. */
  type: "codeBlock";
  /** Highlighting language, when known. */
  attrs?: { language?: string };
  /** The verbatim text. */
  content: AdfText[];
}
/** ADF `listItem` node. */
export interface AdfListItem {
  /** Discriminant. */
  type: "listItem";
  /** The item's blocks. */
  content: (AdfParagraph | AdfCodeBlock | AdfBulletList)[];
}
/** ADF `bulletList` node. */
export interface AdfBulletList {
  /** Discriminant. */
  type: "bulletList";
  /** The items. */
  content: AdfListItem[];
}
/** A top-level ADF block node. */
export type AdfBlock = AdfParagraph | AdfHeading | AdfCodeBlock | AdfBulletList;

/** An ADF document, as Jira Cloud's REST v3 takes for descriptions and comments. */
export interface AdfDoc {
  /** Always 1. */
  version: 1;
  /** Discriminant. */
  type: "doc";
  /** The body. */
  content: AdfBlock[];
}

function adfInlines(inlines: Inline[]): AdfInline[] {
  const nodes: AdfInline[] = [];
  for (const span of normalizeInlines(inlines)) {
    const marks: AdfMark[] = [];
    if (span.code) marks.push({ type: "code" });
    else if (span.strong) marks.push({ type: "strong" });
    if (span.href) marks.push({ type: "link", attrs: { href: span.href } });
    span.text.split("\n").forEach((line, i) => {
      if (i > 0) nodes.push({ type: "hardBreak" });
      // ADF rejects empty text nodes.
      if (line === "") return;
      nodes.push(
        marks.length > 0 ? { type: "text", text: line, marks } : { type: "text", text: line },
      );
    });
  }
  return nodes;
}

function adfBlock(block: Block): AdfBlock | undefined {
  switch (block.type) {
    case "paragraph": {
      const content = adfInlines(block.content);
      return content.length > 0 ? { type: "paragraph", content } : undefined;
    }
    case "list": {
      const items: AdfListItem[] = [];
      for (const item of block.items) {
        const content = adfInlines(item);
        if (content.length > 0) {
          items.push({ type: "listItem", content: [{ type: "paragraph", content }] });
        }
      }
      return items.length > 0 ? { type: "bulletList", content: items } : undefined;
    }
    case "code": {
      const text = normalizeCode(block.text);
      if (text.trim() === "") return undefined;
      const language = (block.language ?? "").replace(/[^\w+#.-]/g, "");
      const node: AdfCodeBlock = { type: "codeBlock", content: [{ type: "text", text }] };
      if (language) node.attrs = { language };
      return node;
    }
  }
}

function renderAdf(doc: RenderedDoc): AdfDoc {
  const content: AdfBlock[] = [];
  for (const section of doc.sections) {
    const heading = singleLine(section.heading ?? "");
    if (heading) {
      content.push({
        type: "heading",
        attrs: { level: 2 },
        content: [{ type: "text", text: heading }],
      });
    }
    for (const block of section.blocks) {
      const node = adfBlock(block);
      if (node) content.push(node);
    }
  }
  return { version: 1, type: "doc", content };
}

/**
 * Render as Atlassian Document Format. ADF has no hidden comments, so the
 * marker is left out: Jira finds PACE's issues by label.
 *
 * @example
 * ```ts ignore
 * const adf = toAdf({ title: "t", marker: "pace:story:day-1", sections: [{ heading: "Target", blocks: [] }] });
 * console.log(adf.content[0].type); // "heading"
 * ```
 */
export function toAdf(doc: RenderedDoc, options: RenderOptions = {}): AdfDoc {
  return fit(doc, renderAdf, (adf) => JSON.stringify(adf).length, options.maxLength);
}
