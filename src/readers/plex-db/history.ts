import type Database from "better-sqlite3";
import type { HistorySummary, WatchState } from "../../model/index.js";
import type { ProgressTask } from "../../progress.js";
import { eachRow } from "./rows.js";
import { NONE, type UndatedStates } from "./state.js";
import { int, type Notes, type TimeDecoder } from "./values.js";

export interface HistoryResult {
  /** The summaries in query order; empty when a sink took them. */
  summaries: HistorySummary[];
  eventCount: number;
  accountIds: Set<number>;
}

/**
 * Storage classes by comparison instead of typeof(), which costs a function call and a text
 * compare per row (about a tenth of the query): SQLite orders NULL < numbers < text < blobs,
 * so a value below '' is an integer or real, and one from '' up to below x'' is text. NULL
 * compares to nothing. (The literals take no numeric affinity: '' is not a number.)
 */
const IS_NUMBER = "viewed_at < ''";
const IS_TEXT = "viewed_at >= '' AND viewed_at < x''";
/** Timestamps as Plex writes them: a number, or local text starting `YYYY-MM-DD`. */
const IS_TEXT_TIME = `${IS_TEXT} AND viewed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'`;

/**
 * metadata_item_views summed per (guid, account): `account_id, guid, plays, latest numeric
 * viewed_at, latest text viewed_at, unreadable viewed_at count`. Integer and text timestamps
 * are maxed separately: text sorts after numbers in SQLite, and Plex's local-time text sorts in
 * time order. Converting the latest text equals taking the latest converted time, because the
 * wall-time → instant rule (timezone.ts) keeps the order of wall times a clock can show (only
 * times in a DST gap can land out of order). SQLite groups with its own sorter (bounded
 * memory, spills to temporary files). Grouped guid first for the sorter's sake (state.ts says
 * why). This is the exact reference and the fallback: history-sums.ts gives the same groups
 * in the same order about twice as fast when every row allows it (history-worker.ts chooses).
 * The same text runs on the main thread (`readHistory`) or in the worker.
 */
export const HISTORY_SQL = `SELECT account_id, guid, count(*),
     max(CASE WHEN ${IS_NUMBER} THEN viewed_at END),
     max(CASE WHEN ${IS_TEXT_TIME} THEN viewed_at END),
     count(*) - count(CASE WHEN ${IS_NUMBER} OR (${IS_TEXT_TIME}) THEN 1 END)
   FROM metadata_item_views NOT INDEXED GROUP BY guid, account_id ORDER BY guid, account_id`;

/** The columns of HISTORY_SQL. */
export const HISTORY_COLUMNS = 6;

interface AccountInfo {
  userId: string;
  undated: Map<string, WatchState> | undefined;
}

/**
 * Turns the groups of HISTORY_SQL, in their order, into summaries; also fills in the
 * last-played date of `undated` states. Whoever runs the query feeds every group to `add`.
 * Each summary goes to `sink`, by default into `result.summaries`.
 */
export class HistoryCollector {
  readonly result: HistoryResult = { summaries: [], eventCount: 0, accountIds: new Set() };
  // Per account, made once: its id text (shared by its summaries) and its undated states.
  private readonly accounts = new Map<number, AccountInfo>();
  // Groups arrive sorted by guid: consecutive groups of one guid share its text.
  private lastGuid = "";

  constructor(
    private readonly times: TimeDecoder,
    private readonly notes: Notes,
    private readonly task: ProgressTask,
    private readonly undated: UndatedStates,
    private readonly sink: (summary: HistorySummary) => void = (summary) =>
      this.result.summaries.push(summary),
  ) {}

  add(
    account: unknown,
    guid: unknown,
    plays: unknown,
    maxNumber: unknown,
    maxText: unknown,
    unreadable: unknown,
  ): void {
    const { result, notes, times } = this;
    const count = plays as number;
    result.eventCount += count;
    this.task.tick(count);
    const accountId = int(account);
    if (accountId === null || accountId <= 0 || typeof guid !== "string" || guid === "") {
      notes.add(
        "history-row-skipped",
        (n) => `${n} history row(s) without a valid account or guid were skipped`,
        count,
      );
      return;
    }
    let known = this.accounts.get(accountId);
    if (known === undefined) {
      known = { userId: String(accountId), undated: this.undated.get(accountId) };
      this.accounts.set(accountId, known);
      result.accountIds.add(accountId);
    }
    const undatedRows = unreadable as number;
    if (undatedRows > 0) {
      notes.add(
        "unreadable-timestamp",
        (n) => `${n} timestamp(s) in the Plex database could not be read and were treated as unknown`,
        undatedRows,
      );
    }
    const fromNumber = times.ms(maxNumber) ?? NONE;
    const fromText = times.ms(maxText) ?? NONE;
    const lastMs = Math.max(fromNumber, fromText);
    if (lastMs === NONE) {
      notes.add(
        "history-without-date",
        (n) => `${n} history pair(s) had no readable play date and were left out`,
      );
      return;
    }
    const lastViewedAt = new Date(lastMs);
    const identity = guid === this.lastGuid ? this.lastGuid : guid;
    this.lastGuid = identity;
    this.sink({ userId: known.userId, identity, plays: count, lastViewedAt });
    const state = known.undated?.get(identity);
    if (state) state.lastPlayedAt = lastViewedAt;
  }
}

/** HISTORY_SQL on this thread's connection, each group straight into the collector. */
export function readHistory(db: Database.Database, collector: HistoryCollector): HistoryResult {
  eachRow(db, HISTORY_SQL, (account, guid, plays, maxNumber, maxText, unreadable) => {
    collector.add(account, guid, plays, maxNumber, maxText, unreadable);
  });
  return collector.result;
}
