/**
 * Scripted faults shared by every fake platform server: a queue of rules,
 * each answering a matching request instead of the normal handler a given
 * number of times, and a wait that ends early when the server closes.
 *
 * @module
 */

/** What a scripted rule matches on. */
export interface ScriptMatch {
  /** Only this method (any case). Default: any. */
  method?: string;
  /** Tested against the path, then against path + `?query`. */
  path: RegExp;
  /** How many requests it answers. Default 1. */
  times?: number;
}

/** Scripted rules, consumed in order, each `times` times. */
export class ScriptQueue<R extends ScriptMatch> {
  #rules: (R & { left: number })[] = [];

  /** Queue a rule. */
  add(rule: R): void {
    this.#rules.push({ ...rule, left: rule.times ?? 1 });
  }

  /** Requests the queued rules will still answer. */
  get pending(): number {
    return this.#rules.reduce((n, r) => n + r.left, 0);
  }

  /** The first rule matching the request, counted as used; `undefined` when none. */
  take(method: string, path: string, search: string): R | undefined {
    const index = this.#rules.findIndex((r) => {
      if (r.left <= 0) return false;
      if (r.method && r.method.toUpperCase() !== method.toUpperCase()) return false;
      r.path.lastIndex = 0;
      if (r.path.test(path)) return true;
      r.path.lastIndex = 0;
      return r.path.test(path + search);
    });
    if (index < 0) return undefined;
    const rule = this.#rules[index];
    if (--rule.left <= 0) this.#rules.splice(index, 1);
    return rule;
  }
}

/**
 * Wait `ms`, or until `closing` aborts (→ `false`). The client going away is
 * not watched: reading `request.signal` makes Deno print a deprecation
 * notice, and closing the server ends every pending hang anyway.
 */
export function sleepUnlessClosed(ms: number, closing: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (closing.aborted) return resolve(false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (completed: boolean) => {
      clearTimeout(timer);
      closing.removeEventListener("abort", onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    closing.addEventListener("abort", onAbort);
    if (ms <= 2 ** 31 - 1) timer = setTimeout(() => done(true), ms);
  });
}
