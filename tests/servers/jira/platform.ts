/**
 * The `jira` platform as tests build it: the real definition, whose tracker
 * waits between renewed searches without sleeping (each wait is counted), so
 * that a test of a lagging search takes no real seconds.
 *
 * @module
 */

import { jiraPlatform } from "../../../platforms/jira.ts";
import { jiraTracker } from "../../../platforms/jira/tracker.ts";
import type { PlatformDefinition } from "../../../platforms/types.ts";

/** A `jira` definition whose renewed-search waits resolve at once; `waits` lists them. */
export interface InstantJira {
  definition: PlatformDefinition;
  /** Every wait the tracker asked for, in ms. */
  waits: number[];
}

/** See {@linkcode InstantJira}. */
export function instantJira(): InstantJira {
  const waits: number[] = [];
  const definition: PlatformDefinition = {
    ...jiraPlatform,
    tracker: (context) =>
      jiraTracker(context, {
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      }),
  };
  return { definition, waits };
}
