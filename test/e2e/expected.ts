import { itemsOf } from "../helpers/sample-target.js";
import { type DataRow, type EndState, richLibrary } from "./helpers.js";

/**
 * The end state SEMANTICS.md defines for the bundled Plex sample (src/sample/plex.ts)
 * migrated onto richLibrary() with the demo's path and user maps, --create-users
 * and --favorite-min-rating 9. Worked out by hand from the rules, not from the program:
 *
 * - admin ← plexowner. The Matrix: two settings rows (3 plays 2023-05-01 rated 9; 2 plays
 *   2022-01-10 at 20 min rated 6) → 3 plays, last 2023-05-01, position of the row viewed
 *   last (0), rating of the row rated last (9). Target already has 5 plays (2020-01-04).
 *   Casablanca: rated 8, never played; last played from history (2019-12-24 16:00).
 *   Shawshank: one guid in two Plex libraries, one target film: 1 play 2021-11-20.
 *   Breaking Bad S01E02 and E03 are one target file: E02's state (E03 has none).
 *   The show row's view_count counts episodes: only its rating (10) migrates.
 * - Kids (created): The Matrix rated 7; Office S01E02 at 10 min (600 000 ms);
 *   Paranoid Android 4 plays; Birthday 2019 has no target item.
 * - Alex ← alex.friend: Casablanca 1 play; Tenet 1 play (in Plex's trash: still history).
 * - account-23456789 (created; only history rows): The Matrix last played 2020-06-06, not
 *   played (no settings row, so view_count is not > 0).
 */

type Row = [user: string, ref: string, ...DataTuple];
type DataTuple = [
  played: boolean,
  plays: number,
  lastPlayed: string | null,
  positionMs: number,
  rating: number | null,
  favorite: boolean,
];

// Merge: played OR, max count, later date, target position unless 0, target rating unless none.
// Target before: admin matrix 5 plays 2020-01-04; admin blade-runner at 20 min; admin
// casablanca rated 6; admin shawshank last played 2022-12-25; admin office-s1e1 1 play
// 2020-09-01; Alex lawrence 2 plays 2019-03-03 (no Plex state: merge leaves it).
// biome-ignore format: the table reads better aligned
const MERGE_ROWS: Row[] = [
  // user             ref                  played plays last played (UTC)      position ms rating favorite
  ["admin",             "matrix",            true,  5,   "2023-05-01T20:15:00Z",           0, 9,     true],
  ["admin",             "blade-runner",      false, 0,   "2023-06-10T21:30:00Z",   1_200_000, null,  false],
  ["admin",             "shawshank",         true,  1,   "2022-12-25T20:00:00Z",           0, null,  false],
  ["admin",             "casablanca",        false, 0,   "2019-12-24T16:00:00Z",           0, 6,     false],
  ["admin",             "breaking-bad",      false, 0,   null,                             0, 10,    true],
  ["admin",             "bb-s1e1",           true,  1,   "2023-02-01T21:00:00Z",           0, null,  false],
  ["admin",             "bb-s1e2-3",         true,  1,   "2023-02-02T21:00:00Z",           0, null,  false],
  ["admin",             "office-s1e1",       true,  2,   "2020-09-01T18:00:00Z",           0, null,  false],
  ["admin",             "airbag",            true,  12,  "2024-01-05T08:00:00Z",           0, null,  false],
  ["Alex",              "casablanca",        true,  1,   "2021-02-14T20:00:00Z",           0, null,  false],
  ["Alex",              "tenet",             true,  1,   "2021-09-09T20:00:00Z",           0, null,  false],
  ["Alex",              "lawrence",          true,  2,   "2019-03-03T20:00:00Z",           0, null,  false],
  ["account-23456789",  "matrix",            false, 0,   "2020-06-06T20:00:00Z",           0, null,  false],
  ["Kids",              "matrix",            false, 0,   null,                             0, 7,     false],
  ["Kids",              "office-s1e2",       false, 0,   "2023-03-03T16:00:00Z",     600_000, null,  false],
  ["Kids",              "paranoid-android",  true,  4,   "2024-02-02T08:00:00Z",           0, null,  false],
];

// Mirror: every matched item of a mapped user equals Plex, whatever the target had.
// biome-ignore format: the table reads better aligned
const MIRROR_ROWS: Row[] = [
  ["admin",             "matrix",            true,  3,   "2023-05-01T20:15:00Z",           0, 9,     true],
  ["admin",             "blade-runner",      false, 0,   "2023-06-10T21:30:00Z",   3_600_000, null,  false],
  ["admin",             "shawshank",         true,  1,   "2021-11-20T20:00:00Z",           0, null,  false],
  ["admin",             "casablanca",        false, 0,   "2019-12-24T16:00:00Z",           0, 8,     false],
  ["admin",             "breaking-bad",      false, 0,   null,                             0, 10,    true],
  ["admin",             "bb-s1e1",           true,  1,   "2023-02-01T21:00:00Z",           0, null,  false],
  ["admin",             "bb-s1e2-3",         true,  1,   "2023-02-02T21:00:00Z",           0, null,  false],
  ["admin",             "office-s1e1",       true,  2,   "2020-08-15T19:00:00Z",           0, null,  false],
  ["admin",             "airbag",            true,  12,  "2024-01-05T08:00:00Z",           0, null,  false],
  ["Alex",              "casablanca",        true,  1,   "2021-02-14T20:00:00Z",           0, null,  false],
  ["Alex",              "tenet",             true,  1,   "2021-09-09T20:00:00Z",           0, null,  false],
  // Alex's lawrence: Plex has nothing, so mirror clears it (absent = empty state).
  ["account-23456789",  "matrix",            false, 0,   "2020-06-06T20:00:00Z",           0, null,  false],
  ["Kids",              "matrix",            false, 0,   null,                             0, 7,     false],
  ["Kids",              "office-s1e2",       false, 0,   "2023-03-03T16:00:00Z",     600_000, null,  false],
  ["Kids",              "paranoid-android",  true,  4,   "2024-02-02T08:00:00Z",           0, null,  false],
];

function table(rows: Row[]): EndState["userData"] {
  const out: EndState["userData"] = {};
  for (const [user, ref, played, plays, lastPlayed, positionMs, rating, favorite] of rows) {
    const data: DataRow = { played, plays, lastPlayed, positionMs, rating, favorite };
    out[user] = { ...out[user], [ref]: data };
  }
  return out;
}

const USERS: EndState["users"] = [
  { name: "account-23456789", admin: false, hasPassword: true }, // created
  { name: "admin", admin: true, hasPassword: true },
  { name: "Alex", admin: false, hasPassword: false },
  { name: "Kids", admin: false, hasPassword: true }, // created
];

// Private to their owner; "Movie Night" existed with one entry and gains the missing ones in
// Plex order (Plex holds The Matrix twice: kept once). Alex's public "Road Trip" is untouched.
const PLAYLISTS: EndState["playlists"] = [
  { name: "Movie Night", owner: "admin", public: false, entries: ["bb-s1e1", "matrix", "blade-runner"] },
  { name: "Road Trip", owner: "Alex", public: true, entries: ["airbag"] },
  { name: "Road Trip", owner: "Kids", public: false, entries: ["airbag", "paranoid-android"] },
];

// The existing collection gains Blade Runner.
const COLLECTIONS: EndState["collections"] = [
  { name: "Sci-Fi Classics", members: ["matrix", "blade-runner"] },
];

/**
 * The target's own people, whom no user map names and no Plex account becomes: they and their
 * data stay as the target library has them, in merge and mirror alike. Read from the library.
 */
function untouched(): Pick<EndState, "users" | "userData"> {
  const library = richLibrary();
  const migrated = new Set(USERS.map((user) => user.name));
  const users = library.users
    .filter((user) => !migrated.has(user.name))
    .map((user) => ({ name: user.name, admin: user.admin ?? false, hasPassword: Boolean(user.password) }));
  const userData: EndState["userData"] = {};
  for (const { item } of itemsOf(library)) {
    for (const [user, data] of Object.entries(item.userData ?? {})) {
      if (migrated.has(user) || item.ref === undefined) continue;
      const row: DataRow = {
        played: data.played ?? false,
        plays: data.playCount ?? 0,
        lastPlayed: data.lastPlayedDate
          ? new Date(data.lastPlayedDate).toISOString().replace(".000Z", "Z")
          : null,
        positionMs: (data.playbackPositionTicks ?? 0) / 10_000,
        rating: data.rating ?? null,
        favorite: data.isFavorite ?? false,
      };
      userData[user] = { ...userData[user], [item.ref]: row };
    }
  }
  return { users, userData };
}

function expected(rows: Row[]): EndState {
  const others = untouched();
  return {
    users: [...USERS, ...others.users].sort((a, b) => a.name.localeCompare(b.name)),
    userData: { ...table(rows), ...others.userData },
    playlists: PLAYLISTS,
    collections: COLLECTIONS,
  };
}

export const EXPECTED_MERGE: EndState = expected(MERGE_ROWS);
export const EXPECTED_MIRROR: EndState = expected(MIRROR_ROWS);
