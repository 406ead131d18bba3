/**
 * Small helpers shared by the config readers: how a value is shown in an
 * error, where a path sits in the text, and how a path is written.
 *
 * @module
 */

import type { ConfigErrorPosition } from "./errors.ts";
import { type KeyPath, pathId, scanKeys } from "./_keys.ts";

/** A plain mapping, as the YAML parser returns one. */
export type Mapping = Record<string, unknown>;

/** Whether `value` is a YAML mapping (not a list, not a scalar, not null). */
export function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value as an error message shows it: its kind and, for a scalar, the value. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 40)})`;
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** `releases[1].name`, `platform.ci`. */
export function formatPath(path: KeyPath): string {
  return path.map((part, i) => typeof part === "number" ? `[${part}]` : i ? `.${part}` : part)
    .join("");
}

/**
 * Where `path`'s key (or value) sits in `text`, else its nearest ancestor's key.
 * Only called on the way to an error, so the text is scanned each time.
 */
export function locate(
  text: string | undefined,
  path: KeyPath,
  part: "key" | "value" = "key",
): ConfigErrorPosition | undefined {
  if (text === undefined) return undefined;
  const { sites } = scanKeys(text);
  const exact = sites.get(pathId(path));
  if (exact) return exact[part];
  for (let n = path.length - 1; n > 0; n--) {
    const site = sites.get(pathId(path.slice(0, n)));
    if (site) return site.key;
  }
  return undefined;
}
