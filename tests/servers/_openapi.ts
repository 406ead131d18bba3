/**
 * A small OpenAPI 3.0 request validator for the fake servers of the test suite.
 *
 * It answers one question: would an API described by this OpenAPI document
 * accept this request? It checks the operation (path template + method; a
 * path parameter marked `x-multi-segment` keeps its slashes), the query
 * parameters (declared, required, typed, enums), the path parameters' types,
 * and the JSON request body against its schema (`$ref`, `type`, `nullable`,
 * `required`, `properties`, `additionalProperties`, `enum`, `items`,
 * `oneOf`/`anyOf`/`allOf`, length/size/range keywords, `pattern`).
 * Formats are not checked. No dependencies, nothing specific to one API.
 *
 * ```ts
 * const validator = createValidator(spec);
 * const { operationId, errors } = validator.validate({
 *   method: "GET",
 *   path: "/repos/octo/demo/pulls",
 *   query: new URLSearchParams("state=open"),
 *   body: undefined,
 * });
 * ```
 *
 * @module
 */

/** JSON Schema as OpenAPI 3.0 uses it (only the keywords read here are typed). */
export interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  [keyword: string]: unknown;
}

/** An OpenAPI parameter object (or a `$ref` to one). */
export interface Parameter {
  $ref?: string;
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
  /** GitHub's extension: a path parameter whose value keeps its slashes (`heads/a/b`). */
  "x-multi-segment"?: boolean;
}

/** An OpenAPI operation object (the parts read here). */
export interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: {
    $ref?: string;
    required?: boolean;
    content?: Record<string, { schema?: Schema }>;
  };
}

/** An OpenAPI 3.0 document (the parts read here). */
export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
}

/** The request to check. */
export interface RequestToValidate {
  /** HTTP method, any case. */
  method: string;
  /** The path relative to the API's base URL, still percent-encoded, without query. */
  path: string;
  query?: URLSearchParams;
  /** The parsed JSON body; `undefined` when the request has none. */
  body?: unknown;
  /** The request's `Content-Type` header, if any. */
  contentType?: string;
}

/** What {@linkcode Validator.validate} found. */
export interface ValidationResult {
  /** The matched operation's id, when an operation matched. */
  operationId?: string;
  /** The matched path template, e.g. `/repos/{owner}/{repo}/pulls`. */
  template?: string;
  /** Decoded path parameters of the matched template. */
  pathParams?: Record<string, string>;
  /** Human-readable problems; empty when the document accepts the request. */
  errors: string[];
}

/** Options of {@linkcode createValidator}. */
export interface ValidatorOptions {
  /**
   * Also reject body properties an object schema does not declare, even where
   * the document leaves `additionalProperties` open (the API would silently
   * ignore them: a client bug all the same). Default `false`.
   */
  strictBodies?: boolean;
}

/** A compiled validator for one document. */
export interface Validator {
  /** Check one request. */
  validate(request: RequestToValidate): ValidationResult;
  /** Number of operations in the document. */
  readonly operationCount: number;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface CompiledPath {
  template: string;
  regex: RegExp;
  names: string[];
  /**
   * Per segment: 2 literal, 1 mixed, 0 a lone parameter, -1 a lone parameter
   * that may span segments. Higher wins; on a tie, the longer template.
   */
  rank: number[];
  item: Record<string, unknown>;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Compile a path template. A parameter named in `multiSegment` (OpenAPI's
 * `x-multi-segment: true`, e.g. GitHub's `{ref}` = `heads/release/v2.0`)
 * takes its slashes unencoded, so it matches one or more segments.
 */
function compilePath(
  template: string,
  item: Record<string, unknown>,
  multiSegment: ReadonlySet<string> = new Set(),
): CompiledPath {
  const names: string[] = [];
  const rank: number[] = [];
  const parts = template.split("/").slice(1).map((segment) => {
    if (!segment.includes("{")) {
      rank.push(2);
      return escapeRegex(segment);
    }
    const lone = /^\{([^}]+)\}$/.exec(segment);
    rank.push(lone ? (multiSegment.has(lone[1]) ? -1 : 0) : 1);
    let out = "";
    let last = 0;
    for (const m of segment.matchAll(/\{([^}]+)\}/g)) {
      const value = lone && multiSegment.has(m[1]) ? "([^/].*?)" : "([^/]+?)";
      out += escapeRegex(segment.slice(last, m.index)) + value;
      names.push(m[1]);
      last = m.index! + m[0].length;
    }
    return out + escapeRegex(segment.slice(last));
  });
  return { template, regex: new RegExp(`^/${parts.join("/")}$`), names, rank, item };
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  // `/commits/{ref}/status` beats `/commits/{ref}` when a multi-segment `{ref}` could span both.
  return a.length - b.length;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}

/** Compile `doc` once; validate many requests against it. */
export function createValidator(doc: OpenApiDocument, options: ValidatorOptions = {}): Validator {
  const strict = options.strictBodies ?? false;
  const regexCache = new Map<string, RegExp | null>();

  function resolve<T>(node: T): T {
    let current = node as { $ref?: string } | undefined;
    for (let hops = 0; current && typeof current.$ref === "string"; hops++) {
      if (hops > 50) throw new Error(`$ref loop at ${current.$ref}`);
      const ref = current.$ref;
      if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
      let target: unknown = doc;
      for (const raw of ref.slice(2).split("/")) {
        const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        target = (target as Record<string, unknown> | undefined)?.[key];
      }
      if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
      current = target as { $ref?: string };
    }
    return current as T;
  }

  /** Path parameters of a path item marked `x-multi-segment` by any of its operations. */
  function multiSegmentNames(item: Record<string, unknown>): Set<string> {
    const names = new Set<string>();
    const lists = [item.parameters, ...METHODS.map((m) => (item[m] as Operation)?.parameters)];
    for (const list of lists) {
      for (const raw of (list ?? []) as Parameter[]) {
        const p = resolve(raw);
        if (p.in === "path" && p["x-multi-segment"] === true) names.add(p.name);
      }
    }
    return names;
  }

  const paths = Object.entries(doc.paths).map(([template, item]) =>
    compilePath(template, item, multiSegmentNames(item))
  );
  let operationCount = 0;
  for (const p of paths) for (const m of METHODS) if (p.item[m]) operationCount++;

  function pattern(source: string): RegExp | null {
    if (!regexCache.has(source)) {
      let re: RegExp | null = null;
      try {
        re = new RegExp(source, "u");
      } catch {
        re = null; // a pattern ECMAScript cannot compile is not checked
      }
      regexCache.set(source, re);
    }
    return regexCache.get(source)!;
  }

  /** Names of properties declared by a schema and its compositions. */
  function declared(schema: Schema, into: Set<string>, depth = 0): Set<string> {
    const s = resolve(schema);
    if (!s || depth > 8) return into;
    for (const key of Object.keys(s.properties ?? {})) into.add(key);
    for (const branch of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) {
      declared(branch, into, depth + 1);
    }
    return into;
  }

  function checkString(s: Schema, value: string, where: string, errors: string[]): void {
    const length = [...value].length;
    if (s.minLength !== undefined && length < s.minLength) {
      errors.push(`${where}: shorter than minLength ${s.minLength}`);
    }
    if (s.maxLength !== undefined && length > s.maxLength) {
      errors.push(`${where}: longer than maxLength ${s.maxLength}`);
    }
    if (typeof s.pattern === "string") {
      const re = pattern(s.pattern);
      if (re && !re.test(value)) errors.push(`${where}: does not match pattern ${s.pattern}`);
    }
  }

  function checkNumber(s: Schema, value: number, where: string, errors: string[]): void {
    if (s.minimum !== undefined) {
      if (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum) {
        errors.push(`${where}: ${value} is below the minimum ${s.minimum}`);
      }
    }
    if (s.maximum !== undefined) {
      if (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum) {
        errors.push(`${where}: ${value} is above the maximum ${s.maximum}`);
      }
    }
    if (s.multipleOf && !Number.isInteger(value / s.multipleOf)) {
      errors.push(`${where}: not a multiple of ${s.multipleOf}`);
    }
  }

  function checkEnum(s: Schema, value: unknown, where: string, errors: string[]): void {
    if (Array.isArray(s.enum) && !s.enum.some((e) => same(e, value))) {
      errors.push(
        `${where}: ${short(value)} is not one of ${s.enum.map((e) => short(e)).join(", ")}`,
      );
    }
  }

  function checkBranches(
    s: Schema,
    value: unknown,
    where: string,
    errors: string[],
    allowed: Set<string>,
  ): void {
    for (const branch of s.allOf ?? []) checkSchema(branch, value, where, errors, allowed);
    for (const keyword of ["oneOf", "anyOf"] as const) {
      const branches = s[keyword];
      if (!branches?.length) continue;
      const failures: string[] = [];
      let passed = false;
      for (const branch of branches) {
        const branchErrors: string[] = [];
        checkSchema(branch, value, where, branchErrors, allowed);
        if (branchErrors.length === 0) {
          passed = true;
          break;
        }
        failures.push(branchErrors[0]);
      }
      if (!passed) {
        errors.push(
          `${where}: matches none of the ${keyword} alternatives (${failures.join("; ")})`,
        );
      }
    }
  }

  function checkSchema(
    schema: Schema | undefined,
    value: unknown,
    where: string,
    errors: string[],
    inherited: Set<string> = new Set(),
  ): void {
    if (!schema) return;
    const s = resolve(schema);
    const composed = Boolean(s.allOf?.length || s.oneOf?.length || s.anyOf?.length);
    if (value === null) {
      if (s.nullable) return;
      if (Array.isArray(s.enum) && s.enum.includes(null)) return;
      if (composed) {
        checkBranches(s, value, where, errors, inherited);
        return;
      }
      if (s.type || s.properties || s.enum || s.items) errors.push(`${where}: must not be null`);
      return;
    }
    const actual = describe(value);
    if (s.type) {
      if (s.type !== actual && !(s.type === "number" && actual === "integer")) {
        errors.push(`${where}: expected ${s.type}, got ${actual}`);
        return;
      }
    }
    checkEnum(s, value, where, errors);
    if (typeof value === "string") checkString(s, value, where, errors);
    if (typeof value === "number") checkNumber(s, value, where, errors);
    if (Array.isArray(value)) {
      if (s.minItems !== undefined && value.length < s.minItems) {
        errors.push(`${where}: fewer than minItems ${s.minItems}`);
      }
      if (s.maxItems !== undefined && value.length > s.maxItems) {
        errors.push(`${where}: more than maxItems ${s.maxItems}`);
      }
      if (s.uniqueItems) {
        const seen = new Set(value.map((v) => JSON.stringify(v)));
        if (seen.size !== value.length) errors.push(`${where}: items are not unique`);
      }
      if (s.items) value.forEach((v, i) => checkSchema(s.items, v, `${where}[${i}]`, errors));
    }
    let allowed = inherited;
    if (composed) {
      allowed = declared(s, new Set(inherited));
      checkBranches(s, value, where, errors, allowed);
    }
    if (actual === "object") {
      const object = value as Record<string, unknown>;
      const keys = Object.keys(object);
      for (const name of s.required ?? []) {
        if (!(name in object)) errors.push(`${where}: missing required property "${name}"`);
      }
      if (s.minProperties !== undefined && keys.length < s.minProperties) {
        errors.push(`${where}: fewer than minProperties ${s.minProperties}`);
      }
      if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
        errors.push(`${where}: more than maxProperties ${s.maxProperties}`);
      }
      const properties = s.properties ?? {};
      for (const key of keys) {
        if (Object.hasOwn(properties, key)) {
          checkSchema(properties[key], object[key], `${where}.${key}`, errors);
        } else if (s.additionalProperties === false) {
          errors.push(`${where}: unexpected property "${key}" (additionalProperties: false)`);
        } else if (typeof s.additionalProperties === "object") {
          checkSchema(s.additionalProperties, object[key], `${where}.${key}`, errors);
        } else if (strict && s.properties && !allowed.has(key)) {
          errors.push(`${where}: undocumented property "${key}" (the API ignores it)`);
        }
      }
    }
  }

  function checkQueryValue(
    schema: Schema | undefined,
    raw: string,
    where: string,
    errors: string[],
  ): void {
    if (!schema) return;
    const s = resolve(schema);
    for (const keyword of ["oneOf", "anyOf"] as const) {
      const branches = s[keyword];
      if (!branches?.length) continue;
      const failures: string[] = [];
      for (const branch of branches) {
        const branchErrors: string[] = [];
        checkQueryValue(branch, raw, where, branchErrors);
        if (branchErrors.length === 0) return;
        failures.push(branchErrors[0]);
      }
      errors.push(`${where}: matches none of the ${keyword} alternatives (${failures.join("; ")})`);
      return;
    }
    for (const branch of s.allOf ?? []) checkQueryValue(branch, raw, where, errors);
    let value: unknown = raw;
    switch (s.type) {
      case "integer":
        if (!/^-?\d+$/.test(raw)) {
          errors.push(`${where}: expected an integer, got ${short(raw)}`);
          return;
        }
        value = Number(raw);
        checkNumber(s, value as number, where, errors);
        break;
      case "number":
        if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) {
          errors.push(`${where}: expected a number, got ${short(raw)}`);
          return;
        }
        value = Number(raw);
        checkNumber(s, value as number, where, errors);
        break;
      case "boolean":
        if (raw !== "true" && raw !== "false") {
          errors.push(`${where}: expected true or false, got ${short(raw)}`);
          return;
        }
        value = raw === "true";
        break;
      case "object":
        return; // deepObject parameters are not used by the documents we load
      default:
        checkString(s, raw, where, errors);
    }
    checkEnum(s, value, where, errors);
  }

  function validate(request: RequestToValidate): ValidationResult {
    const method = request.method.toLowerCase();
    const label = `${request.method.toUpperCase()} ${request.path}`;
    const matches: { compiled: CompiledPath; match: RegExpExecArray }[] = [];
    for (const compiled of paths) {
      const match = compiled.regex.exec(request.path);
      if (match) matches.push({ compiled, match });
    }
    if (matches.length === 0) return { errors: [`no such operation: ${label}`] };
    // Literal segments beat parameters; a template defining the method beats one that does not.
    matches.sort((a, b) => compareRank(b.compiled.rank, a.compiled.rank));
    const best = matches.find((m) => METHODS.includes(method) && m.compiled.item[method]);
    if (!best) {
      const template = matches[0].compiled.template;
      return {
        template,
        errors: [`no such operation: ${label} (${template} has no ${method.toUpperCase()})`],
      };
    }
    const operation = best.compiled.item[method] as Operation;
    const errors: string[] = [];
    const where = `${request.method.toUpperCase()} ${best.compiled.template}`;

    // Parameters: path-level, overridden by operation-level ones of the same name and place.
    const params = new Map<string, Parameter>();
    for (
      const list of [best.compiled.item.parameters as Parameter[] | undefined, operation.parameters]
    ) {
      for (const raw of list ?? []) {
        const p = resolve(raw);
        params.set(`${p.in}:${p.name}`, p);
      }
    }

    const pathParams: Record<string, string> = {};
    best.compiled.names.forEach((name, i) => {
      const raw = best.match[i + 1];
      let decoded = raw;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        errors.push(`path parameter ${name}: malformed percent-encoding ${short(raw)}`);
      }
      pathParams[name] = decoded;
      const p = params.get(`path:${name}`);
      if (p) checkQueryValue(p.schema, decoded, `path parameter ${name}`, errors);
    });

    const query = request.query ?? new URLSearchParams();
    const seen = new Set<string>();
    for (const key of query.keys()) {
      if (seen.has(key)) continue;
      seen.add(key);
      const name = key.endsWith("[]") ? key.slice(0, -2) : key;
      const p = params.get(`query:${name}`);
      if (!p) {
        const known = [...params.values()].filter((x) => x.in === "query").map((x) => x.name);
        errors.push(
          `unknown query parameter "${key}" for ${where} (declared: ${known.join(", ") || "none"})`,
        );
        continue;
      }
      const values = query.getAll(key);
      const schema = p.schema ? resolve(p.schema) : undefined;
      if (schema?.type === "array") {
        values.forEach((v, i) =>
          checkQueryValue(schema.items, v, `query parameter ${name}[${i}]`, errors)
        );
        continue;
      }
      if (values.length > 1 || key !== name) {
        errors.push(`query parameter ${name} given ${values.length} times; it takes one value`);
      }
      checkQueryValue(schema, values[0], `query parameter ${name}`, errors);
    }
    for (const p of params.values()) {
      if (p.in === "query" && p.required && !query.has(p.name) && !query.has(`${p.name}[]`)) {
        errors.push(`missing required query parameter "${p.name}"`);
      }
    }

    const requestBody = operation.requestBody ? resolve(operation.requestBody) : undefined;
    if (request.body !== undefined) {
      if (!requestBody) {
        errors.push(`${where} takes no request body`);
      } else {
        const content = requestBody.content ?? {};
        const mediaType = request.contentType?.split(";")[0].trim().toLowerCase();
        const accepted = Object.keys(content);
        if (
          mediaType && !accepted.some((t) => t.toLowerCase() === mediaType || t === "*/*")
        ) {
          errors.push(
            `content-type ${mediaType} is not accepted by ${where} (expected ${
              accepted.join(", ")
            })`,
          );
        } else if (content["application/json"] && (!mediaType || mediaType.endsWith("json"))) {
          checkSchema(content["application/json"].schema, request.body, "body", errors);
        }
      }
    } else if (requestBody?.required) {
      errors.push(`${where} requires a request body`);
    }

    return {
      operationId: operation.operationId,
      template: best.compiled.template,
      pathParams,
      errors,
    };
  }

  return { validate, operationCount };
}
