import { badRequest, forbidden, invalid, notFound } from "../http-error.js";
import { EMPTY_GUID, parseGuid } from "../ids.js";
import type { RouteContext } from "../personality.js";
import type { StoredItem, StoredUser } from "../store.js";

/** An id from the route or query as the server binds it: Jellyfin Guid.Parse, Emby as given. */
export function parseId(context: RouteContext, name: string, value: string): string {
  if (context.personality.kind === "emby") return value;
  const guid = parseGuid(value);
  if (guid === null) throw invalid(name, `The value '${value}' is not valid.`);
  return guid;
}

/** An id list from the query (comma-joined or repeated), else from a body array. */
export function idList(context: RouteContext, name: string, fromBody?: unknown): string[] {
  const fromQuery = context.query.list(name);
  const raw = fromQuery.length > 0 ? fromQuery : Array.isArray(fromBody) ? fromBody.map(String) : [];
  return raw.map((id) => parseId(context, name, id));
}

export function param(context: RouteContext, name: string): string {
  const value = context.params[name];
  if (value === undefined) throw new Error(`route has no {${name}}`);
  return parseId(context, name, value);
}

export function findItem(context: RouteContext, id: string): StoredItem {
  const item = context.store.items.get(id);
  if (!item) throw notFound();
  return item;
}

/**
 * The user a per-user call acts on: the explicit id (path or `userId` query) or else the
 * caller's own. Unknown → 404; a non-admin acting on someone else → 403; an API key with no
 * user id → `whenNoUser` (Jellyfin's GetUserById(Guid.Empty) failing).
 */
export function actingUser(
  context: RouteContext,
  explicit: string | undefined,
  whenNoUser: "bad-request" | "not-found" = "not-found",
): StoredUser {
  const caller = context.caller;
  const id =
    explicit === undefined || explicit === ""
      ? (caller?.userId ?? null)
      : parseId(context, "userId", explicit);
  if (id === null || id === EMPTY_GUID) {
    if (whenNoUser === "bad-request") throw badRequest("User not found");
    throw notFound();
  }
  const user = context.store.userById(id);
  if (!user) throw notFound();
  if (caller && !caller.isAdmin && caller.userId !== user.id) throw forbidden();
  return user;
}

/** The optional user of a query (`userId`/`UserId`), or the caller's own; null for an API key without one. */
export function optionalUser(context: RouteContext, explicit: string | undefined): StoredUser | null {
  if (explicit === undefined || explicit === "") {
    const id = context.caller?.userId;
    return id ? (context.store.userById(id) ?? null) : null;
  }
  return actingUser(context, explicit);
}

export const ok = (json: unknown) => ({ status: 200, json });
export const noContent = () => ({ status: 204 });
