import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSampleDatabase } from "../../../fixtures/plex/write.js";
import { ConfigError } from "../../../src/errors.js";
import { openPlexDatabase } from "../../../src/readers/plex-db/index.js";
import {
  formatLocalText,
  isValidTimeZone,
  parseLocalText,
  ZoneClock,
  zoneOffsetMs,
} from "../../../src/readers/plex-db/timezone.js";
import { Notes, TimeDecoder } from "../../../src/readers/plex-db/values.js";
import { tempDirs } from "./helpers.js";

const tempDir = tempDirs();

const iso = (text: string, zone: string) => parseLocalText(text, zone)?.toISOString() ?? null;

describe("local-time text in a zone", () => {
  it("reads ordinary times with the zone's offset", () => {
    expect(iso("2019-06-01 12:00:00", "America/New_York")).toBe("2019-06-01T16:00:00.000Z");
    expect(iso("2019-01-15 12:00:00", "America/New_York")).toBe("2019-01-15T17:00:00.000Z");
    expect(iso("2020-01-01 00:00:00", "Asia/Kolkata")).toBe("2019-12-31T18:30:00.000Z");
    expect(iso("2020-01-01 00:00:00", "UTC")).toBe("2020-01-01T00:00:00.000Z");
  });

  it("reads pre-1970 times", () => {
    expect(iso("1965-07-04 09:30:00", "UTC")).toBe("1965-07-04T09:30:00.000Z");
    expect(iso("1965-07-04 09:30:00", "Europe/London")).toBe("1965-07-04T08:30:00.000Z");
  });

  it("takes the earlier instant in a DST overlap (clocks turned back)", () => {
    // Berlin 2019-10-27: 03:00 CEST → 02:00 CET, so 02:30 happens twice.
    expect(iso("2019-10-27 02:30:00", "Europe/Berlin")).toBe("2019-10-27T00:30:00.000Z");
    expect(iso("2019-11-03 01:30:00", "America/New_York")).toBe("2019-11-03T05:30:00.000Z");
  });

  it("moves a time in a DST gap forward by the gap (offset before the transition)", () => {
    // Berlin 2019-03-31: 02:00 CET → 03:00 CEST; 02:30 does not exist and reads as 03:30 CEST.
    expect(iso("2019-03-31 02:30:00", "Europe/Berlin")).toBe("2019-03-31T01:30:00.000Z");
    expect(iso("2019-03-31 01:59:59", "Europe/Berlin")).toBe("2019-03-31T00:59:59.000Z");
    expect(iso("2019-03-31 03:00:00", "Europe/Berlin")).toBe("2019-03-31T01:00:00.000Z");
  });

  it("accepts date-only and fractional text, rejects other text", () => {
    expect(iso("2019-06-01", "UTC")).toBe("2019-06-01T00:00:00.000Z");
    expect(iso("2019-06-01 10:00:00.250", "UTC")).toBe("2019-06-01T10:00:00.250Z");
    expect(iso("yesterday", "UTC")).toBeNull();
    expect(iso("2023-02-30 10:00:00", "UTC")).toBeNull();
    expect(iso("2023-13-01 10:00:00", "UTC")).toBeNull();
  });

  it("formats back to the same text (round trip), including across DST", () => {
    for (const zone of ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]) {
      for (let t = Date.UTC(2019, 0, 1); t < Date.UTC(2020, 0, 1); t += 3_600_000 * 7 + 1000) {
        const text = formatLocalText(new Date(t), zone);
        const back = parseLocalText(text, zone)!;
        expect(formatLocalText(back, zone)).toBe(text);
      }
    }
  });

  it("knows offsets and rejects unknown zones", () => {
    expect(zoneOffsetMs(Date.UTC(2019, 6, 1), "Europe/Berlin")).toBe(7_200_000);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
  });

  it("reads 29 February and 1 March of leap years on their own day (the old code read them a day early)", () => {
    for (const zone of ["UTC", "Europe/Berlin", "America/New_York"]) {
      const offsetHours = { UTC: 0, "Europe/Berlin": 1, "America/New_York": -5 }[zone]!;
      for (const [text, utc] of [
        ["2024-02-29 12:00:00", Date.UTC(2024, 1, 29, 12)],
        ["2024-03-01 12:00:00", Date.UTC(2024, 2, 1, 12)],
        ["2000-02-29 00:30:00", Date.UTC(2000, 1, 29, 0, 30)],
        ["2000-03-01 00:00:00", Date.UTC(2000, 2, 1)],
        ["2023-03-01 12:00:00", Date.UTC(2023, 2, 1, 12)],
      ] as const) {
        const instant = new Date(utc - offsetHours * 3_600_000);
        expect(iso(text, zone), `${text} in ${zone}`).toBe(instant.toISOString());
        expect(formatLocalText(instant, zone)).toBe(text);
      }
    }
    expect(iso("2023-02-29 12:00:00", "UTC")).toBeNull();
    expect(iso("1900-02-29 12:00:00", "UTC")).toBeNull();
    expect(iso("0000-02-29 12:00:00", "UTC")).toBe("0000-02-29T12:00:00.000Z");
    expect(iso("0001-02-29 12:00:00", "UTC")).toBeNull();
  });

  it("reads a wall time in a gap forward by the gap, and one in an overlap as the earlier instant", () => {
    // Berlin 2021-03-28 02:00 CET → 03:00 CEST: 02:30 reads as 03:30 CEST.
    expect(iso("2021-03-28 02:30:00", "Europe/Berlin")).toBe("2021-03-28T01:30:00.000Z");
    // Berlin 2021-10-31 03:00 CEST → 02:00 CET: 02:30 CEST comes first.
    expect(iso("2021-10-31 02:30:00", "Europe/Berlin")).toBe("2021-10-31T00:30:00.000Z");
    expect(iso("2021-10-31 03:00:00", "Europe/Berlin")).toBe("2021-10-31T02:00:00.000Z");
    // Lord Howe moves by half an hour: 02:00 +10:30 → 02:30 +11, and back 02:00 +11 → 01:30 +10:30.
    expect(iso("2021-10-03 02:15:00", "Australia/Lord_Howe")).toBe("2021-10-02T15:45:00.000Z");
    expect(iso("2021-04-04 01:45:00", "Australia/Lord_Howe")).toBe("2021-04-03T14:45:00.000Z");
    // São Paulo changed at midnight: 2018-11-04 00:00 -03 → 01:00 -02; 2019-02-16 24:00 -02 → 23:00 -03.
    expect(iso("2018-11-04 00:30:00", "America/Sao_Paulo")).toBe("2018-11-04T03:30:00.000Z");
    expect(iso("2019-02-16 23:30:00", "America/Sao_Paulo")).toBe("2019-02-17T01:30:00.000Z");
    // No DST since 2019.
    expect(iso("2019-11-03 00:30:00", "America/Sao_Paulo")).toBe("2019-11-03T03:30:00.000Z");
  });

  it("reads zones with odd offsets and a skipped day", () => {
    expect(iso("2020-01-01 00:00:00", "Asia/Kathmandu")).toBe("2019-12-31T18:15:00.000Z");
    // Kathmandu 1986-01-01 00:00 +05:30 → 00:15 +05:45.
    expect(iso("1986-01-01 00:10:00", "Asia/Kathmandu")).toBe("1985-12-31T18:40:00.000Z");
    // Apia skipped 2011-12-30 (−10 → +14): a time on that day reads a day later.
    expect(iso("2011-12-29 23:59:59", "Pacific/Apia")).toBe("2011-12-30T09:59:59.000Z");
    expect(iso("2011-12-30 12:00:00", "Pacific/Apia")).toBe("2011-12-30T22:00:00.000Z");
    expect(iso("2011-12-31 12:00:00", "Pacific/Apia")).toBe("2011-12-30T22:00:00.000Z");
  });

  it("fails with a configuration error for a zone that does not exist", () => {
    const error = (() => {
      try {
        parseLocalText("2020-01-01 00:00:00", "Mars/Olympus");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("Mars/Olympus");
    expect((error as ConfigError).message).toContain(
      "must be an IANA time zone such as Europe/Berlin or UTC",
    );
    expect(() => new ZoneClock("Mars/Olympus")).toThrow(ConfigError);
  });
});

describe("which zone the reader used", () => {
  it("counts the text dates it read and names their zone", () => {
    const decoder = new TimeDecoder("Europe/Berlin", new Notes());
    expect(decoder.localTimeZone()).toBeNull();
    decoder.ms(1_600_000_000);
    decoder.ms("1600000000");
    expect(decoder.localTimeZone()).toBeNull();
    decoder.ms("2021-10-31 02:30:00");
    decoder.ms("2021-10-31 02:30:00");
    decoder.ms("not a date");
    expect(decoder.localTimeZone()).toEqual({ zone: "Europe/Berlin", dates: 2 });
  });

  it("checks the zone only when a text date needs it", () => {
    const decoder = new TimeDecoder("Mars/Olympus", new Notes());
    expect(decoder.ms(1_600_000_000)).toBe(1_600_000_000_000);
    expect(() => decoder.ms("2021-10-31 02:30:00")).toThrow(ConfigError);
  });

  it("reports it in the snapshot's source: the zone for a legacy database, null for a current one", async () => {
    const legacy = join(tempDir(), "legacy.db");
    writeSampleDatabase(legacy, { variant: "legacy", timeZone: "America/New_York" });
    const old = await openPlexDatabase(legacy, { timeZone: "America/New_York" }).read();
    expect(old.source.localTimeZone).toEqual({ zone: "America/New_York", dates: expect.any(Number) });
    expect(old.source.localTimeZone!.dates).toBeGreaterThan(0);

    const current = join(tempDir(), "current.db");
    writeSampleDatabase(current, { variant: "current" });
    expect((await openPlexDatabase(current, { timeZone: "UTC" }).read()).source.localTimeZone).toBeNull();
  });

  it("rejects an unknown zone for a legacy database as a configuration error", async () => {
    const legacy = join(tempDir(), "legacy.db");
    writeSampleDatabase(legacy, { variant: "legacy" });
    await expect(openPlexDatabase(legacy, { timeZone: "Mars/Olympus" }).read()).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
