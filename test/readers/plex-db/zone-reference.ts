import { IANAZone } from "luxon";

/**
 * An independent reference for wall time → instant: the zone's offset changes are found once
 * with Luxon (samples three days apart, then bisection to the second), and Temporal's "compatible"
 * disambiguation is written out as its specification states it (GetPossibleEpochNanoseconds,
 * DisambiguatePossibleEpochNs). Shares no code with src/readers/plex-db/timezone.ts.
 */
export const DAY_MS = 86_400_000;
// Two changes of a zone are at least four days apart (the closest since 1900: Africa/Freetown, 1939).
const STEP_MS = 3 * DAY_MS;

export class ZoneReference {
  /** Instants at which the offset changes, ascending, and the offset from each on. */
  readonly changes: { atMs: number; offsetMs: number }[] = [];
  private readonly firstOffsetMs: number;

  constructor(zone: string, fromMs: number, toMs: number) {
    const luxonZone = IANAZone.create(zone);
    const offset = (ms: number) => Math.round(luxonZone.offset(ms) * 60_000);
    this.firstOffsetMs = offset(fromMs);
    let before = this.firstOffsetMs;
    for (let lo = fromMs; lo < toMs; lo += STEP_MS) {
      const after = offset(lo + STEP_MS);
      if (before === after) continue;
      let low = lo;
      let high = lo + STEP_MS;
      while (high - low > 1000) {
        const mid = low + Math.floor((high - low) / 2000) * 1000;
        if (offset(mid) === before) low = mid;
        else high = mid;
      }
      this.changes.push({ atMs: high, offsetMs: after });
      before = after;
    }
  }

  offsetMs(epochMs: number): number {
    let low = 0;
    let high = this.changes.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.changes[mid]!.atMs <= epochMs) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? this.firstOffsetMs : this.changes[low - 1]!.offsetMs;
  }

  /** Every instant at which the wall clock shows `wallMs`, ascending: none in a gap, two in an overlap. */
  possible(wallMs: number): number[] {
    const before = this.offsetMs(wallMs - DAY_MS);
    const after = this.offsetMs(wallMs + DAY_MS);
    const found: number[] = [];
    for (const offset of before === after ? [before] : [before, after]) {
      const t = wallMs - offset;
      if (t + this.offsetMs(t) === wallMs) found.push(t);
    }
    return found.sort((a, b) => a - b);
  }

  /** Temporal's "compatible": the earlier instant in an overlap, "later" in a gap. */
  compatible(wallMs: number): number {
    const found = this.possible(wallMs);
    if (found.length > 0) return found[0]!;
    const shift = this.offsetMs(wallMs + DAY_MS) - this.offsetMs(wallMs - DAY_MS);
    const later = this.possible(wallMs + shift);
    if (later.length === 0)
      throw new Error(`no instant for ${new Date(wallMs).toISOString()} even after the gap`);
    return later[later.length - 1]!;
  }
}
