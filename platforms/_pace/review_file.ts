/**
 * The review PR as a file, for platforms without pull requests of their own
 * (local, Jenkins): `.pace/day-N/review-pr.md`, written once.
 *
 * @module
 */

import { createOnce } from "../_core/files.ts";
import type { Logger } from "../types.ts";
import { reviewPrFile } from "./names.ts";
import { reviewPlan } from "./plans.ts";
import { toMarkdown } from "./markdown.ts";

/** Write the day's review PR under `paceDir` unless it exists; its path. */
export async function writeReviewFile(
  day: number,
  paceDir: string,
  logger: Logger,
  contextNote: string | undefined,
  redact: (text: string) => string,
): Promise<string> {
  const plan = await reviewPlan(day, paceDir, logger, contextNote);
  return await createOnce(
    reviewPrFile(paceDir, day),
    () => redact(toMarkdown(plan.doc, { includeTitle: true })),
  );
}
