import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { EXPECTED_MERGE, EXPECTED_MIRROR } from "./expected.js";
import { endState, expectExit, expectNoViolations, TARGETS, world, writesSince } from "./helpers.js";

/** SEMANTICS §1–§5 end to end: the first migration reaches exactly the defined state. */
describe.each(TARGETS)("migrate on $kind $version", ({ kind, version }) => {
  it("merge: reaches the state SEMANTICS.md defines, keeping what the target had", async () => {
    const w = await world({ kind, version });
    const result = await w.cli(["migrate", ...w.flags()]);
    expectExit(result, 0);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  });

  it("mirror: every matched item equals Plex, including clearing what Plex does not have", async () => {
    const w = await world({ kind, version });
    const result = await w.cli(["migrate", ...w.flags(["--mode", "mirror"])]);
    expectExit(result, 0);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MIRROR);
    expectNoViolations(w.box);
  });

  it("a second migrate and any plan send zero writes; verify and --detailed-exitcode agree", async () => {
    const w = await world({ kind, version });

    const start = w.box.requests.length;
    const before = await w.cli(["plan", ...w.readFlags(["--detailed-exitcode"])]);
    expectExit(before, 2);
    expect(writesSince(w.box, start)).toEqual([]);
    expect(before.stdout).toMatch(/Plan: \d+ changes/);

    expectExit(await w.cli(["migrate", ...w.flags()]), 0);

    const second = w.box.requests.length;
    const again = await w.cli(["migrate", ...w.flags()]);
    expectExit(again, 0);
    expect(writesSince(w.box, second)).toEqual([]);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);

    const after = w.box.requests.length;
    expectExit(await w.cli(["plan", ...w.readFlags(["--detailed-exitcode"])]), 0);
    expectExit(await w.cli(["plan", ...w.readFlags()]), 0);
    const verify = await w.cli(["verify", ...w.readFlags()]);
    expectExit(verify, 0);
    expect(verify.stdout).toContain("No drift");
    expect(writesSince(w.box, after)).toEqual([]);
    expectNoViolations(w.box);
  });

  it("verify exits 2 and lists the drift when the target changes behind its back", async () => {
    const w = await world({ kind, version });
    expectExit(await w.cli(["migrate", ...w.flags()]), 0);
    // Someone marks Tenet unplayed for Alex in the target's own UI.
    await unplay(w.box.url, w.box.apiKey, kind, await userId(w.box, "Alex"), w.box.idOf("tenet"));
    expect(endState(w.box.dump()).userData.Alex?.tenet?.played ?? false).toBe(false);

    const verify = await w.cli(["verify", ...w.readFlags()]);
    expectExit(verify, 2);
    expect(verify.stdout).toContain("Tenet");
    expect(verify.stdout).toContain("Alex");
    expect(verify.stdout).not.toContain("Casablanca");

    const json = await w.cli(["verify", "--json", ...w.readFlags()]);
    expectExit(json, 2);
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({ version: 1, command: "verify", drift: 1 });
    expect(JSON.stringify(document.entries)).toContain("Tenet");
    expectNoViolations(w.box);
  });

  it("plan --detailed-exitcode exits 2 with pending changes and 0 without", async () => {
    const w = await world({ kind, version });
    expectExit(await w.cli(["plan", ...w.readFlags(["--detailed-exitcode"])]), 2);
    // Without the flag pending changes are still a success.
    expectExit(await w.cli(["plan", ...w.readFlags()]), 0);
    expectExit(await w.cli(["migrate", ...w.flags()]), 0);
    expectExit(await w.cli(["plan", ...w.readFlags(["--detailed-exitcode"])]), 0);
    expectNoViolations(w.box);
  });
});

async function userId(box: Sandbox, name: string): Promise<string> {
  const found = box.dump().users.find((user) => user.name === name);
  if (!found) throw new Error(`no user ${name}`);
  return found.id;
}

/** The documented "mark unplayed" route each server offers, as its own web client calls it. */
async function unplay(url: string, apiKey: string, kind: string, user: string, item: string) {
  const path =
    kind === "jellyfin" ? `/UserPlayedItems/${item}?userId=${user}` : `/Users/${user}/PlayedItems/${item}`;
  const response = await fetch(`${url}${path}`, {
    method: "DELETE",
    headers: { "X-Emby-Token": apiKey },
  });
  if (!response.ok) throw new Error(`unplay: HTTP ${response.status}`);
}
