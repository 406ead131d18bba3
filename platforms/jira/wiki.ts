/**
 * Jira wiki markup, as Jira Data Center/Server's REST v2 takes descriptions
 * and comments: the shared section model rendered with `h2.` headings, `*`
 * lists and `{code}`/`{noformat}` blocks. Artifact text is untrusted, so every
 * character that would start markup, a link, a macro or an emoticon is
 * escaped.
 *
 * @module
 */

import {
  type Block,
  type CodeBlock,
  type Inline,
  normalizeCode,
  normalizeInlines,
  outerSpace,
  type RenderedDoc,
  type RenderOptions,
} from "../_pace/render.ts";
import { fit } from "../_pace/render_fit.ts";
import { singleLine } from "../_pace/names.ts";

/** Characters that start or end wiki markup anywhere in a line. */
const WIKI_ALWAYS = new Set(["{", "}", "[", "]", "|", "!"]);
/** Effect markers (`*strong*`, `-deleted-`, …): only markup when not inside a word. */
const WIKI_EFFECTS = new Set(["*", "_", "+", "-", "^", "~"]);
const WIKI_SPECIAL = new Set([...WIKI_ALWAYS, ...WIKI_EFFECTS, "\\", "?", "#"]);
const WORD = /[\p{L}\p{N}]/u;
const URL_IN_TEXT = /https?:\/\/[^\s<>"'{}|\\^`[\]]+/g;
/** Emoticons Jira would turn into icons: `(x)`, `(i)`, `(/)`, `:)`, … */
const WIKI_EMOTICON = /^(?:\((?:[xiyn/?]|on|off|flag|flagoff)\)|[:;][()])/i;

/** How a piece of wiki text is escaped. */
interface WikiEscape {
  /** The text starts at the beginning of a line. */
  atLineStart: boolean;
  /** Escape every `*`, also inside words: inside `*…*` one could end the bold early. */
  allStars?: boolean;
  /** Turn bare URLs into `[url]` links (not inside link text). */
  linkUrls?: boolean;
}

function wikiUrl(url: string): string {
  return url.replace(/[\s|[\]{}]/g, (c) => encodeURIComponent(c));
}

function escapeWikiPlain(text: string, atLineStart: boolean, allStars: boolean): string {
  let out = "";
  let leading = atLineStart;
  // Blanks at the start of `out`, counted as they are written: testing the whole
  // output again at every "." would be quadratic on hostile text.
  let blanks = 0;
  const chars = [...text];
  chars.forEach((c, i) => {
    const prev = chars[i - 1] ?? "";
    const next = chars[i + 1] ?? "";
    const lineStart = leading;
    if (c !== " " && c !== "\t") leading = false;
    if (lineStart && blanks === out.length && (c === " " || c === "\t")) blanks++;
    if (c === "\\") {
      // `\\` is a line break and `\x` escapes x: a literal backslash needs an entity there.
      out += next === "" || WIKI_SPECIAL.has(next) ? "&#92;" : c;
    } else if (WIKI_ALWAYS.has(c)) {
      out += `\\${c}`;
    } else if (WIKI_EFFECTS.has(c)) {
      const inWord = WORD.test(prev) && WORD.test(next) && !(allStars && c === "*");
      out += inWord ? c : `\\${c}`;
    } else if (c === "?" && (prev === "?" || next === "?")) {
      out += "&#63;";
    } else if (c === "#" && lineStart) {
      out += "&#35;";
    } else if (c === "&" && /^&#?[A-Za-z0-9]{1,32};/.test(chars.slice(i, i + 36).join(""))) {
      out += "&amp;";
    } else if ("(:;".includes(c) && WIKI_EMOTICON.test(chars.slice(i, i + 9).join(""))) {
      out += `&#${c.codePointAt(0)};`;
    } else if (
      c === "." && atLineStart && out.length - blanks === 2 &&
      /^(?:h[1-6]|bq)$/.test(out.slice(blanks))
    ) {
      // `h2. x` and `bq. x` at a line start are a heading and a quote.
      out += "&#46;";
    } else {
      out += c;
    }
  });
  return out;
}

/** Escape one line of plain text; bare URLs may become links so their characters stay as they are. */
function escapeWikiLine(line: string, options: WikiEscape): string {
  const allStars = options.allStars ?? false;
  if (!options.linkUrls) return escapeWikiPlain(line, options.atLineStart, allStars);
  let out = "";
  let last = 0;
  for (const match of line.matchAll(URL_IN_TEXT)) {
    // Trailing punctuation belongs to the sentence, not the URL.
    let end = match[0].length;
    while (end > 0 && ".,;:!?)".includes(match[0][end - 1])) end--;
    const url = match[0].slice(0, end);
    const index = match.index ?? 0;
    out += escapeWikiPlain(line.slice(last, index), options.atLineStart && last === 0, allStars);
    out += `[${wikiUrl(url)}]`;
    last = index + url.length;
  }
  out += escapeWikiPlain(line.slice(last), options.atLineStart && last === 0, allStars);
  return out;
}

function escapeWiki(text: string, options: WikiEscape): string {
  return text.split("\n")
    .map((line, i) =>
      escapeWikiLine(line, { ...options, atLineStart: options.atLineStart || i > 0 })
    )
    .join("\n");
}

/** Inline content as wiki markup; `lineBreak` joins the lines of a multi-line text. */
function wikiInlines(inlines: Inline[], lineBreak: string): string {
  const spans = normalizeInlines(inlines);
  let out = "";
  spans.forEach((span, index) => {
    const atLineStart = out === "" || out.endsWith("\n");
    if (!span.code && !span.strong && !span.href) {
      out += escapeWiki(span.text, { atLineStart, linkUrls: true });
      return;
    }
    const [lead, inner, trail] = outerSpace(span.text);
    let text = escapeWiki(inner.replace(/\n/g, " "), {
      atLineStart: false,
      allStars: span.strong,
    });
    if (span.code) text = `{{${text}}}`;
    if (span.href) text = `[${text}|${wikiUrl(span.href)}]`;
    if (span.strong) {
      const before = (out + lead).slice(-1);
      const after = trail === "" ? (spans[index + 1]?.text ?? "").slice(0, 1) : " ";
      // Inside a word, `*x*` is not bold; Jira's `{*}x{*}` is.
      const star = WORD.test(before) || WORD.test(after) ? "{*}" : "*";
      text = `${star}${text}${star}`;
    }
    out += `${lead.replace(/\n/g, " ")}${text}${trail.replace(/\n/g, " ")}`;
  });
  return out.split("\n").join(lineBreak);
}

function wikiCodeBlock(block: CodeBlock): string {
  const text = normalizeCode(block.text);
  if (text.trim() === "") return "";
  const language = (block.language ?? "").toLowerCase().replace(/[^a-z0-9#+-]/g, "");
  // A macro ends at its first closing tag, which the text must not contain.
  if (language && !/\{code\}/i.test(text)) return `{code:${language}}\n${text}\n{code}`;
  if (!/\{noformat\}/i.test(text)) return `{noformat}\n${text}\n{noformat}`;
  if (!/\{code\}/i.test(text)) return `{code}\n${text}\n{code}`;
  // Both tags inside: break the noformat one with a zero-width space.
  const broken = text.replace(/\{(noformat\})/gi, "{\u200B$1");
  return `{noformat}\n${broken}\n{noformat}`;
}

function wikiBlock(block: Block): string {
  switch (block.type) {
    case "paragraph":
      return wikiInlines(block.content, "\n");
    case "list":
      return block.items.map((item) => wikiInlines(item, " \\\\ "))
        .filter((text) => text !== "")
        .map((text) => `* ${text}`)
        .join("\n");
    case "code":
      return wikiCodeBlock(block);
  }
}

function renderWiki(doc: RenderedDoc): string {
  const parts: string[] = [];
  for (const section of doc.sections) {
    const heading = escapeWiki(singleLine(section.heading ?? ""), { atLineStart: false });
    if (heading) parts.push(`h2. ${heading}`);
    for (const block of section.blocks) parts.push(wikiBlock(block));
  }
  return parts.filter((part) => part !== "").join("\n\n") + "\n";
}

/**
 * Render as Jira wiki markup (Jira Data Center/Server, REST v2): `h2.`
 * headings, `* item` lists, `{code}`/`{noformat}` blocks, escaped text. The
 * marker is left out: Jira finds PACE's issues by label.
 *
 * @example
 * ```ts ignore
 * const wiki = toJiraWiki({ title: "t", marker: "m", sections: [{ heading: "Target", blocks: [] }] });
 * console.log(wiki); // "h2. Target\n"
 * ```
 */
export function toJiraWiki(doc: RenderedDoc, options: RenderOptions = {}): string {
  return fit(doc, renderWiki, (text) => text.length, options.maxLength);
}
