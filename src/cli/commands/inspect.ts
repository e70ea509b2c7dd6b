import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { LEAF_KINDS, type Snapshot } from "../../model/index.js";
import { openPlexDatabase } from "../../readers/plex-db/index.js";
import { addConfigOptions } from "../options.js";
import { createProgress } from "../progress.js";
import type { RegisterCommand } from "./index.js";

/** The `inspect --json` document (docs/json-output.md). */
export interface InspectReport {
  version: 1;
  source: { kind: string; schemaFingerprint: string; schemaVersion: string | null };
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

function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${Math.round((100 * part) / whole)}%`;
}

function render(report: InspectReport): string[] {
  const lines = ["Users:"];
  for (const u of report.users) {
    const role = u.isOwner ? " (owner)" : u.isPlaceholder ? " (no account row)" : "";
    lines.push(
      `  ${u.name} [${u.id}]${role}: ${u.watched} watched, ${u.inProgress} in progress, ${u.rated} rated, ` +
        `${u.playlists} playlists, ${u.historyPlays} plays in history`,
    );
  }
  lines.push("Libraries:");
  for (const l of report.libraries) {
    lines.push(
      `  ${l.name} [${l.id}, ${l.kind}]: ${l.items} items, ${percent(l.withExternalIds, l.items)} with external ids`,
    );
  }
  const t = report.totals;
  lines.push(
    `Totals: ${t.items} items, ${t.watched} watched, ${t.inProgress} in progress, ${t.rated} rated, ` +
      `${t.history} history rows, ${t.playlists} playlists, ${t.collections} collections`,
    `Orphaned state rows (no matching item): ${t.orphanedStates}`,
    `Schema: ${report.source.schemaFingerprint} (last migration ${report.source.schemaVersion ?? "unknown"})`,
  );
  for (const w of report.warnings) lines.push(`Warning: ${w.message}`);
  return lines;
}

export const registerInspect: RegisterCommand = (program: Command, registration) => {
  const command = program
    .command("inspect")
    .description("read the Plex database and print its users, libraries and what each person has watched");
  const keys = ["plexDb", "plexTimezone"] as const;
  addConfigOptions(command, keys);
  command.action(async (flags: Record<string, unknown>) => {
    const context = registration.context();
    const config = context.config(flags, keys);
    if (config.plexDb === undefined) {
      throw new ConfigError("inspect needs the Plex database", {
        hint: "Give --plex-db FILE or set PLEXODUS_PLEX_DB (com.plexapp.plugins.library.db).",
      });
    }
    // --json is a global option; commander sees it before or after the command name.
    const json = context.globals.json === true;
    const progress = createProgress({ stream: context.io.stderr, isTTY: context.io.stderrIsTTY });
    let snapshot: Snapshot;
    try {
      snapshot = await openPlexDatabase(config.plexDb, { timeZone: config.plexTimezone }).read(progress);
    } finally {
      progress.stop();
    }
    const report = summarize(snapshot);
    if (json) context.printJson(report);
    else for (const line of render(report)) context.say(line);
  });
};
