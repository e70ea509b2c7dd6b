import { describe, expect, it } from "vitest";
import { applyPlanToState, simulatedUserId } from "../helpers/simulate.js";
import {
  data,
  item,
  mappedByName,
  matches,
  plan,
  readNeeded,
  snapshot,
  targetState,
  user,
  watch,
} from "./helpers.js";

const alice = user("1", "alice");
const m = item("10");

describe("applyPlanToState", () => {
  const scenario = {
    snapshot: snapshot({
      items: [m],
      states: [watch("1", m.identity, { played: true, playCount: 2 })],
      playlists: [
        {
          key: "p",
          ownerUserId: "1",
          title: "L",
          mediaKind: "video" as const,
          isSmart: false,
          entries: ["10"],
        },
      ],
    }),
    users: mappedByName([alice]),
    matches: matches({ "10": "T10" }),
    state: targetState([alice]),
  };

  it("writes the planned values and creates the playlist owned by the user, leaving the input alone", () => {
    const p = plan(scenario);
    const before = readNeeded(scenario.snapshot, scenario.users, scenario.matches, "merge", scenario.state);
    const after = applyPlanToState(p, before);
    expect(after.userData.get("t1")?.get("T10")).toEqual(data({ played: true, playCount: 2 }));
    expect(after.playlists.get("t1")).toEqual([
      expect.objectContaining({
        title: "L",
        ownerUserId: "t1",
        entries: [expect.objectContaining({ itemId: "T10" })],
      }),
    ]);
    expect(before.userData.get("t1")?.get("T10")).toEqual(data());
  });

  it("a value changed since planning is a conflict: nothing is written", () => {
    const p = plan(scenario);
    const changed = targetState([alice], {
      userData: new Map([["t1", new Map([["T10", data({ playCount: 7 })]])]]),
    });
    expect(applyPlanToState(p, changed).userData.get("t1")?.get("T10")).toEqual(data({ playCount: 7 }));
  });

  it("users created by the plan get ids derived from their names", () => {
    const p = plan({
      ...scenario,
      users: {
        mapped: [{ sourceUserId: "1", targetName: "Alice", targetUserId: null, rule: "create" }],
        unmapped: [],
      },
      state: targetState([]),
    });
    const after = applyPlanToState(p, targetState([]));
    expect(after.users).toEqual([{ id: simulatedUserId("alice"), name: "Alice", isAdmin: false }]);
    expect(after.userData.get(simulatedUserId("Alice"))?.get("T10")?.playCount).toBe(2);
  });
});
