import { itemDto } from "../dto.js";
import { badRequest, notFound, serverError, unauthorized } from "../http-error.js";
import { jellyfinAtLeast, type Personality, type Route, type RouteContext } from "../personality.js";
import type { StoredItem } from "../store.js";
import { findItem, idList, noContent, ok, optionalUser, param } from "./common.js";
import { dtoOptions } from "./items-query.js";

/** Collections (BoxSets) per target-apis §6.2 and §12.7: global, members added once. */

function addMembers(context: RouteContext, collection: StoredItem, ids: string[]): void {
  const members = collection.memberIds!;
  for (const memberId of ids) {
    // AddToCollection throws on the first unknown id, after earlier ones were added.
    if (!context.store.items.has(memberId))
      throw badRequest(`No item exists with the supplied Id ${memberId}`);
    if (!members.includes(memberId)) members.push(memberId);
  }
}

/**
 * Jellyfin 12 `GET /Items/{itemId}/Collections`: the BoxSets holding the item. It needs a user,
 * so an API key without `userId` is refused with 401 ("User context missing.").
 */
function itemCollections(context: RouteContext) {
  const user = optionalUser(context, context.query.get("userId"));
  if (user === null) throw unauthorized();
  const item = findItem(context, param(context, "itemid"));
  const sets = (context.store.byType.get("BoxSet") ?? []).filter((set) => set.memberIds?.includes(item.id));
  const start = Math.max(0, context.query.int("startIndex") ?? 0);
  const limit = context.query.int("limit");
  const page = sets.slice(start, limit === undefined ? undefined : start + Math.max(0, limit));
  const options = dtoOptions(context, user);
  return ok({
    Items: page.map((set) => itemDto(context.personality, context.store, set, options)),
    TotalRecordCount: sets.length,
    StartIndex: start,
  });
}

export function collectionRoutes(p: Personality): Route[] {
  const jf = p.kind === "jellyfin";
  const collectionOf = (c: RouteContext) => {
    const item = findItem(c, param(c, jf ? "collectionid" : "id"));
    if (item.type !== "BoxSet") throw notFound();
    return item;
  };
  const routes: Route[] = [
    {
      method: "POST",
      path: "/Collections",
      auth: "admin",
      handler: (c) => {
        const name = c.query.get("name");
        const twelve = jellyfinAtLeast(p, "12.0");
        // Observed on 12.0.0: no name is a 500; a name in use gives that collection back, its
        // members replaced by `ids` (the BoxSet's folder, and so its id, come from the name).
        if (twelve && !name) throw serverError();
        const existing = twelve
          ? (c.store.byType.get("BoxSet") ?? []).find((set) => set.name === name)
          : undefined;
        if (existing) existing.memberIds = [];
        const collection = existing ?? c.store.createCollection(name ?? "New Collection", []);
        addMembers(c, collection, idList(c, "ids"));
        return ok(jf ? { Id: collection.id } : { Id: collection.id, Name: collection.name });
      },
    },
    {
      method: "POST",
      path: jf ? "/Collections/{collectionId}/Items" : "/Collections/{Id}/Items",
      auth: "admin",
      handler: (c) => {
        addMembers(c, collectionOf(c), idList(c, "ids"));
        return noContent();
      },
    },
    {
      method: "DELETE",
      path: jf ? "/Collections/{collectionId}/Items" : "/Collections/{Id}/Items",
      auth: "admin",
      handler: (c) => {
        const collection = collectionOf(c);
        const remove = new Set(idList(c, "ids"));
        collection.memberIds = collection.memberIds!.filter((member) => !remove.has(member));
        return noContent();
      },
    },
  ];
  if (jellyfinAtLeast(p, "12.0")) {
    routes.push({
      method: "GET",
      path: "/Items/{itemId}/Collections",
      auth: "user",
      handler: itemCollections,
    });
  }
  return routes;
}
