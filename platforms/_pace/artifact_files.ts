/**
 * The one reader of the files PACE's agents write under `.pace/`, and the
 * search for the YAML mapping in their text.
 *
 * Agents are language models; their files may be missing, empty, a list
 * instead of a mapping, markdown around the YAML, or not text at all, and
 * they are untrusted: a file may be a symbolic link to a secret, a FIFO that
 * never ends, a huge file or a YAML alias bomb. Reading never throws and never
 * follows a file out of `.pace/`: every reader returns what it could make of
 * the file, its raw text (so a body can quote it verbatim and nothing is lost)
 * and a `problem` naming what was wrong.
 *
 * @module
 */

import { isRecord } from "../_core/json.ts";
import { basename, dirname, normalize, sep } from "../_core/paths.ts";
import { parseYaml, YamlSyntaxError } from "../_core/yaml.ts";
import { readRegularFile, type RefusalReason } from "../_core/files.ts";
import { PACE_DIR_NAME } from "./names.ts";

/** One artifact file as read: its text, its YAML mapping if any, and what was wrong. */
export interface ArtifactFile {
  /** File name, e.g. `gate.md`; problems are phrased with it. */
  name: string;
  /** Path as given. */
  path: string;
  /**
   * Whether the file exists. An unreadable or refused file exists (so callers
   * log its problem) but yields nothing, as a missing one.
   */
  exists: boolean;
  /** The file's text, verbatim (`""` when missing, unreadable, refused or not text). */
  raw: string;
  /** The YAML mapping found in the file, if any. */
  data: Record<string, unknown> | undefined;
  /** What kept the file from yielding a mapping; absent when `data` is set. */
  problem?: string;
  /** Where the mapping came from, for renderers that quote `raw`. */
  format?: "yaml" | "front-matter" | "fenced";
}

/** The largest artifact read (1 MiB); a larger file is refused unread. */
export const ARTIFACT_LIMIT = 1024 * 1024;

/**
 * The most YAML aliases one document may hold; a document with more is not
 * parsed. The parser shares an aliased node instead of copying it, but
 * anything that walks the tree expands it: nine nested levels of ten aliases
 * (the classic billion laughs) make a billion values, so documents under this
 * bar are still checked against {@linkcode MAX_YAML_VALUES}.
 */
export const MAX_YAML_ALIASES = 100;

/** The most values a document with aliases may expand to, each alias counted as a full copy. */
export const MAX_YAML_VALUES = 100_000;

function describeKind(value: unknown): string {
  if (value === null || value === undefined) return "holds no YAML data";
  if (Array.isArray(value)) return "is a list, not a mapping";
  if (typeof value === "string") return "is plain text, not a YAML mapping";
  return `is a ${typeof value}, not a mapping`;
}

const ALIAS_NAME_STOP = new Set([" ", "\t", "\n", "\r", ",", "[", "]", "{", "}"]);
const ALIAS_LEAD = new Set(["\n", "-", "?", ":", "[", "{", ","]);

/**
 * How many `*alias` tokens `text` holds, counted where a YAML node can start
 * (line start, after `- `, `? `, `: `, `[`, `{` or `,`). It may count a few
 * that are not (inside a block scalar), never misses one, and runs in one pass.
 */
export { isRecord };

export function countYamlAliases(text: string): number {
  let count = 0;
  for (let i = text.indexOf("*"); i !== -1; i = text.indexOf("*", i + 1)) {
    const next = text[i + 1];
    if (next === undefined || ALIAS_NAME_STOP.has(next)) continue;
    let j = i - 1;
    while (j >= 0 && (text[j] === " " || text[j] === "\t")) j--;
    if (j < 0 || ALIAS_LEAD.has(text[j])) count++;
  }
  return count;
}

interface Expansion {
  sizes: Map<object, number>;
  open: Set<object>;
  shared: boolean;
  circular: boolean;
}

/**
 * How many values `value` holds once every shared node is copied out,
 * saturating just over `cap`. Linear in the distinct nodes: each is sized once
 * and remembered, and meeting one again marks the document as sharing nodes.
 */
function expandedSize(value: unknown, cap: number, seen: Expansion): number {
  if (typeof value !== "object" || value === null) return 1;
  const known = seen.sizes.get(value);
  if (known !== undefined) {
    seen.shared = true;
    return known;
  }
  if (seen.open.has(value)) {
    seen.circular = true;
    return 1;
  }
  seen.open.add(value);
  let size = 1;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    size = Math.min(size + expandedSize(item, cap, seen), cap + 1);
  }
  seen.open.delete(value);
  seen.sizes.set(value, size);
  return size;
}

/** Why a parsed document's aliases make it unusable, if they do. */
function aliasProblem(value: unknown, what: string): string | undefined {
  const seen: Expansion = { sizes: new Map(), open: new Set(), shared: false, circular: false };
  let size: number;
  try {
    size = expandedSize(value, MAX_YAML_VALUES, seen);
  } catch {
    return `${what} nests its YAML too deeply`; // The stack ran out.
  }
  if (seen.circular) return `${what} has a YAML alias that contains itself`;
  // Without shared nodes the count is just the file's own values.
  if (seen.shared && size > MAX_YAML_VALUES) {
    return `${what} expands its YAML aliases to over ${MAX_YAML_VALUES} values`;
  }
  return undefined;
}

type Attempt =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; problem: string };

/** Parse `text` as a YAML mapping; `lineOffset` makes error lines file-absolute. */
function tryMapping(text: string, lineOffset: number, what: string): Attempt {
  if (countYamlAliases(text) > MAX_YAML_ALIASES) {
    return { ok: false, problem: `${what} has too many YAML aliases (over ${MAX_YAML_ALIASES})` };
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      const where = error.position
        ? ` (line ${error.position.line + lineOffset}, column ${error.position.column})`
        : "";
      return { ok: false, problem: `${what} is not valid YAML${where}: ${error.message}` };
    }
    return { ok: false, problem: `${what} could not be parsed: ${String(error)}` };
  }
  const aliased = aliasProblem(value, what);
  if (aliased) return { ok: false, problem: aliased };
  if (isRecord(value)) return { ok: true, data: value };
  return { ok: false, problem: `${what} ${describeKind(value)}` };
}

/** Whether `line` holds nothing but spaces and tabs from `from` on. */
function blankFrom(line: string, from: number): boolean {
  for (let i = from; i < line.length; i++) {
    if (line[i] !== " " && line[i] !== "\t") return false;
  }
  return true;
}

/** Whether `line` is `marker` followed by nothing but spaces and tabs. */
function isMarkerLine(line: string, marker: string): boolean {
  return line.startsWith(marker) && blankFrom(line, marker.length);
}

/** Front matter: `---` on the first line, closed by `---` or `...` on a line of its own. */
function frontMatter(lines: string[]): { body: string; line: number } | undefined {
  if (lines.length < 2 || !isMarkerLine(lines[0], "---")) return undefined;
  for (let i = 1; i < lines.length; i++) {
    if (isMarkerLine(lines[i], "---") || isMarkerLine(lines[i], "...")) {
      return { body: i > 1 ? `${lines.slice(1, i).join("\n")}\n` : "", line: 1 };
    }
  }
  return undefined;
}

/** The first ```yaml / ```yml (or ~~~) fenced block; an unclosed one runs to the end. */
function fencedYaml(lines: string[]): { body: string; line: number } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})[ \t]*(?:ya?ml)(?![\w-])/i.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})/.exec(lines[j]);
      if (
        close && close[1][0] === fence[0] && close[1].length >= fence.length &&
        blankFrom(lines[j], close[0].length)
      ) break;
      body.push(lines[j]);
    }
    return { body: body.join("\n"), line: i + 1 };
  }
  return undefined;
}

/**
 * Find the YAML mapping in an artifact's text: the whole text, else its front
 * matter, else its first fenced yaml block. A document with more than
 * {@linkcode MAX_YAML_ALIASES} aliases is not parsed.
 */
export function parseArtifactText(
  name: string,
  text: string,
): Pick<ArtifactFile, "data" | "problem" | "format"> {
  const normalized = text.replace(/\r\n?/g, "\n");
  if (normalized.trim() === "") return { data: undefined, problem: `${name} is empty` };
  const whole = tryMapping(normalized, 0, name);
  if (whole.ok) return { data: whole.data, format: "yaml" };
  // A problem inside an embedded block says more than the whole text's.
  const lines = normalized.split("\n");
  const front = frontMatter(lines);
  if (front) {
    const attempt = tryMapping(front.body, front.line, `${name} front matter`);
    if (attempt.ok) return { data: attempt.data, format: "front-matter" };
    return { data: undefined, problem: attempt.problem };
  }
  const fenced = fencedYaml(lines);
  if (fenced) {
    const attempt = tryMapping(fenced.body, fenced.line, `${name} yaml block`);
    if (attempt.ok) return { data: attempt.data, format: "fenced" };
    return { data: undefined, problem: attempt.problem };
  }
  return { data: undefined, problem: whole.problem };
}

function readError(name: string, error: unknown): string {
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return `${name} could not be read: permission denied`;
  }
  return `${name} could not be read: ${error instanceof Error ? error.message : String(error)}`;
}

const ONLY_REGULAR = "refused: only regular files inside .pace/ are read";

function refusal(name: string, reason: RefusalReason): string {
  switch (reason) {
    case "symlink":
      return `${name} is a symbolic link (${ONLY_REGULAR})`;
    case "directory":
      return `${name} is a directory, not a file`;
    case "special":
      return `${name} is not a regular file (${ONLY_REGULAR})`;
    case "outside":
      return `${name} lies outside .pace/ through a linked directory (${ONLY_REGULAR})`;
    case "too-large":
      return `${name} is too large (over ${ARTIFACT_LIMIT / 1024 / 1024} MiB; refused unread)`;
    case "changed":
      return `${name} changed while it was opened (refused)`;
  }
}

/**
 * The `.pace` directory a path under it belongs to: its nearest ancestor (or
 * itself) named `.pace`, else the parent of `dir` (a day directory's parent
 * is where `.pace` would be).
 */
export function paceRootOf(dir: string): string {
  const parts = normalize(dir).split(sep);
  const at = parts.lastIndexOf(PACE_DIR_NAME);
  if (at === -1) return dirname(normalize(dir));
  return at === 0 ? PACE_DIR_NAME : parts.slice(0, at + 1).join(sep) || sep;
}

/**
 * Read one artifact file. Never throws. Only a regular file whose real path
 * lies inside `paceDir` (by default the `.pace` directory the path is under,
 * see {@linkcode paceRootOf}) and holds at most {@linkcode ARTIFACT_LIMIT}
 * bytes is read; anything else — a symbolic link even to a file inside, a
 * FIFO, a device, a file reached through a linked directory — is refused: it
 * exists, with a problem, and yields no text.
 */
export async function readArtifact(path: string, paceDir?: string): Promise<ArtifactFile> {
  const name = basename(path);
  const file: ArtifactFile = { name, path, exists: false, raw: "", data: undefined };
  const root = paceDir ?? paceRootOf(dirname(path));
  const read = await readRegularFile(path, { limit: ARTIFACT_LIMIT, root });
  if (read.kind === "missing") return { ...file, problem: `${name} not found` };
  file.exists = true;
  if (read.kind === "refused") return { ...file, problem: refusal(name, read.reason) };
  if (read.kind === "error") return { ...file, problem: readError(name, read.error) };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(read.bytes);
  } catch {
    return { ...file, problem: `${name} is not text` };
  }
  if (text.includes("\0")) return { ...file, problem: `${name} is not text` };
  return { ...file, raw: text, ...parseArtifactText(name, text) };
}
