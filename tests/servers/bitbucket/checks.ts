/**
 * The request checks of the fake Bitbucket: pages (`page`, `pagelen`), BBQL
 * filters and body fields. Each throws a {@linkcode Refusal} carrying
 * Bitbucket's answer and, for a client mistake, the violation.
 *
 * @module
 */

import { type Call, pageOf, Refusal, type Reply, withQuery } from "../_base.ts";
import type { FakeBitbucket } from "../bitbucket.ts";
import { type BbqlNode, evaluate, fieldsOf, parseBbql } from "./bbql.ts";
import type { RecordedRequest } from "./model.ts";
import { bbError } from "./views.ts";

/** One page of `items`, with Bitbucket's envelope and an absolute `next`. */
export function page<T>(
  bb: FakeBitbucket,
  items: T[],
  call: Call<RecordedRequest>,
  maxPagelen: number,
): Reply {
  const pagelen = int(call.query, "pagelen", bb.defaultPagelen, 1, maxPagelen);
  const page = int(call.query, "page", 1, 1, 1_000_000);
  const { items: values, pages } = pageOf(items, page, pagelen);
  const body: Record<string, unknown> = { pagelen, size: items.length, values, page };
  if (page < pages) body.next = withQuery(call.url, { page: page + 1 });
  if (page > 1) body.previous = withQuery(call.url, { page: page - 1 });
  return { status: 200, body };
}

function int(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new Refusal(
      bbError(400, `Invalid ${name}`),
      `${name}=${raw} is not an integer in [${min}, ${max}]`,
    );
  }
  return value;
}

/** Filter by BBQL `q`, refusing malformed queries and unknown fields. */
export function bbql<T>(
  items: T[],
  call: Call<RecordedRequest>,
  fields: Record<string, (item: T) => unknown>,
): T[] {
  const q = call.query.get("q");
  if (q === null) return items;
  let node: BbqlNode;
  try {
    node = parseBbql(q);
  } catch (error) {
    throw new Refusal(
      bbError(400, "Invalid query string", { detail: (error as Error).message }),
      `malformed BBQL ${JSON.stringify(q)}: ${(error as Error).message}`,
    );
  }
  for (const field of fieldsOf(node)) {
    if (!(field in fields)) {
      throw new Refusal(
        bbError(400, `Invalid field name: ${field}`),
        `BBQL field ${JSON.stringify(field)} is not filterable here`,
      );
    }
  }
  return items.filter((item) => evaluate(node, (field) => fields[field](item)));
}

/** Refuse body properties outside `allowed`; `required` must be present. */
export function fields(
  body: Record<string, unknown>,
  allowed: string[],
  required: string[] = [],
): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    throw new Refusal(
      bbError(400, `${unknown[0]}: Unknown field`, {
        fields: Object.fromEntries(unknown.map((k) => [k, ["Unknown field"]])),
      }),
      `unknown body field(s) ${unknown.join(", ")}`,
    );
  }
  for (const name of required) {
    if (body[name] === undefined || body[name] === null || body[name] === "") {
      throw new Refusal(
        bbError(400, `${name}: This field is required.`, {
          fields: { [name]: ["This field is required."] },
        }),
        `required body field ${name} missing`,
      );
    }
  }
}

/** `value`, when given, is a string. */
export function string(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== "string") {
    throw new Refusal(bbError(400, `${name}: Not a string`), `${name} must be a string`);
  }
}

/** `value`, when given, is one of `choices`. */
export function oneOf(value: unknown, name: string, choices: readonly string[]): void {
  if (value !== undefined && !choices.includes(value as string)) {
    throw new Refusal(
      bbError(400, `${name}: Invalid value`),
      `${name} ${JSON.stringify(value)} is not one of ${choices.join(", ")}`,
    );
  }
}
