// The one settings reader: unset, invalid and credential-carrying variables.
import { SecretRegistry } from "../platforms/_core/secrets.ts";
import { isPathSegment, Settings, urlProblem } from "../platforms/_core/settings.ts";
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";

Deno.test("settings: an unset required variable is named; an optional one is undefined", () => {
  const s = new Settings({ A: " x ", EMPTY: "  " });
  assertEquals(s.required("A"), "x");
  assertEquals(s.required("EMPTY"), "");
  assertEquals(s.optional("NOPE"), undefined);
  assertEquals(s.problems, ["EMPTY"]);
});

Deno.test("settings: an invalid URL is a problem, never a silent fall-back to the default", () => {
  const s = new Settings({ GITHUB_API_URL: "foo" });
  s.url("GITHUB_API_URL", "https://api.github.com");
  assertEquals(s.problems.length, 1);
  assertStringIncludes(s.problems[0], 'GITHUB_API_URL is not a URL, got "foo"');
});

Deno.test("settings: a URL carrying credentials is refused and the password never shown", () => {
  const s = new Settings({ GITLAB_URL: "https://user:pw-secret@gitlab.example.com" });
  s.url("GITLAB_URL", "https://gitlab.com");
  assertEquals(s.problems.length, 1);
  assertStringIncludes(s.problems[0], "must not carry credentials");
  assert(!s.problems[0].includes("pw-secret"), s.problems[0]);
});

Deno.test("settings: URLs keep their sub-path, lose trailing slashes, default when unset", () => {
  const s = new Settings({ U: "https://git.example.com/gitea/" });
  assertEquals(s.url("U"), "https://git.example.com/gitea");
  assertEquals(s.url("UNSET", "https://api.example.com/"), "https://api.example.com");
  assertEquals(s.problems, []);
  assertEquals(urlProblem("ftp://x"), "must be an http(s) URL");
  assertEquals(urlProblem("https://x/?a=1"), "must not carry a query or fragment");
});

Deno.test("settings: secrets are registered for masking, untrimmed too", () => {
  const secrets = new SecretRegistry();
  const s = new Settings({ T: "tok-123456\n" }, secrets);
  assertEquals(s.secret("T"), "tok-123456");
  assertEquals(secrets.redact("sent tok-123456"), "sent ***");
});

Deno.test("settings: a value of the wrong form says which form", () => {
  const s = new Settings({ GITHUB_REPOSITORY: "no-slash" });
  assertEquals(s.matching("GITHUB_REPOSITORY", /^([^/]+)\/([^/]+)$/, "owner/repo"), undefined);
  assertStringIncludes(s.problems[0], 'GITHUB_REPOSITORY must be owner/repo, got "no-slash"');
});

Deno.test("isPathSegment: dot segments and separators never pass", () => {
  for (const bad of ["..", ".", "a/b", "a%2Fb", "", "%2E%2E", "a b"]) {
    assert(!isPathSegment(bad), bad);
  }
  for (const good of ["octo", "repo.js", "my_repo-2", ".github"]) assert(isPathSegment(good), good);
});
