/**
 * The exported objects of the fake Jenkins — Jenkins itself, views, folders,
 * multibranch projects, freestyle and Pipeline jobs and their builds (with the
 * git plugin's `BuildData` and change sets) — as their classes export them.
 *
 * @module
 */

import type { FakeJenkins } from "../jenkins.ts";
import { Bean, type Prop, prop, type Value } from "./export.ts";
import { buildDataActions } from "./git.ts";
import type { FakeBuild, FolderKind, Item, JobKind } from "./model.ts";

const CLASSES = {
  freestyle: "hudson.model.FreeStyleProject",
  pipeline: "org.jenkinsci.plugins.workflow.job.WorkflowJob",
  folder: "com.cloudbees.hudson.plugins.folder.Folder",
  multibranch: "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
} as const;

const BUILD_CLASSES = {
  freestyle: "hudson.model.FreeStyleBuild",
  pipeline: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
} as const;

/** Jenkins itself (`/api/json`). */
export function rootBean(jenkins: FakeJenkins): Bean {
  return new Bean("hudson.model.Hudson", [
    prop("assignedLabels", [
      new Bean("hudson.model.labels.LabelAtom", [prop("name", "built-in")]),
    ]),
    prop("mode", "NORMAL"),
    prop("nodeDescription", "the Jenkins controller's built-in node"),
    prop("nodeName", ""),
    prop("numExecutors", 2),
    prop("description", null),
    prop("jobs", () => [...jenkins.items.root.children.values()].map((i) => itemBean(jenkins, i))),
    prop("primaryView", () => viewBean(jenkins, "")),
    prop("quietDown", false),
    prop("slaveAgentPort", -1),
    prop("url", `${jenkins.url}/`),
    prop("useCrumbs", jenkins.csrf),
    prop("useSecurity", true),
    prop("views", () => [viewBean(jenkins, "")]),
  ]);
}

function viewBean(jenkins: FakeJenkins, prefix: string): Bean {
  return new Bean("hudson.model.AllView", [
    prop("name", "all", 2),
    prop("url", `${jenkins.url}/${prefix}`, 2),
  ]);
}

/** A folder, multibranch project or job. */
export function itemBean(jenkins: FakeJenkins, item: Item): Bean {
  return item.kind === "folder" || item.kind === "multibranch"
    ? folderBean(jenkins, item)
    : jobBean(jenkins, item);
}

function common(jenkins: FakeJenkins, item: Item): Prop[] {
  const names = jenkins.items.names(item);
  return [
    prop("actions", []),
    prop("description", item.kind === "multibranch" ? null : ""),
    prop("displayName", item.name),
    prop("displayNameOrNull", null),
    prop("fullDisplayName", names.join(" » ")),
    prop("fullName", names.join("/")),
    prop("name", item.name, 2),
    prop("url", jenkins.itemUrl(names.join("/")), 2),
  ];
}

function folderBean(jenkins: FakeJenkins, item: Item): Bean {
  const prefix = jenkins.itemUrl(jenkins.items.names(item).join("/")).slice(jenkins.url.length + 1);
  return new Bean(CLASSES[item.kind as FolderKind], [
    ...common(jenkins, item),
    prop("healthReport", []),
    prop("jobs", () => [...item.children.values()].map((i) => itemBean(jenkins, i))),
    prop("primaryView", () => viewBean(jenkins, prefix)),
    prop("views", () => [viewBean(jenkins, prefix)]),
  ]);
}

function jobBean(jenkins: FakeJenkins, item: Item): Bean {
  const newest = [...item.builds].reverse();
  const last = newest[0];
  const ref = (build: FakeBuild | undefined) => build ? buildBean(jenkins, item, build) : null;
  const color = !last
    ? "notbuilt"
    : ({ SUCCESS: "blue", UNSTABLE: "yellow", FAILURE: "red", ABORTED: "aborted" } as Record<
      string,
      string
    >)[String(newest.find((b) => !b.building)?.result)] ?? "notbuilt";
  const done = newest.filter((b) => !b.building && b.result);
  return new Bean(CLASSES[item.kind as JobKind], [
    ...common(jenkins, item),
    prop("buildable", true),
    // Since Jenkins 1.485 `builds` holds the newest 100; `allBuilds` has the rest.
    prop("builds", () => newest.slice(0, 100).map((b) => buildBean(jenkins, item, b))),
    prop("color", last?.building ? `${color}_anime` : color, 2),
    prop("firstBuild", () => ref(item.builds[0])),
    prop("healthReport", []),
    prop("inQueue", false),
    prop("keepDependencies", false),
    prop("lastBuild", () => ref(last)),
    prop("lastCompletedBuild", () => ref(done[0])),
    prop("lastFailedBuild", () => ref(done.find((b) => b.result === "FAILURE"))),
    prop("lastSuccessfulBuild", () => ref(done.find((b) => b.result === "SUCCESS"))),
    prop("nextBuildNumber", item.nextBuildNumber),
    prop("property", []),
    prop("queueItem", null),
    prop("concurrentBuild", false),
    ...(item.kind === "freestyle"
      ? [prop("disabled", false), prop("scm", new Bean("hudson.plugins.git.GitSCM", []))]
      : [prop("resumeBlocked", false)]),
  ]);
}

/** A build of `job`, with its git data and change sets. */
export function buildBean(jenkins: FakeJenkins, job: Item, build: FakeBuild): Bean {
  const kind = job.kind as JobKind;
  const names = jenkins.items.names(job);
  const changeSet = (commits: string[]) =>
    new Bean(
      commits.length ? "hudson.plugins.git.GitChangeSetList" : "hudson.scm.EmptyChangeLogSet",
      [
        prop(
          "items",
          commits.map((commitId, i) =>
            new Bean("hudson.plugins.git.GitChangeSet", [
              prop("affectedPaths", ["src/app.ts"]),
              prop("commitId", commitId),
              prop("timestamp", build.timestamp - 1000 * (i + 1)),
              prop("author", new Bean(undefined, [prop("fullName", "Forge Agent")])),
              prop("authorEmail", "forge@example.com"),
              prop("comment", "PACE day work\n"),
              prop("date", "2025-01-01 10:00:00 +0000"),
              prop("id", commitId),
              prop("msg", "PACE day work"),
            ])
          ),
        ),
        prop("kind", commits.length ? "git" : null),
      ],
    );
  const actions: Value[] = [
    new Bean("hudson.model.CauseAction", [
      prop("causes", [
        new Bean("hudson.triggers.SCMTrigger$SCMTriggerCause", [
          prop("shortDescription", "Started by an SCM change"),
        ]),
      ]),
    ]),
    // Actions that export nothing are written as empty objects.
    new Bean(undefined, []),
    ...buildDataActions(job, build),
    new Bean("org.jenkinsci.plugins.displayurlapi.actions.RunDisplayAction", []),
  ];
  const props: Prop[] = [
    prop("actions", actions),
    prop("artifacts", []),
    prop("building", build.building),
    prop("description", null),
    prop("displayName", `#${build.number}`),
    prop("duration", build.duration),
    prop("estimatedDuration", 42_000),
    prop("executor", null),
    prop("fullDisplayName", `${names.join(" » ")} #${build.number}`),
    prop("id", String(build.number)),
    prop("keepLog", false),
    prop("number", build.number, 2),
    prop("queueId", build.number + 1000),
    prop("result", build.result),
    prop("timestamp", build.timestamp),
    prop("url", jenkins.itemUrl(names.join("/"), build.number), 2),
  ];
  if (kind === "freestyle") {
    props.push(
      prop("builtOn", ""),
      prop("changeSet", () => changeSet(build.commits)),
      prop("culprits", []),
    );
  } else {
    props.push(
      prop(
        "changeSets",
        () => [build.commits, ...build.moreChangeSets].filter((c) => c.length).map(changeSet),
      ),
      prop("culprits", []),
      prop("inProgress", build.building),
      prop("nextBuild", null),
      prop("previousBuild", null),
    );
  }
  return new Bean(BUILD_CLASSES[kind], props);
}
