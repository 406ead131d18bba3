/**
 * Gitea (and Forgejo) under the forge branching flow: branches read with
 * `GET …/branches/{branch}` and created with `POST …/branches` from the
 * parent's name, pull requests found with `GET …/pulls/{base}/{head}` and
 * opened with their labels by id. A branch name is one path segment
 * (`release%2Fv2.0`).
 *
 * Token scope: `write:repository` to create branches and open pull requests;
 * labels PACE lacks are created on the way (`write:issue`).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { BranchApi } from "../_pace/forge_branching.ts";
import type { Logger } from "../types.ts";
import { BODY_LIMIT, type GiteaConnection } from "./connection.ts";
import { GiteaLabels } from "./labels.ts";
import { findPull, type GiteaPull } from "./pulls.ts";

const SCOPE_HINT = "the token needs the write:repository scope";

const toForgePull = (pull: GiteaPull) => ({ id: pull.number, url: pull.html_url });

/**
 * The branch API of one Gitea repository; `forge` names it in the log
 * (`Gitea` or `Forgejo`), `logger` hears about labels it cannot create.
 */
export function giteaBranches(gitea: GiteaConnection, forge: string, logger: Logger): BranchApi {
  const names = new GiteaLabels(gitea, logger);
  return {
    forge,
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

    async findOpenPull(head, base) {
      const found = await findPull(gitea, head, base);
      return found && toForgePull(found);
    },

    async openPull(draft) {
      const { head, base, title, body } = draft;
      const ids = draft.labels.length ? await names.ids(draft.labels) : [];
      const json = { head, base, title, body, ...(ids.length ? { labels: ids } : {}) };
      return toForgePull(await gitea.send<GiteaPull>("POST", gitea.path("pulls"), { json }));
    },

    // 409: an open pull request of the pair exists (a concurrent run opened it).
    pullCreatedMeanwhile: (error) => error instanceof HttpError && error.status === 409,
  };
}
