/**
 * A local Jira REST server for tests, in two modes:
 *
 * - `cloud`: Jira Cloud's REST v3 — Basic `email:token`, ADF descriptions and
 *   comments (validated structurally: `doc`/version 1, allowed node types and
 *   children, no empty text nodes, allowed mark combinations; a plain string
 *   answers Jira's `Operation value must be an Atlassian Document` 400),
 *   `GET`/`POST /rest/api/3/search/jql` with `nextPageToken` pagination
 *   (`issues`, `nextPageToken`, `isLast`), and the removed
 *   `/rest/api/3/search` answering 410 Gone.
 * - `datacenter`: Jira Data Center's REST v2 — `Authorization: Bearer <PAT>`,
 *   wiki-markup string bodies, `/rest/api/2/search` with
 *   `startAt`/`maxResults`/`total`.
 *
 * Both serve under an optional context path (`JIRA_URL` =
 * `http://127.0.0.1:PORT/jira`), evaluate the JQL PACE sends (`project = "X"
 * AND labels = "a" AND statusCategory != "Done"`, quoted/escaped values,
 * `OR`, parentheses, `IN`, `ORDER BY`), keep issue types, priorities and a
 * workflow per project, and answer with Jira's status codes and error bodies.
 *
 * ```ts
 * await using jira = FakeJira.start({ mode: "cloud" });
 * const env = { JIRA_URL: jira.url, JIRA_EMAIL: jira.email, JIRA_TOKEN: jira.token, JIRA_PROJECT_KEY: "PACE" };
 * // ... run the adapter ...
 * assertEquals(jira.violations, []);
 * ```
 *
 * Every request lands in {@linkcode FakeJira.requests}. What real Jira would
 * refuse because the client is wrong — an unknown path or method, an
 * undocumented query parameter, a body of the wrong shape, invalid ADF, the
 * wrong REST version or auth scheme for the mode, unparseable JQL — is
 * answered like Jira (400/404/405/410/415) and recorded in
 * {@linkcode FakeJira.violations}. Answers a correct client can meet (an
 * unknown issue type, project or issue; 401; a scripted 429) are not
 * violations. {@linkcode FakeJira.script} queues faults (status, headers,
 * body, hang, dropped connection).
 *
 * @module
 */

import { ScriptQueue, sleepUnlessClosed } from "./_script.ts";

/** Which Jira the server acts as. */
export type JiraMode = "cloud" | "datacenter";

/** A status category key. */
export type StatusCategoryKey = "new" | "indeterminate" | "done";

/** A workflow status. */
export interface FakeStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

/** A workflow transition; without `from` it is global (offered from every other status). */
export interface FakeTransition {
  id: string;
  name: string;
  /** Name of the target status. */
  to: string;
  /** Names of the statuses it is offered from. */
  from?: string[];
}

/** Statuses (the first is the initial one) and transitions. */
export interface FakeWorkflow {
  statuses: FakeStatus[];
  transitions: FakeTransition[];
}

/** A project. */
export interface FakeProject {
  id: string;
  key: string;
  name: string;
  /** Issue type names the project offers. */
  issueTypes: string[];
  /** Priority names the project's scheme offers. */
  priorities: string[];
  /** `false`: the create screen lacks the priority field (Jira: "cannot be set"). */
  priorityOnCreateScreen: boolean;
  workflow: FakeWorkflow;
}

/** A comment. */
export interface FakeComment {
  id: string;
  /** ADF (cloud) or a wiki string (datacenter), as posted. */
  body: unknown;
  created: string;
}

/** An issue. */
export interface FakeIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  /** ADF (cloud) or a wiki string (datacenter), as posted; `null` when none. */
  description: unknown;
  issueType: string;
  priority: string | null;
  labels: string[];
  /** Name of its workflow status. */
  status: string;
  created: string;
  comments: FakeComment[];
}

/** One request as received. */
export interface RecordedRequest {
  method: string;
  /** Path without the context path and without the query. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** Parsed JSON body, the raw text when not JSON, `undefined` when empty. */
  body: unknown;
  /** Status answered; `0` for a dropped connection, `-1` while pending. */
  status: number;
}

/** A scripted answer; see {@linkcode FakeJira.script}. */
export interface ScriptRule {
  /** Only this method. Default: any. */
  method?: string;
  /** Tested against the path (without context path), then path + `?query`. */
  path: RegExp;
  /** How many requests it answers. Default 1. */
  times?: number;
  /** Answer with this status (default 200 when `body` or `headers` is given). */
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Wait this long first; ends early (connection dropped) when the server closes. */
  hangMs?: number;
  /** Answer with a body that breaks: the client sees a network error. */
  drop?: boolean;
}

/** Options of {@linkcode FakeJira.start}. */
export interface FakeJiraOptions {
  /** Default `"cloud"`. */
  mode?: JiraMode;
  /** E.g. `"/jira"`. Default `""`. */
  contextPath?: string;
  /** Cloud account email. Default `"pace-bot@acme.example"`. */
  email?: string;
  /** API token (cloud) or personal access token (datacenter). */
  token?: string;
  /** Projects; default one: PACE with Bug, Task, Story, Epic and the default workflow. */
  projects?: (Partial<FakeProject> & { key: string })[];
  /** Largest page the server hands out, whatever `maxResults` asks. Default 100. */
  pageCap?: number;
}

/**
 * Jira's default software workflow, with a `Won't Do` transition into the
 * Done category listed before `Done` — the order in which a client that takes
 * "the first done transition" picks the wrong one.
 */
export function defaultWorkflow(): FakeWorkflow {
  return {
    statuses: [
      { id: "10000", name: "To Do", category: "new" },
      { id: "10001", name: "In Progress", category: "indeterminate" },
      { id: "10003", name: "Won't Do", category: "done" },
      { id: "10002", name: "Done", category: "done" },
    ],
    transitions: [
      { id: "11", name: "To Do", to: "To Do" },
      { id: "21", name: "In Progress", to: "In Progress" },
      { id: "41", name: "Won't Do", to: "Won't Do" },
      { id: "31", name: "Done", to: "Done" },
    ],
  };
}

/** A 429 as Jira Cloud sends it, with `Retry-After` (seconds). */
export function rateLimited(
  rule: Omit<ScriptRule, "status" | "body"> & { retryAfter?: number },
): ScriptRule {
  return {
    ...rule,
    status: 429,
    headers: {
      "retry-after": String(rule.retryAfter ?? 0),
      "x-ratelimit-limit": "350",
      "x-ratelimit-remaining": "0",
      "ratelimit-reason": "jira-quota-tenant-based",
      ...rule.headers,
    },
    body: { errorMessages: ["Rate limit exceeded."], errors: {} },
  };
}

// ---------------------------------------------------------------------------
// ADF validation

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const TOP_BLOCKS = new Set([
  "paragraph",
  "heading",
  "bulletList",
  "orderedList",
  "codeBlock",
  "blockquote",
  "rule",
  "panel",
]);
const LIST_ITEM_FIRST = new Set(["paragraph", "codeBlock"]);
const LIST_ITEM_REST = new Set(["paragraph", "bulletList", "orderedList", "codeBlock"]);
const QUOTE_CHILDREN = new Set(["paragraph", "bulletList", "orderedList", "codeBlock"]);
const PANEL_CHILDREN = new Set(["paragraph", "heading", "bulletList", "orderedList"]);
const INLINE = new Set(["text", "hardBreak", "mention", "emoji", "inlineCard"]);
const MARKS = new Set([
  "strong",
  "em",
  "strike",
  "underline",
  "code",
  "link",
  "subsup",
  "textColor",
]);
const PANEL_TYPES = new Set(["info", "note", "warning", "success", "error"]);

/**
 * The structural problems of an ADF document (empty when Jira would take it):
 * `type: "doc"`, `version: 1`, known node types in allowed parents, required
 * attributes, non-empty text nodes, known marks in allowed combinations (`code`
 * only with `link`), unmarked text in code blocks, no unknown keys.
 */
export function validateAdf(value: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(value) || value.type !== "doc") {
    return ['not an ADF document: expected {"type": "doc", "version": 1, "content": [...]}'];
  }
  if (value.version !== 1) {
    problems.push(`doc.version must be 1, got ${JSON.stringify(value.version)}`);
  }
  unknownKeys(value, ["type", "version", "content"], "doc", problems);
  if (!Array.isArray(value.content)) {
    problems.push("doc.content must be an array");
    return problems;
  }
  value.content.forEach((node, i) => block(node, `doc.content[${i}]`, TOP_BLOCKS, problems));
  return problems;
}

function unknownKeys(node: Json, allowed: string[], where: string, problems: string[]): void {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key)) problems.push(`${where}: unknown property "${key}"`);
  }
}

function children(
  node: Json,
  where: string,
  problems: string[],
  options: { required: boolean },
): unknown[] {
  if (node.content === undefined && !options.required) return [];
  if (!Array.isArray(node.content)) {
    problems.push(`${where}.content must be an array`);
    return [];
  }
  if (options.required && node.content.length === 0) {
    problems.push(`${where}.content must not be empty`);
  }
  return node.content;
}

function block(node: unknown, where: string, allowed: Set<string>, problems: string[]): void {
  if (!isObject(node) || typeof node.type !== "string") {
    problems.push(`${where}: not a node`);
    return;
  }
  const type = node.type;
  const at = `${where} (${type})`;
  if (!allowed.has(type)) {
    problems.push(`${at}: not allowed here (allowed: ${[...allowed].join(", ")})`);
    return;
  }
  switch (type) {
    case "paragraph": {
      unknownKeys(node, ["type", "content", "attrs", "marks"], at, problems);
      children(node, at, problems, { required: false })
        .forEach((c, i) => inline(c, `${at}.content[${i}]`, problems));
      break;
    }
    case "heading": {
      unknownKeys(node, ["type", "content", "attrs", "marks"], at, problems);
      const level = isObject(node.attrs) ? node.attrs.level : undefined;
      if (typeof level !== "number" || !Number.isInteger(level) || level < 1 || level > 6) {
        problems.push(`${at}: attrs.level must be 1 to 6`);
      }
      children(node, at, problems, { required: false })
        .forEach((c, i) => inline(c, `${at}.content[${i}]`, problems));
      break;
    }
    case "bulletList":
    case "orderedList": {
      unknownKeys(node, ["type", "content", "attrs"], at, problems);
      if (type === "orderedList" && node.attrs !== undefined) {
        const order = isObject(node.attrs) ? node.attrs.order : undefined;
        if (order !== undefined && (typeof order !== "number" || order < 0)) {
          problems.push(`${at}: attrs.order must be a number ≥ 0`);
        }
      }
      children(node, at, problems, { required: true }).forEach((c, i) => {
        const itemAt = `${at}.content[${i}]`;
        if (!isObject(c) || c.type !== "listItem") {
          problems.push(`${itemAt}: a list holds only listItem nodes`);
          return;
        }
        unknownKeys(c, ["type", "content", "attrs"], itemAt, problems);
        children(c, itemAt, problems, { required: true }).forEach((g, j) =>
          block(g, `${itemAt}.content[${j}]`, j === 0 ? LIST_ITEM_FIRST : LIST_ITEM_REST, problems)
        );
      });
      break;
    }
    case "codeBlock": {
      unknownKeys(node, ["type", "content", "attrs"], at, problems);
      if (node.attrs !== undefined) {
        const language = isObject(node.attrs) ? node.attrs.language : null;
        if (!isObject(node.attrs) || (language !== undefined && typeof language !== "string")) {
          problems.push(`${at}: attrs.language must be a string`);
        }
      }
      children(node, at, problems, { required: false }).forEach((c, i) => {
        const textAt = `${at}.content[${i}]`;
        if (!isObject(c) || c.type !== "text") {
          problems.push(`${textAt}: a codeBlock holds only text nodes`);
          return;
        }
        if (c.marks !== undefined) problems.push(`${textAt}: text in a codeBlock takes no marks`);
        inline(c, textAt, problems);
      });
      break;
    }
    case "blockquote": {
      unknownKeys(node, ["type", "content"], at, problems);
      children(node, at, problems, { required: true })
        .forEach((c, i) => block(c, `${at}.content[${i}]`, QUOTE_CHILDREN, problems));
      break;
    }
    case "panel": {
      unknownKeys(node, ["type", "content", "attrs"], at, problems);
      const panelType = isObject(node.attrs) ? node.attrs.panelType : undefined;
      if (typeof panelType !== "string" || !PANEL_TYPES.has(panelType)) {
        problems.push(`${at}: attrs.panelType must be one of ${[...PANEL_TYPES].join(", ")}`);
      }
      children(node, at, problems, { required: true })
        .forEach((c, i) => block(c, `${at}.content[${i}]`, PANEL_CHILDREN, problems));
      break;
    }
    case "rule":
      unknownKeys(node, ["type"], at, problems);
      break;
  }
}

function inline(node: unknown, where: string, problems: string[]): void {
  if (!isObject(node) || typeof node.type !== "string") {
    problems.push(`${where}: not a node`);
    return;
  }
  const at = `${where} (${node.type})`;
  if (!INLINE.has(node.type)) {
    problems.push(`${at}: not an inline node (allowed: ${[...INLINE].join(", ")})`);
    return;
  }
  switch (node.type) {
    case "text": {
      unknownKeys(node, ["type", "text", "marks"], at, problems);
      if (typeof node.text !== "string" || node.text.length === 0) {
        problems.push(`${at}: text must be a non-empty string`);
      }
      if (node.marks !== undefined) marks(node.marks, at, problems);
      break;
    }
    case "hardBreak":
      unknownKeys(node, ["type", "attrs"], at, problems);
      break;
    case "mention":
    case "emoji":
    case "inlineCard": {
      unknownKeys(node, ["type", "attrs"], at, problems);
      const attr = node.type === "mention" ? "id" : node.type === "emoji" ? "shortName" : "url";
      if (!isObject(node.attrs) || typeof node.attrs[attr] !== "string") {
        problems.push(`${at}: attrs.${attr} is required`);
      }
      break;
    }
  }
}

function marks(value: unknown, where: string, problems: string[]): void {
  if (!Array.isArray(value)) {
    problems.push(`${where}: marks must be an array`);
    return;
  }
  const seen = new Set<string>();
  value.forEach((mark, i) => {
    const at = `${where}.marks[${i}]`;
    if (!isObject(mark) || typeof mark.type !== "string" || !MARKS.has(mark.type)) {
      problems.push(`${at}: unknown mark ${JSON.stringify(isObject(mark) ? mark.type : mark)}`);
      return;
    }
    if (seen.has(mark.type)) problems.push(`${at}: duplicate mark ${mark.type}`);
    seen.add(mark.type);
    unknownKeys(mark, ["type", "attrs"], at, problems);
    const attrs = isObject(mark.attrs) ? mark.attrs : {};
    if (mark.type === "link" && (typeof attrs.href !== "string" || attrs.href === "")) {
      problems.push(`${at}: link needs attrs.href`);
    }
    if (mark.type === "subsup" && attrs.type !== "sub" && attrs.type !== "sup") {
      problems.push(`${at}: subsup needs attrs.type sub or sup`);
    }
    if (
      mark.type === "textColor" &&
      (typeof attrs.color !== "string" || !/^#[0-9a-f]{6}$/i.test(attrs.color))
    ) {
      problems.push(`${at}: textColor needs attrs.color #rrggbb`);
    }
  });
  if (seen.has("code") && [...seen].some((m) => m !== "code" && m !== "link")) {
    problems.push(`${where}: the code mark combines only with link`);
  }
}

// ---------------------------------------------------------------------------
// JQL

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

const CATEGORY_NAMES: Record<StatusCategoryKey, string[]> = {
  new: ["to do", "new", "2"],
  indeterminate: ["in progress", "indeterminate", "4"],
  done: ["done", "3"],
};

// ---------------------------------------------------------------------------
// The server

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const notFoundIssue = (): Reply => ({
  status: 404,
  body: {
    errorMessages: ["Issue does not exist or you do not have permission to see it."],
    errors: {},
  },
});

function jiraError(status: number, messages: string[], errors: Record<string, string> = {}): Reply {
  return { status, body: { errorMessages: messages, errors } };
}

function now(): string {
  return new Date().toISOString().replace("Z", "+0000");
}

function droppedResponse(status: number): Response {
  const body = new ReadableStream({
    start(controller) {
      controller.error(new Error("connection dropped by FakeJira"));
    },
  });
  return new Response(body, { status: status || 200 });
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-\d+$/;
const TEXT_LIMIT = 32_767;
const ADF_REQUIRED =
  "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
const STRING_REQUIRED = "Operation value must be a string";
const NOT_SETTABLE = (field: string) =>
  `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;

/** Query parameters Jira documents per operation (anything else is a violation). */
const PARAMS = {
  project: ["expand", "properties"],
  createIssue: ["updateHistory"],
  getIssue: {
    cloud: ["fields", "fieldsByKeys", "expand", "properties", "updateHistory", "failFast"],
    datacenter: ["fields", "expand", "properties", "updateHistory"],
  },
  getTransitions: {
    cloud: [
      "expand",
      "transitionId",
      "skipRemoteOnlyCondition",
      "includeUnavailableTransitions",
      "sortByOpsBarAndStatus",
    ],
    datacenter: ["expand", "transitionId"],
  },
  doTransition: [] as string[],
  getComments: ["startAt", "maxResults", "orderBy", "expand"],
  addComment: ["expand"],
  searchJql: [
    "jql",
    "nextPageToken",
    "maxResults",
    "fields",
    "expand",
    "properties",
    "fieldsByKeys",
    "failFast",
    "reconcileIssues",
  ],
  searchV2: ["jql", "startAt", "maxResults", "validateQuery", "fields", "expand"],
};

const SEARCH_JQL_BODY = [
  "jql",
  "nextPageToken",
  "maxResults",
  "fields",
  "expand",
  "properties",
  "fieldsByKeys",
  "failFast",
  "reconcileIssues",
];
const SEARCH_V2_BODY = ["jql", "startAt", "maxResults", "validateQuery", "fields", "expand"];
const CREATE_KEYS = ["fields", "update", "transition", "properties", "historyMetadata"];
const KNOWN_FIELDS = ["project", "summary", "issuetype", "description", "labels", "priority"];

/** The fake Jira; see the module documentation. */
export class FakeJira {
  /** `JIRA_URL`: origin plus context path. */
  readonly url: string;
  readonly origin: string;
  readonly mode: JiraMode;
  readonly contextPath: string;
  readonly email: string;
  readonly token: string;
  /** The exact `Authorization` header value the server accepts. */
  readonly authorization: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every client mistake found (each also answered with an error status). */
  readonly violations: string[] = [];
  /** Projects by key. */
  readonly projects: Map<string, FakeProject> = new Map();
  /** Every issue, in creation order. */
  readonly issues: FakeIssue[] = [];
  /** Largest page handed out. */
  pageCap: number;

  #server: Deno.HttpServer<Deno.NetAddr>;
  #rules = new ScriptQueue<ScriptRule>();
  #closing = new AbortController();
  #closed: Promise<void> | undefined;
  #nextId = 10000;
  #nextCommentId = 20000;

  private constructor(options: FakeJiraOptions) {
    this.mode = options.mode ?? "cloud";
    this.contextPath = (options.contextPath ?? "").replace(/\/+$/, "");
    this.email = options.email ?? "pace-bot@acme.example";
    this.token = options.token ??
      (this.mode === "cloud"
        ? "ATATT3xFfGF0-fake-api-token-0123456789"
        : "NjQ1fake-pat-0123456789abcdef");
    this.authorization = this.mode === "cloud"
      ? `Basic ${base64(`${this.email}:${this.token}`)}`
      : `Bearer ${this.token}`;
    this.pageCap = options.pageCap ?? 100;
    const projects = options.projects ?? [{ key: "PACE" }];
    projects.forEach((p, i) => {
      this.projects.set(p.key, {
        id: p.id ?? String(10100 + i),
        name: p.name ?? `${p.key} project`,
        issueTypes: p.issueTypes ?? ["Bug", "Task", "Story", "Epic", "Subtask"],
        priorities: p.priorities ?? ["Highest", "High", "Medium", "Low", "Lowest"],
        priorityOnCreateScreen: p.priorityOnCreateScreen ?? true,
        workflow: p.workflow ?? defaultWorkflow(),
        key: p.key,
      });
    });
    this.#server = Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      onListen() {},
      onError: () => new Response(null, { status: 500 }),
    }, (request) => this.#handle(request));
    this.origin = `http://127.0.0.1:${this.#server.addr.port}`;
    this.url = this.origin + this.contextPath;
  }

  /** Start on a free port of 127.0.0.1. */
  static start(options: FakeJiraOptions = {}): FakeJira {
    return new FakeJira(options);
  }

  /** Stop serving; pending hangs end. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort();
      this.#closed = this.#server.shutdown();
    }
    return this.#closed;
  }

  /** `await using jira = FakeJira.start()` */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Queue a scripted answer (checked after auth, before normal handling, in order). */
  script(rule: ScriptRule): void {
    this.#rules.add(rule);
  }

  /** Scripted answers not yet used. */
  get pendingScripts(): number {
    return this.#rules.pending;
  }

  /** REST version the mode speaks. */
  get version(): "2" | "3" {
    return this.mode === "cloud" ? "3" : "2";
  }

  /** Add an issue directly (e.g. a plan issue, or a done story). */
  addIssue(input: Partial<FakeIssue> & { summary: string }): FakeIssue {
    const project = input.project ?? "PACE";
    const workflow = this.projects.get(project)?.workflow ?? defaultWorkflow();
    const number = this.issues.filter((i) => i.project === project).length + 1;
    const issue: FakeIssue = {
      id: String(this.#nextId++),
      description: null,
      issueType: "Task",
      priority: null,
      labels: [],
      status: workflow.statuses[0].name,
      created: now(),
      comments: [],
      ...input,
      project,
      key: input.key ?? `${project}-${number}`,
    };
    this.issues.push(issue);
    return issue;
  }

  /** The issue with `key`. */
  issue(key: string): FakeIssue | undefined {
    return this.issues.find((i) => i.key === key);
  }

  /** Requests whose path ends with `suffix` (and method, when given). */
  sent(suffix: string | RegExp, method?: string): RecordedRequest[] {
    return this.requests.filter((r) =>
      (method === undefined || r.method === method) &&
      (typeof suffix === "string" ? r.path.endsWith(suffix) : suffix.test(r.path))
    );
  }

  // -------------------------------------------------------------------------
  // Pipeline

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = await request.text();
    let body: unknown = undefined;
    let badJson = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        badJson = true;
      }
    }
    const inContext = !this.contextPath || url.pathname === this.contextPath ||
      url.pathname.startsWith(`${this.contextPath}/`);
    const path = inContext ? url.pathname.slice(this.contextPath.length) || "/" : url.pathname;
    const record: RecordedRequest = {
      method: request.method,
      path,
      query: url.searchParams,
      headers: new Headers(request.headers),
      body,
      status: -1,
    };
    this.requests.push(record);
    const label = `${request.method} ${url.pathname}${url.search}`;
    const finish = (reply: Reply): Response => {
      const headers = new Headers({ "x-arequestid": `fake-${this.requests.length}` });
      let payload: string | null = null;
      if (reply.body !== undefined && reply.status !== 204) {
        payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
        headers.set(
          "content-type",
          typeof reply.body === "string"
            ? "text/html;charset=UTF-8"
            : "application/json;charset=UTF-8",
        );
      }
      for (const [k, v] of Object.entries(reply.headers ?? {})) headers.set(k, v);
      record.status = reply.status;
      return new Response(payload, { status: reply.status, headers });
    };
    const violation = (problem: string, reply: Reply): Response => {
      this.violations.push(`${label}: ${problem}`);
      return finish(reply);
    };

    if (!inContext) {
      return violation(`outside the context path ${this.contextPath}`, {
        status: 404,
        body: "<html>Not Found</html>",
      });
    }

    // Credentials first: Jira checks them before anything else.
    const auth = request.headers.get("authorization");
    if (auth !== this.authorization) {
      const scheme = auth?.split(" ")[0]?.toLowerCase();
      const expected = this.mode === "cloud" ? "basic" : "bearer";
      if (!auth) this.violations.push(`${label}: no Authorization header`);
      else if (scheme !== expected) {
        this.violations.push(
          `${label}: ${this.mode} expects ${expected} authentication, got ${scheme}`,
        );
      }
      return finish({
        status: 401,
        headers: {
          "www-authenticate": this.mode === "cloud"
            ? 'Basic realm="protected-area"'
            : 'Bearer realm="Jira"',
          "x-seraph-loginreason": "AUTHENTICATED_FAILED",
        },
        body: {
          errorMessages: [
            "You are not authenticated. Authentication required to perform this operation.",
          ],
          errors: {},
        },
      });
    }

    if (badJson) {
      return violation(
        "body is not JSON",
        jiraError(400, ["Unexpected character: the body is not valid JSON."]),
      );
    }
    if (
      ["POST", "PUT"].includes(request.method) &&
      !(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")
    ) {
      return violation("POST without Content-Type: application/json", {
        status: 415,
        body: "Unsupported Media Type",
      });
    }

    const rule = this.#rules.take(request.method, path, url.search);
    if (rule) {
      if (rule.hangMs) {
        const completed = await sleepUnlessClosed(rule.hangMs, this.#closing.signal);
        if (!completed) {
          record.status = 0;
          return droppedResponse(200);
        }
      }
      if (rule.drop) {
        record.status = 0;
        return droppedResponse(rule.status ?? 200);
      }
      if (rule.status !== undefined || rule.body !== undefined || rule.headers) {
        return finish({ status: rule.status ?? 200, body: rule.body, headers: rule.headers });
      }
    }

    const reply = this.#route(request.method, path, url.searchParams, body, label);
    return finish(reply);
  }

  #route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
    label: string,
  ): Reply {
    const violate = (problem: string, reply: Reply): Reply => {
      this.violations.push(`${label}: ${problem}`);
      return reply;
    };
    const api = /^\/rest\/api\/(2|3|latest)(\/.*)?$/.exec(path);
    if (!api) {
      return violate("not a Jira REST API path", { status: 404, body: "<html>Not Found</html>" });
    }
    const [, version, rest = ""] = api;
    if (version !== this.version) {
      return violate(
        `${
          this.mode === "cloud" ? "Jira Cloud" : "Jira Data Center"
        } is spoken with REST v${this.version}, not v${version}`,
        this.mode === "datacenter" && version === "3"
          ? { status: 404, body: "<html>Not Found</html>" }
          : jiraError(400, [`PACE's Jira ${this.mode} client must use /rest/api/${this.version}`]),
      );
    }
    const checkParams = (allowed: string[]): Reply | undefined => {
      const unknown = [...query.keys()].filter((k) => !allowed.includes(k));
      if (unknown.length === 0) return undefined;
      return violate(
        `undocumented query parameter(s) ${unknown.join(", ")} (documented: ${
          allowed.join(", ") || "none"
        })`,
        jiraError(400, [`Unrecognized query parameter(s): ${unknown.join(", ")}`]),
      );
    };
    const methodNotAllowed = (allowed: string): Reply =>
      violate(`method not allowed (allowed: ${allowed})`, { status: 405, body: "" });

    // Search.
    if (rest === "/search" && this.mode === "cloud") {
      return violate("the removed /rest/api/3/search was called (use /search/jql)", {
        status: 410,
        body: {
          errorMessages: [
            "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. " +
            "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046",
          ],
          errors: {},
        },
      });
    }
    if (rest === "/search/jql" && this.mode === "cloud") {
      if (method === "GET") {
        return checkParams(PARAMS.searchJql) ?? this.#searchJql(Object.fromEntries(query), label);
      }
      if (method === "POST") {
        const bad = checkParams([]);
        if (bad) return bad;
        if (!isObject(body)) {
          return violate(
            "search body must be a JSON object",
            jiraError(400, ["Invalid request payload."]),
          );
        }
        const unknown = Object.keys(body).filter((k) => !SEARCH_JQL_BODY.includes(k));
        if (unknown.length) {
          return violate(
            `unknown search body field(s) ${unknown.join(", ")}`,
            jiraError(400, [`Unrecognized field(s): ${unknown.join(", ")}`]),
          );
        }
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries(body)) {
          params[k] = Array.isArray(v) ? v.join(",") : String(v);
        }
        return this.#searchJql(params, label);
      }
      return methodNotAllowed("GET, POST");
    }
    if (rest === "/search" && this.mode === "datacenter") {
      if (method === "GET") {
        return checkParams(PARAMS.searchV2) ?? this.#searchV2(Object.fromEntries(query), label);
      }
      if (method === "POST") {
        const bad = checkParams([]);
        if (bad) return bad;
        if (!isObject(body)) {
          return violate(
            "search body must be a JSON object",
            jiraError(400, ["Invalid request payload."]),
          );
        }
        const unknown = Object.keys(body).filter((k) => !SEARCH_V2_BODY.includes(k));
        if (unknown.length) {
          return violate(
            `unknown search body field(s) ${unknown.join(", ")}`,
            jiraError(400, [`Unrecognized field(s): ${unknown.join(", ")}`]),
          );
        }
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries(body)) {
          params[k] = Array.isArray(v) ? v.join(",") : String(v);
        }
        return this.#searchV2(params, label);
      }
      return methodNotAllowed("GET, POST");
    }

    // Projects.
    const project = /^\/project\/([^/]+)$/.exec(rest);
    if (project) {
      if (method !== "GET") return methodNotAllowed("GET");
      const bad = checkParams(PARAMS.project);
      if (bad) return bad;
      const key = decodeURIComponent(project[1]);
      const found = this.#project(key);
      if (!found) {
        return jiraError(404, [`No project could be found with key '${key}'.`]);
      }
      return { status: 200, body: this.#projectView(found) };
    }

    // Issues.
    if (rest === "/issue") {
      if (method !== "POST") return methodNotAllowed("POST");
      return checkParams(PARAMS.createIssue) ?? this.#create(body, label);
    }
    const issuePath = /^\/issue\/([^/]+)(\/transitions|\/comment)?$/.exec(rest);
    if (issuePath) {
      const [, rawKey, sub = ""] = issuePath;
      let key: string;
      try {
        key = decodeURIComponent(rawKey);
      } catch {
        return violate("malformed issue key in the path", notFoundIssue());
      }
      if (!ISSUE_KEY.test(key) && !/^\d+$/.test(key)) {
        return violate(`"${key}" is not an issue key or id`, notFoundIssue());
      }
      const issue = this.issues.find((i) => i.key === key || i.id === key);
      const mode = this.mode;
      if (sub === "") {
        if (method !== "GET") return methodNotAllowed("GET");
        const bad = checkParams(PARAMS.getIssue[mode]);
        if (bad) return bad;
        if (!issue) return notFoundIssue();
        return { status: 200, body: this.#issueView(issue, query.get("fields") ?? "*all") };
      }
      if (sub === "/transitions") {
        if (method === "GET") {
          const bad = checkParams(PARAMS.getTransitions[mode]);
          if (bad) return bad;
          if (!issue) return notFoundIssue();
          return {
            status: 200,
            body: { expand: "transitions", transitions: this.#transitionsOf(issue) },
          };
        }
        if (method === "POST") {
          const bad = checkParams(PARAMS.doTransition);
          if (bad) return bad;
          return this.#doTransition(issue, body, label);
        }
        return methodNotAllowed("GET, POST");
      }
      if (method === "GET") {
        const bad = checkParams(PARAMS.getComments);
        if (bad) return bad;
        if (!issue) return notFoundIssue();
        return this.#comments(issue, query);
      }
      if (method === "POST") {
        const bad = checkParams(PARAMS.addComment);
        if (bad) return bad;
        return this.#addComment(issue, body, label);
      }
      return methodNotAllowed("GET, POST");
    }
    return violate("no such Jira REST resource", { status: 404, body: "<html>Not Found</html>" });
  }

  // -------------------------------------------------------------------------
  // Views

  #project(keyOrId: string): FakeProject | undefined {
    for (const p of this.projects.values()) {
      if (p.key.toUpperCase() === keyOrId.toUpperCase() || p.id === keyOrId) return p;
    }
    return undefined;
  }

  #projectView(p: FakeProject) {
    const api = `${this.url}/rest/api/${this.version}`;
    return {
      self: `${api}/project/${p.id}`,
      id: p.id,
      key: p.key,
      name: p.name,
      projectTypeKey: "software",
      issueTypes: p.issueTypes.map((name, i) => ({
        self: `${api}/issuetype/${10000 + i}`,
        id: String(10000 + i),
        name,
        subtask: /^sub-?task$/i.test(name),
      })),
    };
  }

  #statusView(project: FakeProject, name: string) {
    const status = project.workflow.statuses.find((s) => s.name === name) ??
      project.workflow.statuses[0];
    const category = {
      new: { id: 2, key: "new", colorName: "blue-gray", name: "To Do" },
      indeterminate: { id: 4, key: "indeterminate", colorName: "yellow", name: "In Progress" },
      done: { id: 3, key: "done", colorName: "green", name: "Done" },
    }[status.category];
    const api = `${this.url}/rest/api/${this.version}`;
    return {
      self: `${api}/status/${status.id}`,
      description: "",
      name: status.name,
      id: status.id,
      statusCategory: { self: `${api}/statuscategory/${category.id}`, ...category },
    };
  }

  #issueView(issue: FakeIssue, fieldsParam: string | undefined) {
    const project = this.projects.get(issue.project)!;
    const api = `${this.url}/rest/api/${this.version}`;
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description,
      labels: issue.labels,
      status: this.#statusView(project, issue.status),
      issuetype: { name: issue.issueType, subtask: false },
      priority: issue.priority ? { name: issue.priority } : null,
      project: { id: project.id, key: project.key, name: project.name },
      created: issue.created,
    };
    const view: Record<string, unknown> = {
      expand: "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
      id: issue.id,
      self: `${api}/issue/${issue.id}`,
      key: issue.key,
    };
    if (fieldsParam === undefined) return { id: issue.id };
    const wanted = fieldsParam.split(",").map((f) => f.trim()).filter(Boolean);
    const fields: Record<string, unknown> = {};
    for (const name of Object.keys(all)) {
      if (wanted.includes("*all") || wanted.includes("*navigable") || wanted.includes(name)) {
        if (!wanted.includes(`-${name}`)) fields[name] = all[name];
      }
    }
    view.fields = fields;
    return view;
  }

  #transitionsOf(issue: FakeIssue) {
    const project = this.projects.get(issue.project)!;
    return project.workflow.transitions
      .filter((t) => t.from ? t.from.includes(issue.status) : t.to !== issue.status)
      .map((t) => ({
        id: t.id,
        name: t.name,
        to: this.#statusView(project, t.to),
        hasScreen: false,
        isGlobal: !t.from,
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: false,
      }));
  }

  // -------------------------------------------------------------------------
  // Search

  #compile(jql: string): { match: (issue: FakeIssue) => boolean; order: JqlQuery["orderBy"] } {
    const query = parseJql(jql);
    const check = (node: JqlNode | undefined): void => {
      if (!node) return;
      if (node.type === "and" || node.type === "or") return node.parts.forEach(check);
      if (node.type === "not") return check(node.part);
      const field = node.field.toLowerCase();
      const known = [
        "project",
        "labels",
        "statuscategory",
        "status",
        "key",
        "issuekey",
        "issuetype",
        "type",
        "summary",
        "priority",
      ];
      if (!known.includes(field)) {
        throw new JqlError(
          `Field '${node.field}' does not exist or you do not have permission to view it.`,
          false,
        );
      }
      for (const value of node.values) {
        const exists = field === "project"
          ? this.#project(value) !== undefined
          : field === "statuscategory"
          ? Object.values(CATEGORY_NAMES).some((names) => names.includes(value.toLowerCase()))
          : field === "status"
          ? [...this.projects.values()].some((p) =>
            p.workflow.statuses.some((s) => s.name.toLowerCase() === value.toLowerCase())
          )
          : field === "issuetype" || field === "type"
          ? [...this.projects.values()].some((p) =>
            p.issueTypes.some((t) => t.toLowerCase() === value.toLowerCase())
          )
          : true;
        if (!exists) {
          throw new JqlError(
            `The value '${value}' does not exist for the field '${node.field}'.`,
            false,
          );
        }
      }
    };
    check(query.where);
    const test = (node: JqlNode, issue: FakeIssue): boolean => {
      if (node.type === "and") return node.parts.every((p) => test(p, issue));
      if (node.type === "or") return node.parts.some((p) => test(p, issue));
      if (node.type === "not") return !test(node.part, issue);
      const project = this.projects.get(issue.project)!;
      const field = node.field.toLowerCase();
      const status = project.workflow.statuses.find((s) => s.name === issue.status);
      const actual: string[] = field === "project"
        ? [project.key.toLowerCase(), project.id, project.name.toLowerCase()]
        : field === "labels"
        ? issue.labels
        : field === "statuscategory"
        ? CATEGORY_NAMES[status?.category ?? "new"]
        : field === "status"
        ? [issue.status.toLowerCase()]
        : field === "key" || field === "issuekey"
        ? [issue.key.toLowerCase(), issue.id]
        : field === "issuetype" || field === "type"
        ? [issue.issueType.toLowerCase()]
        : field === "priority"
        ? issue.priority ? [issue.priority.toLowerCase()] : []
        : [issue.summary.toLowerCase()];
      const norm = (v: string) => field === "labels" ? v : v.toLowerCase();
      const values = node.values.map(norm);
      switch (node.operator) {
        case "=":
          return actual.includes(values[0]);
        case "!=":
          return !actual.includes(values[0]);
        case "in":
          return values.some((v) => actual.includes(v));
        case "not in":
          return !values.some((v) => actual.includes(v));
        case "~":
          return actual.some((a) => a.includes(values[0]));
        case "!~":
          return !actual.some((a) => a.includes(values[0]));
        case "is empty":
          return actual.length === 0;
        case "is not empty":
          return actual.length > 0;
        default:
          throw new JqlError(
            `The operator '${node.operator}' is not supported by the '${node.field}' field.`,
            false,
          );
      }
    };
    return { match: (issue) => !query.where || test(query.where, issue), order: query.orderBy };
  }

  #run(jql: string): FakeIssue[] | Reply {
    let compiled;
    try {
      compiled = this.#compile(jql);
    } catch (error) {
      if (!(error instanceof JqlError)) throw error;
      return {
        status: 400,
        body: { errorMessages: [error.message], errors: {}, warningMessages: [] },
      };
    }
    const found = this.issues.filter(compiled.match);
    const number = (i: FakeIssue) => Number(i.key.split("-").pop());
    if (compiled.order.length) {
      const { field, direction } = compiled.order[0];
      found.sort((a, b) => {
        const d = field === "created" ? a.created.localeCompare(b.created) : number(a) - number(b);
        return direction === "asc" ? d : -d;
      });
    } else {
      // Jira's default order is by key, newest first.
      found.sort((a, b) => number(b) - number(a));
    }
    return found;
  }

  #pageSize(raw: string | undefined): number {
    const asked = raw === undefined ? 50 : Number(raw);
    return Math.max(0, Math.min(Number.isFinite(asked) ? asked : 50, this.pageCap));
  }

  #searchJql(params: Record<string, string>, label: string): Reply {
    const jql = (params.jql ?? "").trim();
    if (!jql || parseJqlSafe(jql)?.where === undefined) {
      this.violations.push(`${label}: unbounded JQL`);
      return jiraError(400, [
        "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
      ]);
    }
    const result = this.#run(jql);
    if (!Array.isArray(result)) {
      if (
        (result.body as { errorMessages: string[] }).errorMessages[0].startsWith("Error in the JQL")
      ) {
        this.violations.push(`${label}: unparseable JQL`);
      }
      return result;
    }
    let offset = 0;
    if (params.nextPageToken !== undefined) {
      const decoded = decodeToken(params.nextPageToken);
      if (!decoded || decoded.jql !== jql) {
        this.violations.push(`${label}: nextPageToken does not belong to this query`);
        return jiraError(400, ["The provided next page token is invalid or expired."]);
      }
      offset = decoded.offset;
    }
    const size = this.#pageSize(params.maxResults);
    const page = result.slice(offset, offset + size);
    const end = offset + page.length;
    const body: Record<string, unknown> = {
      issues: page.map((i) => this.#issueView(i, params.fields)),
      isLast: end >= result.length,
    };
    // Like Cloud (JRACLOUD-92184), the last page carries no nextPageToken at all.
    if (end < result.length) body.nextPageToken = encodeToken({ jql, offset: end });
    return { status: 200, body };
  }

  #searchV2(params: Record<string, string>, label: string): Reply {
    const jql = params.jql ?? "";
    const result = this.#run(jql);
    if (!Array.isArray(result)) {
      if (
        (result.body as { errorMessages: string[] }).errorMessages[0].startsWith("Error in the JQL")
      ) {
        this.violations.push(`${label}: unparseable JQL`);
      }
      return result;
    }
    const startAt = Math.max(0, Number(params.startAt ?? 0) || 0);
    const size = this.#pageSize(params.maxResults);
    const page = result.slice(startAt, startAt + size);
    return {
      status: 200,
      body: {
        expand: "schema,names",
        startAt,
        maxResults: size,
        total: result.length,
        issues: page.map((i) => this.#issueView(i, params.fields ?? "*navigable")),
      },
    };
  }

  // -------------------------------------------------------------------------
  // Writes

  /** Check a description or comment body for the mode; `undefined` when fine. */
  #bodyProblem(value: unknown, field: string, label: string): Reply | undefined {
    if (this.mode === "cloud") {
      if (!isObject(value)) {
        this.violations.push(`${label}: ${field} is not ADF`);
        return jiraError(400, [], { [field]: ADF_REQUIRED });
      }
      const problems = validateAdf(value);
      if (problems.length) {
        for (const p of problems) this.violations.push(`${label}: invalid ADF in ${field}: ${p}`);
        return jiraError(400, ["INVALID_INPUT"]);
      }
      if (JSON.stringify(value).length > TEXT_LIMIT) {
        this.violations.push(`${label}: ${field} over ${TEXT_LIMIT} characters`);
        return jiraError(400, [], { [field]: "CONTENT_LIMIT_EXCEEDED" });
      }
      return undefined;
    }
    if (typeof value !== "string") {
      this.violations.push(`${label}: ${field} is not a string`);
      return jiraError(400, [], { [field]: STRING_REQUIRED });
    }
    if (value.length > TEXT_LIMIT) {
      this.violations.push(`${label}: ${field} over ${TEXT_LIMIT} characters`);
      return jiraError(400, [], {
        [field]: `The entered text is too long. It exceeds the allowed limit of ${
          TEXT_LIMIT.toLocaleString("en")
        } characters.`,
      });
    }
    return undefined;
  }

  #create(body: unknown, label: string): Reply {
    if (!isObject(body) || !isObject(body.fields)) {
      this.violations.push(`${label}: create body must be {"fields": {...}}`);
      return jiraError(400, ["Issue must be created with fields."]);
    }
    const unknownTop = Object.keys(body).filter((k) => !CREATE_KEYS.includes(k));
    if (unknownTop.length) {
      this.violations.push(`${label}: unknown top-level key(s) ${unknownTop.join(", ")}`);
      return jiraError(400, [`Unrecognized field(s): ${unknownTop.join(", ")}`]);
    }
    const fields = body.fields;
    const errors: Record<string, string> = {};
    for (const key of Object.keys(fields)) {
      if (!KNOWN_FIELDS.includes(key)) {
        this.violations.push(`${label}: field ${key} is not on the create screen`);
        errors[key] = NOT_SETTABLE(key);
      }
    }
    const ref = (value: unknown): string | undefined => {
      if (!isObject(value)) return undefined;
      const v = value.key ?? value.name ?? value.id;
      return typeof v === "string" ? v : undefined;
    };
    const projectRef = ref(fields.project);
    const project = projectRef ? this.#project(projectRef) : undefined;
    if (!project) {
      errors.project = "Specify a valid project ID or key";
    }
    const summary = fields.summary;
    if (typeof summary !== "string") {
      if (summary !== undefined) this.violations.push(`${label}: summary is not a string`);
      errors.summary = summary === undefined
        ? "You must specify a summary of the issue."
        : STRING_REQUIRED;
    } else if (summary.trim() === "") {
      errors.summary = "You must specify a summary of the issue.";
    } else if (/[\r\n]/.test(summary)) {
      this.violations.push(`${label}: summary holds a newline`);
      errors.summary = "The summary is invalid because it contains newline characters.";
    } else if (summary.length > 255) {
      this.violations.push(`${label}: summary over 255 characters`);
      errors.summary = "Summary must be less than 255 characters.";
    }
    const issueType = ref(fields.issuetype);
    if (issueType === undefined) {
      if (fields.issuetype !== undefined) this.violations.push(`${label}: issuetype is not {name}`);
      errors.issuetype = "Specify an issue type";
    } else if (project && !project.issueTypes.includes(issueType)) {
      errors.issuetype = "Specify a valid issue type";
    }
    let priority: string | null = null;
    if (fields.priority !== undefined) {
      const name = ref(fields.priority);
      if (name === undefined) {
        this.violations.push(`${label}: priority is not {name}`);
        errors.priority = "Specify the Priority (id or name) in the string format";
      } else if (project && !project.priorityOnCreateScreen) {
        errors.priority = NOT_SETTABLE("priority");
      } else if (project && !project.priorities.includes(name)) {
        errors.priority = "The priority selected is invalid.";
      } else priority = name;
    }
    let labels: string[] = [];
    if (fields.labels !== undefined) {
      if (!Array.isArray(fields.labels) || !fields.labels.every((l) => typeof l === "string")) {
        this.violations.push(`${label}: labels is not a list of strings`);
        errors.labels = "Operation value must be a list of strings";
      } else {
        labels = fields.labels as string[];
        const bad = labels.find((l) => /\s/.test(l) || l === "" || l.length > 255);
        if (bad !== undefined) {
          this.violations.push(`${label}: invalid label ${JSON.stringify(bad)}`);
          errors.labels = `The label '${bad}' contains spaces which is invalid.`;
        }
      }
    }
    if (fields.description !== undefined && fields.description !== null) {
      const problem = this.#bodyProblem(fields.description, "description", label);
      if (problem) {
        const problemBody = problem.body as {
          errorMessages: string[];
          errors: Record<string, string>;
        };
        if (problemBody.errorMessages.length) return problem;
        Object.assign(errors, problemBody.errors);
      }
    }
    if (Object.keys(errors).length) return jiraError(400, [], errors);
    const issue = this.addIssue({
      project: project!.key,
      summary: summary as string,
      description: fields.description ?? null,
      issueType: issueType!,
      priority: priority ?? (project!.priorityOnCreateScreen ? "Medium" : null),
      labels,
    });
    return {
      status: 201,
      body: {
        id: issue.id,
        key: issue.key,
        self: `${this.url}/rest/api/${this.version}/issue/${issue.id}`,
      },
    };
  }

  #doTransition(issue: FakeIssue | undefined, body: unknown, label: string): Reply {
    if (!isObject(body) || !isObject(body.transition)) {
      this.violations.push(`${label}: body must be {"transition": {"id": "..."}}`);
      return jiraError(400, ["Missing 'transition' identifier"]);
    }
    const unknown = Object.keys(body).filter((k) =>
      !["transition", "fields", "update", "historyMetadata", "properties"].includes(k)
    );
    if (unknown.length) {
      this.violations.push(`${label}: unknown key(s) ${unknown.join(", ")}`);
      return jiraError(400, [`Unrecognized field(s): ${unknown.join(", ")}`]);
    }
    const id = body.transition.id;
    if (typeof id !== "string" || !/^\d+$/.test(id)) {
      this.violations.push(`${label}: transition.id must be a string of digits`);
      return jiraError(400, ["Missing 'transition' identifier"]);
    }
    if (!issue) return notFoundIssue();
    const offered = this.#transitionsOf(issue).find((t) => t.id === id);
    if (!offered) return jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
    issue.status = offered.to.name;
    return { status: 204 };
  }

  #comments(issue: FakeIssue, query: URLSearchParams): Reply {
    const startAt = Math.max(0, Number(query.get("startAt") ?? 0) || 0);
    const size = this.#pageSize(query.get("maxResults") ?? "5000");
    const page = issue.comments.slice(startAt, startAt + size);
    return {
      status: 200,
      body: {
        startAt,
        maxResults: size,
        total: issue.comments.length,
        comments: page.map((c) => ({
          self: `${this.url}/rest/api/${this.version}/issue/${issue.id}/comment/${c.id}`,
          id: c.id,
          author: { displayName: "PACE bot" },
          body: c.body,
          created: c.created,
          updated: c.created,
        })),
      },
    };
  }

  #addComment(issue: FakeIssue | undefined, body: unknown, label: string): Reply {
    if (!isObject(body) || body.body === undefined) {
      this.violations.push(`${label}: comment body must be {"body": ...}`);
      return jiraError(400, [], { comment: "Comment body can not be empty!" });
    }
    const unknown = Object.keys(body).filter((k) =>
      !["body", "visibility", "properties"].includes(k)
    );
    if (unknown.length) {
      this.violations.push(`${label}: unknown key(s) ${unknown.join(", ")}`);
      return jiraError(400, [`Unrecognized field(s): ${unknown.join(", ")}`]);
    }
    const problem = this.#bodyProblem(body.body, "comment", label);
    if (problem) return problem;
    if (!issue) return notFoundIssue();
    const comment: FakeComment = {
      id: String(this.#nextCommentId++),
      body: body.body,
      created: now(),
    };
    issue.comments.push(comment);
    return {
      status: 201,
      body: {
        self: `${this.url}/rest/api/${this.version}/issue/${issue.id}/comment/${comment.id}`,
        id: comment.id,
        body: comment.body,
        created: comment.created,
      },
    };
  }
}

function parseJqlSafe(jql: string): JqlQuery | undefined {
  try {
    return parseJql(jql);
  } catch {
    // Let the search report the syntax error itself.
    return { where: { type: "and", parts: [] }, orderBy: [] };
  }
}

function encodeToken(state: { jql: string; offset: number }): string {
  return base64(JSON.stringify(state)).replace(/=+$/, "");
}

function decodeToken(token: string): { jql: string; offset: number } | undefined {
  try {
    const binary = atob(token);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const state = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof state?.jql === "string" && Number.isInteger(state?.offset)) return state;
  } catch {
    // An invalid token.
  }
  return undefined;
}
