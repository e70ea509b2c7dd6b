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

/** Counts per user and library. A state counts once per identity, however many items share it. */
export function summarize(snapshot: Snapshot): InspectReport {
  const leafIdentities = new Set(snapshot.items.filter((i) => LEAF_KINDS.has(i.kind)).map((i) => i.identity));
  const users = snapshot.users.map((user) => {
    const states = snapshot.states.filter((s) => s.userId === user.id);
    const leaf = states.filter((s) => leafIdentities.has(s.identity));
    return {
      id: user.id,
      name: user.name,
      isOwner: user.isOwner,
      isPlaceholder: user.isPlaceholder,
      watched: leaf.filter((s) => s.played).length,
      inProgress: leaf.filter((s) => s.positionMs > 0).length,
      rated: states.filter((s) => s.rating !== null).length,
      playlists: snapshot.playlists.filter((p) => p.ownerUserId === user.id).length,
      historyPlays: snapshot.history.filter((h) => h.userId === user.id).reduce((sum, h) => sum + h.plays, 0),
    };
  });
  const libraries = snapshot.libraries.map((library) => {
    const items = snapshot.items.filter((i) => i.libraryId === library.id);
    const withIds = items.filter(
      (i) => Object.keys(i.externalIds).length > 0 || Object.keys(i.showExternalIds).length > 0,
    );
    return {
      id: library.id,
      name: library.name,
      kind: library.kind,
      items: items.length,
      withExternalIds: withIds.length,
    };
  });
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
