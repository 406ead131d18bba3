import { join } from "node:path";
import { hostsOf } from "../platforms/_core/settings.ts";
import {
  checkStoryStatus,
  pushStoryOnce,
  recordedStoryNumber,
} from "../platforms/_pace/tickets.ts";
import { listPlatforms } from "../mod.ts";
import { captureLogger, writeSamplePace } from "../testing.ts";
import { assertEquals, assertRejects, assertStringIncludes, assertThrows } from "./_assert.ts";

Deno.test("checkStoryStatus accepts done and in_progress only", () => {
  assertEquals(checkStoryStatus("done"), "done");
  assertEquals(checkStoryStatus("in_progress"), "in_progress");
  for (const bad of ["Done", "closed", "", undefined, 1]) {
    assertThrows(() => checkStoryStatus(bad), Error, "use done or in_progress");
  }
});

Deno.test("pushStoryOnce creates once, records the ticket, and returns the recorded one", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dayDir = join(await writeSamplePace(root), "day-1");
    const created: string[] = [];
    const push = () =>
      pushStoryOnce({
        day: 1,
        dayDir,
        platform: "forge",
        logger: captureLogger(),
        ensure: (plan) => {
          created.push(plan.title);
          return Promise.resolve({ url: "https://forge.example/issues/7", id: 7 });
        },
      });
    assertEquals(await push(), "https://forge.example/issues/7");
    assertEquals(await push(), "https://forge.example/issues/7");
    assertEquals(created, ["[PACE Day 1] Sign-up form"]);
    assertEquals(await recordedStoryNumber(dayDir, "forge"), 7);
    assertEquals(
      await recordedStoryNumber(dayDir, "other"),
      undefined,
      "another platform's ticket",
    );
    await Deno.writeTextFile(
      join(dayDir, "story-ticket.yaml"),
      "url: x\nid: ../7\nplatform: forge\n",
    );
    const error = await assertRejects(() => recordedStoryNumber(dayDir, "forge"));
    assertStringIncludes(error.message, "not an issue number");
    await assertRejects(
      () =>
        pushStoryOnce({
          day: 9,
          dayDir: join(root, ".pace", "day-9"),
          platform: "forge",
          logger: captureLogger(),
          ensure: () => Promise.resolve({ url: "never" }),
        }),
      Error,
      "no story card",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("hostsOf keeps non-default ports and falls back for unset or invalid URLs", () => {
  assertEquals(hostsOf("https://ghe.example.com:8443/api/v3"), ["ghe.example.com:8443"]);
  assertEquals(hostsOf("https://ghe.example.com:443/api/v3"), ["ghe.example.com"]);
  assertEquals(hostsOf(undefined, "https://api.github.com"), ["api.github.com"]);
  assertEquals(hostsOf("not a url", "https://api.github.com"), ["api.github.com"]);
  assertEquals(hostsOf("ftp://x.example.com"), []);
  assertEquals(hostsOf(undefined), []);
});

Deno.test("every built-in platform is registered, with the sides SPEC names", () => {
  const builtins = listPlatforms().filter((p) => p.builtin)
    .map((p) => `${p.name}:${p.ci ? "ci" : ""}${p.tracker ? "+tracker" : ""}`);
  assertEquals(builtins, [
    "local:ci+tracker",
    "github:ci+tracker",
    "gitlab:ci+tracker",
    "bitbucket:ci+tracker",
    "jenkins:ci",
    "jira:+tracker",
  ]);
});
