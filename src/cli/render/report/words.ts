import { comparedLines, nothingCompared, plural } from "../format.js";
import type { Moved, ReportData } from "./data.js";

export const STAGE_WORDS: Record<ReportData["stage"], string> = {
  plan: "Dry run: what a migration would change (nothing was written)",
  apply: "Migration run: what the target confirmed",
  verify: "Verification: where the target disagrees with what the migration should have produced",
};

/** "5 items marked played (17 plays added), 8 last-played dates, …": the demo's words. */
export function movedPhrase(moved: Moved): string {
  const parts = [
    `${plural(moved.played, "item")} marked played (${plural(moved.plays, "play")} added)`,
    plural(moved.dates, "last-played date"),
    plural(moved.positions, "resume position"),
    plural(moved.ratings, "rating"),
    plural(moved.playlists, "playlist"),
  ];
  if (moved.favorites > 0) parts.push(plural(moved.favorites, "favorite"));
  return parts.join(", ");
}

export function describeMoved(moved: Moved, stage: ReportData["stage"]): string {
  if (stage === "verify")
    return "Verify changes nothing; the drift below is what a new migration run would write.";
  return `${stage === "plan" ? "Would carry" : "Moved (confirmed by the target)"}: ${movedPhrase(moved)}.`;
}

/**
 * What the run compared, in the words `plan` and `verify` print (issue 13 item 6): a "no
 * changes" or "no drift" is only said of what was compared, then "Compared: …" and what was
 * not. Indented lines belong under the "Not compared:" line before them.
 */
export function comparedSentences(data: ReportData): string[] {
  const verify = data.stage === "verify";
  const lines = comparedLines(data.compared, data.unmatched.total, {
    users: verify ? "give verify the migration's --user-map (and --create-users)" : "see People",
    items: "see Unmatched items",
  });
  if (data.totals.changes > 0) return lines;
  const nothing = nothingCompared(data.compared);
  const first =
    nothing !== null
      ? `Nothing was compared: ${nothing}.`
      : verify
        ? lines.length === 1
          ? "No drift: the target holds everything the migration should have produced."
          : "No drift in what was compared: the target holds what the migration should have produced."
        : lines.length === 1
          ? "No changes: the target already holds what the migration wants."
          : "No changes in what was compared: the target already holds what the migration wants.";
  return [first, ...lines];
}

/** Why a person's "in Plex" figure is not Plex's own value (the Plex API's limits, docs/sources.md). */
export const IN_PLEX_NOTES = {
  "from plays":
    "from plays: the Plex API shows Plex's played flag only for the owner; for the others an item with a play counts as watched",
  unknown:
    "unknown: the Plex API cannot tell this for accounts other than the owner; nothing is written for it",
} as const;
