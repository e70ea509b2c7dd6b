import { itemDto } from "../dto.js";
import { badRequest, forbidden, notFound, notFoundText, serverError } from "../http-error.js";
import { jellyfinAtLeast, type Personality, type Route, type RouteContext } from "../personality.js";
import type { StoredItem, StoredUser } from "../store.js";
import { actingUser, idList, noContent, ok, optionalUser, param, parseId } from "./common.js";
import { dtoOptions, playlistVisible } from "./items-query.js";

/**
 * Playlists per target-apis §6 and §12.6: ownership/visibility by version, dedupe on add (kept
 * duplicates on 12), caller-identity routes.
 */

function field(body: unknown, name: string): unknown {
  if (!body || typeof body !== "object") return undefined;
  for (const [key, value] of Object.entries(body)) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

function playlistOf(context: RouteContext): StoredItem {
  const id = param(context, context.personality.kind === "jellyfin" ? "playlistid" : "id");
  const item = context.store.items.get(id);
  if (!item?.playlist)
    throw context.personality.kind === "jellyfin" ? notFoundText("Playlist not found") : notFound();
  return item;
}

/** Routes that use only the caller's identity: an API key is "user Guid.Empty" → 400 (jellyfin#15600). */
function callerUser(context: RouteContext): StoredUser {
  const id = context.caller?.userId;
  const user = id ? context.store.userById(id) : undefined;
  if (!user) throw badRequest("User not found");
  return user;
}

function canEdit(playlist: StoredItem, user: StoredUser): boolean {
  const state = playlist.playlist!;
  return state.ownerId === user.id || state.shares.some((s) => s.userId === user.id && s.canEdit);
}

function createJellyfin(context: RouteContext) {
  const p = context.personality;
  const body = context.body;
  const name = context.query.get("name") ?? field(body, "Name");
  const userIdRaw = context.query.get("userId") ?? (field(body, "UserId") as string | undefined);
  const ids = idList(context, "ids", field(body, "Ids"));
  const mediaTypeRaw = context.query.get("mediaType") ?? (field(body, "MediaType") as string | undefined);
  let owner: StoredUser | null;
  if (p.atLeast("10.9")) owner = actingUser(context, userIdRaw, "bad-request");
  else owner = userIdRaw || context.caller?.userId ? actingUser(context, userIdRaw) : null;
  for (const id of ids) {
    if (!context.store.items.has(id) && !mediaTypeRaw) throw badRequest(`Item with id ${id} not found`);
  }
  const mediaType = mediaTypeRaw === "Audio" || mediaTypeRaw === "Video" ? mediaTypeRaw : undefined;
  // CreatePlaylistDto.IsPublic is initialised to true (10.9–12): a JSON body that leaves it out
  // makes an open playlist; only the body-less query form makes a private one (§6.2, §12.6).
  const isPublic = p.atLeast("10.9") && body !== undefined && field(body, "IsPublic") !== false;
  const playlist = context.store.createPlaylist(
    String(name ?? "New Playlist"),
    owner?.id ?? null,
    [],
    isPublic,
    mediaType ?? inferType(context, ids),
  );
  const shares = field(body, "Users");
  if (p.atLeast("10.9") && Array.isArray(shares)) {
    for (const share of shares) {
      const userId = field(share, "UserId");
      if (typeof userId === "string" && userId !== owner?.id) {
        playlist.playlist!.shares.push({
          userId: parseId(context, "UserId", userId),
          canEdit: field(share, "CanEdit") === true,
        });
      }
    }
  }
  addEntries(context, playlist, ids);
  return ok({ Id: playlist.id });
}

function inferType(context: RouteContext, ids: string[]): "Audio" | "Video" | undefined {
  for (const id of ids) {
    const item = context.store.items.get(id);
    if (!item) continue;
    if (item.mediaType === "Audio" || item.mediaType === "Video") return item.mediaType;
    if (item.type === "MusicAlbum" || item.type === "MusicArtist") return "Audio";
    if (item.isFolder) return "Video";
  }
  return undefined;
}

/**
 * Expands folders to their playable children; 10.8 drops items of another media type.
 * `position` (Jellyfin 12) inserts there instead of appending.
 */
function addEntries(context: RouteContext, playlist: StoredItem, ids: string[], position?: number): number {
  const p = context.personality;
  const leaves: string[] = [];
  const expand = (item: StoredItem) => {
    if (!item.isFolder) leaves.push(item.id);
    else for (const child of context.store.children.get(item.id) ?? []) expand(child);
  };
  for (const id of ids) {
    const item = context.store.items.get(id);
    // Observed on 12.0.0: an unknown id is skipped, the request still answers 204.
    if (!item && jellyfinAtLeast(p, "12.0")) continue;
    if (!item) throw badRequest(`Item with id ${id} not found`);
    expand(item);
  }
  const mediaType = playlist.playlist!.mediaType;
  const kept =
    p.kind === "jellyfin" && !p.atLeast("10.9")
      ? leaves.filter((id) => context.store.items.get(id)!.mediaType === mediaType)
      : leaves;
  return context.store.addToPlaylist(playlist, kept, position);
}

function addJellyfin(context: RouteContext) {
  const playlist = playlistOf(context);
  const userIdRaw = context.query.get("userId");
  const user = userIdRaw || context.caller?.userId ? actingUser(context, userIdRaw) : null;
  if (user && context.personality.atLeast("10.9")) {
    // GetPlaylistForUser finds nothing: NotFound("Playlist not found") (observed on 12.0.0).
    if (!playlistVisible(context, playlist, user))
      throw jellyfinAtLeast(context.personality, "12.0") ? notFoundText("Playlist not found") : notFound();
    if (!canEdit(playlist, user)) throw forbidden();
  }
  // `position` is new in 12.0; earlier servers ignore the parameter.
  const position = jellyfinAtLeast(context.personality, "12.0") ? context.query.int("position") : undefined;
  addEntries(context, playlist, idList(context, "ids"), position);
  return noContent();
}

function listEntries(context: RouteContext) {
  const p = context.personality;
  const playlist = playlistOf(context);
  const user = optionalUser(context, context.query.get("userId"));
  if (user && !playlistVisible(context, playlist, user)) throw notFound();
  const entries = playlist.playlist!.entries;
  const start = context.query.int("startIndex") ?? 0;
  const limit = context.query.int("limit");
  const page = entries.slice(start, limit === undefined ? undefined : start + limit);
  const options = dtoOptions(context, user);
  const items = page.flatMap((entry) => {
    const item = context.store.items.get(entry.itemId);
    return item ? [itemDto(p, context.store, item, { ...options, playlistItemId: entry.entryId })] : [];
  });
  const result: Record<string, unknown> = { Items: items, TotalRecordCount: entries.length };
  if (p.kind === "jellyfin") result.StartIndex = start;
  return ok(result);
}

function removeEntries(context: RouteContext) {
  const p = context.personality;
  const playlist = playlistOf(context);
  if (p.kind === "jellyfin" && p.atLeast("10.9")) {
    if (!(p.atLeast("10.11") && context.caller?.isApiKey)) {
      const user = callerUser(context);
      if (!canEdit(playlist, user)) throw forbidden();
    }
  }
  const entryIds = new Set(
    context.query
      .list("entryIds")
      .map((id) => (p.kind === "jellyfin" ? parseId(context, "entryIds", id) : id)),
  );
  const state = playlist.playlist!;
  state.entries = state.entries.filter((entry) => !entryIds.has(entry.entryId));
  return noContent();
}

function playlistDto(context: RouteContext) {
  const playlist = playlistOf(context);
  const user = callerUser(context);
  if (!playlistVisible(context, playlist, user)) throw notFoundText("Playlist not found");
  const state = playlist.playlist!;
  return ok({
    OpenAccess: state.isPublic,
    Shares: state.shares.map((s) => ({ UserId: s.userId, CanEdit: s.canEdit })),
    ItemIds: state.entries.map((e) => e.itemId),
  });
}

function updatePlaylist(context: RouteContext) {
  const playlist = playlistOf(context);
  const user = callerUser(context);
  if (!canEdit(playlist, user)) throw forbidden();
  const name = field(context.body, "Name");
  if (typeof name === "string") playlist.name = name;
  const isPublic = field(context.body, "IsPublic");
  if (typeof isPublic === "boolean") playlist.playlist!.isPublic = isPublic;
  const ids = field(context.body, "Ids");
  if (Array.isArray(ids)) {
    playlist.playlist!.entries = [];
    addEntries(
      context,
      playlist,
      ids.map((id) => parseId(context, "Ids", String(id))),
    );
  }
  return noContent();
}

function createEmby(context: RouteContext) {
  // Emby 4.9 answered 500 to JSON-body creates (Nezreka/SoulSync#71): query parameters only.
  if (context.rawBody.trim() !== "" && context.contentType.includes("json"))
    throw serverError("Object reference not set to an instance of an object.");
  const name = context.query.get("Name") ?? "New Playlist";
  const ids = idList(context, "Ids");
  const userIdRaw = context.query.get("UserId");
  const owner = userIdRaw || context.caller?.userId ? actingUser(context, userIdRaw) : null;
  const mediaTypeRaw = context.query.get("MediaType");
  const mediaType =
    mediaTypeRaw === "Audio" || mediaTypeRaw === "Video" ? mediaTypeRaw : inferType(context, ids);
  const playlist = context.store.createPlaylist(name, owner?.id ?? null, [], false, mediaType);
  const added = addEntries(context, playlist, ids);
  return ok({ Id: playlist.id, Name: playlist.name, ItemAddedCount: added });
}

function addEmby(context: RouteContext) {
  const p = context.personality;
  const playlist = playlistOf(context);
  const userIdRaw = context.query.get("UserId");
  const user = userIdRaw || context.caller?.userId ? actingUser(context, userIdRaw) : null;
  if (user && p.atLeast("4.8") && !canEdit(playlist, user)) throw forbidden();
  const added = addEntries(context, playlist, idList(context, "Ids"));
  return p.atLeast("4.8") ? ok({ Id: playlist.id, ItemAddedCount: added }) : noContent();
}

export function playlistRoutes(p: Personality): Route[] {
  if (p.kind === "emby") {
    return [
      // EmbySDK-docs Playlists.html documents `UserId` (the spec omits it): the owner.
      { method: "POST", path: "/Playlists", auth: "user", extraParams: ["UserId"], handler: createEmby },
      { method: "POST", path: "/Playlists/{Id}/Items", auth: "user", handler: addEmby },
      { method: "GET", path: "/Playlists/{Id}/Items", auth: "user", handler: listEntries },
      { method: "DELETE", path: "/Playlists/{Id}/Items", auth: "user", handler: removeEntries },
    ];
  }
  const routes: Route[] = [
    { method: "POST", path: "/Playlists", auth: "user", handler: createJellyfin },
    { method: "POST", path: "/Playlists/{playlistId}/Items", auth: "user", handler: addJellyfin },
    { method: "GET", path: "/Playlists/{playlistId}/Items", auth: "user", handler: listEntries },
    { method: "DELETE", path: "/Playlists/{playlistId}/Items", auth: "user", handler: removeEntries },
  ];
  if (p.atLeast("10.9")) {
    routes.push(
      { method: "POST", path: "/Playlists/{playlistId}", auth: "user", handler: updatePlaylist },
      {
        method: "GET",
        path: "/Playlists/{playlistId}/Users",
        auth: "user",
        handler: (c) => {
          const playlist = playlistOf(c);
          const user = callerUser(c);
          if (!playlistVisible(c, playlist, user)) throw notFoundText("Playlist not found");
          return ok(playlist.playlist!.shares.map((s) => ({ UserId: s.userId, CanEdit: s.canEdit })));
        },
      },
    );
  }
  if (p.atLeast("10.10"))
    routes.push({ method: "GET", path: "/Playlists/{playlistId}", auth: "user", handler: playlistDto });
  return routes;
}
