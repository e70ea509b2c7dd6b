import { describe, expect, it } from "vitest";
import type { ServiceError } from "../../src/http/errors.js";
import type { TargetKind } from "../../src/model/index.js";
import { EMBY, EMBY_USER_NAME, embyDialect } from "../../src/targets/emby/dialect.js";
import { checkSupported, identify, NEWER_THAN_KNOWN } from "../../src/targets/families.js";
import {
  JELLYFIN,
  JELLYFIN_USER_NAME_10_8,
  JELLYFIN_USER_NAME_10_11,
  JELLYFIN_USER_NAME_12,
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

  it("Jellyfin, every version, sends only the Authorization header (works with legacy auth off)", () => {
    for (const version of ["10.8.13", "10.9.11", "10.10.7", "10.11.11", "12.0.0", "13.0.0"]) {
      const headers = jellyfinDialect(version).headers("k", "d", "v");
      expect(headers).toEqual({
        Authorization:
          'MediaBrowser Client="plexodus", Device="plexodus-cli", DeviceId="d", Version="v", Token="k"',
      });
    }
  });

  it("states box-set folding off in every listing, each server in its own words", () => {
    expect(jellyfinDialect("12.0.0").listing).toEqual({ collapseBoxSetItems: false });
    expect(jellyfinDialect("10.8.13").listing).toEqual({ collapseBoxSetItems: false });
    expect(embyDialect("4.10.1.0").listing).toEqual({ groupItemsIntoCollections: false });
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
    expect(JELLYFIN_USER_NAME_12.test(".")).toBe(false);
    expect(JELLYFIN_USER_NAME_12.test("..")).toBe(false);
    expect(JELLYFIN_USER_NAME_12.test("...")).toBe(true);
    expect(JELLYFIN_USER_NAME_12.test(".anna")).toBe(true);
    expect(JELLYFIN_USER_NAME_12.test("a+b")).toBe(true);
    expect(JELLYFIN_USER_NAME_10_11.test("..")).toBe(true);
    expect(jellyfinDialect("12.0.0").userNames.accepts).toBe(JELLYFIN_USER_NAME_12);
    expect(jellyfinDialect("13.0.0").userNames.accepts).toBe(JELLYFIN_USER_NAME_12);
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

  it("refuses versions older than 10.8 and 4.7 with exit 4, and unreadable ones", () => {
    for (const [kind, version] of [
      ["jellyfin", "10.7.7"],
      ["jellyfin", "9.0.0"],
      ["emby", "4.6.7.0"],
      ["emby", "3.5.3.0"],
      ["jellyfin", "unstable"],
    ] as const) {
      const error = refusal(kind, version);
      expect(error?.category, `${kind} ${version}`).toBe("unsupported");
      expect(error?.exitCode).toBe(4);
    }
    expect(refusal("jellyfin", "10.7.7")?.message).toMatch(/supports Jellyfin 10\.8 or later/);
    expect(refusal("jellyfin", "10.7.7")?.hint).toMatch(/Upgrade the server to Jellyfin 10\.8/);
    expect(refusal("emby", "4.6.7.0")?.message).toMatch(/supports Emby 4\.7 or later/);
  });

  it("accepts every known version without a warning", () => {
    for (const [kind, version] of [
      ["jellyfin", "10.8.0"],
      ["jellyfin", "10.11.11"],
      ["jellyfin", "12.0.0"],
      ["jellyfin", "12.1.0"],
      ["jellyfin", "12.1.7"],
      ["emby", "4.7.5.0"],
      ["emby", "4.9.5.0"],
      ["emby", "4.10.0.40"],
      ["emby", "4.10.1.0"],
      ["emby", "4.10.1.9"],
    ] as const) {
      expect(checkSupported(kind, version, "u"), `${kind} ${version}`).toBeNull();
    }
  });

  it("goes on with a warning for versions newer than the newest known one", () => {
    for (const [kind, version, newest] of [
      ["jellyfin", "12.2.0", "12.1"],
      ["jellyfin", "12.9.0", "12.1"],
      ["jellyfin", "13.0.0", "12.1"],
      ["emby", "4.10.5.0", "4.10.1"],
      ["emby", "4.11.0.0", "4.10.1"],
      ["emby", "5.0.0.0", "4.10.1"],
    ] as const) {
      const warning = checkSupported(kind, version, "u");
      expect(warning?.code).toBe(NEWER_THAN_KNOWN);
      expect(warning?.message).toContain(
        `${version} is newer than the newest version plexodus knows (${newest})`,
      );
    }
  });

  it("serves a newer version with the newest dialect", () => {
    const newest = jellyfinDialect("12.1.0");
    const newer = jellyfinDialect("13.0.0");
    expect(newer.userNames.accepts).toBe(newest.userNames.accepts);
    expect(newer.abilities).toEqual(newest.abilities);
    expect(newer.items(U)).toEqual(newest.items(U));
    expect(embyDialect("4.11.0.0").abilities).toEqual(embyDialect("4.10.1.0").abilities);
    expect(identify({ Version: "5.0.0.0", Id: "x" }, "u")).toEqual({ kind: "emby", version: "5.0.0.0" });
  });

  it("takes the supported range and the newest known version from the dialects", () => {
    expect(JELLYFIN.versions).toEqual({ oldest: [10, 8], newest: [12, 1] });
    expect(EMBY.versions).toEqual({ oldest: [4, 7], newest: [4, 10, 1] });
  });
});

function refusal(kind: TargetKind, version: string): ServiceError | undefined {
  try {
    checkSupported(kind, version, "u");
  } catch (error) {
    return error as ServiceError;
  }
  return undefined;
}
