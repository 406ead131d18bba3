/**
 * A test rig for the `gitea` platform: a fake Gitea, a sample `.pace/`, and
 * the three adapters built through the registry's guard (as the factory
 * builds them), without registering the platform. Disposing it closes the
 * server and checks that every request was one Gitea accepts and that the
 * token reached no log line and no file.
 *
 * @module
 */

import { join } from "node:path";
import { buildAdapter } from "../../../platforms/registry.ts";
import { giteaPlatform } from "../../../platforms/gitea.ts";
import type {
  BranchingAdapter,
  CIAdapter,
  PlatformDefinition,
  TrackerAdapter,
} from "../../../platforms/types.ts";
import { captureLogger, type CapturingLogger, writeSamplePace } from "../../../testing.ts";
import { FakeGitea } from "../gitea.ts";
import type { FakeGiteaOptions, RecordedRequest } from "./model.ts";

/** What a Gitea test works with. */
export interface GiteaRig extends AsyncDisposable {
  gitea: FakeGitea;
  root: string;
  paceDir: string;
  logger: CapturingLogger;
  env: Record<string, string>;
  ci: CIAdapter;
  tracker: TrackerAdapter;
  branching: BranchingAdapter;
  dayDir(day: number): string;
  /** Requests whose path ends with `suffix` (or matches it), of `method` when given. */
  calls(suffix: string | RegExp, method?: string): RecordedRequest[];
  /** Requests that are not GET. */
  writes(): RecordedRequest[];
  /** Build one side again, with another environment or fetch. */
  build<S extends "ci" | "tracker" | "branching">(
    side: S,
    extra?: { env?: Record<string, string | undefined>; fetch?: typeof fetch },
  ): ReturnType<typeof buildAdapter<S>>;
  /** Violations the test expects (checked instead of none). */
  expectViolations: RegExp[];
}

/** Start a fake Gitea and build the adapters for it. */
export async function giteaRig(
  options: FakeGiteaOptions = {},
  extra: {
    env?: Record<string, string>;
    fetch?: typeof fetch;
    definition?: PlatformDefinition;
  } = {},
): Promise<GiteaRig> {
  const gitea = FakeGitea.start(options);
  const root = await Deno.makeTempDir({ prefix: "pace-gitea-" });
  const paceDir = await writeSamplePace(root);
  const logger = captureLogger();
  const env: Record<string, string> = {
    GITEA_URL: gitea.url,
    GITEA_TOKEN: gitea.token,
    GITEA_REPOSITORY: gitea.fullName,
    ...extra.env,
  };
  const definition = extra.definition ?? giteaPlatform;
  const build = <S extends "ci" | "tracker" | "branching">(
    side: S,
    more: { env?: Record<string, string | undefined>; fetch?: typeof fetch } = {},
  ) =>
    buildAdapter(definition, side, {
      env: more.env ?? env,
      repoRoot: root,
      logger,
      fetch: more.fetch ?? extra.fetch,
    });
  const rig: GiteaRig = {
    gitea,
    root,
    paceDir,
    logger,
    env,
    ci: build("ci"),
    tracker: build("tracker"),
    branching: build("branching"),
    dayDir: (day) => join(paceDir, `day-${day}`),
    calls: (suffix, method) => gitea.sent(suffix, method),
    writes: () => gitea.requests.filter((r) => r.method !== "GET"),
    build,
    expectViolations: [],
    async [Symbol.asyncDispose]() {
      await gitea.close();
      const files: string[] = [];
      for await (const file of walk(root)) {
        files.push(new TextDecoder().decode(await Deno.readFile(file)));
      }
      await Deno.remove(root, { recursive: true });
      const unexpected = gitea.violations.filter((v) =>
        !rig.expectViolations.some((p) => p.test(v))
      );
      if (unexpected.length) throw new Error(`requests Gitea refuses:\n${unexpected.join("\n")}`);
      if (logger.text().includes(gitea.token)) throw new Error("the token reached the log");
      if (files.some((text) => text.includes(gitea.token))) {
        throw new Error("the token reached a file");
      }
    },
  };
  return rig;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

/** A wait that ends fast: hundredths of a second between polls, three seconds at most. */
export const FAST = { timeoutMinutes: 0.05, pollIntervalSeconds: 0.01 };
