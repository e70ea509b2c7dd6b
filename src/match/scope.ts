import type { Mapping } from "../config/values.js";
import { ConfigError } from "../errors.js";
import type { ItemKind, Library, LibraryKind, TargetItem, TargetLibrary } from "../model/index.js";
import { nameKey } from "../model/index.js";

type TargetLibraryKind = TargetLibrary["kind"];

/** Target library kinds a Plex library's items may be found in when no --library-map says. */
const COMPATIBLE: Readonly<Record<LibraryKind, readonly TargetLibraryKind[]>> = {
  movie: ["movie", "mixed"],
  show: ["show", "mixed"],
  music: ["music", "mixed"],
  // "Other videos" libraries hold movies and episodes; the item kind decides.
  other: ["movie", "show", "mixed", "other"],
  photo: [],
};

/** Target library kinds that clearly hold something else; a --library-map to them is a mistake. */
const CLASHING: Readonly<Record<LibraryKind, readonly TargetLibraryKind[]>> = {
  movie: ["show", "music"],
  show: ["movie", "music"],
  music: ["movie", "show"],
  other: ["music"],
  photo: [],
};

/** Where the items of one Plex library look for candidates. */
export interface LibraryScope {
  /** Target library ids the candidates must live in. */
  libraryIds: ReadonlySet<string>;
  /** Whether target items whose library the server did not report may be candidates. */
  includeUnknownLibrary: boolean;
  /** Target library names, for messages. */
  names: string[];
}

export function inScope(scope: LibraryScope, item: TargetItem): boolean {
  return item.libraryId === null ? scope.includeUnknownLibrary : scope.libraryIds.has(item.libraryId);
}

function libraryKindOfItem(kind: ItemKind): LibraryKind {
  if (kind === "movie") return "movie";
  if (kind === "show" || kind === "season" || kind === "episode") return "show";
  return "music";
}

function scopeOf(libraries: TargetLibrary[], includeUnknownLibrary: boolean): LibraryScope {
  return {
    libraryIds: new Set(libraries.map((l) => l.id)),
    includeUnknownLibrary,
    names: libraries.map((l) => l.name),
  };
}

/**
 * Scopes per Plex library id. A --library-map restricts a library to the named target
 * libraries (several entries for one Plex library add up); target items of unknown library
 * are then excluded, since they cannot be shown to be inside. Without a map, every target
 * library of a compatible kind, plus items of unknown library (their kind still has to fit).
 * A map naming a target library that does not exist, or one that plainly holds another kind
 * of media, is a configuration error. Map entries naming no selected Plex library are
 * otherwise ignored without being echoed: they may name an excluded library.
 */
export class Scopes {
  private readonly byLibrary = new Map<string, LibraryScope>();
  private readonly byKind = new Map<LibraryKind, LibraryScope>();

  constructor(sourceLibraries: Library[], targetLibraries: TargetLibrary[], libraryMap: Mapping[]) {
    const targetsByName = new Map<string, TargetLibrary[]>();
    for (const library of targetLibraries) {
      const key = nameKey(library.name);
      targetsByName.set(key, [...(targetsByName.get(key) ?? []), library]);
    }
    for (const kind of Object.keys(COMPATIBLE) as LibraryKind[]) {
      const fits = targetLibraries.filter((l) => COMPATIBLE[kind].includes(l.kind));
      this.byKind.set(kind, scopeOf(fits, true));
    }
    // Every entry's target side is checked, even for a Plex library that is not selected.
    for (const entry of libraryMap) {
      if (!targetsByName.has(nameKey(entry.to.trim()))) {
        throw new ConfigError(`--library-map names target library "${entry.to}", which does not exist`, {
          hint: `Target libraries: ${targetLibraries.map((l) => l.name).join(", ") || "(none)"}.`,
        });
      }
    }
    for (const source of sourceLibraries) {
      const entries = libraryMap.filter((m) => nameKey(m.from.trim()) === nameKey(source.name));
      if (entries.length === 0) {
        this.byLibrary.set(source.id, this.byKind.get(source.kind)!);
        continue;
      }
      const chosen: TargetLibrary[] = [];
      for (const entry of entries) {
        for (const library of targetsByName.get(nameKey(entry.to.trim())) ?? []) {
          if (CLASHING[source.kind].includes(library.kind)) {
            throw new ConfigError(
              `--library-map ${entry.from}=${entry.to}: "${library.name}" holds ${library.kind} items, "${source.name}" holds ${source.kind} items`,
            );
          }
          chosen.push(library);
        }
      }
      this.byLibrary.set(source.id, scopeOf(chosen, false));
    }
  }

  /** The scope of a Plex library; an unlisted library falls back to what its item kind needs. */
  forItem(libraryId: string, kind: ItemKind): LibraryScope {
    return this.byLibrary.get(libraryId) ?? this.byKind.get(libraryKindOfItem(kind))!;
  }
}
