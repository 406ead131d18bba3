/**
 * The secret-form matrix: the fake answers with the token echoed back in an
 * error body, in one encoding per case (raw, percent, form, HTML entities,
 * JSON `\/` and `\u` escapes, base64, Basic `user:token`), and every place a
 * secret could land is scanned for every form of every credential: the log,
 * the results, the `--json` output of the CLI, the bodies the fake
 * received, and the files written under the repository. Agent artifacts that
 * quote the token are checked the same way.
 *
 * @module
 */

import { describeError, settle } from "./bound.ts";
import { runCli } from "./cli_run.ts";
import { SHA, SHORT_WAIT } from "./ops.ts";
import { type CaseResult, SKIPPED } from "./report.ts";
import { type Rig, startRig } from "./rigs.ts";

/** A token no encoding leaves unchanged: `/`, `+`, `&`, `<`, `"`, `'`, `%`, `=`. */
export const HOSTILE_TOKEN = `tok_Fz9/Qx+7&k="w"<b>'%41=end_8c1d`;

const html = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
/**
 * Every character but ASCII letters and digits as a numeric entity or a
 * `\u` escape, as OWASP-style encoders write them (encoders leave letters and
 * digits alone; the redactor anchors on them by design).
 */
const special = (c: string) => !/[0-9A-Za-z]/.test(c);
const htmlNumeric = (s: string) =>
  [...s].map((c) => special(c) ? `&#x${c.codePointAt(0)!.toString(16)};` : c).join("");
const jsonSlash = (s: string) => JSON.stringify(s).slice(1, -1).replace(/\//g, "\\/");
const jsonU = (s: string) =>
  [...s].map((c) => special(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c)
    .join("");
const utf8Base64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/** Go's `html/template` and `encoding/json` escapes: `&#34;` `&#39;`, `\u003c` `\u003e` `\u0026`. */
const htmlGo = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;")
    .replace(/'/g, "&#39;");
const jsonGo = (s: string) =>
  JSON.stringify(s).slice(1, -1).replace(/</g, "\\u003c").replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");

/** Every encoding a server might echo a secret in. */
export const ENCODINGS: Record<string, (s: string) => string> = {
  raw: (s) => s,
  percent: encodeURIComponent,
  form: (s) => new URLSearchParams({ x: s }).toString().slice(2),
  "html-entities": html,
  "html-go": htmlGo,
  "html-numeric": htmlNumeric,
  json: (s) => JSON.stringify(s).slice(1, -1),
  "json-slash": jsonSlash,
  "json-go": jsonGo,
  "json-u": jsonU,
  base64: utf8Base64,
  "base64url": (s) => utf8Base64(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
};

/** Every form of every secret, to look for. */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const encode of Object.values(ENCODINGS)) forms.add(encode(secret));
    forms.add(utf8Base64(`x-access-token:${secret}`));
  }
  return [...forms].filter((f) => f.length >= 8);
}

/** The places a secret may not be found, each as one text. */
export interface Sinks {
  log: string;
  results: string;
  cli: string;
  bodies: string;
  files: string;
}

/** Which sinks hold which forms. */
export function leaksIn(sinks: Sinks, secrets: readonly string[]): string[] {
  const forms = secretForms(secrets);
  const found: string[] = [];
  for (const [sink, text] of Object.entries(sinks)) {
    const form = forms.find((f) => text.includes(f));
    if (form) found.push(`leak in ${sink}: ${JSON.stringify(form.slice(0, 12))}…`);
  }
  return found;
}

/** The error answers that echo the token. */
const ANSWERS: { status: number; times: number }[] = [
  { status: 401, times: 1 },
  { status: 422, times: 1 },
  { status: 500, times: 8 },
];

/** What the server echoes for `form`: the token, or the Basic credential it was sent. */
function echo(rig: Rig, form: string): string {
  const [secret, basic] = [rig.secrets[0], rig.secrets.find((s) => s.includes(":"))];
  if (form === "basic") return `Basic ${utf8Base64(basic ?? `x-access-token:${secret}`)}`;
  if (form === "user:token") return basic ?? `x-access-token:${secret}`;
  return ENCODINGS[form](secret);
}

/** The echo forms the matrix runs. */
export const ECHO_FORMS = [...Object.keys(ENCODINGS), "basic", "user:token"];

/** The operations run under an echoing server. */
async function operations(rig: Rig, results: unknown[]): Promise<void> {
  if (rig.sides.ci) {
    results.push(await rig.ci().waitForCommitCi(SHA, SHORT_WAIT));
    results.push(await rig.ci().setVariable("PACE_FUZZ_SET", "v"));
  }
  if (rig.sides.tracker) {
    results.push(await rig.tracker().openEscalationIssue(3, rig.dayDir(3)));
    results.push(await rig.tracker().pushStory(1, rig.dayDir(1)));
  }
}

/** The CLI's output (stdout and stderr) for `args` with `--json`. */
async function cli(rig: Rig, args: string[]): Promise<string> {
  return (await runCli(rig, [...args, "--json"])).text;
}

/** The texts of the files under `dir` that are new or changed since `before`. */
async function written(dir: string, before: Map<string, string>): Promise<string> {
  const now = await filesWithText(dir);
  return [...now].filter(([path, text]) => before.get(path) !== text).map(([, t]) => t).join("\n");
}

/** Every regular file under `dir` (up to 4 MiB each) with its text. */
async function filesWithText(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(full);
      else if (entry.isFile && (await Deno.stat(full)).size <= 4 << 20) {
        out.set(full, await Deno.readTextFile(full).catch(() => ""));
      }
    }
  };
  await walk(dir).catch(() => {});
  return out;
}

/** Sinks each secret case scans. */
const SINK_COUNT = 5;

function caseResult(
  rig: Rig,
  name: string,
  op: string,
  problems: string[],
  started: number,
): CaseResult {
  const leaks = problems.filter((p) => p.startsWith("leak")).length;
  return {
    matrix: "secrets",
    platform: rig.platform,
    name,
    op,
    ok: problems.length === 0,
    problems,
    duplicates: 0,
    leaks,
    checks: SINK_COUNT,
    ms: Math.round(performance.now() - started),
    suspect: problems.length ? "platforms/_core/secrets.ts (+ cli/output.ts for cli)" : undefined,
  };
}

/** Scan every sink of `rig` after a case (files: those written since `before`). */
async function scan(
  rig: Rig,
  results: unknown[],
  cliText: string,
  before: Map<string, string>,
): Promise<string[]> {
  const sinks: Sinks = {
    log: rig.logger.text(),
    results: JSON.stringify(results),
    cli: cliText,
    bodies: rig.bodies().join("\n"),
    files: await written(rig.root, before),
  };
  return leaksIn(sinks, rig.secrets);
}

/** One echo case: `form` in the body of `answer`, for every operation and the CLI. */
export async function runEchoCase(
  platform: string,
  form: string,
  answer: { status: number; times: number },
): Promise<CaseResult | typeof SKIPPED> {
  if (platform === "local") return SKIPPED;
  const started = performance.now();
  const rig = await startRig(platform, { token: HOSTILE_TOKEN });
  const problems: string[] = [];
  try {
    const before = await filesWithText(rig.root);
    const body = `{"message":"Bad credentials: ${echo(rig, form)}","token":"${echo(rig, form)}"}`;
    const rule = { status: answer.status, times: answer.times, body };
    rig.injector!.arm({ name: form, rule }, "first");
    const results: unknown[] = [];
    const ran = await settle(() => operations(rig, results), 60_000);
    if (ran.state !== "resolved") problems.push(`operations ${ran.state}`);
    rig.injector!.disarm();
    rig.injector!.arm({ name: form, rule }, "first");
    const cliText = await cli(
      rig,
      rig.sides.ci
        ? ["ci", "wait", SHA, "--timeout-minutes", "0.02", "--poll-interval-seconds", "0.05"]
        : ["tracker", "escalate", "--day", "3"],
    );
    rig.injector!.disarm();
    problems.push(...await scan(rig, results, cliText, before));
  } catch (error) {
    problems.push(`case failed: ${describeError(error)}`);
  } finally {
    await rig.close();
  }
  return caseResult(rig, `echo:${form}`, `${answer.status}x${answer.times}`, problems, started);
}

/** The token quoted by agents in every artifact, and asked for by name on the CLI. */
export async function runQuotedCase(platform: string): Promise<CaseResult | typeof SKIPPED> {
  if (platform === "local") return SKIPPED;
  const started = performance.now();
  const rig = await startRig(platform, { token: HOSTILE_TOKEN });
  const problems: string[] = [];
  try {
    const t = HOSTILE_TOKEN.replace(/'/g, "''");
    const p = rig.paceDir;
    await Deno.writeTextFile(
      `${p}/day-3/gate.md`,
      `gate_decision: HOLD\nhold_reason: 'token ${t}'\n`,
    );
    await Deno.writeTextFile(`${p}/day-3/handoff.md`, `commit: abc\nsummary: 'uses ${t}'\n`);
    await Deno.writeTextFile(
      `${p}/day-1/story.md`,
      `target: 'login with ${t}'\nacceptance:\n  - '${t}'\n`,
    );
    await Deno.writeTextFile(`${p}/day-1/handoff.md`, `commit: abc\nsummary: 'done with ${t}'\n`);
    await Deno.writeTextFile(`${p}/day-5/gate.md`, `gate_decision: SHIP\ndeferred:\n  - '${t}'\n`);
    rig.addBranch("pace/review-day-14");
    const before = await filesWithText(rig.root);
    const results: unknown[] = [];
    if (rig.sides.tracker) {
      const tr = rig.tracker();
      results.push(await tr.openEscalationIssue(3, rig.dayDir(3), `reason ${HOSTILE_TOKEN}`));
      results.push(
        await tr.pushAdvisoryItems(3, [{ id: "1", finding: HOSTILE_TOKEN }], "SENTINEL"),
      );
      results.push(await tr.pushStory(1, rig.dayDir(1)));
      results.push(await tr.postHandoffComment(1, rig.dayDir(1)));
    }
    if (rig.sides.ci) {
      results.push(await rig.ci().openReviewPr(14, rig.paceDir));
      results.push(await rig.ci().writeJobSummary(`# Summary\n${HOSTILE_TOKEN}\n`));
      results.push(await rig.ci().postDailySummary(3, { gate_decision: HOSTILE_TOKEN }));
    }
    const names = Object.keys(rig.env).filter((n) => /TOKEN|PASSWORD|SECRET|KEY$/.test(n));
    let cliText = "";
    if (rig.sides.ci) {
      for (const name of names) cliText += await cli(rig, ["ci", "get-var", name]);
    }
    problems.push(...await scan(rig, results, cliText, before));
  } catch (error) {
    problems.push(`case failed: ${describeError(error)}`);
  } finally {
    await rig.close();
  }
  return caseResult(rig, "quoted-in-artifacts", "all", problems, started);
}

/** The planned secret cases for `platforms`. */
export function planSecretCases(
  platforms: string[],
  forms: string[] = ECHO_FORMS,
): (() => Promise<CaseResult | typeof SKIPPED>)[] {
  const tasks: (() => Promise<CaseResult | typeof SKIPPED>)[] = [];
  for (const platform of platforms) {
    for (const form of forms) {
      for (const answer of ANSWERS) tasks.push(() => runEchoCase(platform, form, answer));
    }
    tasks.push(() => runQuotedCase(platform));
  }
  return tasks;
}
