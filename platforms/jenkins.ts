/**
 * The `jenkins` platform: CI only. Jenkins has no pull requests and no issue
 * tracker: its adapter waits for the build of a commit, and keeps the review
 * PR, variables and job summary as files in the workspace. This face is
 * cheap data — names, variables, hosts, files — and the adapter's code loads
 * when the registry first builds one.
 *
 * @module
 */

import { envValue, hostsOf } from "./_core/settings.ts";
import { jenkinsSummaryFile, jenkinsVariablesFile } from "./_pace/names.ts";
import type { PlatformDefinition } from "./types.ts";
import { readJenkinsSettings } from "./jenkins/settings.ts";

/**
 * The `jenkins` platform definition: CI only (the config refuses it as a tracker).
 *
 * @example
 * ```ts
 * import { jenkinsPlatform } from "@pace/platforms";
 * console.log(jenkinsPlatform.hosts({ JENKINS_URL: "https://ci.example.com:8443/jenkins/" }));
 * // ["ci.example.com:8443"]
 * ```
 */
export const jenkinsPlatform: PlatformDefinition = {
  name: "jenkins",
  title: "Jenkins",
  env: ["JENKINS_URL", "JENKINS_JOB_NAME", "JENKINS_USER", "JENKINS_TOKEN"],
  secretEnv: ["JENKINS_TOKEN"],
  hosts: (env) => hostsOf(envValue(env, "JENKINS_URL")),
  missing: (env) => readJenkinsSettings(env).problems,
  paths: (_env, repoRoot) => {
    const files = [jenkinsSummaryFile(repoRoot), jenkinsVariablesFile(repoRoot)];
    return { read: files, write: files };
  },
  ci: async (context) => new (await import("./jenkins/ci.ts")).JenkinsCIAdapter(context),
  probe: async (context) => {
    const problems = readJenkinsSettings(context.env).problems;
    if (problems.length) return { ok: false, detail: problems.join("; ") };
    const { probeJenkins } = await import("./jenkins/probe.ts");
    return await probeJenkins(context);
  },
};
