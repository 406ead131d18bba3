/**
 * Reading a `Link` header (RFC 8288): every target with its relation types,
 * so a list's next page is found however the server writes it — several
 * links, several relation types in one `rel`, quoted or bare values, commas
 * inside a URL or a quoted parameter.
 *
 * @module
 */

/** One link of a `Link` header. */
export interface LinkTarget {
  /** The target as written between `<` and `>` (resolve it against the answer's URL). */
  url: string;
  /** Its relation types, lower case (`rel="next last"` gives two). */
  rels: string[];
}

/**
 * Every link of a `Link` header, in order; `[]` for none. A link that is
 * not well formed is skipped, not guessed at.
 *
 * @example
 * ```ts
 * import { parseLinkHeader } from "./link.ts";
 * const links = parseLinkHeader('<https://x.test/?page=2>; rel="next last"');
 * console.log(links[0].rels); // ["next", "last"]
 * ```
 */
export function parseLinkHeader(header: string | null | undefined): LinkTarget[] {
  const links: LinkTarget[] = [];
  if (!header) return links;
  let at = 0;
  while (at < header.length) {
    const open = header.indexOf("<", at);
    if (open < 0) break;
    const close = header.indexOf(">", open + 1);
    if (close < 0) break;
    const url = header.slice(open + 1, close).trim();
    const rels: string[] = [];
    at = close + 1;
    // Parameters run to the next comma outside a quoted string.
    while (at < header.length && header[at] !== ",") {
      const semicolon = /^\s*;\s*/.exec(header.slice(at));
      if (!semicolon) {
        at++;
        continue;
      }
      at += semicolon[0].length;
      const name = /^[^=;,\s]+/.exec(header.slice(at))?.[0] ?? "";
      at += name.length;
      let value = "";
      const equals = /^\s*=\s*/.exec(header.slice(at));
      if (equals) {
        at += equals[0].length;
        [value, at] = readValue(header, at);
      }
      if (name.toLowerCase() === "rel") {
        rels.push(...value.toLowerCase().split(/\s+/).filter(Boolean));
      }
    }
    at++;
    links.push({ url, rels });
  }
  return links;
}

/** A parameter's value at `at`: a quoted string (escapes undone) or a bare token. */
function readValue(header: string, at: number): [string, number] {
  if (header[at] !== '"') {
    const token = /^[^;,]*/.exec(header.slice(at))![0];
    return [token.trim(), at + token.length];
  }
  let value = "";
  for (at++; at < header.length; at++) {
    const char = header[at];
    if (char === "\\" && at + 1 < header.length) value += header[++at];
    else if (char === '"') return [value, at + 1];
    else value += char;
  }
  return [value, at];
}

/**
 * The target of the first link whose relation types include `rel` (`next`
 * by default), as written; `undefined` when there is none.
 *
 * @example
 * ```ts
 * import { linkTo } from "./link.ts";
 * const header = '<https://x.test/?page=1>; rel="prev", <https://x.test/?page=3>; rel=next';
 * console.log(linkTo(header)); // "https://x.test/?page=3"
 * ```
 */
export function linkTo(header: string | null | undefined, rel = "next"): string | undefined {
  const wanted = rel.toLowerCase();
  return parseLinkHeader(header).find((link) => link.rels.includes(wanted))?.url;
}
