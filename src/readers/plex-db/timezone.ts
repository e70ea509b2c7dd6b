import { createRequire } from "node:module";
import type { IANAZone } from "luxon";
import { ConfigError } from "../../errors.js";

/**
 * Luxon, loaded when a zone is first needed: only databases with local-time text dates (or a
 * zone given to check) need it, and every read would otherwise pay its load (issue 14, start).
 * Synchronous like its callers: its CommonJS build, through require.
 */
function luxon(): typeof import("luxon") {
  return createRequire(import.meta.url)("luxon") as typeof import("luxon");
}

/**
 * Local wall-clock text ↔ instants in an IANA zone. Old Plex databases store
 * `'YYYY-MM-DD HH:MM:SS'` in the Plex host's local time (reference §2.1).
 *
 * Zone offsets come from Luxon. Which instant a wall time names is decided here, because
 * Luxon's own choice in an overlap depends on the date the program runs (luxon#1665). The rule
 * is Temporal's "compatible" disambiguation (also java.time's), so results never depend on the
 * machine or the day:
 * - overlap (clocks turned back, the wall time happens twice): the earlier instant;
 * - gap (clocks turned forward, the wall time never happens): the wall time is read with the
 *   offset in force before the gap, which moves it forward by the gap's length
 *   (Berlin 2021-03-28 02:30 reads as 03:30 CEST).
 * Real clocks never show a gap time; only such a time can make the results run out of order
 * (02:30 reads as 03:30 CEST, later than 03:00, which reads as 03:00 CEST).
 */

const DAY_MS = 86_400_000;
/** Memoized days per zone before the memo starts afresh (about 270 years). */
const MEMO_LIMIT = 100_000;

/**
 * One zone's offsets, memoized per UTC day: a conversion needs three offsets, and asking Intl
 * (through Luxon) costs microseconds each, which adds up over millions of rows. This relies on
 * a zone never changing its offset twice within a day (in the tz database since 1900 the
 * closest two changes are four days apart: Africa/Freetown, 1939). So a day whose start and
 * end offsets agree has one offset throughout, and a day whose offsets differ has one change,
 * found to the second by bisection the first time the day is asked about.
 */
export class ZoneClock {
  readonly zone: string;
  private readonly luxonZone: IANAZone;
  private readonly dayStarts = new Map<number, number>();
  /** For days holding a change: its instant (the first millisecond with the new offset). */
  private readonly changes = new Map<number, number>();

  /** Throws ConfigError for a name that is not an IANA zone this system knows. */
  constructor(zone: string) {
    const luxonZone = luxon().IANAZone.create(zone);
    if (!luxonZone.isValid) {
      throw new ConfigError(
        `"${zone}" is not a time zone: it must be an IANA time zone such as Europe/Berlin or UTC`,
        { hint: "Pass --plex-timezone with the zone of the computer Plex runs on." },
      );
    }
    this.luxonZone = luxonZone;
    this.zone = zone;
  }

  /** Offset from UTC at `epochMs`, in milliseconds (east positive). */
  offsetMs(epochMs: number): number {
    const day = Math.floor(epochMs / DAY_MS);
    const start = this.dayStartOffsetMs(day);
    const end = this.dayStartOffsetMs(day + 1);
    if (start === end) return start;
    return epochMs < this.changeMs(day, start) ? start : end;
  }

  /**
   * The instant at which the wall clock shows `wallMs` (a wall time encoded as if it were UTC),
   * by the rule at the top of this file. Follows Temporal's
   * GetPossibleEpochNanoseconds: the offsets in force a day either side cover every real
   * transition, since none moves the clock by more than a day.
   */
  toEpochMs(wallMs: number): number {
    const before = this.offsetMs(wallMs - DAY_MS);
    const after = this.offsetMs(wallMs + DAY_MS);
    const first = wallMs - before;
    const firstValid = this.offsetMs(first) === before;
    if (before === after) {
      if (firstValid) return first;
    } else {
      const second = wallMs - after;
      const secondValid = this.offsetMs(second) === after;
      if (firstValid && secondValid) return Math.min(first, second);
      if (firstValid) return first;
      if (secondValid) return second;
    }
    // In a gap: the offset before the transition.
    return first;
  }

  /** The wall clock at `epochMs`, encoded as if it were UTC. */
  toWallMs(epochMs: number): number {
    return epochMs + this.offsetMs(epochMs);
  }

  private dayStartOffsetMs(day: number): number {
    let offset = this.dayStarts.get(day);
    if (offset === undefined) {
      if (this.dayStarts.size >= MEMO_LIMIT) this.dayStarts.clear();
      offset = this.exactOffsetMs(day * DAY_MS);
      this.dayStarts.set(day, offset);
    }
    return offset;
  }

  private changeMs(day: number, startOffsetMs: number): number {
    let change = this.changes.get(day);
    if (change === undefined) {
      // Changes fall on whole seconds: bisect over the day's seconds.
      let low = day * DAY_MS;
      let high = low + DAY_MS;
      while (high - low > 1000) {
        const mid = low + Math.floor((high - low) / 2000) * 1000;
        if (this.exactOffsetMs(mid) === startOffsetMs) low = mid;
        else high = mid;
      }
      change = high;
      if (this.changes.size >= MEMO_LIMIT) this.changes.clear();
      this.changes.set(day, change);
    }
    return change;
  }

  private exactOffsetMs(epochMs: number): number {
    // Luxon gives minutes, fractional for old local mean times (Amsterdam's +00:19:32).
    return Math.round(this.luxonZone.offset(epochMs) * 60_000);
  }
}

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function isValidTimeZone(zone: string): boolean {
  return luxon().IANAZone.isValidZone(zone);
}

// For the one-off helpers below (fixtures, tests); the reader keeps its own clock per read.
const clocks = new Map<string, ZoneClock>();

function clockFor(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new ZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}

/** Offset of `zone` from UTC at `epochMs`, in milliseconds (east positive). */
export function zoneOffsetMs(epochMs: number, zone: string): number {
  return clockFor(zone).offsetMs(epochMs);
}

/** The instant at which the wall clock in `zone` shows `wallMs` (wall time encoded as UTC). */
export function wallTimeToEpochMs(wallMs: number, zone: string): number {
  return clockFor(zone).toEpochMs(wallMs);
}

const LOCAL_TEXT = /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads Plex's local-time text (`2019-03-31 02:30:00`, also date-only or with fractions) as a
 * wall time encoded as UTC milliseconds. Null for text that is not such a timestamp, including
 * dates that do not exist (2023-02-30).
 */
export function parseWallText(text: string): number | null {
  const plain = plainWallMs(text);
  if (!Number.isNaN(plain)) return plain;
  const match = LOCAL_TEXT.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = ""] = match;
  const ms = wallMs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  return fraction ? ms + Math.floor(Number(`0.${fraction}`) * 1000) : ms;
}

/**
 * `YYYY-MM-DD HH:MM:SS`, the form Plex writes, read digit by digit: the regular expression
 * costs more than the zone conversion on millions of rows. NaN for any other text.
 */
function plainWallMs(text: string): number {
  if (
    text.length !== 19 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 || // space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return Number.NaN;
  }
  const digits = (at: number, width: number): number => {
    let value = 0;
    for (let i = at; i < at + width; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return Number.NaN;
      value = value * 10 + digit;
    }
    return value;
  };
  return wallMs(digits(0, 4), digits(5, 2), digits(8, 2), digits(11, 2), digits(14, 2), digits(17, 2));
}

/** A calendar date and time as UTC milliseconds; NaN when it does not exist. */
function wallMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  // Written so that NaN parts fail too.
  if (!(day >= 1 && day <= monthDays && hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC reads years 0–99 as 1900–1999 (and 1900 has no 29 February).
  return year >= 0 && year < 100 ? new Date(ms).setUTCFullYear(year, month - 1, day) : ms;
}

/** Parses Plex's local-time text as a wall time in `zone`; null for text that is not one. */
export function parseLocalText(text: string, zone: string): Date | null {
  const wall = parseWallText(text);
  return wall === null ? null : new Date(clockFor(zone).toEpochMs(wall));
}

/** Formats an instant as Plex's legacy local-time text in `zone` (whole seconds). */
export function formatLocalText(date: Date, zone: string): string {
  const wall = new Date(clockFor(zone).toWallMs(Math.floor(date.getTime() / 1000) * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())} ` +
    `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`
  );
}
