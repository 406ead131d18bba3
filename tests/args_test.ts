import { type OptionSpec, parseCommandLine, UsageError } from "../cli/args.ts";
import { assertEquals, assertThrows } from "./_assert.ts";

const SPECS: Record<string, OptionSpec> = {
  config: { type: "string", help: "" },
  json: { type: "boolean", help: "" },
  help: { type: "boolean", short: "h", help: "" },
  label: { type: "string", multiple: true, help: "" },
  out: { type: "string", short: "o", help: "" },
};

Deno.test("args: options anywhere, both value forms, repeatable options, -- ends options", () => {
  const line = parseCommandLine(
    ["ci", "--config", "a.yaml", "wait", "--json", "--label=x", "--label", "y", "SHA", "--", "--z"],
    SPECS,
  );
  assertEquals(line.positionals, ["ci", "wait", "SHA", "--z"]);
  assertEquals(line.values, { config: "a.yaml", json: true, label: ["x", "y"] });
});

Deno.test("args: short flags, grouped, and a short option's value in the group or after it", () => {
  assertEquals(parseCommandLine(["-h"], SPECS).values, { help: true });
  assertEquals(parseCommandLine(["-ho", "f.md"], SPECS).values, { help: true, out: "f.md" });
  assertEquals(parseCommandLine(["-of.md"], SPECS).values, { out: "f.md" });
  assertEquals(parseCommandLine(["-", "--config="], SPECS), {
    values: { config: "" },
    positionals: ["-"],
  });
  // The last of a non-repeatable option counts.
  assertEquals(parseCommandLine(["--config", "a", "--config=b"], SPECS).values, { config: "b" });
});

Deno.test("args: mistakes are usage errors that say what is wrong", () => {
  const cases: [string[], string][] = [
    [["--nope"], `unknown option "--nope"`],
    [["-x"], `unknown option "-x"`],
    [["-5"], `unknown option "-5"`],
    [["--json=yes"], "option --json takes no value"],
    [["--config"], "option --config needs a value"],
    [["--config", "--json"], "--config=--json"],
    [["-o"], "option -o needs a value"],
  ];
  for (const [args, message] of cases) {
    const error = assertThrows(() => parseCommandLine(args, SPECS), UsageError);
    if (!error.message.includes(message)) {
      throw new Error(`${JSON.stringify(args)}: "${error.message}" lacks "${message}"`);
    }
  }
});

Deno.test("args: option names are not looked up on the prototype", () => {
  assertThrows(() => parseCommandLine(["--constructor"], SPECS), UsageError);
  assertThrows(() => parseCommandLine(["--__proto__=x"], SPECS), UsageError);
});
