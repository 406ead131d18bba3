/**
 * The connection to one Jenkins job: settings from the environment, JSON
 * reads through the shared HTTP core, and 401/403/404 answers explained for
 * this configuration. Basic `JENKINS_USER`:`JENKINS_TOKEN` when both are set,
 * anonymous reads otherwise; credentials travel only to Jenkins' origin.
 * Every operation only reads, so no request needs a CSRF crumb.
 *
 * @module
 */

import { HttpClient, HttpError, isRetryableStatus, type JsonResponse } from "../_core/http.ts";
import { basicAuthorization } from "../_core/secrets.ts";
import type { ResolvedContext } from "../types.ts";
import { readJenkinsSettings } from "./settings.ts";

/** Items that hold jobs rather than builds: pointing JENKINS_JOB_NAME at one is a mistake. */
const CONTAINERS: Record<string, string> = {
  "com.cloudbees.hudson.plugins.folder.Folder": "a folder",
  "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject":
    "a multibranch project (add the branch: project/branch)",
  "jenkins.branch.OrganizationFolder": "an organization folder",
};

/** Statuses whose meaning depends on the configuration: explained, never retried. */
const EXPLAINED = [401, 403, 404];

/** A job's `api/json` answer, as far as a `tree=` asked for it (fields may be absent). */
export interface JenkinsJob {
  /** The item's class: a job, or a folder-like container. */
  _class?: unknown;
  /** The job's name. */
  name?: unknown;
  /** The job's web page. */
  url?: unknown;
  /** The builds, when the `tree=` asked for them. */
  builds?: unknown;
}

/**
 * One Jenkins job, as the adapter and `pace check` read it.
 *
 * @example
 * ```ts ignore
 * const jenkins = new JenkinsConnection(context);
 * const job = await jenkins.job("name,url");
 * ```
 */
export class JenkinsConnection {
  /** `JENKINS_URL` without its trailing slash, e.g. `https://ci.example.com/jenkins`. */
  readonly baseUrl: string;
  /** `JENKINS_JOB_NAME` as configured, e.g. `team/app/main`. */
  readonly jobName: string;
  /** The job below {@linkcode JenkinsConnection.baseUrl}: `job/team/job/app/job/main`. */
  readonly jobPath: string;
  /** The user requests authenticate as; `undefined` when anonymous. */
  readonly user: string | undefined;
  /** Warnings about the settings, for the adapter to log once. */
  readonly notes: readonly string[];
  readonly #context: ResolvedContext;
  readonly #http: HttpClient;

  /** Connect as the environment of `context` says; the credentials are registered as secrets first. */
  constructor(context: ResolvedContext) {
    this.#context = context;
    const settings = readJenkinsSettings(context.env, context);
    if (settings.problems.length) throw new Error(settings.problems.join("; "));
    this.baseUrl = settings.baseUrl;
    this.jobName = settings.jobName;
    this.jobPath = settings.jobPath;
    this.user = settings.user;
    this.notes = settings.notes;
    const { user, token } = settings;
    this.#http = new HttpClient({
      baseUrl: settings.baseUrl,
      platform: "Jenkins",
      secrets: context.secrets,
      fetch: context.fetch,
      logger: context.logger,
      credentials: user && token
        ? { authorization: basicAuthorization(user, token, context.secrets) }
        : {},
    });
  }

  /** Whether requests go without credentials. */
  get anonymous(): boolean {
    return this.user === undefined;
  }

  /**
   * The job's `api/json` with only `tree`. A folder-like item is a final
   * error: polling on would only time out, the configuration must change.
   */
  async job(tree: string, signal?: AbortSignal): Promise<JenkinsJob> {
    const answer = await this.#http.request<unknown>("GET", `${this.jobPath}/api/json`, {
      query: { tree },
      signal,
      accept: EXPLAINED,
    });
    if (answer.status >= 400) throw this.#explain(answer);
    const job = answer.data;
    if (typeof job !== "object" || job === null || Array.isArray(job)) {
      throw new Error(`Jenkins: ${this.jobPath}/api/json did not answer a job`);
    }
    const kind = CONTAINERS[String((job as JenkinsJob)._class)];
    if (kind) {
      throw new HttpError(
        `Jenkins: JENKINS_JOB_NAME "${this.jobName}" is ${kind}, not a job with builds`,
        { kind: "parse", retryable: false },
      );
    }
    return job as JenkinsJob;
  }

  /** What a 401, 403 or 404 means for this configuration. */
  #hint(status: number, headers: Headers): string {
    if (status === 401) {
      return "JENKINS_USER/JENKINS_TOKEN were rejected: use the user's API token " +
        "(user menu › Security › API Token)";
    }
    if (status === 403) {
      const who = headers.get("x-you-are-authenticated-as");
      const needs = headers.get("x-required-permission");
      if (this.anonymous || who === "anonymous") {
        return "anonymous access is not allowed on this Jenkins: set JENKINS_USER and JENKINS_TOKEN";
      }
      return `${who ?? this.user} lacks ${needs ?? "the permission"} for this request`;
    }
    return `no job "${this.jobName}" at ${this.baseUrl}: check JENKINS_JOB_NAME (folders as ` +
      "a/b/c) and that the user may read the job (Jenkins answers 404 for jobs it hides)";
  }

  #explain(answer: JsonResponse<unknown>): HttpError {
    const { status, headers, url } = answer;
    return new HttpError(
      this.#context.secrets.redact(
        `Jenkins: GET ${url.origin}${url.pathname} → ${status}: ${this.#hint(status, headers)}`,
      ),
      { status, kind: "http", retryable: isRetryableStatus(status, headers) },
    );
  }
}
