/**
 * The story-ticket steps every forge tracker shares: validate the status,
 * read the ticket `pushStory` recorded in `story-ticket.yaml`, and push the
 * story once per day. A platform supplies only how to find or create the
 * issue on its API.
 *
 * @module
 */

import { readTicketRef, writeTicketRef } from "./artifacts.ts";
import { type ItemPlan, storyPlan } from "./plans.ts";
import type { Logger, StoryStatus } from "../types.ts";

/** `status` as a {@linkcode StoryStatus}; throws a clear error for anything else. */
export function checkStoryStatus(status: unknown): StoryStatus {
  if (status === "done" || status === "in_progress") return status;
  throw new Error(`unknown status ${JSON.stringify(status)}: use done or in_progress`);
}

/**
 * The issue number `story-ticket.yaml` records for `platform`, `undefined`
 * when it records none (or another platform's). A recorded id that is not a
 * positive whole number is refused, so it can never reach a URL path.
 */
export async function recordedStoryNumber(
  dayDir: string,
  platform: string,
): Promise<number | undefined> {
  const recorded = await readTicketRef(dayDir);
  if (recorded?.platform !== platform || recorded.id === undefined) return undefined;
  const number = Number(recorded.id);
  if (!Number.isInteger(number) || number < 1) {
    throw new Error(
      `story-ticket.yaml holds id ${JSON.stringify(recorded.id)}, not an issue number`,
    );
  }
  return number;
}

/** What a platform's create (or find) of the story issue yields. */
export interface StoryTicket {
  url: string;
  id?: number | string;
  key?: string;
}

/**
 * `pushStory` for a forge: the ticket recorded for this platform is returned
 * as is; otherwise the story is planned, `ensure` finds or creates its issue,
 * and the result is recorded in `story-ticket.yaml`.
 */
export async function pushStoryOnce(input: {
  day: number;
  dayDir: string;
  platform: string;
  logger: Logger;
  ensure: (plan: ItemPlan) => Promise<StoryTicket>;
}): Promise<string> {
  const { day, dayDir, platform, logger } = input;
  const recorded = await readTicketRef(dayDir);
  if (recorded?.platform === platform && recorded.id !== undefined) return recorded.url;
  const ticket = await input.ensure(await storyPlan(day, dayDir, logger));
  await writeTicketRef(dayDir, { ...ticket, platform });
  return ticket.url;
}

/**
 * The day's story issue number: the one `story-ticket.yaml` records for
 * `platform`, else the one `find` locates on the platform; a clear error when
 * neither knows it.
 */
export async function storyIssueNumber(
  day: number,
  dayDir: string,
  platform: string,
  find: () => Promise<number | undefined>,
): Promise<number> {
  const number = await recordedStoryNumber(dayDir, platform) ?? await find();
  if (number === undefined) throw new Error(`no story issue for day ${day}: run push-story first`);
  return number;
}
