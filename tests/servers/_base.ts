/**
 * The shared base of the fake platform servers, so that a platform's fake is
 * its state and its routes only.
 *
 * {@linkcode LocalServer} is the lifecycle: `Deno.serve` on a free port of
 * 127.0.0.1, `origin`, `close()` and `await using`, and a wait that the close
 * ends. {@linkcode FakeServer} adds what every platform fake does with a
 * request, in this order:
 *
 * 1. record it in {@linkcode FakeServer.requests} (body parsed as JSON when it is);
 * 2. refuse it when it is outside the mount (`/api/v4`, `/jenkins`…): {@linkcode FakeServer.outside};
 * 3. {@linkcode FakeServer.screen}: what the platform refuses whoever asks (headers, OpenAPI);
 * 4. {@linkcode FakeServer.authenticate}: by default the {@linkcode FakeServer.credentials}
 *    the platform accepts, refused with its {@linkcode FakeServer.unauthorized} answer;
 * 5. {@linkcode FakeServer.admit}: checks after the credentials (rate limit, body type);
 * 6. the scripted faults queued with {@linkcode FakeServer.script} (status bursts,
 *    hangs, delays, dropped connections, malformed bodies, "done but answered 502");
 * 7. {@linkcode FakeServer.dispatch}: the route table (method + path template or
 *    RegExp → handler), with the platform's answers for an unknown path, a wrong
 *    method and an undocumented query parameter.
 *
 * A client mistake is pushed to {@linkcode FakeServer.violations}, so a test
 * notices it even where the real platform would stay silent. A handler may
 * `throw new Refusal(reply, problem?)` from any depth.
 *
 * ```ts
 * class FakeTodo extends FakeServer {
 *   items: string[] = [];
 *   constructor() {
 *     super({ mount: "/api" });
 *     this.routes = [
 *       { method: "GET", path: "/items", handler: () => json(200, this.items) },
 *       { method: "GET", path: "/items/:n", handler: (call) => json(200, this.items[+call.params.n]) },
 *     ];
 *   }
 *   protected override credentials(): Credential[] {
 *     return [{ scheme: "bearer", token: "t0ken" }];
 *   }
 * }
 * await using todo = new FakeTodo();
 * await fetch(`${todo.url}/items`, { headers: { authorization: "Bearer t0ken" } });
 * ```
 *
 * Behaviour switches (a repository without issues, CSRF off, a platform quirk)
 * are public mutable fields that routes read at request time: set them from the
 * start options, flip them mid-test. {@linkcode FakeServer.on} adds a route
 * ahead of the platform's own, for a one-off endpoint or an override.
 *
 * @module
 */

import {
  type AuthCheck,
  type Call,
  checkCredentials,
  type Credential,
  type Handler,
  matchPath,
  type RecordedRequest,
  Refusal,
  type Reply,
  type Route,
  type ScriptRule,
} from "./_http.ts";
import { ScriptQueue, sleepUnlessClosed } from "./_script.ts";

export * from "./_http.ts";

// ---------------------------------------------------------------------------
// Lifecycle

/** A server on a free port of 127.0.0.1 that closes cleanly (`await using`). */
export abstract class LocalServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;

  #server: Deno.HttpServer<Deno.NetAddr>;
  #closing = new AbortController();
  #closed: Promise<void> | undefined;
  #arrivals = 0;
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor() {
    this.#server = Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      onListen() {},
      onError: (error) => this.onError(error),
    }, (request) => this.handle(request));
    this.port = this.#server.addr.port;
    this.origin = `http://127.0.0.1:${this.port}`;
  }

  /** Answer one request. */
  protected abstract handle(request: Request): Response | Promise<Response>;

  /** The answer when `handle` throws, or a dropped body errors: a quiet 500. */
  protected onError(_error: unknown): Response {
    return new Response(null, { status: 500 });
  }

  /** Resolves once at least `count` requests have arrived (e.g. before closing on a hang). */
  waitForRequests(count: number): Promise<void> {
    if (this.#arrivals >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** For `handle`: one more request arrived. */
  protected arrived(): void {
    this.#arrivals++;
    this.#waiters = this.#waiters.filter((w) => {
      if (w.count > this.#arrivals) return true;
      w.resolve();
      return false;
    });
  }

  /** Wait `ms`; `false` when the server closed first. */
  protected wait(ms: number): Promise<boolean> {
    return sleepUnlessClosed(ms, this.#closing.signal);
  }

  /** Stop serving; pending waits end. Resolves when the server is down. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort();
      this.#closed = this.#server.shutdown();
    }
    return this.#closed;
  }

  /** `await using server = …` */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Where a {@linkcode FakeServer} lives. */
export interface FakeServerOptions {
  /** Path prefix the API lives under, stripped from recorded paths. Default `""`. */
  mount?: string;
  /** Path of {@linkcode FakeServer.url} when it is not the mount. */
  root?: string;
}

/** The base of every fake platform server; see the module documentation. */
export abstract class FakeServer<
  R extends RecordedRequest = RecordedRequest,
  T extends Route<R> = Route<R>,
> extends LocalServer {
  /** Base URL: origin plus root (or mount). */
  readonly url: string;
  /** The API's path prefix: `""`, `/api/v4`, `/2.0`, `/jenkins`. */
  readonly mount: string;
  /** Every request received, in order. */
  readonly requests: R[] = [];
  /** Every client mistake found (each also answered with an error status). */
  readonly violations: string[] = [];

  /** The platform's routes, first match wins. */
  protected routes: T[] = [];
  /** Content type of a JSON body. */
  protected jsonType = "application/json";
  /** Content type of a string body without its own. */
  protected textType = "text/plain;charset=utf-8";

  #extra: Route<R>[] = [];
  #scripts = new ScriptQueue<ScriptRule>();

  constructor(options: FakeServerOptions = {}) {
    super();
    this.mount = (options.mount ?? "").replace(/\/+$/, "");
    this.url = this.origin + (options.root ?? this.mount).replace(/\/+$/, "");
  }

  /** Queue a scripted answer; scripts take precedence over normal handling, in order. */
  script(rule: ScriptRule): void {
    this.#scripts.add(rule);
  }

  /** Scripted answers not yet consumed. */
  get pendingScripts(): number {
    return this.#scripts.pending;
  }

  /** Requests whose path ends with `path` (or matches it), and whose method is `method`. */
  sent(path: string | RegExp, method?: string): R[] {
    return this.requests.filter((r) =>
      (method === undefined || r.method === method) &&
      (typeof path === "string" ? r.path.endsWith(path) : path.test(r.path))
    );
  }

  /**
   * Serve `method` + `path` with `handler`, ahead of the platform's routes.
   * The path is matched as the platform's routes see it (e.g. below the repository).
   */
  on(method: string, path: string | RegExp, handler: Handler<R>): void {
    this.#extra.unshift({ method, path, handler });
  }

  // -------------------------------------------------------------------------
  // Hooks

  /** Build the record of a request; platforms add their own fields. */
  protected describe(call: Omit<Call<R>, "record">): R {
    return {
      method: call.method,
      path: call.path,
      query: call.query,
      headers: new Headers(call.headers),
      body: call.body,
      status: -1,
    } as R;
  }

  /** A request outside the mount. */
  protected outside(call: Call<R>): Reply {
    return this.refuse(call, `outside ${this.mount}`, {
      status: 404,
      body: { message: "Not Found" },
    });
  }

  /** Checks before the credentials; a reply refuses. */
  protected screen(_call: Call<R>): Reply | undefined | Promise<Reply | undefined> {
    return undefined;
  }

  /** The credentials accepted; none: every request passes. */
  protected credentials(): Credential[] {
    return [];
  }

  /** Who is asking; a reply refuses. Default: one of {@linkcode FakeServer.credentials}. */
  protected authenticate(call: Call<R>): Reply | undefined | Promise<Reply | undefined> {
    const check = this.checkCredentials(call);
    return check.ok ? undefined : this.unauthorized(call, check);
  }

  /** The answer to a request without valid credentials. */
  protected unauthorized(_call: Call<R>, _check: AuthCheck): Reply {
    return { status: 401, body: { message: "Unauthorized" } };
  }

  /** Checks after the credentials, before scripted faults; a reply refuses. */
  protected admit(_call: Call<R>): Reply | undefined | Promise<Reply | undefined> {
    return undefined;
  }

  /** No route has this path. */
  protected unknownRoute(call: Call<R>): Reply {
    return this.refuse(call, "no such route", { status: 404, body: { message: "Not Found" } });
  }

  /** Routes have this path, none this method. */
  protected wrongMethod(call: Call<R>, allowed: string[]): Reply {
    return this.refuse(call, `method not allowed (allowed: ${allowed.join(", ")})`, {
      status: 405,
      body: { message: "Method Not Allowed" },
    });
  }

  /** The route documents `query` and the request sent other parameters. */
  protected undocumentedQuery(call: Call<R>, names: string[]): Reply {
    return this.refuse(call, `undocumented query parameter(s) ${names.join(", ")}`, {
      status: 400,
      body: { message: `Unknown query parameter(s): ${names.join(", ")}` },
    });
  }

  /** A last look at the reply before it is written (headers, conditional answers). */
  protected finish(_call: Call<R>, reply: Reply): Reply | Promise<Reply> {
    return reply;
  }

  /** Headers on every answer, under the reply's own. */
  protected serverHeaders(_call: Call<R>): Record<string, string> {
    return {};
  }

  // -------------------------------------------------------------------------
  // Tools for platforms and their route modules

  /** Record a client mistake about `call`. */
  violate(call: Call<R>, problem: string): void {
    this.violations.push(`${call.label}: ${problem}`);
  }

  /** Record a client mistake about `call`, and answer `reply`. */
  refuse(call: Call<R>, problem: string, reply: Reply): Reply {
    this.violate(call, problem);
    return reply;
  }

  /** How the request's credentials compare with {@linkcode FakeServer.credentials}. */
  protected checkCredentials(call: Call<R>): AuthCheck {
    return checkCredentials(call.headers, this.credentials());
  }

  /** Find the route for `path` (setting `call.route`), or the refusal. */
  protected resolve(call: Call<R>, path: string = call.path): Reply | undefined {
    const allowed: string[] = [];
    for (const route of [...this.#extra, ...this.routes]) {
      const found = matchPath(route.path, path);
      if (!found) continue;
      const methods = typeof route.method === "string" ? [route.method] : route.method;
      if (!methods.includes(call.method) && !methods.includes("*")) {
        allowed.push(...methods);
        continue;
      }
      Object.assign(call, { route, params: found.params, match: found.match });
      const unknown = route.query
        ? [...new Set(call.query.keys())].filter((k) => !route.query!.includes(k))
        : [];
      return unknown.length ? this.undocumentedQuery(call, unknown) : undefined;
    }
    return allowed.length ? this.wrongMethod(call, allowed) : this.unknownRoute(call);
  }

  /** Serve the request from the route table; `path` when routes sit below a prefix. */
  protected dispatch(call: Call<R>, path: string = call.path): Reply | Promise<Reply> {
    if (!call.route) {
      const refused = this.resolve(call, path);
      if (refused) return refused;
    }
    return call.route!.handler(call);
  }

  // -------------------------------------------------------------------------
  // The pipeline

  protected override async handle(request: Request): Promise<Response> {
    const call = await this.#open(request);
    let reply: Reply | Response;
    try {
      reply = await this.#pipeline(call);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (error.problem) this.violate(call, error.problem);
      reply = error.reply;
    }
    return reply instanceof Response ? reply : await this.#send(call, reply);
  }

  async #open(request: Request): Promise<Call<R>> {
    const url = new URL(request.url);
    const text = await request.text();
    let body: unknown = undefined;
    let malformed = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        malformed = true;
      }
    }
    const mount = this.mount;
    const inside = !mount || url.pathname === mount || url.pathname.startsWith(`${mount}/`);
    const path = inside ? url.pathname.slice(mount.length) || "/" : url.pathname;
    const call = {
      request,
      url,
      method: request.method,
      path,
      inside,
      query: url.searchParams,
      headers: request.headers,
      text,
      body,
      malformed,
      label: `${request.method} ${path}${url.search}`,
      params: {},
    };
    const record = this.describe(call);
    this.requests.push(record);
    this.arrived();
    return { ...call, record };
  }

  async #pipeline(call: Call<R>): Promise<Reply | Response> {
    if (!call.inside) return this.outside(call);
    return await this.screen(call) ?? await this.authenticate(call) ??
      await this.admit(call) ?? await this.#scripted(call);
  }

  async #scripted(call: Call<R>): Promise<Reply | Response> {
    const rule = this.#scripts.take(call.method, call.path, call.url.search);
    if (rule?.hangMs && !await this.wait(rule.hangMs)) return this.#dropped(call, 200);
    if (rule?.drop) return this.#dropped(call, rule.status ?? 200);
    const answer = rule &&
      (rule.status !== undefined || rule.body !== undefined || rule.headers !== undefined);
    if (answer && !rule.perform) {
      return { status: rule.status ?? 200, body: rule.body, headers: rule.headers };
    }
    const reply = await this.dispatch(call);
    if (!rule?.perform) return reply;
    return { status: rule.status ?? 502, body: rule.body, headers: rule.headers };
  }

  #dropped(call: Call<R>, status: number): Response {
    call.record.status = 0;
    const name = this.constructor.name;
    const body = new ReadableStream({
      start(controller) {
        controller.error(new Error(`connection dropped by ${name}`));
      },
    });
    return new Response(body, { status: status || 200 });
  }

  async #send(call: Call<R>, original: Reply): Promise<Response> {
    const reply = await this.finish(call, original);
    const { status } = reply;
    const headers = new Headers(this.serverHeaders(call));
    let payload: string | null = null;
    if (reply.body !== undefined && status !== 204 && status !== 304) {
      const raw = typeof reply.body === "string";
      payload = raw ? reply.body as string : JSON.stringify(reply.body);
      headers.set("content-type", raw ? this.textType : this.jsonType);
    }
    for (const [name, value] of Object.entries(reply.headers ?? {})) headers.set(name, value);
    if (payload === null) headers.delete("content-type");
    call.record.status = status;
    return new Response(payload, { status, headers });
  }
}
