import { rmSync } from "node:fs";
import Database from "better-sqlite3";
import { COLLECTION_TYPE, METADATA_TYPE, PLAYLIST_TYPE, SECTION_TYPE } from "../../plex/metadata-types.js";
import {
  collectionGuid,
  type Instant,
  metadataTypeOf,
  playlistGuid,
  type Scenario,
  type ScenarioItem,
  SMART_MEMBERS_KEY,
  sectionUuid,
} from "../scenario.js";
import { columnsOf, createTables, INDEXES, type Variant } from "./schema.js";

export interface WriteOptions {
  /** Schema generation: Plex's current tables (default) or the pre-2022 ones with text dates. */
  shape?: Variant;
  /**
   * Legacy shape: an instant as the pretended Plex host's local wall-clock text
   * (`YYYY-MM-DD HH:MM:SS`). Default: the UTC wall clock.
   */
  localTime?: (instant: Date) => string;
  /** Which of Plex's indexes to create (default all). */
  index?: (sql: string) => boolean;
  /** Runs after the rows and indexes are in, before the journal mode is set. */
  finish?: (db: Database.Database) => void;
  /** Leave the file in WAL mode. */
  wal?: boolean;
}

/** Writes `scenario` as a Plex library database at `path` (replacing any file there). */
export function writeScenarioDatabase(path: string, scenario: Scenario, options: WriteOptions = {}): void {
  const shape = options.shape ?? "current";
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  const db = new Database(path);
  try {
    db.pragma("journal_mode = DELETE");
    createTables(db, shape);
    const writer = new RowWriter(db, shape, options.localTime ?? utcWallClock);
    db.transaction(() => writer.writeScenario(scenario))();
    for (const sql of INDEXES) if (options.index?.(sql) ?? true) db.exec(sql);
    options.finish?.(db);
    if (options.wal) db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
}

function utcWallClock(instant: Date): string {
  return instant.toISOString().slice(0, 19).replace("T", " ");
}

/** The extra_data entry that keeps smart membership (none for ordinary lists). */
function smartMembers(ids: readonly number[] | undefined): Record<string, string> {
  return ids === undefined ? {} : { [SMART_MEMBERS_KEY]: ids.join(",") };
}

/** Inserts scenario rows with the column set and time encoding of one schema shape. */
export class RowWriter {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly itemsByGuid = new Map<string, ScenarioItem>();
  private readonly itemsById = new Map<number, ScenarioItem>();
  private nextTagId = 1;

  constructor(
    private readonly db: Database.Database,
    private readonly shape: Variant,
    private readonly localTime: (instant: Date) => string = utcWallClock,
  ) {}

  /** Epoch seconds (current) or local-time text (legacy), as that Plex generation stored it. */
  time(instant: Instant | undefined): number | string | null {
    if (instant === undefined) return null;
    const date = new Date(instant);
    if (Number.isNaN(date.getTime())) throw new Error(`scenario: bad instant "${instant}"`);
    return this.shape === "legacy" ? this.localTime(date) : Math.floor(date.getTime() / 1000);
  }

  /** extra_data: JSON with a `url` copy since PMS 1.40, URL-encoded before. */
  extraData(values: Record<string, string>): string {
    const url = Object.entries(values)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    return this.shape === "legacy" ? url : JSON.stringify({ ...values, url });
  }

  insert(table: string, row: Record<string, unknown>): number {
    const present = columnsOf(table, this.shape);
    const names = Object.keys(row).filter((name) => present.includes(name));
    const key = `${table}:${names.join(",")}`;
    let statement = this.statements.get(key);
    if (!statement) {
      const columns = names.map((n) => `"${n}"`).join(", ");
      statement = this.db.prepare(
        `INSERT INTO "${table}" (${columns}) VALUES (${names.map(() => "?").join(", ")})`,
      );
      this.statements.set(key, statement);
    }
    return Number(statement.run(...names.map((n) => row[n])).lastInsertRowid);
  }

  /** Lets history rows copy titles and numbers from items written earlier. */
  knowItems(items: readonly ScenarioItem[]): void {
    for (const item of items) {
      this.itemsById.set(item.id, item);
      if (!this.itemsByGuid.has(item.guid)) this.itemsByGuid.set(item.guid, item);
    }
  }

  writeSetting(setting: Scenario["settings"][number]): void {
    const created = this.time("2020-01-01T00:00:00Z");
    this.insert("metadata_item_settings", {
      account_id: setting.accountId,
      guid: setting.guid,
      rating: setting.rating ?? null,
      view_offset: setting.viewOffsetMs ?? null,
      view_count: setting.viewCount ?? 0,
      last_viewed_at: this.time(setting.lastViewedAt),
      created_at: created,
      updated_at: this.time(setting.updatedAt ?? setting.lastViewedAt ?? setting.lastRatedAt) ?? created,
      last_rated_at: this.time(setting.lastRatedAt),
      extra_data: this.shape === "legacy" ? "" : "{}",
    });
  }

  writeScenario(scenario: Scenario): void {
    const created = this.time("2020-01-01T00:00:00Z");
    this.knowItems(scenario.items);
    for (const account of scenario.accounts) {
      this.insert("accounts", {
        id: account.id,
        name: account.name,
        hashed_password: account.id === 1 ? "" : null,
        salt: account.id === 1 ? "" : null,
        created_at: created,
        updated_at: created,
      });
    }
    const locationIds = new Map<number, number>();
    for (const section of scenario.sections) {
      this.insert("library_sections", {
        id: section.id,
        library_id: null,
        name: section.name,
        name_sort: section.name,
        section_type: SECTION_TYPE[section.kind],
        language: "en",
        agent: section.agent,
        scanner: section.scanner,
        uuid: sectionUuid(section),
        created_at: created,
        updated_at: created,
        scanned_at: created,
      });
      for (const root of section.locations) {
        const id = this.insert("section_locations", {
          library_section_id: section.id,
          root_path: root,
          available: 1,
          created_at: created,
          updated_at: created,
        });
        if (!locationIds.has(section.id)) locationIds.set(section.id, id);
      }
    }
    for (const item of scenario.items) this.writeItem(item, locationIds);
    for (const collection of scenario.collections) this.writeCollection(collection);
    for (const playlist of scenario.playlists) this.writePlaylist(playlist);
    for (const setting of scenario.settings) this.writeSetting(setting);
    for (const view of scenario.views) this.writeView(view);
  }

  private writeItem(item: ScenarioItem, locationIds: Map<number, number>): void {
    const time = this.time(item.addedAt ?? "2021-03-01T12:00:00Z");
    this.insert("metadata_items", {
      id: item.id,
      library_section_id: item.sectionId,
      parent_id: item.parentId ?? null,
      metadata_type: metadataTypeOf(item.kind),
      guid: item.guid,
      media_item_count: item.media?.length ?? 0,
      title: item.title,
      title_sort: item.title,
      index: item.index ?? null,
      absolute_index: item.absoluteIndex ?? null,
      duration: item.durationMs ?? null,
      originally_available_at: this.time(item.originallyAvailableAt),
      year: item.year ?? null,
      added_at: time,
      created_at: time,
      updated_at: time,
      deleted_at: this.time(item.deletedAt),
      extra_data: this.shape === "legacy" ? "" : this.extraData({ "at:agent": "fixture" }),
      edition_title: item.editionTitle ?? null,
    });
    for (const tag of item.externalIds ?? []) this.tag(item.id, tag, 314);
    for (const media of item.media ?? []) {
      const mediaId = this.insert("media_items", {
        library_section_id: item.sectionId,
        section_location_id: item.sectionId === null ? null : (locationIds.get(item.sectionId) ?? null),
        metadata_item_id: item.id,
        duration: item.durationMs ?? null,
        container: "mkv",
        created_at: time,
        updated_at: time,
      });
      media.parts.forEach((part, index) => {
        this.insert("media_parts", {
          media_item_id: mediaId,
          file: part.file,
          index,
          size: 1_000_000_000 + index,
          duration: item.durationMs ?? null,
          created_at: time,
          updated_at: time,
          deleted_at: this.time(part.deletedAt),
        });
      });
    }
  }

  private tag(itemId: number, value: string, tagType: number, extra: Record<string, unknown> = {}): number {
    const tagId = this.nextTagId++;
    this.insert("tags", {
      id: tagId,
      tag: value,
      tag_type: tagType,
      created_at: this.time("2021-03-01T12:00:00Z"),
    });
    this.insert("taggings", { metadata_item_id: itemId, tag_id: tagId, index: 0, ...extra });
    return tagId;
  }

  private writeCollection(collection: Scenario["collections"][number]): void {
    const tagId = this.nextTagId++;
    this.insert("tags", { id: tagId, tag: collection.title, tag_type: 2 });
    collection.memberIds.forEach((memberId, index) => {
      this.insert("taggings", { metadata_item_id: memberId, tag_id: tagId, index });
    });
    const time = this.time("2021-06-01T12:00:00Z");
    this.insert("metadata_items", {
      id: collection.id,
      library_section_id: collection.sectionId,
      metadata_type: COLLECTION_TYPE,
      guid: collectionGuid(collection),
      title: collection.title,
      title_sort: collection.title,
      index: tagId,
      added_at: time,
      created_at: time,
      updated_at: time,
      extra_data: this.extraData({
        "at:childCount": String(collection.smartMembers?.length ?? collection.memberIds.length),
        ...smartMembers(collection.smartMembers),
      }),
    });
  }

  private writePlaylist(playlist: Scenario["playlists"][number]): void {
    const time = this.time("2022-02-01T12:00:00Z");
    this.insert("metadata_items", {
      id: playlist.id,
      library_section_id: null,
      metadata_type: PLAYLIST_TYPE,
      guid: playlistGuid(playlist),
      title: playlist.title,
      title_sort: playlist.title,
      media_item_count: playlist.entries.length,
      added_at: time,
      created_at: time,
      updated_at: time,
      extra_data: this.extraData({
        "pv:durationInSeconds": "1",
        "pv:owner": String(playlist.ownerAccountId),
        ...smartMembers(playlist.smartMembers),
      }),
    });
    this.insert("metadata_item_accounts", {
      account_id: playlist.ownerAccountId,
      metadata_item_id: playlist.id,
    });
    const generator = (metadataItemId: number | null, uri: string, order: number) =>
      this.insert("play_queue_generators", {
        playlist_id: playlist.id,
        metadata_item_id: metadataItemId,
        uri,
        order,
        created_at: time,
        updated_at: time,
      });
    if (playlist.smartUri !== undefined) generator(null, playlist.smartUri, 1000);
    playlist.entries.forEach((itemId, index) => {
      generator(itemId, "", (index + 1) * 1000);
    });
  }

  writeView(view: Scenario["views"][number]): void {
    const item = this.itemsByGuid.get(view.guid);
    const parent = item?.parentId === undefined ? undefined : this.itemsById.get(item.parentId);
    const grandparent = parent?.parentId === undefined ? undefined : this.itemsById.get(parent.parentId);
    this.insert("metadata_item_views", {
      account_id: view.accountId,
      guid: view.guid,
      metadata_type: view.metadataType ?? (item ? metadataTypeOf(item.kind) : METADATA_TYPE.movie),
      library_section_id: view.sectionId ?? item?.sectionId ?? null,
      grandparent_title: view.grandparentTitle ?? grandparent?.title ?? "",
      parent_index: view.parentIndex ?? parent?.index ?? -1,
      parent_title: parent?.title ?? "",
      index: view.index ?? item?.index ?? null,
      title: view.title ?? item?.title ?? "",
      viewed_at: this.time(view.viewedAt),
      grandparent_guid: view.grandparentGuid ?? grandparent?.guid ?? "",
      device_id: 1,
      view_type: 0,
    });
  }
}
