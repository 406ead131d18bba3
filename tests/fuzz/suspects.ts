/**
 * Where to look first when a case fails: the module that owns the behaviour
 * the failed check is about. A hint for the reader of the report, derived
 * from the house's layout, not a diagnosis.
 *
 * @module
 */

const FORGES = new Set(["github", "gitlab", "bitbucket", "gitea", "forgejo"]);

function folder(platform: string): string {
  return platform === "forgejo" ? "gitea" : platform;
}

/** The module owning `op` on `platform`. */
function owner(platform: string, op: string): string {
  const p = folder(platform);
  if (platform === "local") {
    if (["review"].includes(op)) return "platforms/_pace/review_file.ts";
    if (["set-var", "get-var"].includes(op)) return "platforms/_core/files.ts (variable store)";
    if (["branch-sha", "create-branch", "pull-request", "hierarchy"].includes(op)) {
      return "platforms/local/branching.ts";
    }
    return "platforms/local/tracker.ts";
  }
  if (platform === "jenkins") {
    if (op === "wait") return "platforms/jenkins/ci.ts";
    if (op === "review") return "platforms/_pace/review_file.ts";
    if (["set-var", "get-var"].includes(op)) return "platforms/_core/files.ts (variable store)";
    return "platforms/local/branching.ts";
  }
  if (["wait", "review", "set-var", "get-var"].includes(op)) return `platforms/${p}/ci.ts`;
  if (["branch-sha", "create-branch", "pull-request", "hierarchy"].includes(op)) {
    return `platforms/${p}/branching.ts`;
  }
  if (FORGES.has(platform)) return `platforms/_pace/forge_tracker.ts + platforms/${p}/tracker.ts`;
  return `platforms/${p}/tracker.ts`;
}

/** The module owning what a bad input tests, by the input's name. */
function inputOwner(platform: string, input: string): string | undefined {
  const p = folder(platform);
  const rules: [RegExp, string][] = [
    [
      /^ticket-id=/,
      "platforms/_pace/artifacts.ts (readTicketRef) + platforms/_pace/forge_tracker.ts",
    ],
    [/^(day|sha|plan-issue)=/, "platforms/_core/guard.ts (argument checks)"],
    [/^branch=/, "platforms/branches.ts (refNameProblem) + platforms/_core/guard.ts"],
    [/^agents?=/, "platforms/_pace/names.ts (agentSlug)"],
    [/^var-name=/, `platforms/${p}/ci.ts (variables)`],
    [/^env:/, `platforms/${p}/settings.ts`],
    [/^cli:/, "cli/args.ts"],
    [
      /^marker:/,
      "platforms/_pace/names.ts (breakMarkers, carriesMarker) + platforms/_pace/ensure.ts",
    ],
    [
      /^text:(closing|mentions|remote)/,
      platform === "jira" ? "platforms/jira/wiki.ts" : "platforms/_pace/markdown.ts",
    ],
    [/^(text:300k|yaml:)/, "platforms/_core/yaml.ts + platforms/_pace/artifact_text.ts"],
    [/^(link:|fifo:|file:)/, "platforms/_pace/artifact_files.ts + platforms/_core/files.ts"],
    [/^(store|output|ticket):/, "platforms/_core/files.ts"],
  ];
  return rules.find(([pattern]) => pattern.test(input))?.[1];
}

/**
 * The suspect module of a failure on `platform` with `problems`: `op` is the
 * operation (fault matrix) or the input's name (input matrix).
 */
export function suspectFor(platform: string, op: string, problems: readonly string[]): string {
  const byInput = inputOwner(platform, op);
  if (byInput) return byInput;
  const text = problems.join(" ");
  if (/rejected:/.test(text) && !/clean/.test(text)) return "platforms/_core/guard.ts";
  if (/did not settle/.test(text)) {
    if (platform === "jira" && op !== "wait") {
      return "platforms/jira/find.ts (re-search after an unanswered create, past the budget)";
    }
    return op === "wait" ? "platforms/_core/poll.ts" : "platforms/_core/http/fetch.ts (budget)";
  }
  if (/ended no_runs/.test(text)) {
    return `platforms/_core/http/retry.ts or ${owner(platform, op)} (transient read as final)`;
  }
  if (/not a (string|boolean|CiResult)/.test(text)) return "platforms/_outcomes.ts";
  if (/duplicate|item\(s\) after|comments, expected 1/.test(text)) {
    return FORGES.has(platform) || platform === "jira"
      ? `platforms/_pace/ensure.ts + ${owner(platform, op)}`
      : owner(platform, op);
  }
  if (/leak/.test(text)) return "platforms/_core/secrets.ts";
  if (/outside|wrote|canary|symlink|link/.test(text)) {
    return "platforms/_core/files.ts / platforms/_pace/artifact_files.ts";
  }
  if (/marker/.test(text)) return "platforms/_pace/names.ts + platforms/_pace/ensure.ts";
  if (/closing keyword|mention|remote image/.test(text)) return "platforms/_pace/markdown.ts";
  return owner(platform, op);
}
