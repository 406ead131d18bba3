/**
 * Whether agent text stayed inert in what the package sent: no closing
 * keyword a forge would act on, no live mention, no remote image. Code spans,
 * code blocks and HTML comments are inert on every forge, so they are taken
 * out before looking; Jira is read in its own syntax (wiki markup, ADF nodes).
 *
 * @module
 */

import { DAY } from "./ops.ts";
import type { Rig } from "./rigs.ts";

/** What to look for. */
export type TextKind = "closing" | "mention" | "image";

const CLOSING = /\b(close[sd]?|fix(e[sd])?|resolve[sd]?)\b\s*:?\s*#\d+/i;
const MENTION = /(^|[^\w`/\\.@-])@[A-Za-z0-9][A-Za-z0-9-]{0,38}(\/[\w.-]+)?/m;
const IMAGE = /(?<!\\)!\[[^\]]*\]\(\s*<?\s*(https?:)?\/\/|(?<!\\)<img\b/i;
const WIKI_IMAGE = /(?<!\\)!(https?:)?\/\/[^\s!]+(?<!\\)!/i;
const WIKI_MENTION = /\[~[^\]]+\]/;

/** Markdown without what a forge never renders live: code and HTML comments. */
export function liveMarkdown(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, " ")
    .replace(/(`+)[^`]*?\1/g, " ")
    .replace(/^( {4}|\t).*$/gm, " ");
}

/** Fields no forge renders as markdown (titles notify nobody and close nothing). */
const PLAIN_FIELDS = new Set(["title", "summary", "name", "labels", "head", "base", "ref"]);

/** Every rendered string inside a parsed JSON body. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) if (!PLAIN_FIELDS.has(key)) strings(v, out);
  }
  return out;
}

/** Whether an ADF document holds a node of `type`. */
function adfHas(value: unknown, types: string[]): boolean {
  if (Array.isArray(value)) return value.some((v) => adfHas(v, types));
  if (!value || typeof value !== "object") return false;
  const node = value as Record<string, unknown>;
  if (typeof node.type === "string" && types.includes(node.type)) return true;
  return Object.values(node).some((v) => adfHas(v, types));
}

/** The live forms of `kind` in one body the fake received; empty when inert. */
export function liveIn(platform: string, body: unknown, kind: TextKind): string[] {
  if (platform === "jira") {
    const adfTypes = kind === "mention"
      ? ["mention"]
      : kind === "image"
      ? ["media", "mediaSingle"]
      : [];
    if (adfTypes.length && adfHas(body, adfTypes)) return [`an ADF ${adfTypes[0]} node`];
    // ADF text is plain text; only Data Center's wiki markup renders `!url!` and `[~user]`.
    if (kind === "closing" || adfHas(body, ["doc"])) return [];
    const pattern = kind === "mention" ? WIKI_MENTION : WIKI_IMAGE;
    return strings(body).map((s) => pattern.exec(s)?.[0]).filter((m): m is string => !!m);
  }
  const pattern = kind === "closing" ? CLOSING : kind === "mention" ? MENTION : IMAGE;
  return strings(body).map((s) => pattern.exec(liveMarkdown(s))?.[0]).filter((m): m is string =>
    !!m
  );
}

/**
 * Run what carries agent text to the forge (escalation, advisory, story,
 * review) and report every live form of `kind` in what it sent.
 */
export async function textProblems(rig: Rig, kind: TextKind): Promise<string[]> {
  const problems: string[] = [];
  if (rig.sides.tracker) {
    await rig.tracker().openEscalationIssue(DAY.held, rig.dayDir(DAY.held));
    const finding = kind === "closing"
      ? "Fixes #7"
      : kind === "mention"
      ? "ask @octocat"
      : "![i](https://evil.example/i.png)";
    await rig.tracker().pushAdvisoryItems(DAY.held, [{ id: "S-1", finding }], "SENTINEL");
    await rig.tracker().pushStory(DAY.story, rig.dayDir(DAY.story));
  }
  if (rig.sides.ci && kind === "closing") await rig.ci().openReviewPr(DAY.review, rig.paceDir);
  for (const request of rig.requests()) {
    if (request.method === "GET" || request.body === undefined) continue;
    for (const found of liveIn(rig.platform, request.body, kind)) {
      problems.push(`live ${kind} in ${request.method} ${request.path}: ${JSON.stringify(found)}`);
    }
  }
  return problems;
}

/** Text inputs apply where a forge renders what PACE sends. */
export function rendersText(rig: Rig): boolean {
  return rig.remote !== undefined && rig.platform !== "jenkins";
}
