/**
 * The `local` platform: every operation as files under `.pace/`, no network,
 * no credentials. It is the embedded default when no config says otherwise,
 * and what the demo and the contract test kit's own tests run on.
 *
 * @module
 */

import type { PlatformDefinition } from "./types.ts";

/**
 * The `local` platform definition: no hosts, no variables.
 *
 * @example
 * ```ts
 * import { localPlatform } from "@pace/platforms";
 * console.log(localPlatform.hosts({})); // []
 * ```
 */
export const localPlatform: PlatformDefinition = {
  name: "local",
  title: "Local",
  env: [],
  hosts: () => [],
  ci: async (context) => new (await import("./local/ci.ts")).LocalCIAdapter(context),
  tracker: async (context) => new (await import("./local/tracker.ts")).LocalTrackerAdapter(context),
  branching: async (context) =>
    new (await import("./local/branching.ts")).LocalBranchingAdapter(context),
  probe: () => Promise.resolve({ ok: true, detail: "local files, no network needed" }),
};
