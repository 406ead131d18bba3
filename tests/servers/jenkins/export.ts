/**
 * What Jenkins' Stapler export writes at `…/api/json`: exported objects
 * (`_class` and properties with their visibility), the `tree` grammar
 * (`NamedPathPruner`) and the `depth` pruner (`ByDepth`).
 *
 * @module
 */

/** A value in an exported object. */
export type Value = string | number | boolean | null | Bean | ExportedMap | Value[];

/** An exported property: its value (computed only when written) and visibility. */
export interface Prop {
  name: string;
  value: () => Value;
  /** Jenkins' `@Exported(visibility=…)`, default 1. */
  visibility?: number;
}

/** An exported object; `_class` is written when Jenkins writes it. */
export class Bean {
  constructor(readonly _class: string | undefined, readonly props: Prop[]) {}
}

/**
 * An exported `Map` (the git plugin's `buildsByBranchName`): written as an
 * object keyed by the map's keys. Stapler prunes each value with the map's own
 * `tree` node, so `buildsByBranchName[marked[SHA1]]` reaches into every entry
 * without naming the keys.
 */
export class ExportedMap {
  constructor(readonly entries: [string, Value][]) {}
}

/** An exported property; `value` may be computed when written. */
export function prop(name: string, value: Value | (() => Value), visibility?: number): Prop {
  return { name, value: typeof value === "function" ? value : () => value, visibility };
}

/** A parsed `tree` node: children by name, and the range applied to an array value. */
export interface TreeNode {
  children: Map<string, TreeNode>;
  range: [number, number];
}

const ALL: [number, number] = [0, Number.MAX_SAFE_INTEGER];

/**
 * Parse a `tree` expression with Jenkins' grammar (`NamedPathPruner`):
 * `list := node (',' list)?`, `node := name ('[' list ']')? ('{' range '}')?`,
 * `range := ',' N | N | N ',' | N ',' M`. Throws like Jenkins on malformed input.
 */
export function parseTree(spec: string): TreeNode {
  let pos = 0;
  const special = ",[]{}";
  const peek = (): string => {
    if (pos >= spec.length) return "EOF";
    const c = spec[pos];
    if (special.includes(c)) return c;
    let end = pos;
    while (end < spec.length && !special.includes(spec[end])) end++;
    return `name:${spec.slice(pos, end)}`;
  };
  const advance = (token: string) => {
    pos += token.startsWith("name:") ? token.length - 5 : 1;
  };
  const expect = (token: string) => {
    const actual = peek();
    if (actual !== token) throw new Error(`expected ${token} at ${pos}`);
    advance(actual);
  };
  const accept = (token: string) => {
    if (peek() !== token) return false;
    advance(token);
    return true;
  };
  const number = (): number => {
    const token = peek();
    if (!/^name:[0-9]+$/.test(token)) throw new Error(`expected number at ${pos}`);
    advance(token);
    return Number(token.slice(5));
  };
  const range = (): [number, number] => {
    if (accept(",")) return [0, number()];
    const min = number();
    if (peek() === "}") return [min, min + 1];
    expect(",");
    if (peek() === "}") return [min, Number.MAX_SAFE_INTEGER];
    return [min, number()];
  };
  const list = (tree: TreeNode) => {
    node(tree);
    if (accept(",")) list(tree);
  };
  const node = (tree: TreeNode) => {
    const token = peek();
    if (!token.startsWith("name:")) throw new Error(`expected name at ${pos}`);
    advance(token);
    const subtree: TreeNode = { children: new Map(), range: ALL };
    tree.children.set(token.slice(5), subtree);
    if (accept("[")) {
      list(subtree);
      expect("]");
    }
    if (accept("{")) {
      subtree.range = range();
      expect("}");
    }
  };
  const root: TreeNode = { children: new Map(), range: ALL };
  list(root);
  expect("EOF");
  return root;
}

/** Jenkins' two pruners: a named tree, or depth by visibility. */
type Pruner = { tree: TreeNode } | { depth: number };

function accept(pruner: Pruner, property: Prop): Pruner | undefined {
  if ("tree" in pruner) {
    const subtree = pruner.tree.children.get(property.name) ?? pruner.tree.children.get("*");
    return subtree ? { tree: subtree } : undefined;
  }
  // ByDepth(n): a property shows when its visibility reaches n; children need n + 1.
  if ((property.visibility ?? 1) < pruner.depth) return undefined;
  return { depth: pruner.depth + 1 };
}

function write(value: Value, pruner: Pruner): unknown {
  if (value instanceof Bean) {
    const out: Record<string, unknown> = {};
    if (value._class) out._class = value._class;
    for (const property of value.props) {
      const child = accept(pruner, property);
      if (!child) continue;
      const v = property.value();
      if (Array.isArray(v)) {
        const [min, max] = "tree" in child ? child.tree.range : ALL;
        out[property.name] = v.slice(min, max).map((item) => write(item, child));
      } else {
        out[property.name] = write(v, child);
      }
    }
    return out;
  }
  if (value instanceof ExportedMap) {
    return Object.fromEntries(value.entries.map(([key, item]) => [key, write(item, pruner)]));
  }
  if (Array.isArray(value)) return value.map((item) => write(item, pruner));
  return value;
}

/** Serialize an exported object with `tree` or `depth`, as `…/api/json` does. */
export function exportJson(bean: Bean, options: { tree?: string; depth?: number }): unknown {
  const pruner: Pruner = options.tree !== undefined
    ? { tree: parseTree(options.tree) }
    : { depth: 1 - (options.depth ?? 0) };
  return write(bean, pruner);
}
