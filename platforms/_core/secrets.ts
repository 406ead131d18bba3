/**
 * Secret masking. Every credential an adapter reads is registered here before
 * it is used, and every log line, error message and result passes through
 * {@linkcode SecretRegistry.redact}, so a token cannot reach a log even when a
 * server echoes it back or an error message embeds a URL.
 *
 * A server echoes what it received in its own dialect, so each secret is
 * matched in the encodings text commonly carries it in, character by
 * character, in any mix: percent-encoding (either hex case, `+` for a space,
 * encoded twice), HTML entities (named, decimal, hex), JSON and JavaScript
 * escapes (`\/`, `\u002F`, escaped again when JSON is nested), and base64
 * (standard or URL-safe, alone or inside a longer encoded value such as a
 * Basic `user:password` header).
 *
 * @module
 */

import type { Logger, Secrets } from "../types.ts";

/** Values shorter than this are not masked: masking "a" would garble every line. */
const MIN_SECRET_LENGTH = 4;
/** A base64 fragment of a secret inside a longer value is masked from this length on. */
const MIN_FRAGMENT_LENGTH = 8;

const MASK = "***";

/** HTML's named references for the characters a token may hold. */
const NAMED_ENTITIES: Record<string, string[]> = {
  "&": ["amp;?", "AMP;?"],
  "<": ["lt;?", "LT;?"],
  ">": ["gt;?", "GT;?"],
  '"': ["quot;?", "QUOT;?"],
  "'": ["apos;"],
  "/": ["sol;"],
  "+": ["plus;"],
  "=": ["equals;"],
  "!": ["excl;"],
  "#": ["num;"],
  "$": ["dollar;"],
  "%": ["percnt;"],
  "(": ["lpar;"],
  ")": ["rpar;"],
  "*": ["ast;", "midast;"],
  ",": ["comma;"],
  ".": ["period;"],
  ":": ["colon;"],
  ";": ["semi;"],
  "?": ["quest;"],
  "@": ["commat;"],
  "[": ["lsqb;", "lbrack;"],
  "\\": ["bsol;"],
  "]": ["rsqb;", "rbrack;"],
  "^": ["Hat;"],
  "_": ["lowbar;", "UnderBar;"],
  "`": ["grave;", "DiacriticalGrave;"],
  "{": ["lcub;", "lbrace;"],
  "|": ["verbar;", "vert;", "VerticalLine;"],
  "}": ["rcub;", "rbrace;"],
  "\t": ["Tab;"],
  "\n": ["NewLine;"],
};

const SHORT_ESCAPES: Record<string, string> = {
  "\b": "b",
  "\f": "f",
  "\n": "n",
  "\r": "r",
  "\t": "t",
};

/** Backslashes before an escape: one per level of JSON nesting, bounded so matching stays linear. */
const BACKSLASHES = "\\\\{1,8}";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** `n` in hex, each letter either case, at least `width` digits. */
function hexAnyCase(n: number, width = 1): string {
  return n.toString(16).padStart(width, "0").replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

/**
 * Every way one character of a secret can appear in text, as one regex group.
 * ASCII letters and digits stand for themselves: no common encoding touches
 * them, and that keeps a literal anchor in every secret (see `anchorOf`).
 */
function characterPattern(ch: string): string {
  if (/^[0-9A-Za-z]$/.test(ch)) return ch;
  const code = ch.codePointAt(0)!;
  const ways = [escapeRegExp(ch)];
  if (ch === " ") ways.push("\\+");
  ways.push([...new TextEncoder().encode(ch)].map((b) => `%(?:25)?${hexAnyCase(b, 2)}`).join(""));
  const entities = [`#0{0,6}${code};?`, `#[xX]0{0,6}${hexAnyCase(code)};?`];
  ways.push(`&(?:${[...entities, ...NAMED_ENTITIES[ch] ?? []].join("|")})`);
  const units = Array.from({ length: ch.length }, (_, i) => ch.charCodeAt(i));
  const escapes = [units.map((u) => `u${hexAnyCase(u, 4)}`).join(BACKSLASHES)];
  if (code < 0x100) escapes.push(`x${hexAnyCase(code, 2)}`);
  if (code < 0x80) escapes.push(escapeRegExp(ch));
  if (SHORT_ESCAPES[ch]) escapes.push(SHORT_ESCAPES[ch]);
  ways.push(`${BACKSLASHES}(?:${escapes.join("|")})`);
  return `(?:${ways.join("|")})`;
}

/**
 * The longest run of ASCII letters and digits in `form`: every encoded form
 * of the secret holds it verbatim, so text without it needs no regex at all.
 */
function anchorOf(form: string): string | undefined {
  const runs = form.match(/[0-9A-Za-z]+/g) ?? [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), "");
  return longest.length >= 3 ? longest : undefined;
}

/** How one form of a secret is found in text. */
interface Matcher {
  anchor: string | undefined;
  /** Built on first need: most runs never see a text that holds the anchor. */
  pattern: () => RegExp;
}

/** A regex matching `form` with any of its characters in any encoding. */
function formMatcher(form: string): Matcher {
  let pattern: RegExp | undefined;
  return {
    anchor: anchorOf(form),
    pattern: () => {
      if (!pattern) {
        let source = "";
        for (const ch of form) source += characterPattern(ch);
        pattern = new RegExp(source, "g");
      }
      return pattern;
    },
  };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Standard padded base64. Not `btoa`: its first call loads a part of the
 * runtime that costs a CLI start almost a millisecond, for a few bytes.
 */
function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63] +
      (left > 1 ? BASE64[(n >> 6) & 63] : "=") + (left > 2 ? BASE64[n & 63] : "=");
  }
  return out;
}

const urlSafe = (b64: string) => b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/**
 * The base64 forms of `value`: whole (padded, and URL-safe), and the part
 * that stays the same wherever the value sits inside a longer encoded text
 * (`user:token`, `x-access-token:token`), for each of base64's three
 * alignments.
 */
function base64Forms(value: string): string[] {
  const bytes = new TextEncoder().encode(value);
  const whole = base64(bytes);
  const forms = [whole, urlSafe(whole)];
  for (let shift = 0; shift < 3; shift++) {
    const placed = new Uint8Array(shift + bytes.length + 2);
    placed.set(bytes, shift);
    // Keep the characters whose six bits all come from the value's bytes.
    const first = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * (shift + bytes.length)) / 6);
    const inner = base64(placed).slice(first, end);
    if (inner.length >= MIN_FRAGMENT_LENGTH) forms.push(inner, urlSafe(inner));
  }
  return forms;
}

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The literal forms {@linkcode SecretRegistry.values} lists (for log masks). */
function literalForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const percent = encodeURIComponent(value);
  const bytes = new TextEncoder().encode(value);
  return [
    value,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2),
    htmlEscape(value),
    json,
    json.replace(/\//g, "\\/"),
    base64(bytes),
    urlSafe(base64(bytes)),
  ];
}

/**
 * A set of secret values, each masked in its common encodings.
 *
 * @example
 * ```ts
 * import { SecretRegistry } from "./secrets.ts";
 * const secrets = new SecretRegistry();
 * secrets.add("ghp_s3cr3t/t0ken+x");
 * console.log(secrets.redact("token=ghp_s3cr3t%2Ft0ken%2bx")); // "token=***"
 * ```
 */
export class SecretRegistry implements Secrets {
  #values = new Set<string>();
  /** How to find each form, by form; applied longest form first. */
  #matchers = new Map<string, Matcher>();
  #order: Matcher[] | undefined;

  /** Mask `value` (and its encodings) from now on; values under 4 characters are ignored. */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    for (const form of literalForms(value)) {
      if (form.length >= MIN_SECRET_LENGTH) this.#values.add(form);
    }
    for (const form of [value, ...base64Forms(value)]) {
      if (!this.#matchers.has(form)) this.#matchers.set(form, formMatcher(form));
    }
    this.#order = undefined;
  }

  /** Register `user:password` as sent in a Basic header, and each part. */
  addBasic(user: string | undefined, password: string | undefined): void {
    this.add(password);
    if (user && password) this.add(`${user}:${password}`);
  }

  /** `text` with every registered secret, in any encoding known here, replaced by `***`. */
  redact(text: string): string {
    if (!text) return text;
    // Longest first, so a value containing another is masked whole.
    this.#order ??= [...this.#matchers]
      .sort(([a], [b]) => b.length - a.length)
      .map(([, matcher]) => matcher);
    let result = text;
    for (const { anchor, pattern } of this.#order) {
      if (anchor !== undefined && !result.includes(anchor)) continue;
      result = result.replace(pattern(), MASK);
    }
    return result;
  }

  /** The registered values and their literal encodings, longest first. */
  values(): string[] {
    return [...this.#values].sort((a, b) => b.length - a.length);
  }
}

/** Render log arguments to one string, as `console` would roughly do. */
/**
 * The `Authorization` value of HTTP Basic for `account:secret` (UTF-8). The
 * pair is registered with `secrets` first: the header carries it encoded, and
 * neither it nor its base64 may ever be written anywhere.
 *
 * @example
 * ```ts ignore
 * basicAuthorization("me@example.com", "token", secrets); // "Basic bWVAZXhhbXBsZS5jb206dG9rZW4="
 * ```
 */
export function basicAuthorization(account: string, secret: string, secrets?: Secrets): string {
  const pair = `${account}:${secret}`;
  secrets?.add(pair);
  return `Basic ${base64(new TextEncoder().encode(pair))}`;
}

export function formatArgs(args: unknown[]): string {
  return args.map((arg) => {
    if (typeof arg === "string") return arg;
    if (arg instanceof Error) return arg.message;
    try {
      // `undefined`, functions and symbols stringify to nothing: show them.
      return JSON.stringify(arg) ?? String(arg);
    } catch {
      return String(arg);
    }
  }).join(" ");
}

/**
 * Wrap a logger: every line is prefixed (`[GitHub] …`) and every registered
 * secret masked. Arguments are flattened to one string first, so no object
 * holding a token can slip past the mask.
 */
export function redactingLogger(base: Logger, prefix: string, secrets: Secrets): Logger {
  const line = (args: unknown[]) =>
    secrets.redact(`${prefix ? `[${prefix}] ` : ""}${formatArgs(args)}`);
  return {
    debug: (...args) => base.debug(line(args)),
    info: (...args) => base.info(line(args)),
    warn: (...args) => base.warn(line(args)),
    error: (...args) => base.error(line(args)),
  };
}

/** Mask secrets in an error message, for results that carry `error`. */
export function redactError(error: unknown, secrets: Secrets): string {
  const message = error instanceof Error ? error.message : String(error);
  return secrets.redact(message);
}
