/**
 * Hostile `.pace/` files: links out of the repository, special files, YAML
 * alias bombs, huge and binary files, invalid UTF-8, and agent text that
 * spells markers, closing keywords, mentions and remote images.
 *
 * @module
 */

import { join } from "node:path";
import {
  has,
  type Input,
  link,
  mkfifo,
  outsideFile,
  put,
  releaseFifo,
  travelled,
} from "./inputs_kit.ts";
import { DAY, show } from "./ops.ts";
import type { Rig } from "./rigs.ts";

/** Run the escalation of the HOLD day and return its result. */
export function escalate(rig: Rig, day: number = DAY.held, reason?: string): Promise<string> {
  return rig.tracker().openEscalationIssue(day, rig.dayDir(day), reason);
}

export function isString(v: unknown, what: string): string[] {
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

/** A 64 MiB file: `head`, then one long line, written a MiB at a time (the fuzz holds none of it). */
async function bigFile(path: string, head: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    await file.write(new TextEncoder().encode(head));
    const chunk = new Uint8Array(1 << 20).fill(0x78);
    for (let i = 0; i < 64; i++) await file.write(chunk);
    await file.write(new TextEncoder().encode("\n"));
  } finally {
    file.close();
  }
}

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
    async teardown(rig) {
      await releaseFifo(join(rig.dayDir(DAY.held), "gate.md"));
      await releaseFifo(join(rig.dayDir(5), "gate.md"));
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
      await bigFile(join(rig.dayDir(DAY.held), "gate.md"), "gate_decision: HOLD\nhold_reason: ");
      await bigFile(join(rig.dayDir(5), "gate.md"), "gate_decision: SHIP\nhold_reason: ");
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
];
