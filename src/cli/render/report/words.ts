import { plural } from "../format.js";
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
