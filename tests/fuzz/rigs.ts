/**
 * One platform under test: its fake server (none for local), a fresh
 * repository with the sample `.pace/`, the adapters built through the
 * package's guarded factories, and a view of the fake's state that counts
 * what the operations created. Every case gets its own rig.
 *
 * The repository lives at `<tmp>/repo`, next to `<tmp>/outside`: files an
 * input points at from inside `.pace/`, whose content must never travel and
 * which nothing may write to.
 *
 * @module
 */

import { join } from "node:path";
import {
  type AdapterContext,
  type BranchingAdapter,
  type CIAdapter,
  getBranchingAdapter,
  getCIAdapter,
  getTrackerAdapter,
  listPlatforms,
  type TrackerAdapter,
} from "../../mod.ts";
import { captureLogger, type CapturingLogger, writeSamplePace } from "../../testing.ts";
import type { LocalServer, RecordedRequest, ScriptRule } from "../servers/_base.ts";
import { type Injector, injector } from "./inject.ts";
import { forgeRig } from "./rigs_forges.ts";
import { type LocalState, localState } from "./rigs_local.ts";

/** What the operations create, as the fake's state shows it. */
export interface StateView {
  /** Titles of every issue (any state). */
  issueTitles(): string[];
  /** Every comment body, as text. */
  comments(): string[];
  /** Open pull requests as `head -> base`. */
  pulls(): string[];
  /** Names of the stored variables (as stored). */
  variables(): string[];
  /** A stored variable's value. */
  variable(name: string): string | undefined;
  /** Whether a branch exists. */
  hasBranch(name: string): boolean;
  /** Head commit of a branch. */
  branchSha(name: string): string | undefined;
  /** Whether the day's story item is done (closed, resolved). */
  storyDone(day: number): boolean;
  /** Whether an issue whose title starts with `prefix` is still open. */
  isOpen(prefix: string): boolean;
}

/** What a remote platform's rig adds for its fake. */
export interface ServerSide {
  server: LocalServer & {
    script(rule: ScriptRule): void;
    readonly requests: RecordedRequest[];
  };
  env: Record<string, string>;
  /** Every form of the credentials that must never leak. */
  secrets: string[];
  view: StateView;
  /** Give the commit a successful CI run. */
  seedCi(sha: string): void;
  /** Create a branch on the fake. */
  addBranch(name: string): void;
  /** The repository's own paths, as a request path below the mount starts. */
  scope: RegExp;
  /** The platform's path structure with any repository in it (one segment per coordinate). */
  shape: RegExp;
}

/** Options of a rig. */
export interface RigOptions {
  /** Token (and password) the fake accepts and the env carries. */
  token?: string;
  /** Variables over the rig's environment (`undefined` removes one). */
  env?: Record<string, string | undefined>;
  /** Skip writing the sample `.pace/`. */
  empty?: boolean;
  /** Jira's flavour. Default cloud. */
  jiraMode?: "cloud" | "datacenter";
}

/** One platform under test. */
export interface Rig {
  readonly platform: string;
  /** `<tmp>`: the repository and `outside` live here. */
  readonly base: string;
  readonly root: string;
  readonly paceDir: string;
  readonly outside: string;
  env: Record<string, string | undefined>;
  readonly logger: CapturingLogger;
  readonly secrets: string[];
  readonly sides: { ci: boolean; tracker: boolean; branching: boolean };
  readonly remote?: ServerSide;
  readonly injector?: Injector;
  readonly view: StateView;
  /** The day directory. */
  dayDir(day: number): string;
  /** The context every adapter gets (a fresh logger when asked). */
  context(logger?: CapturingLogger): AdapterContext;
  ci(logger?: CapturingLogger): CIAdapter;
  tracker(logger?: CapturingLogger): TrackerAdapter;
  branching(logger?: CapturingLogger): BranchingAdapter;
  /** Requests the fake received. */
  requests(): RecordedRequest[];
  /** Bodies the fake received, as text. */
  bodies(): string[];
  seedCi(sha: string): void;
  addBranch(name: string): void;
  close(): Promise<void>;
}

const FAKED = ["github", "gitlab", "bitbucket", "jenkins", "jira", "gitea", "forgejo", "local"];

/** The platforms to fuzz: every registered one the fuzz has a fake for. */
export function fuzzPlatforms(): string[] {
  return listPlatforms().map((p) => p.name).filter((n) => FAKED.includes(n));
}

/** Registered platforms without a fake here (a user's own): not fuzzed. */
export function unfuzzedPlatforms(): string[] {
  return listPlatforms().map((p) => p.name).filter((n) => !FAKED.includes(n));
}

/** Start a rig for `platform`. */
export async function startRig(platform: string, options: RigOptions = {}): Promise<Rig> {
  const info = listPlatforms().find((p) => p.name === platform);
  if (!info) throw new Error(`${platform} is not registered`);
  const base = await Deno.makeTempDir({ prefix: `pace-fuzz-${platform}-` });
  const root = join(base, "repo");
  const outside = join(base, "outside");
  await Deno.mkdir(root);
  await Deno.mkdir(outside);
  const paceDir = options.empty ? join(root, ".pace") : await writeSamplePace(root);
  const remote = platform === "local" ? undefined : await forgeRig(platform, options);
  const local: LocalState = localState(root, paceDir);
  const env: Record<string, string | undefined> = { ...remote?.env, ...options.env };
  const logger = captureLogger();
  const inject = remote ? injector(remote.server) : undefined;
  const context = (log = logger): AdapterContext => ({ env, repoRoot: root, logger: log });
  const view = remote
    ? platform === "jenkins" ? local.view : mergeViews(remote.view, local.view, info)
    : local.view;
  return {
    platform,
    base,
    root,
    paceDir,
    outside,
    env,
    logger,
    secrets: remote?.secrets ?? [],
    sides: { ci: info.ci, tracker: info.tracker, branching: info.ci },
    remote,
    injector: inject,
    view,
    dayDir: (day) => join(paceDir, `day-${day}`),
    context,
    ci: (log) => getCIAdapter(platform, context(log)),
    tracker: (log) => getTrackerAdapter(platform, context(log)),
    branching: (log) => getBranchingAdapter(platform, context(log)),
    requests: () => remote?.server.requests ?? [],
    bodies: () =>
      (remote?.server.requests ?? []).filter((r) => r.body !== undefined).map((r) =>
        typeof r.body === "string" ? r.body : JSON.stringify(r.body)
      ),
    seedCi: (sha) => remote?.seedCi(sha),
    addBranch: (name) => remote?.addBranch(name),
    async close() {
      inject?.close();
      inject?.disarm();
      await remote?.server.close();
      await Deno.remove(base, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * The remote view, with the local store standing in where the platform keeps
 * nothing remotely (review PRs of a CI-only platform, branches of a platform
 * without branching).
 */
function mergeViews(
  remote: StateView,
  local: StateView,
  info: { ci: boolean; branching: boolean },
): StateView {
  if (info.branching) return remote;
  return {
    ...remote,
    pulls: () => [...remote.pulls(), ...local.pulls()],
    hasBranch: (name) => remote.hasBranch(name) || local.hasBranch(name),
    branchSha: (name) => remote.branchSha(name) ?? local.branchSha(name),
  };
}
