/**
 * The structural rules of the Atlassian Document Format as Jira Cloud
 * enforces them on descriptions and comments.
 *
 * @module
 */

import { isObject } from "../_http.ts";

type Json = Record<string, unknown>;

const TOP_BLOCKS = new Set([
  "paragraph",
  "heading",
  "bulletList",
  "orderedList",
  "codeBlock",
  "blockquote",
  "rule",
  "panel",
]);
const LIST_ITEM_FIRST = new Set(["paragraph", "codeBlock"]);
const LIST_ITEM_REST = new Set(["paragraph", "bulletList", "orderedList", "codeBlock"]);
const QUOTE_CHILDREN = new Set(["paragraph", "bulletList", "orderedList", "codeBlock"]);
const PANEL_CHILDREN = new Set(["paragraph", "heading", "bulletList", "orderedList"]);
const INLINE = new Set(["text", "hardBreak", "mention", "emoji", "inlineCard"]);
const MARKS = new Set([
  "strong",
  "em",
  "strike",
  "underline",
  "code",
  "link",
  "subsup",
  "textColor",
]);
const PANEL_TYPES = new Set(["info", "note", "warning", "success", "error"]);

/**
 * The structural problems of an ADF document (empty when Jira would take it):
 * `type: "doc"`, `version: 1`, known node types in allowed parents, required
 * attributes, non-empty text nodes, known marks in allowed combinations (`code`
 * only with `link`), unmarked text in code blocks, no unknown keys.
 */
export function validateAdf(value: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(value) || value.type !== "doc") {
    return ['not an ADF document: expected {"type": "doc", "version": 1, "content": [...]}'];
  }
  if (value.version !== 1) {
    problems.push(`doc.version must be 1, got ${JSON.stringify(value.version)}`);
  }
  unknownKeys(value, ["type", "version", "content"], "doc", problems);
  if (!Array.isArray(value.content)) {
    problems.push("doc.content must be an array");
    return problems;
  }
  value.content.forEach((node, i) => block(node, `doc.content[${i}]`, TOP_BLOCKS, problems));
  return problems;
}

function unknownKeys(node: Json, allowed: string[], where: string, problems: string[]): void {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key)) problems.push(`${where}: unknown property "${key}"`);
  }
}

function children(
  node: Json,
  where: string,
  problems: string[],
  options: { required: boolean },
): unknown[] {
  if (node.content === undefined && !options.required) return [];
  if (!Array.isArray(node.content)) {
    problems.push(`${where}.content must be an array`);
    return [];
  }
  if (options.required && node.content.length === 0) {
    problems.push(`${where}.content must not be empty`);
  }
  return node.content;
}

function block(node: unknown, where: string, allowed: Set<string>, problems: string[]): void {
  if (!isObject(node) || typeof node.type !== "string") {
    problems.push(`${where}: not a node`);
    return;
  }
  const type = node.type;
  const at = `${where} (${type})`;
  if (!allowed.has(type)) {
    problems.push(`${at}: not allowed here (allowed: ${[...allowed].join(", ")})`);
    return;
  }
  switch (type) {
    case "paragraph": {
      unknownKeys(node, ["type", "content", "attrs", "marks"], at, problems);
      children(node, at, problems, { required: false })
        .forEach((c, i) => inline(c, `${at}.content[${i}]`, problems));
      break;
    }
    case "heading": {
      unknownKeys(node, ["type", "content", "attrs", "marks"], at, problems);
      const level = isObject(node.attrs) ? node.attrs.level : undefined;
      if (typeof level !== "number" || !Number.isInteger(level) || level < 1 || level > 6) {
        problems.push(`${at}: attrs.level must be 1 to 6`);
      }
      children(node, at, problems, { required: false })
        .forEach((c, i) => inline(c, `${at}.content[${i}]`, problems));
      break;
    }
    case "bulletList":
    case "orderedList": {
      unknownKeys(node, ["type", "content", "attrs"], at, problems);
      if (type === "orderedList" && node.attrs !== undefined) {
        const order = isObject(node.attrs) ? node.attrs.order : undefined;
        if (order !== undefined && (typeof order !== "number" || order < 0)) {
          problems.push(`${at}: attrs.order must be a number ≥ 0`);
        }
      }
      children(node, at, problems, { required: true }).forEach((c, i) => {
        const itemAt = `${at}.content[${i}]`;
        if (!isObject(c) || c.type !== "listItem") {
          problems.push(`${itemAt}: a list holds only listItem nodes`);
          return;
        }
        unknownKeys(c, ["type", "content", "attrs"], itemAt, problems);
        children(c, itemAt, problems, { required: true }).forEach((g, j) =>
          block(g, `${itemAt}.content[${j}]`, j === 0 ? LIST_ITEM_FIRST : LIST_ITEM_REST, problems)
        );
      });
      break;
    }
    case "codeBlock": {
      unknownKeys(node, ["type", "content", "attrs"], at, problems);
      if (node.attrs !== undefined) {
        const language = isObject(node.attrs) ? node.attrs.language : null;
        if (!isObject(node.attrs) || (language !== undefined && typeof language !== "string")) {
          problems.push(`${at}: attrs.language must be a string`);
        }
      }
      children(node, at, problems, { required: false }).forEach((c, i) => {
        const textAt = `${at}.content[${i}]`;
        if (!isObject(c) || c.type !== "text") {
          problems.push(`${textAt}: a codeBlock holds only text nodes`);
          return;
        }
        if (c.marks !== undefined) problems.push(`${textAt}: text in a codeBlock takes no marks`);
        inline(c, textAt, problems);
      });
      break;
    }
    case "blockquote": {
      unknownKeys(node, ["type", "content"], at, problems);
      children(node, at, problems, { required: true })
        .forEach((c, i) => block(c, `${at}.content[${i}]`, QUOTE_CHILDREN, problems));
      break;
    }
    case "panel": {
      unknownKeys(node, ["type", "content", "attrs"], at, problems);
      const panelType = isObject(node.attrs) ? node.attrs.panelType : undefined;
      if (typeof panelType !== "string" || !PANEL_TYPES.has(panelType)) {
        problems.push(`${at}: attrs.panelType must be one of ${[...PANEL_TYPES].join(", ")}`);
      }
      children(node, at, problems, { required: true })
        .forEach((c, i) => block(c, `${at}.content[${i}]`, PANEL_CHILDREN, problems));
      break;
    }
    case "rule":
      unknownKeys(node, ["type"], at, problems);
      break;
  }
}

function inline(node: unknown, where: string, problems: string[]): void {
  if (!isObject(node) || typeof node.type !== "string") {
    problems.push(`${where}: not a node`);
    return;
  }
  const at = `${where} (${node.type})`;
  if (!INLINE.has(node.type)) {
    problems.push(`${at}: not an inline node (allowed: ${[...INLINE].join(", ")})`);
    return;
  }
  switch (node.type) {
    case "text": {
      unknownKeys(node, ["type", "text", "marks"], at, problems);
      if (typeof node.text !== "string" || node.text.length === 0) {
        problems.push(`${at}: text must be a non-empty string`);
      }
      if (node.marks !== undefined) marks(node.marks, at, problems);
      break;
    }
    case "hardBreak":
      unknownKeys(node, ["type", "attrs"], at, problems);
      break;
    case "mention":
    case "emoji":
    case "inlineCard": {
      unknownKeys(node, ["type", "attrs"], at, problems);
      const attr = node.type === "mention" ? "id" : node.type === "emoji" ? "shortName" : "url";
      if (!isObject(node.attrs) || typeof node.attrs[attr] !== "string") {
        problems.push(`${at}: attrs.${attr} is required`);
      }
      break;
    }
  }
}

function marks(value: unknown, where: string, problems: string[]): void {
  if (!Array.isArray(value)) {
    problems.push(`${where}: marks must be an array`);
    return;
  }
  const seen = new Set<string>();
  value.forEach((mark, i) => {
    const at = `${where}.marks[${i}]`;
    if (!isObject(mark) || typeof mark.type !== "string" || !MARKS.has(mark.type)) {
      problems.push(`${at}: unknown mark ${JSON.stringify(isObject(mark) ? mark.type : mark)}`);
      return;
    }
    if (seen.has(mark.type)) problems.push(`${at}: duplicate mark ${mark.type}`);
    seen.add(mark.type);
    unknownKeys(mark, ["type", "attrs"], at, problems);
    const attrs = isObject(mark.attrs) ? mark.attrs : {};
    if (mark.type === "link" && (typeof attrs.href !== "string" || attrs.href === "")) {
      problems.push(`${at}: link needs attrs.href`);
    }
    if (mark.type === "subsup" && attrs.type !== "sub" && attrs.type !== "sup") {
      problems.push(`${at}: subsup needs attrs.type sub or sup`);
    }
    if (
      mark.type === "textColor" &&
      (typeof attrs.color !== "string" || !/^#[0-9a-f]{6}$/i.test(attrs.color))
    ) {
      problems.push(`${at}: textColor needs attrs.color #rrggbb`);
    }
  });
  if (seen.has("code") && [...seen].some((m) => m !== "code" && m !== "link")) {
    problems.push(`${where}: the code mark combines only with link`);
  }
}
