import { itemDto } from "../dto.js";
import { notFound } from "../http-error.js";
import type { Personality, Route, RouteContext } from "../personality.js";
import { findItem, noContent, ok, optionalUser, param, parseId } from "./common.js";
import { dtoOptions, playlistVisible, runItemQuery } from "./items-query.js";

function getItem(context: RouteContext, userId: string | undefined) {
  const p = context.personality;
  const user = optionalUser(context, userId);
  const item = findItem(context, param(context, p.kind === "jellyfin" ? "itemid" : "id"));
  if (item.type === "Playlist" && !playlistVisible(context, item, user)) throw notFound();
  return ok(itemDto(p, context.store, item, { ...dtoOptions(context, user), full: true }));
}

function episodes(context: RouteContext) {
  const p = context.personality;
  const series = findItem(context, param(context, p.kind === "jellyfin" ? "seriesid" : "id"));
  const user = optionalUser(context, context.query.get("userId"));
  const seasonId = context.query.get("seasonId");
  const season = context.query.int("season");
  const seasons = context.store.children.get(series.id) ?? [];
  const within = seasons
    .filter((s) => (seasonId ? s.id === parseId(context, "seasonId", seasonId) : true))
    .flatMap((s) => context.store.children.get(s.id) ?? [])
    .filter((e) => e.type === "Episode" && (season === undefined || e.parentIndexNumber === season));
  return ok(runItemQuery(context, { user, within }));
}

function seasons(context: RouteContext) {
  const p = context.personality;
  const series = findItem(context, param(context, p.kind === "jellyfin" ? "seriesid" : "id"));
  const user = optionalUser(context, context.query.get("userId"));
  const within = (context.store.children.get(series.id) ?? []).filter((s) => s.type === "Season");
  return ok(runItemQuery(context, { user, within }));
}

function virtualFolders(context: RouteContext) {
  return context.store.libraries.map((library) => {
    const folder: Record<string, unknown> = {
      Name: library.name,
      Locations: library.locations ?? [],
      CollectionType: library.collectionType,
      ItemId: library.id,
    };
    if (context.personality.kind === "jellyfin") folder.RefreshStatus = "Idle";
    else folder.Id = library.id;
    return folder;
  });
}

function views(context: RouteContext, userId: string | undefined) {
  const user = optionalUser(context, userId);
  const options = dtoOptions(context, user);
  const items = context.store.libraries.map((library) =>
    itemDto(context.personality, context.store, library, options),
  );
  return ok({ Items: items, TotalRecordCount: items.length, StartIndex: 0 });
}

function deleteItem(context: RouteContext) {
  const p = context.personality;
  const item = findItem(context, param(context, p.kind === "jellyfin" ? "itemid" : "id"));
  for (const child of context.store.children.get(item.id) ?? []) context.store.removeItem(child);
  context.store.removeItem(item);
  return noContent();
}

export function itemRoutes(p: Personality): Route[] {
  const jf = p.kind === "jellyfin";
  const modern = jf && p.atLeast("10.9");
  const userQuery = (c: RouteContext) => c.query.get("userId");
  const items = (c: RouteContext, userId: string | undefined) =>
    ok(runItemQuery(c, { user: optionalUser(c, userId) }));
  const routes: Route[] = [
    { method: "GET", path: "/Items", auth: "user", handler: (c) => items(c, userQuery(c)) },
    {
      method: "GET",
      path: jf ? "/Users/{userId}/Items" : "/Users/{UserId}/Items",
      ...(modern ? { operation: "GET /Items", hidden: true } : {}),
      auth: "user",
      handler: (c) => items(c, c.params.userid),
    },
    {
      method: "GET",
      path: jf ? "/Users/{userId}/Items/{itemId}" : "/Users/{UserId}/Items/{Id}",
      ...(modern ? { operation: "GET /Items/{itemId}", hidden: true } : {}),
      auth: "user",
      handler: (c) => getItem(c, c.params.userid),
    },
    { method: "DELETE", path: jf ? "/Items/{itemId}" : "/Items/{Id}", auth: "admin", handler: deleteItem },
    {
      method: "GET",
      path: jf ? "/Shows/{seriesId}/Episodes" : "/Shows/{Id}/Episodes",
      auth: "user",
      handler: episodes,
    },
    {
      method: "GET",
      path: jf ? "/Shows/{seriesId}/Seasons" : "/Shows/{Id}/Seasons",
      auth: "user",
      handler: seasons,
    },
    {
      method: "GET",
      path: jf ? "/Users/{userId}/Views" : "/Users/{UserId}/Views",
      ...(modern ? { operation: "GET /UserViews", hidden: true } : {}),
      auth: "user",
      handler: (c) => views(c, c.params.userid),
    },
  ];
  if (modern) {
    routes.push(
      { method: "GET", path: "/Items/{itemId}", auth: "user", handler: (c) => getItem(c, userQuery(c)) },
      { method: "GET", path: "/UserViews", auth: "user", handler: (c) => views(c, userQuery(c)) },
    );
  }
  if (jf) {
    routes.push({
      method: "GET",
      path: "/Library/VirtualFolders",
      auth: "admin",
      handler: (c) => ok(virtualFolders(c)),
    });
  } else {
    routes.push(
      {
        method: "GET",
        path: "/Library/VirtualFolders/Query",
        auth: "admin",
        handler: (c) => {
          const folders = virtualFolders(c);
          return ok({ Items: folders, TotalRecordCount: folders.length });
        },
      },
      {
        // Undocumented in the 4.7–4.9 specs but answered by real servers (target-apis §4.1).
        method: "GET",
        path: "/Library/VirtualFolders",
        operation: "GET /Library/VirtualFolders/Query",
        hidden: true,
        responseSchema: { type: "array", items: { $ref: "#/components/schemas/VirtualFolderInfo" } },
        auth: "admin",
        handler: (c) => ok(virtualFolders(c)),
      },
    );
  }
  return routes;
}
