import { describe, expect, it } from "vitest";
import type { ServiceError } from "../../src/http/errors.js";
import type { TargetKind } from "../../src/model/index.js";
import { EMBY, EMBY_USER_NAME, embyDialect } from "../../src/targets/emby/dialect.js";
import { checkSupported, identify } from "../../src/targets/families.js";
import {
  JELLYFIN,
  JELLYFIN_USER_NAME_10_8,
  JELLYFIN_USER_NAME_10_11,
  jellyfinDialect,
} from "../../src/targets/jellyfin/dialect.js";

const U = "0123456789abcdef0123456789abcdef";
const I = "fedcba9876543210fedcba9876543210";

describe("dialects", () => {
  it("Jellyfin 10.8 uses user-scoped routes and has no absolute user-data write", () => {
    const d = jellyfinDialect("10.8.13");
    expect(d.items(U)).toEqual({ path: `/Users/${U}/Items` });
    expect(d.userData(U, I)).toEqual({ path: `/Users/${U}/Items/${I}`, answer: "item" });
    expect(d.userDataWrite(U, I)).toBeNull();
    expect(d.abilities).toEqual({ userDataWrite: false, privatePlaylists: true, playlistEntryRemoval: true });
  });

  it("Jellyfin 10.9+ uses userId query routes; entry removal needs 10.11 with an API key", () => {
    const d = jellyfinDialect("10.9.11");
    expect(d.items(U)).toEqual({ path: "/Items", query: { userId: U } });
    expect(d.userDataWrite(U, I)).toEqual({ path: `/UserItems/${I}/UserData`, query: { userId: U } });
    expect(d.played(U, I)).toEqual({ path: `/UserPlayedItems/${I}`, query: { userId: U } });
    expect(d.abilities.playlistEntryRemoval).toBe(false);
    expect(jellyfinDialect("10.11.11").abilities.playlistEntryRemoval).toBe(true);
    expect(d.createPlaylist(U, "Mix", ["a"]).body).toEqual({
      Name: "Mix",
      Ids: ["a"],
      UserId: U,
      IsPublic: false,
    });
  });

  it("Emby uses PascalCase, query-only playlist creation, gated user-data fields and X-Emby-Token", () => {
    const d = embyDialect("4.8.11.0");
    expect(d.param("startIndex")).toBe("StartIndex");
    expect(d.createPlaylist(U, "Mix", ["1", "2"])).toEqual({
      path: "/Playlists",
      query: { Name: "Mix", Ids: ["1", "2"], UserId: U },
    });
    expect(d.userDataFields).toEqual(["UserDataPlayCount", "UserDataLastPlayedDate"]);
    expect(d.fullUserDataWrites).toBe(true);
    const headers = d.headers("the-key", "dev", "0.1.0");
    expect(headers["X-Emby-Token"]).toBe("the-key");
    expect(headers.Authorization).toBe(
      'MediaBrowser Client="plexodus", Device="plexodus-cli", DeviceId="dev", Version="0.1.0", Token="the-key"',
    );
    expect(embyDialect("4.7.5.0").abilities.privatePlaylists).toBe(false);
  });

  it("Jellyfin sends only the Authorization header (works with legacy auth off)", () => {
    expect(Object.keys(jellyfinDialect("10.11.11").headers("k", "d", "v"))).toEqual(["Authorization"]);
  });

  it("exports the user-name rules per version", () => {
    expect(JELLYFIN_USER_NAME_10_8.test("Anna-Lena O'Neil_2@home")).toBe(true);
    expect(JELLYFIN_USER_NAME_10_8.test("Zoë")).toBe(true);
    expect(JELLYFIN_USER_NAME_10_8.test("a+b")).toBe(false);
    expect(JELLYFIN_USER_NAME_10_11.test("a+b")).toBe(true);
    expect(JELLYFIN_USER_NAME_10_11.test(" anna")).toBe(false);
    expect(JELLYFIN_USER_NAME_10_11.test("anna ")).toBe(false);
    expect(jellyfinDialect("10.10.7").userNames.accepts).toBe(JELLYFIN_USER_NAME_10_8);
    expect(jellyfinDialect("10.11.0").userNames.accepts).toBe(JELLYFIN_USER_NAME_10_11);
    expect(EMBY_USER_NAME.test("anna+bob@x")).toBe(true);
    expect(EMBY_USER_NAME.test("bad\u0007")).toBe(false);
  });
});

describe("identify", () => {
  it("tells Jellyfin by ProductName and Emby by a four-part version", () => {
    expect(identify({ Version: "10.11.11", ProductName: "Jellyfin Server", Id: "x" }, "u")).toEqual({
      kind: "jellyfin",
      version: "10.11.11",
    });
    expect(identify({ Version: "4.8.11.0", Id: "x" }, "u")).toEqual({ kind: "emby", version: "4.8.11.0" });
    expect(() => identify({ Version: "1.2.3", ProductName: "Other", Id: "x" }, "u")).toThrow(
      /neither Jellyfin nor Emby/,
    );
    expect(() => identify({ Version: "10.11.11", Id: "x" }, "u")).toThrow(/neither/);
  });

  it("refuses versions outside 10.8–10.11 and 4.7–4.9", () => {
    expect(() => checkSupported("jellyfin", "10.8.0", "u")).not.toThrow();
    expect(() => checkSupported("jellyfin", "10.11.11", "u")).not.toThrow();
    expect(() => checkSupported("jellyfin", "10.7.7", "u")).toThrow(/supports jellyfin 10.8–10.11/);
    expect(() => checkSupported("jellyfin", "12.0.0", "u")).toThrow(/supports/);
    expect(() => checkSupported("emby", "4.9.3.0", "u")).not.toThrow();
    expect(() => checkSupported("emby", "4.6.7.0", "u")).toThrow(/4.7–4.9/);
    expect(() => checkSupported("emby", "4.10.0.1", "u")).toThrow(/4.7–4.9/);
  });

  it("takes the supported range and the newest known version from the dialects", () => {
    expect(JELLYFIN.versions).toEqual({ oldest: [10, 8], newest: [10, 11] });
    expect(EMBY.versions).toEqual({ oldest: [4, 7], newest: [4, 9] });
    const hintOf = (kind: TargetKind, version: string) => {
      try {
        checkSupported(kind, version, "u");
      } catch (error) {
        return (error as ServiceError).hint;
      }
      return undefined;
    };
    expect(hintOf("jellyfin", "12.0.0")).toMatch(/newer than plexodus knows \(10\.11\)/);
    expect(hintOf("jellyfin", "10.7.7")).toMatch(/Upgrade the server/);
  });
});
