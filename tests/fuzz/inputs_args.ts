/**
 * Hostile arguments and environment values: impossible days, SHAs and
 * branch names, agents that could collide, variable names and plan numbers
 * that could leave their path segment, repository names made of dot
 * segments, URLs carrying credentials, recorded ticket ids that YAML reads
 * as numbers.
 *
 * @module
 */

import { runCli } from "./cli_run.ts";
import { expect, has, type Input, inScope, noRequest, put } from "./inputs_kit.ts";
import { DAY, SHA, SHORT_WAIT, show } from "./ops.ts";
import type { Rig } from "./rigs.ts";

const BAD_DAYS = [0, -1, 1.5, 1e23, NaN, Infinity];
const BAD_SHAS = [
  "",
  "abc",
  "g".repeat(40),
  "a".repeat(41),
  "../../etc/passwd",
  "3b18e51 ",
  `${SHA}\n`,
  "%2e%2e%2f",
  `${SHA.slice(0, 12)}?x=1`,
];
const BAD_BRANCHES = [
  "../x",
  "a..b",
  "-x",
  "x.lock",
  "x/",
  "a b",
  "a~b",
  "a^b",
  "a:b",
  "a?b",
  "a*b",
  "a[b",
  "a\\b",
  "",
  "x\u0000y",
  "@",
  "/x",
  "x//y",
];
const BAD_NUMBERS = [0, -1, 1.5, NaN, 1e23, Infinity];
const BAD_VAR_NAMES = ["", "../x", "A B", "X\nY", "a/b", "..", "%2e%2e"];

/** Hostile repository coordinates per platform. */
const BAD_ENV: Record<string, Record<string, string>[]> = {
  github: [
    { GITHUB_REPOSITORY: "../user" },
    { GITHUB_REPOSITORY: "octo/.." },
    { GITHUB_REPOSITORY: "./.." },
    { GITHUB_REPOSITORY: "octo/pace-demo/../../user" },
    { GITHUB_REPOSITORY: "octo/%2e%2e" },
    { GITHUB_REPOSITORY: "octo/pace-demo?per_page=1" },
  ],
  gitlab: [
    { GITLAB_PROJECT: "../x" },
    { GITLAB_PROJECT: "pace-group/../../x" },
    { GITLAB_PROJECT: ".." },
    { GITLAB_PROJECT: "%2e%2e" },
  ],
  bitbucket: [
    { BITBUCKET_WORKSPACE: ".." },
    { BITBUCKET_WORKSPACE: "%2E%2E" },
    { BITBUCKET_WORKSPACE: "." },
    { BITBUCKET_REPO_SLUG: ".." },
    { BITBUCKET_REPO_SLUG: "x/../../y" },
  ],
  jenkins: [
    { JENKINS_JOB_NAME: "../x" },
    { JENKINS_JOB_NAME: "Team Alpha/../../x" },
    { JENKINS_JOB_NAME: ".." },
    { JENKINS_JOB_NAME: "%2e%2e/x" },
  ],
  jira: [{ JIRA_PROJECT_KEY: "../x" }, { JIRA_PROJECT_KEY: "PACE/../.." }],
  gitea: [
    { GITEA_REPOSITORY: "../user" },
    { GITEA_REPOSITORY: "pace-org/.." },
    { GITEA_REPOSITORY: "./.." },
  ],
};
BAD_ENV.forgejo = BAD_ENV.gitea;

/** The URL variable of each remote platform. */
const URL_VARIABLE: Record<string, string> = {
  github: "GITHUB_API_URL",
  gitlab: "GITLAB_URL",
  bitbucket: "BITBUCKET_API_URL",
  jenkins: "JENKINS_URL",
  jira: "JIRA_URL",
  gitea: "GITEA_URL",
  forgejo: "GITEA_URL",
};

const PASSWORD_CANARY = "CANARY-PW-51c9";

/** Every operation that takes a day, with a day. */
async function dayCalls(rig: Rig, day: number): Promise<string[]> {
  const problems: string[] = [];
  const before = rig.requests().length;
  if (rig.sides.tracker) {
    const t = rig.tracker();
    const d = rig.dayDir(DAY.held);
    problems.push(
      ...expect(await t.openEscalationIssue(day, d), (v) => v === "", "openEscalationIssue"),
      ...expect(
        await t.pushAdvisoryItems(day, [{ id: "1", finding: "f" }], "A"),
        (v) => v === "",
        "advisory",
      ),
      ...expect(await t.pushStory(day, rig.dayDir(1)), (v) => v === "", "pushStory"),
      ...expect(await t.updateStoryStatus(day, d, "done"), (v) => v === false, "updateStoryStatus"),
      ...expect(await t.postHandoffComment(day, d), (v) => v === false, "postHandoffComment"),
    );
  }
  if (rig.sides.ci) {
    const ci = rig.ci();
    problems.push(
      ...expect(await ci.openReviewPr(day, rig.paceDir), (v) => v === "", "openReviewPr"),
      ...expect(
        await ci.postDailySummary(day, { gate_decision: "SHIP" }),
        (v) => v === false,
        "postDailySummary",
      ),
    );
  }
  return [...problems, ...noRequest(rig, before, `day ${day}`)];
}

function dayInputs(): Input[] {
  return BAD_DAYS.map((day) => ({
    name: `day=${day}`,
    applies: has.any,
    async run(rig) {
      const before = await paceEntries(rig);
      const problems = await dayCalls(rig, day);
      const after = await paceEntries(rig);
      const added = after.filter((e) => !before.includes(e));
      if (added.length) problems.push(`wrote ${added.slice(0, 3).join(", ")}`);
      return problems;
    },
  }));
}

/** Names under `.pace/`, recursively. */
async function paceEntries(rig: Rig): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    try {
      for await (const entry of Deno.readDir(dir)) {
        out.push(prefix + entry.name);
        if (entry.isDirectory) await walk(`${dir}/${entry.name}`, `${prefix}${entry.name}/`);
      }
    } catch {
      // Missing: nothing under it.
    }
  };
  await walk(rig.paceDir, "");
  return out;
}

function shaInputs(): Input[] {
  return BAD_SHAS.map((sha) => ({
    name: `sha=${JSON.stringify(sha).slice(0, 24)}`,
    applies: has.ci,
    async run(rig) {
      const before = rig.requests().length;
      const result = await rig.ci().waitForCommitCi(sha, SHORT_WAIT);
      const problems = expect(
        result,
        (r) =>
          (r as { conclusion?: string })?.conclusion === "no_runs" &&
          !!(r as { error?: string }).error,
        "waitForCommitCi",
      );
      return [...problems, ...noRequest(rig, before, "invalid SHA")];
    },
  }));
}

function branchInputs(): Input[] {
  return BAD_BRANCHES.map((branch) => ({
    name: `branch=${JSON.stringify(branch)}`,
    applies: has.ci,
    async run(rig) {
      const before = rig.requests().length;
      const b = rig.branching();
      const problems = [
        ...expect(await b.getBranchSha(branch), (v) => v === undefined, "getBranchSha"),
        ...expect(await b.createBranch(branch, "main"), (v) => v === false, "createBranch(new)"),
        ...expect(
          await b.createBranch("fuzz/ok", branch),
          (v) => v === false,
          "createBranch(from)",
        ),
        ...expect(
          await b.createPullRequest(branch, "main", "t", "b"),
          (v) => v === "",
          "createPullRequest",
        ),
        ...expect(
          await b.ensureHierarchy(branch, 1),
          (v) => v === false,
          "ensureHierarchy(release)",
        ),
      ];
      return [...problems, ...noRequest(rig, before, "invalid branch")];
    },
  }));
}

function agentInputs(): Input[] {
  const pairs: [string, string][] = [["C++", "C#"], ["🤖", "👾"], ["x.y", "x_y"], ["ä", "a"]];
  const distinct: Input[] = pairs.map(([a, b]) => ({
    name: `agents=${a}|${b}`,
    applies: has.tracker,
    async run(rig) {
      const items = [{ id: "1", finding: "f" }];
      const first = await rig.tracker().pushAdvisoryItems(DAY.held, items, a);
      const second = await rig.tracker().pushAdvisoryItems(DAY.held, items, b);
      if (!first || !second) return [`advisories ${show(first)} and ${show(second)}`];
      if (first === second) return [`${a} and ${b} share one advisory (${show(first)})`];
      const n = rig.view.issueTitles().filter((t) => t.startsWith("[PACE Advisory]")).length;
      return n === 2 ? [] : [`${n} advisory items for two agents`];
    },
  }));
  const hostile: Input[] = ["../../x", "", "x\ny", "a/b", ".."].map((agent) => ({
    name: `agent=${JSON.stringify(agent)}`,
    applies: has.tracker,
    async run(rig) {
      const url = await rig.tracker().pushAdvisoryItems(
        DAY.held,
        [{ id: "1", finding: "f" }],
        agent,
      );
      return [
        ...expect(url, (v) => typeof v === "string", "advisory"),
        ...inScope(rig, "advisory"),
      ];
    },
  }));
  return [...distinct, ...hostile];
}

function numberInputs(): Input[] {
  const plans: Input[] = BAD_NUMBERS.map((n) => ({
    name: `plan-issue=${n}`,
    applies: (rig) => rig.sides.tracker && rig.platform !== "local",
    async run(rig) {
      const before = rig.requests().length;
      const closed = await rig.tracker().closePlanIssue(n);
      return [
        ...expect(closed, (v) => v === false, "closePlanIssue"),
        ...noRequest(rig, before, "plan issue"),
      ];
    },
  }));
  const names: Input[] = BAD_VAR_NAMES.map((name) => ({
    name: `var-name=${JSON.stringify(name)}`,
    applies: has.ci,
    async run(rig) {
      const set = await rig.ci().setVariable(name, "v");
      const got = await rig.ci().getVariable(name);
      return [
        ...expect(set, (v) => typeof v === "boolean", "setVariable"),
        ...expect(got, (v) => v === undefined || v === "v", "getVariable"),
        ...inScope(rig, "variable"),
      ];
    },
  }));
  const tickets: Input[] = ["0x10", "1e3", "-1", "1.5", "../16"].map((id) => ({
    name: `ticket-id=${id}`,
    applies: (rig) => rig.sides.tracker && rig.platform !== "local",
    async setup(rig) {
      const url = `${rig.remote!.server.origin}/issues/${id}`;
      const key = rig.platform === "jira" ? `key: ${id}\n` : "";
      await put(
        rig,
        "day-1/story-ticket.yaml",
        `url: ${url}\nid: ${id}\n${key}platform: ${rig.platform}\n`,
      );
    },
    async run(rig) {
      await rig.tracker().updateStoryStatus(DAY.story, rig.dayDir(DAY.story), "done");
      await rig.tracker().postHandoffComment(DAY.story, rig.dayDir(DAY.story));
      const stray = rig.requests().find((r) =>
        /\/(16|1000|-1|1\.5)(\/|$)|PACE-(16|1000)\b/.test(r.path)
      );
      return [
        ...(stray ? [`ticket id ${id} was read as ${stray.method} ${stray.path}`] : []),
        ...inScope(rig, "ticket"),
      ];
    },
  }));
  return [...plans, ...names, ...tickets];
}

function envInputs(): Input[] {
  const inputs: Input[] = [];
  for (const [platform, list] of Object.entries(BAD_ENV)) {
    for (const env of list) {
      const [name, value] = Object.entries(env)[0];
      inputs.push({
        name: `env:${name}=${value}`,
        applies: (rig) => rig.platform === platform,
        rigOptions: () => ({ env }),
        run: (rig) => coordinateCalls(rig, `${name}=${value}`),
      });
    }
  }
  inputs.push({
    name: "env:url-with-credentials",
    applies: has.remote,
    setup(rig) {
      const name = URL_VARIABLE[rig.platform];
      const url = new URL(rig.env[name]!);
      url.username = "fuzzuser";
      url.password = PASSWORD_CANARY;
      rig.env[name] = url.href;
      return Promise.resolve();
    },
    async run(rig) {
      await coordinateCalls(rig, "url");
      const where: string[] = [];
      if (rig.logger.text().includes(PASSWORD_CANARY)) where.push("the log");
      if (rig.bodies().some((b) => b.includes(PASSWORD_CANARY))) where.push("a request body");
      return where.map((w) => `the URL's password reached ${w}`);
    },
  });
  return inputs;
}

/** The calls that address the repository: a wait, an escalation, a variable. */
async function coordinateCalls(rig: Rig, what: string): Promise<string[]> {
  const results: unknown[] = [];
  if (rig.sides.ci) {
    results.push(await rig.ci().waitForCommitCi(SHA, SHORT_WAIT));
    results.push(await rig.ci().setVariable("PACE_FUZZ_SET", "v"));
  }
  if (rig.sides.tracker) results.push(await rig.tracker().openEscalationIssue(3, rig.dayDir(3)));
  return inScope(rig, what, false);
}

/** Arguments the CLI must refuse as usage errors (exit 2), before any request or file. */
function cliInputs(): Input[] {
  const days = ["0", "-1", "1.5", "1e23", "100000000000000000000000", "NaN", "0x10", ""];
  const lines: [string, (rig: Rig) => string[] | undefined][] = [
    ...days.map((d): [string, (rig: Rig) => string[] | undefined] => [
      `--day ${JSON.stringify(d)}`,
      (rig) =>
        rig.sides.tracker ? ["tracker", "escalate", "--day", d] : ["ci", "review-pr", "--day", d],
    ]),
    ...["", "abc", "../x", "g".repeat(40)].map((
      sha,
    ): [string, (rig: Rig) => string[] | undefined] => [
      `ci wait ${JSON.stringify(sha)}`,
      (rig) => rig.sides.ci ? ["ci", "wait", sha] : undefined,
    ]),
    [
      "branch create ../x",
      (rig) => rig.sides.ci ? ["branch", "create", "../x", "--from", "main"] : undefined,
    ],
    [
      "--timeout-minutes 1e9",
      (rig) => rig.sides.ci ? ["ci", "wait", SHA, "--timeout-minutes", "1e9"] : undefined,
    ],
  ];
  return lines.map(([name, argsOf]) => ({
    name: `cli:${name}`,
    applies: (rig) => argsOf(rig) !== undefined,
    async run(rig) {
      const before = rig.requests().length;
      const entries = await paceEntries(rig);
      const { code, text } = await runCli(rig, argsOf(rig)!);
      const problems = code === 2
        ? []
        : [`exit ${code}, not 2 (usage): ${text.split("\n")[0].slice(0, 120)}`];
      const added = (await paceEntries(rig)).filter((e) => !entries.includes(e));
      if (added.length) problems.push(`wrote ${added.slice(0, 3).join(", ")}`);
      return [...problems, ...noRequest(rig, before, name)];
    },
  }));
}

/** Every argument and environment input. */
export const ARG_INPUTS: readonly Input[] = [
  ...dayInputs(),
  ...shaInputs(),
  ...branchInputs(),
  ...agentInputs(),
  ...numberInputs(),
  ...envInputs(),
  ...cliInputs(),
];
