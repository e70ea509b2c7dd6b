import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { type MapUsersOptions, mapUsers } from "../../src/match/users.js";
import type { SourceUser, TargetUser } from "../../src/model/index.js";
import { jellyfinDialect } from "../../src/targets/jellyfin/dialect.js";

const jellyfin = jellyfinDialect("10.10.7").userNames;

function source(id: string, name: string): SourceUser {
  return { id, name, isOwner: id === "1", isPlaceholder: false, unknownFields: [], inferredFields: [] };
}

function existing(id: string, name: string): TargetUser {
  return { id, name, isAdmin: false };
}

function options(fields: Partial<MapUsersOptions> = {}): MapUsersOptions {
  return { userMap: [], createUsers: false, nameRule: jellyfin, ...fields };
}

describe("mapUsers", () => {
  it("applies --user-map first, comparing names case-insensitively", () => {
    const result = mapUsers(
      [source("2", "Alice"), source("3", "bob")],
      [existing("u1", "Mum"), existing("u2", "bob")],
      options({ userMap: [{ from: "alice", to: "MUM" }] }),
    );
    expect(result.mapped).toEqual([
      { sourceUserId: "2", targetName: "Mum", targetUserId: "u1", rule: "user-map" },
      { sourceUserId: "3", targetName: "bob", targetUserId: "u2", rule: "name" },
    ]);
  });

  it("finds a target user of the same name in another case", () => {
    const result = mapUsers([source("2", "ALICE")], [existing("u1", "alice")], options());
    expect(result.mapped[0]).toMatchObject({ targetUserId: "u1", rule: "name" });
  });

  it("finds the user an earlier run created under the sanitized name", () => {
    const result = mapUsers([source("2", "alice/smith")], [existing("u1", "Alice_Smith")], options());
    expect(result.mapped[0]).toMatchObject({
      targetUserId: "u1",
      targetName: "Alice_Smith",
      rule: "sanitized-name",
    });
  });

  it("creates missing users with --create-users under the sanitized name", () => {
    const result = mapUsers([source("2", " kid#1 ")], [], options({ createUsers: true }));
    expect(result.mapped).toEqual([
      { sourceUserId: "2", targetName: "kid_1", targetUserId: null, rule: "create" },
    ]);
  });

  it("reports accounts nobody maps to without --create-users", () => {
    const result = mapUsers([source("2", "carol!")], [], options());
    expect(result.mapped).toEqual([]);
    expect(result.unmapped).toEqual([{ sourceUserId: "2", reason: "unmapped", detail: expect.any(String) }]);
    expect(result.unmapped[0]?.detail).toContain('"carol_"');
  });

  it("suffixes created names that collide: -2, -3 by source id, whatever the input order", () => {
    const users = [source("12", "bob?"), source("3", "Bob!"), source("7", "bob*")];
    const result = mapUsers(users, [], options({ createUsers: true }));
    expect(result.mapped.map((m) => [m.sourceUserId, m.targetName])).toEqual([
      ["3", "Bob_"],
      ["7", "bob_-2"],
      ["12", "bob_-3"],
    ]);
  });

  it("finds suffixed users again on a rerun and creates nothing new", () => {
    const users = [source("3", "Bob!"), source("7", "bob*"), source("12", "bob?")];
    const first = mapUsers(users, [], options({ createUsers: true }));
    const created = first.mapped.map((m, i) => existing(`u${i}`, m.targetName));
    const rerun = mapUsers(users, created, options({ createUsers: true }));
    expect(rerun.mapped.map((m) => [m.sourceUserId, m.targetUserId, m.rule])).toEqual([
      ["3", "u0", "sanitized-name"],
      ["7", "u1", "sanitized-name"],
      ["12", "u2", "sanitized-name"],
    ]);
  });

  it("never gives one existing target user to two accounts", () => {
    // "bob_" matches exactly; "bob!" would sanitize to the same name and must not share it.
    const result = mapUsers(
      [source("2", "bob!"), source("3", "bob_")],
      [existing("u1", "bob_")],
      options({ createUsers: true }),
    );
    expect(result.mapped).toEqual([
      { sourceUserId: "2", targetName: "bob_-2", targetUserId: null, rule: "create" },
      { sourceUserId: "3", targetName: "bob_", targetUserId: "u1", rule: "name" },
    ]);
    const withoutCreate = mapUsers(
      [source("2", "bob!"), source("3", "bob_")],
      [existing("u1", "bob_")],
      options(),
    );
    expect(withoutCreate.unmapped[0]).toMatchObject({ sourceUserId: "2", reason: "unmapped" });
    expect(withoutCreate.unmapped[0]?.detail).toContain("already paired");
  });

  it("gives a same-named target user to the account spelled exactly like it", () => {
    const result = mapUsers([source("2", "Bob"), source("3", "bob")], [existing("u1", "bob")], options());
    expect(result.mapped).toEqual([
      { sourceUserId: "3", targetName: "bob", targetUserId: "u1", rule: "name" },
    ]);
    expect(result.unmapped.map((m) => m.sourceUserId)).toEqual(["2"]);
  });

  it("lets an explicit --user-map claim its target before same-name matching", () => {
    const result = mapUsers(
      [source("2", "ann"), source("3", "Ann?")],
      [existing("u1", "ann"), existing("u2", "Ann_")],
      options({ createUsers: true, userMap: [{ from: "Ann?", to: "ann_" }] }),
    );
    expect(result.mapped).toEqual([
      { sourceUserId: "2", targetName: "ann", targetUserId: "u1", rule: "name" },
      { sourceUserId: "3", targetName: "Ann_", targetUserId: "u2", rule: "user-map" },
    ]);
  });

  it("creates a --user-map target that does not exist, with --create-users", () => {
    const result = mapUsers(
      [source("2", "alice")],
      [],
      options({ createUsers: true, userMap: [{ from: "Alice", to: "Mum" }] }),
    );
    expect(result.mapped).toEqual([
      { sourceUserId: "2", targetName: "Mum", targetUserId: null, rule: "user-map" },
    ]);
  });

  it("reports map-target-missing without --create-users", () => {
    const result = mapUsers(
      [source("2", "alice")],
      [existing("u1", "alice")],
      options({ userMap: [{ from: "alice", to: "Mum" }] }),
    );
    expect(result.mapped).toEqual([]);
    expect(result.unmapped).toEqual([
      { sourceUserId: "2", reason: "map-target-missing", detail: expect.stringContaining('"Mum"') },
    ]);
  });

  it("refuses two accounts mapped to one target user", () => {
    const run = () =>
      mapUsers(
        [source("2", "alice"), source("3", "bob")],
        [existing("u1", "family")],
        options({
          userMap: [
            { from: "alice", to: "family" },
            { from: "bob", to: "Family" },
          ],
        }),
      );
    expect(run).toThrowError(ConfigError);
    expect(run).toThrowError(/alice.*bob/);
  });

  it("refuses a --user-map target name the target would reject, and ignores maps of unselected accounts", () => {
    expect(() =>
      mapUsers(
        [source("2", "alice")],
        [],
        options({ createUsers: true, userMap: [{ from: "alice", to: "a/b" }] }),
      ),
    ).toThrowError(ConfigError);
    const result = mapUsers(
      [source("2", "alice")],
      [existing("u1", "family"), existing("u2", "alice")],
      options({ userMap: [{ from: "excluded-person", to: "family" }] }),
    );
    expect(result.mapped).toEqual([
      { sourceUserId: "2", targetName: "alice", targetUserId: "u2", rule: "name" },
    ]);
  });
});
