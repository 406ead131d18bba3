/**
 * The reachability check every REST platform shares: one authenticated GET,
 * counted as reachable only when the answer is JSON of the expected shape. A
 * web page where the API should be (a sign-in page, a proxy's, a base URL that
 * is not the API's root), answered or refused, is a failure that says where
 * the API lives; a busy or failing server (429, 5xx) is thrown as it is.
 *
 * @module
 */

import type { ProbeResult, Secrets } from "../types.ts";
import { errorFromResponse, HttpError } from "./http.ts";

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/** What {@linkcode probeJsonApi} needs to know of one platform. */
export interface JsonApiProbe<T> {
  /** The platform's fetch (the HTTP core's: credentials, budget, origin guard). */
  fetch: typeof fetch;
  /** The resource to read, e.g. the configured repository. */
  url: URL;
  /** The media type the API answers with. */
  accept: string;
  /** For messages: `GitHub's REST API`. */
  api: string;
  /** For messages: the configured base URL. */
  apiUrl: string;
  /** Where the API really lives, for the hint. */
  where: string;
  /** For error messages: `GitHub`. */
  platform: string;
  secrets: Secrets;
  /** The answer as the expected resource, or `undefined` when it is not one. */
  read: (data: unknown) => T | undefined;
  /** The reachable line for the resource. */
  reachable: (resource: T) => string;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A bare content type in words: `an HTML page`, `text/plain`. */
function describeType(type: string): string {
  if (/^(?:text\/html|application\/xhtml\+xml)$/i.test(type)) return "an HTML page";
  return type ? type.toLowerCase() : "a body without a content type";
}

/** Read `probe.url` once and judge what answered. Throws for a failed request. */
export async function probeJsonApi<T>(probe: JsonApiProbe<T>): Promise<ProbeResult> {
  const notApi = (what: string): ProbeResult => ({
    ok: false,
    detail: `${probe.apiUrl} answered ${what} where ${probe.api} answers JSON: ${probe.where}`,
  });
  let response: Response;
  try {
    // Any answer is welcome here: the probe judges what it is, a web page included.
    response = await probe.fetch(probe.url, { headers: { accept: `${probe.accept}, */*;q=0.1` } });
  } catch (error) {
    if (error instanceof HttpError && error.kind === "parse" && isSuccess(error.status)) {
      return notApi(`a body that is not JSON (HTTP ${error.status})`);
    }
    throw error;
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  const status = response.status;
  if (!JSON_TYPE.test(type) && (isSuccess(status) || (status >= 400 && status < 429))) {
    await response.body?.cancel();
    return notApi(`${describeType(type)} (HTTP ${status})`);
  }
  if (!response.ok) {
    throw await errorFromResponse(response, "GET", probe.url, probe.platform, probe.secrets);
  }
  const resource = probe.read(await response.json().catch(() => undefined));
  if (resource === undefined) {
    return {
      ok: false,
      detail: `${probe.apiUrl} did not answer as ${probe.api} does: ${probe.where}`,
    };
  }
  return { ok: true, detail: probe.reachable(resource) };
}
