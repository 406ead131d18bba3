/**
 * The `gitlab` platform: GitLab.com and self-managed GitLab (any port, any
 * relative URL root), over REST v4 at `GITLAB_URL/api/v4` through the shared
 * HTTP core. The project is addressed by its numeric id or by its full path
 * sent as one URL-encoded segment (`group%2Fsub%2Frepo`); the token travels in
 * `PRIVATE-TOKEN`, only to the configured origin. Every web URL returned comes
 * from GitLab's own answers.
 *
 * @module
 */

import { ensureItem } from "./_pace/ensure.ts";
import { envValue } from "./_core/settings.ts";
import { appendCapped } from "./_core/files.ts";
import { HttpClient, HttpError, type JsonRequest, type JsonResponse } from "./_core/http.ts";
import {
  advisoryPlan,
  escalationPlan,
  handoffPlan,
  type ItemPlan,
  reviewPlan,
} from "./_pace/plans.ts";
import { marker, markerComment, storyLabels } from "./_pace/names.ts";
import type { CiSnapshot } from "./types.ts";
import { toMarkdown } from "./_pace/render.ts";
import { checkStoryStatus, pushStoryOnce, storyIssueNumber } from "./_pace/tickets.ts";
import { BaseCIAdapter, BaseTrackerAdapter } from "./base.ts";
import type {
  AdvisoryItem,
  CiResult,
  Env,
  LogConventions,
  Logger,
  PlatformDefinition,
  ResolvedContext,
  StoryStatus,
  WaitOptions,
} from "./types.ts";

/**
 * GitLab.com; a self-managed instance is e.g. `https://gitlab.example.com:8443/gitlab`.
 *
 * @example
 * ```ts
 * import { GITLAB_DEFAULT_URL } from "@pace/platforms";
 * console.log(GITLAB_DEFAULT_URL); // "https://gitlab.com"
 * ```
 */
export const GITLAB_DEFAULT_URL = "https://gitlab.com";

/** GitLab caps descriptions near 1 MiB and notes at 1 000 000 characters; stay under both. */
const BODY_LIMIT = 1_000_000;
const PER_PAGE = 100;
const MAX_PAGES = 50;
/** Pipelines asked for per poll: enough to look past a few child pipelines. */
const PIPELINES_PER_POLL = 20;

/** A pipeline as `GET /projects/:id/pipelines` lists it (the fields PACE reads). */
export interface GitLabPipeline {
  /** Instance-wide id; higher is newer. */
  id: number;
  /** Per-project number. */
  iid?: number;
  /** The commit it ran on. */
  sha?: string;
  /** Branch or tag. */
  ref?: string;
  /** `created`, `pending`, `running`, `success`, `failed`, `canceled`, `manual`, … */
  status: string;
  /** What started it: `push`, `merge_request_event`, `parent_pipeline`, … */
  source?: string;
  /** Its page in the GitLab web UI. */
  web_url: string;
  /** Set by `workflow:name`, else `null`. */
  name?: string | null;
}

/** A job as `GET /projects/:id/pipelines/:pipeline_id/jobs` lists it. */
export interface GitLabJob {
  /** Instance-wide id. */
  id: number;
  /** The job's name in `.gitlab-ci.yml`. */
  name: string;
  /** Its stage. */
  stage?: string;
  /** `success`, `failed`, `manual`, `skipped`, … */
  status: string;
  /** Whether its failure leaves the pipeline green. */
  allow_failure: boolean;
  /** Its page in the GitLab web UI. */
  web_url?: string;
}

interface Project {
  id: number;
  path_with_namespace: string;
  default_branch: string | null;
  web_url: string;
}

interface MergeRequest {
  iid: number;
  web_url: string;
  state: string;
  source_branch: string;
}

interface Issue {
  iid: number;
  web_url: string;
  title: string;
  state: string;
  labels?: string[];
}

interface Note {
  id: number;
  body?: string;
}

type Query = NonNullable<JsonRequest["query"]>;

/** A project path (`group/sub/repo`) or numeric id, as GitLab accepts it. */
const PROJECT_PATH =
  /^(?:\d+|(?!\.+(?:\/|$))[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/(?!\.+(?:\/|$))[A-Za-z0-9_][A-Za-z0-9_.-]*)+)$/;

/** `GITLAB_URL` without trailing slashes or a pasted `/api/v4`; `undefined` when not a URL. */
function normalizeWebUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.search || url.hash || url.username || url.password) return undefined;
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api\/v4$/, "");
  return `${url.origin}${path}`;
}

/** The settings both adapters and the probe read, and why they cannot work. */
function readSettings(env: Env): {
  token: string | undefined;
  project: string;
  webUrl: string;
  missing: string | undefined;
} {
  const token = envValue(env, "GITLAB_TOKEN");
  const project = (envValue(env, "GITLAB_PROJECT") ?? "").replace(/^\/+|\/+$/g, "");
  const rawUrl = envValue(env, "GITLAB_URL");
  const webUrl = normalizeWebUrl(rawUrl ?? GITLAB_DEFAULT_URL);
  const jobToken = envValue(env, "CI_JOB_TOKEN")
    ? " (CI_JOB_TOKEN cannot list pipelines or write issues: use a project access token)"
    : "";
  const missing = !token
    ? `GITLAB_TOKEN is not set${jobToken}`
    : !project
    ? "GITLAB_PROJECT is not set (expected group/project or a numeric project id)"
    : !PROJECT_PATH.test(project)
    ? `GITLAB_PROJECT must be a project path (group/sub/project) or a numeric id, got "${project}"`
    : !webUrl
    ? `GITLAB_URL is not an http(s) URL: "${rawUrl}"`
    : undefined;
  return { token, project, webUrl: webUrl ?? GITLAB_DEFAULT_URL, missing };
}

/** The `rel="next"` target of a `Link` header, if any. */
function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * The connection both GitLab adapters share: settings from the environment
 * and the shared HTTP client, with paths under the project.
 */
class GitLabConnection {
  /** The instance's web root, e.g. `https://gitlab.example.com/gitlab`. */
  readonly webUrl: string;
  /** `webUrl/api/v4`. */
  readonly apiUrl: string;
  /** As configured: `group/sub/repo` or `123`. */
  readonly project: string;
  readonly missing: string | undefined;
  readonly http: HttpClient;
  readonly #projectSegment: string;

  /** Build from a resolved context; registers the token before anything else. */
  constructor(context: ResolvedContext) {
    const { env, secrets } = context;
    const settings = readSettings(env);
    secrets.add(settings.token);
    secrets.add(envValue(env, "CI_JOB_TOKEN"));
    this.webUrl = settings.webUrl;
    this.apiUrl = `${settings.webUrl}/api/v4`;
    this.project = settings.project;
    this.missing = settings.missing;
    // One segment: GitLab routes `group%2Fsub%2Frepo` as the project's full path.
    this.#projectSegment = encodeURIComponent(settings.project);
    this.http = new HttpClient({
      baseUrl: this.apiUrl,
      platform: "GitLab",
      secrets,
      fetch: context.fetch,
      logger: context.logger,
      credentials: settings.token ? { "private-token": settings.token } : {},
    });
  }

  /** `projects/<id or encoded path>[/rest]`, relative to the API root. */
  path(rest = ""): string {
    return `projects/${this.#projectSegment}${rest ? `/${rest}` : ""}`;
  }

  /** One request; the parsed body. */
  async send<T>(method: string, path: string, init: JsonRequest = {}): Promise<T> {
    return (await this.http.request<T>(method, path, init)).data;
  }

  /** Every page of a list (`per_page=100`), following `x-next-page`, else `Link: rel="next"`. */
  async all<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let target = path;
    let params: Query | undefined = { ...query, per_page: PER_PAGE, page: 1 };
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const answer: JsonResponse<unknown> = await this.http.request<unknown>("GET", target, {
        query: params,
        signal,
      });
      if (!Array.isArray(answer.data)) {
        throw new Error(`GitLab: GET ${answer.url.pathname} did not answer a list`);
      }
      items.push(...answer.data as T[]);
      const nextPage: string | null = answer.headers.get("x-next-page");
      if (nextPage !== null) {
        const page: number = Number(nextPage);
        const current = Number(params?.page ?? answer.url.searchParams.get("page") ?? 1);
        if (!nextPage.trim() || !Number.isInteger(page) || page <= current) break;
        params = { ...query, per_page: PER_PAGE, page };
        target = path;
        continue;
      }
      const link = nextLink(answer.headers.get("link"));
      if (link) {
        const url = new URL(link, answer.url);
        // Only pages of this API: the token would not travel elsewhere anyway.
        if (url.origin !== this.http.baseUrl.origin) break;
        target = url.href;
        params = undefined;
        continue;
      }
      break;
    }
    return items;
  }

  /** The project: default branch, path, web URL. */
  projectInfo(): Promise<Project> {
    return this.send<Project>("GET", this.path());
  }

  /** PACE's issue carrying all of `labels`: open ones only, or any state. */
  async findIssue(
    labels: string[],
    state: "opened" | "any" = "opened",
  ): Promise<Issue | undefined> {
    const issues = await this.all<Issue>(this.path("issues"), {
      labels: labels.join(","),
      state: state === "opened" ? "opened" : undefined,
    });
    // The server filters already; a proxy or an old version might not.
    return issues.find((issue) =>
      (state === "any" || issue.state === "opened") &&
      (!Array.isArray(issue.labels) || labels.every((label) => issue.labels!.includes(label)))
    );
  }

  /** Find the open issue for `plan`, else create it. */
  ensureIssue(what: string, plan: ItemPlan, logger: Logger): Promise<Issue> {
    return ensureItem({
      what,
      logger,
      find: () => this.findIssue(plan.labels),
      create: async () => {
        const issue = await this.send<Issue>("POST", this.path("issues"), {
          json: {
            title: plan.title,
            description: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
            labels: plan.labels.join(","),
          },
        });
        logger.info(`${what}: created ${issue.web_url}`);
        return issue;
      },
    });
  }
}

/** A human name for a pipeline: its `name`, else `pipeline #ID`. */
function pipelineLabel(pipeline: GitLabPipeline): string {
  const name = typeof pipeline.name === "string" ? pipeline.name.trim() : "";
  return name || `pipeline #${pipeline.id}`;
}

/**
 * SPEC §6 for GitLab, for the pipeline that decides. `jobs` is needed only
 * for a `manual` pipeline, which will not finish by itself: the jobs that ran
 * decide, and the name says that a manual job waits.
 *
 * @example
 * ```ts ignore
 * pipelineSnapshot({ id: 7, status: "failed", web_url: "https://gitlab.com/g/p/-/pipelines/7" });
 * // { state: "done", conclusion: "failure", name: "pipeline #7", url: "https://…/7" }
 * ```
 */
export function pipelineSnapshot(pipeline: GitLabPipeline, jobs: GitLabJob[] = []): CiSnapshot {
  const name = pipelineLabel(pipeline);
  const url = typeof pipeline.web_url === "string" ? pipeline.web_url : "";
  const done = (conclusion: "success" | "failure" | "cancelled", label = name): CiSnapshot => ({
    state: "done",
    conclusion,
    url,
    name: label,
  });
  switch (pipeline.status) {
    case "success":
    case "skipped":
      return done("success");
    case "failed":
      return done("failure");
    case "canceled":
    case "canceling":
      return done("cancelled");
    case "manual": {
      // In pipeline order, whatever order the API listed them in.
      const ordered = [...jobs].sort((a, b) => a.id - b.id);
      const waiting = ordered.filter((job) => job.status === "manual").map((job) => job.name);
      const waits = waiting.length
        ? `manual job${waiting.length > 1 ? "s" : ""} ${waiting.join(", ")} ${
          waiting.length > 1 ? "wait" : "waits"
        }`
        : "a manual job waits";
      const failed = ordered.find((job) => job.status === "failed" && job.allow_failure !== true);
      if (failed) return done("failure", `${name}: job ${failed.name} failed; ${waits}`);
      return done("success", `${name} (${waits})`);
    }
    case "created":
    case "waiting_for_resource":
    case "preparing":
    case "pending":
    case "running":
    case "scheduled":
    default:
      // Any state GitLab adds later also keeps the wait going, until the timeout.
      return { state: "pending", pending: [`${name} (${pipeline.status})`] };
  }
}

/** GitLab CI's collapsible sections and colours; masks are set in the project's settings. */
function gitlabConventions(now: () => number = Date.now): LogConventions {
  const open: string[] = [];
  let count = 0;
  const seconds = () => Math.floor(now() / 1000);
  const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ");
  return {
    group(title) {
      // Unique per process and run, so two pace steps in one job do not share a section.
      const name = `pace_${now().toString(36)}_${++count}`;
      open.push(name);
      return `\x1b[0Ksection_start:${seconds()}:${name}[collapsed=true]\r\x1b[0K${oneLine(title)}`;
    },
    endGroup() {
      const name = open.pop();
      return name ? `\x1b[0Ksection_end:${seconds()}:${name}\r\x1b[0K` : "";
    },
    error: (message) => message.split(/\r?\n/).map((line) => `\x1b[31m${line}\x1b[0m`).join("\n"),
    // GitLab masks variables flagged "masked" in the project settings, not from the log.
    mask: () => "",
  };
}

/**
 * GitLab CI: review merge requests, pipelines for a commit, project CI/CD
 * variables, the job summary.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("gitlab", {
 *   env: { GITLAB_TOKEN: "glpat-example", GITLAB_PROJECT: "group/sub/repo" },
 * });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * ```
 */
export class GitLabCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "gitlab";
  readonly #gl: GitLabConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#gl = new GitLabConnection(context);
    if (this.#gl.missing) this.disable(this.#gl.missing);
  }

  /** Open (or find) the review MR for a human-gate day; its URL, `""` on failure. */
  openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    return this.safely("open review MR", "", async () => {
      const gl = this.#gl;
      const plan = await reviewPlan(day, this.path(paceDir), this.logger, contextNote);
      const find = async () => {
        const open = await gl.all<MergeRequest>(gl.path("merge_requests"), {
          source_branch: plan.branch,
          state: "opened",
        });
        return open.find((mr) => mr.source_branch === plan.branch && mr.state === "opened");
      };
      const mr = await ensureItem({
        what: `review MR for day ${day}`,
        logger: this.logger,
        find,
        create: async () => {
          const project = await gl.projectInfo();
          if (!project.default_branch) {
            throw new Error(`project ${gl.project} has no default branch (is it empty?)`);
          }
          try {
            const created = await gl.send<MergeRequest>("POST", gl.path("merge_requests"), {
              json: {
                source_branch: plan.branch,
                target_branch: project.default_branch,
                title: plan.title,
                description: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
              },
            });
            this.logger.info(`review MR for day ${day}: created ${created.web_url}`);
            return created;
          } catch (error) {
            if (!(error instanceof HttpError)) throw error;
            // 409: another run opened it between our look and our create.
            if (error.status === 409) {
              const raced = await find();
              if (raced) return raced;
            }
            if (error.status === 400 && /source_branch/.test(error.body)) {
              throw new Error(
                `cannot open the review MR: branch ${plan.branch} must exist on GitLab; ` +
                  `push it first (${error.message})`,
              );
            }
            throw error;
          }
        },
      });
      return mr.web_url;
    });
  }

  /** Poll until the commit's newest pipeline ends; never rejects. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    let fullSha: string | undefined;
    return this.poll(sha, options, async (signal) => {
      fullSha ??= await this.#resolveSha(sha, signal);
      return fullSha ? await this.#lookOnce(fullSha, signal) : { state: "none" };
    });
  }

  /**
   * The full SHA: pipelines are filtered on it exactly. A short SHA is looked
   * up; a commit GitLab does not know yet may still be pushed, so it reads as
   * "nothing yet" (`undefined`) rather than an error.
   */
  async #resolveSha(sha: string, signal: AbortSignal): Promise<string | undefined> {
    if (sha.length === 40) return sha.toLowerCase();
    const gl = this.#gl;
    const answer = await gl.http.request<{ id?: string }>(
      "GET",
      gl.path(`repository/commits/${encodeURIComponent(sha)}`),
      { signal, accept: [404] },
    );
    if (answer.status === 404 || typeof answer.data?.id !== "string") return undefined;
    return answer.data.id.toLowerCase();
  }

  async #lookOnce(sha: string, signal: AbortSignal): Promise<CiSnapshot> {
    const gl = this.#gl;
    const pipelines = await gl.send<unknown>("GET", gl.path("pipelines"), {
      query: { sha, order_by: "id", sort: "desc", per_page: PIPELINES_PER_POLL, page: 1 },
      signal,
    });
    if (!Array.isArray(pipelines)) throw new Error("GitLab: the pipeline list is not a list");
    const list = (pipelines as GitLabPipeline[]).filter((p) => typeof p?.id === "number");
    if (list.length === 0) return { state: "none" };
    // A child pipeline reports into its parent's trigger job: the parent decides.
    const newest = list.find((p) => p.source !== "parent_pipeline") ?? list[0];
    if (newest.status !== "manual") return pipelineSnapshot(newest);
    const jobs = await gl.all<GitLabJob>(gl.path(`pipelines/${newest.id}/jobs`), {}, signal);
    return pipelineSnapshot(newest, jobs);
  }

  /** Append to `$CI_JOB_SUMMARY` when set (capped), else write `pace-summary.md`. */
  override writeJobSummary(markdown: string): Promise<void> {
    const path = envValue(this.env, "CI_JOB_SUMMARY");
    if (!path) return super.writeJobSummary(markdown);
    return this.safely("write job summary", undefined, async () => {
      // As given, like the permission list from `paths(env)` that grants it.
      const cut = await appendCapped(path, markdown);
      if (cut) this.logger.warn("job summary truncated to 1 MiB");
    });
  }

  /** Update the project CI/CD variable, or create it when absent; `false` (logged) on failure. */
  override setVariable(name: string, value: string): Promise<boolean> {
    return this.safely(`set variable ${name}`, false, async () => {
      if (typeof name !== "string" || !/^[A-Za-z0-9_]{1,255}$/.test(name)) {
        throw new Error(
          `invalid variable name "${name}": GitLab keys are letters, digits and _ (≤ 255)`,
        );
      }
      const gl = this.#gl;
      const update = () =>
        gl.http.request("PUT", gl.path(`variables/${encodeURIComponent(name)}`), {
          json: { value: String(value) },
          accept: [404],
        });
      try {
        if ((await update()).status !== 404) return true;
        try {
          await gl.send("POST", gl.path("variables"), {
            json: { key: name, value: String(value) },
          });
        } catch (error) {
          // Created meanwhile (400 "has already been taken"), or maybe created (5xx): update.
          if (
            !(error instanceof HttpError) ||
            !((error.status === 400 && /taken/.test(error.body)) || error.status >= 500)
          ) throw error;
          if ((await update()).status === 404) throw error;
        }
        return true;
      } catch (error) {
        throw explainVariables(error);
      }
    });
  }

  /** The environment first, then the project's CI/CD variables. */
  override async getVariable(name: string): Promise<string | undefined> {
    const fromEnv = this.env[name];
    if (fromEnv !== undefined) return fromEnv;
    return await this.safely(`get variable ${name}`, undefined, async () => {
      if (typeof name !== "string" || !/^[A-Za-z0-9_]{1,255}$/.test(name)) return undefined;
      const gl = this.#gl;
      const answer = await gl.http.request<{ value?: string }>(
        "GET",
        gl.path(`variables/${encodeURIComponent(name)}`),
        { accept: [404] },
      );
      if (answer.status === 404) return undefined;
      return typeof answer.data?.value === "string" ? answer.data.value : undefined;
    });
  }
}

function explainVariables(error: unknown): unknown {
  if (error instanceof HttpError && (error.status === 403 || error.status === 401)) {
    return new Error(
      `${error.message} — project variables need a token with the api scope and at least ` +
        `the Maintainer role on the project`,
    );
  }
  return error;
}

/**
 * GitLab Issues as the tracker: escalations, advisories and story issues,
 * each found by its labels (open issues only) before anything is created.
 *
 * @example
 * ```ts
 * import { getTrackerAdapter } from "@pace/platforms";
 * const tracker = getTrackerAdapter("gitlab", {
 *   env: { GITLAB_TOKEN: "glpat-example", GITLAB_PROJECT: "1234" },
 * });
 * const url = await tracker.openEscalationIssue(3, ".pace/day-3");
 * ```
 */
export class GitLabTrackerAdapter extends BaseTrackerAdapter {
  /** The registered platform name. */
  readonly platform = "gitlab";
  readonly #gl: GitLabConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#gl = new GitLabConnection(context);
    if (this.#gl.missing) this.disable(this.#gl.missing);
  }

  /** Open (or find) the HOLD escalation for a day; its URL. */
  openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string> {
    return this.safely("open escalation", "", async () => {
      const plan = await escalationPlan(day, this.path(dayDir), this.logger, holdReason);
      return (await this.#gl.ensureIssue(`escalation for day ${day}`, plan, this.logger)).web_url;
    });
  }

  /** File one agent's findings for a day; `""` for an empty list. */
  pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string> {
    return this.safely("push advisory items", "", async () => {
      const plan = advisoryPlan(day, items, agent);
      if (!plan) return "";
      const what = `advisory for day ${day} (${agent})`;
      return (await this.#gl.ensureIssue(what, plan, this.logger)).web_url;
    });
  }

  /** Mirror the day's story card as an issue and record it in `story-ticket.yaml`. */
  pushStory(day: number, dayDir: string): Promise<string> {
    return this.safely("push story", "", async () => {
      return await pushStoryOnce({
        day,
        dayDir: this.path(dayDir),
        platform: this.platform,
        logger: this.logger,
        ensure: async (plan) => {
          const issue = await this.#gl.ensureIssue(`story for day ${day}`, plan, this.logger);
          return { url: issue.web_url, id: issue.iid };
        },
      });
    });
  }

  /** The story issue's iid: from `story-ticket.yaml`, else by its labels. */
  async #storyIid(day: number, dayDir: string): Promise<number> {
    return await storyIssueNumber(
      day,
      this.path(dayDir),
      this.platform,
      async () => (await this.#gl.findIssue(storyLabels(day), "any"))?.iid,
    );
  }

  /** Close (`done`) or reopen (`in_progress`) the day's story issue. */
  updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<void> {
    return this.safely("update story status", undefined, async () => {
      checkStoryStatus(status);
      const iid = await this.#storyIid(day, dayDir);
      await this.#gl.send("PUT", this.#gl.path(`issues/${iid}`), {
        json: { state_event: status === "done" ? "close" : "reopen" },
      });
      this.logger.info(`story issue #${iid} for day ${day} is now ${status}`);
    });
  }

  /** Post the day's handoff note on the story issue, once. */
  postHandoffComment(day: number, dayDir: string): Promise<void> {
    return this.safely("post handoff comment", undefined, async () => {
      const doc = await handoffPlan(day, this.path(dayDir), this.logger);
      const iid = await this.#storyIid(day, dayDir);
      const gl = this.#gl;
      const tag = markerComment(marker("handoff", day));
      const notes = gl.path(`issues/${iid}/notes`);
      let posted = false;
      await ensureItem({
        what: `handoff for day ${day}`,
        logger: this.logger,
        find: async () => (await gl.all<Note>(notes)).find((note) => note.body?.includes(tag)),
        create: async () => {
          const note = await gl.send<Note>("POST", notes, {
            json: { body: toMarkdown(doc, { maxLength: BODY_LIMIT }) },
          });
          posted = true;
          return note;
        },
      });
      this.logger.info(
        `handoff for day ${day}: ${posted ? "noted on" : "already on"} issue #${iid}`,
      );
    });
  }

  /** Close a planning issue by its iid. */
  override closePlanIssue(issueNumber: number): Promise<void> {
    return this.safely(`close plan issue #${issueNumber}`, undefined, async () => {
      if (!Number.isInteger(issueNumber) || issueNumber < 1) {
        throw new Error(`issue iid must be a whole number ≥ 1, got ${issueNumber}`);
      }
      await this.#gl.send("PUT", this.#gl.path(`issues/${issueNumber}`), {
        json: { state_event: "close" },
      });
      this.logger.info(`closed plan issue #${issueNumber}`);
    });
  }
}

function gitlabHost(env: Env): string {
  const url = normalizeWebUrl(envValue(env, "GITLAB_URL") ?? GITLAB_DEFAULT_URL);
  return new URL(url ?? GITLAB_DEFAULT_URL).host;
}

/**
 * The `gitlab` platform definition.
 *
 * @example
 * ```ts
 * import { gitlabPlatform } from "@pace/platforms";
 * console.log(gitlabPlatform.hosts({ GITLAB_URL: "https://git.example.com:8443/gitlab/" }));
 * // ["git.example.com:8443"]
 * ```
 */
export const gitlabPlatform: PlatformDefinition = {
  name: "gitlab",
  title: "GitLab",
  env: [
    "GITLAB_TOKEN",
    "GITLAB_PROJECT",
    "GITLAB_URL",
    "CI_JOB_TOKEN",
    "CI_JOB_SUMMARY",
    "GITLAB_CI",
  ],
  secretEnv: ["GITLAB_TOKEN", "CI_JOB_TOKEN"],
  hosts: (env) => [gitlabHost(env)],
  missing: (env) => ["GITLAB_TOKEN", "GITLAB_PROJECT"].filter((name) => !envValue(env, name)),
  paths: (env) => {
    const summary = envValue(env, "CI_JOB_SUMMARY");
    return summary ? { read: [summary], write: [summary] } : {};
  },
  ci: (context) => new GitLabCIAdapter(context),
  tracker: (context) => new GitLabTrackerAdapter(context),
  probe: async (context) => {
    const gl = new GitLabConnection(context);
    if (gl.missing) return { ok: false, detail: gl.missing };
    try {
      const project = await gl.projectInfo();
      return {
        ok: true,
        detail: `${project.path_with_namespace} reachable at ${gl.apiUrl} (default branch ${
          project.default_branch ?? "none: empty project"
        })`,
      };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  },
  logConventions: (env) => env.GITLAB_CI === "true" ? gitlabConventions() : undefined,
};
