/**
 * Local wall-clock text ↔ instants in an IANA zone, with only `Intl.DateTimeFormat`.
 * Old Plex databases store `'YYYY-MM-DD HH:MM:SS'` in the Plex host's local time.
 *
 * Ambiguous wall times resolve like Temporal's "compatible" rule, so results never depend
 * on the machine: in an overlap (clocks turned back) the earlier instant wins; in a gap
 * (clocks turned forward) the wall time is read with the offset in force before the gap,
 * which lands the same distance after the transition.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      era: "short",
    });
    formatters.set(zone, format);
  }
  return format;
}

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `zone` at `epochMs`, as if it were UTC (milliseconds, whole seconds). */
function wallClockMs(epochMs: number, zone: string): number {
  const parts: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === "BC" || parts.era === "B") year = 1 - year;
  const wall = Date.UTC(
    0,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const date = new Date(wall);
  date.setUTCFullYear(year);
  return date.getTime();
}

/** Offset of `zone` from UTC at `epochMs`, in milliseconds (east positive). */
export function zoneOffsetMs(epochMs: number, zone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return wallClockMs(whole, zone) - whole;
}

const DAY_MS = 86_400_000;

/** The instant at which the wall clock in `zone` shows `wallMs` (wall time encoded as UTC). */
export function wallTimeToEpochMs(wallMs: number, zone: string): number {
  // Offsets in force a day either side cover every real transition (none spans > 1 day).
  const offsets = [...new Set([zoneOffsetMs(wallMs - DAY_MS, zone), zoneOffsetMs(wallMs + DAY_MS, zone)])];
  const valid = offsets.map((offset) => wallMs - offset).filter((t) => wallClockMs(t, zone) === wallMs);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: use the offset before the transition (the one in force a day earlier).
  return wallMs - zoneOffsetMs(wallMs - DAY_MS, zone);
}

const LOCAL_TEXT = /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/**
 * Parses Plex's local-time text (`2019-03-31 02:30:00`, also date-only or with fractions)
 * as a wall time in `zone`. Returns null for text that is not such a timestamp.
 */
export function parseLocalText(text: string, zone: string): Date | null {
  const match = LOCAL_TEXT.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = ""] = match;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  wall.setUTCFullYear(Number(y));
  // Reject 2023-02-30 and the like instead of rolling over into March.
  if (wall.getUTCDate() !== day) return null;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  return new Date(wallTimeToEpochMs(wall.getTime(), zone) + ms);
}

/** Formats an instant as Plex's legacy local-time text in `zone`. */
export function formatLocalText(date: Date, zone: string): string {
  const wall = new Date(wallClockMs(date.getTime(), zone));
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())} ` +
    `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`
  );
}
