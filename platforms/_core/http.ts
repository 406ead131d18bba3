/**
 * The one HTTP core every remote platform talks through.
 *
 * {@linkcode createHttpFetch} builds a `fetch` with one time budget for the
 * whole call (retries, waits and the body included), exponential backoff with
 * jitter on network errors and transient answers (408, 425, 429, every 5xx, a
 * 304 nobody asked for), `Retry-After` and GitHub's rate-limit reset honoured,
 * POST retried only when the server certainly did not act on it, credentials
 * attached only to the configured origin (a redirect elsewhere is followed
 * without them), Deno's permission refusals reported as such. Every body is
 * read whole before the caller sees it, never past a size cap (8 MiB by
 * default), and a successful answer that must be JSON and is not is an
 * error, so a broken answer can never read as an empty one.
 *
 * Octokit receives this fetch; the other platforms use {@linkcode HttpClient},
 * a thin JSON layer over the same engine, and {@linkcode readPages} for lists
 * that come in pages: each platform names only its rule for the next page,
 * and an answer that is not a list is an error, never "nothing found".
 *
 * @module
 */

export { errorFromResponse, HttpError, type HttpErrorKind } from "./http/errors.ts";
export { isRetryableStatus, retryDelayFromHeaders, sleep } from "./http/retry.ts";
export { DEFAULT_MAX_BODY_BYTES } from "./http/body.ts";
export { createHttpFetch, DEFAULT_TIMEOUT_MS, type HttpOptions } from "./http/fetch.ts";
export { HttpClient, type JsonRequest, type JsonResponse } from "./http/client.ts";
export { type LinkTarget, linkTo, parseLinkHeader } from "./http/link.ts";
export {
  allPages,
  DEFAULT_MAX_PAGES,
  followLink,
  hasNextLink,
  moreByTotalCount,
  type NextPage,
  notAListError,
  pageNumbers,
  type PageReader,
  type PageRequest,
  type PagesOptions,
  type PageState,
  readPages,
} from "./http/pages.ts";
