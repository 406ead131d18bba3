/**
 * What opening a review PR needs — the plan of its body, the markdown
 * renderer and find-or-create — loaded on first use: a `ci wait` never opens
 * a review PR, so it should not load the renderers and artifact readers.
 *
 * @module
 */

import type { ensureItem } from "./ensure.ts";
import type { toMarkdown } from "./markdown.ts";
import type { reviewPlan } from "./plans.ts";

/** The review-PR tools, loaded together. */
export interface ReviewTools {
  reviewPlan: typeof reviewPlan;
  toMarkdown: typeof toMarkdown;
  ensureItem: typeof ensureItem;
}

/** Load the review-PR tools (once; later calls reuse the modules). */
export async function loadReviewTools(): Promise<ReviewTools> {
  const [plans, markdown, ensure] = await Promise.all([
    import("./plans.ts"),
    import("./markdown.ts"),
    import("./ensure.ts"),
  ]);
  return {
    reviewPlan: plans.reviewPlan,
    toMarkdown: markdown.toMarkdown,
    ensureItem: ensure.ensureItem,
  };
}
