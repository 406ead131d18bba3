/**
 * PACE's branch hierarchy, by name: `main` → `staging` → `release/NAME` →
 * `rel/sprint/pace-N`. Existing users' branch filters and protection rules
 * match these strings, so they never change.
 *
 * @module
 */

/**
 * The trunk every release starts from.
 *
 * @example
 * ```ts
 * import { BRANCH_MAIN } from "@pace/platforms";
 * console.log(BRANCH_MAIN); // "main"
 * ```
 */
export const BRANCH_MAIN = "main";

/**
 * The integration branch between `main` and the releases.
 *
 * @example
 * ```ts
 * import { BRANCH_STAGING } from "@pace/platforms";
 * console.log(BRANCH_STAGING); // "staging"
 * ```
 */
export const BRANCH_STAGING = "staging";

/**
 * A release's branch: `release/NAME`.
 *
 * @example
 * ```ts
 * import { releaseBranch } from "@pace/platforms";
 * console.log(releaseBranch("v2.0")); // "release/v2.0"
 * ```
 */
export function releaseBranch(name: string): string {
  return `release/${name}`;
}

/**
 * A sprint's branch: `rel/sprint/pace-N`.
 *
 * @example
 * ```ts
 * import { sprintBranch } from "@pace/platforms";
 * console.log(sprintBranch(3)); // "rel/sprint/pace-3"
 * ```
 */
export function sprintBranch(sprintNum: number): string {
  return `rel/sprint/pace-${sprintNum}`;
}

/**
 * The sprint a day belongs to: `max(1, ceil(day / sprintDays))`.
 *
 * @example
 * ```ts
 * import { currentSprintNum } from "@pace/platforms";
 * console.log(currentSprintNum(8, 7)); // 2
 * ```
 */
export function currentSprintNum(day: number, sprintDays: number): number {
  const days = Number.isFinite(sprintDays) && sprintDays >= 1 ? Math.floor(sprintDays) : 7;
  return Math.max(1, Math.ceil(day / days));
}

/** Characters git refuses in a ref name (besides control characters). */
const FORBIDDEN = /[\s~^:?*[\\]/;

/**
 * Why `name` is not a valid git branch name, or `undefined` when it is. The
 * rules are git's own (`git check-ref-format --branch`), so a name refused
 * here would have been refused by the forge.
 *
 * @example
 * ```ts
 * import { refNameProblem } from "@pace/platforms";
 * console.log(refNameProblem("release/v2.0")); // undefined
 * console.log(refNameProblem("a..b")); // "… must not contain \"..\""
 * ```
 */
export function refNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name === "") return "a branch name must not be empty";
  const shown = JSON.stringify(name.slice(0, 80));
  const bad = (why: string) => `invalid branch name ${shown}: ${why}`;
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return bad("it contains a control character");
  if (FORBIDDEN.test(name)) return bad("spaces and ~ ^ : ? * [ \\ are not allowed");
  if (name.includes("..")) return bad('it must not contain ".."');
  if (name.includes("@{") || name === "@") return bad('it must not contain "@{" or be "@"');
  if (name.startsWith("-")) return bad('it must not start with "-"');
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) {
    return bad('"/" must separate non-empty parts');
  }
  if (name.endsWith(".") || name.endsWith(".lock")) return bad('it must not end in "." or ".lock"');
  if (name.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"))) {
    return bad('no part may start with "." or end in ".lock"');
  }
  if (name.length > 255) return bad("it is longer than 255 characters");
  return undefined;
}
