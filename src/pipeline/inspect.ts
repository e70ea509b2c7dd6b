import type { Config } from "../config/load.js";
import { LEAF_KINDS, type Snapshot, type UnknownField } from "../model/index.js";
import type { Interaction } from "./interaction.js";
import { requestObserver } from "./log.js";
import { readSource } from "./source.js";

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
  const leafIdentities = new Set<string>();
  for (const item of snapshot.items) if (LEAF_KINDS.has(item.kind)) leafIdentities.add(item.identity);
  const perUser = new Map<string, UserCounts>();
  for (const user of snapshot.users) {
    perUser.set(user.id, { watched: 0, inProgress: 0, rated: 0, playlists: 0, historyPlays: 0 });
  }
  // States come grouped by user from the reader; look the user up only when it changes.
  let lastUserId: string | undefined;
  let counts: UserCounts | undefined;
  for (const state of snapshot.states) {
    if (state.userId !== lastUserId) {
      lastUserId = state.userId;
      counts = perUser.get(state.userId);
    }
    if (!counts) continue;
    if (state.rating !== null) counts.rated++;
    if (!leafIdentities.has(state.identity)) continue;
    if (state.played) counts.watched++;
    if (state.positionMs > 0) counts.inProgress++;
  }
  for (const playlist of snapshot.playlists) {
    const counts = perUser.get(playlist.ownerUserId);
    if (counts) counts.playlists++;
  }
  for (const summary of snapshot.history) {
    const counts = perUser.get(summary.userId);
    if (counts) counts.historyPlays += summary.plays;
  }
  const users = snapshot.users.map((user) => ({
    id: user.id,
    name: user.name,
    isOwner: user.isOwner,
    isPlaceholder: user.isPlaceholder,
    ...perUser.get(user.id)!,
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

/** `inspect`: reads the configured Plex source (as `plan` does) and counts what it holds. */
export async function inspectSource(config: Config, interaction: Interaction): Promise<InspectReport> {
  const progress = interaction.progress();
  let snapshot: Snapshot;
  try {
    snapshot = await readSource(config, progress, requestObserver(interaction));
  } finally {
    progress.stop();
  }
  return summarize(snapshot);
}
