/**
 * Tiny local servers for fault-injection tests of the HTTP core.
 *
 * {@linkcode FaultServer} is a real HTTP server (`Deno.serve` on a free port of
 * 127.0.0.1) whose answer is a per-test function and which records every
 * request (method, path, headers, body). {@linkcode DropServer} is a raw TCP
 * listener that accepts a connection, reads the request and closes the socket
 * without answering: a dropped connection as the client sees it.
 *
 * ```ts
 * await using server = FaultServer.start((_request, { index }) =>
 *   index < 2 ? new Response("boom", { status: 500 }) : Response.json({ ok: true })
 * );
 * const response = await fetch(`${server.url}/x`);
 * assertEquals(server.requests.length, 1);
 * ```
 *
 * Both close cleanly (`await server.close()` or `await using`), so Deno's
 * resource and op sanitizers stay quiet; a handler hanging on
 * {@linkcode FaultServer.hang} is released by the close.
 *
 * @module
 */

import { LocalServer } from "./_base.ts";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/api/items?page=2`. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** What a handler receives besides the request. */
export interface FaultContext {
  /** 0-based number of this request on this server. */
  index: number;
  /** The recorded form of this request (body already read). */
  recorded: RecordedRequest;
  server: FaultServer;
}

/** A per-test answer. May hang (see {@linkcode FaultServer.hang}) or throw (→ 500). */
export type FaultHandler = (
  request: Request,
  context: FaultContext,
) => Response | Promise<Response>;

/** A local HTTP server whose answers a test scripts. */
export class FaultServer extends LocalServer {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** The current answer; may be replaced mid-test. */
  handler: FaultHandler;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;

  private constructor(handler: FaultHandler) {
    super();
    this.handler = handler;
    this.url = this.origin;
  }

  /** Start on a free port; the default handler answers `200 ok`. */
  static start(handler: FaultHandler = () => new Response("ok")): FaultServer {
    return new FaultServer(handler);
  }

  /** Header `name` of every request, in order (`undefined` where absent). */
  header(name: string): (string | undefined)[] {
    return this.requests.map((r) => r.headers[name.toLowerCase()]);
  }

  /**
   * For handlers: a response that never comes while the server runs. On
   * close it settles (503), so the server can shut down.
   */
  async hang(): Promise<Response> {
    await this.wait(Infinity);
    return new Response("closing", { status: 503 });
  }

  // A throwing handler is a plain 500; stay quiet about it.
  protected override onError(): Response {
    return new Response("handler threw", { status: 500 });
  }

  protected override async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    };
    const index = this.requests.push(recorded) - 1;
    this.arrived();
    return await this.handler(request, { index, recorded, server: this });
  }
}

/**
 * A raw TCP listener on a free port of 127.0.0.1 that reads what the client
 * sends and closes the connection without a byte of answer.
 */
export class DropServer {
  /** Connections accepted (and dropped) so far. */
  connections = 0;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;

  #listener: Deno.TcpListener;
  #loop: Promise<void>;
  #closed: Promise<void> | undefined;

  private constructor() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = this.#listener.addr.port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.#loop = this.#accept();
  }

  /** Start listening. */
  static start(): DropServer {
    return new DropServer();
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.connections++;
        try {
          // Let the request arrive, so the client has certainly sent it.
          await conn.read(new Uint8Array(64 * 1024));
        } catch {
          // The client may be gone already.
        }
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
    } catch {
      // The listener was closed.
    }
  }

  /** Stop listening. Resolves when the accept loop has ended. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#listener.close();
      this.#closed = this.#loop;
    }
    return this.#closed;
  }

  /** `await using server = DropServer.start()` */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * `promise`, or a rejection when it has not settled after `ms` (default 5 s):
 * a guard that turns a hang into a test failure, not a timing assertion.
 */
export async function settles<T>(promise: Promise<T>, what = "the call", ms = 5_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}
