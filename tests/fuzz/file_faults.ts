/**
 * The fault matrix of the local stores (the local platform, and Jenkins'
 * variable file and review file): the file an operation writes or reads is
 * corrupt, a directory, a FIFO or a link out of the repository. As with the
 * network faults: the operation resolves within its bound with a documented
 * value, writes nothing outside the repository, and once the fault is gone a
 * clean re-run succeeds without a duplicate.
 *
 * @module
 */

import { join } from "node:path";
import { changed, describeError, fingerprint, settle } from "./bound.ts";
import { duplicatesIn, OP_BOUND_MS } from "./faults.ts";
import { mkfifo } from "./inputs_kit.ts";
import { type Op, opsFor, show } from "./ops.ts";
import { type CaseResult, SKIPPED } from "./report.ts";
import { type Rig, startRig } from "./rigs.ts";
import { suspectFor } from "./suspects.ts";

/** A fault on a file; `path` names the file of an operation (undefined: not this one). */
export interface FileFault {
  name: string;
  heavy?: boolean;
  /** The file the fault is put on, for an operation. */
  path(rig: Rig, op: string): string | undefined;
  /** Put the fault on `path`. */
  apply(rig: Rig, path: string): Promise<void>;
}

/** The files each operation writes (or reads, for the ticket faults). */
function outputOf(rig: Rig, op: string): string | undefined {
  const p = rig.paceDir;
  const local = rig.platform === "local";
  const files: Record<string, string | undefined> = {
    review: join(p, "day-14", "review-pr.md"),
    escalate: local ? join(p, "day-3", "escalation-issue.md") : undefined,
    advisory: local ? join(p, "advisory-day3-sentinel.md") : undefined,
    story: local ? join(p, "day-1", "story-ticket.md") : undefined,
    handoff: local ? join(p, "day-1", "story-handoff-comment.md") : undefined,
    "pull-request": join(p, "pull-requests", "fuzz_feature--into--main.md"),
  };
  return files[op];
}

function storeOf(rig: Rig, op: string): string | undefined {
  if (op !== "set-var" && op !== "get-var") return undefined;
  return rig.platform === "local"
    ? join(rig.paceDir, "variables.json")
    : join(rig.root, "jenkins-variables.json");
}

function ticketOf(rig: Rig, op: string): string | undefined {
  if (rig.platform !== "local" || (op !== "status" && op !== "handoff")) return undefined;
  return join(rig.paceDir, "day-1", "story-ticket.yaml");
}

async function replace(path: string, make: () => Promise<void>): Promise<void> {
  await Deno.remove(path, { recursive: true }).catch(() => {});
  await make();
}

/** Every file fault. */
export const FILE_FAULTS: readonly FileFault[] = [
  {
    name: "store:corrupt-json",
    path: storeOf,
    apply: (_rig, path) => Deno.writeTextFile(path, '{"PACE_FUZZ_GET": "stored-va'),
  },
  {
    name: "store:is-directory",
    path: storeOf,
    apply: (_rig, path) => replace(path, () => Deno.mkdir(path, { recursive: true })),
  },
  {
    name: "store:link-outside",
    path: storeOf,
    apply: async (rig, path) => {
      const victim = join(rig.outside, "victim.json");
      await Deno.writeTextFile(victim, '{"keep":"me"}\n');
      await replace(path, () => Deno.symlink(victim, path));
    },
  },
  {
    name: "output:is-directory",
    path: outputOf,
    apply: (_rig, path) => replace(path, () => Deno.mkdir(path, { recursive: true })),
  },
  {
    name: "output:link-outside",
    path: outputOf,
    apply: async (rig, path) => {
      const victim = join(rig.outside, "victim.md");
      await Deno.writeTextFile(victim, "victim\n");
      await Deno.mkdir(join(path, ".."), { recursive: true });
      await replace(path, () => Deno.symlink(victim, path));
    },
  },
  {
    name: "output:fifo",
    heavy: true,
    path: outputOf,
    apply: (_rig, path) => replace(path, () => mkfifo(path)),
  },
  {
    name: "ticket:corrupt",
    path: ticketOf,
    apply: (_rig, path) => Deno.writeTextFile(path, "url: [broken\n\t- x"),
  },
  {
    name: "ticket:file-gone",
    path: (rig, op) => ticketOf(rig, op) && join(rig.paceDir, "day-1", "story-ticket.md"),
    apply: (_rig, path) => Deno.remove(path),
  },
];

/** Snapshot of a path (file text, or absent), to put back after the fault. */
async function snapshot(path: string): Promise<string | undefined> {
  try {
    return (await Deno.lstat(path)).isFile ? await Deno.readTextFile(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Undo the fault. A FIFO is first opened read-write, which never blocks and
 * releases whoever is blocked opening it (reader or writer).
 */
async function restore(path: string, saved: string | undefined): Promise<void> {
  try {
    const info = await Deno.lstat(path);
    if (!info.isFile && !info.isDirectory && !info.isSymlink) {
      const end = await Deno.open(path, { read: true, write: true });
      end.close();
    }
  } catch {
    // Gone already.
  }
  await Deno.remove(path, { recursive: true }).catch(() => {});
  if (saved !== undefined) await Deno.writeTextFile(path, saved);
}

/** The cases of the file-fault matrix. */
export async function planFileCases(
  platforms: string[],
  options: { names?: string[]; heavy?: boolean; light?: boolean } = {},
): Promise<{ platform: string; fault: FileFault; op: Op }[]> {
  const plans: { platform: string; fault: FileFault; op: Op }[] = [];
  for (const platform of platforms.filter((p) => p === "local" || p === "jenkins")) {
    const probe = await startRig(platform, { empty: true });
    for (const fault of FILE_FAULTS) {
      if (options.names && !options.names.includes(fault.name)) continue;
      if (options.light && fault.heavy) continue;
      if (options.heavy && !fault.heavy) continue;
      for (const op of opsFor(probe)) {
        if (fault.path(probe, op.name)) plans.push({ platform, fault, op });
      }
    }
    await probe.close();
  }
  return plans;
}

/** One file-fault case. */
export async function runFileCase(
  platform: string,
  fault: FileFault,
  op: Op,
): Promise<CaseResult | typeof SKIPPED> {
  const started = performance.now();
  const rig = await startRig(platform);
  const problems: string[] = [];
  let duplicates = 0;
  try {
    const path = fault.path(rig, op.name);
    if (!path) return SKIPPED;
    try {
      await op.prepare?.(rig);
    } catch (error) {
      problems.push(`clean preparation failed: ${describeError(error)}`);
    }
    const saved = await snapshot(path);
    await fault.apply(rig, path);
    const outside = await fingerprint(rig.outside);
    const first = await settle(() => op.run(rig), OP_BOUND_MS);
    let firstValue: unknown;
    if (first.state === "rejected") problems.push(`rejected: ${describeError(first.error)}`);
    else if (first.state === "hung") problems.push(`did not settle within ${OP_BOUND_MS} ms`);
    else {
      firstValue = first.value;
      const problem = op.shape(first.value, true);
      if (problem) problems.push(problem);
      if (first.value === path && fault.name.startsWith("output:")) {
        // Nothing was written: the answer claims an item that is not there.
        const what =
          { "output:is-directory": "a directory", "output:fifo": "a FIFO" }[fault.name] ??
            "a link out of the repository";
        problems.push(`took ${what} at the item's path for the existing item (nothing written)`);
      }
    }
    const wrote = changed(outside, await fingerprint(rig.outside));
    if (wrote.length) problems.push(`wrote outside the repository: ${wrote[0]}`);
    await restore(path, saved);
    const again = await settle(() => op.run(rig), OP_BOUND_MS);
    if (again.state !== "resolved") problems.push(`clean re-run ${again.state}`);
    else {
      // A faulted run that handed back the path of a broken file is not "the same item".
      const problem = op.verify(rig, typeof firstValue === "string" ? "" : firstValue, again.value);
      if (problem) problems.push(problem);
    }
    const dup = duplicatesIn(rig);
    duplicates = dup.count;
    if (dup.problem) problems.push(dup.problem);
    if (problems.length && first.state === "resolved") {
      problems.push(`(first run: ${show(first.value)})`);
    }
  } finally {
    await rig.close();
  }
  const ok = problems.length === 0;
  return {
    matrix: "faults",
    platform,
    name: fault.name,
    op: op.name,
    ok,
    problems: problems.filter((p) => !p.startsWith("(")),
    detail: problems.find((p) => p.startsWith("(")),
    duplicates,
    leaks: 0,
    ms: Math.round(performance.now() - started),
    suspect: ok ? undefined : suspectFor(platform, fault.name, problems),
  };
}
