import { describe, expect, it } from "vitest";
import {
  formatLocalText,
  isValidTimeZone,
  parseLocalText,
  zoneOffsetMs,
} from "../../../src/readers/plex-db/timezone.js";

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
});
