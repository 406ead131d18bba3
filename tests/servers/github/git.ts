/**
 * The fake GitHub's Git references: reading one branch's ref and creating a
 * branch at a commit, with the answers api.github.com gives (`404` for a
 * missing ref, `409 Git Repository is empty.`, `422 Reference already exists`,
 * `422 Object does not exist`).
 *
 * A ref is a multi-segment path parameter (`x-multi-segment` in GitHub's
 * description): `heads/release/v2.0` travels with its slashes, each segment
 * percent-encoded. A ref whose slashes arrive encoded (`heads%2Frelease%2Fv2.0`)
 * is a client mistake here.
 *
 * @module
 */

import { type Route, route } from "../_base.ts";
import type { FakeGitHub } from "../github.ts";
import type { RecordedRequest } from "./model.ts";
import { apiRepo, error, notFound } from "./views.ts";

/** A stable 40-hex commit SHA made from `name`: a branch's head when a test set none. */
export function stableSha(name: string): string {
  let out = "";
  for (let seed = 0; out.length < 40; seed++) {
    let hash = 0x811c9dc5 ^ seed;
    for (const c of name) hash = Math.imul(hash ^ c.codePointAt(0)!, 0x01000193);
    out += (hash >>> 0).toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}

/** GitHub's path of a ref below `git/refs/`: each segment encoded, slashes kept. */
function refPath(ref: string): string {
  return ref.split("/").map(encodeURIComponent).join("/");
}

/** A branch's ref, as `GET git/ref/heads/NAME` and `POST git/refs` answer it. */
export function refView(gh: FakeGitHub, branch: string, sha: string) {
  const ref = `refs/heads/${branch}`;
  return {
    ref,
    node_id: `REF_${btoa(encodeURIComponent(ref)).replace(/=+$/, "")}`,
    url: `${apiRepo(gh)}/git/${refPath(ref)}`,
    object: { sha, type: "commit", url: `${apiRepo(gh)}/git/commits/${sha}` },
  };
}

/** Every commit the repository knows: branch heads, refs, commits with checks or statuses. */
function knownCommits(gh: FakeGitHub): Set<string> {
  const known = new Set<string>();
  for (const branch of gh.branches) known.add(gh.headOf(branch)!);
  for (const sha of gh.refs.values()) known.add(sha.toLowerCase());
  for (const sha of [...gh.checkRuns.keys(), ...gh.statuses.keys()]) known.add(sha);
  return known;
}

const EMPTY = "Git Repository is empty.";
const NO_ACCESS = "Resource not accessible by integration";

/** The Git reference routes of `gh`, matched against the path below the repository. */
export function gitRoutes(gh: FakeGitHub): Route<RecordedRequest>[] {
  return [
    route("GET", /^\/git\/ref\/(?<ref>[^/].*)$/, (call) => {
      const raw = call.match?.groups?.ref ?? "";
      if (/%2f/i.test(raw)) {
        return gh.refuse(
          call,
          "a ref is a multi-segment parameter: its slashes travel unencoded (heads/a/b)",
          error(400, `OpenAPI violation: ref ${raw} has encoded slashes`),
        );
      }
      if (gh.branches.size === 0) return error(409, EMPTY);
      const branch = /^heads\/(.+)$/.exec(call.params.ref)?.[1];
      const sha = branch === undefined ? undefined : gh.headOf(branch);
      return sha === undefined ? notFound() : { status: 200, body: refView(gh, branch!, sha) };
    }),
    route("POST", /^\/git\/refs$/, (call) => {
      const ref = String(call.body?.ref ?? "");
      const sha = String(call.body?.sha ?? "").toLowerCase();
      if (!gh.pushAccess) return error(403, NO_ACCESS);
      if (gh.branches.size === 0) return error(409, EMPTY);
      const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
      if (branch === undefined) {
        // The description: a ref that does not start with `refs` and have two slashes is rejected.
        return gh.refuse(
          call,
          `ref ${JSON.stringify(ref)} is not refs/heads/NAME`,
          error(422, `${JSON.stringify(ref)} is not a valid ref name.`),
        );
      }
      if (gh.branches.has(branch)) return error(422, "Reference already exists");
      if (!/^[0-9a-f]{40}$/.test(sha) || !knownCommits(gh).has(sha)) {
        return error(422, "Object does not exist");
      }
      gh.addBranch(branch, sha);
      const view = refView(gh, branch, sha);
      return { status: 201, body: view, headers: { location: view.url } };
    }),
  ];
}
