/**
 * Regenerates `tests/servers/gitea/api.json`: the routes, query parameters
 * and body fields the fake Gitea checks, read from the API descriptions that
 * Gitea and Forgejo publish as npm packages — `gitea-js` (generated from
 * Gitea's swagger) and `@llamaduck/forgejo-ts` (from Forgejo's). Neither
 * package is a dependency of anything: this script packs them into a
 * temporary directory with `npm pack`, reads their type declarations, and
 * writes the few operations PACE uses.
 *
 * ```sh
 * deno run --allow-run=npm,tar --allow-read --allow-write scripts/gitea_api.ts
 * ```
 *
 * @module
 */

import { join } from "node:path";

/** The packages, pinned: the table says which versions it was read from. */
const GITEA_JS = "gitea-js@1.23.0";
const FORGEJO_TS = "@llamaduck/forgejo-ts@15.0.9";
const OUT = new URL("../tests/servers/gitea/api.json", import.meta.url);

/** The operations PACE sends, as `METHOD path` with the packages' parameter names. */
const OPERATIONS = [
  "GET /repos/{owner}/{repo}",
  "GET /repos/{owner}/{repo}/commits/{ref}/status",
  "GET /repos/{owner}/{repo}/pulls",
  "POST /repos/{owner}/{repo}/pulls",
  "GET /repos/{owner}/{repo}/pulls/{base}/{head}",
  "GET /repos/{owner}/{repo}/actions/variables/{variablename}",
  "POST /repos/{owner}/{repo}/actions/variables/{variablename}",
  "PUT /repos/{owner}/{repo}/actions/variables/{variablename}",
  "GET /repos/{owner}/{repo}/labels",
  "POST /repos/{owner}/{repo}/labels",
  "GET /repos/{owner}/{repo}/issues",
  "POST /repos/{owner}/{repo}/issues",
  "PATCH /repos/{owner}/{repo}/issues/{index}",
  "GET /repos/{owner}/{repo}/issues/{index}/comments",
  "POST /repos/{owner}/{repo}/issues/{index}/comments",
  "GET /repos/{owner}/{repo}/branches/{branch}",
  "POST /repos/{owner}/{repo}/branches",
];

/** A value's shape, as far as the fake checks it. */
export type Schema =
  | "string"
  | "number"
  | "boolean"
  | "any"
  | { enum: string[] }
  | { array: Schema }
  | { object: Record<string, Field> };
/** A named parameter or property. */
export interface Field {
  required: boolean;
  schema: Schema;
}
/** One operation as one package describes it. */
export interface Operation {
  /** The path template with the package's parameter names. */
  path: string;
  query: Record<string, Field>;
  /** The JSON body's shape; `null` when the operation takes none. */
  body: Schema | null;
}

// ---------------------------------------------------------------------------
// Reading TypeScript declarations (the generated subset: object types, unions,
// literals, arrays, named references)

/** `text` without comments; string literals kept whole. */
function stripComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
      if (i === 0) break;
    } else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end - 1;
    } else if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else {
      out += c;
    }
  }
  return out;
}

type Token = { kind: "id" | "str" | "num" | "punct"; value: string };

function tokenize(text: string, from: number): Token[] & { end?: number } {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:([A-Za-z_$][\w$]*)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(=>|[{}()[\]<>|&;,:?=.]))/y;
  pattern.lastIndex = from;
  let depth = 0;
  while (true) {
    const m = pattern.exec(text);
    if (!m) break;
    const token: Token = m[1] !== undefined
      ? { kind: "id", value: m[1] }
      : m[2] !== undefined || m[3] !== undefined
      ? { kind: "str", value: m[2] ?? m[3] }
      : m[4] !== undefined
      ? { kind: "num", value: m[4] }
      : { kind: "punct", value: m[5] };
    tokens.push(token);
    if (token.kind === "punct" && "{([<".includes(token.value)) depth++;
    if (token.kind === "punct" && "})]>".includes(token.value)) depth--;
    // One declaration or one parameter list: stop where it closes.
    if (depth === 0 && token.value === ";") break;
    if (depth < 0) break;
  }
  return tokens;
}

/** A parsed type expression. */
type TypeNode =
  | { kind: "ref"; name: string; args: TypeNode[] }
  | { kind: "literal"; value: string }
  | { kind: "array"; of: TypeNode }
  | { kind: "object"; members: { name: string; optional: boolean; type: TypeNode }[] }
  | { kind: "union"; of: TypeNode[] }
  | { kind: "intersection"; of: TypeNode[] }
  | { kind: "function" };

class Parser {
  #i = 0;
  constructor(readonly tokens: Token[]) {}
  peek(value?: string): boolean {
    const t = this.tokens[this.#i];
    return t !== undefined && (value === undefined || t.value === value);
  }
  take(value?: string): Token {
    const t = this.tokens[this.#i++];
    if (!t || (value !== undefined && t.value !== value)) {
      throw new Error(`expected ${value ?? "a token"}, got ${t?.value}`);
    }
    return t;
  }
  type(): TypeNode {
    if (this.peek("|")) this.take();
    const parts = [this.intersection()];
    while (this.peek("|")) {
      this.take();
      parts.push(this.intersection());
    }
    return parts.length === 1 ? parts[0] : { kind: "union", of: parts };
  }
  intersection(): TypeNode {
    const parts = [this.postfix()];
    while (this.peek("&")) {
      this.take();
      parts.push(this.postfix());
    }
    return parts.length === 1 ? parts[0] : { kind: "intersection", of: parts };
  }
  postfix(): TypeNode {
    let node = this.primary();
    while (this.peek("[") && this.tokens[this.#i + 1]?.value === "]") {
      this.take("[");
      this.take("]");
      node = { kind: "array", of: node };
    }
    return node;
  }
  primary(): TypeNode {
    const t = this.take();
    if (t.value === "{" && t.kind === "punct") return this.members();
    if (t.value === "(" && t.kind === "punct") {
      // A function type's parameters, or a parenthesised type.
      const inner = this.#skipParams();
      if (this.peek("=>")) {
        this.take();
        this.type();
        return { kind: "function" };
      }
      return inner;
    }
    if (t.kind === "str" || t.kind === "num") return { kind: "literal", value: t.value };
    const args: TypeNode[] = [];
    let name = t.value;
    while (this.peek(".")) name += this.take().value + this.take().value;
    if (this.peek("<")) {
      this.take();
      args.push(this.type());
      while (this.peek(",")) {
        this.take();
        args.push(this.type());
      }
      this.take(">");
    }
    return { kind: "ref", name, args };
  }
  #skipParams(): TypeNode {
    const start = this.#i;
    let depth = 1;
    while (depth > 0) {
      const t = this.take();
      if (t.kind === "punct" && "{([".includes(t.value)) depth++;
      if (t.kind === "punct" && "})]".includes(t.value)) depth--;
    }
    const inner = this.tokens.slice(start, this.#i - 1);
    try {
      return new Parser(inner).type();
    } catch {
      return { kind: "function" };
    }
  }
  members(): TypeNode {
    const members: { name: string; optional: boolean; type: TypeNode }[] = [];
    while (!this.peek("}")) {
      if (this.peek("[")) {
        // An index signature: any property goes.
        while (!this.peek("]")) this.take();
        this.take("]");
        this.take(":");
        members.push({ name: "*", optional: true, type: this.type() });
      } else {
        const name = this.take().value;
        const optional = this.peek("?");
        if (optional) this.take();
        this.take(":");
        members.push({ name, optional, type: this.type() });
      }
      if (this.peek(";") || this.peek(",")) this.take();
    }
    this.take("}");
    return { kind: "object", members };
  }
  /** `(a: T, b?: U, …)` from its opening parenthesis. */
  params(): { name: string; optional: boolean; type: TypeNode }[] {
    this.take("(");
    const params: { name: string; optional: boolean; type: TypeNode }[] = [];
    while (!this.peek(")")) {
      const name = this.take().value;
      const optional = this.peek("?");
      if (optional) this.take();
      this.take(":");
      params.push({ name, optional, type: this.type() });
      if (this.peek(",")) this.take();
    }
    this.take(")");
    return params;
  }
}

/** The declarations of one `.d.ts`, resolved on demand to schemas. */
class Declarations {
  readonly #text: string;
  readonly #starts = new Map<string, number>();
  constructor(text: string) {
    this.#text = text;
    const declaration =
      /(?:^|[\s;{}])(interface|type)\s+([A-Za-z_$][\w$]*)\s*(?:extends\b[^{]*)?(=)?/g;
    for (const m of text.matchAll(declaration)) {
      if (!this.#starts.has(m[2])) this.#starts.set(m[2], m.index! + m[0].length);
    }
  }
  node(name: string): TypeNode | undefined {
    const start = this.#starts.get(name);
    if (start === undefined) return undefined;
    return new Parser(tokenize(this.#text, start)).type();
  }
  /** A type node as a schema; named types resolved up to `depth` levels. */
  schema(node: TypeNode, depth = 0): Schema {
    switch (node.kind) {
      case "literal":
        return { enum: [node.value] };
      case "array":
        return { array: this.schema(node.of, depth) };
      case "function":
        return "any";
      case "object": {
        const fields: Record<string, Field> = {};
        for (const m of node.members) {
          fields[m.name] = {
            required: !m.optional,
            schema: depth > 3 ? "any" : this.schema(m.type, depth + 1),
          };
        }
        return { object: fields };
      }
      case "intersection": {
        const fields: Record<string, Field> = {};
        for (const part of node.of) {
          const s = this.schema(part, depth);
          if (typeof s === "object" && "object" in s) Object.assign(fields, s.object);
        }
        return { object: fields };
      }
      case "union": {
        const parts = node.of.filter((p) =>
          !(p.kind === "ref" && ["null", "undefined", "never"].includes(p.name))
        ).map((p) => this.schema(p, depth));
        if (parts.length === 1) return parts[0];
        if (parts.every((p) => typeof p === "object" && "enum" in p)) {
          return { enum: parts.flatMap((p) => (p as { enum: string[] }).enum) };
        }
        return "any";
      }
      case "ref": {
        if (node.name === "string" || node.name === "Date") return "string";
        if (node.name === "number" || node.name === "bigint") return "number";
        if (node.name === "boolean") return "boolean";
        if (node.name === "Array" && node.args[0]) {
          return { array: this.schema(node.args[0], depth) };
        }
        const declared = depth > 6 ? undefined : this.node(node.name);
        return declared ? this.schema(declared, depth + 1) : "any";
      }
    }
  }
}

/** The query of an operation: the fields of its `query` object. */
function queryFields(
  declarations: Declarations,
  node: TypeNode | undefined,
): Record<string, Field> {
  if (!node) return {};
  const schema = declarations.schema(node);
  return typeof schema === "object" && "object" in schema ? schema.object : {};
}

/** Where a path parameter stands: `{}`, so that both packages' names meet. */
function key(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, "{}")}`;
}

// ---------------------------------------------------------------------------
// The two packages

/** gitea-js: `@request METHOD:/path` on each method of its `Api` class. */
function readGiteaJs(dts: string): Map<string, Operation> {
  // The operation's route lives in a comment: keep it as a string token.
  const marked = dts.replace(/\/\*\*[\s\S]*?\*\//g, (comment) => {
    const m = /@request (\w+):(\S+)/.exec(comment);
    return m ? ` "@request ${m[1]} ${m[2]}" ` : " ";
  });
  const text = stripComments(marked);
  const declarations = new Declarations(text);
  const operations = new Map<string, Operation>();
  for (const m of text.matchAll(/"@request (\w+) (\S+)"\s*[\w$]+\s*:\s*(?=\()/g)) {
    const params = new Parser(tokenize(text, m.index! + m[0].length)).params();
    const query = params.find((p) => p.name === "query");
    const body = params.find((p) => p.name === "body" || p.name === "data");
    operations.set(key(m[1], m[2]), {
      path: m[2],
      query: queryFields(declarations, query?.type),
      body: body ? declarations.schema(body.type) : null,
    });
  }
  return operations;
}

/** forgejo-ts: each function's method and URL in the module, its `…Data` type in the declarations. */
function readForgejoTs(mjs: string, dts: string): Map<string, Operation> {
  const text = stripComments(dts);
  const declarations = new Declarations(text);
  const operations = new Map<string, Operation>();
  const fn =
    /var ([\w$]+) = \(options\) => \(options\.client \?\? client\)\.(\w+)\(\{[\s\S]*?url: "([^"]+)"/g;
  for (const m of mjs.matchAll(fn)) {
    const data = declarations.node(`${m[1][0].toUpperCase()}${m[1].slice(1)}Data`);
    if (!data || data.kind !== "object") continue;
    const member = (name: string) => data.members.find((x) => x.name === name)?.type;
    const body = member("body");
    const hasBody = body && !(body.kind === "ref" && body.name === "never");
    const query = member("query");
    const hasQuery = query && !(query.kind === "ref" && query.name === "never");
    operations.set(key(m[2], m[3]), {
      path: m[3],
      query: hasQuery ? queryFields(declarations, query) : {},
      body: hasBody ? declarations.schema(body) : null,
    });
  }
  return operations;
}

async function run(command: string, args: string[], cwd: string): Promise<string> {
  const output = await new Deno.Command(command, { args, cwd, stderr: "inherit" }).output();
  if (!output.success) throw new Error(`${command} ${args.join(" ")} failed`);
  return new TextDecoder().decode(output.stdout).trim();
}

/** `npm pack` one package into `dir` and unpack it; its `package/` directory. */
async function unpack(spec: string, dir: string): Promise<string> {
  const tarball = (await run("npm", ["pack", spec, "--silent"], dir)).split("\n").pop()!;
  const target = join(dir, tarball.replace(/\.tgz$/, ""));
  await Deno.mkdir(target);
  await run("tar", ["xzf", join(dir, tarball), "-C", target], dir);
  return join(target, "package");
}

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "pace-gitea-api-" });
  try {
    const gitea = readGiteaJs(
      await Deno.readTextFile(join(await unpack(GITEA_JS, dir), "dist/index.d.ts")),
    );
    const forgejoDir = await unpack(FORGEJO_TS, dir);
    const forgejo = readForgejoTs(
      await Deno.readTextFile(join(forgejoDir, "dist/index.mjs")),
      await Deno.readTextFile(join(forgejoDir, "dist/index.d.ts")),
    );
    const operations: Record<string, { gitea: Operation; forgejo: Operation }> = {};
    for (const operation of OPERATIONS) {
      const [method, path] = operation.split(" ");
      const k = key(method, path);
      const [g, f] = [gitea.get(k), forgejo.get(k)];
      if (!g || !f) throw new Error(`${operation} is missing from ${g ? FORGEJO_TS : GITEA_JS}`);
      operations[k] = { gitea: g, forgejo: f };
    }
    const table = {
      generatedBy: "scripts/gitea_api.ts",
      sources: { gitea: GITEA_JS, forgejo: FORGEJO_TS },
      operations,
    };
    await Deno.writeTextFile(OUT, `${JSON.stringify(table, null, 2)}\n`);
    console.log(`wrote ${Object.keys(operations).length} operations to ${OUT.pathname}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
