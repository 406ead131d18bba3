/**
 * Bitbucket Pipelines under the forge CI flow: review pull requests,
 * pipelines for a commit, repository pipeline variables. The daily summary is
 * a log line and the job summary goes to `pace-summary.md` (archive it as an
 * artifact).
 *
 * @module
 */

import { HttpError } from "../_core/http.ts";
import type { CiApi } from "../_pace/forge_ci.ts";
import { variableNameProblem } from "../_pace/forge_variables.ts";
import type { Logger } from "../types.ts";
import type { BitbucketConnection } from "./connection.ts";
import { lookAtPipelines } from "./pipelines.ts";

interface Variable {
  uuid: string;
  key: string;
  value?: string;
  secured?: boolean;
}

const VARIABLES = ["pipelines_config", "variables"];

/**
 * The CI API of one Bitbucket repository; `logger` hears that a secured
 * variable's value stays hidden. A variable is found by key (Bitbucket
 * addresses it by uuid), so it is updated first and created when absent.
 */
export function bitbucketCi(bb: BitbucketConnection, logger: Logger): CiApi {
  /** The variable called `name`, looked for across every page. */
  const find = async (name: string) => {
    for await (const batch of bb.pages<Variable>(VARIABLES)) {
      const found = batch.find((v) => v.key === name);
      if (found) return found;
    }
    return undefined;
  };
  return {
    pulls: async () => (await import("./branching.ts")).bitbucketBranches(bb),
    defaultBranch: async () => (await bb.repository()).mainbranch?.name || undefined,
    // A 400 about the branch that is not "already open": the source branch is not there.
    headMissing: (error) =>
      error instanceof HttpError && error.status === 400 && !/already/i.test(error.body) &&
      /branch/i.test(error.body),
    look: (sha, signal) => lookAtPipelines(bb, sha, signal),
    variables: {
      problem: (name) => variableNameProblem(name),
      async read(name) {
        const variable = await find(name);
        if (variable?.secured) {
          logger.warn(`variable ${name} is secured: Bitbucket does not reveal its value`);
          return undefined;
        }
        return variable?.value;
      },
      async create(name, value) {
        await bb.request("POST", VARIABLES, { json: { key: name, value, secured: false } });
      },
      async update(name, value) {
        const variable = await find(name);
        if (!variable) return false;
        await bb.request("PUT", [...VARIABLES, variable.uuid], {
          json: { key: name, value, secured: variable.secured ?? false },
        });
        return true;
      },
      // 409: created meanwhile, by a concurrent run.
      exists: (error) => error instanceof HttpError && error.status === 409,
      updateFirst: true,
      refusedWith: [403],
      hint: "the credentials need the pipeline:variable scope " +
        '(app password: Pipelines "Edit variables"; access token: "Pipelines: Admin")',
    },
  };
}
