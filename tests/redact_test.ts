/**
 * Secret masking: every registered value, in every form it can reach text
 * (raw, URL-encoded, base64, JSON-escaped, inside a Basic header), is masked
 * in every log line and error.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import {
  formatArgs,
  redactError,
  redactingLogger,
  SecretRegistry,
} from "../platforms/_core/secrets.ts";
import { captureLogger } from "../testing.ts";

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
