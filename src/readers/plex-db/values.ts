import type { SourceInfo, SourceWarning } from "../../model/index.js";
import { parseWallText, ZoneClock } from "./timezone.js";

/**
 * Counts of things the reader skipped or could not read. Each becomes one warning in the
 * snapshot: nothing is dropped silently, and nothing is named from an excluded scope.
 */
export class Notes {
  private readonly counts = new Map<string, { count: number; message: (n: number) => string }>();

  add(code: string, message: (n: number) => string, count = 1): void {
    const entry = this.counts.get(code);
    if (entry) entry.count += count;
    else this.counts.set(code, { count, message });
  }

  warnings(): SourceWarning[] {
    return [...this.counts].map(([code, { count, message }]) => ({ code, message: message(count) }));
  }
}

/**
 * Plex timestamps come in two storage classes (reference §2.1): INTEGER epoch seconds since
 * 2022–2024 (negative before 1970), TEXT `'YYYY-MM-DD HH:MM:SS'` in the Plex host's local
 * time before. better-sqlite3 hands them over as number or string, mirroring SQLite's typeof().
 */
export class TimeDecoder {
  // Made on the first text date: a database without any never needs (or checks) the zone.
  private clock: ZoneClock | undefined;
  private textDates = 0;

  constructor(
    private readonly timeZone: string,
    private readonly notes: Notes,
  ) {}

  /** Milliseconds since the epoch, or null when empty or unreadable (counted). */
  ms(value: unknown): number | null {
    if (value === null || value === undefined || value === "") return null;
    if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value * 1000) : this.bad();
    if (typeof value === "bigint") return Number(value) * 1000;
    if (typeof value === "string") {
      // No cache of converted texts: with the zone's offsets memoized, converting costs no more
      // than a lookup in one would (measured with every text repeated four times).
      const wallMs = parseWallText(value);
      if (wallMs !== null) {
        this.clock ??= new ZoneClock(this.timeZone);
        this.textDates++;
        return this.clock.toEpochMs(wallMs);
      }
      return /^-?\d+$/.test(value.trim()) ? Number(value) * 1000 : this.bad();
    }
    return this.bad();
  }

  /** The zone used for local-time text dates, or null when none were read. */
  localTimeZone(): NonNullable<SourceInfo["localTimeZone"]> | null {
    return this.clock && this.textDates > 0 ? { zone: this.clock.zone, dates: this.textDates } : null;
  }

  private bad(): null {
    this.notes.add(
      "unreadable-timestamp",
      (n) => `${n} timestamp(s) in the Plex database could not be read and were treated as unknown`,
    );
    return null;
  }
}

/** An integer column that may hold text or real; null when absent or not a whole number. */
export function int(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) ? value : Math.trunc(value);
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return null;
}

export function num(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

/** A count or index that must not be negative (Plex writes -1 for "none"). */
export function count(value: unknown): number | null {
  const n = int(value);
  return n === null || n < 0 ? null : n;
}
