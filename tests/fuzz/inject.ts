/**
 * Arming a fault on one request of a fake server: the fuzz decides WHICH
 * request (the first of an operation, or its first write), the fake's own
 * scripted faults decide WHAT happens (status bursts, hangs, drops, broken
 * bodies, `perform`). Bodies a script cannot express (endless, dribbling) are
 * answered here.
 *
 * The fake's request handler is wrapped on the instance: when the target
 * request arrives, a script rule is queued just before the fake handles it,
 * so the rule answers that very request and, for a burst, the ones after it.
 * The rule matches only while the case is live: a burst the operation did not
 * use up can never reach the clean re-run.
 *
 * @module
 */

import type { LocalServer, ScriptRule } from "../servers/_base.ts";

/** Which request of an operation the fault hits. */
export type Target = "first" | "write";

/** A fault: a script rule for the fake, or a body only a stream can give. */
export interface Fault {
  name: string;
  /** The fake's script rule (without `path`, which the injector supplies). */
  rule?: Omit<ScriptRule, "path">;
  /** A streamed 200 answer instead of the fake's. */
  stream?: "endless" | "dribble";
  /** A client error: a wait may end `no_runs` and a create may give up. */
  final?: boolean;
  /** Worth a write target too (a create answered with it). */
  writes?: boolean;
  /** Runs in a child process: it may take memory. */
  heavy?: boolean;
  /** Takes the whole 15 s budget of a call. */
  slow?: boolean;
}

type Handle = (request: Request) => Promise<Response>;

/** The state of the fault armed on one server. */
export interface Injector {
  /** Arm `fault` on the next request that matches `target`. */
  arm(fault: Fault, target: Target): void;
  /** End the case: pending bursts and streams stop. */
  disarm(): void;
  /** Whether the armed fault hit a request. */
  readonly fired: boolean;
  /** The method and path of the request it hit. */
  readonly hit: string | undefined;
  /** Stop every stream (before the server closes). */
  close(): void;
}

/** Whether `request` is the one `target` names. */
function isTarget(target: Target, request: Request): boolean {
  if (target === "first") return true;
  const path = new URL(request.url).pathname;
  return !["GET", "HEAD", "OPTIONS"].includes(request.method) && !/\/search(\/|$)/.test(path);
}

/** An answer whose body never ends, or ends at a byte per 250 ms, until `live()` is false. */
function streamed(kind: "endless" | "dribble", live: () => boolean): Response {
  const chunk = new TextEncoder().encode(`[${'{"id":1,"title":"x"},'.repeat(3000)}`);
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!live()) return controller.close();
      if (kind === "endless") {
        controller.enqueue(first ? chunk : chunk.subarray(1));
      } else {
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (!live()) return controller.close();
        controller.enqueue(new TextEncoder().encode(first ? "[" : " "));
      }
      first = false;
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** Wrap `server` so that faults can be armed on it. */
export function injector(server: LocalServer & { script(rule: ScriptRule): void }): Injector {
  const target = server as unknown as { handle: Handle };
  const original: Handle = target.handle.bind(server);
  let plan: { fault: Fault; target: Target } | undefined;
  let fired = false;
  let hit: string | undefined;
  let live = false;
  let closed = false;
  target.handle = (request) => {
    if (plan && !fired && isTarget(plan.target, request)) {
      fired = true;
      hit = `${request.method} ${new URL(request.url).pathname}`;
      const { fault } = plan;
      if (fault.stream) {
        // The fake never sees this request: drain it so the connection stays sane.
        return request.arrayBuffer().then(() => streamed(fault.stream!, () => live && !closed));
      }
      const path = /./;
      Object.defineProperty(path, "test", { value: () => live });
      server.script({ ...fault.rule, path });
    }
    return original(request);
  };
  return {
    arm(fault, where) {
      plan = { fault, target: where };
      fired = false;
      hit = undefined;
      live = true;
    },
    disarm() {
      plan = undefined;
      live = false;
    },
    get fired() {
      return fired;
    },
    get hit() {
      return hit;
    },
    close() {
      closed = true;
      live = false;
    },
  };
}
