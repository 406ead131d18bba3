/**
 * Reading an answer's body: whole, within the call's budget, and never past
 * a size cap, so an endless or oversized body costs at most the cap in
 * memory; and telling JSON that is whole from JSON that is not.
 *
 * @module
 */

/** The default cap on one response body: 8 MiB. */
export const DEFAULT_MAX_BODY_BYTES: number = 8 * 1024 * 1024;

/** A body that passed the cap; nothing more was read. */
export class BodyTooLargeError extends Error {
  /** Bytes read (or announced by `content-length`) when the read stopped. */
  readonly bytes: number;
  /** Remember how far the read went. */
  constructor(bytes: number) {
    super(`body larger than the cap (${bytes} bytes read)`);
    this.name = "BodyTooLargeError";
    this.bytes = bytes;
  }
}

/**
 * Read `response`'s body into memory, at most `maxBytes`. Past the cap the
 * stream is cancelled (the connection closes, the server stops sending) and
 * {@linkcode BodyTooLargeError} is thrown; a body that breaks or stalls
 * rejects with the stream's error.
 */
export async function readBody(response: Response, maxBytes: number): Promise<Uint8Array> {
  const body = response.body;
  if (!body) return new Uint8Array(0);
  const announced = Number(response.headers.get("content-length"));
  if (Number.isFinite(announced) && announced > maxBytes) {
    await body.cancel().catch(() => {});
    throw new BodyTooLargeError(announced);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new BodyTooLargeError(total);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const JSON_TYPE = /^[a-z0-9!#$&^_.+-]+\/(?:[a-z0-9!#$&^_.+-]*\+)?json$/i;

/** Whether a media type (`application/json; charset=utf-8`, `…+json`) is JSON. */
export function isJsonType(contentType: string | null): boolean {
  if (!contentType) return false;
  return JSON_TYPE.test(contentType.split(";")[0].trim());
}

/** Whether an `Accept` header asks for JSON and nothing else. */
export function acceptsOnlyJson(accept: string | null): boolean {
  if (!accept) return false;
  return accept.split(",").every((range) => isJsonType(range));
}

/**
 * The JSON a successful answer must carry, when it must carry JSON: the
 * server declared JSON, or the client accepts nothing else. `undefined`
 * when no JSON is expected or the body is empty; throws `SyntaxError` (with
 * what arrived instead) when the body is not whole JSON, such as an HTML
 * error page or JSON cut short.
 */
export function expectedJson(
  text: string,
  contentType: string | null,
  accept: string | null,
): { value: unknown } | undefined {
  const declared = isJsonType(contentType);
  if (!declared && !acceptsOnlyJson(accept)) return undefined;
  if (!text.trim()) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    // The parser's message quotes the text: say only what arrived.
    throw new SyntaxError(
      declared || !contentType ? "malformed JSON" : `${contentType.split(";")[0]}, not JSON`,
    );
  }
}
