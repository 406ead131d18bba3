/**
 * The data model of the fake Jenkins: its start options, what it records of
 * a request, builds, and the tree of folders and jobs.
 *
 * @module
 */

import type { RecordedRequest as BaseRecord } from "../_base.ts";

/** A build's result. `null` while it runs. */
export type JenkinsResult = "SUCCESS" | "UNSTABLE" | "FAILURE" | "NOT_BUILT" | "ABORTED";

/** A job that has builds. */
export type JobKind = "freestyle" | "pipeline";

/** An item that holds jobs. */
export type FolderKind = "folder" | "multibranch";

/** Options of {@linkcode FakeJenkins.start}. */
export interface FakeJenkinsOptions {
  /** Context path, e.g. `/jenkins`. Default `""` (Jenkins at the root). */
  contextPath?: string;
  /** The user. Default `"pace-bot"`. */
  user?: string;
  /** Their API token. Default `"11c0ffee5eed0ddba11fab1e5ca1ab1e00"`. */
  token?: string;
  /** Their password (Basic with it works too, but is not CSRF-exempt). Default `"hunter2-pass"`. */
  password?: string;
  /** Whether anonymous users may read (Overall/Read for anonymous). Default `false`. */
  anonymousRead?: boolean;
  /** CSRF protection (a crumb issuer). Default `true`. */
  csrf?: boolean;
}

/** One request the server received; `path` is the raw path below the context path, still encoded. */
export interface RecordedRequest extends BaseRecord {
  /** The raw body text. */
  body: string;
  /** Who Jenkins took the caller to be: the user, or `anonymous`. */
  user: string;
}

/**
 * A merge the git plugin made before building: merge-before-build
 * (`PreBuildMerge`) or a pull request's merge checkout (multibranch
 * `MergeWithGitSCMExtension`). The build's `lastBuiltRevision` is then the
 * merge, while `buildsByBranchName.<branch>.marked` keeps the pushed commit.
 */
export interface FakeMerge {
  /** The merge commit that was built. */
  sha: string;
  /**
   * Merge-before-build only: the branch merged into (`origin/main`) and its tip.
   * The merge revision then names that branch; a pull request's merge checkout
   * keeps the pushed branch.
   */
  into?: { branch: string; sha: string };
}

/** A build of a fake job. Mutable: a test may finish a running build. */
export interface FakeBuild {
  number: number;
  /** `null` while running. */
  result: JenkinsResult | null;
  building: boolean;
  /**
   * The commit the git plugin was asked to build (`marked`), if it checked one
   * out; also the built revision unless {@linkcode FakeBuild.merge} is set.
   */
  sha?: string;
  /** The branch `sha` came from, as the git plugin names it. */
  branch: string;
  /** The merge built instead of `sha`, if the build merged first. */
  merge?: FakeMerge;
  /** Change-set commit ids (freestyle: `changeSet`; Pipeline: one entry of `changeSets`). */
  commits: string[];
  /** More change sets (Pipeline only), e.g. a second checkout. */
  moreChangeSets: string[][];
  /** Other `BuildData` revisions, e.g. a Pipeline shared library's checkout. */
  libraries: string[];
  timestamp: number;
  duration: number;
}

/** Input of {@linkcode FakeJenkins.addBuild}. */
export interface BuildInput {
  /** Default: the job's next build number. */
  number?: number;
  /** Default `"SUCCESS"`, or `null` when `building`. */
  result?: JenkinsResult | null;
  /** Default `false`. */
  building?: boolean;
  sha?: string;
  /** Default `"refs/remotes/origin/main"`. */
  branch?: string;
  merge?: FakeMerge;
  commits?: string[];
  moreChangeSets?: string[][];
  libraries?: string[];
}

/** A folder, multibranch project or job. */
export interface Item {
  kind: JobKind | FolderKind;
  name: string;
  parent: Item | undefined;
  children: Map<string, Item>;
  builds: FakeBuild[];
  nextBuildNumber: number;
}

/** Folders, multibranch projects and jobs, by full name (`a/b/c`). */
export class ItemTree {
  /** The top-level items' parent (Jenkins itself). */
  readonly root: Item = this.#item("folder", "", undefined);

  #item(kind: Item["kind"], name: string, parent: Item | undefined): Item {
    return { kind, name, parent, children: new Map(), builds: [], nextBuildNumber: 1 };
  }

  /** The item at `fullName`, created (and missing parents as folders) when absent. */
  ensure(fullName: string, kind: Item["kind"]): Item {
    const names = fullName.split("/").filter(Boolean);
    if (names.length === 0) throw new Error("empty item name");
    let current = this.root;
    names.forEach((name, i) => {
      let next = current.children.get(name);
      if (!next) {
        next = this.#item(i === names.length - 1 ? kind : "folder", name, current);
        current.children.set(name, next);
      }
      current = next;
    });
    return current;
  }

  /** The item at `fullName`. */
  find(fullName: string): Item | undefined {
    let current: Item | undefined = this.root;
    for (const name of fullName.split("/").filter(Boolean)) current = current?.children.get(name);
    return current;
  }

  /** The names from the top down to `item`. */
  names(item: Item): string[] {
    const names: string[] = [];
    for (let i: Item | undefined = item; i && i !== this.root; i = i.parent) names.unshift(i.name);
    return names;
  }
}
