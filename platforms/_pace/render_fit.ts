/**
 * Fitting a rendered document into a platform's size limit: long texts,
 * lists and verbatim blocks are cut first, then trailing blocks give way to
 * a note saying so. One rule for every renderer (Markdown, ADF, Jira wiki).
 *
 * @module
 */

import { cutCodePoints } from "./names.ts";
import {
  type Block,
  boundText,
  type Inline,
  moreItems,
  paragraph,
  type RenderedDoc,
  type Section,
} from "./render.ts";

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
        // A list already cut ends with its count: count it with the rest.
        const hidden = block.omitted ?? 0;
        const shown = hidden > 0 ? block.items.slice(0, -1) : block.items;
        const items = shown.slice(0, maxItems).map((item) => item.map(clampInline));
        const rest = shown.length - items.length + hidden;
        if (rest === 0) return { ...block, items };
        return { ...block, items: [...items, moreItems(rest)], omitted: rest };
      }
      case "code":
        return { ...block, text: boundText(block.text, limit, "\n") };
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
