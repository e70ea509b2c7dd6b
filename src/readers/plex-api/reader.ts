import PQueue from "p-queue";
import type { Item, Library, Snapshot, SourceInfo, SourceUser } from "../../model/index.js";
import { type Progress, SILENT_PROGRESS } from "../../progress.js";
import { Notes } from "../plex-db/values.js";
import { type PlexApiOptions, PlexClient } from "./client.js";
import { LISTED_TYPES, toItem, toLibrary } from "./convert.js";
import { type ApiList, readApiCollections, readApiPlaylists, toCollection, toPlaylist } from "./lists.js";
import {
  AccountsSchema,
  HistorySchema,
  IdentitySchema,
  MetadataListSchema,
  SectionsSchema,
  type WireMetadata,
} from "./schema.js";
import { derivedStates, HistoryTally, OwnerStates } from "./state.js";

export type { PlexApiOptions } from "./client.js";

/** The owner's account id on every Plex server (reference §6). */
const OWNER_ID = "1";

/** Fields another account's history cannot tell (SEMANTICS §8). */
const UNKNOWN_FOR_OTHERS = ["progress", "ratings", "playlists"] as const;
/**
 * What another account's history stands in for: Plex's played flag and view count, which the
 * API shows only to the account's own token (reference §15.5).
 */
const INFERRED_FOR_OTHERS = ["watched"] as const;

export interface PlexApiReader {
  /** Server identity; a clear auth/unreachable error (exit 4) when the token or URL is wrong. */
  check(): Promise<SourceInfo>;
  /** Everything the API can tell, in the model (source kind `plex-api`). */
  read(progress?: Progress): Promise<Snapshot>;
  /** Only the playlists (the token user's) and collections, for combining with a database. */
  readLists(
    libraryIds: readonly string[],
    progress?: Progress,
  ): Promise<{ playlists: ApiList[]; collections: ApiList[] }>;
  close(): void;
}

export function openPlexApi(options: PlexApiOptions): PlexApiReader {
  const client = new PlexClient(options);
  const queue = new PQueue({ concurrency: Math.max(1, options.concurrency ?? 4) });

  const check = async (): Promise<SourceInfo> => {
    const { MediaContainer: root } = await client.get("/", IdentitySchema);
    return {
      kind: "plex-api",
      serverName: root.friendlyName ?? null,
      serverId: root.machineIdentifier,
      schemaFingerprint: `plex-api/${root.version}`,
      schemaVersion: root.version,
      readAt: new Date(),
    };
  };

  const sections = async (): Promise<Library[]> => {
    const { MediaContainer } = await client.get("/library/sections", SectionsSchema);
    return MediaContainer.Directory.map(toLibrary);
  };

  return {
    check,
    async read(progress = SILENT_PROGRESS) {
      const source = await check();
      const notes = new Notes();
      const accounts = await client.get("/accounts", AccountsSchema);
      const libraries = await sections();
      const { items, owner } = await readItems(client, queue, libraries, notes, progress);
      const itemsByKey = new Map(items.map((item) => [item.key, item]));
      const history = await readHistory(client, itemsByKey, progress);
      history.report(notes);
      const lists = await readListsOf(client, queue, libraries, progress);
      return {
        source,
        users: toUsers(accounts.MediaContainer.Account, history.accountIds()),
        libraries,
        items,
        states: [...owner.states(OWNER_ID, history), ...derivedStates(history, OWNER_ID)],
        history: history.summaries(),
        historyEventCount: history.eventCount,
        playlists: lists.playlists.map((list) => toPlaylist(list, OWNER_ID, itemsByKey, notes)),
        collections: lists.collections.map((list) => toCollection(list, itemsByKey, notes)),
        orphanedStateCount: 0,
        warnings: notes.warnings(),
      };
    },
    async readLists(libraryIds, progress = SILENT_PROGRESS) {
      const libraries = (await sections()).filter((library) => libraryIds.includes(library.id));
      return readListsOf(client, queue, libraries, progress);
    },
    close() {
      queue.clear();
      client.close();
    },
  };
}

async function readItems(
  client: PlexClient,
  queue: PQueue,
  libraries: readonly Library[],
  notes: Notes,
  progress: Progress,
): Promise<{ items: Item[]; owner: OwnerStates }> {
  const task = progress.task("reading Plex items (API)");
  const jobs = libraries.flatMap((library) =>
    LISTED_TYPES[library.kind].map((type) =>
      queue.add(async () => {
        const path = `/library/sections/${encodeURIComponent(library.id)}/all`;
        const { entries } = await client.all(
          path,
          MetadataListSchema,
          (c) => c.Metadata,
          { type, includeGuids: 1 },
          (count) => task.tick(count),
        );
        return { library, type, entries };
      }),
    ),
  );
  // Results stay in section, then type order whatever order the requests finished in.
  const pages = (await Promise.all(jobs)) as Array<{
    library: Library;
    type: number;
    entries: WireMetadata[];
  }>;
  task.finish();
  const items: Item[] = [];
  const wires: WireMetadata[] = [];
  for (const { library, type, entries } of pages) {
    for (const wire of entries) {
      const item = toItem(wire, library.id, type, notes);
      if (item) {
        items.push(item);
        wires.push(wire);
      }
    }
  }
  const keys = new Set(items.map((item) => item.key));
  const owner = new OwnerStates();
  items.forEach((item, i) => {
    // A parent outside the listed items (another section, gone) is no parent, as in the database.
    if (item.parentKey !== null && !keys.has(item.parentKey)) item.parentKey = null;
    if (item.grandparentKey !== null && !keys.has(item.grandparentKey)) item.grandparentKey = null;
    owner.add(item, wires[i]!, notes);
  });
  return { items, owner };
}

/** The whole feed, oldest first, so plays recorded while paging land on later pages. */
async function readHistory(
  client: PlexClient,
  items: ReadonlyMap<string, Item>,
  progress: Progress,
): Promise<HistoryTally> {
  const task = progress.task("reading Plex history (API)");
  const history = new HistoryTally(new Map([...items.values()].map((item) => [item.key, item.identity])));
  await client.all(
    "/status/sessions/history/all",
    HistorySchema,
    (c) => {
      for (const entry of c.Metadata) history.add(entry);
      return c.Metadata;
    },
    { sort: "viewedAt:asc" },
    (count, total) => {
      if (total !== undefined) task.setTotal(total);
      task.tick(count);
    },
  );
  task.finish();
  return history;
}

async function readListsOf(
  client: PlexClient,
  queue: PQueue,
  libraries: readonly Library[],
  progress: Progress,
): Promise<{ playlists: ApiList[]; collections: ApiList[] }> {
  const task = progress.task("reading Plex playlists and collections (API)");
  const [playlists, collections] = await Promise.all([
    readApiPlaylists(client, queue),
    readApiCollections(client, queue, libraries),
  ]);
  task.tick(playlists.length + collections.length);
  task.finish();
  return { playlists, collections };
}

/**
 * `/accounts` without id 0 (the blank system account); ids that only appear in the history get
 * a placeholder `account-<id>`, as the database reader gives them (SEMANTICS §1). Everyone but
 * the owner has only history here, so their positions, ratings and playlists are unknown and
 * their watched state is inferred from their plays.
 */
function toUsers(
  accounts: ReadonlyArray<{ id: number; name?: string | undefined }>,
  historyIds: readonly string[],
): SourceUser[] {
  const users = new Map<number, SourceUser>();
  const make = (id: number, name: string | undefined, placeholder: boolean): SourceUser => {
    const owner = String(id) === OWNER_ID;
    const text = name?.trim() ?? "";
    return {
      id: String(id),
      name: text === "" ? `account-${id}` : text,
      isOwner: owner,
      isPlaceholder: placeholder,
      unknownFields: owner ? [] : [...UNKNOWN_FOR_OTHERS],
      inferredFields: owner ? [] : [...INFERRED_FOR_OTHERS],
    };
  };
  for (const account of accounts) {
    const id = Math.trunc(account.id);
    if (id > 0 && !users.has(id)) users.set(id, make(id, account.name, false));
  }
  for (const text of historyIds) {
    const id = Number(text);
    if (Number.isSafeInteger(id) && id > 0 && !users.has(id)) users.set(id, make(id, undefined, true));
  }
  return [...users.values()].sort((a, b) => Number(a.id) - Number(b.id));
}
