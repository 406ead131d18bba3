/**
 * What this checkout knows about the issues it created on Jira Cloud:
 * `.pace/day-N/jira-issues.json`, one entry per PACE item (by its marker)
 * holding the created issue's key and id — or, after a create that answered
 * an error Jira may have acted on anyway, that one may exist.
 *
 * Cloud's search lags writes, so a re-run started right after a create can
 * miss the issue there; a key recorded here is looked up directly instead,
 * which Jira answers consistently. The file sits among files PACE's agents
 * write, so it is untrusted: it is read as every agent file is (a link, or a
 * file outside `.pace/`, is refused), every key is checked before use, and an
 * issue it names still has to be the open item to count.
 *
 * @module
 */

import { dirname, join } from "../_core/paths.ts";
import { readArtifact } from "../_pace/artifacts.ts";
import { dayDir, paceDirOf } from "../_pace/names.ts";
import type { Logger } from "../types.ts";
import { isJiraKey } from "./jql.ts";

/** The file name of the record in a day's directory. */
export const RECORD_FILE = "jira-issues.json";

/** What the record holds about one item. */
export interface RecordedIssue {
  /** The created issue's key, e.g. `PACE-12`. */
  key?: string;
  /** Its numeric id, as the create answered it. */
  id?: string;
  /** A create answered an error Jira may have acted on: the issue may exist. */
  pending?: boolean;
}

/** `<repoRoot>/.pace/day-N/jira-issues.json` for the day in `marker` (`pace:hold:day-3`). */
export function recordFile(repoRoot: string, marker: string): string | undefined {
  const day = /^pace:[a-z]+:day-([1-9][0-9]{0,5})(?::|$)/.exec(marker)?.[1];
  return day ? join(dayDir(paceDirOf(repoRoot), Number(day)), RECORD_FILE) : undefined;
}

/** One entry as read: only well-formed fields survive. */
function entryOf(value: unknown): RecordedIssue | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { key, id, pending } = value as Record<string, unknown>;
  const entry: RecordedIssue = {};
  if (isJiraKey(key)) entry.key = key;
  if (typeof id === "string" && /^[1-9][0-9]{0,17}$/.test(id)) entry.id = id;
  if (pending === true) entry.pending = true;
  return entry.key || entry.pending ? entry : undefined;
}

/** The record's entries; nothing when it is missing, refused or not a mapping (JSON is YAML). */
async function readEntries(path: string): Promise<Record<string, unknown>> {
  return (await readArtifact(path)).data ?? {};
}

/** The record of one checkout, read and written per item. */
export class IssueRecord {
  readonly #repoRoot: string;
  readonly #logger: Logger;

  /** The record under `repoRoot`'s `.pace/`; write failures are logged on `logger`. */
  constructor(repoRoot: string, logger: Logger) {
    this.#repoRoot = repoRoot;
    this.#logger = logger;
  }

  /** What is recorded for the item with `marker`; `undefined` when nothing (usable) is. */
  async get(marker: string): Promise<RecordedIssue | undefined> {
    const path = recordFile(this.#repoRoot, marker);
    return path ? entryOf((await readEntries(path))[marker]) : undefined;
  }

  /**
   * Record `entry` for the item with `marker`, keeping the other items. Never
   * throws: the issue exists whether or not the note of it can be written.
   */
  async put(marker: string, entry: RecordedIssue): Promise<void> {
    const path = recordFile(this.#repoRoot, marker);
    if (!path) return;
    const entries = await readEntries(path);
    entries[marker] = entry;
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.mkdir(dirname(path), { recursive: true });
      // Write then rename: a reader never sees half a record, and a link in its place is replaced.
      await Deno.writeTextFile(temp, `${JSON.stringify(entries, null, 2)}\n`);
      await Deno.rename(temp, path);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      this.#logger.warn(
        `${marker}: could not record the issue in ${path} (${
          error instanceof Error ? error.message : String(error)
        }); a re-run right away may not find it in Jira Cloud's search`,
      );
    }
  }
}
