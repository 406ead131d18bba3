/**
 * What the local stores hold: the files the local platform writes under
 * `.pace/` (and Jenkins' variable file), read as a {@linkcode StateView}, so
 * the fault and input matrices count local items as they count a forge's.
 *
 * @module
 */

import { join } from "node:path";
import type { StateView } from "./rigs.ts";

/** The local view of one repository. */
export interface LocalState {
  view: StateView;
}

function read(path: string): string | undefined {
  try {
    if (!Deno.lstatSync(path).isFile) return undefined;
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function list(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name);
  } catch {
    return [];
  }
}

function store(path: string): Record<string, unknown> {
  try {
    const value = JSON.parse(read(path) ?? "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

/** The local items of the repository at `root`. */
export function localState(root: string, paceDir: string): LocalState {
  const day = (n: number) => join(paceDir, `day-${n}`);
  /** The first line of every local item, as a forge's title. */
  const titles = (): string[] => {
    const out: string[] = [];
    for (const n of [1, 3, 14]) {
      for (const name of ["escalation-issue.md", "story-ticket.md", "review-pr.md"]) {
        const text = read(join(day(n), name));
        if (text !== undefined) out.push(firstHeading(text));
      }
    }
    for (const name of list(paceDir).filter((n) => n.startsWith("advisory-"))) {
      out.push(firstHeading(read(join(paceDir, name)) ?? ""));
    }
    return out;
  };
  const variables = () => ({
    ...store(join(root, "jenkins-variables.json")),
    ...store(join(paceDir, "variables.json")),
  });
  const view: StateView = {
    issueTitles: titles,
    comments: () => {
      const text = read(join(day(1), "story-handoff-comment.md"));
      return text === undefined ? [] : [text];
    },
    pulls: () => {
      const reviews = [14].filter((n) => read(join(day(n), "review-pr.md")) !== undefined)
        .map((n) => `pace/review-day-${n} -> main`);
      return [
        ...reviews,
        ...list(join(paceDir, "pull-requests")).map((f) => f.replace(/\.md$/, "")),
      ];
    },
    variables: () => Object.keys(variables()),
    variable: (name) => {
      const value = variables()[name];
      return typeof value === "string" ? value : undefined;
    },
    hasBranch: () => true,
    branchSha: () => "local",
    storyDone: (n) => /Status: done/.test(read(join(day(n), "story-ticket.md")) ?? ""),
    isOpen: (prefix) => titles().some((t) => t.startsWith(prefix)),
  };
  return { view };
}

/** `# Title` → `Title`; the first non-empty line otherwise. */
function firstHeading(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.replace(/^#+\s*/, "").trim();
}
