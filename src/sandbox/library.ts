import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "../errors.js";

/**
 * The sandbox library file: what a fresh sandbox server holds. Items nest (Series → Season →
 * Episode, MusicArtist → MusicAlbum → Audio); playlists and collections point at items by
 * their optional `ref`. A snapshot of a real server (`snapshotOf`, written by
 * `plexodus sandbox --snapshot-from` and by `rehearse`) also carries the server's own ids.
 * Documented in docs/sandbox-library.md.
 */

export const ITEM_TYPES = [
  "Movie",
  "Series",
  "Season",
  "Episode",
  "MusicArtist",
  "MusicAlbum",
  "Audio",
] as const;
export type SandboxItemType = (typeof ITEM_TYPES)[number];

const UserDataSchema = z
  .object({
    played: z.boolean().default(false),
    playCount: z.number().int().min(0).default(0),
    lastPlayedDate: z.iso.datetime({ offset: true }).optional(),
    playbackPositionTicks: z.number().int().min(0).default(0),
    isFavorite: z.boolean().default(false),
    rating: z.number().min(0).max(10).optional(),
  })
  .strict();
export type SandboxUserDataInput = z.infer<typeof UserDataSchema>;

const MediaSourceSchema = z.object({ path: z.string().min(1), name: z.string().optional() }).strict();

export interface SandboxItemInput {
  /** The real server's id (snapshots); default derived from `ref` or the position. */
  id?: string | undefined;
  ref?: string | undefined;
  type: SandboxItemType;
  name: string;
  year?: number | undefined;
  providerIds?: Record<string, string> | undefined;
  path?: string | undefined;
  mediaSources?: { path: string; name?: string | undefined }[] | undefined;
  indexNumber?: number | undefined;
  parentIndexNumber?: number | undefined;
  indexNumberEnd?: number | undefined;
  runTimeTicks?: number | undefined;
  userData?: Record<string, SandboxUserDataInput> | undefined;
  children?: SandboxItemInput[] | undefined;
}

const idField = z.string().min(1).optional();

const itemFields = {
  id: idField,
  ref: z.string().min(1).optional(),
  type: z.enum(ITEM_TYPES),
  name: z.string().min(1),
  // Wide: a snapshot keeps whatever year the server's metadata holds.
  year: z.number().int().min(0).max(9999).optional(),
  providerIds: z.record(z.string(), z.string().min(1)).optional(),
  path: z.string().min(1).optional(),
  mediaSources: z.array(MediaSourceSchema).optional(),
  indexNumber: z.number().int().min(0).optional(),
  parentIndexNumber: z.number().int().min(0).optional(),
  indexNumberEnd: z.number().int().min(0).optional(),
  runTimeTicks: z.number().int().min(0).optional(),
  userData: z.record(z.string(), UserDataSchema).optional(),
};
// Containers nest at most three deep (Series → Season → Episode, MusicArtist → MusicAlbum →
// Audio), so the levels are spelled out instead of z.lazy, which is several times slower on
// 100k-item libraries.
const LeafSchema = z.object(itemFields).strict();
const MiddleSchema = z.object({ ...itemFields, children: z.array(LeafSchema).optional() }).strict();
const ItemSchema = z.object({ ...itemFields, children: z.array(MiddleSchema).optional() }).strict();

/** Which child types each container may hold; anything else is a mistake in the file. */
export const CHILD_TYPES: Readonly<Record<SandboxItemType, readonly SandboxItemType[]>> = {
  Movie: [],
  Series: ["Season"],
  Season: ["Episode"],
  Episode: [],
  MusicArtist: ["MusicAlbum"],
  MusicAlbum: ["Audio"],
  Audio: [],
};

/**
 * Items a snapshot's playlists or collections hold that lie outside its libraries: the real
 * server has them in a library the snapshot left out, so only their id and type are kept.
 */
const OtherItemSchema = z
  .object({ id: idField, ref: z.string().min(1), type: z.enum(ITEM_TYPES).default("Movie") })
  .strict();

export const SandboxLibrarySchema = z
  .object({
    serverName: z.string().min(1).default("plexodus sandbox"),
    /** The server this file is a snapshot of; its ids are in that kind's format. */
    snapshotOf: z
      .object({ kind: z.enum(["jellyfin", "emby"]), version: z.string().min(1) })
      .strict()
      .optional(),
    users: z.array(
      z
        .object({
          id: idField,
          name: z.string().min(1),
          admin: z.boolean().default(false),
          password: z.string().optional(),
          disabled: z.boolean().default(false),
        })
        .strict(),
    ),
    libraries: z.array(
      z
        .object({
          id: idField,
          name: z.string().min(1),
          // "boxsets": the collections library; it holds the file's collections, no items.
          // "homevideos": a library of any other type (what plexodus calls "other").
          collectionType: z.enum(["movies", "tvshows", "music", "mixed", "boxsets", "homevideos"]),
          paths: z.array(z.string().min(1)).default([]),
          items: z.array(ItemSchema).default([]),
        })
        .strict(),
    ),
    playlists: z
      .array(
        z
          .object({
            id: idField,
            name: z.string().min(1),
            owner: z.string().min(1),
            public: z.boolean().default(false),
            entries: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .default([]),
    collections: z
      .array(
        z
          .object({ id: idField, name: z.string().min(1), members: z.array(z.string().min(1)).default([]) })
          .strict(),
      )
      .default([]),
    otherItems: z.array(OtherItemSchema).default([]),
  })
  .strict()
  .superRefine((library, ctx) => checkReferences(library, ctx));

export type SandboxLibrary = z.input<typeof SandboxLibrarySchema>;
export type ParsedSandboxLibrary = z.output<typeof SandboxLibrarySchema>;

function checkReferences(library: ParsedSandboxLibrary, ctx: z.RefinementCtx): void {
  // A snapshot keeps what the server reported, even what a hand-written file should not say.
  const snapshot = library.snapshotOf !== undefined;
  if (library.users.length === 0 && !snapshot) {
    ctx.addIssue({ code: "custom", message: "a library needs at least one user" });
  }
  const userNames = new Set<string>();
  const userIds = new Set<string>();
  for (const user of library.users) {
    const key = user.name.toLowerCase();
    if (userNames.has(key)) ctx.addIssue({ code: "custom", message: `duplicate user name "${user.name}"` });
    userNames.add(key);
    if (user.id !== undefined) {
      if (userIds.has(user.id)) ctx.addIssue({ code: "custom", message: `duplicate user id "${user.id}"` });
      userIds.add(user.id);
    }
  }
  // Libraries, items, playlists and collections are all items on the server: one id space.
  const itemIds = new Set<string>();
  const claimId = (id: string | undefined, where: string) => {
    if (id === undefined) return;
    if (itemIds.has(id)) ctx.addIssue({ code: "custom", message: `${where}: duplicate id "${id}"` });
    itemIds.add(id);
  };
  const refs = new Set<string>();
  const claimRef = (ref: string | undefined, where: string) => {
    if (ref === undefined) return;
    if (refs.has(ref)) ctx.addIssue({ code: "custom", message: `${where}: duplicate ref "${ref}"` });
    refs.add(ref);
  };
  const visit = (item: SandboxItemInput, where: string, parentType: SandboxItemType | null) => {
    claimRef(item.ref, where);
    claimId(item.id, where);
    if (parentType === null && !snapshot && (item.type === "Season" || item.type === "Episode")) {
      // Seasons and episodes only exist inside their series, as on the real servers.
      ctx.addIssue({ code: "custom", message: `${where}: a ${item.type} must sit inside its parent` });
    }
    for (const user of Object.keys(item.userData ?? {})) {
      if (!userNames.has(user.toLowerCase())) {
        ctx.addIssue({ code: "custom", message: `${where}: user data for unknown user "${user}"` });
      }
    }
    (item.children ?? []).forEach((child, index) => {
      if (!mayContain(item.type, child.type, snapshot)) {
        ctx.addIssue({
          code: "custom",
          message: `${where}.children[${index}]: a ${item.type} cannot contain a ${child.type}`,
        });
      }
      visit(child, `${where}.children[${index}]`, item.type);
    });
  };
  library.libraries.forEach((lib, l) => {
    claimId(lib.id, `libraries[${l}]`);
    if (lib.collectionType === "boxsets" && lib.items.length > 0) {
      ctx.addIssue({ code: "custom", message: `libraries[${l}]: a boxsets library holds no items` });
    }
    lib.items.forEach((item, i) => {
      visit(item, `libraries[${l}].items[${i}]`, null);
    });
  });
  library.otherItems.forEach((item, o) => {
    claimRef(item.ref, `otherItems[${o}]`);
    claimId(item.id, `otherItems[${o}]`);
  });
  library.playlists.forEach((playlist, p) => {
    claimId(playlist.id, `playlists[${p}]`);
    if (!userNames.has(playlist.owner.toLowerCase())) {
      ctx.addIssue({ code: "custom", message: `playlists[${p}]: unknown owner "${playlist.owner}"` });
    }
    for (const ref of playlist.entries) {
      if (!refs.has(ref))
        ctx.addIssue({ code: "custom", message: `playlists[${p}]: unknown item ref "${ref}"` });
    }
  });
  library.collections.forEach((collection, c) => {
    claimId(collection.id, `collections[${c}]`);
    for (const ref of collection.members) {
      if (!refs.has(ref))
        ctx.addIssue({ code: "custom", message: `collections[${c}]: unknown item ref "${ref}"` });
    }
  });
}

/**
 * Whether a container may hold a child of this type. A snapshot may also hold episodes
 * directly in their series: the servers list such episodes when a show has no season folders.
 */
function mayContain(parent: SandboxItemType, child: SandboxItemType, snapshot: boolean): boolean {
  return CHILD_TYPES[parent].includes(child) || (snapshot && parent === "Series" && child === "Episode");
}

/** Validates a library given as a value (from code or a parsed file). */
export function parseSandboxLibrary(value: unknown, source = "sandbox library"): ParsedSandboxLibrary {
  const result = SandboxLibrarySchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues
    .slice(0, 10)
    .map((issue) => `  ${issue.path.length > 0 ? issue.path.join(".") : "(file)"}: ${issue.message}`);
  throw new ConfigError(`${source} is not a valid sandbox library:\n${lines.join("\n")}`, {
    hint: "The format is described in docs/sandbox-library.md.",
  });
}

/** Reads and validates a library file (JSON). */
export function loadSandboxLibrary(path: string): SandboxLibrary {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read sandbox library ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`sandbox library ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseSandboxLibrary(value, path);
}
