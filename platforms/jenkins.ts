/**
 * The `jenkins` platform: CI only. Jenkins has no pull requests and no issue
 * tracker, so the adapter's one remote job is waiting for the build of a
 * commit, read from Jenkins' JSON API with one `tree=` request per poll. The
 * review PR, variables and job summary are files in the workspace.
 *
 * `JENKINS_URL` may carry a context path (`https://ci.example.com/jenkins/`);
 * `JENKINS_JOB_NAME` names the job as Jenkins' own `JOB_NAME` does: folders
 * and multibranch branches joined by `/` (`team/app/main`), each segment sent
 * encoded (`Team Alpha` → `Team%20Alpha`, a branch job `feature%2Fx` →
 * `feature%252Fx`). Basic `JENKINS_USER`:`JENKINS_TOKEN` when both are set,
 * anonymous reads otherwise; credentials travel only to Jenkins' origin.
 *
 * @module
 */

import { envValue, hostsOf } from "./_core/settings.ts";
import { exists, readJsonStore, writeJsonStoreValue, writeText } from "./_core/files.ts";
import {
  HttpClient,
  HttpError,
  type HttpOptions,
  isRetryableStatus,
  type JsonRequest,
  type JsonResponse,
} from "./_core/http.ts";
import { reviewPlan } from "./_pace/plans.ts";
import {
  jenkinsSummaryFile,
  jenkinsVariablesFile,
  paceDirOf,
  reviewPrFile,
} from "./_pace/names.ts";
import type { CiSnapshot } from "./types.ts";
import { toMarkdown } from "./_pace/render.ts";
import { BaseCIAdapter } from "./base.ts";
import type {
  CiConclusion,
  CiResult,
  Env,
  PlatformDefinition,
  ResolvedContext,
  Secrets,
  WaitOptions,
} from "./types.ts";

/** How many of the job's newest builds one poll reads. */
export const JENKINS_RECENT_BUILDS = 20;

/**
 * The `tree=` of one poll: the newest builds with their number, URL, state,
 * the git plugin's built revision and the change sets of freestyle
 * (`changeSet`) and Pipeline (`changeSets`) builds — nothing else.
 */
export const JENKINS_BUILDS_TREE: string = "builds[number,url,result,building," +
  "actions[lastBuiltRevision[SHA1]],changeSet[items[commitId]],changeSets[items[commitId]]]" +
  `{0,${JENKINS_RECENT_BUILDS}}`;

/** Jenkins' terminal results, mapped per SPEC §6. */
const RESULTS: Record<string, CiConclusion> = {
  SUCCESS: "success",
  FAILURE: "failure",
  UNSTABLE: "failure",
  ABORTED: "cancelled",
  NOT_BUILT: "no_runs",
};

/** Items that hold jobs rather than builds: pointing JENKINS_JOB_NAME at one is a mistake. */
const CONTAINERS: Record<string, string> = {
  "com.cloudbees.hudson.plugins.folder.Folder": "a folder",
  "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject":
    "a multibranch project (add the branch: project/branch)",
  "jenkins.branch.OrganizationFolder": "an organization folder",
};

/** One build as {@linkcode JENKINS_BUILDS_TREE} returns it (fields may be absent). */
export interface JenkinsBuild {
  /** `hudson.model.FreeStyleBuild`, `org.jenkinsci.plugins.workflow.job.WorkflowRun`, … */
  _class?: string;
  /** The build number. */
  number?: number;
  /** The build's web page, e.g. `https://ci.example.com/job/app/12/`. */
  url?: string;
  /** `SUCCESS`, `UNSTABLE`, `FAILURE`, `NOT_BUILT`, `ABORTED`; `null` while running. */
  result?: string | null;
  /** Whether it is still running. */
  building?: boolean;
  /** Build actions; the git plugin's `BuildData` carries `lastBuiltRevision.SHA1`. */
  actions?: unknown[];
  /** Freestyle builds: the commits since the previous build. */
  changeSet?: unknown;
  /** Pipeline builds: one change set per checkout. */
  changeSets?: unknown;
}

/** A CSRF crumb and the web session it belongs to. */
interface Crumb {
  field: string;
  value: string;
  cookie: string | undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `user:password` as a Basic header value, UTF-8 safe (`btoa` alone is Latin-1 only). */
function basicAuth(user: string, password: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(`${user}:${password}`)) {
    binary += String.fromCharCode(byte);
  }
  return `Basic ${btoa(binary)}`;
}

/** The gist of an HTML error page: its title, else its text without tags. */
function pageText(body: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  return (title ?? body.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim().slice(0, 120);
}

/**
 * The path of a job below `JENKINS_URL`: `a/b/c` → `job/a/job/b/job/c`, each
 * segment encoded with `encodeURIComponent`. Empty segments are dropped.
 *
 * @throws {TypeError} for an empty name or a `.`/`..` segment (no Jenkins item
 * can be called that, and a URL would resolve it as a directory step).
 *
 * @example
 * ```ts
 * import { jenkinsJobPath } from "./jenkins.ts";
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
 * Whether a revision Jenkins reports is the commit asked for: a full 40-character
 * SHA compares exactly, a shorter one as a prefix, both case-insensitively.
 *
 * @example
 * ```ts
 * import { shaMatches } from "./jenkins.ts";
 * const full = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
 * shaMatches("3b18e51", full); // true
 * shaMatches("3b18e512" + "0".repeat(32), full); // false: same first 8, other commit
 * ```
 */
export function shaMatches(sha: string, revision: unknown): boolean {
  if (typeof revision !== "string" || !revision) return false;
  const wanted = sha.toLowerCase();
  const candidate = revision.trim().toLowerCase();
  return wanted.length >= 40 ? candidate === wanted : candidate.startsWith(wanted);
}

/** Every revision a build names: `lastBuiltRevision.SHA1` of any action, and change-set commits. */
export function buildRevisions(build: JenkinsBuild): string[] {
  const revisions: string[] = [];
  for (const action of list(build.actions)) {
    const sha = record(record(action)?.lastBuiltRevision)?.SHA1;
    if (typeof sha === "string") revisions.push(sha);
  }
  const sets = [build.changeSet, ...list(build.changeSets)];
  for (const set of sets) {
    for (const item of list(record(set)?.items)) {
      const commit = record(item)?.commitId;
      if (typeof commit === "string") revisions.push(commit);
    }
  }
  return revisions;
}

/**
 * SPEC §6 for Jenkins: the newest build whose revision or change set is `sha`
 * decides. Running (`building` or `result: null`) → pending as `#N`; SUCCESS →
 * success; FAILURE and UNSTABLE → failure; ABORTED → cancelled; NOT_BUILT →
 * no_runs. No matching build yet → `none` (keep polling).
 *
 * @example
 * ```ts
 * import { classifyBuilds } from "./jenkins.ts";
 * const snapshot = classifyBuilds("0123abc", [
 *   { number: 7, url: "https://ci/job/app/7/", result: "SUCCESS", building: false,
 *     actions: [{ lastBuiltRevision: { SHA1: "0123abc" + "0".repeat(33) } }] },
 * ], "app");
 * // { state: "done", conclusion: "success", name: "app #7", url: "https://ci/job/app/7/" }
 * ```
 */
export function classifyBuilds(sha: string, builds: JenkinsBuild[], jobName: string): CiSnapshot {
  const matching = builds
    .filter((build) => typeof build?.number === "number")
    .filter((build) => buildRevisions(build).some((revision) => shaMatches(sha, revision)))
    .sort((a, b) => (b.number ?? 0) - (a.number ?? 0));
  const build = matching[0];
  if (!build) return { state: "none" };
  if (build.building === true || build.result === null || build.result === undefined) {
    return { state: "pending", pending: [`#${build.number}`] };
  }
  const result = String(build.result).toUpperCase();
  return {
    state: "done",
    // A result this package does not know is not a pass.
    conclusion: RESULTS[result] ?? "failure",
    name: `${jobName} #${build.number}`,
    url: typeof build.url === "string" ? build.url : "",
  };
}

/** Settings read from the environment, and why they cannot work (if so). */
interface Settings {
  baseUrl: string;
  jobName: string;
  jobPath: string;
  user: string | undefined;
  token: string | undefined;
  missing: string | undefined;
  notes: string[];
}

/** Placeholder origin for a disabled client: never contacted. */
const UNUSED_ORIGIN = "http://jenkins.invalid";

function readSettings(env: Env, secrets: Secrets): Settings {
  const user = envValue(env, "JENKINS_USER");
  const token = envValue(env, "JENKINS_TOKEN");
  // Registered before anything can be logged or sent.
  secrets.add(token);
  if (user && token) secrets.add(`${user}:${token}`);
  const notes: string[] = [];
  if (user && !token) {
    notes.push("JENKINS_USER is set but JENKINS_TOKEN is not: reading anonymously");
  }
  if (token && !user) {
    notes.push("JENKINS_TOKEN is set but JENKINS_USER is not: reading anonymously");
  }

  const rawUrl = envValue(env, "JENKINS_URL");
  const jobName = (envValue(env, "JENKINS_JOB_NAME") ?? "").replace(/^\/+|\/+$/g, "");
  let baseUrl = "";
  let missing: string | undefined;
  if (!rawUrl) {
    missing = "JENKINS_URL is not set (e.g. https://ci.example.com/jenkins/)";
  } else {
    try {
      const url = new URL(rawUrl);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        missing = `JENKINS_URL must be an http(s) URL, got "${url.protocol}"`;
      } else if (url.username || url.password) {
        secrets.add(url.password);
        try {
          secrets.add(decodeURIComponent(url.password));
        } catch {
          // Not valid percent-encoding: the raw form is masked already.
        }
        missing = "JENKINS_URL must not carry credentials: set JENKINS_USER and JENKINS_TOKEN";
      } else {
        baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
      }
    } catch {
      missing = `JENKINS_URL is not a URL: "${rawUrl}"`;
    }
  }
  let jobPath = "";
  if (!jobName) {
    missing ??= "JENKINS_JOB_NAME is not set (the job's full name, folders as a/b/c)";
  } else {
    try {
      jobPath = jenkinsJobPath(jobName);
    } catch (error) {
      missing ??= `JENKINS_JOB_NAME ${(error as Error).message}`;
    }
  }
  return {
    baseUrl,
    jobName,
    jobPath,
    user: user && token ? user : undefined,
    token: user && token ? token : undefined,
    missing,
    notes,
  };
}

/**
 * The connection to one Jenkins job: settings from the environment, JSON reads
 * through the shared HTTP core, and POSTs carrying a CSRF crumb. Both the
 * adapter and `pace check` build one; tests use it to exercise the crumb
 * handling, which no contract operation needs today (none POSTs).
 *
 * @example
 * ```ts
 * import { JenkinsClient } from "./jenkins.ts";
 * import { resolveContext } from "./registry.ts";
 * import { jenkinsPlatform } from "./jenkins.ts";
 * const client = new JenkinsClient(resolveContext(jenkinsPlatform, {
 *   env: { JENKINS_URL: "https://ci.example.com/jenkins/", JENKINS_JOB_NAME: "team/app" },
 * }));
 * console.log(client.jobPath); // "job/team/job/app"
 * ```
 */
export class JenkinsClient {
  /** `JENKINS_URL` without its trailing slash, e.g. `https://ci.example.com/jenkins`. */
  readonly baseUrl: string;
  /** `JENKINS_JOB_NAME` as configured, e.g. `team/app/main`. */
  readonly jobName: string;
  /** The job below {@linkcode JenkinsClient.baseUrl}: `job/team/job/app/job/main`. */
  readonly jobPath: string;
  /** The user requests authenticate as; `undefined` when anonymous. */
  readonly user: string | undefined;
  /** Why the client cannot work (a missing or invalid setting), or `undefined`. */
  readonly missing: string | undefined;
  /** Warnings about the settings, for the adapter to log once. */
  readonly notes: readonly string[];
  readonly #context: ResolvedContext;
  readonly #options: HttpOptions;
  readonly #http: HttpClient;
  #crumb: Promise<{ crumb: Crumb | undefined; client: HttpClient }> | undefined;

  /** Build from a resolved context; the credentials are registered as secrets first. */
  constructor(context: ResolvedContext) {
    this.#context = context;
    const settings = readSettings(context.env, context.secrets);
    this.baseUrl = settings.baseUrl;
    this.jobName = settings.jobName;
    this.jobPath = settings.jobPath;
    this.user = settings.user;
    this.missing = settings.missing;
    this.notes = settings.notes;
    this.#options = {
      baseUrl: settings.baseUrl || UNUSED_ORIGIN,
      platform: "Jenkins",
      secrets: context.secrets,
      fetch: context.fetch,
      logger: context.logger,
      credentials: settings.user && settings.token
        ? { authorization: basicAuth(settings.user, settings.token) }
        : {},
    };
    this.#http = new HttpClient(this.#options);
  }

  /** Whether requests go without credentials. */
  get anonymous(): boolean {
    return this.user === undefined;
  }

  /** GET `path` (below `JENKINS_URL`) as JSON; 401/403/404 become explained, final errors. */
  async getJson<T>(
    path: string,
    query: JsonRequest["query"] = {},
    signal?: AbortSignal,
  ): Promise<T> {
    const answer = await this.#http.request<T>("GET", path, {
      query,
      signal,
      accept: [401, 403, 404],
    });
    if (answer.status >= 400) throw this.#explain("GET", answer);
    return answer.data;
  }

  /**
   * POST to `path` (below `JENKINS_URL`) with a CSRF crumb: fetched once from
   * `/crumbIssuer/api/json` together with the web session cookie it is bound
   * to, reused for later POSTs, fetched again once when Jenkins answers "No
   * valid crumb" (the session expired). Where the crumb issuer answers 404,
   * CSRF protection is off and no crumb is sent. The crumb and the cookie, like
   * the credentials, go only to Jenkins' origin.
   */
  async post(path: string, init: Omit<JsonRequest, "accept"> = {}): Promise<JsonResponse<unknown>> {
    for (let attempt = 0;; attempt++) {
      const { client } = await this.#crumbed();
      try {
        return await client.request("POST", path, init);
      } catch (error) {
        const stale = error instanceof HttpError && error.status === 403 &&
          /No valid crumb/i.test(error.message);
        if (!stale || attempt > 0) throw this.#explainError(error, "POST", path);
        this.#context.logger.debug(
          "Jenkins refused the crumb (session expired?); fetching a new one",
        );
        this.#crumb = undefined;
      }
    }
  }

  /** The crumb and a client sending it (the same client when CSRF protection is off). */
  #crumbed(): Promise<{ crumb: Crumb | undefined; client: HttpClient }> {
    this.#crumb ??= this.#fetchCrumb().then((crumb) => ({
      crumb,
      client: crumb
        ? new HttpClient({
          ...this.#options,
          credentials: {
            ...this.#options.credentials,
            [crumb.field]: crumb.value,
            ...(crumb.cookie ? { cookie: crumb.cookie } : {}),
          },
        })
        : this.#http,
    }));
    // A failed fetch is not cached: the next POST asks again.
    this.#crumb.catch(() => this.#crumb = undefined);
    return this.#crumb;
  }

  async #fetchCrumb(): Promise<Crumb | undefined> {
    const answer = await this.#http.request<Record<string, unknown>>(
      "GET",
      "crumbIssuer/api/json",
      { accept: [401, 403, 404] },
    );
    if (answer.status === 404) {
      this.#context.logger.debug("no crumb issuer: CSRF protection is off, POSTs go without one");
      return undefined;
    }
    if (answer.status >= 400) throw this.#explain("GET", answer);
    const crumb = answer.data?.crumb;
    const field = answer.data?.crumbRequestField;
    if (typeof crumb !== "string" || !crumb || typeof field !== "string" || !field) {
      throw new Error(
        "Jenkins: /crumbIssuer/api/json answered without crumb and crumbRequestField",
      );
    }
    // The crumb is bound to the web session: keep its cookie for the POST.
    const cookies = answer.headers.getSetCookie().map((c) => c.split(";")[0].trim())
      .filter((c) => c.includes("="));
    for (const cookie of cookies) this.#context.secrets.add(cookie.slice(cookie.indexOf("=") + 1));
    this.#context.secrets.add(crumb);
    return { field, value: crumb, cookie: cookies.length ? cookies.join("; ") : undefined };
  }

  /** What a 401, 403 or 404 means for this configuration. */
  #hint(status: number, headers?: Headers): string {
    if (status === 401) {
      return "JENKINS_USER/JENKINS_TOKEN were rejected: use the user's API token " +
        "(user menu › Security › API Token)";
    }
    if (status === 403) {
      const who = headers?.get("x-you-are-authenticated-as");
      const needs = headers?.get("x-required-permission");
      if (this.anonymous || who === "anonymous") {
        return "anonymous access is not allowed on this Jenkins: set JENKINS_USER and JENKINS_TOKEN";
      }
      return `${who ?? this.user} lacks ${needs ?? "the permission"} for this request`;
    }
    return `no job "${this.jobName}" at ${this.baseUrl}: check JENKINS_JOB_NAME (folders as ` +
      "a/b/c) and that the user may read the job (Jenkins answers 404 for jobs it hides)";
  }

  #explain(method: string, answer: JsonResponse<unknown>): HttpError {
    const { status, headers, url } = answer;
    const secrets = this.#context.secrets;
    return new HttpError(
      secrets.redact(
        `Jenkins: ${method} ${url.origin}${url.pathname} → ${status}: ${
          this.#hint(status, headers)
        }`,
      ),
      {
        status,
        kind: "http",
        retryable: isRetryableStatus(status, headers),
      },
    );
  }

  #explainError(error: unknown, method: string, path: string): unknown {
    if (!(error instanceof HttpError) || ![401, 403, 404].includes(error.status)) return error;
    const url = this.#http.url(path);
    return new HttpError(
      this.#context.secrets.redact(
        `Jenkins: ${method} ${url.origin}${url.pathname} → ${error.status}: ${
          this.#hint(error.status)
        } (${pageText(error.body)})`,
      ),
      {
        status: error.status,
        kind: error.kind,
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
        body: error.body,
      },
    );
  }
}

/**
 * Jenkins CI: waits for the build of a commit; the review PR, variables and the
 * job summary are files in the workspace (archive `jenkins-summary.md`).
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
  readonly #jenkins: JenkinsClient;

  /** Build from a resolved context (use the factory: `getCIAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#jenkins = new JenkinsClient(context);
    if (this.#jenkins.missing) {
      this.disable(this.#jenkins.missing);
      return;
    }
    for (const note of this.#jenkins.notes) this.logger.warn(note);
    if (this.#jenkins.anonymous && this.#jenkins.notes.length === 0) {
      this.logger.info("JENKINS_USER/JENKINS_TOKEN not set: reading Jenkins anonymously");
    }
  }

  /**
   * Jenkins has no pull requests: write `.pace/day-N/review-pr.md` once, and
   * return its path (the same path on a re-run).
   */
  openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    return this.safely("open review PR", "", async () => {
      const dir = this.path(paceDir || paceDirOf(this.context.repoRoot));
      const plan = await reviewPlan(day, dir, this.logger, contextNote);
      const path = reviewPrFile(dir, day);
      if (!await exists(path)) {
        await writeText(path, toMarkdown(plan.doc, { includeTitle: true }));
      }
      this.logger.info(`review PR for day ${day}: ${path} (Jenkins has no pull requests)`);
      return path;
    });
  }

  /** Poll the job's recent builds until the commit's build ends; never rejects. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    let warned = false;
    return this.poll(sha, options, async (signal) => {
      const builds = await this.#recentBuilds(signal);
      if (!warned && sha.length < 40) warned = this.#warnIfAmbiguous(sha, builds);
      return classifyBuilds(sha, builds, this.#jenkins.jobName);
    });
  }

  async #recentBuilds(signal: AbortSignal): Promise<JenkinsBuild[]> {
    const jenkins = this.#jenkins;
    const job = await jenkins.getJson<unknown>(
      `${jenkins.jobPath}/api/json`,
      { tree: JENKINS_BUILDS_TREE },
      signal,
    );
    const data = record(job);
    if (data && !Array.isArray(data.builds)) {
      const kind = CONTAINERS[String(data._class)];
      if (kind) {
        // Polling on would only time out: the configuration must change.
        throw new HttpError(
          `Jenkins: JENKINS_JOB_NAME "${jenkins.jobName}" is ${kind}, not a job with builds`,
          { kind: "parse", retryable: false },
        );
      }
    }
    if (!data || (data.builds !== undefined && !Array.isArray(data.builds))) {
      throw new Error(`Jenkins: ${jenkins.jobPath}/api/json did not answer a job`);
    }
    return list(data.builds).filter((b): b is JenkinsBuild => record(b) !== undefined);
  }

  /** Warn once when a short SHA names builds of more than one commit. */
  #warnIfAmbiguous(sha: string, builds: JenkinsBuild[]): boolean {
    const commits = new Set(
      builds.flatMap(buildRevisions).filter((r) => shaMatches(sha, r)).map((r) => r.toLowerCase()),
    );
    if (commits.size < 2) return false;
    this.logger.warn(
      `the short SHA ${sha} matches ${commits.size} commits (${
        [...commits].join(", ")
      }): the newest matching build decides; pass the full SHA to be exact`,
    );
    return true;
  }

  /** Write `jenkins-summary.md` in the repository root; archive it as a build artifact. */
  override writeJobSummary(markdown: string): Promise<void> {
    return this.safely("write job summary", undefined, async () => {
      const path = jenkinsSummaryFile(this.context.repoRoot);
      await writeText(path, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
      this.logger.info(`job summary written to ${path} (archive it as a build artifact)`);
    });
  }

  /** Set a variable in `jenkins-variables.json` (other keys kept, corrupt JSON replaced). */
  override setVariable(name: string, value: string): Promise<boolean> {
    return this.safely(`set variable ${name}`, false, async () => {
      if (typeof name !== "string" || !name.trim()) throw new Error("a variable needs a name");
      await writeJsonStoreValue(jenkinsVariablesFile(this.context.repoRoot), name, String(value));
      return true;
    });
  }

  /** The environment first, then `jenkins-variables.json`. */
  override async getVariable(name: string): Promise<string | undefined> {
    const fromEnv = this.env[name];
    if (fromEnv !== undefined) return fromEnv;
    return (await readJsonStore(jenkinsVariablesFile(this.context.repoRoot)))[name];
  }
}

/**
 * The `jenkins` platform definition: CI only (the config refuses it as a tracker).
 *
 * @example
 * ```ts
 * import { jenkinsPlatform } from "./jenkins.ts";
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
  missing: (env) => ["JENKINS_URL", "JENKINS_JOB_NAME"].filter((name) => !envValue(env, name)),
  paths: (_env, repoRoot) => {
    const files = [jenkinsSummaryFile(repoRoot), jenkinsVariablesFile(repoRoot)];
    return { read: files, write: files };
  },
  ci: (context) => new JenkinsCIAdapter(context),
  probe: async (context) => {
    const jenkins = new JenkinsClient(context);
    if (jenkins.missing) return { ok: false, detail: jenkins.missing };
    try {
      const job = record(
        await jenkins.getJson<unknown>(`${jenkins.jobPath}/api/json`, { tree: "name,url" }),
      );
      const kind = CONTAINERS[String(job?._class)];
      if (kind) {
        return { ok: false, detail: `JENKINS_JOB_NAME "${jenkins.jobName}" is ${kind}, not a job` };
      }
      const who = jenkins.anonymous ? "anonymously" : `as ${jenkins.user}`;
      return {
        ok: true,
        detail: `job ${job?.name ?? jenkins.jobName} reachable at ${
          typeof job?.url === "string" ? job.url : jenkins.baseUrl
        } (${who})`,
      };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  },
};
