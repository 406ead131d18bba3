// A forge's factories written once: what each builds, over which connection,
// what it loads when, and how a failure to load reaches the guard.
import { type ForgeLoaders, forgePlatform } from "../platforms/_pace/forge_adapters.ts";
import { ForgeBranching } from "../platforms/_pace/forge_branching.ts";
import { ForgeCI } from "../platforms/_pace/forge_ci.ts";
import { ForgeTracker } from "../platforms/_pace/forge_tracker.ts";
import { buildAdapter, resolveContext } from "../platforms/registry.ts";
import type { Logger, PlatformDefinition, ResolvedContext } from "../platforms/types.ts";
import { captureLogger } from "../testing.ts";
import { assert, assertEquals, assertRejects, assertStrictEquals } from "./_assert.ts";

/** A connection that remembers what it was built with. */
class AcmeConnection {
  static built: AcmeConnection[] = [];
  constructor(readonly context: ResolvedContext, readonly title: string) {
    AcmeConnection.built.push(this);
  }
}

interface Built {
  side: string;
  connection: AcmeConnection;
  logger: Logger;
}

/** Loaders over the fake connection; `loads` counts every module "loaded", `parts` every API built. */
function acme(missing: string[] = []) {
  AcmeConnection.built = [];
  const loads: string[] = [];
  const parts: Built[] = [];
  const part = (side: string) => () => {
    loads.push(side);
    return Promise.resolve((connection: AcmeConnection, logger: Logger) => {
      parts.push({ side, connection, logger });
      return {} as never;
    });
  };
  const loaders: ForgeLoaders<AcmeConnection> = {
    connection: () => {
      loads.push("connection");
      return Promise.resolve(AcmeConnection);
    },
    ci: part("ci"),
    tracker: part("tracker"),
    branching: part("branching"),
    probe: () => {
      loads.push("probe");
      return Promise.resolve((context, title) =>
        Promise.resolve({ ok: true, detail: `${title} reached with ${context.env.ACME_TOKEN}` })
      );
    },
  };
  const data: PlatformDefinition = {
    name: "acme",
    title: "Acme",
    env: ["ACME_TOKEN"],
    hosts: () => ["acme.example"],
    missing: () => missing,
  };
  return { data, loaders, loads, parts };
}

Deno.test("forgePlatform: each side is the shared flow, named after the platform, over its part", async () => {
  const { data, loaders, loads, parts } = acme();
  const definition = forgePlatform(data, loaders);
  // Building the definition loads nothing: the face stays data.
  assertEquals(loads, []);
  assertEquals(definition.hosts({}), ["acme.example"]);
  const context = resolveContext(definition, { env: {}, logger: captureLogger() });

  const ci = await definition.ci!(context);
  const tracker = await definition.tracker!(context);
  const branching = await definition.branching!(context);
  assert(ci instanceof ForgeCI);
  assert(tracker instanceof ForgeTracker);
  assert(branching instanceof ForgeBranching);
  assertEquals([ci.platform, tracker.platform, branching.platform], ["acme", "acme", "acme"]);

  // One connection per adapter, built with the context and the title; the part gets it and the logger.
  assertEquals(parts.map((p) => p.side), ["ci", "tracker", "branching"]);
  assertEquals(AcmeConnection.built.length, 3);
  parts.forEach((p, i) => {
    assertStrictEquals(p.connection, AcmeConnection.built[i]);
    assertStrictEquals(p.connection.context, context);
    assertEquals(p.connection.title, "Acme");
    assertStrictEquals(p.logger, context.logger);
  });
  assertEquals(loads.filter((l) => l !== "connection"), ["ci", "tracker", "branching"]);
});

Deno.test("forgePlatform: a factory in the data stays unless a loader names its side; data is not changed", () => {
  const { data, loaders } = acme();
  const own = (context: ResolvedContext) => new ForgeCI(context, "acme", {} as never);
  const { ci: _ci, branching: _branching, ...rest } = loaders;
  const input = { ...data, ci: own };
  const definition = forgePlatform(input, rest);
  assertStrictEquals(definition.ci, own);
  assertEquals(definition.branching, undefined);
  assertEquals(typeof definition.tracker, "function");
  assertEquals(input.tracker, undefined);
  assertEquals(input.probe, undefined);
});

Deno.test("forgePlatform: the probe reports the settings' problems before loading anything", async () => {
  const incomplete = acme(["ACME_TOKEN", "ACME_URL is not a URL"]);
  const unset = forgePlatform(incomplete.data, incomplete.loaders);
  const context = resolveContext(unset, { env: {}, logger: captureLogger() });
  assertEquals(await unset.probe!(context), {
    ok: false,
    detail: "ACME_TOKEN; ACME_URL is not a URL",
  });
  assertEquals(incomplete.loads, []);

  const complete = acme();
  const set = forgePlatform(complete.data, complete.loaders);
  assertEquals(await set.probe!(resolveContext(set, { env: { ACME_TOKEN: "plain" } })), {
    ok: true,
    detail: "Acme reached with plain",
  });
  assertEquals(complete.loads, ["probe"]);
});

Deno.test("forgePlatform: a part that fails to load rejects the factory, and the guard reports it", async () => {
  const { data, loaders } = acme();
  // A real failing import, the way a face's loader fails when a part is missing.
  const absent = new URL("./servers/no_such_part.ts", import.meta.url).href;
  const definition = forgePlatform(data, { ...loaders, tracker: () => import(absent) });
  const context = resolveContext(definition, { env: {}, logger: captureLogger() });
  await assertRejects(async () => await definition.tracker!(context));

  const logger = captureLogger();
  const tracker = buildAdapter(definition, "tracker", { env: {}, logger });
  assertEquals(await tracker.closePlanIssue(7), false);
  assert(/error: .*closePlanIssue failed: .*no_such_part/.test(logger.text()), logger.text());
});
