import type { TargetIndex } from "../../src/model/index.js";
import { FakeTarget } from "../helpers/fake-target.js";
import { target } from "../match/build.js";
import { adapterContract } from "./adapter.contract.js";

/**
 * The in-memory target the executor tests use, held to the adapter contract like the sandbox
 * (rclone's fstests run the in-memory backend too): a fake that drifts from the contract would
 * let executor tests pass against behaviour no server has. It has no wire, so the cases about
 * connecting are skipped.
 */

function library(): TargetIndex {
  const films = ["Heat", "Arrival", "Casablanca", "Tenet"].map((title, n) =>
    target(`m${n + 1}`, {
      libraryId: "films",
      title,
      externalIds: { tmdb: String(900 + n) },
      paths: [`/media/movies/${title}.mkv`],
    }),
  );
  const show = { showId: "s1", parentId: "s1-1", libraryId: "shows", seasonNumber: 1 };
  return {
    libraries: [
      { id: "films", name: "Films", kind: "movie", rootPaths: ["/media/movies"] },
      { id: "shows", name: "Shows", kind: "show", rootPaths: ["/media/tv"] },
    ],
    items: [
      ...films,
      target("s1", { kind: "show", libraryId: "shows", title: "The Expanse" }),
      target("s1-1", {
        kind: "season",
        libraryId: "shows",
        title: "Season 1",
        showId: "s1",
        seasonNumber: 1,
      }),
      target("e1", { ...show, kind: "episode", title: "Dulcinea", episodeNumber: 1 }),
      target("e2", { ...show, kind: "episode", title: "The Big Empty", episodeNumber: 2 }),
      target("e3", {
        ...show,
        kind: "episode",
        title: "Remember the Cant",
        episodeNumber: 3,
        episodeNumberEnd: 4,
      }),
    ],
  };
}

adapterContract("fake target", async () => {
  const index = library();
  const fake = new FakeTarget({ users: ["admin", "alice"], index });
  const watched = { played: true, playCount: 2, lastPlayedAt: new Date("2023-05-01T20:00:00Z") };
  fake.poke(fake.userId("alice"), "m1", watched);
  return {
    adapter: fake,
    cleanup: async () => {},
    expectations: {
      kind: fake.info.kind,
      features: fake.info.features,
      itemCount: index.items.length,
      items: [
        { title: "Heat", match: { kind: "movie", externalIds: { tmdb: "900" } } },
        { title: "Remember the Cant", match: { kind: "episode", episodeNumber: 3, episodeNumberEnd: 4 } },
      ],
      userData: [{ user: "alice", title: "Heat", data: watched }],
    },
  };
});
