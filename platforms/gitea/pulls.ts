/**
 * Pull requests on Gitea, found by base and head and opened once. Gitea's
 * `GET …/pulls/{base}/{head}` answers the latest pull request of the pair
 * whatever its state, so its `state` is read: a closed one is no open one
 * (and then the open list is read, in case an older one was reopened). The
 * base is one path segment (`release%2Fv2.0`), and so is the head.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { ensureItem } from "../_pace/ensure.ts";
import type { Logger } from "../types.ts";
import type { GiteaConnection } from "./connection.ts";

/** A pull request as Gitea answers it (the fields PACE reads). */
export interface GiteaPull {
  /** Its index, shared with issues. */
  number: number;
  /** Its web page. */
  html_url: string;
  /** `open` or `closed` (a merged one is closed). */
  state: string;
  /** Whether it was merged. */
  merged?: boolean;
  /** The branch it brings. */
  head?: { ref?: string };
  /** The branch it goes into. */
  base?: { ref?: string };
}

/** What opens a pull request. */
export interface PullInput {
  /** The branch it brings. */
  head: string;
  /** The branch it goes into. */
  base: string;
  /** Its title (Gitea requires one). */
  title: string;
  /** Its description, markdown. */
  body: string;
  /** Label ids, resolved by the caller. */
  labels?: () => Promise<number[]>;
  /** Also take a merged one as the existing pull request (a review that was done). */
  acceptMerged?: boolean;
  /** For the log: `review PR for day 14`. */
  what: string;
  /** Where the create and the re-look are logged. */
  logger: Logger;
}

const isPair = (pull: GiteaPull, head: string, base: string) =>
  pull.head?.ref === head && pull.base?.ref === base;

/** The open pull request `head` → `base` (or a merged one when asked), else `undefined`. */
export async function findPull(
  gitea: GiteaConnection,
  head: string,
  base: string,
  acceptMerged = false,
): Promise<GiteaPull | undefined> {
  const path = gitea.path(`pulls/${encodeURIComponent(base)}/${encodeURIComponent(head)}`);
  const latest = await gitea.find<GiteaPull>(path);
  if (!latest) return undefined;
  if (latest.state === "open" || (acceptMerged && latest.merged === true)) return latest;
  const open = await gitea.all<GiteaPull>(gitea.path("pulls"), { state: "open" });
  return open.find((pull) => pull.state === "open" && isPair(pull, head, base));
}

/** Find the pull request, else open it; after an ambiguous create (5xx, 409), look again. */
export async function ensurePull(gitea: GiteaConnection, input: PullInput): Promise<GiteaPull> {
  return await ensureItem({
    what: input.what,
    logger: input.logger,
    find: () => findPull(gitea, input.head, input.base, input.acceptMerged),
    create: async () => {
      const labels = await input.labels?.() ?? [];
      const created = await gitea.send<GiteaPull>("POST", gitea.path("pulls"), {
        json: {
          head: input.head,
          base: input.base,
          title: input.title,
          body: input.body,
          ...(labels.length ? { labels } : {}),
        },
      });
      input.logger.info(`${input.what}: created ${created.html_url}`);
      return created;
    },
    // 409: an open pull request of the pair exists (a concurrent run opened it).
    ambiguous: (error) => error instanceof HttpError && error.status === 409,
  });
}
