/**
 * Jenkins' settings: which Jenkins, which job, which user. Read by the
 * connection and by the platform's definition (what is missing), without
 * loading any request code.
 *
 * `JENKINS_URL` may carry a context path (`https://ci.example.com/jenkins/`);
 * `JENKINS_JOB_NAME` names the job as Jenkins' own `JOB_NAME` does: folders
 * and multibranch branches joined by `/` (`team/app/main`).
 *
 * @module
 */

import { Settings } from "../_core/settings.ts";
import type { Env, ResolvedContext } from "../types.ts";

/** Jenkins' settings, read once; `problems` lists what keeps them from working. */
export interface JenkinsSettings {
  /** `JENKINS_URL` without its trailing slashes, e.g. `https://ci.example.com/jenkins`. */
  baseUrl: string;
  /** `JENKINS_JOB_NAME` without leading or trailing slashes, e.g. `team/app/main`. */
  jobName: string;
  /** The job below `baseUrl`: `job/team/job/app/job/main`. */
  jobPath: string;
  /** The user requests authenticate as; `undefined` when anonymous. */
  user: string | undefined;
  /** The user's API token; `undefined` when anonymous. */
  token: string | undefined;
  /** Warnings that do not stop the platform (half the credentials set, say). */
  notes: string[];
  /** What keeps the platform from working; empty when it can work. */
  problems: string[];
}

/**
 * The path of a job below `JENKINS_URL`: `a/b/c` → `job/a/job/b/job/c`, each
 * segment encoded with `encodeURIComponent` (`Team Alpha` → `Team%20Alpha`, a
 * branch job `feature%2Fx` → `feature%252Fx`). Empty segments are dropped.
 *
 * @throws {TypeError} for an empty name or a `.`/`..` segment (no Jenkins item
 * can be called that, and a URL would resolve it as a directory step).
 *
 * @example
 * ```ts
 * import { jenkinsJobPath } from "./settings.ts";
 * jenkinsJobPath("Team Alpha/app/feature%2Flogin");
 * // "job/Team%20Alpha/job/app/job/feature%252Flogin"
 * ```
 */
export function jenkinsJobPath(jobName: string): string {
  const segments = String(jobName ?? "").split("/").map((s) => s.trim()).filter(Boolean);
  if (segments.length === 0) throw new TypeError("the job name is empty");
  for (const segment of segments) {
    if (segment === "." || segment === "..") {
      throw new TypeError(`"${jobName}" has a "${segment}" segment, which no Jenkins item has`);
    }
  }
  return segments.map((s) => `job/${encodeURIComponent(s)}`).join("/");
}

/**
 * Read `JENKINS_URL`, `JENKINS_JOB_NAME`, `JENKINS_USER` and `JENKINS_TOKEN`.
 * Credentials count only as a pair: one without the other reads anonymously,
 * with a note saying so.
 *
 * @example
 * ```ts
 * import { readJenkinsSettings } from "./settings.ts";
 * const { jobPath, problems } = readJenkinsSettings({
 *   JENKINS_URL: "https://ci.example.com/jenkins/",
 *   JENKINS_JOB_NAME: "team/app",
 * });
 * console.log(jobPath, problems); // "job/team/job/app" []
 * ```
 */
export function readJenkinsSettings(env: Env, context?: ResolvedContext): JenkinsSettings {
  const settings = new Settings(env, context?.secrets);
  const user = settings.optional("JENKINS_USER");
  const token = settings.secret("JENKINS_TOKEN", false) || undefined;
  // The Basic header carries `user:token`: its encodings must be masked too.
  if (user && token) context?.secrets.add(`${user}:${token}`);
  const notes: string[] = [];
  if (user && !token) {
    notes.push("JENKINS_USER is set but JENKINS_TOKEN is not: reading anonymously");
  }
  if (token && !user) {
    notes.push("JENKINS_TOKEN is set but JENKINS_USER is not: reading anonymously");
  }
  const baseUrl = settings.url("JENKINS_URL");
  const jobName = settings.required("JENKINS_JOB_NAME").replace(/^\/+|\/+$/g, "");
  let jobPath = "";
  if (jobName || !settings.problems.includes("JENKINS_JOB_NAME")) {
    try {
      jobPath = jenkinsJobPath(jobName);
    } catch (error) {
      settings.problem(`JENKINS_JOB_NAME is invalid: ${(error as Error).message}`);
    }
  }
  const paired = Boolean(user && token);
  return {
    baseUrl,
    jobName,
    jobPath,
    user: paired ? user : undefined,
    token: paired ? token : undefined,
    notes,
    problems: settings.problems,
  };
}
