/**
 * What the fake GitLab checks and answers around its routes: parameter
 * declarations (Grape's types, enumerations and sizes), error bodies and
 * offset pagination (`x-page`, `x-total`, … and `Link`).
 *
 * @module
 */

import { type Call, linkHeader, pageOf, type Reply, type Route, withQuery } from "../_base.ts";
import type { FakeGitLab } from "../gitlab.ts";
import type { RecordedRequest } from "./model.ts";

/** A route and the parameters GitLab documents for it. */
export interface GitLabRoute extends Route<RecordedRequest> {
  /** Documented query parameters. */
  params?: Record<string, Check>;
  /** Documented body parameters; `undefined`: the request takes no body. */
  fields?: Record<string, Check>;
  required?: string[];
  /** At least one of these body parameters (GitLab's `at_least_one_of`). */
  atLeastOne?: string[];
}

/** A parameter check: an error text (`does not have a valid value`), or `undefined`. */
export type Check = (value: unknown) => string | undefined;

const INVALID = "does not have a valid value";

/** Anything goes. */
export const any: Check = () => undefined;
/** A string. */
export const str: Check = (v) => typeof v === "string" ? undefined : INVALID;
/** Digits. */
export const int: Check = (v) => /^\d+$/.test(String(v)) ? undefined : "is invalid";
/** A boolean, or its string. */
export const bool: Check = (v) =>
  typeof v === "boolean" || v === "true" || v === "false" ? undefined : "is invalid";
/** One of `values`. */
export const oneOf = (...values: string[]): Check => (v) =>
  values.includes(String(v)) ? undefined : INVALID;
/** A date `Date.parse` reads. */
export const date: Check = (v) => Number.isNaN(Date.parse(String(v))) ? "is invalid" : undefined;
/** A string of at most `max` characters. */
export const maxLength = (max: number): Check => (v) =>
  typeof v !== "string" ? INVALID : v.length > max ? `is too long (maximum is ${max})` : undefined;

/** `page` and `per_page`. */
export const PAGING = { page: int, per_page: int };

/** A timestamp as GitLab writes it. */
export function now(): string {
  return new Date().toISOString();
}

/** GitLab's `{"message": …}` error body. */
export const message = (status: number, text: unknown): Reply => ({
  status,
  body: { message: text },
});
/** GitLab's `{"error": …}` error body. */
export const errorReply = (status: number, text: string): Reply => ({
  status,
  body: { error: text },
});

/** One page of `items`, with GitLab's pagination headers. */
export function page<T>(gl: FakeGitLab, items: T[], call: Call<RecordedRequest>): Reply {
  const perPage = Math.min(100, Math.max(1, Number(call.query.get("per_page") ?? 20) || 20));
  const { items: body, page, pages, total } = pageOf(
    items,
    Math.max(1, Number(call.query.get("page") ?? 1) || 1),
    perPage,
  );
  const link = (n: number) => withQuery(call.url, { page: n, per_page: perPage });
  const rels: [string, string][] = [];
  if (page < pages) rels.push(["next", link(page + 1)]);
  if (page > 1) rels.push(["prev", link(page - 1)]);
  rels.push(["first", link(1)]);
  if (gl.pagination === "headers") rels.push(["last", link(pages)]);
  const headers: Record<string, string> = { link: linkHeader(rels) };
  if (gl.pagination === "headers") {
    Object.assign(headers, {
      "x-page": String(page),
      "x-per-page": String(perPage),
      "x-total": String(total),
      "x-total-pages": String(pages),
      "x-next-page": page < pages ? String(page + 1) : "",
      "x-prev-page": page > 1 ? String(page - 1) : "",
    });
  }
  return { status: 200, body, headers };
}
