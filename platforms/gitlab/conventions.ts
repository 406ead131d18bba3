/**
 * GitLab CI's log conventions: collapsible sections and red error lines.
 * Masks are set in the project's CI/CD settings, never from the log.
 *
 * @module
 */

import type { LogConventions } from "../types.ts";

/** GitLab CI's collapsible sections and colours; `now` is injectable for tests. */
export function gitlabConventions(now: () => number = Date.now): LogConventions {
  const open: string[] = [];
  let count = 0;
  const seconds = () => Math.floor(now() / 1000);
  const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ");
  return {
    group(title) {
      // Unique per process and run, so two pace steps in one job do not share a section.
      const name = `pace_${now().toString(36)}_${++count}`;
      open.push(name);
      return `\x1b[0Ksection_start:${seconds()}:${name}[collapsed=true]\r\x1b[0K${oneLine(title)}`;
    },
    endGroup() {
      const name = open.pop();
      return name ? `\x1b[0Ksection_end:${seconds()}:${name}\r\x1b[0K` : "";
    },
    error: (message) => message.split(/\r?\n/).map((line) => `\x1b[31m${line}\x1b[0m`).join("\n"),
    // GitLab masks variables flagged "masked" in the project settings, not from the log.
    mask: () => "",
  };
}
