/**
 * GitLab's CI rules: which pipeline decides for a commit, and how its status
 * (and, for a `manual` pipeline, its jobs) maps to a CI snapshot. Pure: no
 * request is made here.
 *
 * @module
 */

import { notAListError } from "../_core/http.ts";
import type { CiSnapshot } from "../types.ts";

/** A pipeline as `GET /projects/:id/pipelines` lists it (the fields PACE reads). */
export interface GitLabPipeline {
  /** Instance-wide id; higher is newer. */
  id: number;
  /** Per-project number. */
  iid?: number;
  /** The commit it ran on. */
  sha?: string;
  /** Branch or tag. */
  ref?: string;
  /** `created`, `pending`, `running`, `success`, `failed`, `canceled`, `manual`, … */
  status: string;
  /** What started it: `push`, `merge_request_event`, `parent_pipeline`, … */
  source?: string;
  /** Its page in the GitLab web UI. */
  web_url: string;
  /** Set by `workflow:name`, else `null`. */
  name?: string | null;
}

/** A job as `GET /projects/:id/pipelines/:pipeline_id/jobs` lists it. */
export interface GitLabJob {
  /** Instance-wide id. */
  id: number;
  /** The job's name in `.gitlab-ci.yml`. */
  name: string;
  /** Its stage. */
  stage?: string;
  /** `success`, `failed`, `manual`, `skipped`, … */
  status: string;
  /** Whether its failure leaves the pipeline green. */
  allow_failure: boolean;
  /** Its page in the GitLab web UI. */
  web_url?: string;
}

/** The pipelines of a list answer that have an id: what a broken entry cannot pass for. */
export function readPipelines(data: unknown): GitLabPipeline[] {
  if (!Array.isArray(data)) throw notAListError("GitLab", "GET …/pipelines");
  return data.filter((p): p is GitLabPipeline => typeof p?.id === "number");
}

/**
 * The pipeline that decides for a commit, newest first: a child pipeline
 * reports into its parent's trigger job, so the newest one that is not a
 * child decides; `undefined` when the list is empty.
 */
export function decidingPipeline(newestFirst: GitLabPipeline[]): GitLabPipeline | undefined {
  return newestFirst.find((p) => p.source !== "parent_pipeline") ?? newestFirst[0];
}

/** A human name for a pipeline: its `name`, else `pipeline #ID`. */
function pipelineLabel(pipeline: GitLabPipeline): string {
  const name = typeof pipeline.name === "string" ? pipeline.name.trim() : "";
  return name || `pipeline #${pipeline.id}`;
}

/**
 * The snapshot for the pipeline that decides: `success`/`skipped` pass,
 * `failed` fails, `canceled`/`canceling` cancel, every other state (and any
 * GitLab adds later) is pending. `jobs` is needed only for a `manual`
 * pipeline, which will not finish by itself: the jobs that ran decide, and
 * the name says that a manual job waits.
 *
 * @example
 * ```ts ignore
 * pipelineSnapshot({ id: 7, status: "failed", web_url: "https://gitlab.com/g/p/-/pipelines/7" });
 * // { state: "done", conclusion: "failure", name: "pipeline #7", url: "https://…/7" }
 * ```
 */
export function pipelineSnapshot(pipeline: GitLabPipeline, jobs: GitLabJob[] = []): CiSnapshot {
  const name = pipelineLabel(pipeline);
  const url = typeof pipeline.web_url === "string" ? pipeline.web_url : "";
  const done = (conclusion: "success" | "failure" | "cancelled", label = name): CiSnapshot => ({
    state: "done",
    conclusion,
    url,
    name: label,
  });
  switch (pipeline.status) {
    case "success":
    case "skipped":
      return done("success");
    case "failed":
      return done("failure");
    case "canceled":
    case "canceling":
      return done("cancelled");
    case "manual": {
      // In pipeline order, whatever order the API listed them in.
      const ordered = [...jobs].sort((a, b) => a.id - b.id);
      const waiting = ordered.filter((job) => job.status === "manual").map((job) => job.name);
      const waits = waiting.length
        ? `manual job${waiting.length > 1 ? "s" : ""} ${waiting.join(", ")} ${
          waiting.length > 1 ? "wait" : "waits"
        }`
        : "a manual job waits";
      const failed = ordered.find((job) => job.status === "failed" && job.allow_failure !== true);
      if (failed) return done("failure", `${name}: job ${failed.name} failed; ${waits}`);
      return done("success", `${name} (${waits})`);
    }
    default:
      // created, waiting_for_resource, preparing, pending, running, scheduled, and
      // any state GitLab adds later: the wait goes on, until the timeout.
      return { state: "pending", pending: [`${name} (${pipeline.status})`] };
  }
}
