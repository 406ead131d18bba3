/**
 * Reading a list that comes in pages, written once: ask for a page, find
 * the list in the answer, let the platform's rule say which page comes next
 * (a `Link: rel="next"` URL, a total-count header, a next-page header, a URL
 * in the body…), and stop at a page cap or when the caller's signal aborts.
 *
 * An answer that is not a list is an error, never an empty page: a lookup
 * that reads a broken answer as "nothing found" goes on to create a
 * duplicate.
 *
 * @module
 */

import type { JsonRequest, JsonResponse } from "./client.ts";
import { HttpError } from "./errors.ts";
import { linkTo } from "./link.ts";

/** Pages read per list unless the caller says otherwise. */
export const DEFAULT_MAX_PAGES = 50;

/** Where one page is asked for: a path (relative to the API base, or absolute) and its query. */
export interface PageRequest {
  /** Relative to the client's base URL, or an absolute URL (a `next` link). */
  path: string;
  /** Query parameters; `undefined` values are left out. */
  query?: JsonRequest["query"];
}

/** What a platform's rule sees after each page, to name the next one. */
export interface PageState {
  /** The answer of the page just read. */
  answer: JsonResponse<unknown>;
  /** How that page was asked for. */
  request: PageRequest;
  /** Its items. */
  batch: readonly unknown[];
  /** Items read so far, this page's included. */
  count: number;
  /** Pages read so far, this one included: 1 after the first. */
  page: number;
}

/** A platform's paging rule: the next page to ask for, or `undefined` when the list is done. */
export type NextPage = (state: PageState) => PageRequest | undefined;

/** What sends a page's request: an `HttpClient`, or a wrapper that explains its errors. */
export interface PageReader {
  /** Send one request; throw for a failed answer. */
  request(method: string, path: string, init?: JsonRequest): Promise<JsonResponse<unknown>>;
}

/** How {@linkcode readPages} reads one list. */
export interface PagesOptions {
  /** Names the platform in errors (`Gitea`). */
  platform: string;
  /** The platform's paging rule. */
  next: NextPage;
  /** Stop after this many pages, so a runaway chain cannot go on forever. Default 50. */
  maxPages?: number;
  /** The caller's signal: no page is asked for once it aborts. */
  signal?: AbortSignal;
  /** Finds the list in an answer that wraps it (`{ values: [...] }`); default: the answer. */
  pick?: (data: unknown) => unknown;
}

/**
 * The error for an answer that should have been a list and is not: a parse
 * error, retryable (a proxy's page or a half-deployed server may answer
 * better next time), naming the platform and the request.
 *
 * @example
 * ```ts
 * import { notAListError } from "./pages.ts";
 * const error = notAListError("Acme", "GET /api/items");
 * console.log(error.message); // "Acme: GET /api/items answered something that is not a list"
 * ```
 */
export function notAListError(platform: string, where: string, status = 200): HttpError {
  return new HttpError(`${platform}: ${where} answered something that is not a list`, {
    status,
    kind: "parse",
    retryable: true,
  });
}

/**
 * The pages of a list, one batch per page, from `first` on while `next`
 * names another page and fewer than `maxPages` were read. The next page is
 * asked for only when the consumer wants it, so a `for await` that stops
 * early sends nothing more. Throws {@linkcode notAListError} for an answer
 * that is not a list, the signal's reason once it aborts, and whatever the
 * client throws.
 *
 * @example
 * ```ts ignore
 * for await (const batch of readPages(client, { path: "items" }, { platform: "Acme", next: followLink })) {
 *   console.log(batch.length);
 * }
 * ```
 */
export async function* readPages<T>(
  client: PageReader,
  first: PageRequest,
  options: PagesOptions,
): AsyncGenerator<T[], void, undefined> {
  const { platform, next, signal, maxPages = DEFAULT_MAX_PAGES, pick = (data) => data } = options;
  let request: PageRequest | undefined = first;
  let count = 0;
  for (let page = 1; request && page <= maxPages; page++) {
    signal?.throwIfAborted();
    const answer: JsonResponse<unknown> = await client.request("GET", request.path, {
      query: request.query,
      signal,
    });
    const batch = pick(answer.data);
    if (!Array.isArray(batch)) {
      throw notAListError(
        platform,
        `GET ${answer.url.origin}${answer.url.pathname}`,
        answer.status,
      );
    }
    count += batch.length;
    yield batch as T[];
    request = next({ answer, request, batch, count, page });
  }
}

/**
 * Every item of a paged list; see {@linkcode readPages}.
 *
 * @example
 * ```ts ignore
 * const items = await allPages<{ id: number }>(client, { path: "items", query: { page: 1 } }, {
 *   platform: "Acme",
 *   next: pageNumbers((state) => moreByTotalCount(state) ?? false),
 * });
 * ```
 */
export async function allPages<T>(
  client: PageReader,
  first: PageRequest,
  options: PagesOptions,
): Promise<T[]> {
  const items: T[] = [];
  for await (const batch of readPages<T>(client, first, options)) items.push(...batch);
  return items;
}

/**
 * Follow the answer's `Link: rel="next"` URL, resolved against the page's
 * own; the list ends where there is none, or where it points at another
 * origin (credentials never travel there, and a list cannot continue
 * somewhere else).
 *
 * @example
 * ```ts ignore
 * const items = await allPages(client, { path: "items" }, { platform: "Acme", next: followLink });
 * ```
 */
export function followLink(state: PageState): PageRequest | undefined {
  const link = linkTo(state.answer.headers.get("link"));
  if (link === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(link, state.answer.url);
  } catch {
    return undefined;
  }
  return url.origin === state.answer.url.origin ? { path: url.href } : undefined;
}

/** Whether the answer's `Link` header names a next page. */
export function hasNextLink(state: PageState): boolean {
  return linkTo(state.answer.headers.get("link")) !== undefined;
}

/**
 * Whether a total-count header (`X-Total-Count` by default) says more items
 * exist than were read; `undefined` when the answer has no such count. A
 * server may serve smaller pages than asked for, so the count decides, not
 * the page's size.
 */
export function moreByTotalCount(state: PageState, header = "x-total-count"): boolean | undefined {
  const raw = state.answer.headers.get(header);
  const total = raw === null || !raw.trim() ? NaN : Number(raw);
  return Number.isFinite(total) ? state.count < total : undefined;
}

/**
 * A rule that asks for the same request with `page` one higher while
 * `more` says the list goes on (numbered pages, counted from 1).
 *
 * @example
 * ```ts ignore
 * const next = pageNumbers((state) => moreByTotalCount(state) ?? hasNextLink(state));
 * ```
 */
export function pageNumbers(more: (state: PageState) => boolean): NextPage {
  return (state) => {
    if (!more(state)) return undefined;
    const { path, query } = state.request;
    return { path, query: { ...query, page: Number(query?.page ?? 1) + 1 } };
  };
}
