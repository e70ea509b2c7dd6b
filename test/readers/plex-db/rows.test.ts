import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { eachRow } from "../../../src/readers/plex-db/rows.js";

function rowsOf(db: Database.Database, sql: string): unknown[][] {
  const rows: unknown[][] = [];
  eachRow(db, sql, (...values) => {
    rows.push(values.slice(0, 3));
  });
  return rows;
}

describe("eachRow", () => {
  it("hands over rows in the query's ORDER BY order, also when the sort spills", () => {
    const db = new Database(":memory:");
    db.pragma("cache_size = -64"); // a tiny cache: the sorter writes and merges runs
    db.exec("CREATE TABLE t (a INTEGER, g TEXT, v)");
    const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?)");
    db.transaction(() => {
      // Table order is the reverse of the sort order, with ties on `a`.
      for (let i = 20_000; i > 0; i--) insert.run(i % 7, `guid-${String(i).padStart(6, "0")}`, i);
    })();
    const sql = "SELECT a, g, v FROM t NOT INDEXED ORDER BY a, g";
    const expected = db.prepare(sql).raw().all();
    const seen = rowsOf(db, sql);
    expect(seen.length).toBe(20_000);
    expect(seen).toEqual(expected);
    const grouped = "SELECT a, g, count(*) FROM t NOT INDEXED GROUP BY a, g ORDER BY a, g";
    expect(rowsOf(db, grouped)).toEqual(db.prepare(grouped).raw().all());
  });

  it("gives every value as iterate() does: null, integers, reals, text, blobs", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (x)");
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    const values: unknown[] = [
      null,
      0,
      -3,
      2 ** 40,
      1.5,
      "",
      "plex://movie/ünïcødé-😀",
      Buffer.from([0, 255]),
    ];
    for (const value of values) insert.run(value);
    insert.run(9_007_199_254_740_993n);
    const sql = "SELECT x, typeof(x), rowid FROM t ORDER BY rowid";
    expect(rowsOf(db, sql)).toEqual(db.prepare(sql).raw().all());
  });

  it("ends the query with the visitor's exception", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3)");
    let calls = 0;
    const failure = new Error("stop here");
    expect(() =>
      eachRow(db, "SELECT x FROM t", () => {
        if (++calls === 2) throw failure;
      }),
    ).toThrow(failure);
    expect(calls).toBe(2);
  });
});
