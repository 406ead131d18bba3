/**
 * Jenkins CI. Jenkins has no pull requests and no issue tracker, so the one
 * remote job is waiting for the build of a commit, read from Jenkins' JSON
 * API with one `tree=` request per poll. The review PR, variables and job
 * summary are files in the workspace.
 *
 * @module
 */

import { writeText } from "../_core/files.ts";
import { readJsonStore, writeJsonStoreValue } from "../_core/json_store.ts";
import { jenkinsSummaryFile, jenkinsVariablesFile, paceDirOf } from "../_pace/names.ts";
import { BaseCIAdapter } from "../base.ts";
import type { CiResult, ResolvedContext, WaitOptions } from "../types.ts";
import {
  classifyBuilds,
  JENKINS_BUILDS_TREE,
  type JenkinsBuild,
  matchingCommits,
} from "./builds.ts";
import { JenkinsConnection } from "./connection.ts";
import { readJenkinsSettings } from "./settings.ts";

/**
 * Jenkins CI: waits for the build of a commit; the review PR, variables and the
 * job summary are files in the workspace (archive `jenkins-summary.md`). Build
 * it with `getCIAdapter("jenkins", context)`.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("jenkins", {
 *   env: {
 *     JENKINS_URL: "https://ci.example.com/jenkins/",
 *     JENKINS_JOB_NAME: "team/app/main",
 *     JENKINS_USER: "pace-bot",
 *     JENKINS_TOKEN: "11aa22bb33cc44dd55ee66ff77889900aa",
 *   },
 * });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * ```
 */
export class JenkinsCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "jenkins";
  #connection: JenkinsConnection | undefined;

  /** Build from a resolved context (use the factory: `getCIAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    const { notes, problems, user } = readJenkinsSettings(context.env, context);
    // With problems the guard answers every remote call: nothing to warn about here.
    if (problems.length) return;
    for (const note of notes) this.logger.warn(note);
    if (!user && notes.length === 0) {
      this.logger.info("JENKINS_USER/JENKINS_TOKEN not set: reading Jenkins anonymously");
    }
  }

  /** Built on first use: the file operations work whatever the settings. */
  get #jenkins(): JenkinsConnection {
    return this.#connection ??= new JenkinsConnection(this.context);
  }

  /**
   * Jenkins has no pull requests: write `.pace/day-N/review-pr.md` once, and
   * return its path (the same path on a re-run).
   */
  async openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    const dir = this.path(paceDir || paceDirOf(this.context.repoRoot));
    const { writeReviewFile } = await import("../_pace/review_file.ts");
    const path = await writeReviewFile(day, dir, this.logger, contextNote, (t) => this.redacted(t));
    this.logger.info(`review PR for day ${day}: ${path} (Jenkins has no pull requests)`);
    return path;
  }

  /** Poll the job's recent builds until the commit's build ends. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    let warned = false;
    return this.poll(sha, options, async (signal) => {
      const builds = await this.#recentBuilds(signal);
      if (!warned && sha.length < 40) warned = this.#warnIfAmbiguous(sha, builds);
      return classifyBuilds(sha, builds, this.#jenkins.jobName);
    });
  }

  async #recentBuilds(signal: AbortSignal): Promise<JenkinsBuild[]> {
    const { builds } = await this.#jenkins.job(JENKINS_BUILDS_TREE, signal);
    if (builds !== undefined && !Array.isArray(builds)) {
      throw new Error(`Jenkins: ${this.#jenkins.jobPath}/api/json did not answer a job`);
    }
    return (builds ?? []).filter((b): b is JenkinsBuild =>
      typeof b === "object" && b !== null && !Array.isArray(b)
    );
  }

  /** Warn once when a short SHA names builds of more than one commit. */
  #warnIfAmbiguous(sha: string, builds: JenkinsBuild[]): boolean {
    const commits = matchingCommits(sha, builds);
    if (commits.length < 2) return false;
    this.logger.warn(
      `the short SHA ${sha} matches ${commits.length} commits (${
        commits.join(", ")
      }): the newest matching build decides; pass the full SHA to be exact`,
    );
    return true;
  }

  /** Write `jenkins-summary.md` in the repository root; archive it as a build artifact. */
  override async writeJobSummary(markdown: string): Promise<boolean> {
    const path = jenkinsSummaryFile(this.context.repoRoot);
    await writeText(path, this.redacted(markdown.endsWith("\n") ? markdown : `${markdown}\n`));
    this.logger.info(`job summary written to ${path} (archive it as a build artifact)`);
    return true;
  }

  /** Set a variable in `jenkins-variables.json` (other keys kept, corrupt JSON replaced). */
  override async setVariable(name: string, value: string): Promise<boolean> {
    if (typeof name !== "string" || !name.trim()) throw new Error("a variable needs a name");
    await writeJsonStoreValue(
      jenkinsVariablesFile(this.context.repoRoot),
      name,
      this.redacted(String(value)),
    );
    return true;
  }

  /** A variable from `jenkins-variables.json`. */
  protected override async readStoredVariable(name: string): Promise<string | undefined> {
    return (await readJsonStore(jenkinsVariablesFile(this.context.repoRoot)))[name];
  }
}
