import type { ExternalIds, TargetIndex, TargetItem } from "../model/index.js";
import { pathKey } from "./paths.js";
import { titleYearKey } from "./titles.js";

/** Longest run of episodes one target file is taken to cover; guards against bogus IndexNumberEnd. */
const MAX_EPISODES_PER_FILE = 50;

/** Provider ids with lower-case keys and values, so `Imdb`/`imdb` and `TT1`/`tt1` agree. */
export function normalizeIds(ids: ExternalIds): Map<string, string> {
  const out = new Map<string, string>();
  for (const [provider, value] of Object.entries(ids)) {
    const v = value.trim().toLowerCase();
    if (v !== "") out.set(provider.trim().toLowerCase(), v);
  }
  return out;
}

/** Providers present on both sides with different values (empty when the ids agree). */
export function differingProviders(a: Map<string, string>, b: Map<string, string>): string[] {
  const differ: string[] = [];
  for (const [provider, value] of a) {
    const other = b.get(provider);
    if (other !== undefined && other !== value) differ.push(provider);
  }
  return differ;
}

function push(map: Map<string, TargetItem[]>, key: string, item: TargetItem): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [item]);
  else if (list[list.length - 1] !== item) list.push(item);
}

const NONE: readonly TargetItem[] = Object.freeze([]);

/** Hash indexes over the target's items; every lookup is one map access. */
export class TargetLookup {
  readonly byId = new Map<string, TargetItem>();
  private readonly ids = new Map<string, Map<string, string>>();
  private readonly byProvider = new Map<string, TargetItem[]>();
  private readonly byPath = new Map<string, TargetItem[]>();
  private readonly byTitleYear = new Map<string, TargetItem[]>();
  private readonly byPosition = new Map<string, TargetItem[]>();

  constructor(index: TargetIndex) {
    for (const item of index.items) this.byId.set(item.id, item);
    for (const item of index.items) {
      const ids = normalizeIds(item.externalIds);
      this.ids.set(item.id, ids);
      for (const [provider, value] of ids) push(this.byProvider, `${provider}\u0000${value}`, item);
      for (const path of item.paths) {
        const key = pathKey(path);
        if (key !== "") push(this.byPath, key, item);
      }
      const title = titleYearKey(item.title, item.year);
      if (title !== null) push(this.byTitleYear, `${item.kind}\u0000${title}`, item);
      this.indexPosition(item);
    }
  }

  private indexPosition(item: TargetItem): void {
    if (item.kind !== "season" && item.kind !== "episode") return;
    const showId = this.showIdOf(item);
    if (showId === null || item.seasonNumber === null) return;
    if (item.kind === "season") {
      push(this.byPosition, `s\u0000${showId}\u0000${item.seasonNumber}`, item);
      return;
    }
    if (item.episodeNumber === null) return;
    const end = Math.min(
      Math.max(item.episodeNumberEnd ?? item.episodeNumber, item.episodeNumber),
      item.episodeNumber + MAX_EPISODES_PER_FILE - 1,
    );
    for (let n = item.episodeNumber; n <= end; n++) {
      push(this.byPosition, `e\u0000${showId}\u0000${item.seasonNumber}\u0000${n}`, item);
    }
  }

  /** The show of an episode or season, through its season when the server left SeriesId out. */
  showIdOf(item: TargetItem): string | null {
    if (item.showId !== null) return item.showId;
    if (item.parentId === null) return null;
    const parent = this.byId.get(item.parentId);
    if (parent === undefined) return null;
    return parent.kind === "show" ? parent.id : parent.showId;
  }

  idsOf(item: TargetItem): Map<string, string> {
    return this.ids.get(item.id) ?? new Map();
  }

  /** Items sharing at least one provider id with `ids` (of any kind), each once. */
  sharingAnyId(ids: Map<string, string>): TargetItem[] {
    const found: TargetItem[] = [];
    const seen = new Set<string>();
    for (const [provider, value] of ids) {
      for (const item of this.byProvider.get(`${provider}\u0000${value}`) ?? NONE) {
        if (!seen.has(item.id)) {
          seen.add(item.id);
          found.push(item);
        }
      }
    }
    return found;
  }

  atPath(key: string): readonly TargetItem[] {
    return this.byPath.get(key) ?? NONE;
  }

  withTitleYear(kind: TargetItem["kind"], key: string): readonly TargetItem[] {
    return this.byTitleYear.get(`${kind}\u0000${key}`) ?? NONE;
  }

  seasonAt(showId: string, season: number): readonly TargetItem[] {
    return this.byPosition.get(`s\u0000${showId}\u0000${season}`) ?? NONE;
  }

  episodeAt(showId: string, season: number, episode: number): readonly TargetItem[] {
    return this.byPosition.get(`e\u0000${showId}\u0000${season}\u0000${episode}`) ?? NONE;
  }
}
