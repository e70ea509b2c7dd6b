import type { Plan } from "../planner/index.js";
import { OUTSIDE_NAME, type SandboxItemInfo, type SandboxState } from "../sandbox/index.js";

/** One user's data of one item, in plain units (dates ISO-8601 UTC). */
export interface DataRow {
  played: boolean;
  playCount: number;
  lastPlayedAt: string | null;
  positionMs: number;
  rating: number | null;
  isFavorite: boolean;
}

export const EMPTY_ROW: DataRow = Object.freeze({
  played: false,
  playCount: 0,
  lastPlayedAt: null,
  positionMs: 0,
  rating: null,
  isFavorite: false,
});

/** An item whose data the migration would change for one person: today → afterwards. */
export interface ItemChange {
  /** The real server's item id. */
  itemId: string;
  title: string;
  before: DataRow;
  after: DataRow;
}

/** A playlist or collection the migration would create or change, entries as item ids in order. */
export interface ListChange {
  /** The real server's id; null when the migration creates it (the real one gets its own). */
  id: string | null;
  name: string;
  created: boolean;
  before: string[];
  after: string[];
}

export interface PersonOutcome {
  /** Target user name. */
  name: string;
  /** The real server's user id; null when the migration creates the user. */
  id: string | null;
  created: boolean;
  /** Plex accounts whose history goes to this person. */
  sources: string[];
  items: ItemChange[];
  playlists: ListChange[];
}

/** What the real server would hold afterwards, as differences from today. */
export interface RehearsalOutcome {
  people: PersonOutcome[];
  collections: ListChange[];
}

/**
 * Compares the sandbox before and after the rehearsed migration. Ids read from the real
 * server are kept in the sandbox, so they are the real ones; things the migration creates
 * have no real id yet and are named instead. Titles come only from the included items.
 */
export function rehearsalOutcome(
  before: SandboxState,
  after: SandboxState,
  plan: Plan,
  describe: (id: string) => SandboxItemInfo | undefined,
): RehearsalOutcome {
  const known = new Set(before.users.map((user) => user.id));
  const sources = new Map<string, string[]>();
  for (const user of plan.users) {
    if (user.targetName === null) continue;
    sources.set(user.targetName, [...(sources.get(user.targetName) ?? []), user.sourceName]);
  }
  const people: PersonOutcome[] = after.users.map((user) => {
    const created = !known.has(user.id);
    return {
      name: user.name,
      id: created ? null : user.id,
      created,
      sources: sources.get(user.name) ?? [],
      items: itemChanges(before.userData[user.name] ?? {}, after.userData[user.name] ?? {}, describe),
      playlists: listChanges(
        before.playlists.filter((p) => p.owner === user.name),
        after.playlists.filter((p) => p.owner === user.name),
        (p) => p.entries.map((entry) => entry.itemId),
      ),
    };
  });
  const collections = listChanges(before.collections, after.collections, (c) =>
    c.members.map((member) => member.itemId),
  );
  return { people, collections };
}

type DumpedData = SandboxState["userData"][string][string];

function row(data: DumpedData | undefined): DataRow {
  if (data === undefined) return EMPTY_ROW;
  return {
    played: data.played,
    playCount: data.playCount,
    lastPlayedAt: data.lastPlayedDate === null ? null : new Date(data.lastPlayedDate).toISOString(),
    positionMs: data.playbackPositionTicks / 10_000,
    rating: data.rating,
    isFavorite: data.isFavorite,
  };
}

const sameRow = (a: DataRow, b: DataRow) =>
  a.played === b.played &&
  a.playCount === b.playCount &&
  a.lastPlayedAt === b.lastPlayedAt &&
  a.positionMs === b.positionMs &&
  a.rating === b.rating &&
  a.isFavorite === b.isFavorite;

function itemChanges(
  before: Record<string, DumpedData>,
  after: Record<string, DumpedData>,
  describe: (id: string) => SandboxItemInfo | undefined,
): ItemChange[] {
  const changes: ItemChange[] = [];
  for (const itemId of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = row(before[itemId]);
    const will = row(after[itemId]);
    if (!sameRow(was, will))
      changes.push({ itemId, title: titleOf(itemId, describe), before: was, after: will });
  }
  return changes.sort((a, b) => a.title.localeCompare(b.title) || (a.itemId < b.itemId ? -1 : 1));
}

function listChanges<T extends { id: string; name: string }>(
  before: readonly T[],
  after: readonly T[],
  entries: (list: T) => string[],
): ListChange[] {
  const earlier = new Map(before.map((list) => [list.id, list]));
  const changes: ListChange[] = [];
  for (const list of after) {
    const was = earlier.get(list.id);
    const wasEntries = was ? entries(was) : [];
    const nowEntries = entries(list);
    if (was && wasEntries.join(",") === nowEntries.join(",")) continue;
    changes.push({
      id: was ? list.id : null,
      name: list.name,
      created: was === undefined,
      before: wasEntries,
      after: nowEntries,
    });
  }
  return changes;
}

/**
 * How the server names an item: "The Office S01E02 The Dundies", "Blade Runner (1982)", from
 * the copy, which holds the real names. An item outside the included libraries is named by id
 * only: its title stays private (the copy never had it).
 */
export function titleOf(itemId: string, describe: (id: string) => SandboxItemInfo | undefined): string {
  const item = describe(itemId);
  if (item === undefined || item.name === OUTSIDE_NAME)
    return `item ${itemId} (outside the included libraries)`;
  const pad = (n: number | undefined) => (n === undefined ? "??" : String(n).padStart(2, "0"));
  switch (item.type) {
    case "Episode": {
      const code = `S${pad(item.parentIndexNumber)}E${pad(item.indexNumber)}`;
      return `${item.seriesName ?? "?"} ${code} ${item.name}`;
    }
    case "Season":
      return `${item.seriesName ?? "?"} ${item.name}`;
    case "Audio":
      return item.albumName ? `${item.albumName} – ${item.name}` : item.name;
    default:
      return item.year === undefined ? item.name : `${item.name} (${item.year})`;
  }
}
