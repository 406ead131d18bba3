/**
 * CI variables, written once for every forge: a name the forge would refuse
 * is refused before any request; a write creates the variable, or updates it
 * when it exists (also when a concurrent run created it meanwhile, or a
 * create answered an error after it took effect); a refused write names the
 * permission it lacks. A forge supplies a {@linkcode VariableApi}: its name
 * rule, its calls, and what its errors mean.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { Logger } from "../types.ts";

/** What a forge supplies so the shared variables flow can run on it. */
export interface VariableApi {
  /** Why the forge would refuse `name`; `undefined` when it takes it. */
  problem(name: string): string | undefined;
  /** The stored value; `undefined` when there is no such variable. */
  read(name: string): Promise<string | undefined>;
  /** Create it; throws when it exists (see `exists`). */
  create(name: string, value: string): Promise<void>;
  /** Update it; `false` when there is no such variable. */
  update(name: string, value: string): Promise<boolean>;
  /**
   * Whether a failed create says the variable exists (a concurrent run made
   * it): it is updated then, as after a create that may have taken effect.
   */
  exists(error: unknown): boolean;
  /**
   * Update first and create only when that answers "absent": for a forge
   * that finds a variable as cheaply as it creates one.
   */
  updateFirst?: boolean;
  /** The HTTP statuses with which the forge refuses a token its permission. */
  refusedWith: readonly number[];
  /** The permission a refused write lacks. */
  hint: string;
}

/**
 * Why `name` is no variable name of an Actions-like runner (GitHub, Gitea,
 * Bitbucket Pipelines): letters, digits and `_`, not starting with a digit,
 * nor with one of the `reserved` prefixes (any case). `undefined` when it is one.
 *
 * @example
 * ```ts ignore
 * variableNameProblem("GITHUB_SHA", ["GITHUB_"]);
 * // 'invalid variable name "GITHUB_SHA": names starting with GITHUB_ are reserved'
 * ```
 */
export function variableNameProblem(
  name: unknown,
  reserved: readonly string[] = [],
): string | undefined {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return `invalid variable name ${JSON.stringify(String(name).slice(0, 60))}: ` +
      "letters, digits and _, not starting with a digit";
  }
  const upper = name.toUpperCase();
  if (reserved.some((prefix) => upper.startsWith(prefix.toUpperCase()))) {
    return `invalid variable name "${name}": names starting with ${reserved.join(" or ")} ` +
      "are reserved";
  }
  return undefined;
}

/** The variable's stored value; `undefined` for a name the forge would refuse. */
export function readVariable(api: VariableApi, name: string): Promise<string | undefined> {
  return api.problem(name) ? Promise.resolve(undefined) : api.read(name);
}

/**
 * Create the variable, or update it when it exists; `true`, else it throws
 * (a refusal with the permission to grant).
 *
 * @example
 * ```ts ignore
 * await writeVariable(api, logger, "PACE_DAY", "3"); // logs "variable PACE_DAY created"
 * ```
 */
export async function writeVariable(
  api: VariableApi,
  logger: Logger,
  name: string,
  value: string,
): Promise<true> {
  const problem = api.problem(name);
  if (problem) throw new Error(problem);
  const text = String(value);
  let created = false;
  try {
    if (!(api.updateFirst && await api.update(name, text))) {
      try {
        await api.create(name, text);
        created = true;
      } catch (error) {
        // Loaded here, not up front: a CI wait loads this module and never needs it.
        const { mayHaveSucceeded } = await import("./ensure.ts");
        const maybeThere = api.exists(error) || mayHaveSucceeded(error);
        if (!maybeThere || !(await api.update(name, text))) throw error;
      }
    }
  } catch (error) {
    if (error instanceof HttpError && api.refusedWith.includes(error.status)) {
      throw new Error(`${error.message} — ${api.hint}`);
    }
    throw error;
  }
  logger.info(`variable ${name} ${created ? "created" : "updated"}`);
  return true;
}
