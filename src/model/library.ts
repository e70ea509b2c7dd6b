import { z } from "zod";

export const LibraryKindSchema = z.enum(["movie", "show", "music", "photo", "other"]);
export type LibraryKind = z.infer<typeof LibraryKindSchema>;

export const LibrarySchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: LibraryKindSchema,
  /** Folders the library scans, as the source host spells them. */
  rootPaths: z.array(z.string().min(1)),
});
export type Library = z.infer<typeof LibrarySchema>;
