import fc from "fast-check";
import { DateTime, IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { formatLocalText, parseLocalText, wallTimeToEpochMs } from "../../../src/readers/plex-db/timezone.js";
import { DAY_MS, ZoneReference } from "./zone-reference.js";

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Lord_Howe", // 30-minute DST
  "America/Sao_Paulo", // DST at midnight, abolished in 2019
  "Asia/Kathmandu", // +05:45 since 1986
  "Pacific/Apia", // skipped 2011-12-30, DST until 2021
];
const FIRST_DAY = Date.UTC(1970, 0, 1);
const LAST_DAY = Date.UTC(2040, 11, 31);
// Times of day on every date; the hours around each zone's own changes are checked separately.
const TIMES_OF_DAY = ["00:00:00", "00:30:00", "01:30:00", "02:30:00", "12:00:00", "23:59:59"].map((text) => {
  const [h, m, s] = text.split(":").map(Number);
  return { text, ms: ((h! * 60 + m!) * 60 + s!) * 1000 };
});

const references = new Map(
  ZONES.map((zone) => [zone, new ZoneReference(zone, FIRST_DAY - 4 * DAY_MS, LAST_DAY + 4 * DAY_MS)]),
);
const reference = (zone: string) => references.get(zone)!;

const iso = (ms: number) => new Date(ms).toISOString();
const wallText = (wallMs: number) => iso(wallMs).slice(0, 19).replace("T", " ");

describe("local time → instant, against the reference, 1970-01-01 to 2040-12-31", () => {
  it.each(ZONES)("every date at several times of day, and every change ± 2 hours, in %s", (zone) => {
    const ref = reference(zone);
    const wrong: string[] = [];
    // Through the text parser when `text` is given, else from the wall time in milliseconds.
    const check = (wallMs: number, text?: string) => {
      const got = text ? parseLocalText(text, zone)?.getTime() : wallTimeToEpochMs(wallMs, zone);
      const want = ref.compatible(wallMs);
      if (got !== want) wrong.push(`${wallText(wallMs)}: got ${got && iso(got)}, want ${iso(want)}`);
    };
    for (let day = FIRST_DAY; day <= LAST_DAY; day += DAY_MS) {
      const date = iso(day).slice(0, 10);
      for (const [i, time] of TIMES_OF_DAY.entries()) {
        check(day + time.ms, i === 0 || i === 4 ? `${date} ${time.text}` : undefined);
      }
    }

    // Around each change, wall times read with the old and with the new offset: gaps and overlaps.
    let gaps = 0;
    let overlaps = 0;
    let previous = ref.offsetMs(FIRST_DAY - 2 * DAY_MS);
    for (const change of ref.changes) {
      for (const offset of [previous, change.offsetMs]) {
        for (let delta = -2 * 3_600_000; delta <= 2 * 3_600_000; delta += 900_000) {
          for (const nudge of [-1000, 0, 1000]) {
            const wallMs = change.atMs + offset + delta + nudge;
            const count = ref.possible(wallMs).length;
            if (count === 0) gaps++;
            if (count === 2) overlaps++;
            check(wallMs, nudge === 0 ? wallText(wallMs) : undefined);
          }
        }
      }
      previous = change.offsetMs;
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    if (zone !== "UTC" && zone !== "Asia/Kathmandu") {
      expect(gaps).toBeGreaterThan(0);
      expect(overlaps).toBeGreaterThan(0);
    }
    if (zone === "Asia/Kathmandu") expect(gaps).toBeGreaterThan(0); // 1986: +05:30 → +05:45
  });
});

describe("local time → instant, random samples (fast-check)", () => {
  const zone = fc.constantFrom(...ZONES);
  const second = fc
    .integer({ min: FIRST_DAY / 1000, max: (LAST_DAY + DAY_MS) / 1000 - 1 })
    .map((s) => s * 1000);

  it("the reference's offsets are Luxon's", () => {
    fc.assert(
      fc.property(zone, second, (z, t) => {
        expect(reference(z).offsetMs(t)).toBe(Math.round(IANAZone.create(z).offset(t) * 60_000));
      }),
      { numRuns: 2000 },
    );
  });

  it("any wall time converts as the reference says", () => {
    fc.assert(
      fc.property(zone, second, (z, wallMs) => {
        expect(iso(wallTimeToEpochMs(wallMs, z))).toBe(iso(reference(z).compatible(wallMs)));
      }),
      { numRuns: 2000 },
    );
  });

  it("a wall time that happens once reads back as that instant, and formats as that wall time", () => {
    fc.assert(
      fc.property(zone, second, (z, t) => {
        const wall = DateTime.fromMillis(t, { zone: z });
        const text = wall.toFormat("yyyy-MM-dd HH:mm:ss");
        fc.pre(reference(z).possible(t + wall.offset * 60_000).length === 1);
        expect(parseLocalText(text, z)?.getTime()).toBe(t);
        expect(formatLocalText(new Date(t), z)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("the first wall time after a gap is read as itself (Luxon's fromObject is an hour late here)", () => {
    // Apia skipped 03:00–04:00 on 2011-09-24; 04:00 (-10:00) is 14:00 UTC. The property above
    // found DateTime.fromObject giving 15:00 UTC for it, so Luxon's fromObject is not a reference.
    const t = Date.UTC(2011, 8, 24, 14);
    expect(parseLocalText("2011-09-24 04:00:00", "Pacific/Apia")?.getTime()).toBe(t);
    expect(formatLocalText(new Date(t), "Pacific/Apia")).toBe("2011-09-24 04:00:00");
  });

  it("formats and reads back to the same instant, or to its earlier twin in an overlap", () => {
    fc.assert(
      fc.property(zone, second, (z, t) => {
        const text = formatLocalText(new Date(t), z);
        const back = parseLocalText(text, z)!.getTime();
        expect(back <= t).toBe(true);
        expect(formatLocalText(new Date(back), z)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
