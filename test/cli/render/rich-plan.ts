import type { Plan } from "../../../src/planner/plan.js";
import { item, matches, plan, snapshot, targetState, user, watch } from "../../planner/helpers.js";

/** A plan with something in every section, shared by the plan and drift renderer tests. */

export const alice = user("1", "alice");
export const matrix = item("10", { title: "The Matrix", year: 1999 });
export const alien = item("11", { title: "Alien", year: 1979 });
export const lost = item("12", { title: "Lost Film", year: 1950 });

export function richPlan(extra: { limit?: number; items?: number } = {}): Plan {
  const extraItems = Array.from({ length: extra.items ?? 0 }, (_, i) =>
    item(String(100 + i), { title: `Extra ${i}` }),
  );
  return plan({
    snapshot: snapshot({
      users: [alice, user("2", "bob")],
      items: [matrix, alien, lost, ...extraItems],
      states: [
        watch("1", matrix.identity, {
          played: true,
          playCount: 3,
          lastPlayedAt: new Date("2024-05-01T00:00:00Z"),
        }),
        watch("1", alien.identity, { positionMs: 2_530_000, rating: 8 }),
        watch("1", lost.identity, { played: true, playCount: 1 }),
        ...extraItems.map((it) => watch("1", it.identity, { played: true, playCount: 1 })),
      ],
      playlists: [
        {
          key: "p",
          ownerUserId: "1",
          title: "Sci-fi",
          mediaKind: "video",
          isSmart: false,
          entries: ["10", "11", "10"],
        },
      ],
      collections: [{ key: "c", libraryId: "1", title: "Classics", isSmart: false, memberKeys: ["11"] }],
    }),
    users: {
      mapped: [{ sourceUserId: "1", targetName: "alice", targetUserId: "t1", rule: "name" }],
      unmapped: [{ sourceUserId: "2", reason: "unmapped", detail: "no target user named bob" }],
    },
    matches: matches(
      Object.fromEntries([["10", "T10"], ["11", "T11"], ...extraItems.map((it) => [it.key, `T${it.key}`])]),
      [["12", "no-candidate", "no target item with imdb tt0000012"]],
    ),
    state: targetState([alice]),
  });
}
