/**
 * The fake Bitbucket's branches: each branch's head commit, and the two
 * `refs/branches` endpoints PACE's hierarchy uses (get one branch, create
 * one at a commit). Shapes follow Bitbucket's OpenAPI description as
 * `@coderabbitai/bitbucket` publishes it; a name that is taken is a 400, as
 * Bitbucket answers it.
 *
 * Bitbucket publishes the status codes but not the wording of these
 * errors, so a client must not depend on the messages below — PACE's
 * adapter does not: it looks at the branch again instead.
 *
 * @module
 */

import type { CreateBranchRequest } from "npm:@coderabbitai/bitbucket@1.1.4/cloud";
import { Refusal, type Reply, type Route, route } from "../_base.ts";
import type { FakeBitbucket } from "../bitbucket.ts";
import { fields, string } from "./checks.ts";
import type { RecordedRequest } from "./model.ts";
import { api, bbError, branchView } from "./views.ts";

/** A new commit hash: 40 lower-case hex digits. */
export function newCommit(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Branch name → head commit. `add(name)` creates a branch at a new commit
 * unless it exists (as a `Set` would), so tests that only need a branch to
 * exist stay one call; every head ever set is a known commit.
 */
export class BranchHeads extends Map<string, string> {
  /** Every commit a branch pointed at. */
  readonly commits: Set<string> = new Set();

  /** Point `name` at `hash`. */
  override set(name: string, hash: string): this {
    this.commits?.add(hash);
    return super.set(name, hash);
  }

  /** Create `name` at `hash` (default: a new commit) unless it exists; an existing one stays. */
  add(name: string, hash: string = newCommit()): this {
    return this.has(name) ? this : this.set(name, hash);
  }
}

/** The 400 for a branch name that is taken. */
export function branchExists(name: string): Reply {
  return bbError(400, `Branch "${name}" already exists.`);
}

/** Git's own refusals, which PACE checks before it sends a name. */
// deno-lint-ignore no-control-regex
const BAD_REF = /(^[-/.]|\.\.|[\s~^:?*[\\\x00-\x1f\x7f]|@\{|\/\/|\/$|\.$|\.lock(\/|$)|\/\.)/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The commit `target.hash` names: a branch (as Bitbucket allows), a full hash or a unique prefix. */
function resolveTarget(bb: FakeBitbucket, target: string): string {
  const branch = bb.branches.get(target);
  if (branch !== undefined) return branch;
  const matches = /^[0-9a-f]{4,40}$/i.test(target)
    ? [...bb.branches.commits].filter((c) => c.startsWith(target.toLowerCase()))
    : [];
  if (matches.length > 1) throw new Refusal(bbError(400, `Ambiguous commit hash: ${target}`));
  if (!matches.length) throw new Refusal(bbError(404, `Commit not found: ${target}`));
  return matches[0];
}

/** The `refs/branches` routes below the repository. */
export function branchRoutes(bb: FakeBitbucket): Route<RecordedRequest>[] {
  return [
    route("GET", /^\/refs\/branches\/(?<name>[^/]+)$/, (call) => {
      const hash = bb.branches.get(call.params.name);
      if (hash === undefined) return bbError(404, `Branch "${call.params.name}" not found.`);
      return { status: 200, body: branchView(bb, call.params.name, hash) };
    }, []),
    // Bitbucket would take the slashes of `release/v2.0` raw; PACE encodes
    // every path part, so a raw one is a client bug here.
    route("GET", /^\/refs\/branches\/.+\/.+$/, (call) => {
      throw new Refusal(
        bbError(404, "Resource not found"),
        `branch name ${
          call.path.replace(/^\/refs\/branches\//, "")
        } not sent as one encoded segment`,
      );
    }, []),
    route("POST", /^\/refs\/branches$/, (call) => {
      const body = call.body as Record<string, unknown>;
      fields(body, ["name", "target"], ["name", "target"]);
      string(body.name, "name");
      const target = body.target;
      if (
        !isObject(target) || typeof target.hash !== "string" ||
        Object.keys(target).some((key) => key !== "hash")
      ) {
        throw new Refusal(
          bbError(400, "Bad request", { fields: { target: "expected a dictionary" } }),
          `target must be {"hash": "…"}, got ${JSON.stringify(target)}`,
        );
      }
      const request = body as unknown as CreateBranchRequest;
      if (request.name.startsWith("refs/")) {
        throw new Refusal(
          bbError(400, `Invalid branch name: ${request.name}`),
          "the branch name must not carry a refs/heads/ prefix",
        );
      }
      if (BAD_REF.test(request.name)) {
        throw new Refusal(
          bbError(400, `Invalid branch name: ${request.name}`),
          `${JSON.stringify(request.name)} is not a valid git branch name`,
        );
      }
      if (bb.branches.has(request.name)) return branchExists(request.name);
      const hash = resolveTarget(bb, request.target.hash);
      bb.branches.set(request.name, hash);
      return {
        status: 201,
        body: branchView(bb, request.name, hash),
        headers: { location: `${api(bb)}/refs/branches/${encodeURIComponent(request.name)}` },
      };
    }, []),
  ];
}
