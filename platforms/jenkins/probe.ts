/**
 * `pace check` for Jenkins: one read of the job, counted as reachable only
 * when the answer is a job (not a folder) as Jenkins' JSON API describes it.
 *
 * @module
 */

import type { ProbeResult, ResolvedContext } from "../types.ts";
import { JenkinsConnection } from "./connection.ts";

/**
 * Whether the configured job answers, and as whom.
 *
 * @example
 * ```ts ignore
 * const { ok, detail } = await probeJenkins(context);
 * ```
 */
export async function probeJenkins(context: ResolvedContext): Promise<ProbeResult> {
  try {
    const jenkins = new JenkinsConnection(context);
    const job = await jenkins.job("name,url");
    const who = jenkins.anonymous ? "anonymously" : `as ${jenkins.user}`;
    if (typeof job.name !== "string") {
      return {
        ok: false,
        detail: `${jenkins.baseUrl} did not answer as Jenkins' JSON API does: JENKINS_URL is ` +
          "Jenkins' root (with its context path) and JENKINS_JOB_NAME the job's folder/name path",
      };
    }
    const name = job.name;
    const url = typeof job.url === "string" ? job.url : jenkins.baseUrl;
    return { ok: true, detail: `job ${name} reachable at ${url} (${who})` };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
