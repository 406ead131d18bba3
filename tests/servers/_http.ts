/**
 * The vocabulary of the fake platform servers — requests as recorded and as
 * served, routes, scripted faults, replies — and the HTTP pieces they share:
 * path templates, credentials, offset pages. No server state.
 *
 * ```ts
 * matchPath("/projects/:id/pipelines", "/projects/g%2Fp/pipelines"); // { params: { id: "g/p" } }
 * checkCredentials(headers, [{ scheme: "bearer", token: "t0ken" }]); // { ok: true, … }
 * json(201, { id: 1 }); // { status: 201, body: { id: 1 } }
 * ```
 *
 * @module
 */

import type { ScriptMatch } from "./_script.ts";

// ---------------------------------------------------------------------------
// Replies

/** An answer before it is written. */
export interface Reply {
  status: number;
  /** A string is sent as it is; anything else as JSON; `undefined`: no body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A JSON answer (a string `body` is sent as is: a malformed body). */
export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

/** A plain-text answer. */
export function text(status: number, body: string, headers?: Record<string, string>): Reply {
  return { status, body, headers: { "content-type": "text/plain;charset=utf-8", ...headers } };
}

/** An HTML answer. */
export function html(status: number, body: string, headers?: Record<string, string>): Reply {
  return { status, body, headers: { "content-type": "text/html;charset=utf-8", ...headers } };
}

/** An answer without a body (`204` unless told). */
export function empty(status = 204, headers?: Record<string, string>): Reply {
  return headers ? { status, headers } : { status };
}

// ---------------------------------------------------------------------------
// Requests and routes

/** One request as a fake platform server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path below the server's mount, as sent (still encoded), without the query. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** Parsed JSON body, the raw text when not JSON, `undefined` when empty. */
  body: unknown;
  /** Status answered; `0` for a dropped connection, `-1` while pending. */
  status: number;
}

/** A request on its way through a {@linkcode FakeServer}. */
export interface Call<R extends RecordedRequest = RecordedRequest> {
  readonly request: Request;
  readonly url: URL;
  readonly method: string;
  /** Below the mount, without the query (the whole pathname when outside it). */
  readonly path: string;
  /** Whether the path is below the mount. */
  readonly inside: boolean;
  readonly query: URLSearchParams;
  readonly headers: Headers;
  /** The raw body. */
  readonly text: string;
  /** Parsed JSON, the raw text when not JSON, `undefined` when empty. */
  // deno-lint-ignore no-explicit-any
  readonly body: any;
  /** A body was sent and it is not JSON. */
  readonly malformed: boolean;
  /** `METHOD path?query`: what a violation is about. */
  readonly label: string;
  readonly record: R;
  /** The route being served, once found. */
  route?: Route<R>;
  /** The route's path parameters (`:name` segments or named groups), decoded. */
  params: Record<string, string>;
  /** The route's RegExp match, for a RegExp route. */
  match?: RegExpExecArray;
}

/** What a route does with a request. */
export type Handler<R extends RecordedRequest = RecordedRequest> = (
  call: Call<R>,
) => Reply | Promise<Reply>;

/** One entry of a route table. */
export interface Route<R extends RecordedRequest = RecordedRequest> {
  /** `"GET"`, or the methods it serves; `"*"`: any. */
  method: string | readonly string[];
  /**
   * A template (`/projects/:id/pipelines`: a `:name` segment matches one
   * non-empty segment, URL-decoded into `call.params`) or a RegExp tested
   * against the whole path (named groups land in `call.params`).
   */
  path: string | RegExp;
  /** The query parameters the platform documents; others are refused. Default: not checked. */
  query?: readonly string[];
  handler: Handler<R>;
}

/** A route table entry, in one line. */
export function route<R extends RecordedRequest>(
  method: Route<R>["method"],
  path: string | RegExp,
  handler: Handler<R>,
  query?: readonly string[],
): Route<R> {
  return query ? { method, path, handler, query } : { method, path, handler };
}

/** A scripted answer; see {@linkcode FakeServer.script}. */
export interface ScriptRule extends ScriptMatch {
  /** Answer with this status (default 200 when `body` or `headers` is given). */
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string (a string is sent as is: a malformed body). */
  body?: unknown;
  /**
   * Wait this long first; without status, body or headers the normal answer
   * follows (a delay). Ends early, dropping the connection, when the server closes.
   */
  hangMs?: number;
  /** Send no usable answer: the response body errors, the client sees a network error. */
  drop?: boolean;
  /** Carry the request out normally, then answer with the scripted status (default 502). */
  perform?: boolean;
}

/** A thrown answer; with a `problem`, also a violation. */
export class Refusal extends Error {
  constructor(readonly reply: Reply, readonly problem?: string) {
    super(problem ?? `refused (${reply.status})`);
  }
}

// ---------------------------------------------------------------------------
// Paths

/** `decodeURIComponent`, or `undefined` for a malformed escape. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Match `path` against a template (`/a/:name/b`: a `:name` segment matches one
 * non-empty segment, decoded) or a RegExp (named groups become params).
 */
export function matchPath(
  pattern: string | RegExp,
  path: string,
): { params: Record<string, string>; match?: RegExpExecArray } | undefined {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    const match = pattern.exec(path);
    if (!match) return undefined;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      if (value !== undefined) params[name] = decodeSegment(value) ?? value;
    }
    return { params, match };
  }
  const parts = pattern.replace(/^\//, "").split("/");
  const segments = path.replace(/^\//, "").split("/");
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(":")) {
      const value = decodeSegment(segments[i]);
      if (!value) return undefined;
      params[parts[i].slice(1)] = value;
    } else if (parts[i] !== segments[i]) {
      return undefined;
    }
  }
  return { params };
}

// ---------------------------------------------------------------------------
// Credentials

/** One way a request may prove who it is; `name` tells the accepted ones apart. */
export type Credential =
  | { scheme: "bearer" | "token"; token: string; name?: string }
  | { scheme: "basic"; user: string; password: string; name?: string }
  | { header: string; token: string; name?: string };

/** How a request's credentials compare with the accepted ones. */
export type AuthCheck =
  | { ok: true; credential: Credential; user?: string }
  | {
    ok: false;
    /** The `Authorization` scheme presented (lower case), a token header's name, or `"none"`. */
    scheme: string;
    /** Whether an accepted credential uses that scheme (only the secret was wrong). */
    known: boolean;
    /** The user of a Basic credential, when it decoded. */
    user?: string;
  };

/** UTF-8 text in base64. */
export function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `Basic base64(user:secret)`. */
export function basicAuthorization(user: string, secret: string): string {
  return `Basic ${base64(`${user}:${secret}`)}`;
}

/** The user and secret of a Basic credential (the part after `Basic `). */
export function parseBasic(value: string): { user: string; secret: string } | undefined {
  if (!/^[A-Za-z0-9+/=]+$/.test(value)) return undefined;
  try {
    const text = new TextDecoder().decode(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
    const colon = text.indexOf(":");
    return colon < 0 ? undefined : { user: text.slice(0, colon), secret: text.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

/** Compare the request's `Authorization` (and token headers) with the `accepted` credentials. */
export function checkCredentials(headers: Headers, accepted: readonly Credential[]): AuthCheck {
  const authorization = headers.get("authorization") ?? "";
  const parsed = /^(\S+)\s+(.*?)\s*$/.exec(authorization);
  const scheme = parsed ? parsed[1].toLowerCase() : authorization ? "unknown" : "none";
  const value = parsed?.[2] ?? "";
  const basic = scheme === "basic" ? parseBasic(value) : undefined;
  if (accepted.length === 0) return { ok: true, credential: { header: "", token: "" } };
  for (const credential of accepted) {
    if ("header" in credential) {
      if (headers.get(credential.header) === credential.token) return { ok: true, credential };
    } else if (credential.scheme === "basic") {
      if (basic && basic.user === credential.user && basic.secret === credential.password) {
        return { ok: true, credential, user: basic.user };
      }
    } else if (credential.scheme === scheme && value === credential.token) {
      return { ok: true, credential };
    }
  }
  const header = accepted.find((c) => "header" in c && headers.has(c.header));
  if (header && "header" in header) return { ok: false, scheme: header.header, known: true };
  const known = accepted.some((c) => "scheme" in c && c.scheme === scheme);
  return { ok: false, scheme, known, user: basic?.user };
}

// ---------------------------------------------------------------------------
// Pages

/** One page of a list cut by offset. */
export interface Page<T> {
  items: T[];
  /** 1-based. */
  page: number;
  size: number;
  total: number;
  /** At least 1. */
  pages: number;
}

/** Page `page` (1-based) of `items`, `size` a page. */
export function pageOf<T>(items: T[], page: number, size: number): Page<T> {
  return {
    items: items.slice((page - 1) * size, page * size),
    page,
    size,
    total: items.length,
    pages: Math.max(1, Math.ceil(items.length / size)),
  };
}

/** `url` with the `changes` set in its query. */
export function withQuery(url: URL | string, changes: Record<string, string | number>): string {
  const next = new URL(url);
  for (const [name, value] of Object.entries(changes)) next.searchParams.set(name, String(value));
  return next.href;
}

/** A `Link` header: `<href>; rel="rel"`, joined. */
export function linkHeader(links: [rel: string, href: string][]): string {
  return links.map(([rel, href]) => `<${href}>; rel="${rel}"`).join(", ");
}

// ---------------------------------------------------------------------------
// Bodies

/** A JSON object (not an array, not `null`). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
