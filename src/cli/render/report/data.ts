import type { LibraryRuleCounts } from "../../../match/by-library.js";
import type { Compared } from "../../../planner/index.js";

/**
 * What a report says, as plain JSON-safe data: the HTML report and the Markdown summary are
 * both drawn from it, and any command (plan, migrate, apply, verify, rehearse) can fill it.
 * Lists are already cut to the limits in limits.ts; `total` says how many there were.
 */
export interface ReportData {
  version: 1;
  /** The command that ran: "plan", "migrate", "apply", "verify", … */
  command: string;
  /**
   * What the numbers stand for: changes a plan would make, writes the target confirmed, or
   * drift found by reading both sides again.
   */
  stage: "plan" | "apply" | "verify";
  generatedAt: string;
  toolVersion: string;
  source: {
    kind: string;
    serverName: string | null;
    schemaVersion: string | null;
    /** Zone the database's local-time text dates were read in, and how many; null: none. */
    localTime: { zone: string; dates: number } | null;
  };
  target: { kind: string; version: string; serverName: string; url: string };
  /** Options that shaped the run, as a person would read them. */
  options: ReportOption[];
  totals: ReportTotals;
  people: Person[];
  collections: { counts: CountRow; issues: Listed<IssueRow> };
  unmatched: Listed<UnmatchedRow> & { byReason: Record<string, number> };
  skipped: Listed<SkipRow>;
  /** Matches made by title and year alone; null when neither the run nor its plan has them. */
  weakMatches: Listed<WeakRow> | null;
  /** Pairings other evidence pointed elsewhere for (the first rule won); null when unknown. */
  conflictingMatches: Listed<WeakRow> | null;
  /**
   * What was compared (the planner's comparedOf): a "no changes" or "no drift" is only true of
   * the accounts and items counted here.
   */
  compared: Compared;
  limitations: string[];
  charts: ReportCharts;
  /** What this report cannot show and why, e.g. figures a saved plan does not hold. */
  notes: string[];
}

export interface ReportOption {
  name: string;
  value: string;
}

export interface ReportTotals {
  /** Actions in the plan (plan, apply, migrate) or drift entries (verify). */
  changes: number;
  /** Per category. */
  byCategory: Record<string, number>;
  /** The run's outcome when something was applied. */
  run: RunTotals | null;
}

export interface RunTotals {
  applied: number;
  alreadyDone: number;
  conflicted: number;
  failed: number;
  skipped: number;
  notStarted: number;
  writesSent: number;
  durationMs: number;
  interrupted: boolean;
}

/** A list cut to a limit: the first rows and how many there were in all. */
export interface Listed<T> {
  total: number;
  rows: T[];
}

/** One category of one person (or of the server, for collections). Null: not known in this run. */
export interface CountRow {
  category: string;
  /** In the Plex source (in scope); null when not read, or when the source cannot tell. */
  inPlex: number | null;
  /**
   * How the Plex figure came about when it is not Plex's own value: "from plays" (the Plex API
   * infers other accounts' played state from their plays), "unknown" (it cannot tell at all).
   */
  inPlexNote: "from plays" | "unknown" | null;
  /** On the target when the run read it, among the items and lists the migration looked at. */
  before: number | null;
  /** Actions in this category (planned, or drift for verify). */
  changes: number;
  /** Actions the target confirmed (applied now or found already applied); null before an apply. */
  confirmed: number | null;
  /** The target after the confirmed (apply) or planned (plan) changes. */
  after: number | null;
}

/** Per target user: what their changes carry, in words people use. */
export interface Moved {
  played: number;
  plays: number;
  dates: number;
  positions: number;
  ratings: number;
  favorites: number;
  playlists: number;
  entries: number;
}

export interface Person {
  /** Target user name, or the Plex account name when the account is not migrated. */
  name: string;
  /** The Plex accounts whose history goes to this person. */
  sources: string[];
  /** How the account was paired (user-map, name, create, …) or why not (unmapped, …). */
  rule: string;
  migrated: boolean;
  created: boolean;
  counts: CountRow[];
  moved: Moved;
  /** What moved (or would move, for a plan). */
  changes: Listed<ChangeRow>;
  /** What did not move and why: conflicts, failures, skips, not started, drift. */
  issues: Listed<IssueRow>;
  /** Items this person had history for that found no target item; null when unknown (apply). */
  unmatched: Listed<UnmatchedRow> | null;
  /** Weak matches among this person's items; null when unknown. */
  weak: Listed<WeakRow> | null;
  skipped: SkipRow[];
}

export interface ChangeRow {
  title: string;
  categories: string;
  change: string;
  outcome: string;
}

export interface IssueRow {
  title: string;
  categories: string;
  outcome: string;
  reason: string;
}

export interface UnmatchedRow {
  title: string;
  kind: string;
  library: string;
  reason: string;
  detail: string;
}

export interface SkipRow {
  category: string;
  subject: string;
  reason: string;
  detail: string;
  count: number;
}

export interface WeakRow {
  title: string;
  year: number | null;
  kind: string;
  library: string;
  /** The target item it was paired with, as the target holds it; null when not known. */
  target: string | null;
}

export interface ReportCharts {
  /** Items per library matched by each rule; null when this run has no match results. */
  rulesByLibrary: LibraryRuleCounts[] | null;
  /**
   * Watched items per person: in Plex, on the target before, after (null where unknown), and
   * how many the run marks played (planned, or confirmed after an apply).
   */
  watchedByPerson: Array<{
    name: string;
    inPlex: number | null;
    before: number | null;
    after: number | null;
    markedPlayed: number;
  }>;
  /**
   * Items per year of their latest play, with the plays they hold; null without a source read.
   * The source keeps each item's play count and latest date, not every play's date.
   */
  latestPlayByYear: Array<{ year: number; items: number; plays: number }> | null;
}
