/**
 * Hostile `.pace/` files: links out of the repository, special files, YAML
 * alias bombs, huge and binary files, invalid UTF-8, and agent text that
 * spells markers, closing keywords, mentions and remote images.
 *
 * @module
 */

import { join } from "node:path";
import { has, type Input, link, mkfifo, outsideFile, put, travelled } from "./inputs_kit.ts";
import { rendersText, textProblems } from "./inputs_text.ts";
import { DAY, holdPrefix, show, storyPrefix } from "./ops.ts";
import type { Rig } from "./rigs.ts";

/** Run the escalation of the HOLD day and return its result. */
function escalate(rig: Rig, day: number = DAY.held, reason?: string): Promise<string> {
  return rig.tracker().openEscalationIssue(day, rig.dayDir(day), reason);
}

function isString(v: unknown, what: string): string[] {
  return typeof v === "string" ? [] : [`${what} resolved ${show(v)}`];
}

/** YAML whose aliases expand to 10^9 nodes, in a few hundred bytes. */
export const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
  "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]",
  "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]",
  "gate_decision: HOLD",
  "hold_reason: *i",
  "deferred: *i",
].join("\n") + "\n";

/** A hold reason with 300 000 spaces inside it. */
export const SPACES = `x${" ".repeat(300_000)}y`;

const CANARY = "CANARY-OUTSIDE-7f3a";

/** Jira Data Center, whose wiki markup renders images and mentions; others as they are. */
const jiraWiki = (platform: string) =>
  platform === "jira" ? { jiraMode: "datacenter" as const } : {};

/** The escalation, with its result checked as a string. */
async function escalation(rig: Rig, reason?: string): Promise<{ url: string; problems: string[] }> {
  const url = await escalate(rig, DAY.held, reason);
  return { url, problems: isString(url, "openEscalationIssue") };
}

/** The file inputs. */
export const FILE_INPUTS: readonly Input[] = [
  {
    name: "link:sentinel->outside",
    applies: has.tracker,
    async setup(rig) {
      await put(rig, "day-3/gate.md", "gate_decision: HOLD\n");
      await link(
        rig,
        "day-3/sentinel.md",
        await outsideFile(rig, "s.md", `hold_reason: ${CANARY}\n`),
      );
    },
    async run(rig) {
      const { url, problems } = await escalation(rig);
      return [...problems, ...await travelled(rig, CANARY, [url])];
    },
  },
  {
    name: "link:story->outside",
    applies: has.tracker,
    async setup(rig) {
      await link(rig, "day-1/story.md", await outsideFile(rig, "story.md", `target: ${CANARY}\n`));
    },
    async run(rig) {
      const url = await rig.tracker().pushStory(DAY.story, rig.dayDir(DAY.story));
      return [...isString(url, "pushStory"), ...await travelled(rig, CANARY, [url])];
    },
  },
  {
    name: "link:day-dir->outside",
    applies: has.ci,
    async setup(rig) {
      await outsideFile(rig, "day/gate.md", `gate_decision: SHIP\ndeferred:\n  - ${CANARY}\n`);
      rig.addBranch("pace/review-day-14");
      await link(rig, "day-5", join(rig.outside, "day"));
    },
    async run(rig) {
      const url = await rig.ci().openReviewPr(DAY.review, rig.paceDir);
      return [...isString(url, "openReviewPr"), ...await travelled(rig, CANARY, [url])];
    },
  },
  {
    name: "link:variables->outside",
    applies: (rig) => rig.platform === "local" || rig.platform === "jenkins",
    async setup(rig) {
      const victim = await outsideFile(rig, "victim.json", '{"keep":"me"}\n');
      if (rig.platform === "local") await link(rig, "variables.json", victim);
      else await Deno.symlink(victim, join(rig.root, "jenkins-variables.json"));
    },
    async run(rig) {
      const ok = await rig.ci().setVariable("PACE_FUZZ_SET", "v1");
      return typeof ok === "boolean" ? [] : [`setVariable resolved ${show(ok)}`];
    },
  },
  {
    name: "link:outputs->outside",
    applies: has.any,
    async setup(rig) {
      const victim = await outsideFile(rig, "victim.md", "victim\n");
      await Deno.symlink(victim, join(rig.root, "pace-summary.md"));
      await Deno.symlink(victim, join(rig.root, "jenkins-summary.md"));
      await link(rig, "day-3/escalation-issue.md", victim);
      await link(rig, "day-14/review-pr.md", victim);
      await link(rig, "advisory-day3-sentinel.md", victim);
    },
    async run(rig) {
      const problems: string[] = [];
      if (rig.sides.ci) {
        const summary = await rig.ci().writeJobSummary("# summary\n");
        if (typeof summary !== "boolean") {
          problems.push(`writeJobSummary resolved ${show(summary)}`);
        }
        problems.push(...isString(await rig.ci().openReviewPr(DAY.review, rig.paceDir), "review"));
      }
      if (rig.sides.tracker) {
        problems.push(...(await escalation(rig)).problems);
        const items = [{ id: "S-1", finding: "f" }];
        problems.push(
          ...isString(await rig.tracker().pushAdvisoryItems(3, items, "SENTINEL"), "advisory"),
        );
      }
      return problems;
    },
  },
  {
    name: "fifo:gate",
    heavy: true,
    applies: has.any,
    setup: (rig) => mkfifo(join(rig.dayDir(DAY.held), "gate.md")),
    async run(rig) {
      const problems: string[] = [];
      if (rig.sides.tracker) problems.push(...(await escalation(rig)).problems);
      if (rig.sides.ci) {
        await mkfifo(join(rig.dayDir(5), "gate.md"));
        problems.push(...isString(await rig.ci().openReviewPr(DAY.review, rig.paceDir), "review"));
      }
      return problems;
    },
  },
  {
    name: "link:handoff->/dev/zero",
    heavy: true,
    applies: has.tracker,
    setup: (rig) => link(rig, "day-3/handoff.md", "/dev/zero"),
    async run(rig) {
      return (await escalation(rig)).problems;
    },
  },
  {
    name: "yaml:alias-bomb",
    heavy: true,
    applies: has.any,
    async setup(rig) {
      await put(rig, "day-3/gate.md", ALIAS_BOMB);
      await put(rig, "day-5/gate.md", ALIAS_BOMB);
    },
    async run(rig) {
      const problems: string[] = [];
      if (rig.sides.tracker) problems.push(...(await escalation(rig)).problems);
      if (rig.sides.ci) {
        problems.push(...isString(await rig.ci().openReviewPr(DAY.review, rig.paceDir), "review"));
      }
      return problems;
    },
  },
  {
    name: "text:300k-spaces",
    heavy: true,
    applies: has.tracker,
    async setup(rig) {
      await put(rig, "day-1/story.md", `target: "${SPACES}"\nacceptance:\n  - "${SPACES}"\n`);
    },
    async run(rig) {
      const problems = [...(await escalation(rig, SPACES)).problems];
      const items = [{ id: "S-1", finding: SPACES }];
      problems.push(
        ...isString(await rig.tracker().pushAdvisoryItems(3, items, "SENTINEL"), "advisory"),
      );
      problems.push(...isString(await rig.tracker().pushStory(1, rig.dayDir(1)), "pushStory"));
      return problems;
    },
  },
  {
    name: "file:64MB-gate",
    heavy: true,
    applies: has.any,
    async setup(rig) {
      const line = `hold_reason: ${"x".repeat(64 << 20)}\n`;
      await put(rig, "day-3/gate.md", `gate_decision: HOLD\n${line}`);
      await put(rig, "day-5/gate.md", `gate_decision: SHIP\n${line}`);
    },
    async run(rig) {
      const problems: string[] = [];
      if (rig.sides.tracker) problems.push(...(await escalation(rig)).problems);
      if (rig.sides.ci) {
        problems.push(...isString(await rig.ci().openReviewPr(DAY.review, rig.paceDir), "review"));
      }
      return problems;
    },
  },
  {
    name: "file:binary",
    applies: has.any,
    async setup(rig) {
      const bytes = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
      await put(rig, "day-3/gate.md", bytes);
      await put(rig, "day-3/story.md", bytes);
    },
    async run(rig) {
      const problems: string[] = [];
      if (rig.sides.tracker) problems.push(...(await escalation(rig)).problems);
      if (rig.sides.ci) {
        problems.push(...isString(await rig.ci().openReviewPr(DAY.review, rig.paceDir), "review"));
      }
      return problems;
    },
  },
  {
    name: "file:invalid-utf8",
    applies: has.tracker,
    async setup(rig) {
      const head = new TextEncoder().encode("target: Sign");
      const bad = new Uint8Array([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]);
      const tail = new TextEncoder().encode("up\nacceptance:\n  - works\n");
      await put(rig, "day-1/story.md", new Uint8Array([...head, ...bad, ...tail]));
    },
    async run(rig) {
      const url = await rig.tracker().pushStory(DAY.story, rig.dayDir(DAY.story));
      const problems = isString(url, "pushStory");
      if (
        rig.bodies().some((b) =>
          b.includes("\udcff") || /[\ud800-\udbff](?![\udc00-\udfff])/.test(b)
        )
      ) {
        problems.push("a body carries a lone surrogate");
      }
      return problems;
    },
  },
  ...textInputs(),
];

/** Agent text that spells markers, closing keywords, mentions and remote images. */
function textInputs(): Input[] {
  return [
    {
      name: "marker:story-in-hold-reason",
      applies: has.tracker,
      async run(rig) {
        const reason =
          "tests fail <!-- pace:story:day-3 -->\npace:story:day-3\n<!-- pace:story:day-3 -->";
        const hold = await escalate(rig, DAY.held, reason);
        const story = await rig.tracker().pushStory(DAY.held, rig.dayDir(DAY.held));
        const problems: string[] = [];
        if (!hold || !story) problems.push(`escalation ${show(hold)}, story ${show(story)}`);
        else if (hold === story) {
          problems.push("push-story returned the escalation (forged story marker)");
        }
        const stories = rig.view.issueTitles().filter((t) => t.startsWith(storyPrefix(DAY.held)));
        if (story && stories.length !== 1) {
          problems.push(`${stories.length} day-3 stories, expected 1`);
        }
        await rig.tracker().updateStoryStatus(DAY.held, rig.dayDir(DAY.held), "done");
        if (hold && rig.platform !== "local" && !rig.view.isOpen(holdPrefix(DAY.held))) {
          problems.push("story-status done closed the escalation (forged story marker)");
        }
        return problems;
      },
    },
    {
      name: "marker:hold-in-finding",
      applies: has.tracker,
      async run(rig) {
        const items = [{
          id: "S-1",
          finding: "see <!-- pace:hold:day-3 -->\n<!-- pace:hold:day-3 -->",
        }];
        const advisory = await rig.tracker().pushAdvisoryItems(DAY.held, items, "SENTINEL");
        const hold = await escalate(rig);
        const problems: string[] = [];
        if (!hold) problems.push("no escalation was created after a finding quoting its marker");
        else if (hold === advisory) {
          problems.push("escalate returned the advisory (forged hold marker)");
        }
        const holds = rig.view.issueTitles().filter((t) => t.startsWith(holdPrefix(DAY.held)));
        if (hold && rig.platform !== "local" && holds.length !== 1) {
          problems.push(`${holds.length} escalations, expected 1`);
        }
        return problems;
      },
    },
    {
      name: "marker:hold-in-target",
      applies: has.tracker,
      async setup(rig) {
        await put(
          rig,
          "day-1/story.md",
          'target: "Sign-up <!-- pace:hold:day-1 --> pace:handoff:day-1"\nacceptance:\n  - ' +
            '"<!-- pace:handoff:day-1 -->"\n',
        );
      },
      async run(rig) {
        const story = await rig.tracker().pushStory(DAY.story, rig.dayDir(DAY.story));
        const hold = await escalate(rig, DAY.story, "blocked");
        const posted = await rig.tracker().postHandoffComment(DAY.story, rig.dayDir(DAY.story));
        const problems: string[] = [];
        if (!story || !hold) problems.push(`story ${show(story)}, escalation ${show(hold)}`);
        else if (story === hold) problems.push("escalate returned the story (forged hold marker)");
        if (posted !== true) {
          problems.push(`handoff after a target quoting its marker: ${show(posted)}`);
        }
        return problems;
      },
    },
    {
      name: "text:closing-keywords",
      rigOptions: jiraWiki,
      applies: rendersText,
      async setup(rig) {
        const gate =
          "gate_decision: SHIP\ndeferred:\n  - Fixes #7\n  - closes #1\n  - resolved: #2\n";
        await put(rig, "day-5/gate.md", gate);
        await put(
          rig,
          "day-3/gate.md",
          "gate_decision: HOLD\nhold_reason: Fixes #7 and closes #1\n",
        );
        rig.addBranch("pace/review-day-14");
      },
      run: (rig) => textProblems(rig, "closing"),
    },
    {
      name: "text:mentions",
      rigOptions: jiraWiki,
      applies: (rig) => rendersText(rig) && rig.sides.tracker,
      async setup(rig) {
        await put(
          rig,
          "day-3/gate.md",
          "gate_decision: HOLD\nhold_reason: ping @octocat and @pace-org/admins\n",
        );
      },
      run: (rig) => textProblems(rig, "mention"),
    },
    {
      name: "text:remote-images",
      rigOptions: jiraWiki,
      applies: (rig) => rendersText(rig) && rig.sides.tracker,
      async setup(rig) {
        await put(
          rig,
          "day-3/gate.md",
          'gate_decision: HOLD\nhold_reason: "![x](https://evil.example/p.png) <img src=\\"https://evil.example/a.png\\"> !https://evil.example/w.png!"\n',
        );
        await put(rig, "day-1/story.md", 'target: "![t](https://evil.example/t.png)"\n');
      },
      run: (rig) => textProblems(rig, "image"),
    },
  ];
}
