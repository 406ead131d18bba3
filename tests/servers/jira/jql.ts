/**
 * JQL as PACE sends it — `project = "X" AND labels = "a" AND statusCategory
 * != "Done"`, quoted and escaped values, `OR`, `NOT`, parentheses, `IN`, `IS
 * EMPTY`, `ORDER BY` — parsed with Jira's error messages.
 *
 * @module
 */

/** A JQL problem, phrased as Jira phrases it (400 `errorMessages`). */
export class JqlError extends Error {
  /** Whether the query could not be parsed (rather than naming an unknown value). */
  readonly syntax: boolean;
  constructor(message: string, syntax: boolean) {
    super(message);
    this.name = "JqlError";
    this.syntax = syntax;
  }
}

type Token =
  | { kind: "word"; text: string; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "op"; text: string; at: number }
  | { kind: "punct"; text: "(" | ")" | ","; at: number }
  | { kind: "end"; text: ""; at: number };

const RESERVED = new Set([..."+.,;?|*/%^$#@[]"]);
const OPERATORS = ["!=", "!~", ">=", "<=", "=", "~", ">", "<"];

function syntaxError(message: string, at: number): JqlError {
  return new JqlError(
    `Error in the JQL Query: ${message} (line 1, character ${at + 1})`,
    true,
  );
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ kind: "punct", text: c, at: i });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op, at: i });
      i += op.length;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      let value = "";
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i];
        if (d === "\\") {
          const e = text[i + 1];
          if (e === undefined) break;
          if (e === "u") {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              throw syntaxError(`Illegal unicode escape '\\u${hex}'.`, i);
            }
            value += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            continue;
          }
          const escapes: Record<string, string> = {
            '"': '"',
            "'": "'",
            "\\": "\\",
            n: "\n",
            r: "\r",
            t: "\t",
            " ": " ",
          };
          if (!(e in escapes)) throw syntaxError(`Illegal escape sequence '\\${e}'.`, i);
          value += escapes[e];
          i += 2;
          continue;
        }
        if (d === c) {
          closed = true;
          i++;
          break;
        }
        value += d;
        i++;
      }
      if (!closed) {
        throw syntaxError(
          `The quoted string '${text.slice(start + 1)}' has not been completed.`,
          start,
        );
      }
      tokens.push({ kind: "string", text: value, at: start });
      continue;
    }
    const start = i;
    while (
      i < text.length && !/\s/.test(text[i]) && !"()=!~<>\"',".includes(text[i])
    ) {
      if (RESERVED.has(text[i])) {
        const code = text.charCodeAt(i).toString(16).padStart(4, "0");
        throw syntaxError(
          `The character '${text[i]}' is a reserved JQL character. You must enclose it in a ` +
            `string or use the escape '\\u${code}' instead.`,
          i,
        );
      }
      i++;
    }
    if (i === start) throw syntaxError(`Unexpected character '${c}'.`, i);
    tokens.push({ kind: "word", text: text.slice(start, i), at: start });
  }
  tokens.push({ kind: "end", text: "", at: text.length });
  return tokens;
}

/** A parsed JQL clause tree. */
export type JqlNode =
  | { type: "and"; parts: JqlNode[] }
  | { type: "or"; parts: JqlNode[] }
  | { type: "not"; part: JqlNode }
  | { type: "clause"; field: string; operator: string; values: string[] };

/** A parsed query: its condition (absent for an empty query) and ordering. */
export interface JqlQuery {
  where?: JqlNode;
  orderBy: { field: string; direction: "asc" | "desc" }[];
}

/** Parse JQL; throws {@linkcode JqlError} with Jira's wording on a syntax error. */
export function parseJql(text: string): JqlQuery {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const keyword = (word: string) => peek().kind === "word" && peek().text.toUpperCase() === word;
  const shown = (token: Token) => token.kind === "end" ? "EOF" : token.text;

  const value = (): string => {
    const token = peek();
    if (token.kind === "word" || token.kind === "string") {
      pos++;
      return token.text;
    }
    throw syntaxError(
      `Expecting either a value, list or function but got '${shown(token)}'.`,
      token.at,
    );
  };

  const clause = (): JqlNode => {
    const fieldToken = peek();
    if (fieldToken.kind !== "word" && fieldToken.kind !== "string") {
      throw syntaxError(`Expecting a field name but got '${shown(fieldToken)}'.`, fieldToken.at);
    }
    pos++;
    const field = fieldToken.text;
    const token = peek();
    if (token.kind === "op") {
      pos++;
      return { type: "clause", field, operator: token.text, values: [value()] };
    }
    if (keyword("IN") || (keyword("NOT") && tokens[pos + 1]?.text.toUpperCase() === "IN")) {
      const negated = keyword("NOT");
      pos += negated ? 2 : 1;
      const open = peek();
      if (open.text !== "(") throw syntaxError(`Expecting '(' but got '${shown(open)}'.`, open.at);
      pos++;
      const values = [value()];
      while (peek().text === ",") {
        pos++;
        values.push(value());
      }
      const close = peek();
      if (close.text !== ")") {
        throw syntaxError(`Expecting ')' but got '${shown(close)}'.`, close.at);
      }
      pos++;
      return { type: "clause", field, operator: negated ? "not in" : "in", values };
    }
    if (keyword("IS")) {
      pos++;
      const negated = keyword("NOT");
      if (negated) pos++;
      const empty = peek();
      if (!["EMPTY", "NULL"].includes(empty.text.toUpperCase())) {
        throw syntaxError(`Expecting 'EMPTY' but got '${shown(empty)}'.`, empty.at);
      }
      pos++;
      return { type: "clause", field, operator: negated ? "is not empty" : "is empty", values: [] };
    }
    throw syntaxError(
      `Expecting operator but got '${shown(token)}'. The valid operators are '=', '!=', '<', ` +
        "'>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.",
      token.at,
    );
  };

  const primary = (): JqlNode => {
    if (keyword("NOT")) {
      pos++;
      return { type: "not", part: primary() };
    }
    if (peek().text === "(" && peek().kind === "punct") {
      pos++;
      const inner = or();
      const close = peek();
      if (close.text !== ")") {
        throw syntaxError(`Expecting ')' but got '${shown(close)}'.`, close.at);
      }
      pos++;
      return inner;
    }
    return clause();
  };

  const and = (): JqlNode => {
    const parts = [primary()];
    while (keyword("AND")) {
      pos++;
      parts.push(primary());
    }
    return parts.length === 1 ? parts[0] : { type: "and", parts };
  };

  function or(): JqlNode {
    const parts = [and()];
    while (keyword("OR")) {
      pos++;
      parts.push(and());
    }
    return parts.length === 1 ? parts[0] : { type: "or", parts };
  }

  const query: JqlQuery = { orderBy: [] };
  if (!keyword("ORDER") && peek().kind !== "end") query.where = or();
  if (keyword("ORDER")) {
    pos++;
    if (!keyword("BY")) throw syntaxError(`Expecting 'BY' but got '${shown(peek())}'.`, peek().at);
    pos++;
    do {
      if (peek().text === ",") pos++;
      const field = value();
      let direction: "asc" | "desc" = "asc";
      if (keyword("ASC") || keyword("DESC")) {
        direction = peek().text.toLowerCase() as "asc" | "desc";
        pos++;
      }
      query.orderBy.push({ field: field.toLowerCase(), direction });
    } while (peek().text === ",");
  }
  const rest = peek();
  if (rest.kind !== "end") {
    throw syntaxError(`Expecting either 'OR' or 'AND' but got '${shown(rest)}'.`, rest.at);
  }
  return query;
}
