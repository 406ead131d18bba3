/**
 * Gitea (and Forgejo) under the forge branching flow: branches read with
 * `GET …/branches/{branch}` and created with `POST …/branches` from the
 * parent's name, pull requests opened with their labels by id. A pull
 * request is found with `GET …/pulls/{base}/{head}`, which answers the latest
 * of the pair whatever its state: a closed one is no open one (then the open
 * list is read, in case an older one was reopened). A branch name is one
 * path segment (`release%2Fv2.0`).
 *
 * Token scope: `write:repository` to create branches and open pull requests;
 * labels PACE lacks are created on the way (`write:issue`).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { BranchApi, ForgePull } from "../_pace/forge_branching.ts";
import type { Logger } from "../types.ts";
import { BODY_LIMIT, type GiteaConnection } from "./connection.ts";
import { GiteaLabels } from "./labels.ts";

/** A pull request as Gitea answers it (the fields PACE reads). */
interface Pull {
  number: number;
  html_url: string;
  /** `open` or `closed` (a merged one is closed). */
  state: string;
  merged?: boolean;
  head?: { ref?: string };
  base?: { ref?: string };
}

const SCOPE_HINT = "the token needs the write:repository scope";

const toForgePull = (pull: Pull): ForgePull => ({ id: pull.number, url: pull.html_url });

/**
 * The branch API of one Gitea repository, named in the log as the
 * connection's title (`Gitea` or `Forgejo`); `logger` hears about labels it
 * cannot create.
 */
export function giteaBranches(gitea: GiteaConnection, logger: Logger): BranchApi {
  const names = new GiteaLabels(gitea, logger);
  /** The open pull request `head` → `base`, or (when `merged` counts) a merged one. */
  const findPull = async (head: string, base: string, merged: boolean) => {
    const path = gitea.path(`pulls/${encodeURIComponent(base)}/${encodeURIComponent(head)}`);
    const latest = await gitea.find<Pull>(path);
    if (!latest) return undefined;
    if (latest.state === "open" || (merged && latest.merged === true)) return toForgePull(latest);
    // An older one of the pair may have been reopened.
    const open = await gitea.all<Pull>(gitea.path("pulls"), { state: "open" });
    const found = open.find((pull) =>
      pull.state === "open" && pull.head?.ref === head && pull.base?.ref === base
    );
    return found && toForgePull(found);
  };
  return {
    forge: gitea.title,
    // Gitea refuses longer titles.
    titleLimit: 255,
    bodyLimit: BODY_LIMIT,
    hints: { branch: SCOPE_HINT, pull: SCOPE_HINT },

    async head(branch) {
      const path = gitea.path(`branches/${encodeURIComponent(branch)}`);
      const found = await gitea.find<{ commit?: { id?: unknown } }>(path);
      const sha = found?.commit?.id;
      return typeof sha === "string" && sha ? sha : undefined;
    },

    async createRef(branch, from) {
      await gitea.send("POST", gitea.path("branches"), {
        json: { new_branch_name: branch, old_ref_name: from.branch },
      });
    },

    // 409: it exists (created meanwhile) — or a tag has that name: looking again tells.
    createdMeanwhile: (error) => error instanceof HttpError && error.status === 409,

    findOpenPull: (head, base) => findPull(head, base, false),
    // A review that was merged is done: a re-run returns it.
    findReviewPull: (head, base) => findPull(head, base, true),

    async openPull(draft) {
      const { head, base, title, body } = draft;
      const ids = draft.labels.length ? await names.ids(draft.labels) : [];
      const json = { head, base, title, body, ...(ids.length ? { labels: ids } : {}) };
      return toForgePull(await gitea.send<Pull>("POST", gitea.path("pulls"), { json }));
    },

    // 409: an open pull request of the pair exists (a concurrent run opened it).
    pullCreatedMeanwhile: (error) => error instanceof HttpError && error.status === 409,
  };
}
