/**
 * BBQL, Bitbucket's query language (`q=state = "OPEN" AND title ~ "x"`): a
 * parser that refuses what Bitbucket refuses, and an evaluator.
 *
 * @module
 */

type BbqlValue = string | number | boolean | null;
/** A parsed BBQL query. */
export type BbqlNode =
  | { kind: "and" | "or"; left: BbqlNode; right: BbqlNode }
  | { kind: "cmp"; field: string; op: string; value: BbqlValue };

/** A BBQL syntax error. */
export class BbqlError extends Error {}

const BBQL_OPS = ["!=", "!~", ">=", "<=", "=", "~", ">", "<"];

type Token =
  | { t: "field"; v: string }
  | { t: "op"; v: string }
  | { t: "value"; v: BbqlValue }
  | { t: "and" | "or" | "(" | ")" };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push({ t: c });
      i++;
      continue;
    }
    const op = BBQL_OPS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ t: "op", v: op });
      i += op.length;
      continue;
    }
    if (c === '"') {
      let value = "";
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\") {
          j++;
          if (j >= text.length) break;
        }
        value += text[j];
      }
      if (j >= text.length) throw new BbqlError(`unterminated string at ${i}`);
      tokens.push({ t: "value", v: value });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z0-9_.:+-]+/.exec(text.slice(i))?.[0];
    if (!word) throw new BbqlError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    i += word.length;
    const lower = word.toLowerCase();
    if (lower === "and" || lower === "or") tokens.push({ t: lower });
    else if (lower === "true" || lower === "false") {
      tokens.push({ t: "value", v: lower === "true" });
    } else if (lower === "null") tokens.push({ t: "value", v: null });
    else if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ t: "value", v: Number(word) });
    else if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(word)) tokens.push({ t: "field", v: word });
    else throw new BbqlError(`unexpected ${JSON.stringify(word)}`);
  }
  return tokens;
}

/** Parse a BBQL query (`field op value`, `AND`, `OR`, parentheses). */
export function parseBbql(text: string): BbqlNode {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const expect = (t: Token["t"]) => {
    const token = tokens[at++];
    if (!token || token.t !== t) throw new BbqlError(`expected ${t} at token ${at}`);
    return token;
  };
  const primary = (): BbqlNode => {
    if (peek()?.t === "(") {
      at++;
      const node = or();
      expect(")");
      return node;
    }
    const field = expect("field") as { t: "field"; v: string };
    const op = expect("op") as { t: "op"; v: string };
    const value = expect("value") as { t: "value"; v: BbqlValue };
    return { kind: "cmp", field: field.v, op: op.v, value: value.v };
  };
  const and = (): BbqlNode => {
    let node = primary();
    while (peek()?.t === "and") {
      at++;
      node = { kind: "and", left: node, right: primary() };
    }
    return node;
  };
  const or = (): BbqlNode => {
    let node = and();
    while (peek()?.t === "or") {
      at++;
      node = { kind: "or", left: node, right: and() };
    }
    return node;
  };
  const node = or();
  if (at !== tokens.length) throw new BbqlError(`unexpected token at ${at}`);
  return node;
}

/** Every field a parsed query names. */
export function fieldsOf(node: BbqlNode): string[] {
  return node.kind === "cmp" ? [node.field] : [...fieldsOf(node.left), ...fieldsOf(node.right)];
}

/** Whether an item passes the query; `get` reads a field. */
export function evaluate(node: BbqlNode, get: (field: string) => unknown): boolean {
  if (node.kind !== "cmp") {
    return node.kind === "and"
      ? evaluate(node.left, get) && evaluate(node.right, get)
      : evaluate(node.left, get) || evaluate(node.right, get);
  }
  const actual = get(node.field);
  const want = node.value;
  const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  switch (node.op) {
    case "=":
      return want === null ? actual === null || actual === undefined : text(actual) === text(want);
    case "!=":
      return want === null ? actual !== null && actual !== undefined : text(actual) !== text(want);
    case "~":
      return text(actual).toLowerCase().includes(text(want).toLowerCase());
    case "!~":
      return !text(actual).toLowerCase().includes(text(want).toLowerCase());
    default: {
      const a = text(actual);
      const b = text(want);
      if (node.op === ">") return a > b;
      if (node.op === ">=") return a >= b;
      if (node.op === "<") return a < b;
      return a <= b;
    }
  }
}
