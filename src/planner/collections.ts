import type { Collection } from "../model/index.js";
import type { SnapshotIndex } from "./context.js";
import { compareKeys } from "./context.js";
import { collectionMembersKey, createCollectionKey } from "./keys.js";
import type { ActionOf, Category, Skip, SkipReason } from "./plan.js";
import type { TargetState } from "./state.js";

export type CollectionAction = ActionOf<"create-collection"> | ActionOf<"add-collection-members">;

/**
 * SEMANTICS §5: collections are global on both targets, so same-titled Plex collections of
 * several libraries become one target collection; an existing one of exactly that title
 * gains the missing members.
 */
export function planCollections(
  collections: readonly Collection[],
  index: SnapshotIndex,
  state: TargetState,
  kinds: ReadonlySet<Category>,
): { actions: CollectionAction[]; skipped: Skip[] } {
  const actions: CollectionAction[] = [];
  const skipped: Skip[] = [];
  if (!kinds.has("collections")) return { actions, skipped };
  const byTitle = new Map<string, Collection[]>();
  for (const collection of collections) {
    const group = byTitle.get(collection.title) ?? [];
    group.push(collection);
    byTitle.set(collection.title, group);
  }
  for (const title of [...byTitle.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const group = (byTitle.get(title) ?? []).sort(
      (a, b) => compareKeys(a.libraryId, b.libraryId) || compareKeys(a.key, b.key),
    );
    const skip = (reason: SkipReason, detail: string, count?: number) =>
      skipped.push({ category: "collections", reason, subject: title, detail, ...(count ? { count } : {}) });
    const itemIds: string[] = [];
    const seen = new Set<string>();
    let unmatched = 0;
    for (const collection of group) {
      if (collection.memberKeys === null) {
        skip(
          "smart-membership-unknown",
          "a smart collection whose current members the source could not give",
        );
        continue;
      }
      for (const key of collection.memberKeys) {
        const targetId = index.targetOf.get(key);
        if (targetId === undefined) unmatched += 1;
        else if (!seen.has(targetId)) {
          seen.add(targetId);
          itemIds.push(targetId);
        }
      }
    }
    if (unmatched > 0) {
      skip("unmatched-members", `${unmatched} member(s) without a target item (see unmatched)`, unmatched);
    }
    if (itemIds.length === 0) {
      if (group.some((collection) => collection.memberKeys !== null)) {
        skip("no-matched-members", "no member has a target item; nothing to create");
      }
      continue;
    }
    const existing = state.collections
      .filter((collection) => collection.title === title)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
    if (existing) {
      const present = new Set(existing.memberIds);
      const missing = itemIds.filter((id) => !present.has(id));
      if (missing.length === 0) continue;
      actions.push({
        key: collectionMembersKey(title, missing),
        type: "add-collection-members",
        collectionId: existing.id,
        title,
        before: [...existing.memberIds],
        itemIds: missing,
      });
    } else {
      actions.push({ key: createCollectionKey(title), type: "create-collection", title, itemIds });
    }
  }
  return { actions, skipped };
}
