/**
 * The bad-input matrix: for each platform and each hostile input (files in
 * `.pace/`, arguments, environment values), run the operations that read it
 * and check that it was handled: a clear refusal or a safe result, every
 * call resolved within its bound, nothing written outside `.pace/` (the
 * repository root keeps only its job-summary and Jenkins files, the
 * neighbouring `outside` folder stays as it was), no marker forged, no text
 * left live.
 *
 * @module
 */

import { join } from "node:path";
import { changed, describeError, fingerprint, settle } from "./bound.ts";
import { ARG_INPUTS } from "./inputs_args.ts";
import { FILE_INPUTS } from "./inputs_files.ts";
import type { Input } from "./inputs_kit.ts";
import { textInputs } from "./inputs_markers.ts";
import { type CaseResult, SKIPPED } from "./report.ts";
import { startRig } from "./rigs.ts";
import { suspectFor } from "./suspects.ts";

/** Every bad input. */
export const INPUTS: readonly Input[] = [...FILE_INPUTS, ...textInputs(), ...ARG_INPUTS];

/** Files the package may write in the repository root, outside `.pace/`. */
const ROOT_FILES = new Set(["pace-summary.md", "jenkins-summary.md", "jenkins-variables.json"]);

/** An input's calls must settle within this. */
export const INPUT_BOUND_MS = 25_000;

/** What selects part of the input matrix. */
export interface InputFilter {
  platforms: string[];
  names?: string[];
  light?: boolean;
  heavy?: boolean;
}

/** The planned cases. */
export function planInputCases(filter: InputFilter): { platform: string; input: Input }[] {
  const plans: { platform: string; input: Input }[] = [];
  for (const platform of filter.platforms) {
    for (const input of INPUTS) {
      if (filter.names && !filter.names.includes(input.name)) continue;
      if (filter.light && input.heavy) continue;
      if (filter.heavy && !input.heavy) continue;
      plans.push({ platform, input });
    }
  }
  return plans;
}

/** Run one input on one platform; `SKIPPED` when it does not apply there. */
export async function runInputCase(
  platform: string,
  input: Input,
): Promise<CaseResult | typeof SKIPPED> {
  const started = performance.now();
  const rig = await startRig(platform, input.rigOptions?.(platform));
  const problems: string[] = [];
  try {
    if (!input.applies(rig)) return SKIPPED;
    try {
      await input.setup?.(rig);
    } catch (error) {
      problems.push(`set-up failed: ${describeError(error)}`);
    }
    const pace = join(rig.root, ".pace");
    const outsideBefore = await fingerprint(rig.outside);
    const rootBefore = await fingerprint(rig.root, (p) => p === pace);
    const baseBefore = await fingerprint(rig.base, (p) => p === rig.root || p === rig.outside);
    const outcome = await settle(() => input.run(rig), INPUT_BOUND_MS);
    if (outcome.state === "rejected") problems.push(`rejected: ${describeError(outcome.error)}`);
    else if (outcome.state === "hung") problems.push(`did not settle within ${INPUT_BOUND_MS} ms`);
    else problems.push(...outcome.value);
    await input.teardown?.(rig);
    const outside = changed(outsideBefore, await fingerprint(rig.outside));
    if (outside.length) problems.push(`wrote outside the repository: ${outside[0]}`);
    const root = changed(rootBefore, await fingerprint(rig.root, (p) => p === pace)).filter((e) =>
      !ROOT_FILES.has(e.split(" ")[1]?.split("/").pop() ?? "")
    );
    if (root.length) problems.push(`wrote outside .pace/: ${root[0]}`);
    const base = changed(
      baseBefore,
      await fingerprint(rig.base, (p) => p === rig.root || p === rig.outside),
    );
    if (base.length) problems.push(`wrote next to the repository: ${base[0]}`);
  } finally {
    await rig.close();
  }
  const ok = problems.length === 0;
  return {
    matrix: "inputs",
    platform,
    name: input.name,
    op: "",
    ok,
    problems,
    duplicates: 0,
    leaks: 0,
    ms: Math.round(performance.now() - started),
    suspect: ok ? undefined : suspectFor(platform, input.name, problems),
  };
}
