import type { Instant, Scenario, ScenarioItem } from "../../sample/scenario.js";

/**
 * What the Plex personality serves: a scenario (src/sample), indexed the way the endpoints
 * ask for it. Plex's own rules are applied here, never borrowed from the readers the sandbox
 * helps test: which items a section lists, how the owner's duplicate settings rows show in a
 * listing, and the history as one entry per play.
 */
export interface PlexData {
  scenario: Scenario;
  /** Items a section lists (in an existing section, with a guid, not an extra), by id. */
  items: Map<number, ScenarioItem>;
  /** The owner's settings per guid, as one row (Plex may keep several per account and guid). */
  ownerState: Map<string, OwnerRow>;
  /** One entry per play, oldest first: guid, account, epoch seconds. */
  history: Array<{ id: number; guid: string; accountId: number; viewedAt: number }>;
  /** The item a play of a guid names: the lowest id carrying it. */
  itemOfGuid: Map<string, ScenarioItem>;
}

export interface OwnerRow {
  viewCount: number;
  viewOffsetMs: number;
  lastViewedAt: number | null;
  rating: number | null;
  lastRatedAt: number | null;
}

/** The owner's plex.tv account id; the sandbox's token is the owner's. */
export const OWNER_ACCOUNT = 1;

export function plexData(scenario: Scenario): PlexData {
  const sections = new Set(scenario.sections.map((section) => section.id));
  const items = new Map<number, ScenarioItem>();
  for (const item of [...scenario.items].sort((a, b) => a.id - b.id)) {
    const listed =
      item.kind !== "clip" && item.sectionId !== null && sections.has(item.sectionId) && item.guid !== "";
    if (listed) items.set(item.id, item);
  }
  const itemOfGuid = new Map<string, ScenarioItem>();
  for (const item of items.values()) if (!itemOfGuid.has(item.guid)) itemOfGuid.set(item.guid, item);
  return {
    scenario,
    items,
    ownerState: ownerState(scenario),
    history: scenario.views
      .map((view, index) => ({
        id: index + 1,
        guid: view.guid,
        accountId: view.accountId,
        viewedAt: seconds(view.viewedAt) ?? 0,
      }))
      .sort((a, b) => a.viewedAt - b.viewedAt || a.id - b.id),
    itemOfGuid,
  };
}

/** Epoch seconds of an instant, as Plex's API gives dates. */
export function seconds(instant: Instant | undefined): number | null {
  if (instant === undefined) return null;
  const ms = new Date(instant).getTime();
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** Duplicate rows combined the way Plex would show them: SEMANTICS §3's rules. */
function ownerState(scenario: Scenario): Map<string, OwnerRow> {
  const out = new Map<string, OwnerRow>();
  for (const setting of scenario.settings) {
    if (setting.accountId !== OWNER_ACCOUNT) continue;
    const next: OwnerRow = {
      viewCount: setting.viewCount ?? 0,
      viewOffsetMs: setting.viewOffsetMs ?? 0,
      lastViewedAt: seconds(setting.lastViewedAt),
      rating: setting.rating ?? null,
      lastRatedAt: seconds(setting.lastRatedAt),
    };
    const seen = out.get(setting.guid);
    if (!seen) {
      out.set(setting.guid, next);
      continue;
    }
    const viewedLater = (next.lastViewedAt ?? -Infinity) >= (seen.lastViewedAt ?? -Infinity);
    const ratedLater =
      next.rating !== null && (seen.rating === null || (next.lastRatedAt ?? -1) >= (seen.lastRatedAt ?? -1));
    out.set(setting.guid, {
      viewCount: Math.max(seen.viewCount, next.viewCount),
      viewOffsetMs: viewedLater ? next.viewOffsetMs : seen.viewOffsetMs,
      lastViewedAt: viewedLater ? next.lastViewedAt : seen.lastViewedAt,
      rating: ratedLater ? next.rating : seen.rating,
      lastRatedAt: ratedLater ? next.lastRatedAt : seen.lastRatedAt,
    });
  }
  return out;
}
