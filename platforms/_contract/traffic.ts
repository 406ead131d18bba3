/**
 * The kit's own view of the network: every adapter the kit builds sends its
 * requests through a fetch recorded here, so "no request" and "no write"
 * checks hold for any platform, with or without a fixture that counts.
 *
 * @module
 */

/** One request an adapter sent. */
export interface SeenRequest {
  /** The HTTP method, upper case. */
  method: string;
  /** The URL as the adapter passed it. */
  url: string;
}

/** Methods that only read: a re-run that finds its item sends nothing else. */
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

function seen(input: RequestInfo | URL, init?: RequestInit): SeenRequest {
  const request = input instanceof Request ? input : undefined;
  return {
    method: (init?.method ?? request?.method ?? "GET").toUpperCase(),
    url: request ? request.url : String(input),
  };
}

/** The requests the adapters of one kit run sent. */
export class Traffic {
  /** Every request, in order. */
  readonly requests: SeenRequest[] = [];

  /** How many requests so far. */
  get count(): number {
    return this.requests.length;
  }

  /** The write requests (anything but GET, HEAD, OPTIONS) sent since `since` requests. */
  writesSince(since: number): SeenRequest[] {
    return this.requests.slice(since).filter((r) => !READS.has(r.method));
  }

  /** A fetch that records each request, then sends it through `base`. */
  recording(base: typeof fetch = (input, init) => globalThis.fetch(input, init)): typeof fetch {
    return (input, init) => {
      this.requests.push(seen(input, init));
      return base(input, init);
    };
  }

  /**
   * A fetch that records each request and refuses it, as Deno does for a host
   * outside `--allow-net`: a refusal is final, so an HTTP layer that retries
   * network errors with backoff still answers at once. Every other call
   * rejects and every other one throws before returning a promise, since a
   * fetch may fail either way.
   */
  refusing(): typeof fetch {
    return (input, init) => {
      this.requests.push(seen(input, init));
      const error = new Deno.errors.PermissionDenied(
        "the contract kit refuses every request in this step",
      );
      if (this.requests.length % 2) throw error;
      return Promise.reject(error);
    };
  }
}
