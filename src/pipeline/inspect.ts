import type { Config } from "../config/load.js";
import {
  type HistorySummary,
  type Item,
  LEAF_KINDS,
  type Snapshot,
  type UnknownField,
  type WatchState,
} from "../model/index.js";
import type { Interaction } from "./interaction.js";
import { readSource, streamSource } from "./source.js";

/** The `inspect --json` document (docs/json-output.md). */
export interface InspectReport {
  version: 1;
  source: {
    kind: string;
    schemaFingerprint: string;
    schemaVersion: string | null;
    /** Zone local-time text dates were read in, and how many; null when none were found. */
    localTimeZone: { zone: string; dates: number } | null;
  };
  users: Array<{
    id: string;
    name: string;
    isOwner: boolean;
    isPlaceholder: boolean;
    watched: number;
    inProgress: number;
    rated: number;
    playlists: number;
    historyPlays: number;
    /** What the source cannot tell of this person (through the Plex API: all but the owner). */
    unknownFields: UnknownField[];
    /** What the source infers from this person's plays instead of reading it (docs/sources.md). */
    inferredFields: UnknownField[];
  }>;
  libraries: Array<{ id: string; name: string; kind: string; items: number; withExternalIds: number }>;
  totals: {
    items: number;
    watched: number;
    inProgress: number;
    rated: number;
    history: number;
    playlists: number;
    collections: number;
    orphanedStates: number;
  };
  warnings: Array<{ code: string; message: string }>;
}

type UserCounts = Pick<
  InspectReport["users"][number],
  "watched" | "inProgress" | "rated" | "playlists" | "historyPlays"
>;

/**
 * Counts per user and library. A state counts once per identity, however many items share it.
 * Every list is walked once and counted into per-user and per-library buckets: a snapshot may
 * hold millions of states, so filtering them once per user would cost users × states steps.
 */
export function summarize(snapshot: Snapshot): InspectReport {
  const tally = new InspectTally(snapshot.items);
  for (const state of snapshot.states) tally.state(state);
  for (const summary of snapshot.history) tally.history(summary);
  return tally.report(snapshot);
}

/**
 * summarize() one state and summary at a time: a streamed read (the Plex database alone) feeds
 * it without keeping millions of states and summaries. Users are known only at the end, so
 * counts are kept per user id seen and reported for the snapshot's users.
 */
export class InspectTally {
  private readonly leafIdentities = new Set<string>();
  private readonly perUser = new Map<string, UserCounts>();

  constructor(items: readonly Item[]) {
    for (const item of items) if (LEAF_KINDS.has(item.kind)) this.leafIdentities.add(item.identity);
  }

  state(state: WatchState): void {
    const counts = this.user(state.userId);
    if (state.rating !== null) counts.rated++;
    if (!this.leafIdentities.has(state.identity)) return;
    if (state.played) counts.watched++;
    if (state.positionMs > 0) counts.inProgress++;
  }

  history(summary: HistorySummary): void {
    this.user(summary.userId).historyPlays += summary.plays;
  }

  report(snapshot: Omit<Snapshot, "states" | "history">): InspectReport {
    for (const playlist of snapshot.playlists) this.user(playlist.ownerUserId).playlists++;
    const users = snapshot.users.map((user) => ({
      id: user.id,
      name: user.name,
      isOwner: user.isOwner,
      isPlaceholder: user.isPlaceholder,
      ...this.user(user.id),
      unknownFields: user.unknownFields,
      inferredFields: user.inferredFields,
    }));
    const perLibrary = new Map<string, { items: number; withExternalIds: number }>();
    for (const library of snapshot.libraries) perLibrary.set(library.id, { items: 0, withExternalIds: 0 });
    for (const item of snapshot.items) {
      const counts = perLibrary.get(item.libraryId);
      if (!counts) continue;
      counts.items++;
      if (Object.keys(item.externalIds).length > 0 || Object.keys(item.showExternalIds).length > 0) {
        counts.withExternalIds++;
      }
    }
    const libraries = snapshot.libraries.map((library) => ({
      id: library.id,
      name: library.name,
      kind: library.kind,
      ...perLibrary.get(library.id)!,
    }));
    const sum = (key: "watched" | "inProgress" | "rated") =>
      users.reduce((total, user) => total + user[key], 0);
    return {
      version: 1,
      source: {
        kind: snapshot.source.kind,
        schemaFingerprint: snapshot.source.schemaFingerprint,
        schemaVersion: snapshot.source.schemaVersion,
        localTimeZone: snapshot.source.localTimeZone ?? null,
      },
      users,
      libraries,
      totals: {
        items: snapshot.items.length,
        watched: sum("watched"),
        inProgress: sum("inProgress"),
        rated: sum("rated"),
        history: snapshot.historyEventCount,
        playlists: snapshot.playlists.length,
        collections: snapshot.collections.length,
        orphanedStates: snapshot.orphanedStateCount,
      },
      warnings: snapshot.warnings,
    };
  }

  private user(id: string): UserCounts {
    let counts = this.perUser.get(id);
    if (!counts) {
      counts = { watched: 0, inProgress: 0, rated: 0, playlists: 0, historyPlays: 0 };
      this.perUser.set(id, counts);
    }
    return counts;
  }
}

/** `inspect`: reads the configured Plex source (as `plan` does) and counts what it holds. */
export async function inspectSource(config: Config, interaction: Interaction): Promise<InspectReport> {
  const progress = interaction.progress();
  try {
    // The database alone is counted as it is read; other sources add to the history afterwards.
    let tally: InspectTally | undefined;
    const streamed = await streamSource(config, progress, (items) => {
      tally = new InspectTally(items);
      return tally;
    });
    if (streamed !== undefined) return tally!.report(streamed);
    return summarize(await readSource(config, progress));
  } finally {
    progress.stop();
  }
}
