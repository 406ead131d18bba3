/**
 * Where each mapping key and sequence item of a YAML text sits, and which
 * keys repeat.
 *
 * The YAML parser reports no position for a value and, in the JSON-compatible
 * mode the package parses with, keeps the last of two equal keys without a
 * word. This scanner walks the text itself, after the parser has accepted it,
 * and models the block and flow styles a config file uses. On a construct it
 * does not model (explicit `?` keys, collections or anchors as keys, content
 * after `---`) it stops and keeps what it found so far: it may miss a
 * position, it never invents a duplicate.
 *
 * @module
 */

import { decodeQuoted, FLOW_INDICATORS, isBlank, isSpace, LineIndex } from "./_text.ts";
import type { ConfigErrorPosition } from "./errors.ts";

/** A path from the document root: mapping keys and sequence indexes. */
export type KeyPath = readonly (string | number)[];

/**
 * One mapping key or sequence item: its path, where it starts (the key, or
 * the item's `-`) and where its value starts.
 */
export interface KeySite {
  path: KeyPath;
  key: ConfigErrorPosition;
  /** The key's own position when the value starts on a later line (or is empty). */
  value: ConfigErrorPosition;
}

/** A key that repeats in its mapping, with its first occurrence. */
export interface DuplicateKey {
  site: KeySite;
  first: KeySite;
}

/** What {@linkcode scanKeys} found. */
export interface KeyScan {
  /** First occurrence of each path, by {@linkcode pathId}. */
  sites: ReadonlyMap<string, KeySite>;
  /** Repeated keys, in document order. */
  duplicates: readonly DuplicateKey[];
}

/** The map key of a path in {@linkcode KeyScan.sites}. */
export function pathId(path: KeyPath): string {
  return JSON.stringify(path);
}

/** Scan YAML text that the parser has accepted. */
export function scanKeys(text: string): KeyScan {
  const scanner = new Scanner(text.replace(/^\uFEFF/, ""));
  try {
    scanner.run();
  } catch (error) {
    if (!(error instanceof Unmodelled)) throw error;
  }
  return { sites: scanner.sites, duplicates: scanner.duplicates };
}

/** Thrown inside the scanner on a construct it does not model. */
class Unmodelled extends Error {}

interface Frame {
  indent: number;
  kind: "map" | "seq";
  path: KeyPath;
  keys: Map<string, KeySite>;
  count: number;
}

class Scanner {
  readonly sites = new Map<string, KeySite>();
  readonly duplicates: DuplicateKey[] = [];
  readonly #text: string;
  readonly #lines: LineIndex;
  #stack: Frame[] = [];
  /** The node whose value continues on the following lines, if any. */
  #pending: KeyPath | undefined = [];
  /** Lines indented deeper than this continue a plain or block scalar. */
  #scalarIndent: number | undefined;
  /** Lines before this one were consumed by a multi-line flow or quoted node. */
  #resumeLine = 0;

  constructor(text: string) {
    this.#text = text;
    this.#lines = new LineIndex(text);
  }

  run(): void {
    for (let line = 0; line < this.#lines.count; line++) {
      if (line >= this.#resumeLine) this.#line(line);
    }
  }

  #line(line: number): void {
    const text = this.#text;
    const start = this.#lines.start(line);
    const end = this.#lines.end(line);
    let offset = start;
    while (text[offset] === " ") offset++;
    if (offset >= end || text[offset] === "#") return;
    const indent = offset - start;
    if (indent === 0 && this.#marker(offset, end)) return;
    if (this.#scalarIndent !== undefined) {
      if (indent > this.#scalarIndent) return;
      this.#scalarIndent = undefined;
    }
    while (this.#stack.length && this.#stack[this.#stack.length - 1].indent > indent) {
      this.#stack.pop();
    }
    this.#node(offset, indent, end);
  }

  /** Directives and document markers; a marker followed by content stops the scan. */
  #marker(offset: number, end: number): boolean {
    const text = this.#text;
    if (text[offset] === "%") return true;
    const three = text.slice(offset, offset + 3);
    if ((three !== "---" && three !== "...") || !isSpace(text[offset + 3])) return false;
    let rest = offset + 3;
    while (rest < end && isBlank(text[rest])) rest++;
    if (rest < end && text[rest] !== "#") throw new Unmodelled();
    this.#stack = [];
    this.#pending = [];
    this.#scalarIndent = undefined;
    return true;
  }

  #kind(offset: number, end: number): "map" | "seq" | "other" {
    const text = this.#text;
    const ch = text[offset];
    const next = offset + 1 < end ? text[offset + 1] : undefined;
    if (ch === "-" && isSpace(next)) return "seq";
    if (ch === "?" && isSpace(next)) throw new Unmodelled();
    // A flow collection or block scalar is a value; one used as a key shows up later.
    if ("{[|>".includes(ch)) return "other";
    if (ch === "&" || ch === "!") {
      let p = offset;
      while (p < end && !isBlank(text[p])) p++;
      while (p < end && isBlank(text[p])) p++;
      if (p < end && this.#kind(p, end) !== "other") throw new Unmodelled();
      return "other";
    }
    return this.#implicitKey(offset, end) ? "map" : "other";
  }

  /** The key starting at `offset` and the offset after its `:`, if the line is `key: …`. */
  #implicitKey(offset: number, end: number): { name: string; after: number } | undefined {
    const text = this.#text;
    const ch = text[offset];
    if (ch === '"' || ch === "'") {
      const close = this.#quotedEnd(offset);
      if (close > end) return undefined;
      let p = close;
      while (p < end && isBlank(text[p])) p++;
      if (text[p] !== ":" || !(p + 1 >= end || isSpace(text[p + 1]))) return undefined;
      return { name: decodeQuoted(text.slice(offset, close)), after: p + 1 };
    }
    for (let p = offset; p < end; p++) {
      if (text[p] === "#" && p > offset && isBlank(text[p - 1])) return undefined;
      if (text[p] === ":" && (p + 1 >= end || isSpace(text[p + 1]))) {
        if (ch === "*") throw new Unmodelled(); // an alias as a key
        return { name: text.slice(offset, p).trimEnd(), after: p + 1 };
      }
    }
    return undefined;
  }

  #node(offset: number, indent: number, end: number): void {
    const kind = this.#kind(offset, end);
    const top = this.#stack[this.#stack.length - 1];
    if (top && top.indent === indent) {
      if (top.kind === kind) {
        this.#pending = undefined;
        return this.#entry(top, offset, end);
      }
      if (top.kind === "seq") {
        // A sequence written at its key's own indentation ends with the next key.
        this.#stack.pop();
        return this.#node(offset, indent, end);
      }
      if (kind === "seq" && this.#pending) return this.#open("seq", offset, indent, end);
      throw new Unmodelled();
    }
    if (this.#pending === undefined) throw new Unmodelled();
    const path = this.#pending;
    this.#pending = undefined;
    this.#inline(offset, indent, end, path, top ? top.indent : -1);
  }

  #open(kind: "map" | "seq", offset: number, indent: number, end: number, path?: KeyPath): void {
    const frame: Frame = {
      indent,
      kind,
      path: path ?? this.#pending ?? [],
      keys: new Map(),
      count: 0,
    };
    this.#pending = undefined;
    this.#stack.push(frame);
    this.#entry(frame, offset, end);
  }

  /** A node that starts on this line: a nested collection, or a value. */
  #inline(offset: number, indent: number, end: number, path: KeyPath, owner: number): void {
    const kind = this.#kind(offset, end);
    if (kind === "other") return this.#value(offset, end, path, owner);
    this.#open(kind, offset, indent, end, path);
  }

  #entry(frame: Frame, offset: number, end: number): void {
    const text = this.#text;
    if (frame.kind === "seq") {
      const path = [...frame.path, frame.count++];
      let p = offset + 1;
      while (p < end && isBlank(text[p])) p++;
      const empty = p >= end || text[p] === "#";
      this.#site({
        path,
        key: this.#lines.position(offset),
        value: this.#lines.position(empty ? offset : p),
      });
      if (empty) {
        this.#pending = path;
        return;
      }
      return this.#inline(p, p - this.#lines.start(this.#lines.lineOf(p)), end, path, frame.indent);
    }
    const key = this.#implicitKey(offset, end);
    if (!key) throw new Unmodelled();
    const path = [...frame.path, key.name];
    let p = key.after;
    while (p < end && isBlank(text[p])) p++;
    const empty = p >= end || text[p] === "#";
    const position = this.#lines.position(offset);
    this.#record(frame.keys, {
      path,
      key: position,
      value: empty ? position : this.#lines.position(p),
    });
    if (empty) this.#pending = path;
    else this.#value(p, end, path, frame.indent);
  }

  /** A value starting at `offset`; `owner` is the indentation of the collection holding it. */
  #value(offset: number, end: number, path: KeyPath, owner: number): void {
    const text = this.#text;
    let p = offset;
    while (text[p] === "&" || text[p] === "!") {
      while (p < end && !isBlank(text[p])) p++;
      while (p < end && isBlank(text[p])) p++;
    }
    if (p >= end || text[p] === "#") {
      this.#pending = path;
      return;
    }
    const ch = text[p];
    if (ch === "{" || ch === "[" || ch === '"' || ch === "'") {
      const after = ch === "{" || ch === "[" ? this.#flow(p, path) : this.#quotedEnd(p);
      let rest = after;
      while (rest < text.length && isBlank(text[rest])) rest++;
      if (text[rest] === ":") throw new Unmodelled();
      this.#resumeLine = Math.max(this.#resumeLine, this.#lines.lineOf(after) + 1);
      return;
    }
    if (ch !== "*") this.#scalarIndent = owner;
  }

  /** The offset just after the quoted scalar opening at `offset`. */
  #quotedEnd(offset: number): number {
    const text = this.#text;
    const quote = text[offset];
    for (let p = offset + 1; p < text.length; p++) {
      if (quote === '"' && text[p] === "\\") p++;
      else if (text[p] === quote) {
        if (quote === "'" && text[p + 1] === "'") p++;
        else return p + 1;
      }
    }
    throw new Unmodelled();
  }

  #skipFlowSpace(offset: number): number {
    const text = this.#text;
    let p = offset;
    while (p < text.length) {
      if (isSpace(text[p])) p++;
      else if (text[p] === "#") { while (p < text.length && text[p] !== "\n") p++; }
      else break;
    }
    return p;
  }

  /** The end of a plain scalar inside a flow collection. */
  #plainEnd(offset: number): number {
    const text = this.#text;
    let p = offset;
    while (p < text.length) {
      const ch = text[p];
      if (FLOW_INDICATORS.includes(ch)) break;
      if (ch === ":" && (isSpace(text[p + 1]) || FLOW_INDICATORS.includes(text[p + 1]))) break;
      if (ch === "#" && isSpace(text[p - 1])) break;
      p++;
    }
    return p;
  }

  #flowNode(offset: number, path: KeyPath): number {
    const text = this.#text;
    let p = offset;
    while (text[p] === "&" || text[p] === "!") {
      while (p < text.length && !isSpace(text[p]) && !FLOW_INDICATORS.includes(text[p])) p++;
      p = this.#skipFlowSpace(p);
    }
    const ch = text[p];
    if (ch === "{" || ch === "[") return this.#flow(p, path);
    if (ch === '"' || ch === "'") return this.#quotedEnd(p);
    return this.#plainEnd(p);
  }

  /** A flow collection opening at `offset`; returns the offset after its closing bracket. */
  #flow(offset: number, path: KeyPath): number {
    const text = this.#text;
    const mapping = text[offset] === "{";
    const close = mapping ? "}" : "]";
    const keys = new Map<string, KeySite>();
    let index = 0;
    let p = offset + 1;
    for (;;) {
      p = this.#skipFlowSpace(p);
      const ch = text[p];
      if (ch === undefined) throw new Unmodelled();
      if (ch === close) return p + 1;
      if (ch === ",") {
        p++;
        continue;
      }
      if (ch === "?" && isSpace(text[p + 1])) throw new Unmodelled();
      if (!mapping) {
        const item = [...path, index++];
        this.#site({ path: item, key: this.#lines.position(p), value: this.#lines.position(p) });
        p = this.#skipFlowSpace(this.#flowNode(p, item));
        if (text[p] === ":") throw new Unmodelled();
        continue;
      }
      if ("{[&!*".includes(ch)) throw new Unmodelled();
      const start = p;
      let name: string;
      if (ch === '"' || ch === "'") {
        p = this.#quotedEnd(p);
        name = decodeQuoted(text.slice(start, p));
      } else {
        p = this.#plainEnd(p);
        name = text.slice(start, p).trim().replace(/\s+/g, " ");
      }
      const site: KeySite = {
        path: [...path, name],
        key: this.#lines.position(start),
        value: this.#lines.position(start),
      };
      p = this.#skipFlowSpace(p);
      if (text[p] === ":") {
        p = this.#skipFlowSpace(p + 1);
        if (text[p] !== "," && text[p] !== close) {
          site.value = this.#lines.position(p);
          p = this.#flowNode(p, site.path);
        }
      }
      this.#record(keys, site);
    }
  }

  #site(site: KeySite): void {
    const id = pathId(site.path);
    if (!this.sites.has(id)) this.sites.set(id, site);
  }

  #record(keys: Map<string, KeySite>, site: KeySite): void {
    this.#site(site);
    const name = String(site.path[site.path.length - 1]);
    if (name === "<<") return; // merge keys may repeat
    const first = keys.get(name);
    if (first) this.duplicates.push({ site, first });
    else keys.set(name, site);
  }
}
