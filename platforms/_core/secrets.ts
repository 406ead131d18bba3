/**
 * Secret masking. Every credential an adapter reads is registered here before
 * it is used, and every log line, error message and result passes through
 * {@linkcode SecretRegistry.redact}, so a token cannot reach a log even when a
 * server echoes it back or an error message embeds a URL.
 *
 * @module
 */

import type { Logger, Secrets } from "../types.ts";

/** Values shorter than this are not masked: masking "a" would garble every line. */
const MIN_SECRET_LENGTH = 4;

const MASK = "***";

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A set of secret values, each masked with its common encodings. */
export class SecretRegistry implements Secrets {
  #values = new Set<string>();

  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    // A secret may reach text encoded: in a URL, inside a Basic header, or
    // escaped in JSON (an object handed to the logger is stringified).
    const json = JSON.stringify(value).slice(1, -1);
    for (const form of [value, encodeURIComponent(value), base64(value), json]) {
      if (form.length >= MIN_SECRET_LENGTH) this.#values.add(form);
    }
  }

  /** Register `user:password` as sent in a Basic header, and each part. */
  addBasic(user: string | undefined, password: string | undefined): void {
    this.add(password);
    if (user && password) this.add(`${user}:${password}`);
  }

  redact(text: string): string {
    let result = text;
    for (const value of this.values()) {
      if (result.includes(value)) result = result.split(value).join(MASK);
    }
    return result;
  }

  values(): string[] {
    // Longest first, so a value containing another is masked whole.
    return [...this.#values].sort((a, b) => b.length - a.length);
  }
}

/** Render log arguments to one string, as `console` would roughly do. */
export function formatArgs(args: unknown[]): string {
  return args.map((arg) => {
    if (typeof arg === "string") return arg;
    if (arg instanceof Error) return arg.message;
    try {
      // `undefined`, functions and symbols stringify to nothing: show them.
      return JSON.stringify(arg) ?? String(arg);
    } catch {
      return String(arg);
    }
  }).join(" ");
}

/**
 * Wrap a logger: every line is prefixed (`[GitHub] …`) and every registered
 * secret masked. Arguments are flattened to one string first, so no object
 * holding a token can slip past the mask.
 */
export function redactingLogger(base: Logger, prefix: string, secrets: Secrets): Logger {
  const line = (args: unknown[]) =>
    secrets.redact(`${prefix ? `[${prefix}] ` : ""}${formatArgs(args)}`);
  return {
    debug: (...args) => base.debug(line(args)),
    info: (...args) => base.info(line(args)),
    warn: (...args) => base.warn(line(args)),
    error: (...args) => base.error(line(args)),
  };
}

/** Mask secrets in an error message, for results that carry `error`. */
export function redactError(error: unknown, secrets: Secrets): string {
  const message = error instanceof Error ? error.message : String(error);
  return secrets.redact(message);
}
