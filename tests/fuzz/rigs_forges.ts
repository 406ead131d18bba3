/**
 * The fakes of the remote platforms, each started for one fuzz case, with
 * the environment that points the package at it, the secret forms it must
 * never see leak, and a {@linkcode StateView} of what it holds.
 *
 * @module
 */

import { base64 } from "../servers/_base.ts";
import { FakeBitbucket } from "../servers/bitbucket.ts";
import { FakeGitea } from "../servers/gitea.ts";
import { FakeGitHub } from "../servers/github.ts";
import { FakeGitLab } from "../servers/gitlab.ts";
import { FakeJenkins } from "../servers/jenkins.ts";
import { FakeJira } from "../servers/jira.ts";
import type { RigOptions, ServerSide, StateView } from "./rigs.ts";
import { storyPrefix } from "./ops.ts";

/** The Jenkins job every case waits on. */
export const JENKINS_JOB = "Team Alpha/app";

/** Start the fake of `platform`. */
export async function forgeRig(platform: string, options: RigOptions = {}): Promise<ServerSide> {
  const token = options.token;
  switch (platform) {
    case "github":
      return github(token);
    case "gitlab":
      return gitlab(token);
    case "bitbucket":
      return await bitbucket(token);
    case "jenkins":
      return jenkins(token);
    case "jira":
      return jira(token, options.jiraMode);
    case "gitea":
    case "forgejo":
      return gitea(platform, token);
  }
  throw new Error(`no fake for ${platform}`);
}

function titled(titles: string[], prefix: string, open: (i: number) => boolean): boolean {
  return titles.some((t, i) => t.startsWith(prefix) && open(i));
}

async function github(token?: string): Promise<ServerSide> {
  // The OpenAPI check costs ~80 MB of parsed JSON; the main suite does it.
  const gh = await FakeGitHub.start({ validate: false, token });
  const titles = () => gh.issues.map((i) => i.title);
  const view: StateView = {
    issueTitles: titles,
    comments: () => gh.comments.map((c) => c.body),
    pulls: () => gh.pulls.filter((p) => p.state === "open").map((p) => `${p.head} -> ${p.base}`),
    variables: () => [...gh.variables.values()].map((v) => v.name),
    variable: (name) => gh.getVariable(name)?.value,
    hasBranch: (name) => gh.branches.has(name),
    branchSha: (name) => gh.headOf(name),
    storyDone: (day) =>
      gh.issues.some((i) => i.title.startsWith(storyPrefix(day)) && i.state === "closed"),
    isOpen: (prefix) => titled(titles(), prefix, (i) => gh.issues[i].state === "open"),
  };
  return {
    server: gh,
    env: {
      GITHUB_TOKEN: gh.token,
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_API_URL: gh.url,
    },
    secrets: [gh.token],
    view,
    seedCi: (sha) => gh.addCheckRun(sha, { name: "build", conclusion: "success" }),
    addBranch: (name) => gh.addBranch(name),
    scope: /^\/(repos\/octo\/pace-demo|repositories\/1296269)(\/|$)/,
    shape: /^\/(repos\/[^/]+\/[^/]+|repositories\/\d+)(\/|$)/,
  };
}

function gitlab(token?: string): ServerSide {
  const gl = FakeGitLab.start({ token });
  const titles = () => gl.issues.map((i) => i.title);
  const view: StateView = {
    issueTitles: titles,
    comments: () => gl.notes.map((n) => n.body),
    pulls: () =>
      gl.mergeRequests.filter((m) => m.state === "opened").map((m) =>
        `${m.source_branch} -> ${m.target_branch}`
      ),
    variables: () => [...gl.variables.keys()],
    variable: (name) => gl.variables.get(name)?.value,
    hasBranch: (name) => gl.branches.has(name),
    branchSha: () => undefined,
    storyDone: (day) =>
      gl.issues.some((i) => i.title.startsWith(storyPrefix(day)) && i.state === "closed"),
    isOpen: (prefix) => titled(titles(), prefix, (i) => gl.issues[i].state === "opened"),
  };
  return {
    server: gl,
    env: { GITLAB_TOKEN: gl.token, GITLAB_PROJECT: gl.projectPath, GITLAB_URL: gl.url },
    secrets: [gl.token],
    view,
    seedCi: (sha) => void gl.addPipeline({ sha, status: "success" }),
    addBranch: (name) => void gl.branches.add(name),
    scope: /^\/projects\/(pace-group%2Fsub%2Fpace-demo|4242)(\/|$)/,
    shape: /^\/projects\/[^/]+(\/|$)/,
  };
}

async function bitbucket(token?: string): Promise<ServerSide> {
  const bb = await FakeBitbucket.start({ apiToken: token });
  const titles = () => bb.issues.map((i) => i.title);
  const view: StateView = {
    issueTitles: titles,
    comments: () => bb.comments.map((c) => c.raw ?? ""),
    pulls: () =>
      bb.pulls.filter((p) => p.state === "OPEN").map((p) => `${p.source} -> ${p.destination}`),
    variables: () => bb.variables.map((v) => v.key),
    variable: (name) => bb.variables.find((v) => v.key === name)?.value,
    hasBranch: (name) => bb.branches.has(name),
    branchSha: (name) => bb.branches.get(name),
    storyDone: (day) =>
      bb.issues.some((i) =>
        i.title.startsWith(storyPrefix(day)) && ["resolved", "closed"].includes(i.state)
      ),
    isOpen: (prefix) =>
      titled(titles(), prefix, (i) => ["new", "open"].includes(bb.issues[i].state)),
  };
  return {
    server: bb,
    env: {
      BITBUCKET_API_URL: bb.url,
      BITBUCKET_WORKSPACE: bb.workspace,
      BITBUCKET_REPO_SLUG: bb.repoSlug,
      BITBUCKET_EMAIL: bb.email,
      BITBUCKET_API_TOKEN: bb.apiToken,
    },
    secrets: [bb.apiToken, `${bb.email}:${bb.apiToken}`, base64(`${bb.email}:${bb.apiToken}`)],
    view,
    seedCi: (sha) => void bb.addPipeline({ commit: sha, status: "SUCCESSFUL" }),
    addBranch: (name) => void bb.branches.add(name),
    scope: /^\/repositories\/pace-team\/pace-demo(\/|$)/,
    shape: /^\/repositories\/[^/]+\/[^/]+(\/|$)/,
  };
}

const NOTHING: StateView = {
  issueTitles: () => [],
  comments: () => [],
  pulls: () => [],
  variables: () => [],
  variable: () => undefined,
  hasBranch: () => false,
  branchSha: () => undefined,
  storyDone: () => false,
  isOpen: () => false,
};

function jenkins(token?: string): ServerSide {
  const jk = FakeJenkins.start({ contextPath: "/jenkins", token });
  jk.addFolder("Team Alpha");
  jk.addJob(JENKINS_JOB, "pipeline");
  return {
    server: jk,
    env: {
      JENKINS_URL: `${jk.url}/`,
      JENKINS_JOB_NAME: JENKINS_JOB,
      JENKINS_USER: jk.user,
      JENKINS_TOKEN: jk.token,
    },
    secrets: [jk.token, `${jk.user}:${jk.token}`, base64(`${jk.user}:${jk.token}`)],
    view: NOTHING,
    seedCi: (sha) => void jk.addBuild(JENKINS_JOB, { sha, result: "SUCCESS" }),
    addBranch: () => {},
    scope: /^\/(job\/Team%20Alpha\/job\/app(\/|$)|crumbIssuer\/)/,
    shape: /^\/((job\/[^/]+\/)+|crumbIssuer\/)/,
  };
}

function jira(token?: string, mode: "cloud" | "datacenter" = "cloud"): ServerSide {
  // Cloud's search lags writes by one search, as Jira Cloud's does.
  const jr = FakeJira.start({ mode, token, searchLag: mode === "cloud" ? 1 : 0 });
  const titles = () => jr.issues.map((i) => i.summary);
  const done = (status: string) => status === "Done" || status === "Won't Do";
  const view: StateView = {
    ...NOTHING,
    issueTitles: titles,
    comments: () => jr.issues.flatMap((i) => i.comments.map((c) => JSON.stringify(c.body))),
    storyDone: (day) =>
      jr.issues.some((i) => i.summary.startsWith(storyPrefix(day)) && i.status === "Done"),
    isOpen: (prefix) => titled(titles(), prefix, (i) => !done(jr.issues[i].status)),
  };
  return {
    server: jr,
    env: {
      JIRA_URL: jr.url,
      ...(mode === "cloud" ? { JIRA_EMAIL: jr.email } : {}),
      JIRA_TOKEN: jr.token,
      JIRA_PROJECT_KEY: "PACE",
    },
    secrets: mode === "cloud"
      ? [jr.token, `${jr.email}:${jr.token}`, base64(`${jr.email}:${jr.token}`)]
      : [jr.token],
    view,
    seedCi: () => {},
    addBranch: () => {},
    scope: /^\/rest\/api\/[23]\//,
    shape: /^\/rest\/api\/[23]\//,
  };
}

function gitea(platform: string, token?: string): ServerSide {
  const gt = FakeGitea.start({ token });
  const issues = () => gt.issues.filter((i) => !i.pull);
  const titles = () => issues().map((i) => i.title);
  const view: StateView = {
    issueTitles: titles,
    comments: () => gt.comments.map((c) => c.body),
    pulls: () =>
      gt.issues.filter((i) => i.pull && i.state === "open" && !i.pull.merged).map((i) =>
        `${i.pull!.head} -> ${i.pull!.base}`
      ),
    variables: () => [...gt.variables.values()].map((v) => v.name),
    variable: (name) => gt.variables.get(name.toUpperCase())?.data,
    hasBranch: (name) => gt.branches.has(name),
    branchSha: (name) => gt.branches.get(name),
    storyDone: (day) =>
      issues().some((i) => i.title.startsWith(storyPrefix(day)) && i.state === "closed"),
    isOpen: (prefix) => titled(titles(), prefix, (i) => issues()[i].state === "open"),
  };
  const prefix = platform === "forgejo" ? "FORGEJO" : "GITEA";
  return {
    server: gt,
    env: {
      [`${prefix}_URL`]: gt.url,
      [`${prefix}_TOKEN`]: gt.token,
      [`${prefix}_REPOSITORY`]: gt.fullName,
      GITEA_URL: gt.url,
      GITEA_TOKEN: gt.token,
      GITEA_REPOSITORY: gt.fullName,
    },
    secrets: [gt.token],
    view,
    seedCi: (sha) => {
      gt.commits.add(sha);
      gt.addStatus(sha, { context: "ci/build", state: "success" });
    },
    addBranch: (name) => void gt.addBranch(name),
    scope: /^\/repos\/pace-org\/pace-demo(\/|$)/,
    shape: /^\/repos\/[^/]+\/[^/]+(\/|$)/,
  };
}
