/**
 * How much of each list a report shows, so a library of 200,000 items still gives a file a
 * browser opens in seconds (docs/report.md "Size budget"). Every cut list says how many rows
 * it left out and where the full list is (`plan --json`, `plan --full`).
 */
export const REPORT_LIMITS = {
  /** Rows shared by all per-person lists (changes, issues, unmatched, weak matches). */
  personRows: 12_000,
  /** Each per-person list shows at least this many rows, however many people there are… */
  perListMin: 20,
  /** …and at most this many. */
  perListMax: 500,
  /** Rows of each server-wide list (unmatched, skipped, weak matches, collection issues). */
  globalRows: 1_000,
} as const;

/** The size a report of any run stays under (asserted for a 200,000-item plan in the tests). */
export const REPORT_SIZE_BUDGET_BYTES = 6 * 1024 * 1024;

/** Per-person lists: four per person, sharing `personRows`. */
export function perPersonLimit(people: number): number {
  const share = Math.floor(REPORT_LIMITS.personRows / Math.max(1, people * 4));
  return Math.min(REPORT_LIMITS.perListMax, Math.max(REPORT_LIMITS.perListMin, share));
}

/** Keeps the first `limit` rows and the total. */
export function listed<T>(rows: readonly T[], limit: number): { total: number; rows: T[] } {
  return { total: rows.length, rows: rows.slice(0, limit) };
}
