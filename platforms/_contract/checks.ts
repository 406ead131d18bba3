/**
 * The kit's assertions: what a contract value looks like, what each method's
 * empty value is, and that no secret shows in a text. Messages never quote a
 * value that may hold a secret.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { CiResult } from "../types.ts";

/** Every conclusion a wait may end with. */
export const CONCLUSIONS: readonly string[] = [
  "success",
  "failure",
  "cancelled",
  "no_runs",
  "timeout",
];

/** Commit SHAs a wait must refuse before any request. */
export const BAD_SHAS: readonly string[] = [
  "",
  "xyz",
  "abc12",
  "g".repeat(40),
  "a".repeat(41),
  "../../etc/passwd",
  "1234567 ",
];

/** Branch names git refuses: every branching call refuses them before any request. */
export const BAD_BRANCHES: readonly string[] = [
  "",
  "a..b",
  "has space",
  "-x",
  "x.lock",
  "x/",
  "a~b",
];

/** Days no PACE run has: refused before the adapter runs. */
export const BAD_DAYS: readonly number[] = [0, -1, 1.5, 1e9, NaN];

/** What a method resolves with: its type, and its empty value on failure. */
export type Kind = "text" | "flag" | "maybe" | "wait";

/** `result` has the shape of a {@linkcode CiResult} for `sha`. */
export function assertCiResult(result: CiResult, sha: string): void {
  assert.ok(result !== null && typeof result === "object", "a wait resolves a CiResult object");
  assert.ok(
    CONCLUSIONS.includes(result.conclusion),
    `unknown conclusion ${JSON.stringify(String(result.conclusion).slice(0, 40))}`,
  );
  assert.equal(typeof result.url, "string", "CiResult.url is a string");
  assert.equal(typeof result.name, "string", "CiResult.name is a string");
  assert.equal(result.sha, sha, "the SHA asked for is echoed");
  if (result.error !== undefined) assert.equal(typeof result.error, "string", "error is a string");
}

/** `value` has the type of a method of this kind. */
export function assertKind(kind: Kind, value: unknown, what: string, sha = ""): void {
  if (kind === "wait") return assertCiResult(value as CiResult, sha);
  const ok = kind === "text"
    ? typeof value === "string"
    : kind === "flag"
    ? typeof value === "boolean"
    : value === undefined || typeof value === "string";
  const expected = { text: "a string", flag: "a boolean", maybe: "a string or undefined" }[kind];
  assert.ok(ok, `${what} resolves ${expected}, got ${typeof value}`);
}

/**
 * `value` is the empty value of its kind: `""`, `false`, `undefined`, or a
 * wait that neither passed nor failed and says why.
 */
export function assertEmpty(kind: Kind, value: unknown, what: string, sha = ""): void {
  assertKind(kind, value, what, sha);
  if (kind === "wait") {
    const result = value as CiResult;
    assert.ok(
      result.conclusion !== "success" && result.conclusion !== "failure",
      `${what} cannot know the CI's verdict, got ${result.conclusion}`,
    );
    assert.ok(result.error, `${what} carries an error saying why`);
    return;
  }
  const empty = { text: "", flag: false, maybe: undefined }[kind];
  assert.ok(value === empty, `${what} resolves ${JSON.stringify(empty) ?? "undefined"}`);
}

/** No text holds any of `secrets` (the message never shows which, nor where). */
export function assertNoSecret(texts: readonly string[], secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (!secret) continue;
    for (const text of texts) assert.ok(!text.includes(secret), "a secret leaked");
  }
}
