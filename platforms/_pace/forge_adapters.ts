/**
 * A forge's platform definition from its data and lazy loaders: the `ci`,
 * `tracker` and `branching` factories and the probe, written once for every
 * forge. A factory loads its shared flow, the forge's part and the forge's
 * connection together on first call, so a face stays cheap data and a
 * command loads only the side it uses. This module imports types only: a
 * face that imports it loads nothing more.
 *
 * @module
 */

import type { PlatformDefinition, ProbeResult } from "../definition.ts";
import type { Logger, ResolvedContext } from "../types.ts";
import type { BranchApi } from "./forge_branching.ts";
import type { CiApi } from "./forge_ci.ts";
import type { IssueApi } from "./forge_tracker.ts";

/** Loads a module on first need and resolves the one export wanted from it. */
export type Load<T> = () => Promise<T>;

/** A forge part: the API of one side over a connection; `logger` hears what it skips. */
export type ForgePart<C, Api> = (connection: C, logger: Logger) => Api;

/**
 * A forge's connection class. The platform's title is passed too, for a forge
 * that answers under more than one name (Gitea and Forgejo); others ignore it.
 */
export type ConnectionClass<C> = new (context: ResolvedContext, title: string) => C;

/** How a forge probes: one cheap authenticated request, under the platform's title. */
export type ForgeProbe = (context: ResolvedContext, title: string) => Promise<ProbeResult>;

/** The lazy loaders of a forge's code; each side given becomes its factory. */
export interface ForgeLoaders<C> {
  /** The connection class; every adapter built gets a connection of its own. */
  connection: Load<ConnectionClass<C>>;
  /** The CI part, run by `ForgeCI`. */
  ci?: Load<ForgePart<C, CiApi>>;
  /** The issue part, run by `ForgeTracker`. */
  tracker?: Load<ForgePart<C, IssueApi>>;
  /** The branch part, run by `ForgeBranching`. */
  branching?: Load<ForgePart<C, BranchApi>>;
  /** The probe, loaded only once the settings are complete. */
  probe?: Load<ForgeProbe>;
}

/** A shared flow (`ForgeCI`, `ForgeTracker`, `ForgeBranching`) named after the platform over a part's API. */
type Flow<Api, A> = new (context: ResolvedContext, platform: string, api: Api) => A;

/**
 * The definition of a forge: `data` (names, variables, hosts, `missing`) plus
 * a factory for each side `loaders` names, and a probe that reports the
 * settings' problems before loading anything. A factory already in `data`
 * (a forge's own adapter class) stays when `loaders` does not name that side.
 *
 * @example
 * ```ts ignore
 * export const acmePlatform: PlatformDefinition = forgePlatform(
 *   { name: "acme", env: ["ACME_TOKEN"], hosts: () => ["acme.example"] },
 *   {
 *     connection: async () => (await import("./acme/connection.ts")).AcmeConnection,
 *     tracker: async () => (await import("./acme/tracker.ts")).acmeIssues,
 *   },
 * );
 * ```
 */
export function forgePlatform<C>(
  data: PlatformDefinition,
  loaders: ForgeLoaders<C>,
): PlatformDefinition {
  const { name } = data;
  const title = data.title ?? name;
  const factory =
    <Api, A>(flow: Load<Flow<Api, A>>, part: Load<ForgePart<C, Api>>) =>
    async (context: ResolvedContext): Promise<A> => {
      const [Flow, build, Connection] = await Promise.all([flow(), part(), loaders.connection()]);
      return new Flow(context, name, build(new Connection(context, title), context.logger));
    };
  const definition: PlatformDefinition = { ...data };
  const { ci, tracker, branching, probe } = loaders;
  if (ci) definition.ci = factory(async () => (await import("./forge_ci.ts")).ForgeCI, ci);
  if (tracker) {
    definition.tracker = factory(
      async () => (await import("./forge_tracker.ts")).ForgeTracker,
      tracker,
    );
  }
  if (branching) {
    definition.branching = factory(
      async () => (await import("./forge_branching.ts")).ForgeBranching,
      branching,
    );
  }
  if (probe) {
    definition.probe = async (context) => {
      const problems = data.missing?.(context.env) ?? [];
      if (problems.length) return { ok: false, detail: problems.join("; ") };
      return await (await probe())(context, title);
    };
  }
  return definition;
}
