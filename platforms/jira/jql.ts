/**
 * Jira's words for PACE's items: issue keys (the only ids ever sent as a path
 * part) and the JQL that finds an open item, every value quoted and escaped
 * so no label or key can change a query's structure.
 *
 * @module
 */

/** `PROJECT-N`: a project key of two or more letters, digits or `_`, and a positive number. */
const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-[1-9][0-9]*$/;

/**
 * Whether `value` is a Jira issue key such as `PACE-12`. Anything else (a
 * path, a URL, a lowercase key) is never sent to Jira as a path part.
 *
 * @example
 * ```ts ignore
 * isJiraKey("PACE-12"); // true
 * isJiraKey("../PACE-12"); // false
 * ```
 */
export function isJiraKey(value: unknown): value is string {
  return typeof value === "string" && ISSUE_KEY.test(value);
}

/**
 * A JQL string literal: `value` in double quotes, with `\`, `"` and control
 * characters escaped.
 *
 * @example
 * ```ts ignore
 * jqlString('say "hi"'); // "\"say \\\"hi\\\"\""
 * ```
 */
export function jqlString(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => {
    switch (c) {
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return `\\${c}`;
    }
  });
  return `"${escaped}"`;
}

/**
 * The JQL that finds PACE's open item: an issue of `projectKey` carrying
 * every one of `labels` whose status category is not Done.
 *
 * @example
 * ```ts ignore
 * itemJql("PACE", ["pace-hold", "pace-day-3"]);
 * // project = "PACE" AND labels = "pace-hold" AND labels = "pace-day-3" AND statusCategory != "Done"
 * ```
 */
export function itemJql(projectKey: string, labels: readonly string[]): string {
  return [
    `project = ${jqlString(projectKey)}`,
    ...labels.map((label) => `labels = ${jqlString(label)}`),
    `statusCategory != ${jqlString("Done")}`,
  ].join(" AND ");
}
