import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "../errors.js";

/**
 * The sandbox library file: what a fresh sandbox server holds. Items nest (Series → Season →
 * Episode, MusicArtist → MusicAlbum → Audio); playlists and collections point at items by
 * their optional `ref`. Documented in docs/sandbox-library.md.
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

const itemFields = {
  ref: z.string().min(1).optional(),
  type: z.enum(ITEM_TYPES),
  name: z.string().min(1),
  year: z.number().int().min(1800).max(3000).optional(),
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

export const SandboxLibrarySchema = z
  .object({
    serverName: z.string().min(1).default("plexodus sandbox"),
    users: z
      .array(
        z
          .object({
            name: z.string().min(1),
            admin: z.boolean().default(false),
            password: z.string().optional(),
            disabled: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1),
    libraries: z.array(
      z
        .object({
          name: z.string().min(1),
          // "boxsets": the collections library; it holds the file's collections, no items.
          collectionType: z.enum(["movies", "tvshows", "music", "mixed", "boxsets"]),
          paths: z.array(z.string().min(1)).default([]),
          items: z.array(ItemSchema).default([]),
        })
        .strict(),
    ),
    playlists: z
      .array(
        z
          .object({
            name: z.string().min(1),
            owner: z.string().min(1),
            public: z.boolean().default(false),
            entries: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .default([]),
    collections: z
      .array(z.object({ name: z.string().min(1), members: z.array(z.string().min(1)).default([]) }).strict())
      .default([]),
  })
  .strict()
  .superRefine((library, ctx) => checkReferences(library, ctx));

export type SandboxLibrary = z.input<typeof SandboxLibrarySchema>;
export type ParsedSandboxLibrary = z.output<typeof SandboxLibrarySchema>;

function checkReferences(library: ParsedSandboxLibrary, ctx: z.RefinementCtx): void {
  const userNames = new Set<string>();
  for (const user of library.users) {
    const key = user.name.toLowerCase();
    if (userNames.has(key)) ctx.addIssue({ code: "custom", message: `duplicate user name "${user.name}"` });
    userNames.add(key);
  }
  const refs = new Set<string>();
  const visit = (item: SandboxItemInput, where: string, parentType: SandboxItemType | null) => {
    if (item.ref !== undefined) {
      if (refs.has(item.ref))
        ctx.addIssue({ code: "custom", message: `${where}: duplicate ref "${item.ref}"` });
      refs.add(item.ref);
    }
    if (parentType === null && (item.type === "Season" || item.type === "Episode")) {
      // Seasons and episodes only exist inside their series, as on the real servers.
      ctx.addIssue({ code: "custom", message: `${where}: a ${item.type} must sit inside its parent` });
    }
    for (const user of Object.keys(item.userData ?? {})) {
      if (!userNames.has(user.toLowerCase())) {
        ctx.addIssue({ code: "custom", message: `${where}: user data for unknown user "${user}"` });
      }
    }
    (item.children ?? []).forEach((child, index) => {
      if (!CHILD_TYPES[item.type].includes(child.type)) {
        ctx.addIssue({
          code: "custom",
          message: `${where}.children[${index}]: a ${item.type} cannot contain a ${child.type}`,
        });
      }
      visit(child, `${where}.children[${index}]`, item.type);
    });
  };
  library.libraries.forEach((lib, l) => {
    if (lib.collectionType === "boxsets" && lib.items.length > 0) {
      ctx.addIssue({ code: "custom", message: `libraries[${l}]: a boxsets library holds no items` });
    }
    lib.items.forEach((item, i) => {
      visit(item, `libraries[${l}].items[${i}]`, null);
    });
  });
  library.playlists.forEach((playlist, p) => {
    if (!userNames.has(playlist.owner.toLowerCase())) {
      ctx.addIssue({ code: "custom", message: `playlists[${p}]: unknown owner "${playlist.owner}"` });
    }
    for (const ref of playlist.entries) {
      if (!refs.has(ref))
        ctx.addIssue({ code: "custom", message: `playlists[${p}]: unknown item ref "${ref}"` });
    }
  });
  library.collections.forEach((collection, c) => {
    for (const ref of collection.members) {
      if (!refs.has(ref))
        ctx.addIssue({ code: "custom", message: `collections[${c}]: unknown item ref "${ref}"` });
    }
  });
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
