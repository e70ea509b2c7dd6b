import type Database from "better-sqlite3";
import type { ExternalIds, Item, Library } from "../../model/index.js";
import { COLLECTION_TYPE, ITEM_KINDS, LIBRARY_KINDS, PLAYLIST_TYPE } from "../../plex/metadata-types.js";
import type { ProgressTask } from "../../progress.js";
import { parseExternalIdTag, parseGuid } from "./guid.js";
import { eachRow } from "./rows.js";
import { columnOrNull, type SchemaInfo } from "./schema.js";
import { count, int, type Notes, type TimeDecoder } from "./values.js";

/** A playlist or collection row of metadata_items, resolved later with its entries. */
export interface ListRow {
  id: number;
  type: number;
  libraryId: number | null;
  title: string;
  index: number | null;
  extraData: string | null;
}

export function readLibraries(db: Database.Database): Library[] {
  const roots = new Map<number, string[]>();
  const locations = db
    .prepare("SELECT library_section_id, root_path FROM section_locations ORDER BY rowid")
    .raw()
    .all() as Array<[unknown, unknown]>;
  for (const [section, root] of locations) {
    const id = int(section);
    if (id === null || typeof root !== "string" || root === "") continue;
    const list = roots.get(id) ?? [];
    list.push(root);
    roots.set(id, list);
  }
  const rows = db
    .prepare("SELECT id, name, section_type FROM library_sections ORDER BY id")
    .raw()
    .all() as Array<[number, unknown, unknown]>;
  return rows.map(([id, name, type]) => ({
    id: String(id),
    name: typeof name === "string" && name !== "" ? name : `library-${id}`,
    kind: LIBRARY_KINDS[int(type) ?? -1] ?? "other",
    rootPaths: roots.get(id) ?? [],
  }));
}

interface RawItem {
  id: number;
  libraryId: number | null;
  parentId: number | null;
  type: number;
  guid: string;
  title: string;
  index: number | null;
  absoluteIndex: number | null;
  year: number | null;
  durationMs: number | null;
  deleted: boolean;
}

export interface ItemsResult {
  items: Item[];
  lists: ListRow[];
}

/**
 * One scan of metadata_items (`NOT INDEXED`: the planner must not pick Plex's ICU index as a
 * covering index), then files and external ids. Extras (clips, trailers) are not items.
 */
export function readItems(
  db: Database.Database,
  schema: SchemaInfo,
  libraries: readonly Library[],
  times: TimeDecoder,
  notes: Notes,
  task: ProgressTask,
): ItemsResult {
  const col = (name: string) => columnOrNull(schema, "metadata_items", name);
  const types = [...Object.keys(ITEM_KINDS), PLAYLIST_TYPE, COLLECTION_TYPE].join(", ");
  const sql = `SELECT id, library_section_id, parent_id, metadata_type, guid, title, "index", ${col("absolute_index")},
         ${col("year")}, ${col("duration")}, ${col("deleted_at")}, ${col("extra_data")}
       FROM metadata_items NOT INDEXED WHERE metadata_type IN (${types})`;
  const libraryIds = new Set(libraries.map((l) => l.id));
  const raws = new Map<number, RawItem>();
  const lists: ListRow[] = [];
  let seen = 0;
  eachRow(
    db,
    sql,
    (id, library, parent, type, guid, title, index, absoluteIndex, year, duration, deletedAt, extraData) => {
      if (++seen % 10_000 === 0) task.tick(10_000);
      const typeNumber = int(type) ?? -1;
      const text = typeof title === "string" ? title : "";
      if (typeNumber === PLAYLIST_TYPE || typeNumber === COLLECTION_TYPE) {
        lists.push({
          id: id as number,
          type: typeNumber,
          libraryId: int(library),
          title: text,
          index: int(index),
          extraData: typeof extraData === "string" ? extraData : null,
        });
        return;
      }
      const libraryId = int(library);
      if (libraryId === null || !libraryIds.has(String(libraryId))) {
        notes.add(
          "item-without-library",
          (n) => `${n} item(s) belong to no existing library and were left out`,
        );
        return;
      }
      if (typeof guid !== "string" || guid === "") {
        notes.add(
          "item-without-guid",
          (n) => `${n} item(s) have no guid, so no state can attach to them; left out`,
        );
        return;
      }
      raws.set(id as number, {
        id: id as number,
        libraryId,
        parentId: int(parent),
        type: typeNumber,
        guid,
        title: text,
        index: int(index),
        absoluteIndex: int(absoluteIndex),
        year: int(year),
        durationMs: count(duration),
        deleted: times.ms(deletedAt) !== null,
      });
    },
  );
  task.tick(seen % 10_000);
  const files = readFiles(db, schema, raws);
  const tagIds = readExternalIdTags(db, schema, raws);
  const items: Item[] = [];
  for (const raw of raws.values())
    items.push(toItem(raw, raws, files.get(raw.id) ?? [], tagIds.get(raw.id), notes));
  return { items, lists };
}

function toItem(
  raw: RawItem,
  raws: ReadonlyMap<number, RawItem>,
  filePaths: string[],
  tagIds: ExternalIds | undefined,
  notes: Notes,
): Item {
  const kind = ITEM_KINDS[raw.type]!;
  const parsed = parseGuid(raw.guid);
  if (parsed.problem) {
    notes.add(
      "unreadable-guid",
      (n) => `${n} legacy agent guid(s) could not be read; those items match by path or title only`,
    );
  }
  const parent = raw.parentId === null ? undefined : raws.get(raw.parentId);
  const grandparent = parent?.parentId == null ? undefined : raws.get(parent.parentId);
  let seasonNumber: number | null = null;
  let episodeNumber: number | null = null;
  if (kind === "season") seasonNumber = nonNegative(raw.index);
  if (kind === "episode") {
    episodeNumber = nonNegative(raw.index) ?? parsed.episode;
    seasonNumber = nonNegative(parent?.index ?? null) ?? parsed.season;
  }
  if (kind === "track") {
    episodeNumber = nonNegative(raw.index);
    seasonNumber = nonNegative(raw.absoluteIndex);
  }
  const hasGrandparent = kind === "episode" || kind === "track";
  return {
    key: String(raw.id),
    identity: raw.guid,
    kind,
    libraryId: String(raw.libraryId),
    title: raw.title,
    year: raw.year,
    // 314 tags (new agents) first; a legacy guid's ids fill in providers the tags lack.
    externalIds: { ...parsed.ids, ...tagIds },
    showExternalIds: parsed.showIds,
    filePaths,
    parentKey: parent ? String(parent.id) : null,
    grandparentKey: hasGrandparent && grandparent ? String(grandparent.id) : null,
    seasonNumber,
    episodeNumber,
    durationMs: raw.durationMs,
    isDeleted: raw.deleted,
  };
}

function nonNegative(value: number | null): number | null {
  return value === null || value < 0 ? null : value;
}

/** Every file of every part of every version, in version then part order. */
function readFiles(
  db: Database.Database,
  schema: SchemaInfo,
  raws: ReadonlyMap<number, RawItem>,
): Map<number, string[]> {
  const partOrder = columnOrNull(schema, "media_parts", "index", "mp").includes("NULL") ? "" : `mp."index", `;
  const sql = `SELECT mi.metadata_item_id, mp.file FROM media_parts mp JOIN media_items mi ON mi.id = mp.media_item_id
       ORDER BY mi.metadata_item_id, mi.id, ${partOrder}mp.rowid`;
  const files = new Map<number, string[]>();
  eachRow(db, sql, (item, file) => {
    const id = int(item);
    if (id === null || !raws.has(id) || typeof file !== "string" || file === "") return;
    const list = files.get(id);
    if (!list) files.set(id, [file]);
    else if (!list.includes(file)) list.push(file);
  });
  return files;
}

/** tag_type 314 tags (`imdb://…`); the first of a provider by taggings order wins. */
function readExternalIdTags(
  db: Database.Database,
  schema: SchemaInfo,
  raws: ReadonlyMap<number, RawItem>,
): Map<number, ExternalIds> {
  const order = columnOrNull(schema, "taggings", "index", "tg").includes("NULL") ? "" : `tg."index", `;
  const sql = `SELECT tg.metadata_item_id, t.tag FROM taggings tg JOIN tags t NOT INDEXED ON t.id = tg.tag_id
       WHERE t.tag_type = 314 ORDER BY tg.metadata_item_id, ${order}tg.rowid`;
  const result = new Map<number, ExternalIds>();
  eachRow(db, sql, (item, tag) => {
    const id = int(item);
    if (id === null || !raws.has(id) || typeof tag !== "string") return;
    const parsed = parseExternalIdTag(tag);
    if (!parsed) return;
    const ids = result.get(id) ?? {};
    if (!(parsed.provider in ids)) ids[parsed.provider] = parsed.value;
    result.set(id, ids);
  });
  return result;
}
