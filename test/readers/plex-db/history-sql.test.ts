import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { HISTORY_SQL } from "../../../src/readers/plex-db/history.js";

/** HISTORY_SQL as first written, with typeof(): the reference its comparisons must equal. */
const TEXT_TIME = "viewed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'";
const REFERENCE_SQL = `SELECT account_id, guid, count(*),
     max(CASE WHEN typeof(viewed_at) IN ('integer', 'real') THEN viewed_at END),
     max(CASE WHEN typeof(viewed_at) = 'text' AND ${TEXT_TIME} THEN viewed_at END),
     sum(CASE WHEN typeof(viewed_at) IN ('integer', 'real') OR (typeof(viewed_at) = 'text' AND ${TEXT_TIME}) THEN 0 ELSE 1 END)
   FROM metadata_item_views NOT INDEXED GROUP BY guid, account_id ORDER BY guid, account_id`;

/** Every storage class a viewed_at can hold, including look-alikes of the others. */
const VALUES: unknown[] = [
  null,
  0,
  -86_400,
  1_600_000_000,
  1_650_000_000.75,
  -0.5,
  9_007_199_254_740_991,
  "",
  " ",
  "2019-03-04 05:06:07",
  "2021-11-30 23:59:59",
  "2021-11-30",
  "1600000000",
  "-5",
  "1e3",
  "not a date",
  "2019-3-4 05:06:07",
  "２０１９-03-04", // full-width digits are not [0-9]
  "2019-03-04 05:06:07😀",
  Buffer.from("2019-03-04 05:06:07"),
  Buffer.from([]),
  Buffer.from([0, 255]),
];

describe("HISTORY_SQL", () => {
  for (const type of ["datetime", "integer", "text", ""]) {
    it(`sums a viewed_at column declared "${type}" as the typeof() query did`, () => {
      const db = new Database(":memory:");
      db.exec(`CREATE TABLE metadata_item_views (account_id integer, guid varchar(255), viewed_at ${type})`);
      const insert = db.prepare("INSERT INTO metadata_item_views VALUES (?, ?, ?)");
      // Each value alone in a pair, and every value together in one pair.
      VALUES.forEach((value, i) => {
        insert.run(1, `plex://movie/${i}`, value);
        insert.run(2, "plex://movie/all", value);
      });
      // Pairs of two values, so each class meets each other class in one max().
      VALUES.forEach((a, i) => {
        VALUES.forEach((b, j) => {
          insert.run(3, `plex://movie/${i}-${j}`, a);
          insert.run(3, `plex://movie/${i}-${j}`, b);
        });
      });
      const rows = db.prepare(HISTORY_SQL).raw().all();
      expect(rows.length).toBe(VALUES.length + 1 + VALUES.length ** 2);
      expect(rows).toEqual(db.prepare(REFERENCE_SQL).raw().all());
    });
  }
});
