import type { UnknownField } from "../../model/index.js";
import type { InspectReport } from "../../pipeline/inspect.js";
import { localTimeLines } from "./format.js";

const FIELD_WORDS: Record<UnknownField, string> = {
  watched: "watched state",
  progress: "resume positions",
  ratings: "ratings",
  playlists: "playlists",
};

function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${Math.round((100 * part) / whole)}%`;
}

/** `inspect` for people: one line per user and library, then totals, schema and warnings. */
export function renderInspect(report: InspectReport): string[] {
  const lines = ["Users:"];
  for (const u of report.users) {
    const role = u.isOwner ? " (owner)" : u.isPlaceholder ? " (no account row)" : "";
    // Through the Plex API other people's counts are partly inferred or unknown: say which.
    const watched = u.inferredFields.includes("watched") ? "watched (from plays)" : "watched";
    const unknown =
      u.unknownFields.length === 0
        ? ""
        : `; unknown through the Plex API: ${u.unknownFields.map((field) => FIELD_WORDS[field]).join(", ")}`;
    lines.push(
      `  ${u.name} [${u.id}]${role}: ${u.watched} ${watched}, ${u.inProgress} in progress, ${u.rated} rated, ` +
        `${u.playlists} playlists, ${u.historyPlays} plays in history${unknown}`,
    );
  }
  if (report.users.some((u) => u.inferredFields.includes("watched"))) {
    lines.push(
      "  (from plays: the Plex API shows Plex's played flag only for the owner; for the others an item with a play counts as watched)",
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
    ...localTimeLines(report.source.localTimeZone),
  );
  for (const w of report.warnings) lines.push(`Warning: ${w.message}`);
  return lines;
}
