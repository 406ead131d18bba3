/**
 * Agent text that spells markers of other kinds, closing keywords, mentions
 * and remote images: no marker may be forged by it, and none of it may stay
 * live in what the forge renders.
 *
 * @module
 */

import { escalate } from "./inputs_files.ts";
import { has, type Input, put } from "./inputs_kit.ts";
import { rendersText, textProblems } from "./inputs_text.ts";
import { DAY, holdPrefix, show, storyPrefix } from "./ops.ts";

/** Jira Data Center, whose wiki markup renders images and mentions; others as they are. */
const jiraWiki = (platform: string) =>
  platform === "jira" ? { jiraMode: "datacenter" as const } : {};

/** Agent text that spells markers, closing keywords, mentions and remote images. */
export function textInputs(): Input[] {
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
