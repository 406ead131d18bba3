/**
 * Gitea's labels are referenced by id: names are resolved from the
 * repository's label list (every page, read once per adapter), and a missing
 * label is created once, with one fixed colour. Gitea allows two labels of
 * one name, so "once" matters: concurrent callers share one create, and a
 * create answered ambiguously (5xx, timeout) is looked up again before it
 * could be repeated.
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import { mayHaveSucceeded } from "../_pace/ensure.ts";
import type { Logger } from "../types.ts";
import type { GiteaConnection } from "./connection.ts";

/** The colour of every label PACE creates. */
export const LABEL_COLOR = "#5319e7";

/** A label as Gitea answers it (the fields PACE reads). */
export interface GiteaLabel {
  /** What issues and pull requests reference it by. */
  id: number;
  /** Its name, e.g. `pace-hold`. */
  name: string;
}

/** The names on an issue or pull request answer (labels are objects there). */
export function labelNames(labels: unknown): string[] | undefined {
  if (!Array.isArray(labels)) return undefined;
  return labels.map((l) => (l as { name?: unknown })?.name).filter((n): n is string =>
    typeof n === "string"
  );
}

/** Label ids by name for one repository. */
export class GiteaLabels {
  readonly #gitea: GiteaConnection;
  readonly #logger: Logger;
  #known: Promise<Map<string, number>> | undefined;
  readonly #creating = new Map<string, Promise<number | undefined>>();

  /** Labels of the connection's repository; `logger` says when one cannot be created. */
  constructor(gitea: GiteaConnection, logger: Logger) {
    this.#gitea = gitea;
    this.#logger = logger;
  }

  /**
   * The ids of `names`, creating the missing labels. A label the token may
   * not create (403) is left out, with a warning: the item is still created,
   * and found again by its marker.
   */
  async ids(names: readonly string[]): Promise<number[]> {
    const known = await this.#load();
    const ids = await Promise.all(names.map((name) => known.get(name) ?? this.#create(name)));
    return [...new Set(ids.filter((id): id is number => id !== undefined))];
  }

  #load(refresh = false): Promise<Map<string, number>> {
    if (refresh || !this.#known) {
      const loading = this.#gitea.all<GiteaLabel>(this.#gitea.path("labels")).then((labels) => {
        const byName = new Map<string, number>();
        // Of two labels with one name, the first listed is used every time.
        for (const label of labels) if (!byName.has(label.name)) byName.set(label.name, label.id);
        return byName;
      });
      // A failed read is not kept: the next call asks again.
      loading.catch(() => {
        if (this.#known === loading) this.#known = undefined;
      });
      this.#known = loading;
    }
    return this.#known;
  }

  #create(name: string): Promise<number | undefined> {
    let creating = this.#creating.get(name);
    if (!creating) {
      creating = this.#post(name);
      this.#creating.set(name, creating);
      creating.catch(() => this.#creating.delete(name));
    }
    return creating;
  }

  async #post(name: string): Promise<number | undefined> {
    const gitea = this.#gitea;
    try {
      const label = await gitea.send<GiteaLabel>("POST", gitea.path("labels"), {
        json: { name, color: LABEL_COLOR },
      });
      (await this.#load()).set(name, label.id);
      return label.id;
    } catch (error) {
      if (mayHaveSucceeded(error)) {
        const id = (await this.#load(true)).get(name);
        if (id !== undefined) return id;
      }
      if (error instanceof HttpError && error.status === 403) {
        this.#logger.warn(
          `cannot create the label ${name} (403): the token needs the write:issue scope and ` +
            "write access to the repository's issues; going on without it",
        );
        return undefined;
      }
      throw error;
    }
  }
}
