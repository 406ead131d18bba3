/**
 * The release and sprint a branch hierarchy is built for, from PACE's own
 * sections of `pace.config.yaml`: `releases:` (a list of `{ name, status,
 * sprint_days }`) or the legacy `release: { name, sprint_days }`.
 *
 * @module
 */

import type { Env } from "../platforms/types.ts";
import { currentSprintNum, refNameProblem } from "../platforms/branches.ts";
import { ConfigError, didYouMean } from "./errors.ts";
import { type ConfigDocument, parseConfigDocument } from "./document.ts";
import type { KeyPath } from "./_keys.ts";
import { describe, formatPath, isMapping, locate, type Mapping } from "./_values.ts";

export { currentSprintNum };

const DEFAULT_SPRINT_DAYS = 7;

/**
 * What {@linkcode resolveRelease} is told on the command line.
 *
 * @example
 * ```ts
 * import type { ReleaseOptions } from "@pace/platforms";
 * const options: ReleaseOptions = { day: 9 };
 * ```
 */
export interface ReleaseOptions {
  /** The release name; without it `PACE_RELEASE` or the config decides. */
  release?: string;
  /** The day of the release; the sprint is derived from it and the release's `sprint_days`. */
  day?: number;
  /** The sprint number, given directly (instead of `day`). */
  sprint?: number;
}

/**
 * The release and sprint to build branches for.
 *
 * @example
 * ```ts
 * import type { ActiveRelease } from "@pace/platforms";
 * const release: ActiveRelease = { name: "2026-q3", sprintNum: 2 };
 * ```
 */
export interface ActiveRelease {
  /** The release name, a valid git ref name (the branch is `release/NAME`). */
  name: string;
  /** The sprint number, 1 or more (the branch is `rel/sprint/pace-N`). */
  sprintNum: number;
}

/**
 * Whether `name` is a valid git ref name, as `git check-ref-format --branch`
 * sees it: not empty; no `..`, whitespace, `~ ^ : ? * [ \`, control
 * character, `@{` or `//`; not starting with `-` or `/`; not ending with `/`,
 * `.` or `.lock`; no part starting with `.`; not `@`. The reason is given by
 * {@linkcode refNameProblem}.
 *
 * @example
 * ```ts
 * import { isValidRefName } from "@pace/platforms";
 * console.log(isValidRefName("2026-q3"), isValidRefName("a..b")); // true false
 * ```
 */
export function isValidRefName(name: string): boolean {
  return refNameProblem(name) === undefined;
}

/** One release of the config, with where it is written. */
interface Entry {
  name: string;
  active: boolean;
  sprintDays: unknown;
  path: KeyPath;
}

/** Reads PACE's release sections of one document, with positions for its errors. */
class Releases {
  readonly #document: ConfigDocument;
  readonly #label: string | undefined;
  readonly #data: Mapping;

  constructor(document: ConfigDocument) {
    this.#document = document;
    this.#label = document.source ??
      (document.text === undefined ? undefined : "<config>");
    const data = document.data ?? {};
    if (!isMapping(data)) {
      throw new ConfigError(
        `the top level must be a mapping, got ${describe(data)}`,
        this.#label,
        { line: 1, column: 1 },
      );
    }
    this.#data = data;
  }

  /** An error about `path` (the whole file when empty), with its position when known. */
  error(message: string, path: KeyPath, part: "key" | "value" = "key"): ConfigError {
    const position = path.length ? locate(this.#document.text, path, part) : undefined;
    return new ConfigError(message, this.#label, position);
  }

  line(path: KeyPath): string {
    const position = locate(this.#document.text, path);
    return position ? ` at line ${position.line}` : "";
  }

  /** The `releases:` list, `undefined` when the section is absent. */
  list(): Entry[] | undefined {
    const list = this.#data.releases;
    if (list === undefined || list === null) return undefined;
    if (!Array.isArray(list)) {
      throw this.error(
        `"releases" must be a list of { name, status, sprint_days } entries, got ${describe(list)}`,
        ["releases"],
        "value",
      );
    }
    const entries: Entry[] = [];
    for (const [index, item] of list.entries()) {
      const path = ["releases", index];
      if (!isMapping(item)) {
        throw this.error(
          `${formatPath(path)} must be a mapping with a name and a status, got ${describe(item)}`,
          path,
        );
      }
      const name = this.#name(item, path);
      const same = entries.find((entry) => entry.name === name);
      if (same) {
        throw this.error(
          `${formatPath(path)} repeats the name ${JSON.stringify(name)} of ${
            formatPath(same.path)
          }`,
          [...path, "name"],
          "value",
        );
      }
      const status = item.status;
      const active = typeof status === "string" && status.trim().toLowerCase() === "active";
      entries.push({ name, active, sprintDays: item.sprint_days, path });
    }
    return entries;
  }

  /** The legacy `release:` mapping, `undefined` when absent. */
  legacy(): Entry | undefined {
    const release = this.#data.release;
    if (release === undefined || release === null) return undefined;
    const path = ["release"];
    if (!isMapping(release)) {
      throw this.error(
        `"release" must be a mapping like "release: { name: 2026-q3, sprint_days: 7 }", got ${
          describe(release)
        }`,
        path,
      );
    }
    return {
      name: this.#name(release, path),
      active: false,
      sprintDays: release.sprint_days,
      path,
    };
  }

  #name(item: Mapping, path: KeyPath): string {
    const name = item.name;
    const where = [...path, "name"];
    if (name === undefined || name === null) {
      throw this.error(`${formatPath(path)} has no name`, path);
    }
    if (typeof name !== "string") {
      throw this.error(
        `${formatPath(where)} must be a string, got ${describe(name)}${
          typeof name === "number" ? " (quote it so YAML keeps it as written)" : ""
        }`,
        where,
        "value",
      );
    }
    const problem = refNameProblem(name.trim());
    if (problem) throw this.error(`${formatPath(where)}: ${problem}`, where, "value");
    return name.trim();
  }

  sprintDays(entry: Entry | undefined): number {
    const value = entry?.sprintDays;
    if (entry === undefined || value === undefined || value === null) return DEFAULT_SPRINT_DAYS;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      const where = [...entry.path, "sprint_days"];
      throw this.error(
        `${formatPath(where)} must be a whole number of days, 1 or more, got ${describe(value)}`,
        where,
        "value",
      );
    }
    return value;
  }
}

function checkCount(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${what} must be a whole number, 1 or more, got ${value}`);
  }
}

function checkName(name: string, origin: string): string {
  const problem = refNameProblem(name);
  if (problem) throw new ConfigError(`${origin}: ${problem}`);
  return name;
}

/** The release to build and its entry in the config, if it has one. */
function chooseRelease(
  releases: Releases,
  env: Env,
  explicit: string | undefined,
  needEntry: boolean,
): { name: string; entry?: Entry } {
  if (explicit !== undefined) {
    const name = checkName(explicit.trim(), "the release name");
    if (!needEntry) return { name };
    const listed = releases.list()?.find((item) => item.name === name);
    if (listed) return { name, entry: listed };
    const legacy = releases.legacy();
    return { name, entry: legacy?.name === name ? legacy : undefined };
  }

  const list = releases.list();
  const fromEnv = env.PACE_RELEASE?.trim();
  if (fromEnv) {
    const name = checkName(fromEnv, "PACE_RELEASE");
    if (!list) {
      const legacy = releases.legacy();
      return { name, entry: legacy?.name === name ? legacy : undefined };
    }
    const entry = list.find((item) => item.name === name);
    if (!entry) {
      const names = list.map((item) => item.name);
      throw releases.error(
        `PACE_RELEASE names ${JSON.stringify(name)}, which is no entry of "releases"${
          didYouMean(name, names)
        }; listed: ${names.length ? names.join(", ") : "none"}`,
        ["releases"],
      );
    }
    return { name, entry };
  }

  const active = list?.filter((item) => item.active) ?? [];
  if (active.length > 1) {
    const which = active.map((item) => `${JSON.stringify(item.name)}${releases.line(item.path)}`);
    throw releases.error(
      `${active.length} releases have "status: active" (${which.join(", ")}): ` +
        `set PACE_RELEASE to the one to build, or keep one active`,
      [...active[1].path, "status"],
      "value",
    );
  }
  if (active.length === 1) return { name: active[0].name, entry: active[0] };
  const legacy = releases.legacy();
  if (legacy) return { name: legacy.name, entry: legacy };
  const why = list
    ? `no entry of "releases" has "status: active"`
    : `the config has neither a "releases" nor a "release" section`;
  throw releases.error(
    `no release to build: ${why}; pass --release NAME or set PACE_RELEASE`,
    [],
  );
}

/**
 * The release and sprint `pace branch ensure-hierarchy` builds for.
 *
 * The release: `options.release` when given; else the one `PACE_RELEASE`
 * names (which must be an entry of `releases:` when that section exists);
 * else the one entry of `releases:` with `status: active`; else the legacy
 * `release: { name }`. The sprint: `options.sprint`, or with `options.day`
 * `currentSprintNum(day, sprint_days)` of the chosen release (its own
 * `sprint_days`, default 7; an explicit release uses its entry when listed).
 * Only `PACE_RELEASE` is read from `env`.
 *
 * @param config The config text, or a document from `loadConfigDocument`.
 * @param env Where `PACE_RELEASE` is read.
 * @param options The release name, and either a day or a sprint number.
 * @throws {ConfigError} in one line when it cannot decide: neither sprint nor
 * day (or both), no release to be found, two active releases without
 * `PACE_RELEASE`, a `PACE_RELEASE` that names no entry, a name that is not a
 * valid git ref name, or a malformed `releases`/`release` section.
 *
 * @example
 * ```ts
 * import { resolveRelease } from "@pace/platforms";
 * const text = "releases:\n  - { name: 2026-q3, status: active, sprint_days: 14 }\n";
 * console.log(resolveRelease(text, {}, { day: 15 })); // { name: "2026-q3", sprintNum: 2 }
 * ```
 */
export function resolveRelease(
  config: string | ConfigDocument,
  env: Env,
  options: ReleaseOptions = {},
): ActiveRelease {
  const { day, sprint } = options;
  if (sprint !== undefined && day !== undefined) {
    throw new ConfigError("give a sprint (--sprint N) or a day (--day N), not both");
  }
  if (sprint === undefined && day === undefined) {
    throw new ConfigError("no sprint given: pass --sprint N or --day N");
  }
  if (sprint !== undefined) checkCount("the sprint", sprint);
  if (day !== undefined) checkCount("the day", day);

  const document = typeof config === "string" ? parseConfigDocument(config) : config;
  const releases = new Releases(document);
  const { name, entry } = chooseRelease(releases, env, options.release, day !== undefined);
  return {
    name,
    sprintNum: sprint ?? currentSprintNum(day!, releases.sprintDays(entry)),
  };
}
