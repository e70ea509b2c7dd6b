import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { build, type Film, type Watch, type World } from "./hostile-world.js";

/**
 * Issue 13 item 3: a flaky server (a fifth of the writes answered 503 with Retry-After) still
 * ends in a complete migration and exit 0: actions that used up their attempts get another
 * pass at the end of the run (--retries).
 */

const FILMS = 2000;

function world(): World {
  const films: Film[] = Array.from({ length: FILMS }, (_, i) => {
    const imdb = `tt${String(3_000_000 + i)}`;
    return {
      title: `Film ${i}`,
      year: 1990 + (i % 30),
      imdb,
      plexFiles: [`/plex/${imdb}.mkv`],
      targetPath: `/media/${imdb}.mkv`,
    };
  });
  // Every film watched by the owner: one user-data write each.
  const watches: Watch[] = films.map((_, i) => ({
    user: "admin",
    film: i,
    viewCount: 1 + (i % 4),
    lastViewedAt: new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString().replace(".000Z", "Z"),
    ...(i % 5 === 0 ? { viewOffsetMs: 60_000 * (1 + (i % 7)) } : {}),
    ...(i % 3 === 0 ? { rating: 2 * (1 + (i % 5)) } : {}),
  }));
  return { users: ["admin"], films, watches };
}

describe("issue 13 item 3: transient failures get another pass", () => {
  it(`${FILMS} actions with 20 % of writes answered 503 + Retry-After end in exit 0 and the exact end state`, async () => {
    const w = world();
    const built = await build(w);
    let cleanup = () => {};
    try {
      const first = built.ids[0]!;
      built.sandbox.faults.set({
        seed: 13,
        error503Rate: 0.2,
        onlyWrites: true,
        retryAfterSeconds: 1,
        // One action is sure to use up all five of its attempts in the first pass.
        aimed: [{ method: "POST", path: `/UserItems/${first}/UserData`, times: 5, action: "503" }],
      });
      // The journal on tmpfs where there is one: its fsyncs are not what this test is about.
      const journal = join(
        existsSync("/dev/shm") ? mkdtempSync("/dev/shm/plexodus-") : built.dir,
        "run.journal",
      );
      cleanup = () => rmSync(dirname(journal), { recursive: true, force: true });
      const result = await built.migrate(
        "--json",
        "--concurrency",
        "16",
        "--retries",
        "3",
        "--journal",
        journal,
      );
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report).toMatchObject({ applied: FILMS, failures: [], notStarted: 0 });
      expect(report.retryPasses).toBeGreaterThanOrEqual(1);
      const faults = built.sandbox.requests.filter((r) => r.fault === "503");
      const writes = built.sandbox.requests.filter((r) => r.write);
      expect(faults.length / writes.length).toBeGreaterThan(0.15);

      // Exactly the planned state: every film, every field.
      const data = built.sandbox.dump().userData.admin!;
      const filmOf = new Map(built.ids.map((id, i) => [id, i]));
      const actual = Object.entries(data)
        .map(([id, d]) => ({
          film: filmOf.get(id)!,
          playCount: d.playCount,
          played: d.played,
          lastPlayed: d.lastPlayedDate === null ? null : new Date(d.lastPlayedDate).toISOString(),
          positionTicks: d.playbackPositionTicks,
          rating: d.rating,
        }))
        .sort((a, b) => a.film - b.film);
      const expected = w.watches.map((watch) => ({
        film: watch.film,
        playCount: watch.viewCount,
        played: true,
        lastPlayed: new Date(watch.lastViewedAt!).toISOString(),
        positionTicks: (watch.viewOffsetMs ?? 0) * 10_000,
        rating: watch.rating ?? null,
      }));
      expect(actual).toEqual(expected);
      expect(built.sandbox.violations).toEqual([]);
    } finally {
      await built.stop();
      cleanup();
    }
  }, 300_000);
});
