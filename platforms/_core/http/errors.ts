/**
 * The one error type of the HTTP core, and the rendering of a failed answer
 * into it.
 *
 * @module
 */

import type { Secrets } from "../../types.ts";
import { isRetryableStatus, retryDelayFromHeaders } from "./retry.ts";

/**
 * What went wrong, for callers that branch on it. `too_large` is an answer
 * whose body passed the size cap: asking again would bring the same body.
 */
export type HttpErrorKind =
  | "http"
  | "network"
  | "timeout"
  | "permission"
  | "parse"
  | "aborted"
  | "too_large";

/** Characters of a response body kept in an error. */
export const BODY_SNIPPET = 300;

/**
 * A failed request: the status (0 when no answer came), a short redacted body,
 * and whether waiting and asking again may help.
 *
 * @example
 * ```ts
 * import { HttpError } from "./errors.ts";
 * const error = new HttpError("Acme: GET /x → 503", { status: 503, kind: "http", retryable: true });
 * console.log(error.retryable); // true
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status, or 0 when no answer came. */
  readonly status: number;
  /** What went wrong. */
  readonly kind: HttpErrorKind;
  /** Whether waiting and asking again may help. */
  readonly retryable: boolean;
  /** How long the server asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  /** The response body, cut short and redacted. */
  readonly body: string;

  /** Build an error; `message` must already be redacted. */
  constructor(
    message: string,
    init: {
      status?: number;
      kind: HttpErrorKind;
      retryable: boolean;
      retryAfterMs?: number;
      body?: string;
    },
  ) {
    super(message);
    this.name = "HttpError";
    this.status = init.status ?? 0;
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.body = init.body ?? "";
  }
}

/** A URL with its query dropped, masked: safe for a message. */
export function describeUrl(url: URL, secrets: Secrets): string {
  return secrets.redact(`${url.origin}${url.pathname}`);
}

/**
 * Up to `max` characters of `text` on one line, secrets masked. Masking comes
 * before the cut, so a cut can never leave the first half of a secret behind.
 */
export function snippet(text: string, secrets: Secrets, max = BODY_SNIPPET): string {
  return secrets.redact(text).replace(/\s+/g, " ").trim().slice(0, max);
}

/**
 * Turn a non-2xx response into an {@linkcode HttpError} with a short, redacted body.
 *
 * @example
 * ```ts
 * import { errorFromResponse } from "./errors.ts";
 * import { SecretRegistry } from "../secrets.ts";
 * const response = new Response("Not Found", { status: 404 });
 * const error = await errorFromResponse(
 *   response,
 *   "GET",
 *   new URL("https://api.example.test/x"),
 *   "Acme",
 *   new SecretRegistry(),
 * );
 * console.log(error.message); // "Acme: GET https://api.example.test/x → 404: Not Found"
 * ```
 */
export async function errorFromResponse(
  response: Response,
  method: string,
  url: URL,
  platform: string,
  secrets: Secrets,
): Promise<HttpError> {
  let text = "";
  try {
    text = await response.text();
  } catch {
    // The body is only context for the message.
  }
  const body = snippet(text, secrets);
  return new HttpError(
    secrets.redact(
      `${platform}: ${method} ${describeUrl(url, secrets)} → ${response.status}${
        response.statusText ? ` ${response.statusText}` : ""
      }${body ? `: ${body}` : ""}`,
    ),
    {
      status: response.status,
      kind: "http",
      retryable: isRetryableStatus(response.status, response.headers),
      retryAfterMs: retryDelayFromHeaders(response.headers),
      body,
    },
  );
}
