/**
 * The branching operations, written once: a branch created at its parent's
 * head unless it exists, and a pull request found before one is opened, its
 * labels checked afterwards ({@linkcode openPullOnce} also opens the review
 * PRs of the CI adapters). A forge (GitHub, GitLab, Bitbucket, Gitea)
 * supplies only a small {@linkcode BranchApi}: read a branch's head, create a
 * ref, find and open a pull request, and what its refusals mean. Branch names
 * reach this module already checked by the registry's guard.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { BaseBranchingAdapter } from "../base.ts";
import type { Logger, ResolvedContext } from "../types.ts";
import { ensureItem } from "./ensure.ts";

/** A pull (or merge) request as the shared flow needs it. */
export interface ForgePull {
  /** What the forge addresses it by (GitHub's number, for labelling). */
  id: number | string;
  /** Its web page. */
  url: string;
  /** The labels its answer carries; absent where the forge does not echo them. */
  labels?: readonly string[];
}

/** What opens a pull request: titles and bodies already cut to the forge's limits. */
export interface PullDraft {
  /** The branch it brings. */
  head: string;
  /** The branch it goes into. */
  base: string;
  /** One line, never empty. */
  title: string;
  /** Markdown. */
  body: string;
  /** Cleaned: strings, trimmed, non-empty, each once. */
  labels: string[];
}

/** Why a forge refuses a write with a 403: the permission to grant. */
export interface PermissionHints {
  /** For creating a branch. */
  branch: string;
  /** For opening a pull request. */
  pull: string;
  /** For labels refused or dropped; absent where pull requests carry none. */
  labels?: string;
}

/** What a forge supplies so the shared branching flow can run on it. */
export interface BranchApi {
  /** The forge's name for log lines (`GitHub dropped the labels …`). */
  forge: string;
  /** What it calls a pull request (`merge request`); default `pull request`. */
  pullNoun?: string;
  /** How many characters of a SHA the log shows (the forge's own short form); default 7. */
  shaLength?: number;
  /** The longest title the forge takes. */
  titleLimit: number;
  /** The longest body the flow sends (a longer one is cut, with a note). */
  bodyLimit: number;
  /** A character the forge splits label lists on (GitLab's comma): names are split on it too. */
  labelSeparator?: string;
  /** The permission each refused (403) write lacks. */
  hints: PermissionHints;
  /** The branch's head commit; `undefined` when the forge has no such branch. */
  head(branch: string): Promise<string | undefined>;
  /** Create `branch` at `from.sha`, the head of `from.branch` read just before. */
  createRef(branch: string, from: { branch: string; sha: string }): Promise<void>;
  /** Whether a failed create is the forge's "it already exists" (worth a second look). */
  createdMeanwhile(error: unknown): boolean;
  /** The open pull request `head` → `base`, or `undefined`. */
  findOpenPull(head: string, base: string): Promise<ForgePull | undefined>;
  /**
   * A review's pull request `head` → `base`: the open one, else a merged one
   * (a review that was done). Absent where only an open one counts.
   */
  findReviewPull?(head: string, base: string): Promise<ForgePull | undefined>;
  /** Open it; the answer as the forge gave it. */
  openPull(draft: PullDraft): Promise<ForgePull>;
  /** Whether a failed open may be one opened meanwhile (a concurrent run). */
  pullCreatedMeanwhile?(error: unknown): boolean;
  /** Add `missing` to the pull request; the labels it answers with. Absent where it cannot. */
  addLabels?(pull: ForgePull, missing: string[]): Promise<readonly string[]>;
  /** What a refused open means where the forge's answer alone does not say; else `undefined`. */
  explainRefusal?(error: unknown): string | undefined;
}

/** The labels asked for: strings, trimmed, non-empty, each once (split on `separator`). */
export function cleanLabels(labels: unknown, separator?: string): string[] {
  if (!Array.isArray(labels)) return [];
  const names = labels.filter((l): l is string => typeof l === "string")
    .flatMap((l) => separator ? l.split(separator) : [l]).map((l) => l.trim());
  return [...new Set(names.filter(Boolean))];
}

/** A title on one line, cut to `limit`; `head into base` when nothing is left. */
function pullTitle(title: unknown, limit: number, head: string, base: string): string {
  return String(title ?? "").replace(/\s+/g, " ").trim().slice(0, limit).trim() ||
    `${head} into ${base}`;
}

/** The body, cut to `limit` with a note saying so. */
function pullBody(body: unknown, limit: number): string {
  const text = String(body ?? "");
  return text.length > limit ? `${text.slice(0, limit)}\n\n…(truncated)` : text;
}

function refused(error: unknown): error is HttpError {
  return error instanceof HttpError && error.status === 403;
}

const reasonOf = (error: unknown) => error instanceof Error ? error.message : String(error);
const lower = (labels: readonly string[]) => new Set(labels.map((l) => l.toLowerCase()));

/**
 * A pull request to find or open: the draft as asked for (the title and body
 * are cut on the way), and how to find one already there.
 */
export interface PullRequestPlan extends PullDraft {
  /** For the log and errors: `pull request staging → main`, `review PR for day 14`. */
  what: string;
  /** The one already there, if any. */
  find(): Promise<ForgePull | undefined>;
}

/**
 * The pull request `plan.find` finds, else one opened with the title and body
 * cut to the forge's limits (logged once); `opened` says which. A create that
 * may have taken effect is looked for again before it fails; a 403 names the
 * permission, and the forge explains the refusals it knows.
 *
 * @example
 * ```ts ignore
 * const { pull } = await openPullOnce(api, logger, {
 *   what: "review PR for day 14", head: "pace/review-day-14", base: "main",
 *   title: "[PACE Review Gate] Days 1–14", body: "…", labels: [],
 *   find: () => api.findOpenPull("pace/review-day-14", "main"),
 * });
 * ```
 */
export async function openPullOnce(
  api: BranchApi,
  logger: Logger,
  plan: PullRequestPlan,
): Promise<{ pull: ForgePull; opened: boolean }> {
  const { what, head, base } = plan;
  let opened = false;
  try {
    const pull = await ensureItem<ForgePull>({
      what,
      logger,
      find: () => plan.find(),
      create: async () => {
        let created: ForgePull;
        try {
          created = await api.openPull({
            head,
            base,
            title: pullTitle(plan.title, api.titleLimit, head, base),
            body: pullBody(plan.body, api.bodyLimit),
            labels: plan.labels,
          });
        } catch (error) {
          if (!refused(error)) throw error;
          throw new Error(`cannot open the ${what}: ${error.message} — ${api.hints.pull}`);
        }
        logger.info(`${what}: opened ${created.url}`);
        opened = true;
        return created;
      },
      ambiguous: (error) => api.pullCreatedMeanwhile?.(error) ?? false,
    });
    return { pull, opened };
  } catch (error) {
    const why = api.explainRefusal?.(error);
    if (why) throw new Error(`cannot open the ${what}: ${reasonOf(error)} — ${why}`);
    throw error;
  }
}

/**
 * A branching adapter over a {@linkcode BranchApi}. Platforms build one in
 * their `branching` factory; `ensureHierarchy` comes from the base class.
 *
 * @example A forge whose branches live in memory
 * ```ts ignore
 * const heads = new Map([["main", "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"]]);
 * const api: BranchApi = {
 *   forge: "Memory", titleLimit: 255, bodyLimit: 65_000,
 *   hints: { branch: "grant write", pull: "grant write" },
 *   head: (branch) => Promise.resolve(heads.get(branch)),
 *   createRef: async (branch, from) => void heads.set(branch, from.sha),
 *   createdMeanwhile: () => false,
 *   findOpenPull: () => Promise.resolve(undefined),
 *   openPull: (draft) => Promise.resolve({ id: 1, url: `mem://${draft.head}` }),
 * };
 * const branching = new ForgeBranching(context, "memory", api);
 * await branching.ensureHierarchy("v2.0", 1);
 * ```
 */
export class ForgeBranching extends BaseBranchingAdapter {
  /** The registered platform name. */
  readonly platform: string;
  readonly #api: BranchApi;

  /** Branching named `platform` over `api`. */
  constructor(context: ResolvedContext, platform: string, api: BranchApi) {
    super(context);
    this.platform = platform;
    this.#api = api;
  }

  /** The branch's head commit; `undefined` when it does not exist. */
  getBranchSha(branch: string): Promise<string | undefined> {
    return this.#api.head(branch);
  }

  /**
   * Create `newBranch` at `fromBranch`'s head. An existing `newBranch` is left
   * where it is (its parent need not exist); one created meanwhile (a
   * concurrent run, a create whose answer was lost) counts as made.
   */
  async createBranch(newBranch: string, fromBranch: string): Promise<boolean> {
    const api = this.#api;
    await ensureItem({
      what: `branch ${newBranch}`,
      logger: this.logger,
      find: () => api.head(newBranch),
      create: async () => {
        const sha = await api.head(fromBranch);
        if (sha === undefined) {
          // The missing branch by name, then in its role: the head a new branch starts at.
          throw new Error(
            `cannot create ${newBranch}: ${fromBranch} does not exist ` +
              `(nothing to start at: its parent ${fromBranch} does not exist)`,
          );
        }
        try {
          await api.createRef(newBranch, { branch: fromBranch, sha });
        } catch (error) {
          if (!refused(error)) throw error;
          throw new Error(`cannot create ${newBranch}: ${error.message} — ${api.hints.branch}`);
        }
        const short = sha.slice(0, api.shaLength ?? 7);
        this.logger.info(`created ${newBranch} at ${short}, the head of ${fromBranch}`);
        return sha;
      },
      ambiguous: (error) => api.createdMeanwhile(error),
    });
    return true;
  }

  /**
   * The open pull request `head` → `base`, else a new one; its URL. Labels
   * the forge refused or dropped are a warning: the pull request counts.
   */
  async createPullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
    labels: readonly string[] = [],
  ): Promise<string> {
    const api = this.#api;
    const what = `${api.pullNoun ?? "pull request"} ${head} → ${base}`;
    const wanted = cleanLabels(labels, api.labelSeparator);
    const { pull, opened } = await openPullOnce(api, this.logger, {
      what,
      head,
      base,
      title,
      body,
      labels: wanted,
      find: () => api.findOpenPull(head, base),
    });
    // A forge that cannot add labels afterwards is only answerable for the ones it was sent.
    if (api.addLabels || opened) await this.#checkLabels(pull, wanted, what);
    return pull.url;
  }

  /** Add the labels the pull request lacks where the forge can; warn about the rest. */
  async #checkLabels(pull: ForgePull, wanted: string[], what: string): Promise<void> {
    const api = this.#api;
    if (pull.labels === undefined) return;
    const has = lower(pull.labels);
    const missing = wanted.filter((label) => !has.has(label.toLowerCase()));
    if (!missing.length) return;
    const hint = api.hints.labels ? `; ${api.hints.labels}` : "";
    let dropped = missing;
    if (api.addLabels) {
      let answered: Set<string>;
      try {
        answered = lower(await api.addLabels(pull, missing));
      } catch (error) {
        this.logger.warn(
          `${what}: labels ${missing.join(", ")} not added (${reasonOf(error)})${hint}`,
        );
        return;
      }
      dropped = missing.filter((label) => !answered.has(label.toLowerCase()));
    }
    if (dropped.length) {
      this.logger.warn(`${what}: ${api.forge} dropped the labels ${dropped.join(", ")}${hint}`);
    }
  }
}
