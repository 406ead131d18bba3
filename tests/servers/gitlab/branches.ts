/**
 * The fake GitLab's repository branches: one branch by name (URL-encoded as
 * ONE segment: `release%2Fv2.0`) and a new branch at a ref, with GitLab's
 * answers (`404 Branch Not Found`, `400 Branch already exists`,
 * `400 Invalid reference name: REF`, `400 Branch name is invalid`,
 * `403 Forbidden` below the Developer role).
 *
 * @module
 */

import { refNameProblem } from "../../../platforms/branches.ts";
import type { FakeGitLab } from "../gitlab.ts";
import { type GitLabRoute, message, now, str } from "./params.ts";

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

/** A branch as `GET`/`POST …/repository/branches` answer it. */
export function branchView(gl: FakeGitLab, name: string, sha: string) {
  const stamp = now();
  return {
    name,
    commit: {
      id: sha,
      short_id: sha.slice(0, 8),
      created_at: stamp,
      parent_ids: [],
      title: "Commit",
      message: "Commit\n",
      author_name: "PACE Bot",
      author_email: "pace@example.com",
      authored_date: stamp,
      committer_name: "PACE Bot",
      committer_email: "pace@example.com",
      committed_date: stamp,
      trailers: {},
      web_url: `${gl.projectWebUrl}/-/commit/${sha}`,
    },
    merged: false,
    protected: name === gl.defaultBranch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: gl.pushAccess,
    default: name === gl.defaultBranch,
    web_url: `${gl.projectWebUrl}/-/tree/${name}`,
  };
}

/** The commit a ref (a branch name or a full SHA) names; `undefined` when none. */
function resolveRef(gl: FakeGitLab, ref: string): string | undefined {
  const head = gl.headOf(ref);
  if (head) return head;
  const sha = ref.toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
  const known = gl.commits.has(sha) || [...gl.branches].some((b) => gl.headOf(b) === sha);
  return known ? sha : undefined;
}

/** The branch routes of `gl`'s one project. */
export function branchRoutes(gl: FakeGitLab): GitLabRoute[] {
  const P = "/projects/:id";
  return [
    {
      method: "GET",
      path: `${P}/repository/branches/:branch`,
      params: {},
      handler: ({ params }) => {
        const sha = gl.headOf(params.branch);
        return sha === undefined
          ? message(404, "404 Branch Not Found")
          : { status: 200, body: branchView(gl, params.branch, sha) };
      },
    },
    {
      method: "POST",
      path: `${P}/repository/branches`,
      fields: { branch: str, ref: str },
      required: ["branch", "ref"],
      handler: ({ body }) => {
        if (!gl.pushAccess) return message(403, "403 Forbidden");
        const branch = String(body.branch);
        if (refNameProblem(branch)) return message(400, "Branch name is invalid");
        if (gl.branches.has(branch)) return message(400, "Branch already exists");
        const sha = resolveRef(gl, String(body.ref));
        if (sha === undefined) return message(400, `Invalid reference name: ${body.ref}`);
        gl.addBranch(branch, sha);
        return { status: 201, body: branchView(gl, branch, sha) };
      },
    },
  ];
}
