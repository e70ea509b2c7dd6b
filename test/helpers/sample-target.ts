import { sampleTargetLibrary } from "../../src/sample/index.js";
import type { SandboxItemType, SandboxLibrary, SandboxUserDataInput } from "../../src/sandbox/library.js";

/**
 * Facts about the bundled target library (src/sample/target.ts), which a sandbox serves when a
 * test gives it none: tests that count or list what it holds take the numbers from here rather
 * than writing them down again, so the library can grow without breaking them.
 */

/** The parts of a library item these facts read. */
export interface LibraryNode {
  type: SandboxItemType;
  name: string;
  ref?: string | undefined;
  userData?: Record<string, Partial<SandboxUserDataInput>> | undefined;
  children?: readonly LibraryNode[] | undefined;
}

/** Every item of a library (containers before their children), with the library it is in. */
export function itemsOf(
  library: SandboxLibrary = sampleTargetLibrary(),
): { item: LibraryNode; library: string }[] {
  const out: { item: LibraryNode; library: string }[] = [];
  const visit = (items: readonly LibraryNode[], name: string) => {
    for (const item of items) {
      out.push({ item, library: name });
      visit(item.children ?? [], name);
    }
  };
  for (const section of library.libraries) visit(section.items ?? [], section.name);
  return out;
}

/** How many items of these types the sample target holds (in one library, when named). */
export function countOf(types: readonly SandboxItemType[], libraryName?: string): number {
  return itemsOf().filter(
    ({ item, library }) =>
      types.includes(item.type) && (libraryName === undefined || library === libraryName),
  ).length;
}

/** The sample target's user names, in library order. */
export function userNames(): string[] {
  return sampleTargetLibrary().users.map((user) => user.name);
}

/** The sample target's libraries as [name, collectionType, paths], in library order. */
export function libraryListing(): [string, string, string[]][] {
  return sampleTargetLibrary().libraries.map((l) => [l.name, l.collectionType, l.paths ?? []]);
}

/** Name of the sample target's library of this collection type. */
export function libraryNamed(collectionType: string): string {
  const found = sampleTargetLibrary().libraries.find((l) => l.collectionType === collectionType);
  if (!found) throw new Error(`the sample target has no ${collectionType} library`);
  return found.name;
}

/** Types of the items directly inside a library, in order. */
export function topLevelTypes(libraryName: string): SandboxItemType[] {
  const found = sampleTargetLibrary().libraries.find((l) => l.name === libraryName);
  return (found?.items ?? []).map((item) => item.type);
}
