/**
 * The `bitbucket` platform: Bitbucket Cloud over REST 2.0, through the shared
 * HTTP core. Bitbucket differs from the other forges in ways this file maps
 * onto the contract: two credential schemes (Bearer access token, or Basic
 * user + app password), pagination by the body's `next` URL, BBQL `q`
 * filters, issues without labels (PACE finds its own issue by a hidden marker
 * in `content.raw` or by its title prefix), and repositories that have no
 * issue tracker at all.
 *
 * @module
 */

import { ensureItem, mayHaveSucceeded } from "./_pace/ensure.ts";
import { envValue, hostsOf } from "./_core/settings.ts";
import { HttpClient, HttpError, type JsonRequest } from "./_core/http.ts";
import {
  advisoryPlan,
  escalationPlan,
  handoffPlan,
  type ItemPlan,
  reviewPlan,
} from "./_pace/plans.ts";
import { marker, markerComment, storyTitlePrefix } from "./_pace/names.ts";
import type { CiSnapshot } from "./types.ts";
import { toMarkdown } from "./_pace/render.ts";
import { checkStoryStatus, pushStoryOnce, storyIssueNumber } from "./_pace/tickets.ts";
import { BaseCIAdapter, BaseTrackerAdapter } from "./base.ts";
import type {
  AdvisoryItem,
  CiResult,
  PlatformDefinition,
  ResolvedContext,
  StoryStatus,
  WaitOptions,
} from "./types.ts";

/**
 * Bitbucket Cloud's REST API.
 *
 * @example
 * ```ts
 * import { BITBUCKET_DEFAULT_API_URL } from "@pace/platforms";
 * console.log(BITBUCKET_DEFAULT_API_URL); // "https://api.bitbucket.org/2.0"
 * ```
 */
export const BITBUCKET_DEFAULT_API_URL = "https://api.bitbucket.org/2.0";

/**
 * Bodies are cut to this many characters: Bitbucket accepts long PR
 * descriptions but refuses comments of 32 768 characters or more.
 */
const BODY_LIMIT = 32_000;
/** Largest `pagelen` the pipelines and variables lists take. */
const PIPELINES_PAGELEN = 100;
/** Issue and pull-request lists cap `pagelen` at 50. */
const LIST_PAGELEN = 50;
/** Upper bound on pages read per list, so a runaway `next` chain cannot loop forever. */
const MAX_PAGES = 50;
/**
 * A short SHA cannot be filtered server-side (`target.commit.hash` matches
 * whole hashes), so the newest pipelines are read and matched by prefix:
 * this many pages of 100. A commit being waited for is among the newest.
 */
const SHORT_SHA_PAGES = 3;

const OPEN_ISSUE_STATES = new Set(["new", "open"]);

/** The issue `kind` and `priority` PACE files each item with. */
const ISSUE_KINDS = {
  hold: { kind: "bug", priority: "critical" },
  advisory: { kind: "task", priority: "major" },
  story: { kind: "enhancement", priority: "major" },
} as const;

interface Link {
  href?: string;
}

/** A repository, as far as PACE reads it. */
interface Repository {
  full_name?: string;
  mainbranch?: { name?: string } | null;
  has_issues?: boolean;
  links?: { html?: Link };
}

/** A pipeline, as far as PACE reads it. */
export interface BitbucketPipeline {
  /** `{…}` UUID. */
  uuid?: string;
  /** Shown in the web UI as `#N`; the results page is `…/pipelines/results/N`. */
  build_number?: number;
  /** `PENDING`, `IN_PROGRESS` (stage `RUNNING` or `PAUSED`), `COMPLETED` (with a result). */
  state?: {
    name?: string;
    result?: { name?: string } | null;
    stage?: { name?: string } | null;
  } | null;
  /** What ran: the commit and, for branch pipelines, the ref. */
  target?: {
    ref_name?: string;
    commit?: { hash?: string } | null;
    selector?: { type?: string; pattern?: string } | null;
  } | null;
  /** ISO timestamp; the newest pipeline for the commit decides. */
  created_on?: string;
}

interface PullRequest {
  id: number;
  state: string;
  source?: { branch?: { name?: string } };
  links?: { html?: Link };
}

interface Issue {
  id: number;
  title: string;
  state: string;
  content?: { raw?: string | null } | null;
  links?: { html?: Link };
}

interface Comment {
  id?: number;
  content?: { raw?: string | null } | null;
}

interface Variable {
  uuid: string;
  key: string;
  value?: string;
  secured?: boolean;
}

/** How to read a list. */
interface ListOptions {
  /** Query parameters of the first page (`next` links carry their own). */
  query?: JsonRequest["query"];
  /** Parameters that repeat, e.g. `{ state: ["OPEN", "MERGED"] }`. */
  repeated?: Record<string, string[]>;
  signal?: AbortSignal;
  /** Stop after this many pages. */
  maxPages?: number;
}

interface Page<T> {
  values?: T[];
  next?: string;
}

/** A BBQL string literal: double-quoted, with `\` and `"` escaped. */
export function bbqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function webUrl(item: { links?: { html?: Link } }): string {
  return item.links?.html?.href ?? "";
}

/** Whether an error is Bitbucket's "this repository has no issue tracker" 404. */
function noIssueTracker(error: unknown): boolean {
  return error instanceof HttpError && error.status === 404 &&
    /no issue tracker/i.test(`${error.body} ${error.message}`);
}

/**
 * The connection both Bitbucket adapters share: settings and credentials
 * from the environment, the shared HTTP client, `next`-link pagination, and
 * the repository (main branch, web URL) fetched once.
 */
class BitbucketConnection {
  readonly workspace: string;
  readonly repoSlug: string;
  readonly apiUrl: string;
  /** Which credential scheme is in use. */
  readonly scheme: "bearer" | "basic" | undefined;
  /** Why the adapter cannot work, naming the variables to set. */
  readonly missing: string | undefined;
  readonly http: HttpClient;
  #repository: Promise<Repository> | undefined;

  /** Build from a resolved context; registers every credential before any request. */
  constructor(context: ResolvedContext) {
    const { env, secrets } = context;
    const token = envValue(env, "BITBUCKET_API_TOKEN");
    const user = envValue(env, "BITBUCKET_USER");
    const password = envValue(env, "BITBUCKET_APP_PASSWORD");
    secrets.add(token);
    secrets.add(password);
    // The Basic header carries base64("user:password"): mask that form too.
    if (user && password) secrets.add(`${user}:${password}`);

    this.workspace = envValue(env, "BITBUCKET_WORKSPACE") ?? "";
    this.repoSlug = envValue(env, "BITBUCKET_REPO_SLUG") ?? "";
    let apiUrl = (envValue(env, "BITBUCKET_API_URL") ?? BITBUCKET_DEFAULT_API_URL).replace(
      /\/+$/,
      "",
    );
    let badUrl: string | undefined;
    try {
      const parsed = new URL(apiUrl);
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error("scheme");
    } catch {
      badUrl = `BITBUCKET_API_URL is not an http(s) URL: "${apiUrl}"`;
      apiUrl = BITBUCKET_DEFAULT_API_URL;
    }
    this.apiUrl = apiUrl;

    let credentials: Record<string, string> = {};
    if (token) {
      this.scheme = "bearer";
      credentials = { authorization: `Bearer ${token}` };
    } else if (user && password) {
      this.scheme = "basic";
      credentials = { authorization: `Basic ${base64(`${user}:${password}`)}` };
    }

    this.missing = !this.workspace
      ? "BITBUCKET_WORKSPACE is not set"
      : !this.repoSlug
      ? "BITBUCKET_REPO_SLUG is not set"
      : this.repoSlug.includes("/")
      ? `BITBUCKET_REPO_SLUG must be the repository slug alone, got "${this.repoSlug}"`
      : !this.scheme
      ? credentialsMissing(user, password)
      : badUrl;

    this.http = new HttpClient({
      baseUrl: this.apiUrl,
      platform: "Bitbucket",
      secrets,
      fetch: context.fetch,
      logger: context.logger,
      credentials,
    });
  }

  /** `repositories/{workspace}/{repo_slug}/…`, every part encoded. */
  path(...parts: (string | number)[]): string {
    return ["repositories", this.workspace, this.repoSlug, ...parts]
      // `.` and `..` survive encodeURIComponent and would be resolved away as URL segments.
      .map((part) =>
        encodeURIComponent(String(part)).replace(/^\.{1,2}$/, (d) => "%2E".repeat(d.length))
      )
      .join("/");
  }

  /** One request against the repository. */
  async request<T>(
    method: string,
    parts: (string | number)[],
    init: JsonRequest = {},
  ): Promise<T> {
    const { data } = await this.http.request<T>(method, this.path(...parts), init);
    return data;
  }

  /**
   * The pages of a list, following the body's `next` URL. A `next` pointing
   * outside the API is refused: credentials never follow it, and a list
   * cannot continue somewhere else.
   */
  async *pages<T>(parts: (string | number)[], options: ListOptions = {}): AsyncGenerator<T[]> {
    const { signal, maxPages = MAX_PAGES } = options;
    // A repeatable parameter (`state=OPEN&state=MERGED`) rides in the path:
    // the client's query object holds one value per name.
    const repeated = new URLSearchParams();
    for (const [name, values] of Object.entries(options.repeated ?? {})) {
      for (const value of values) repeated.append(name, value);
    }
    const tail = repeated.size ? `?${repeated}` : "";
    let url: string = this.path(...parts) + tail;
    let init: JsonRequest = { query: options.query, signal };
    for (let page = 0; page < maxPages; page++) {
      const { data } = await this.http.request<Page<T>>("GET", url, init);
      yield Array.isArray(data?.values) ? data.values : [];
      if (!data?.next) return;
      url = this.#checkNext(data.next);
      init = { signal };
    }
  }

  /** Every item of a list (at most {@linkcode MAX_PAGES} pages). */
  async all<T>(parts: (string | number)[], options: ListOptions = {}): Promise<T[]> {
    const items: T[] = [];
    for await (const batch of this.pages<T>(parts, options)) items.push(...batch);
    return items;
  }

  #checkNext(next: string): string {
    // Asking again would get the same link: these end a wait at once.
    const refuse = (message: string) =>
      new HttpError(`Bitbucket: ${message}`, { kind: "parse", retryable: false });
    let url: URL;
    try {
      url = new URL(next, this.http.baseUrl);
    } catch {
      throw refuse(`malformed next link ${JSON.stringify(next.slice(0, 80))}`);
    }
    const base = this.http.baseUrl;
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw refuse(`the next link leaves the API (${url.origin}${url.pathname}); not followed`);
    }
    return url.href;
  }

  /** The repository (fetched once per adapter; a failure is asked again next time). */
  repository(signal?: AbortSignal): Promise<Repository> {
    if (!this.#repository) {
      const pending = this.request<Repository>("GET", [], { signal });
      this.#repository = pending;
      pending.catch(() => {
        if (this.#repository === pending) this.#repository = undefined;
      });
    }
    return this.#repository;
  }

  /** The repository's web page, e.g. `https://bitbucket.org/ws/repo` (from `links.html`). */
  async webRepoUrl(signal?: AbortSignal): Promise<string> {
    const repo = await this.repository(signal);
    return (repo.links?.html?.href ?? "").replace(/\/+$/, "");
  }
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The "no credentials" message: it always names both options. */
function credentialsMissing(user: string | undefined, password: string | undefined): string {
  const options = "set BITBUCKET_API_TOKEN (an access token, sent as Bearer) or " +
    "BITBUCKET_USER and BITBUCKET_APP_PASSWORD (Basic auth)";
  if (user && !password) return `BITBUCKET_APP_PASSWORD is not set (BITBUCKET_USER is): ${options}`;
  if (password && !user) return `BITBUCKET_USER is not set (BITBUCKET_APP_PASSWORD is): ${options}`;
  return `no Bitbucket credentials: ${options}`;
}

/**
 * SPEC §6 for Bitbucket: among `pipelines`, the newest whose target commit is
 * `sha` (a full SHA exactly, a short one as a prefix) decides. PENDING,
 * IN_PROGRESS (running or paused) and anything not yet COMPLETED keep
 * polling; COMPLETED maps SUCCESSFUL → success, FAILED/ERROR → failure,
 * STOPPED/EXPIRED → cancelled. `webRepoUrl` is the repository's web page; the
 * result URL is its `/pipelines/results/BUILD_NUMBER`.
 */
export function classifyPipelines(
  pipelines: BitbucketPipeline[],
  sha: string,
  webRepoUrl: string,
): CiSnapshot {
  const want = sha.toLowerCase();
  const matches = pipelines.filter((p) => commitMatches(p.target?.commit?.hash, want));
  if (matches.length === 0) return { state: "none" };
  const newest = matches.reduce((a, b) => (newer(b, a) ? b : a));
  const name = pipelineName(newest);
  const url = webRepoUrl && Number.isInteger(newest.build_number)
    ? `${webRepoUrl}/pipelines/results/${newest.build_number}`
    : "";
  if (newest.state?.name !== "COMPLETED") {
    const paused = newest.state?.name === "PAUSED" || newest.state?.stage?.name === "PAUSED";
    return { state: "pending", pending: [paused ? `${name} (paused)` : name] };
  }
  const result = newest.state.result?.name ?? "";
  switch (result) {
    case "SUCCESSFUL":
      return { state: "done", conclusion: "success", name, url };
    case "FAILED":
    case "ERROR":
      return { state: "done", conclusion: "failure", name, url };
    case "STOPPED":
    case "EXPIRED":
      return { state: "done", conclusion: "cancelled", name, url };
    default:
      // COMPLETED never changes again: an unknown result must not wait out the timeout.
      return {
        state: "done",
        conclusion: "failure",
        name: `${name}: completed with result ${result || "(none)"}`,
        url,
      };
  }
}

function commitMatches(hash: string | undefined, want: string): boolean {
  if (typeof hash !== "string" || !hash) return false;
  const have = hash.toLowerCase();
  return want.length === 40 ? have === want : have.startsWith(want);
}

/** Whether `a` is newer than `b`: by creation time, then by build number. */
function newer(a: BitbucketPipeline, b: BitbucketPipeline): boolean {
  const ta = Date.parse(a.created_on ?? "");
  const tb = Date.parse(b.created_on ?? "");
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta > tb;
  return (a.build_number ?? 0) > (b.build_number ?? 0);
}

function pipelineName(p: BitbucketPipeline): string {
  const ref = p.target?.ref_name ?? p.target?.selector?.pattern;
  const number = Number.isInteger(p.build_number) ? ` #${p.build_number}` : "";
  return `Pipeline${number}${ref ? ` on ${ref}` : ""}`;
}

/**
 * Bitbucket Pipelines as CI: review pull requests, pipelines for a commit,
 * repository pipeline variables. The daily summary is a log line and the job
 * summary goes to `pace-summary.md` (archive it as an artifact).
 *
 * @example
 * ```ts
 * import { getCIAdapter } from "@pace/platforms";
 * const ci = getCIAdapter("bitbucket", {
 *   env: {
 *     BITBUCKET_WORKSPACE: "acme",
 *     BITBUCKET_REPO_SLUG: "shop",
 *     BITBUCKET_API_TOKEN: "example-access-token",
 *   },
 * });
 * const result = await ci.waitForCommitCi("0123abcd", { timeoutMinutes: 0.01 });
 * ```
 */
export class BitbucketCIAdapter extends BaseCIAdapter {
  /** The registered platform name. */
  readonly platform = "bitbucket";
  readonly #bb: BitbucketConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#bb = new BitbucketConnection(context);
    if (this.#bb.missing) this.disable(this.#bb.missing);
  }

  /** Open (or find) the review PR for a human-gate day; its URL, `""` on failure. */
  openReviewPr(day: number, paceDir: string, contextNote?: string): Promise<string> {
    return this.safely("open review PR", "", async () => {
      const bb = this.#bb;
      const plan = await reviewPlan(day, this.path(paceDir), this.logger, contextNote);
      const find = async () => {
        // Open first, then merged: a merged review PR is the review that happened.
        const pulls = await bb.all<PullRequest>(["pullrequests"], {
          query: { q: `source.branch.name = ${bbqlString(plan.branch)}`, pagelen: LIST_PAGELEN },
          repeated: { state: ["OPEN", "MERGED"] },
        });
        const mine = pulls.filter((p) => p.source?.branch?.name === plan.branch);
        return mine.find((p) => p.state === "OPEN") ?? mine.find((p) => p.state === "MERGED");
      };
      const existing = await find();
      if (existing) {
        this.logger.info(`review PR for day ${day}: found ${webUrl(existing)}`);
        return webUrl(existing);
      }
      const main = (await bb.repository()).mainbranch?.name;
      if (!main) throw new Error(`${bb.workspace}/${bb.repoSlug} has no main branch`);
      try {
        const created = await bb.request<PullRequest>("POST", ["pullrequests"], {
          json: {
            title: plan.title,
            description: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }),
            source: { branch: { name: plan.branch } },
            destination: { branch: { name: main } },
            close_source_branch: false,
          },
        });
        this.logger.info(`review PR for day ${day}: created ${webUrl(created)}`);
        return webUrl(created);
      } catch (error) {
        // 400 "already open" (a concurrent run) or a 5xx that may hide a create: look again.
        if (error instanceof HttpError && (error.status === 400 || mayHaveSucceeded(error))) {
          const raced = await find().catch(() => undefined);
          if (raced) {
            this.logger.warn(
              `review PR for day ${day}: the create failed but ${webUrl(raced)} exists`,
            );
            return webUrl(raced);
          }
          if (error.status === 400 && !/already/i.test(error.body) && /branch/i.test(error.body)) {
            throw new Error(
              `cannot open the review PR: branch ${plan.branch} must exist on Bitbucket with ` +
                `commits not in ${main}; push it first (${error.message})`,
            );
          }
        }
        throw error;
      }
    });
  }

  /** Poll until the commit's newest pipeline ends; never rejects. */
  waitForCommitCi(sha: string, options?: WaitOptions): Promise<CiResult> {
    return this.poll(sha, options, (signal) => this.#lookOnce(sha, signal));
  }

  async #lookOnce(sha: string, signal: AbortSignal): Promise<CiSnapshot> {
    const bb = this.#bb;
    const web = await bb.webRepoUrl(signal);
    const want = sha.toLowerCase();
    const full = want.length === 40;
    const query = {
      sort: "-created_on",
      pagelen: PIPELINES_PAGELEN,
      // The documented filter matches whole hashes only; a short SHA is matched here.
      "target.commit.hash": full ? want : undefined,
    };
    const seen: BitbucketPipeline[] = [];
    for await (
      const batch of bb.pages<BitbucketPipeline>(["pipelines"], {
        query,
        signal,
        maxPages: full ? MAX_PAGES : SHORT_SHA_PAGES,
      })
    ) {
      seen.push(...batch);
      // Newest first: once a page holds a match, older pages cannot hold a newer one.
      if (!full && batch.some((p) => commitMatches(p.target?.commit?.hash, want))) break;
    }
    return classifyPipelines(seen, want, web);
  }

  /** Set a repository pipeline variable (update it by uuid if it exists); `false` on failure. */
  override setVariable(name: string, value: string): Promise<boolean> {
    return this.safely(`set variable ${name}`, false, async () => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new Error(
          `invalid variable name "${name}": ASCII letters, digits and _, not starting with a digit`,
        );
      }
      const bb = this.#bb;
      const update = (existing: Variable) =>
        bb.request("PUT", ["pipelines_config", "variables", existing.uuid], {
          json: { key: name, value: String(value), secured: existing.secured ?? false },
        });
      try {
        const existing = await this.#findVariable(name);
        if (existing) {
          await update(existing);
          this.logger.info(`variable ${name} updated`);
          return true;
        }
        try {
          await bb.request("POST", ["pipelines_config", "variables"], {
            json: { key: name, value: String(value), secured: false },
          });
          this.logger.info(`variable ${name} created`);
        } catch (error) {
          // 409: created meanwhile; a 5xx may hide a create. Either way, update what is there.
          const ambiguous = mayHaveSucceeded(error) ||
            (error instanceof HttpError && error.status === 409);
          const raced = ambiguous
            ? await this.#findVariable(name).catch(() => undefined)
            : undefined;
          if (!raced) throw error;
          await update(raced);
        }
        return true;
      } catch (error) {
        throw explainVariables(error);
      }
    });
  }

  /** The environment first, then the repository's pipeline variables. */
  override async getVariable(name: string): Promise<string | undefined> {
    const fromEnv = this.env[name];
    if (fromEnv !== undefined) return fromEnv;
    return await this.safely(`get variable ${name}`, undefined, async () => {
      const variable = await this.#findVariable(name);
      if (variable?.secured) {
        this.logger.warn(`variable ${name} is secured: Bitbucket does not reveal its value`);
        return undefined;
      }
      return variable?.value;
    });
  }

  /** The variable called `name`, looked for across every page. */
  async #findVariable(name: string): Promise<Variable | undefined> {
    for await (const batch of this.#bb.pages<Variable>(["pipelines_config", "variables"])) {
      const found = batch.find((v) => v.key === name);
      if (found) return found;
    }
    return undefined;
  }
}

function explainVariables(error: unknown): unknown {
  if (error instanceof HttpError && error.status === 403) {
    return new Error(
      `${error.message} — the credentials need the pipeline:variable scope ` +
        `(app password: Pipelines "Edit variables"; access token: "Pipelines: Admin")`,
    );
  }
  return error;
}

/**
 * The repository's Bitbucket issue tracker as PACE's tracker: escalations,
 * advisories and story issues. Issues have no labels, so an existing item is
 * an open (`new` or `open`) issue whose `content.raw` holds the item's hidden
 * marker or whose title starts with the item's title prefix.
 *
 * @example
 * ```ts
 * import { getTrackerAdapter } from "@pace/platforms";
 * const tracker = getTrackerAdapter("bitbucket", {
 *   env: {
 *     BITBUCKET_WORKSPACE: "acme",
 *     BITBUCKET_REPO_SLUG: "shop",
 *     BITBUCKET_USER: "pace-bot",
 *     BITBUCKET_APP_PASSWORD: "example-app-password",
 *   },
 * });
 * const url = await tracker.openEscalationIssue(3, ".pace/day-3");
 * ```
 */
export class BitbucketTrackerAdapter extends BaseTrackerAdapter {
  /** The registered platform name. */
  readonly platform = "bitbucket";
  readonly #bb: BitbucketConnection;

  /** Build from a resolved context (use the factory: `getCIAdapter`/`getTrackerAdapter`). */
  constructor(context: ResolvedContext) {
    super(context);
    this.#bb = new BitbucketConnection(context);
    if (this.#bb.missing) this.disable(this.#bb.missing);
  }

  /**
   * {@linkcode BaseTrackerAdapter.safely}, plus: a repository without an
   * issue tracker ends the call at once with one clear line.
   */
  #tracked<T>(what: string, fallback: T, action: () => Promise<T>): Promise<T> {
    return this.safely(what, fallback, async () => {
      try {
        return await action();
      } catch (error) {
        if (!noIssueTracker(error)) throw error;
        const { workspace, repoSlug } = this.#bb;
        this.logger.error(
          `${what}: ${workspace}/${repoSlug} has no issue tracker — enable it in the ` +
            `repository settings (Features → Issues) or choose another tracker in pace.config.yaml`,
        );
        return fallback;
      }
    });
  }

  /** Open (or find) the HOLD escalation for a day; its URL. */
  openEscalationIssue(day: number, dayDir: string, holdReason?: string): Promise<string> {
    return this.#tracked("open escalation", "", async () => {
      const plan = await escalationPlan(day, this.path(dayDir), this.logger, holdReason);
      return webUrl(await this.#ensureIssue(`escalation for day ${day}`, plan, "hold"));
    });
  }

  /** File one agent's findings for a day; `""` for an empty list. */
  pushAdvisoryItems(day: number, items: AdvisoryItem[], agent: string): Promise<string> {
    return this.#tracked("push advisory items", "", async () => {
      const plan = advisoryPlan(day, items, agent);
      if (!plan) return "";
      return webUrl(
        await this.#ensureIssue(`advisory for day ${day} (${agent})`, plan, "advisory"),
      );
    });
  }

  /** Mirror the day's story card as an issue and record it in `story-ticket.yaml`. */
  pushStory(day: number, dayDir: string): Promise<string> {
    return this.#tracked("push story", "", async () => {
      return await pushStoryOnce({
        day,
        dayDir: this.path(dayDir),
        platform: this.platform,
        logger: this.logger,
        ensure: async (plan) => {
          const issue = await this.#ensureIssue(`story for day ${day}`, plan, "story");
          return { url: webUrl(issue), id: issue.id };
        },
      });
    });
  }

  /** Resolve (`done`) or reopen (`in_progress`) the day's story issue. */
  updateStoryStatus(day: number, dayDir: string, status: StoryStatus): Promise<void> {
    return this.#tracked("update story status", undefined, async () => {
      checkStoryStatus(status);
      const id = await this.#storyId(day, dayDir);
      const state = status === "done" ? "resolved" : "open";
      await this.#bb.request("PUT", ["issues", id], { json: { state } });
      this.logger.info(`story issue #${id} for day ${day} is now ${state}`);
    });
  }

  /** Comment the day's handoff note on the story issue, once. */
  postHandoffComment(day: number, dayDir: string): Promise<void> {
    return this.#tracked("post handoff comment", undefined, async () => {
      const doc = await handoffPlan(day, this.path(dayDir), this.logger);
      const id = await this.#storyId(day, dayDir);
      const tag = markerComment(marker("handoff", day));
      await ensureItem({
        what: `handoff for day ${day} on issue #${id}`,
        logger: this.logger,
        find: async () => {
          const comments = await this.#bb.all<Comment>(["issues", id, "comments"], {
            query: { pagelen: LIST_PAGELEN },
          });
          return comments.find((c) => c.content?.raw?.includes(tag));
        },
        create: async () => {
          const comment = await this.#bb.request<Comment>("POST", ["issues", id, "comments"], {
            json: { content: { raw: toMarkdown(doc, { maxLength: BODY_LIMIT }) } },
          });
          this.logger.info(`handoff for day ${day}: commented on issue #${id}`);
          return comment ?? {};
        },
      });
    });
  }

  /** Resolve a planning issue by its id. */
  override closePlanIssue(issueNumber: number): Promise<void> {
    return this.#tracked(`close plan issue #${issueNumber}`, undefined, async () => {
      if (!Number.isInteger(issueNumber) || issueNumber < 1) {
        throw new Error(`issue id must be a whole number ≥ 1, got ${issueNumber}`);
      }
      await this.#bb.request("PUT", ["issues", issueNumber], { json: { state: "resolved" } });
      this.logger.info(`resolved plan issue #${issueNumber}`);
    });
  }

  /** Find PACE's open issue for `plan`, else create it. */
  #ensureIssue(what: string, plan: ItemPlan, kind: keyof typeof ISSUE_KINDS): Promise<Issue> {
    return ensureItem({
      what,
      logger: this.logger,
      find: () => this.#findIssue({ titlePrefix: plan.titlePrefix, marker: plan.doc.marker }, true),
      create: async () => {
        const issue = await this.#bb.request<Issue>("POST", ["issues"], {
          json: {
            title: plan.title,
            content: { raw: toMarkdown(plan.doc, { maxLength: BODY_LIMIT }) },
            ...ISSUE_KINDS[kind],
          },
        });
        this.logger.info(`${what}: created ${webUrl(issue)}`);
        return issue;
      },
    });
  }

  /**
   * PACE's issue for an item: its marker in `content.raw`, or its title
   * prefix. BBQL's `~` is a case-insensitive "contains", so every candidate
   * is checked again here, exactly.
   */
  async #findIssue(
    item: { titlePrefix: string; marker: string },
    openOnly: boolean,
  ): Promise<Issue | undefined> {
    const tag = markerComment(item.marker);
    const match = `(content.raw ~ ${bbqlString(tag)} OR title ~ ${bbqlString(item.titlePrefix)})`;
    const q = openOnly ? `(state = "new" OR state = "open") AND ${match}` : match;
    const issues = await this.#bb.all<Issue>(["issues"], {
      query: { q, pagelen: LIST_PAGELEN },
    });
    const mine = issues.filter((issue) =>
      (!openOnly || OPEN_ISSUE_STATES.has(issue.state)) &&
      (issue.content?.raw?.includes(tag) || issue.title?.startsWith(item.titlePrefix))
    );
    // With several (a duplicate made by hand), the first filed is PACE's.
    return mine.sort((a, b) => a.id - b.id)[0];
  }

  /** The story issue's id: from `story-ticket.yaml`, else by its marker or title (any state). */
  async #storyId(day: number, dayDir: string): Promise<number> {
    const where = { titlePrefix: storyTitlePrefix(day), marker: marker("story", day) };
    return await storyIssueNumber(
      day,
      this.path(dayDir),
      this.platform,
      async () => (await this.#findIssue(where, false))?.id,
    );
  }
}

/**
 * The `bitbucket` platform definition.
 *
 * @example
 * ```ts
 * import { bitbucketPlatform } from "@pace/platforms";
 * console.log(bitbucketPlatform.hosts({ BITBUCKET_API_URL: "https://bb.example.com:8443/2.0" }));
 * // ["bb.example.com:8443"]
 * console.log(bitbucketPlatform.missing?.({ BITBUCKET_WORKSPACE: "acme" }));
 * // ["BITBUCKET_REPO_SLUG", "BITBUCKET_API_TOKEN or BITBUCKET_USER + BITBUCKET_APP_PASSWORD"]
 * ```
 */
export const bitbucketPlatform: PlatformDefinition = {
  name: "bitbucket",
  title: "Bitbucket",
  env: [
    "BITBUCKET_WORKSPACE",
    "BITBUCKET_REPO_SLUG",
    "BITBUCKET_API_TOKEN",
    "BITBUCKET_USER",
    "BITBUCKET_APP_PASSWORD",
    "BITBUCKET_API_URL",
  ],
  secretEnv: ["BITBUCKET_API_TOKEN", "BITBUCKET_APP_PASSWORD"],
  hosts: (env) => hostsOf(envValue(env, "BITBUCKET_API_URL"), BITBUCKET_DEFAULT_API_URL),
  missing: (env) => {
    const missing = ["BITBUCKET_WORKSPACE", "BITBUCKET_REPO_SLUG"].filter((n) => !envValue(env, n));
    const basic = envValue(env, "BITBUCKET_USER") && envValue(env, "BITBUCKET_APP_PASSWORD");
    if (!envValue(env, "BITBUCKET_API_TOKEN") && !basic) {
      missing.push("BITBUCKET_API_TOKEN or BITBUCKET_USER + BITBUCKET_APP_PASSWORD");
    }
    return missing;
  },
  ci: (context) => new BitbucketCIAdapter(context),
  tracker: (context) => new BitbucketTrackerAdapter(context),
  probe: async (context) => {
    const bb = new BitbucketConnection(context);
    if (bb.missing) return { ok: false, detail: bb.missing };
    try {
      const repo = await bb.repository();
      return {
        ok: true,
        detail: `${repo.full_name ?? `${bb.workspace}/${bb.repoSlug}`} reachable at ${bb.apiUrl} ` +
          `(${bb.scheme === "bearer" ? "access token" : "app password"}; main branch ${
            repo.mainbranch?.name ?? "unknown"
          }; issue tracker ${repo.has_issues ? "on" : "off"})`,
      };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  },
};
