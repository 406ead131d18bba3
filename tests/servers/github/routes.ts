/**
 * The fake GitHub's endpoints below `/repos/{owner}/{repo}`: Git refs
 * (`./git.ts`), pull requests, check runs and commit statuses, issues (pull
 * requests included, as GitHub lists them), comments, labels and Actions
 * variables, with GitHub's pagination (`page`, `per_page`, `Link`).
 *
 * @module
 */

import { type Call, linkHeader, pageOf, type Route, route } from "../_base.ts";
import type { FakeGitHub } from "../github.ts";
import { gitRoutes } from "./git.ts";
import type {
  CheckRun,
  CommitStatus,
  Issue,
  IssueComment,
  PullRequest,
  RecordedRequest,
} from "./model.ts";
import {
  apiRepo,
  checkRunView,
  commentView,
  error,
  issueView,
  labelView,
  notFound,
  now,
  pullView,
  repoView,
  statusView,
  validationFailed,
  variableView,
} from "./views.ts";

/** The path below the repository: `/pulls` of `/repos/o/r/pulls` or `/repositories/1/pulls`. */
export function repoRest(path: string): string {
  return path.replace(/^\/(repos\/[^/]+\/[^/]+|repositories\/\d+)/, "");
}

/** One page of `items` and its `Link` header, as GitHub paginates. */
function paginate<T>(
  gh: FakeGitHub,
  call: Call<RecordedRequest>,
  items: T[],
  defaults: { perPage: number; max: number } = { perPage: 30, max: 100 },
): { page: T[]; headers: Record<string, string> } {
  const perPageRaw = Number(call.query.get("per_page") ?? defaults.perPage);
  const perPage = perPageRaw >= 1
    ? Math.min(Math.floor(perPageRaw), defaults.max)
    : defaults.perPage;
  const pageRaw = Number(call.query.get("page") ?? 1);
  const { items: page, page: n, pages: last } = pageOf(
    items,
    pageRaw >= 1 ? Math.floor(pageRaw) : 1,
    perPage,
  );
  const link = (n: number) => {
    const q = new URLSearchParams(call.query);
    q.delete("page");
    q.append("page", String(n));
    return `${gh.url}${gh.linkBase}${repoRest(call.path)}?${q}`;
  };
  const rels: [string, string][] = [];
  if (n > 1) rels.push(["prev", link(Math.min(n - 1, last))]);
  if (n < last) rels.push(["next", link(n + 1)], ["last", link(last)]);
  if (n > 1) rels.push(["first", link(1)]);
  return { page, headers: rels.length ? { link: linkHeader(rels) } : {} };
}

/** The commit SHA a ref (branch, tag, full or short SHA) names; `undefined` when none. */
function resolveRef(gh: FakeGitHub, ref: string): string | undefined {
  const mapped = gh.refs.get(ref) ?? gh.refs.get(ref.replace(/^(refs\/)?(heads|tags)\//, ""));
  if (mapped) return mapped.toLowerCase();
  if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
  if (/^[0-9a-f]{7,39}$/i.test(ref)) {
    const lower = ref.toLowerCase();
    const known = [...gh.checkRuns.keys(), ...gh.statuses.keys()];
    return known.find((sha) => sha.startsWith(lower)) ?? lower;
  }
  if (gh.branches.has(ref)) return ref;
  return undefined;
}

function findIssueLike(gh: FakeGitHub, n: number): Issue | PullRequest | undefined {
  return gh.issues.find((i) => i.number === n) ?? gh.pulls.find((p) => p.number === n);
}

function labelName(label: unknown): string | undefined {
  if (typeof label === "string") return label;
  if (
    label && typeof label === "object" && typeof (label as { name?: unknown }).name === "string"
  ) {
    return (label as { name: string }).name;
  }
  return undefined;
}

/** The repository routes of `gh`, matched against the path below the repository. */
export function gitHubRoutes(gh: FakeGitHub): Route<RecordedRequest>[] {
  const issuesOff = () => error(410, "Issues are disabled for this repo");
  const sortByNumber = <T extends { number: number }>(list: T[], direction: string) =>
    list.sort((a, b) => direction === "asc" ? a.number - b.number : b.number - a.number);

  return [
    route("GET", /^$/, () => ({ status: 200, body: repoView(gh) })),
    ...gitRoutes(gh),

    // Pull requests
    route("GET", /^\/pulls$/, (call) => {
      const q = call.query;
      const state = q.get("state") ?? "open";
      let list = gh.pulls.filter((p) => state === "all" || p.state === state);
      const head = q.get("head");
      // GitHub ignores a `head` filter without the `owner:` prefix.
      if (head && head.includes(":")) {
        const [who, ...branch] = head.split(":");
        list = who.toLowerCase() === gh.owner.toLowerCase()
          ? list.filter((p) => p.head === branch.join(":"))
          : [];
      }
      const base = q.get("base");
      if (base) list = list.filter((p) => p.base === base);
      const sort = q.get("sort") ?? "created";
      const direction = q.get("direction") ?? (sort === "created" ? "desc" : "asc");
      sortByNumber(list, direction);
      const { page, headers } = paginate(gh, call, list);
      return { status: 200, body: page.map((p) => pullView(gh, p)), headers };
    }),
    route("POST", /^\/pulls$/, (call) => {
      const b = call.body ?? {};
      let head = String(b.head ?? "");
      if (head.includes(":")) {
        const [who, ...rest] = head.split(":");
        if (who.toLowerCase() !== gh.owner.toLowerCase()) {
          return validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }]);
        }
        head = rest.join(":");
      }
      const base = String(b.base ?? "");
      if (!gh.branches.has(head)) {
        return validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }]);
      }
      if (!gh.branches.has(base)) {
        return validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }]);
      }
      if (b.title === undefined && b.issue === undefined) {
        return validationFailed([{
          resource: "PullRequest",
          field: "title",
          code: "missing_field",
        }]);
      }
      if (gh.pulls.some((p) => p.state === "open" && p.head === head && p.base === base)) {
        return validationFailed([{
          resource: "PullRequest",
          code: "custom",
          message: `A pull request already exists for ${gh.owner}:${head}.`,
        }]);
      }
      if (head === base) {
        return validationFailed([{
          resource: "PullRequest",
          code: "custom",
          message: `No commits between ${base} and ${head}`,
        }]);
      }
      const pull = gh.addPull({
        title: String(b.title ?? `Issue #${b.issue}`),
        body: b.body ?? null,
        head,
        base,
        draft: Boolean(b.draft),
      });
      const view = pullView(gh, pull);
      return { status: 201, body: view, headers: { location: view.url } };
    }),
    route("GET", /^\/pulls\/(?<id>\d+)$/, (call) => {
      const pull = gh.pulls.find((p) => p.number === Number(call.params.id));
      return pull ? { status: 200, body: pullView(gh, pull) } : notFound();
    }),
    route("PATCH", /^\/pulls\/(?<id>\d+)$/, (call) => {
      const pull = gh.pulls.find((p) => p.number === Number(call.params.id));
      if (!pull) return notFound();
      const b = call.body ?? {};
      if (typeof b.title === "string") pull.title = b.title;
      if (typeof b.body === "string") pull.body = b.body;
      if (typeof b.base === "string") {
        if (!gh.branches.has(b.base)) {
          return validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }]);
        }
        pull.base = b.base;
      }
      if (b.state === "open" || b.state === "closed") {
        if (b.state !== pull.state) pull.closed_at = b.state === "closed" ? now() : null;
        pull.state = b.state;
      }
      pull.updated_at = now();
      return { status: 200, body: pullView(gh, pull) };
    }),

    // CI
    route("GET", /^\/commits\/(?<id>[^/]+)\/check-runs$/, (call) => {
      const sha = resolveRef(gh, call.params.id);
      if (!sha) {
        return error(422, `No commit found for SHA: ${call.params.id}`);
      }
      let runs = [...(gh.checkRuns.get(sha) ?? [])];
      if ((call.query.get("filter") ?? "latest") === "latest") {
        const latest = new Map<string, CheckRun>();
        for (const r of runs) latest.set(r.name, r);
        runs = runs.filter((r) => latest.get(r.name) === r);
      }
      const name = call.query.get("check_name");
      if (name) runs = runs.filter((r) => r.name === name);
      const status = call.query.get("status");
      if (status) runs = runs.filter((r) => r.status === status);
      const { page, headers } = paginate(gh, call, runs);
      return {
        status: 200,
        body: { total_count: runs.length, check_runs: page.map((r) => checkRunView(gh, r)) },
        headers,
      };
    }),
    route("GET", /^\/commits\/(?<id>[^/]+)\/status$/, (call) => {
      const sha = resolveRef(gh, call.params.id);
      if (!sha) {
        return error(404, `No commit found for SHA: ${call.params.id}`);
      }
      const latest = new Map<string, CommitStatus>();
      for (const s of gh.statuses.get(sha) ?? []) {
        latest.delete(s.context);
        latest.set(s.context, s);
      }
      const all = [...latest.values()].reverse(); // newest first, as GitHub lists them
      const states = all.map((s) => s.state);
      const state = states.some((s) => s === "error" || s === "failure")
        ? "failure"
        : states.length === 0 || states.includes("pending")
        ? "pending"
        : "success";
      const { page, headers } = paginate(gh, call, all);
      return {
        status: 200,
        body: {
          state,
          statuses: page.map((s) => statusView(gh, s)),
          sha,
          total_count: all.length,
          repository: { id: gh.repoId, full_name: `${gh.owner}/${gh.repo}` },
          commit_url: `${apiRepo(gh)}/commits/${sha}`,
          url: `${apiRepo(gh)}/commits/${sha}/status`,
        },
        headers,
      };
    }),

    // Issues (pull requests included, as GitHub lists them)
    route("GET", /^\/issues$/, (call) => {
      if (!gh.hasIssues) return issuesOff();
      const q = call.query;
      const state = q.get("state") ?? "open";
      const wanted = (q.get("labels") ?? "").split(",").map((l) => l.trim().toLowerCase())
        .filter(Boolean);
      let list: (Issue | PullRequest)[] = [...gh.issues, ...gh.pulls];
      list = list.filter((x) =>
        (state === "all" || x.state === state) &&
        wanted.every((w) => x.labels.some((l) => l.toLowerCase() === w))
      );
      const sort = q.get("sort") ?? "created";
      const direction = q.get("direction") ?? "desc";
      if (sort === "updated") {
        list.sort((a, b) =>
          (a.updated_at ?? "").localeCompare(b.updated_at ?? "") || a.number - b.number
        );
        if (direction === "desc") list.reverse();
      } else {
        sortByNumber(list, direction);
      }
      const { page, headers } = paginate(gh, call, list);
      return { status: 200, body: page.map((x) => issueView(gh, x)), headers };
    }),
    route("POST", /^\/issues$/, (call) => {
      if (!gh.hasIssues) return issuesOff();
      const b = call.body ?? {};
      const issue = gh.addIssue({
        title: String(b.title),
        body: b.body ?? null,
        // Without push access GitHub drops the labels silently: still a 201.
        labels: gh.pushAccess
          ? (b.labels ?? []).map(labelName).filter((l: unknown) => l !== undefined)
          : [],
      });
      const view = issueView(gh, issue);
      return { status: 201, body: view, headers: { location: String(view.url) } };
    }),
    route("GET", /^\/issues\/(?<id>\d+)$/, (call) => {
      const x = findIssueLike(gh, Number(call.params.id));
      if (!x) return notFound();
      if (!gh.hasIssues && !("head" in x)) return issuesOff();
      return { status: 200, body: issueView(gh, x) };
    }),
    route("PATCH", /^\/issues\/(?<id>\d+)$/, (call) => {
      const x = findIssueLike(gh, Number(call.params.id));
      if (!x) return notFound();
      if (!gh.hasIssues && !("head" in x)) return issuesOff();
      const b = call.body ?? {};
      if (b.title !== undefined && b.title !== null) x.title = String(b.title);
      if (b.body !== undefined) x.body = b.body;
      if (Array.isArray(b.labels) && gh.pushAccess) {
        x.labels = b.labels.map(labelName).filter((l: unknown) => l !== undefined);
      }
      if ((b.state === "open" || b.state === "closed") && b.state !== x.state) {
        x.state = b.state;
        x.closed_at = b.state === "closed" ? now() : null;
        if (!("head" in x)) {
          x.state_reason = b.state === "closed"
            ? (b.state_reason ?? "completed")
            : (b.state_reason ?? "reopened");
        }
      }
      x.updated_at = now();
      return { status: 200, body: issueView(gh, x) };
    }),
    route("GET", /^\/issues\/(?<id>\d+)\/comments$/, (call) => {
      const n = Number(call.params.id);
      if (!findIssueLike(gh, n)) return notFound();
      const list = gh.comments.filter((c) => c.issue_number === n);
      const { page, headers } = paginate(gh, call, list);
      return { status: 200, body: page.map((c) => commentView(gh, c)), headers };
    }),
    route("POST", /^\/issues\/(?<id>\d+)\/comments$/, (call) => {
      const n = Number(call.params.id);
      const x = findIssueLike(gh, n);
      if (!x) return notFound();
      if (!gh.hasIssues && !("head" in x)) return issuesOff();
      const comment: IssueComment = {
        id: gh.nextId(),
        issue_number: n,
        body: String(call.body?.body ?? ""),
        created_at: now(),
      };
      gh.comments.push(comment);
      const view = commentView(gh, comment);
      return { status: 201, body: view, headers: { location: view.url } };
    }),
    route("POST", /^\/issues\/(?<id>\d+)\/labels$/, (call) => {
      const x = findIssueLike(gh, Number(call.params.id));
      if (!x) return notFound();
      if (!gh.pushAccess) return error(403, "Resource not accessible by integration");
      const b = call.body;
      const raw: unknown[] = Array.isArray(b) ? b : Array.isArray(b?.labels) ? b.labels : [];
      for (const name of raw.map(labelName)) {
        if (name && !x.labels.some((l) => l.toLowerCase() === name.toLowerCase())) {
          x.labels.push(name);
        }
      }
      return { status: 200, body: x.labels.map((l) => labelView(gh, l)) };
    }),

    // Actions variables
    route("GET", /^\/actions\/variables$/, (call) => {
      const all = [...gh.variables.values()];
      const { page, headers } = paginate(gh, call, all, { perPage: 10, max: 30 });
      return {
        status: 200,
        body: { total_count: all.length, variables: page.map((v) => variableView(v)) },
        headers,
      };
    }),
    route("POST", /^\/actions\/variables$/, (call) => {
      const name = String(call.body?.name ?? "");
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
        return error(
          422,
          "Failed to create variable. Names can only contain alphanumeric characters or underscores, must not start with a number or GITHUB_.",
        );
      }
      if (gh.getVariable(name)) {
        return error(409, "Already exists - Variable already exists");
      }
      const stamp = now();
      gh.variables.set(name.toUpperCase(), {
        name: name.toUpperCase(),
        value: String(call.body?.value ?? ""),
        created_at: stamp,
        updated_at: stamp,
      });
      return { status: 201, body: {} };
    }),
    route("GET", /^\/actions\/variables\/(?<id>[^/]+)$/, (call) => {
      const v = gh.getVariable(call.params.id);
      return v ? { status: 200, body: variableView(v) } : notFound();
    }),
    route("PATCH", /^\/actions\/variables\/(?<id>[^/]+)$/, (call) => {
      const v = gh.getVariable(call.params.id);
      if (!v) return notFound();
      const b = call.body ?? {};
      if (typeof b.value === "string") v.value = b.value;
      if (typeof b.name === "string" && b.name.toUpperCase() !== v.name.toUpperCase()) {
        for (const [key, value] of gh.variables) {
          if (value === v) gh.variables.delete(key);
        }
        v.name = b.name.toUpperCase();
        gh.variables.set(v.name, v);
      }
      v.updated_at = now();
      return { status: 204 };
    }),
    route("DELETE", /^\/actions\/variables\/(?<id>[^/]+)$/, (call) => {
      const v = gh.getVariable(call.params.id);
      if (!v) return notFound();
      for (const [key, value] of gh.variables) if (value === v) gh.variables.delete(key);
      return { status: 204 };
    }),
  ];
}
