/**
 * What the fake Jira checks requests against and answers refusals with: the
 * query parameters Jira documents per operation, Jira's 401, and Atlassian's
 * gateway (`/ex/jira/{cloudId}`), through which scoped API tokens and
 * service accounts reach Jira Cloud.
 *
 * @module
 */

import type { Reply } from "../_base.ts";
import type { JiraMode } from "./model.ts";

/**
 * Query parameters Jira documents per operation (anything else is a
 * violation); a search body takes the same names as the search's query.
 */
export const PARAMS = {
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

/** Atlassian's gateway path of a site: `/ex/jira/{cloudId}` then the site's own path. */
export const GATEWAY = /^\/ex\/jira\/([^/]*)(\/.*)?$/;

/** The cloud id of the fake site unless the options name one. */
export const FAKE_CLOUD_ID = "5e1f0a3c-7b2d-4c8e-9f61-2a4b6c8d0e13";

/** The gateway's answer for a cloud id it routes nowhere. */
export const GATEWAY_NOT_FOUND = { code: 404, message: "Not Found" };

/** Jira's 401: credentials missing or not accepted here. */
export function unauthorizedReply(mode: JiraMode): Reply {
  return {
    status: 401,
    headers: {
      "www-authenticate": mode === "cloud" ? 'Basic realm="protected-area"' : 'Bearer realm="Jira"',
      "x-seraph-loginreason": "AUTHENTICATED_FAILED",
    },
    body: {
      errorMessages: [
        "You are not authenticated. Authentication required to perform this operation.",
      ],
      errors: {},
    },
  };
}
