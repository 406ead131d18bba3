/**
 * What opening a review PR needs — the plan of its body, the markdown
 * renderer and the find-or-open of a pull request — loaded on first use: a
 * `ci wait` never opens a review PR, so it should not load the renderers and
 * artifact readers.
 *
 * @module
 */

import type { openPullOnce } from "./forge_branching.ts";
import type { toMarkdown } from "./markdown.ts";
import type { reviewPlan } from "./plans.ts";

/** The review-PR tools, loaded together. */
export interface ReviewTools {
  /** The review PR's title, branch and body. */
  reviewPlan: typeof reviewPlan;
  /** The body's renderer. */
  toMarkdown: typeof toMarkdown;
  /** Find the pull request, else open it once. */
  openPullOnce: typeof openPullOnce;
}

/** Load the review-PR tools (once; later calls reuse the modules). */
export async function loadReviewTools(): Promise<ReviewTools> {
  const [plans, markdown, branching] = await Promise.all([
    import("./plans.ts"),
    import("./markdown.ts"),
    import("./forge_branching.ts"),
  ]);
  return {
    reviewPlan: plans.reviewPlan,
    toMarkdown: markdown.toMarkdown,
    openPullOnce: branching.openPullOnce,
  };
}
