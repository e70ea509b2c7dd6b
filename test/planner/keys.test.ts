import { describe, expect, it } from "vitest";
import {
  collectionMembersKey,
  createCollectionKey,
  createPlaylistKey,
  playlistEntriesKey,
  userDataKey,
  userKey,
} from "../../src/planner/keys.js";

// Journals written by earlier versions are resumed and rolled back by key: a key must never
// change for the same intent, whatever builds it. These are the keys plexodus wrote before
// they were joined instead of concatenated.
describe("action keys", () => {
  it("are the same strings earlier versions journaled", () => {
    expect(userKey("a/b%c")).toBe("user/a%2Fb%25c");
    expect(userDataKey("owner", "41046e561b657052d4795186a3d6f636", { played: true, playCount: 3 })).toBe(
      "userdata/owner/41046e561b657052d4795186a3d6f636/56974c3a18ca",
    );
    expect(createPlaylistKey("owner", "Road/Trip")).toBe("playlist/owner/Road%2FTrip");
    expect(playlistEntriesKey("owner", "Mix", ["1", "2"])).toBe("playlist-entries/owner/Mix/cc3f2a1ffd63");
    expect(createCollectionKey("Heist 100%")).toBe("collection/Heist 100%25");
    expect(collectionMembersKey("Heist", ["9"])).toBe("collection-members/Heist/8d81fb9d8d15");
  });

  it("keep a slash in a name from making two intents share a key", () => {
    expect(createPlaylistKey("a/b", "c")).not.toBe(createPlaylistKey("a", "b/c"));
  });
});
