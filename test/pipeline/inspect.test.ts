import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../fixtures/plex/write.js";
import type { Config } from "../../src/config/load.js";
import { LEAF_KINDS, type Snapshot } from "../../src/model/index.js";
import { InspectTally, inspectSource, summarize } from "../../src/pipeline/inspect.js";
import type { Interaction } from "../../src/pipeline/interaction.js";
import { readSource, streamSource } from "../../src/pipeline/source.js";
import { SILENT_PROGRESS } from "../../src/progress.js";
import { openPlexDatabase } from "../../src/readers/plex-db/index.js";
import { busyHistoryDb, tempDirs } from "../readers/plex-db/helpers.js";

const tempDir = tempDirs();

function hostileSampleDb(): string {
  const path = join(tempDir(), "com.plexapp.plugins.library.db");
  writeSampleDatabase(path, { variant: "hostile", timeZone: "UTC" });
  return path;
}

/** The plain per-user filtering summarize() once did, as the reference its grouping must equal. */
function naiveUsers(snapshot: Snapshot) {
  const leaf = new Set(snapshot.items.filter((i) => LEAF_KINDS.has(i.kind)).map((i) => i.identity));
  return snapshot.users.map((user) => {
    const states = snapshot.states.filter((s) => s.userId === user.id);
    const leafStates = states.filter((s) => leaf.has(s.identity));
    return {
      id: user.id,
      name: user.name,
      isOwner: user.isOwner,
      isPlaceholder: user.isPlaceholder,
      watched: leafStates.filter((s) => s.played).length,
      inProgress: leafStates.filter((s) => s.positionMs > 0).length,
      rated: states.filter((s) => s.rating !== null).length,
      playlists: snapshot.playlists.filter((p) => p.ownerUserId === user.id).length,
      historyPlays: snapshot.history.filter((h) => h.userId === user.id).reduce((n, h) => n + h.plays, 0),
      unknownFields: user.unknownFields,
      inferredFields: user.inferredFields,
    };
  });
}

describe("summarize", () => {
  it("counts per user and library in one pass exactly as filtering per user does", async () => {
    const path = hostileSampleDb();
    const snapshot = await openPlexDatabase(path, { timeZone: "UTC" }).read();
    const leafItem = snapshot.items.find((i) => LEAF_KINDS.has(i.kind))!;
    const showItem = snapshot.items.find((i) => i.kind === "show")!;
    const owner = snapshot.users[0]!;
    const base = {
      played: false,
      playCount: 0,
      lastPlayedAt: null,
      positionMs: 0,
      rating: null,
      ratedAt: null,
    };
    const extended: Snapshot = {
      ...snapshot,
      // Interleaved users, a rated non-leaf state, and a state of a user not in the list.
      states: [
        ...snapshot.states,
        { ...base, userId: owner.id, identity: showItem.identity, rating: 7 },
        { ...base, userId: "424242", identity: leafItem.identity, played: true, playCount: 3 },
        { ...base, userId: owner.id, identity: `${leafItem.identity}-x`, played: true, positionMs: 5 },
        ...snapshot.states.slice().reverse(),
      ],
      history: [
        ...snapshot.history,
        { userId: "424242", identity: "x", plays: 9, lastViewedAt: new Date(0) },
      ],
    };
    for (const snap of [snapshot, extended]) {
      expect(summarize(snap).users).toEqual(naiveUsers(snap));
    }
    const ownerBefore = summarize(snapshot).users[0]!;
    const ownerAfter = summarize(extended).users[0]!;
    expect(ownerAfter.rated).toBe(2 * ownerBefore.rated + 1);
    expect(ownerAfter.watched).toBe(2 * ownerBefore.watched);
    expect(summarize(extended).libraries).toEqual(summarize(snapshot).libraries);
  });
});

describe("inspect of the database alone", () => {
  it("counts a streamed read exactly as summarize() counts the whole snapshot", async () => {
    const paths = [hostileSampleDb(), busyHistoryDb(tempDir())];
    const legacy = join(tempDir(), "com.plexapp.plugins.library.db");
    writeSampleDatabase(legacy, { variant: "legacy", timeZone: "UTC" });
    paths.push(legacy);
    for (const path of paths) {
      const whole = summarize(await openPlexDatabase(path, { timeZone: "UTC" }).read());
      let tally: InspectTally | undefined;
      const head = await openPlexDatabase(path, { timeZone: "UTC" }).stream((items) => {
        tally = new InspectTally(items);
        return tally;
      });
      expect(tally!.report(head)).toEqual(whole);
      expect(whole.totals.history).toBeGreaterThan(0);
    }
  });

  it("streams only the database alone, and inspectSource counts it as summarize() does", async () => {
    const path = busyHistoryDb(tempDir());
    const whole = summarize(await openPlexDatabase(path, { timeZone: "UTC" }).read());
    const alone = { plexDb: path, plexTimezone: "UTC" } as Config;
    const withTautulli = { ...alone, tautulliUrl: "http://127.0.0.1:9", tautulliApiKey: "k" } as Config;
    const withApi = { ...alone, plexUrl: "http://127.0.0.1:9", plexToken: "t" } as Config;
    const sink = () => ({ state() {}, history() {} });
    expect(await streamSource(alone, SILENT_PROGRESS, sink)).toBeDefined();
    expect(await streamSource(withTautulli, SILENT_PROGRESS, sink)).toBeUndefined();
    expect(await streamSource(withApi, SILENT_PROGRESS, sink)).toBeUndefined();
    const interaction = { progress: () => ({ ...SILENT_PROGRESS, stop() {} }) } as unknown as Interaction;
    expect(await inspectSource(alone, interaction)).toEqual(whole);
  });

  it("reports the zone local-time dates were read in as the whole read does", async () => {
    // Legacy text dates written in a zone with DST, read in the same zone.
    const path = join(tempDir(), "com.plexapp.plugins.library.db");
    writeSampleDatabase(path, { variant: "legacy", timeZone: "America/New_York" });
    const config = { plexDb: path, plexTimezone: "America/New_York" } as Config;
    const interaction = { progress: () => ({ ...SILENT_PROGRESS, stop() {} }) } as unknown as Interaction;
    const streamed = await inspectSource(config, interaction);
    const whole = summarize(await readSource(config, SILENT_PROGRESS));
    expect(streamed.source.localTimeZone).toEqual(whole.source.localTimeZone);
    expect(streamed.source.localTimeZone?.zone).toBe("America/New_York");
    expect(streamed.source.localTimeZone?.dates).toBeGreaterThan(0);
    expect(streamed).toEqual(whole);
    // A database with numeric dates only reports none, streamed or not.
    const current = join(tempDir(), "com.plexapp.plugins.library.db");
    writeSampleDatabase(current, { variant: "current", timeZone: "UTC" });
    const numeric = { plexDb: current, plexTimezone: "UTC" } as Config;
    expect((await inspectSource(numeric, interaction)).source.localTimeZone).toBeNull();
    expect(summarize(await readSource(numeric, SILENT_PROGRESS)).source.localTimeZone).toBeNull();
  });
});
