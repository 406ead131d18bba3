/**
 * YAML values from agent artifacts as human-readable text, bounded.
 *
 * The YAML parser shares an aliased node instead of copying it, so a document
 * of a few hundred bytes can describe billions of nodes; writing such a tree
 * out naively takes minutes and gigabytes. Every value here is written with a
 * budget: output stops at a size limit and a depth limit, the walk stops with
 * it (each node visited costs output, so the budget bounds the walk too), and
 * a node met again inside itself is written as `[circular]`.
 *
 * @module
 */

import { isRecord } from "./artifact_files.ts";

/** The most characters one nested YAML value becomes; the rest is cut with a note. */
export const TEXT_LIMIT = 64 * 1024;

/** The most characters a list of values becomes, all items together. */
export const LIST_LIMIT = 1024 * 1024;

/** How deep nested mappings and lists are written; deeper ones become `"…"`. */
export const DEPTH_LIMIT = 16;

/** What ends a text cut at {@linkcode TEXT_LIMIT}. */
export const CUT_NOTE = "… (cut)";

/** Output that stops growing at `limit` characters. */
class Budget {
  #parts: string[] = [];
  #length = 0;
  /** Whether output was cut: nothing more is taken. */
  full = false;
  constructor(readonly limit: number) {}
  /** Room left before the limit. */
  get room(): number {
    return this.limit - this.#length;
  }
  push(text: string): void {
    if (this.full) return;
    if (text.length <= this.room) {
      this.#parts.push(text);
      this.#length += text.length;
      return;
    }
    let end = this.room;
    // Do not leave half a surrogate pair at the cut.
    const code = text.charCodeAt(end - 1);
    if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
    this.#parts.push(text.slice(0, end));
    this.#length = this.limit;
    this.full = true;
  }
  text(): string {
    return this.#parts.join("") + (this.full ? CUT_NOTE : "");
  }
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean", "bigint"].includes(typeof value);
}

function scalarText(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** `JSON.stringify`, bounded: same text for ordinary values, cut at the budget. */
function writeJson(value: unknown, out: Budget, depth: number, open: Set<object>): void {
  if (out.full) return;
  if (value === null || value === undefined || typeof value === "function") {
    out.push("null");
  } else if (typeof value === "string") {
    // Quoting all of a long string only to cut it would cost its whole length.
    out.push(JSON.stringify(value.length > out.room ? value.slice(0, out.room + 1) : value));
  } else if (typeof value === "number") {
    out.push(JSON.stringify(value));
  } else if (typeof value === "boolean" || typeof value === "bigint") {
    out.push(String(value));
  } else if (value instanceof Date) {
    out.push(JSON.stringify(value));
  } else if (typeof value === "object") {
    if (open.has(value)) return out.push('"[circular]"');
    if (depth >= DEPTH_LIMIT) return out.push('"…"');
    open.add(value);
    if (Array.isArray(value)) {
      out.push("[");
      for (let i = 0; i < value.length && !out.full; i++) {
        if (i > 0) out.push(",");
        writeJson(value[i], out, depth + 1, open);
      }
      out.push("]");
    } else {
      out.push("{");
      let first = true;
      for (const [key, item] of Object.entries(value)) {
        if (out.full) break;
        if (item === undefined || typeof item === "function") continue;
        out.push(`${first ? "" : ","}${JSON.stringify(key)}:`);
        first = false;
        writeJson(item, out, depth + 1, open);
      }
      out.push("}");
    }
    open.delete(value);
  } else {
    out.push(String(value));
  }
}

/**
 * A YAML value as one human-readable string: strings as they are, numbers and
 * booleans printed, a flat mapping as `k: v, k: v`, a flat list joined with
 * `, `, anything nested as JSON. Anything but a lone string stays within
 * {@linkcode TEXT_LIMIT} characters (plus {@linkcode CUT_NOTE}), however
 * deep, shared or circular the value.
 */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (isScalar(value)) return String(value);
  if (value instanceof Date) return value.toISOString();
  const out = new Budget(TEXT_LIMIT);
  if (Array.isArray(value) && value.every(isScalar)) {
    for (let i = 0; i < value.length && !out.full; i++) {
      out.push(`${i > 0 ? ", " : ""}${scalarText(value[i])}`);
    }
  } else if (isRecord(value) && Object.values(value).every(isScalar)) {
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (out.full) break;
      out.push(`${first ? "" : ", "}${key}: ${scalarText(item)}`);
      first = false;
    }
  } else {
    writeJson(value, out, 0, new Set());
  }
  return out.text();
}

/**
 * A YAML value as a list of non-empty, trimmed strings; a lone scalar is one
 * item. Each item is {@linkcode toText}; once the items reach
 * {@linkcode LIST_LIMIT} characters together, one last item says how many
 * more were cut.
 */
export function toList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const list: string[] = [];
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const text = toText(items[i]).trim();
    if (text === "") continue;
    if (total + text.length > LIST_LIMIT) {
      list.push(`… ${items.length - i} more item(s) cut`);
      break;
    }
    list.push(text);
    total += text.length;
  }
  return list;
}
