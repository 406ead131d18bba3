/**
 * Secret masking: every registered value, in every form it can reach text
 * (raw, URL-encoded, base64, JSON-escaped, inside a Basic header), is masked
 * in every log line and error.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./_assert.ts";
import {
  formatArgs,
  redactError,
  redactingLogger,
  SecretRegistry,
} from "../platforms/_core/secrets.ts";
import { captureLogger } from "../testing.ts";
import { HttpClient, HttpError } from "../platforms/_core/http.ts";
import { pollCi } from "../platforms/_core/poll.ts";
import { FaultServer } from "./servers/_faults.ts";

const TOKEN = "ghp_abcDEF0123456789xyz";

function b64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

Deno.test("a registered value is masked everywhere it occurs", () => {
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  assertEquals(
    secrets.redact(`Authorization: token ${TOKEN}; again ${TOKEN}${TOKEN}.`),
    "Authorization: token ***; again ******.",
  );
  assertEquals(secrets.redact("nothing secret here"), "nothing secret here");
  assertEquals(secrets.redact(""), "");
});

Deno.test("URL-encoded and base64 forms are masked too", () => {
  const password = "p@ss/word+with spaces&=?";
  const secrets = new SecretRegistry();
  secrets.add(password);
  const encoded = encodeURIComponent(password);
  assert(encoded !== password);
  assertEquals(secrets.redact(`https://x.test/?pw=${encoded}&a=1`), "https://x.test/?pw=***&a=1");
  assertEquals(secrets.redact(`Basic ${b64(password)}`), "Basic ***");
  assertEquals(secrets.redact(`raw ${password} end`), "raw *** end");
});

Deno.test("non-ASCII secrets: the base64 of their UTF-8 bytes is masked", () => {
  const secret = "pässwörd-ünïcode-€";
  const secrets = new SecretRegistry();
  secrets.add(secret);
  assertEquals(secrets.redact(`x ${secret} y`), "x *** y");
  assertEquals(secrets.redact(`x ${b64(secret)} y`), "x *** y");
  assertEquals(secrets.redact(`x ${encodeURIComponent(secret)} y`), "x *** y");
});

Deno.test("values with regex metacharacters are matched literally", () => {
  const secret = "a.b*c+d(e)[f]$^|\\";
  const secrets = new SecretRegistry();
  secrets.add(secret);
  assertEquals(secrets.redact(`<${secret}>`), "<***>");
  // Only the literal value, not what a regex of it would match.
  assertEquals(secrets.redact("aXbbbbc+d(e)[f]$^|\\"), "aXbbbbc+d(e)[f]$^|\\");
});

Deno.test("a secret with quotes or backslashes is masked inside JSON", () => {
  const secret = 'pa"ss\\word99';
  const secrets = new SecretRegistry();
  secrets.add(secret);
  const json = JSON.stringify({ password: secret });
  assertEquals(secrets.redact(json), '{"password":"***"}');
});

Deno.test("longest first: a value containing another is masked whole", () => {
  const secrets = new SecretRegistry();
  secrets.add("abcd");
  secrets.add("abcdefgh");
  assertEquals(secrets.values().slice(0, 1), [b64("abcdefgh")]);
  const values = secrets.values();
  for (let i = 1; i < values.length; i++) {
    assert(values[i - 1].length >= values[i].length, "values() is longest first");
  }
  assertEquals(secrets.redact("x abcdefgh y abcd z"), "x *** y *** z");
  // Order of registration does not matter.
  const reversed = new SecretRegistry();
  reversed.add("abcdefgh");
  reversed.add("abcd");
  assertEquals(reversed.redact("abcdefgh"), "***");
});

Deno.test("short and empty values are ignored", () => {
  const secrets = new SecretRegistry();
  secrets.add(undefined);
  secrets.add("");
  secrets.add("a");
  secrets.add("abc");
  assertEquals(secrets.values(), []);
  assertEquals(secrets.redact("a abc abcd"), "a abc abcd");
  secrets.add("abcd");
  assertEquals(secrets.redact("a abc abcd"), "a abc ***");
});

Deno.test("registering a value twice keeps one entry per form", () => {
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  const once = secrets.values();
  secrets.add(TOKEN);
  assertEquals(secrets.values(), once);
  assert(once.includes(TOKEN));
  assert(once.includes(b64(TOKEN)));
});

Deno.test("addBasic masks user:password as sent in a Basic header, and the password", () => {
  const secrets = new SecretRegistry();
  secrets.addBasic("jenkins-user", "11a2b3c4d5e6f7");
  const header = `Basic ${b64("jenkins-user:11a2b3c4d5e6f7")}`;
  assertEquals(secrets.redact(`Authorization: ${header}`), "Authorization: Basic ***");
  assertEquals(secrets.redact("token 11a2b3c4d5e6f7"), "token ***");
  assertEquals(secrets.redact("https://jenkins-user:11a2b3c4d5e6f7@ci"), "https://***@ci");
  // The user name alone is not a secret.
  assertEquals(secrets.redact("user jenkins-user"), "user jenkins-user");
});

Deno.test("addBasic with a short password still masks the base64 pair", () => {
  const secrets = new SecretRegistry();
  secrets.addBasic("me@example.com", "xyz");
  const header = `Basic ${b64("me@example.com:xyz")}`;
  assertEquals(secrets.redact(header), "Basic ***");
});

Deno.test("addBasic without a password registers nothing", () => {
  const secrets = new SecretRegistry();
  secrets.addBasic("someone", undefined);
  secrets.addBasic(undefined, undefined);
  assertEquals(secrets.values(), []);
});

Deno.test("redactingLogger: prefixed lines, each level to its level, masked", () => {
  const base = captureLogger();
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  const logger = redactingLogger(base, "GitHub", secrets);
  logger.debug("debug", TOKEN);
  logger.info(`info ${TOKEN}`);
  logger.warn("warn", 3);
  logger.error("error");
  assertEquals(base.lines, [
    "debug: [GitHub] debug ***",
    "info: [GitHub] info ***",
    "warn: [GitHub] warn 3",
    "error: [GitHub] error",
  ]);
});

Deno.test("redactingLogger: objects and errors holding the token are masked", () => {
  const base = captureLogger();
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  const logger = redactingLogger(base, "GitLab", secrets);
  logger.info("request", { headers: { authorization: `Bearer ${TOKEN}` }, url: "/x" });
  logger.error(new Error(`401 for ${TOKEN}`));
  logger.warn(["list", TOKEN], { nested: { deeper: [b64(TOKEN)] } });
  assertEquals(base.lines, [
    'info: [GitLab] request {"headers":{"authorization":"Bearer ***"},"url":"/x"}',
    "error: [GitLab] 401 for ***",
    'warn: [GitLab] ["list","***"] {"nested":{"deeper":["***"]}}',
  ]);
  assert(!base.text().includes(TOKEN));
});

Deno.test("redactingLogger: a secret registered later is masked from then on", () => {
  const base = captureLogger();
  const secrets = new SecretRegistry();
  const logger = redactingLogger(base, "Jira", secrets);
  logger.info("before abcd-1234-late");
  secrets.add("abcd-1234-late");
  logger.info("after abcd-1234-late");
  assertEquals(base.lines, [
    "info: [Jira] before abcd-1234-late",
    "info: [Jira] after ***",
  ]);
});

Deno.test("redactingLogger: no prefix, circular objects and odd values do not crash", () => {
  const base = captureLogger();
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  const logger = redactingLogger(base, "", secrets);
  const circular: Record<string, unknown> = { token: TOKEN };
  circular.self = circular;
  logger.info("plain", undefined, null, 10n, circular);
  assertEquals(base.lines.length, 1);
  // No prefix, and the circular object degrades to String() (which holds no token).
  assertEquals(base.lines, ["info: plain undefined null 10 [object Object]"]);
});

Deno.test("redactingLogger: a token in a prefix or spanning arguments is masked", () => {
  const base = captureLogger();
  const secrets = new SecretRegistry();
  secrets.add("split-secret-value");
  const logger = redactingLogger(base, "Bitbucket", secrets);
  logger.info("split-secret", "value"); // joined with a space: not the secret
  logger.info("split-secret-value");
  assertEquals(base.lines, [
    "info: [Bitbucket] split-secret value",
    "info: [Bitbucket] ***",
  ]);
});

Deno.test("formatArgs renders like console, roughly", () => {
  assertEquals(formatArgs(["a", 1, true, null, { b: [1] }]), 'a 1 true null {"b":[1]}');
  assertEquals(formatArgs([new TypeError("boom")]), "boom");
  assertEquals(formatArgs(["x", undefined]), "x undefined");
  assertEquals(formatArgs([]), "");
});

Deno.test("redactError masks Error messages and other thrown values", () => {
  const secrets = new SecretRegistry();
  secrets.add(TOKEN);
  assertEquals(redactError(new Error(`bad ${TOKEN}`), secrets), "bad ***");
  assertEquals(redactError(`thrown string ${TOKEN}`, secrets), "thrown string ***");
  assertStringIncludes(redactError(42, secrets), "42");
});

// ---------------------------------------------------------------------------
// The secret-form matrix: token shapes × the encodings a server echoes them in

/** Tokens with the characters encoders treat differently. */
const SHAPES = [
  "ghp_Ab12/Cd34+Ef56==",
  "p&ss<word>\"quote'semi;colon",
  "with spaces and+plus=eq",
  "ünïcode-€-🔑-T0ken",
  "a\\b/c%d#e?f@g:h~i*j",
  "glpat-AbCdEfGhIjKlMnOpQrSt",
];

const codeOf = (ch: string) => ch.codePointAt(0)!;
const isAlnum = (ch: string) => /^[0-9A-Za-z]$/.test(ch);
const hex4 = (unit: number) => unit.toString(16).padStart(4, "0");
const utf16 = (ch: string) => Array.from({ length: ch.length }, (_, i) => ch.charCodeAt(i));

const HTML_NAMES: Record<string, string> = {
  "&": "amp",
  "<": "lt",
  ">": "gt",
  '"': "quot",
  "'": "apos",
  "/": "sol",
  "+": "plus",
  "=": "equals",
  ";": "semi",
  ":": "colon",
  "%": "percnt",
  "#": "num",
  "?": "quest",
  "@": "commat",
  "\\": "bsol",
  "*": "ast",
  "_": "lowbar",
};

/** Encodings that work character by character: usable whole, or on some characters only. */
const PER_CHARACTER: Record<string, (ch: string) => string> = {
  "percent (encodeURIComponent)": encodeURIComponent,
  "percent, lower-case hex": (ch) =>
    encodeURIComponent(ch).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
  "percent, twice": (ch) => encodeURIComponent(encodeURIComponent(ch)),
  "form-encoded": (ch) => new URLSearchParams({ v: ch }).toString().slice(2),
  "encodeURI": encodeURI,
  "HTML, minimal": (ch) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  "HTML, decimal": (ch) => isAlnum(ch) ? ch : `&#${codeOf(ch)};`,
  "HTML, hex": (ch) => isAlnum(ch) ? ch : `&#x${codeOf(ch).toString(16).toUpperCase()};`,
  "HTML, hex with X and zeros": (ch) => isAlnum(ch) ? ch : `&#X00${codeOf(ch).toString(16)};`,
  "HTML, named": (ch) => HTML_NAMES[ch] ? `&${HTML_NAMES[ch]};` : ch,
  "JSON": (ch) => JSON.stringify(ch).slice(1, -1),
  "JSON, escaped slashes": (ch) => JSON.stringify(ch).slice(1, -1).replace(/\//g, "\\/"),
  "JSON, ASCII only": (ch) =>
    codeOf(ch) > 0x7e ? utf16(ch).map((u) => `\\u${hex4(u)}`).join("") : JSON.stringify(ch)
      .slice(1, -1),
  "JSON, \\u for every symbol": (ch) =>
    isAlnum(ch) ? ch : utf16(ch).map((u) => `\\u${hex4(u).toUpperCase()}`).join(""),
  "JSON inside JSON": (ch) => JSON.stringify(JSON.stringify(ch).slice(1, -1)).slice(1, -1),
  "JSON \\/ inside JSON": (ch) =>
    JSON.stringify(JSON.stringify(ch).slice(1, -1).replace(/\//g, "\\/")).slice(1, -1),
  "JavaScript \\x": (ch) =>
    codeOf(ch) < 0x80 && !isAlnum(ch) ? `\\x${codeOf(ch).toString(16).padStart(2, "0")}` : ch,
};

const whole = (encode: (ch: string) => string) => (text: string) => [...text].map(encode).join("");
const everyOther = (encode: (ch: string) => string) => (text: string) =>
  [...text].map((ch, i) => i % 2 ? ch : encode(ch)).join("");

/** Encodings of the whole value that are not character by character. */
const WHOLE_VALUE: Record<string, (text: string) => string> = {
  "base64": (t) => b64(t),
  "base64url": (t) => b64(t).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  "base64 without padding": (t) => b64(t).replace(/=+$/, ""),
  "Basic user:token": (t) => `Basic ${b64(`someone@example.com:${t}`)}`,
  "Basic x-access-token:token": (t) => `Basic ${b64(`x-access-token:${t}`)}`,
  "Basic token:x": (t) => `Basic ${b64(`${t}:x-oauth-basic`)}`,
  "base64 in a URL": (t) => `?auth=${encodeURIComponent(b64(`u:${t}`))}`,
  "base64 in JSON with \\/": (t) => JSON.stringify(b64(`ab:${t}`)).replace(/\//g, "\\/"),
};

// Decoders for the leak check: a token is leaked when any decoding of the output holds it.

function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function htmlDecode(text: string): string {
  const names = Object.fromEntries(Object.entries(HTML_NAMES).map(([ch, name]) => [name, ch]));
  return text
    .replace(/&#[xX]([0-9a-fA-F]+);?/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&([a-zA-Z]+);/g, (entity, name) => names[name] ?? entity);
}

function jsonUnescape(text: string): string {
  const short: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
  return text.replace(
    /\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))/g,
    (_, u, x, ch) =>
      u ? String.fromCharCode(parseInt(u, 16)) : x ? String.fromCharCode(parseInt(x, 16)) : (
        short[ch] ?? ch
      ),
  );
}

function base64Views(text: string): string[] {
  const views: string[] = [];
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{6,}/g)) {
    const standard = run.replace(/-/g, "+").replace(/_/g, "/");
    for (let offset = 0; offset < 4; offset++) {
      let part = standard.slice(offset);
      if (part.length % 4 === 1) part = part.slice(0, -1);
      try {
        const binary = atob(part.padEnd(Math.ceil(part.length / 4) * 4, "="));
        const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
        views.push(new TextDecoder().decode(bytes));
      } catch {
        // Not base64 at this offset.
      }
    }
  }
  return views;
}

const DECODERS = [
  percentDecode,
  (t: string) => percentDecode(t.replace(/\+/g, " ")),
  htmlDecode,
  jsonUnescape,
];

/** Whether `token` can be read back from `output` by undoing common encodings. */
function leaks(output: string, token: string): boolean {
  let views = new Set([output]);
  for (let depth = 0; depth < 3; depth++) {
    const next = new Set(views);
    for (const view of views) for (const decode of DECODERS) next.add(decode(view));
    views = next;
  }
  for (const view of [...views]) for (const decoded of base64Views(view)) views.add(decoded);
  return [...views].some((view) => view.includes(token));
}

Deno.test("the leak check itself finds each encoding of each shape before redaction", () => {
  for (const token of SHAPES) {
    for (const [name, encode] of Object.entries(PER_CHARACTER)) {
      assert(leaks(`x ${whole(encode)(token)} y`, token), `${name} of ${token}`);
    }
    for (const [name, encode] of Object.entries(WHOLE_VALUE)) {
      assert(leaks(`x ${encode(token)} y`, token), `${name} of ${token}`);
    }
  }
});

Deno.test("secret forms: every shape × encoding, whole or on every other character, is masked", () => {
  let checks = 0;
  const failures: string[] = [];
  for (const token of SHAPES) {
    const secrets = new SecretRegistry();
    secrets.add(token);
    for (const [name, encode] of Object.entries(PER_CHARACTER)) {
      for (
        const [how, apply] of [["whole", whole(encode)], ["partly", everyOther(encode)]] as const
      ) {
        const echoed = apply(token);
        checks++;
        const masked = secrets.redact(`before ${echoed} after`);
        if (masked !== "before *** after") failures.push(`${name} (${how}) of ${token}: ${masked}`);
      }
    }
    for (const [name, encode] of Object.entries(WHOLE_VALUE)) {
      checks++;
      const masked = secrets.redact(`before ${encode(token)} after`);
      if (leaks(masked, token) || !masked.includes("***")) {
        failures.push(`${name} of ${token}: ${masked}`);
      }
    }
  }
  assertEquals(failures, []);
  assert(checks > 200, `${checks} checks`);
});

Deno.test("secret forms: no leak through redactingLogger or redactError, in any argument shape", () => {
  const failures: string[] = [];
  for (const token of SHAPES) {
    const secrets = new SecretRegistry();
    secrets.add(token);
    const echoes = [
      ...Object.values(PER_CHARACTER).flatMap((encode) => [whole(encode), everyOther(encode)]),
      ...Object.values(WHOLE_VALUE),
    ].map((encode) => encode(token));
    for (const echoed of echoes) {
      const base = captureLogger();
      const logger = redactingLogger(base, "Acme", secrets);
      logger.warn(`server said: ${echoed}`);
      logger.error("answer", { body: echoed, nested: [{ again: echoed }] });
      const error = redactError(new Error(`GET /x → 401: ${echoed}`), secrets);
      for (const output of [...base.lines, error]) {
        if (leaks(output, token)) failures.push(`${token} leaked as ${output}`);
      }
    }
  }
  assertEquals(failures, []);
});

Deno.test("a registered user:password pair is masked whole, in its Basic form too", () => {
  const secrets = new SecretRegistry();
  secrets.add("ci-bot@example.com:ATATT3x/FfGF0+abc=");
  const pair = "ci-bot@example.com:ATATT3x/FfGF0+abc=";
  assertEquals(secrets.redact(`Basic ${b64(pair)}`), "Basic ***");
  assertEquals(secrets.redact(encodeURIComponent(pair)), "***");
  assertEquals(secrets.redact(JSON.stringify(b64(pair)).replace(/\//g, "\\/")), '"***"');
});

Deno.test("masking stays fast on hostile text: long runs of escapes and near-misses", () => {
  const secrets = new SecretRegistry();
  secrets.add("/+=/&<>/\\"); // no letters at all: no literal anchor to skip text by
  secrets.add("ghp_Ab12/Cd34+Ef56==");
  const hostile = [
    "\\".repeat(200_000),
    "&#x0000".repeat(30_000),
    "%25".repeat(70_000),
    "ghp_Ab12/Cd34+Ef5".repeat(12_000),
  ];
  for (const text of hostile) {
    // A regex that backtracks would take minutes here; linear matching takes milliseconds.
    const masked = secrets.redact(`Ab12 ${text}`);
    assert(masked.length > 0);
  }
});

Deno.test("a server echoing the token in every encoding: no leak in the log or CiResult.error", async () => {
  const token = "ghp_Ab12/Cd34+Ef56==&<x>";
  const echoes = [
    ...Object.values(PER_CHARACTER).map((encode) => whole(encode)(token)),
    ...Object.values(WHOLE_VALUE).map((encode) => encode(token)),
  ];
  await using server = FaultServer.start((_, { index }) =>
    new Response(`{"message":"Bad credentials","echo":"${echoes[index % echoes.length]}"}`, {
      status: 401,
      headers: { "content-type": "application/json" },
    })
  );
  for (let i = 0; i < echoes.length; i++) {
    const secrets = new SecretRegistry();
    secrets.add(token);
    const base = captureLogger();
    const logger = redactingLogger(base, "Acme", secrets);
    const client = new HttpClient({ baseUrl: server.url, platform: "Acme", secrets, logger });
    const result = await pollCi({
      sha: "0123456789abcdef0123456789abcdef01234567",
      logger,
      secrets,
      probe: async (signal) => {
        await client.request("GET", "statuses", { signal });
        return { state: "none" };
      },
    });
    assertEquals(result.conclusion, "no_runs");
    assertStringIncludes(result.error ?? "", "401");
    for (const output of [result.error ?? "", base.text()]) {
      assert(!leaks(output, token), `echo #${i} leaked: ${output}`);
    }
  }
});

Deno.test("an error body cut short never keeps the first part of a token", async () => {
  const token = "ghp_CutAtTheSnippetEdge_0123456789";
  await using server = FaultServer.start(() =>
    new Response(`${"x".repeat(290)} ${token} and more`, { status: 403 })
  );
  const secrets = new SecretRegistry();
  secrets.add(token);
  const client = new HttpClient({ baseUrl: server.url, platform: "Acme", secrets });
  const error = await assertRejects(() => client.request("GET", "x"), HttpError);
  for (const text of [error.message, error.body]) {
    assert(!text.includes(token.slice(0, 8)), `a token prefix survived: …${text.slice(-40)}`);
  }
});

Deno.test("secrets: the Basic header is standard base64 of the UTF-8 pair, and the pair is masked", async () => {
  const { basicAuthorization, SecretRegistry } = await import("../platforms/_core/secrets.ts");
  for (
    const [account, secret] of [["a", "b"], ["me@example.com", "tok"], ["é", "ñ🙂x"], ["", "12"]]
  ) {
    const secrets = new SecretRegistry();
    const header = basicAuthorization(account, secret, secrets);
    const expected = btoa(String.fromCharCode(...new TextEncoder().encode(`${account}:${secret}`)));
    assertEquals(header, `Basic ${expected}`);
    if (`${account}:${secret}`.length >= 4) {
      assertEquals(secrets.redact(`x ${account}:${secret} ${expected} y`), "x *** *** y");
    }
  }
});
