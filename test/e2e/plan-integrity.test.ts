import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXPECTED_MERGE } from "./expected.js";
import { endState, expectExit, expectNoViolations, type World, world } from "./helpers.js";

/**
 * Issue 13 item 1: a saved plan carries a digest of its canonical content; `apply` refuses a
 * plan changed after it was written (exit 3), before it reads or writes anything on the
 * target, and names what changed.
 */

type Json = Record<string, unknown>;
type JsonAction = Json & { key: string; type: string; title?: string; set?: Json };

/** Sorted keys, no whitespace: formulated apart from the tool's own canonical JSON. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

async function savedPlan(w: World): Promise<{ file: string; text: string; plan: Json }> {
  const file = join(w.dir, "plan.json");
  expectExit(await w.cli(["plan", "--out", file, ...w.readFlags()]), 0);
  const text = readFileSync(file, "utf8");
  return { file, text, plan: JSON.parse(text) as Json };
}

function actionsOf(plan: Json): JsonAction[] {
  return plan.actions as JsonAction[];
}

/** `apply` of an edited plan: exit 3, the message, and not one request to the target. */
async function expectRefused(w: World, file: string, edited: Json, message: string | RegExp) {
  writeFileSync(file, JSON.stringify(edited, null, 2));
  const before = w.box.requests.length;
  const result = await w.cli([
    "apply",
    "--plan",
    file,
    "--journal",
    w.journal,
    "--credentials-file",
    w.credentials,
  ]);
  expectExit(result, 3);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toContain("make a new plan");
  expect(w.box.requests.length).toBe(before);
  return result;
}

describe("issue 13 item 1: edited plans are refused", () => {
  it("the saved plan's digest is SHA-256 of its canonical JSON without the integrity block", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const { plan } = await savedPlan(w);
    const { integrity, ...content } = plan as Json & { integrity: Json };
    expect(integrity.algorithm).toBe("sha256");
    expect(integrity.digest).toBe(createHash("sha256").update(canonical(content)).digest("hex"));
    // One short digest per action, by key, in plan order.
    expect(Object.keys(integrity.actions as Json)).toEqual(actionsOf(plan).map((a) => a.key));
    for (const [i, action] of actionsOf(plan).entries()) {
      const digest = createHash("sha256").update(canonical(action)).digest("hex").slice(0, 16);
      expect((integrity.actions as Json)[action.key], `action ${i}`).toBe(digest);
    }
  });

  it("a play count set to 999 by hand: exit 3 naming the action, nothing read or written", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const { file, plan } = await savedPlan(w);
    const edited = structuredClone(plan);
    const target = actionsOf(edited).find(
      (a) => a.type === "set-user-data" && a.set?.playCount !== undefined,
    )!;
    target.set!.playCount = 999;
    const refused = await expectRefused(
      w,
      file,
      edited,
      `plan file ${file} was changed after it was written: action ${target.key} (set-user-data`,
    );
    // Named the way a person finds it: the user and the title.
    expect(refused.stderr).toContain(JSON.stringify(target.title));
  });

  it("a playlist title changed, an action removed, one added, a field outside the actions changed", async () => {
    const w = await world({ kind: "emby", version: "4.9" });
    const { file, plan } = await savedPlan(w);

    const retitled = structuredClone(plan);
    const playlist = actionsOf(retitled).find((a) => a.type === "create-playlist")!;
    playlist.title = "Renamed by hand";
    await expectRefused(w, file, retitled, `action ${playlist.key} (create-playlist`);

    const removed = structuredClone(plan);
    const [gone] = actionsOf(removed).splice(1, 1);
    await expectRefused(w, file, removed, `action ${gone!.key} was removed`);

    const added = structuredClone(plan);
    const copy = { ...structuredClone(actionsOf(added)[0]!), key: "user/intruder" };
    actionsOf(added).push(copy);
    await expectRefused(w, file, added, "action user/intruder (create-user");

    const retargeted = structuredClone(plan);
    (retargeted.options as Json).mode = "mirror";
    await expectRefused(w, file, retargeted, 'the field "options" was changed');

    const reordered = structuredClone(plan);
    actionsOf(reordered).reverse();
    await expectRefused(w, file, reordered, "the actions were reordered");
    expectNoViolations(w.box);
  });

  it("a plan without a digest (an older plexodus) is refused with a clear message", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const { file, plan } = await savedPlan(w);
    const { integrity: _integrity, ...older } = plan;
    await expectRefused(w, file, older, "made by an older plexodus");
  });

  it("the same content in another layout (keys reordered, no indentation) still applies", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const { file, plan } = await savedPlan(w);
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value as Json)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    writeFileSync(file, JSON.stringify(reversed(plan)));
    const result = await w.cli([
      "apply",
      "--plan",
      file,
      "--journal",
      w.journal,
      "--credentials-file",
      w.credentials,
    ]);
    expectExit(result, 0);
    expect(endState(w.box.dump())).toEqual(EXPECTED_MERGE);
    expectNoViolations(w.box);
  });
});
