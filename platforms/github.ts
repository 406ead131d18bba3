/**
 * The `github` platform: GitHub.com and GitHub Enterprise Server, over the
 * REST API through `@octokit/core`, which receives the shared HTTP core as its
 * `fetch` (one timeout, retry, origin-guard and redaction path for every
 * platform). Octokit is loaded on first use, so `pace` starts fast.
 *
 * @module
 */

import { ensureItem } from "./_pace/ensure.ts";
import { envValue, hostsOf } from "./_core/env.ts";
import { appendCapped } from "./_core/files.ts";
import {
  createHttpFetch,
  HttpError,
  isRetryableStatus,
  retryDelayFromHeaders,
} from "./_core/http.ts";
import {
  advisoryPlan,
  escalationPlan,
  handoffPlan,
  type ItemPlan,
  reviewPlan,
} from "./_pace/plans.ts";
import { marker, markerComment, storyLabels } from "./_pace/names.ts";
import type { CiSnapshot } from "./_core/poll.ts";
import { toMarkdown } from "./_pace/render.ts";
import { checkStoryStatus, pushStoryOnce, storyIssueNumber } from "./_pace/tickets.ts";
import { BaseCIAdapter, BaseTrackerAdapter } from "./base.ts";
import type {
  AdvisoryItem,
  CiResult,
  LogConventions,
  PlatformDefinition,
  ResolvedContext,
  StoryStatus,
  WaitOptions,
} from "./types.ts";

/**
 * GitHub.com's API; Enterprise Server uses `https://HOST/api/v3`.
 *
 * @example
 * ```ts
 * import { GITHUB_DEFAULT_API_URL } from "@pace/platforms";
 * console.log(GITHUB_DEFAULT_API_URL); // "https://api.github.com"
 * ```
 */
export const GITHUB_DEFAULT_API_URL = "https://api.github.com";
/**
 * The REST API version every request pins.
 *
 * @example
 * ```ts
 * import { GITHUB_API_VERSION } from "@pace/platforms";
 * console.log(GITHUB_API_VERSION); // "2022-11-28"
 * ```
 */
export const GITHUB_API_VERSION = "2022-11-28";
/** GitHub rejects issue and PR bodies longer than this. */
const BODY_LIMIT = 65_000;
const PER_PAGE = 100;

const FAILED_CHECK = new Set(["failure", "timed_out", "action_required", "startup_failure"]);
const PASSED_CHECK = new Set(["success", "neutral", "skipped"]);

type Params = Record<string, unknown>;

interface Answer<T> {
  status: number;
  data: T;
  headers: Record<string, string | number | undefined>;
}

type RequestFn = (route: string, params?: Params) => Promise<Answer<unknown>>;

interface OctokitError extends Error {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
  cause?: unknown;
}

function isOctokitError(error: unknown): error is OctokitError {
  return error instanceof Error && typeof (error as { status?: unknown }).status === "number";
}

interface CheckRun {
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string | null;
  details_url?: string | null;
}
interface CheckRunList {
  total_count: number;
  check_runs: CheckRun[];
}
interface CommitStatus {
  context: string;
  state: string;
  target_url?: string | null;
}
interface CombinedStatus {
  state: string;
  total_count?: number;
  statuses: CommitStatus[];
}
interface Issue {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  state: string;
  pull_request?: unknown;
}
interface Pull {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
}

/**
 * The connection both GitHub adapters share: settings from the environment,
 * the shared HTTP core, the lazily loaded Octokit, and conditional GETs.
 */
class GitHubConnection {
  readonly owner: string = "";
  readonly repo: string = "";
  readonly apiUrl: string;
  readonly missing: string | undefined;
  readonly #context: ResolvedContext;
  readonly #fetch: typeof fetch;
  #request: Promise<RequestFn> | undefined;
  /** ETag and body per URL, so an unchanged poll is a free 304. */
  readonly #etags = new Map<string, { etag: string; data: unknown }>();
  /** How many conditional GETs were answered 304 (for the bench). */
  notModified = 0;

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    this.#context = context;
    const { env, secrets } = context;
    const token = envValue(env, "GITHUB_TOKEN");
    secrets.add(token);
    this.apiUrl = (envValue(env, "GITHUB_API_URL") ?? GITHUB_DEFAULT_API_URL).replace(/\/+$/, "");
    const repository = envValue(env, "GITHUB_REPOSITORY") ?? "";
    const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
    if (match) [, this.owner, this.repo] = match;
    this.missing = !token
      ? "GITHUB_TOKEN is not set"
      : !repository
      ? "GITHUB_REPOSITORY is not set (expected owner/repo)"
      : !match
      ? `GITHUB_REPOSITORY must be owner/repo, got "${repository}"`
      : undefined;
    let validUrl = true;
    try {
      new URL(this.apiUrl);
    } catch {
      validUrl = false;
    }
    if (!validUrl) {
      this.missing ??= `GITHUB_API_URL is not a URL: "${this.apiUrl}"`;
      this.apiUrl = GITHUB_DEFAULT_API_URL;
    }
    this.#fetch = createHttpFetch({
      baseUrl: this.apiUrl,
      platform: "GitHub",
      secrets,
      fetch: context.fetch,
      logger: context.logger,
      headers: {
        accept: "application/vnd.github+json",
        "x-github-api-version": GITHUB_API_VERSION,
      },
      credentials: token ? { authorization: `Bearer ${token}` } : {},
    });
  }

  #octokit(): Promise<RequestFn> {
    this.#request ??= (async () => {
      const { Octokit } = await import("@octokit/core");
      const logger = this.#context.logger;
      const octokit = new Octokit({
        baseUrl: this.apiUrl,
        request: { fetch: this.#fetch },
        log: { debug() {}, info() {}, warn: logger.warn, error: logger.error },
      });
      // Octokit's default Accept is the v3 media type; pin the documented one.
      return octokit.request.defaults({
        headers: {
          accept: "application/vnd.github+json",
          "x-github-api-version": GITHUB_API_VERSION,
        },
      }) as unknown as RequestFn;
    })();
    return this.#request;
  }

  /** Send one request; Octokit's errors become {@linkcode HttpError}. */
  async request<T>(route: string, params: Params = {}, signal?: AbortSignal): Promise<Answer<T>> {
    const request = await this.#octokit();
    const base = { owner: this.owner, repo: this.repo, ...params };
    try {
      return await request(route, signal ? { ...base, request: { signal } } : base) as Answer<T>;
    } catch (error) {
      throw this.#httpError(route, error);
    }
  }

  /** A GET that sends `If-None-Match` and reuses the cached body on 304. */
  async conditional<T>(route: string, params: Params, signal?: AbortSignal): Promise<T> {
    const key = `${route} ${JSON.stringify(params)}`;
    const cached = this.#etags.get(key);
    const headers = cached ? { "if-none-match": cached.etag } : {};
    try {
      const answer = await this.request<T>(route, { ...params, headers }, signal);
      const etag = answer.headers.etag;
      if (typeof etag === "string") this.#etags.set(key, { etag, data: answer.data });
      return answer.data;
    } catch (error) {
      if (error instanceof HttpError && error.status === 304 && cached) {
        this.notModified++;
        return cached.data as T;
      }
      throw error;
    }
  }

  #httpError(route: string, error: unknown): unknown {
    if (error instanceof HttpError) return error;
    if (!isOctokitError(error)) return error;
    if (error.cause instanceof HttpError) return error.cause;
    if (error.name === "AbortError") return error;
    const headers = new Headers();
    for (const [k, v] of Object.entries(error.response?.headers ?? {})) {
      if (v !== undefined) headers.set(k, String(v));
    }
    const { secrets } = this.#context;
    const message = secrets.redact(`GitHub: ${route} → ${error.status}: ${error.message}`);
    return new HttpError(message.slice(0, 500), {
      status: error.status,
      kind: "http",
      retryable: isRetryableStatus(error.status, headers),
      retryAfterMs: retryDelayFromHeaders(headers),
      body: secrets.redact(JSON.stringify(error.response?.data ?? "").slice(0, 300)),
    });
  }

  /** Every page of a list endpoint, `per_page=100`. */
  async all<T>(route: string, params: Params, pick?: (data: unknown) => T[]): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= 50; page++) {
      const { data } = await this.request<unknown>(route, { ...params, per_page: PER_PAGE, page });
      const batch = pick ? pick(data) : data as T[];
      items.push(...batch);
      if (batch.length < PER_PAGE) break;
    }
    return items;
  }

  /** PACE's open issue carrying all of `labels`, if any (pull requests excluded). */
  async findIssue(labels: string[], state: "open" | "all" = "open"): Promise<Issue | undefined> {
    const issues = await this.all<Issue>("GET /repos/{owner}/{repo}/issues", {
      labels: labels.join(","),
      state,
    });
    return issues.find((issue) => !issue.pull_request);
  }

  /** Find the open issue for `plan`, else create it. Returns the issue. */
  ensureIssue(what: string, plan: ItemPlan): Promise<Issue> {
    return ensureItem({
      what,
      logger: this.#context.logger,
      find: () => this.findIssue(plan.labels),
      create: async () => {
        const { data } = await this.request<Issue>("POST /repos/{owner}/{repo}/issues", {
          title: plan.title,
          body: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
          labels: plan.labels,
        });
        this.#context.logger.info(`${what}: created ${data.html_url}`);
        return data;
      },
    });
  }
}

/** The `::…::` workflow commands of GitHub Actions, data escaped as the runner expects. */
function actionsConventions(): LogConventions {
  const escape = (text: string) =>
    text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  return {
    group: (title) => `::group::${escape(title)}`,
    endGroup: () => "::endgroup::",
    error: (message) => `::error::${escape(message)}`,
    mask: (value) => `::add-mask::${escape(value)}`,
  };
}

/**
 * GitHub CI: review PRs, check runs plus commit statuses, Actions variables,
 * the step summary.
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("github", {
 *   env: { GITHUB_TOKEN: "ghp_example", GITHUB_REPOSITORY: "octo/repo" },
 * });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * ```
 */
export class GitHubCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "github";
  readonly #gh: GitHubConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#gh = new GitHubConnection(context);
    if (this.#gh.missing) this.disable(this.#gh.missing);
  }

  /** Polls answered 304 Not Modified so far. */
  get notModifiedCount(): number {
    return this.#gh.notModified;
  }

  /** Open (or find) the review PR for a human-gate day; its URL or path, `""` on failure. */
  openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    return this.safely("open review PR", "", async () => {
      const gh = this.#gh;
      const plan = await reviewPlan(day, this.path(paceDir), this.logger, contextNote);
      const head = `${gh.owner}:${plan.branch}`;
      const find = async () => {
        const pulls = await gh.all<Pull>("GET /repos/{owner}/{repo}/pulls", { head, state: "all" });
        return pulls.find((p) => p.state === "open") ?? pulls.find((p) => p.merged_at);
      };
      const existing = await find();
      if (existing) {
        this.logger.info(`review PR for day ${day}: found ${existing.html_url}`);
        return existing.html_url;
      }
      const { data: repo } = await gh.request<{ default_branch: string }>(
        "GET /repos/{owner}/{repo}",
      );
      try {
        const { data } = await gh.request<Pull>("POST /repos/{owner}/{repo}/pulls", {
          title: plan.title,
          head: plan.branch,
          base: repo.default_branch,
          body: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
        });
        this.logger.info(`review PR for day ${day}: created ${data.html_url}`);
        return data.html_url;
      } catch (error) {
        if (!(error instanceof HttpError) || (error.status !== 422 && error.status < 500)) {
          throw error;
        }
        const raced = await find();
        if (raced) return raced.html_url;
        if (error.status === 422 && /head|No commits/i.test(error.message + error.body)) {
          throw new Error(
            `cannot open the review PR: branch ${plan.branch} must exist on GitHub with commits ` +
              `not in ${repo.default_branch}; push it first (${error.message})`,
          );
        }
        throw error;
      }
    });
  }

  /** Poll until the commit's CI ends; never rejects. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    return this.poll(sha, options, (signal) => this.#lookOnce(sha, signal));
  }

  async #lookOnce(ref: string, signal: AbortSignal): Promise<CiSnapshot> {
    const gh = this.#gh;
    const runs: CheckRun[] = [];
    for (let page = 1; page <= 50; page++) {
      const data = await gh.conditional<CheckRunList>(
        "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
        { ref, per_page: PER_PAGE, page },
        signal,
      );
      runs.push(...data.check_runs);
      if (data.check_runs.length < PER_PAGE || runs.length >= data.total_count) break;
    }
    const statuses: CommitStatus[] = [];
    for (let page = 1; page <= 10; page++) {
      const data = await gh.conditional<CombinedStatus>(
        "GET /repos/{owner}/{repo}/commits/{ref}/status",
        { ref, per_page: PER_PAGE, page },
        signal,
      );
      statuses.push(...data.statuses);
      if (data.statuses.length < PER_PAGE) break;
    }
    return classify(runs, statuses);
  }

  /** Write the job summary where this platform shows it. */
  override writeJobSummary(markdown: string): Promise<void> {
    const path = envValue(this.env, "GITHUB_STEP_SUMMARY");
    if (!path) return super.writeJobSummary(markdown);
    return this.safely("write job summary", undefined, async () => {
      const cut = await appendCapped(path, markdown);
      if (cut) this.logger.warn("job summary truncated to GitHub's 1 MiB step-summary limit");
    });
  }

  /** Set a variable; `false` (logged) on failure. */
  override setVariable(name: string, value: string): Promise<boolean> {
    return this.safely(`set variable ${name}`, false, async () => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
        throw new Error(
          `invalid variable name "${name}": letters, digits and _, not starting with GITHUB_`,
        );
      }
      try {
        await this.#gh.request("POST /repos/{owner}/{repo}/actions/variables", {
          name,
          value: String(value),
        });
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 409) throw explainVariables(error);
        await this.#gh.request("PATCH /repos/{owner}/{repo}/actions/variables/{name}", {
          name,
          value: String(value),
        }).catch((e) => {
          throw explainVariables(e);
        });
      }
      return true;
    });
  }

  /** The environment first, then the platform's variable store. */
  override async getVariable(name: string): Promise<string | undefined> {
    const fromEnv = this.env[name];
    if (fromEnv !== undefined) return fromEnv;
    return await this.safely(`get variable ${name}`, undefined, async () => {
      try {
        const { data } = await this.#gh.request<{ value: string }>(
          "GET /repos/{owner}/{repo}/actions/variables/{name}",
          { name },
        );
        return data.value;
      } catch (error) {
        if (error instanceof HttpError && error.status === 404) return undefined;
        throw error;
      }
    });
  }
}

function explainVariables(error: unknown): unknown {
  if (error instanceof HttpError && (error.status === 403 || error.status === 404)) {
    return new Error(
      `${error.message} — the token needs the "Variables: write" repository permission ` +
        `(fine-grained) or the repo scope (classic)`,
    );
  }
  return error;
}

/** SPEC §6 for GitHub: check runs and commit statuses both count. */
export function classify(runs: CheckRun[], statuses: CommitStatus[]): CiSnapshot {
  if (runs.length === 0 && statuses.length === 0) return { state: "none" };
  const pending = [
    ...runs.filter((r) => r.status !== "completed").map((r) => r.name),
    ...statuses.filter((s) => s.state === "pending").map((s) => s.context),
  ];
  if (pending.length) return { state: "pending", pending };
  const runUrl = (r: CheckRun) => r.html_url ?? r.details_url ?? "";
  const failedRun = runs.find((r) => FAILED_CHECK.has(r.conclusion ?? ""));
  if (failedRun) {
    return { state: "done", conclusion: "failure", name: failedRun.name, url: runUrl(failedRun) };
  }
  const failedStatus = statuses.find((s) => s.state === "failure" || s.state === "error");
  if (failedStatus) {
    return {
      state: "done",
      conclusion: "failure",
      name: failedStatus.context,
      url: failedStatus.target_url ?? "",
    };
  }
  const allPassed = runs.every((r) => PASSED_CHECK.has(r.conclusion ?? "")) &&
    statuses.every((s) => s.state === "success");
  const names = [...runs.map((r) => r.name), ...statuses.map((s) => s.context)];
  const firstUrl = runs.length ? runUrl(runs[0]) : statuses[0]?.target_url ?? "";
  if (allPassed) {
    return { state: "done", conclusion: "success", name: names.join(", "), url: firstUrl };
  }
  const cancelled = runs.find((r) => r.conclusion === "cancelled" || r.conclusion === "stale");
  if (cancelled) {
    return { state: "done", conclusion: "cancelled", name: cancelled.name, url: runUrl(cancelled) };
  }
  const odd = runs.find((r) => !PASSED_CHECK.has(r.conclusion ?? ""));
  return {
    state: "done",
    conclusion: "failure",
    name: odd?.name ?? names.join(", "),
    url: odd ? runUrl(odd) : firstUrl,
  };
}

/**
 * GitHub Issues as the tracker: escalations, advisories and story issues,
 * each found by its labels before anything is created.
 *
 * @example
 * ```ts
 * import { getTrackerAdapter } from "@pace/platforms";
 * const tracker = getTrackerAdapter("github", {
 *   env: { GITHUB_TOKEN: "ghp_example", GITHUB_REPOSITORY: "octo/repo" },
 * });
 * const url = await tracker.openEscalationIssue(3, ".pace/day-3");
 * ```
 */
export class GitHubTrackerAdapter extends BaseTrackerAdapter {
  /** The registered platform name. */
  readonly platform = "github";
  readonly #gh: GitHubConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#gh = new GitHubConnection(context);
    if (this.#gh.missing) this.disable(this.#gh.missing);
  }

  /** Open (or find) the HOLD escalation for a day; its URL or path. */
  openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string> {
    return this.safely("open escalation", "", async () => {
      const plan = await escalationPlan(day, this.path(dayDir), this.logger, holdReason);
      return (await this.#gh.ensureIssue(`escalation for day ${day}`, plan)).html_url;
    });
  }

  /** File one agent's findings for a day; `""` for an empty list. */
  pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string> {
    return this.safely("push advisory items", "", async () => {
      const plan = advisoryPlan(day, items, agent);
      if (!plan) return "";
      return (await this.#gh.ensureIssue(`advisory for day ${day} (${agent})`, plan)).html_url;
    });
  }

  /** Mirror the day's story card as a ticket and record it in `story-ticket.yaml`. */
  pushStory(day: number, dayDir: string): Promise<string> {
    return this.safely("push story", "", async () => {
      return await pushStoryOnce({
        day,
        dayDir: this.path(dayDir),
        platform: this.platform,
        logger: this.logger,
        ensure: async (plan) => {
          const issue = await this.#gh.ensureIssue(`story for day ${day}`, plan);
          return { url: issue.html_url, id: issue.number };
        },
      });
    });
  }

  /** The story issue's number: from `story-ticket.yaml`, else by its labels. */
  async #storyNumber(day: number, dayDir: string): Promise<number> {
    return await storyIssueNumber(
      day,
      this.path(dayDir),
      this.platform,
      async () => (await this.#gh.findIssue(storyLabels(day), "all"))?.number,
    );
  }

  /** Close (`done`) or reopen (`in_progress`) the day's story ticket. */
  updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<void> {
    return this.safely("update story status", undefined, async () => {
      checkStoryStatus(status);
      const issue_number = await this.#storyNumber(day, dayDir);
      await this.#gh.request(
        "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        status === "done"
          ? { issue_number, state: "closed", state_reason: "completed" }
          : { issue_number, state: "open" },
      );
      this.logger.info(`story issue #${issue_number} for day ${day} is now ${status}`);
    });
  }

  /** Comment the day's handoff note on the story ticket, once. */
  postHandoffComment(day: number, dayDir: string): Promise<void> {
    return this.safely("post handoff comment", undefined, async () => {
      const doc = await handoffPlan(day, this.path(dayDir), this.logger);
      const issue_number = await this.#storyNumber(day, dayDir);
      const tag = markerComment(marker("handoff", day));
      const comments = await this.#gh.all<{ body?: string }>(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { issue_number },
      );
      if (comments.some((c) => c.body?.includes(tag))) {
        this.logger.info(`handoff for day ${day}: already on issue #${issue_number}`);
        return;
      }
      await this.#gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        issue_number,
        body: toMarkdown(doc, { maxLength: BODY_LIMIT }),
      });
      this.logger.info(`handoff for day ${day}: commented on issue #${issue_number}`);
    });
  }

  /** Close a planning issue as completed. */
  override closePlanIssue(issueNumber: number): Promise<void> {
    return this.safely(`close plan issue #${issueNumber}`, undefined, async () => {
      if (!Number.isInteger(issueNumber) || issueNumber < 1) {
        throw new Error(`issue number must be a whole number ≥ 1, got ${issueNumber}`);
      }
      await this.#gh.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        issue_number: issueNumber,
        state: "closed",
        state_reason: "completed",
      });
      this.logger.info(`closed plan issue #${issueNumber}`);
    });
  }
}

/**
 * The `github` platform definition.
 *
 * @example
 * ```ts
 * import { githubPlatform } from "@pace/platforms";
 * console.log(githubPlatform.hosts({ GITHUB_API_URL: "https://ghe.example.com/api/v3" }));
 * // ["ghe.example.com"]
 * ```
 */
export const githubPlatform: PlatformDefinition = {
  name: "github",
  title: "GitHub",
  env: [
    "GITHUB_TOKEN",
    "GITHUB_REPOSITORY",
    "GITHUB_API_URL",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_ACTIONS",
  ],
  secretEnv: ["GITHUB_TOKEN"],
  hosts: (env) => hostsOf(envValue(env, "GITHUB_API_URL"), GITHUB_DEFAULT_API_URL),
  missing: (env) => ["GITHUB_TOKEN", "GITHUB_REPOSITORY"].filter((name) => !envValue(env, name)),
  paths: (env) => {
    const summary = envValue(env, "GITHUB_STEP_SUMMARY");
    return summary ? { read: [summary], write: [summary] } : {};
  },
  ci: (context) => new GitHubCIAdapter(context),
  tracker: (context) => new GitHubTrackerAdapter(context),
  probe: async (context) => {
    const gh = new GitHubConnection(context);
    if (gh.missing) return { ok: false, detail: gh.missing };
    try {
      const { data } = await gh.request<{ full_name: string; default_branch: string }>(
        "GET /repos/{owner}/{repo}",
      );
      return {
        ok: true,
        detail:
          `${data.full_name} reachable at ${gh.apiUrl} (default branch ${data.default_branch})`,
      };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  },
  logConventions: (env) => env.GITHUB_ACTIONS === "true" ? actionsConventions() : undefined,
};
