import type { InspectReport } from "../../pipeline/inspect.js";

function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${Math.round((100 * part) / whole)}%`;
}

/** `inspect` for people: one line per user and library, then totals, schema and warnings. */
export function renderInspect(report: InspectReport): string[] {
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
