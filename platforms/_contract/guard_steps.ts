/**
 * The kit's guard steps, for any definition: with every request refused each
 * method still resolves (and resolves empty when it needed the network), an
 * impossible day is refused before the adapter runs, a secret quoted in an
 * adapter's error is masked, and without credentials nothing is sent.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Env, PlatformDefinition, ResolvedContext } from "../types.ts";
import { callsOf, invoke, SAMPLE_CALLS, SAMPLE_SHA, type SampleCall } from "./calls.ts";
import { assertEmpty, assertKind, assertNoSecret, BAD_DAYS } from "./checks.ts";
import { KIT_VARIABLE, type KitRun, observe, type Step } from "./run.ts";

const what = (call: SampleCall, note = "") => `${call.side}.${call.method}${note}`;

/** Build the side of `call` once per side. */
function adapters(build: (side: SampleCall["side"]) => object | undefined) {
  const built = new Map<string, object | undefined>();
  return (call: SampleCall) => {
    if (!built.has(call.side)) built.set(call.side, build(call.side));
    return built.get(call.side)!;
  };
}

/**
 * A wrapper around `definition` whose adapters log and throw a secret in
 * every method: the guard must mask it although the adapter never registered
 * it. `KIT_PROBE_TOKEN` is a secret by its name, `KIT_PROBE_AUTH` because
 * `secretEnv` says so.
 */
function leakyDefinition(definition: PlatformDefinition): PlatformDefinition {
  const leaky = (side: SampleCall["side"]) => (context: ResolvedContext) => {
    const adapter: Record<string, unknown> = { platform: definition.name };
    SAMPLE_CALLS.filter((call) => call.side === side).forEach((call, i) => {
      adapter[call.method] = () => {
        const { KIT_PROBE_TOKEN: token, KIT_PROBE_AUTH: auth } = context.env;
        context.logger.warn(`${call.method} is using ${token}`);
        const message = `${call.method} failed with ${token} (auth ${auth})`;
        // Adapters fail every way JavaScript allows: the guard must mask each.
        if (i % 3 === 0) throw new Error(message);
        if (i % 3 === 1) return Promise.reject(new Error(message));
        return Promise.reject(message);
      };
    });
    // A plain object: the guard, not a base class, must make it keep the contract.
    return adapter as never;
  };
  return {
    ...definition,
    env: [...definition.env, "KIT_PROBE_TOKEN", "KIT_PROBE_AUTH"],
    secretEnv: [...(definition.secretEnv ?? []), "KIT_PROBE_AUTH"],
    missing: undefined,
    ci: definition.ci && leaky("ci"),
    tracker: definition.tracker && leaky("tracker"),
    branching: definition.branching && leaky("branching"),
  };
}

/**
 * Run the guard steps. `failing` is a run on a fresh sample `.pace/`, so that
 * nothing the main steps recorded can stand in for a request.
 */
export async function guardSteps(
  failing: KitRun,
  step: Step,
  missingCredentials?: { env: Env; mentions: string },
): Promise<void> {
  const calls = callsOf(failing.has);

  await step("guard: with every request refused, every method still resolves", async () => {
    const fetch = failing.traffic.refusing();
    const adapterOf = adapters((side) => failing.build(side, { fetch }));
    for (const call of calls) {
      const sent = failing.traffic.count;
      const value = failing.keep(await invoke(adapterOf(call), call, call.args(failing)));
      if (failing.traffic.count > sent) {
        assertEmpty(call.kind, value, `${what(call)} with every request refused`, SAMPLE_SHA);
      } else {
        assertKind(call.kind, value, what(call), SAMPLE_SHA);
      }
    }
  });

  await step("guard: an impossible day resolves empty, without a request or a file", async () => {
    const adapterOf = adapters((side) => failing.build(side));
    for (const call of calls.filter((c) => c.takesDay)) {
      for (const day of BAD_DAYS) {
        const seen = await observe(
          failing,
          () => invoke(adapterOf(call), call, call.args(failing, day)),
        );
        const label = what(call, ` on day ${day}`);
        assertEmpty(call.kind, seen.value, label);
        assert.equal(seen.requests, 0, `${label} sends no request`);
        assert.deepEqual(seen.newFiles, [], `${label} writes no file`);
      }
    }
  });

  await step("guard: a secret quoted in an adapter's error is masked", async () => {
    const token = `kit-probe-token-${crypto.randomUUID()}`;
    const auth = `kit-probe-auth-${crypto.randomUUID()}`;
    const definition = leakyDefinition(failing.definition);
    const env = { ...failing.env, KIT_PROBE_TOKEN: token, KIT_PROBE_AUTH: auth };
    const adapterOf = adapters((side) => failing.build(side, { definition, env }));
    for (const call of calls) {
      const lines = failing.logger.lines.length;
      const value = await invoke(adapterOf(call), call, call.args(failing));
      const logged = failing.logger.lines.slice(lines);
      assertEmpty(call.kind, value, `${what(call)} that threw`, SAMPLE_SHA);
      assertNoSecret([...logged, JSON.stringify(value) ?? ""], [token, auth]);
      assert.ok(logged.some((l) => l.includes("***")), `${what(call)}: the log shows *** instead`);
      if (call.kind === "wait") {
        assert.ok(String((value as { error?: string }).error).includes("***"), "error shows ***");
      }
    }
  });

  if (!missingCredentials) return;
  const { env, mentions } = missingCredentials;
  await step("without credentials: constructs, logs the variable, resolves empty", async () => {
    const bare = { [KIT_VARIABLE.name]: KIT_VARIABLE.value, ...env };
    const lines = failing.logger.lines.length;
    const before = failing.requests();
    const adapterOf = adapters((side) => failing.build(side, { env: bare }));
    for (const call of calls) {
      const value = failing.keep(await invoke(adapterOf(call), call, call.args(failing)));
      // The daily summary is a log line: it needs no credentials.
      if (call.method === "postDailySummary") assertKind(call.kind, value, what(call));
      else assertEmpty(call.kind, value, `${what(call)} without credentials`, SAMPLE_SHA);
      if (call.kind === "wait") {
        assert.equal((value as { conclusion: string }).conclusion, "no_runs");
      }
    }
    if (failing.has("ci")) {
      const ci = failing.build("ci", { env: bare })!;
      assert.equal(await ci.getVariable(KIT_VARIABLE.name), KIT_VARIABLE.value, "env answers");
    }
    assert.equal(failing.requests(), before, "no request without credentials");
    assert.ok(
      failing.logger.lines.slice(lines).some((line) => line.includes(mentions)),
      `the log names ${mentions}`,
    );
  });
}
