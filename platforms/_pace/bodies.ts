/**
 * Every body PACE writes, built once in the section model: the review PR, the
 * escalation, an advisory, the story ticket and the handoff comment. This is
 * the one place each body's wording lives; platforms only pick a renderer. An
 * artifact that could not be parsed is quoted verbatim in a code block, so
 * nothing is lost. Agents wrote the text: every doc leaves through
 * `untrustedDoc`, which bounds each field and breaks marker-like text.
 *
 * @module
 */

import type { AdvisoryItem } from "../types.ts";
import {
  type ArtifactFile,
  type DayArtifacts,
  gateReport,
  type Handoff,
  handoffNote,
  holdReasonOf,
  isRecord,
  type ReviewSummary,
  type StoryCard,
  storyCard,
  toList,
  toText,
} from "./artifacts.ts";
import {
  advisoryTitle,
  agentTitle,
  ARTIFACT_FILES,
  EN_DASH,
  escalationTitle,
  marker,
  reviewTitle,
  singleLine,
  storyTitle,
} from "./names.ts";
import {
  type Block,
  code,
  codeBlock,
  list,
  paragraph,
  type RenderedDoc,
  type Section,
  strong,
  untrustedDoc,
} from "./render.ts";

function itemsList(items: string[], none: string): Block {
  return items.length > 0 ? list(items.map((item) => [item])) : paragraph(none);
}

/** Fields of a mapping the typed view does not show, so none is silently dropped. */
function otherFields(data: Record<string, unknown> | undefined, known: string[]): Block[] {
  if (!data) return [];
  const rest = Object.entries(data).filter(([key]) => !known.includes(key));
  if (rest.length === 0) return [];
  return [
    paragraph(strong("Other fields:")),
    list(rest.map(([key, value]) => [code(key), `: ${toText(value)}`])),
  ];
}

/** What a file that yielded no usable mapping still offers: its problem and its raw text. */
function unusable(file: ArtifactFile, missing: string, noContent: string): Block[] {
  if (!file.exists) return [paragraph(missing)];
  const problem = file.problem ?? `${file.name} ${noContent}`;
  if (file.raw.trim() === "") return [paragraph(`${problem}.`)];
  return [
    paragraph(`${problem}. Its text follows verbatim:`),
    codeBlock(file.raw, file.format === "yaml" ? "yaml" : undefined),
  ];
}

function daysText(start: number, last: number): string {
  return start === last ? `Day ${start}` : `Days ${start}${EN_DASH}${last}`;
}

/** The review PR body for the period `[review.start, review.day)`. */
export function reviewPrDoc(review: ReviewSummary, contextNote?: string): RenderedDoc {
  const { start, day } = review;
  const lead: Block[] = [];
  if (review.days.length === 0) {
    lead.push(
      paragraph(`No days are awaiting review yet: this review period starts on day ${start}.`),
    );
  } else {
    const range = daysText(start, day - 1);
    lead.push(
      paragraph(
        `${range} awaiting review: ${review.shipped} shipped, ${review.other} held/other.`,
      ),
    );
  }
  const sections: Section[] = [{ blocks: lead }];
  if (review.days.length > 0) {
    sections.push({
      heading: "Gate decisions",
      blocks: [list(review.days.map((d) => [`Day ${d.day}: `, strong(d.decision)]))],
    });
  }
  sections.push({
    heading: "Deferred items",
    blocks: [
      itemsList(review.deferred.map((d) => `Day ${d.day}: ${d.item}`), "No deferred items."),
    ],
  });
  if (contextNote !== undefined && contextNote.trim() !== "") {
    sections.push({ heading: "Context", blocks: [paragraph(contextNote)] });
  }
  if (review.problems.length > 0) {
    sections.push({
      heading: "Unreadable gate reports",
      blocks: [
        paragraph("These days are counted as UNKNOWN:"),
        itemsList(review.problems, ""),
      ],
    });
  }
  const approve = review.days.length > 0 ? daysText(start, day - 1).toLowerCase() : "the period";
  sections.push({
    heading: "How to review",
    blocks: [list([
      [strong("Approve:"), ` merge this pull request to accept ${approve}; PACE continues.`],
      [strong("Reject:"), " close it without merging; PACE stays on hold."],
    ])],
  });
  return untrustedDoc({ title: reviewTitle(start, day), marker: marker("review", day), sections });
}

function storySection(day: number, file: ArtifactFile): Block[] {
  const card = storyCard(file);
  if (!card) {
    return unusable(
      file,
      `No story card for day ${day}.`,
      "has no target or acceptance criteria",
    );
  }
  return [
    paragraph(strong("Target:"), " ", card.target || "(none)"),
    paragraph(strong("Acceptance criteria:")),
    itemsList(card.acceptance, "None listed."),
    paragraph(strong("Out of scope:")),
    itemsList(card.outOfScope, "None listed."),
    ...otherFields(file.data, [
      "target",
      "acceptance",
      "acceptance_criteria",
      "out_of_scope",
      "outOfScope",
    ]),
  ];
}

function handoffBlocks(handoff: Handoff): Block[] {
  return [
    paragraph(strong("Summary:")),
    paragraph(handoff.summary || "(none)"),
    paragraph(strong("Commit:"), " ", handoff.commit ? code(handoff.commit) : "(none)"),
    paragraph(strong("Files:")),
    handoff.files.length > 0
      ? list(handoff.files.map((f) => [code(f)]))
      : paragraph("None listed."),
    paragraph(strong("Deferred:")),
    itemsList(handoff.deferred, "Nothing deferred."),
  ];
}

function handoffSection(day: number, file: ArtifactFile): Block[] {
  const note = handoffNote(file);
  if (!note) return unusable(file, `No handoff note for day ${day}.`, "has no summary or commit");
  return [
    ...handoffBlocks(note),
    ...otherFields(file.data, ["commit", "summary", "files", "deferred"]),
  ];
}

function gateSection(day: number, file: ArtifactFile): Block[] {
  if (!file.data) return unusable(file, `No gate report for day ${day}.`, "holds no mapping");
  const report = gateReport(file);
  return [
    paragraph(strong("Decision:"), " ", (report.gate_decision ?? "").trim() || "UNKNOWN"),
    paragraph(strong("Hold reason:"), " ", report.hold_reason?.trim() || "(none)"),
    paragraph(strong("Deferred:")),
    itemsList(toList(report.deferred), "Nothing deferred."),
    ...otherFields(file.data, ["gate_decision", "hold_reason", "deferred"]),
  ];
}

function agentSection(day: number, label: string, file: ArtifactFile): Block[] {
  if (!file.exists) return [paragraph(strong(`${label}:`), ` no report for day ${day}.`)];
  const reason = holdReasonOf(file);
  const blocks: Block[] = [
    paragraph(strong(`${label}:`), " ", reason ? `hold_reason: ${reason}` : "no hold reason."),
  ];
  if (file.problem) blocks.push(paragraph(`${file.problem}.`));
  if (file.raw.trim() !== "") {
    blocks.push(codeBlock(file.raw, file.format === "yaml" ? "yaml" : undefined));
  }
  return blocks;
}

/** The escalation body of a HELD day; `blocker` comes from `findBlocker`. */
export function escalationDoc(day: DayArtifacts, blocker: string): RenderedDoc {
  const n = day.day;
  return untrustedDoc({
    title: escalationTitle(n, blocker),
    marker: marker("hold", n),
    sections: [
      {
        blocks: [
          paragraph(strong("Blocker:"), " ", blocker),
          paragraph(`PACE held day ${n}. The sprint waits until the blocker is resolved.`),
        ],
      },
      { heading: "Story card", blocks: storySection(n, day.story) },
      { heading: "Handoff", blocks: handoffSection(n, day.handoff) },
      { heading: "Gate report", blocks: gateSection(n, day.gate) },
      {
        heading: "Agent reports",
        blocks: [
          ...agentSection(n, "SENTINEL", day.sentinel),
          ...agentSection(n, "CONDUIT", day.conduit),
        ],
      },
      {
        heading: "How to resume",
        blocks: [list([
          ["Fix the blocker above (see the agent reports for detail)."],
          [`Re-run day ${n} of the PACE pipeline.`],
          ["Close this issue once the day ships."],
        ])],
      },
    ],
  });
}

function advisoryLine(item: unknown): string {
  const record = isRecord(item) ? item : { finding: item };
  const id = singleLine(toText(record.id)) || "?";
  const finding = singleLine(toText(record.finding)) || "?";
  const extra: string[] = [];
  const raised = singleLine(toText(record.day_raised));
  if (raised) extra.push(`raised day ${raised}`);
  const status = singleLine(toText(record.status));
  if (status) extra.push(`status: ${status}`);
  return `[${id}] ${finding}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}

/** The advisory body: one `[id] finding` line per finding. */
export function advisoryDoc(day: number, agent: string, items: AdvisoryItem[]): RenderedDoc {
  return untrustedDoc({
    title: advisoryTitle(day, agent, items.length),
    marker: marker("advisory", day, agent),
    sections: [
      {
        blocks: [
          paragraph(`${agentTitle(agent)} raised ${items.length} finding(s) on day ${day}.`),
          itemsList(items.map(advisoryLine), "No findings."),
        ],
      },
    ],
  });
}

/** The story ticket body: target, acceptance criteria, out of scope. */
export function storyDoc(day: number, card: StoryCard | undefined, raw: string): RenderedDoc {
  const sections: Section[] = [];
  if (card) {
    sections.push(
      { blocks: [paragraph(strong("Target:"), " ", card.target || "(none)")] },
      { heading: "Acceptance criteria", blocks: [itemsList(card.acceptance, "None listed.")] },
      { heading: "Out of scope", blocks: [itemsList(card.outOfScope, "None listed.")] },
    );
  } else if (raw.trim() !== "") {
    sections.push({
      blocks: [
        paragraph(`The story card for day ${day} is not a usable YAML mapping. Its text:`),
        codeBlock(raw),
      ],
    });
  } else {
    sections.push({ blocks: [paragraph(`No story card for day ${day}.`)] });
  }
  sections.push({
    blocks: [paragraph("Mirrored by PACE from ", code(`day-${day}/${ARTIFACT_FILES.story}`), ".")],
  });
  return untrustedDoc({
    title: storyTitle(day, card?.target ?? ""),
    marker: marker("story", day),
    sections,
  });
}

/** The handoff comment posted on the story ticket. */
export function handoffDoc(day: number, handoff: Handoff | undefined, raw: string): RenderedDoc {
  const blocks: Block[] = handoff ? handoffBlocks(handoff) : raw.trim() !== ""
    ? [
      paragraph(`The handoff note for day ${day} is not a usable YAML mapping. Its text:`),
      codeBlock(raw),
    ]
    : [paragraph(`No handoff note for day ${day}.`)];
  return untrustedDoc({
    title: `Day ${day} handoff`,
    marker: marker("handoff", day),
    sections: [{ heading: `Handoff ${EN_DASH} day ${day}`, blocks }],
  });
}
