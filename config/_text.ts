/**
 * The text primitives the config key scanner reads YAML with: lines by
 * offset, positions for messages, the blank and space characters, and the
 * value of a quoted key.
 *
 * @module
 */

import type { ConfigErrorPosition } from "./errors.ts";

/** A blank inside a line: space or tab. */
export const isBlank = (ch: string | undefined): boolean => ch === " " || ch === "\t";
/** Any white space, or the end of the text. */
export const isSpace = (ch: string | undefined): boolean =>
  ch === undefined || ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
/** The characters that end a plain scalar inside a flow collection. */
export const FLOW_INDICATORS = ",[]{}";

/** The value of a quoted key as written: `'it''s'`, `"a\tb"`. */
export function decodeQuoted(raw: string): string {
  const inner = raw.slice(1, -1);
  if (raw[0] === "'") return inner.replaceAll("''", "'");
  try {
    return JSON.parse(raw);
  } catch {
    return inner;
  }
}

/** Where each line of a text starts and ends, and the line and column of an offset. */
export class LineIndex {
  readonly #text: string;
  readonly #starts: number[] = [0];

  /** Index the lines of `text` (`\n` or `\r\n`). */
  constructor(text: string) {
    this.#text = text;
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.#starts.push(i + 1);
  }

  /** How many lines the text has. */
  get count(): number {
    return this.#starts.length;
  }

  /** The offset where `line` (0-based) starts. */
  start(line: number): number {
    return this.#starts[line];
  }

  /** The offset where `line` ends, before its `\r\n` or `\n`. */
  end(line: number): number {
    const start = this.#starts[line];
    let end = line + 1 < this.#starts.length ? this.#starts[line + 1] - 1 : this.#text.length;
    if (end > start && this.#text[end - 1] === "\r") end--;
    return end;
  }

  /** The 0-based line holding `offset`. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The 1-based line and column of `offset`, for a message. */
  position(offset: number): ConfigErrorPosition {
    const line = this.lineOf(offset);
    return { line: line + 1, column: offset - this.#starts[line] + 1 };
  }
}
