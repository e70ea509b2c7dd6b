import { HttpError, invalid, serverError } from "../http-error.js";
import type { Personality, Route, RouteContext } from "../personality.js";
import type { StoredItem, StoredUser, UserData } from "../store.js";
import {
  markPlayed,
  markUnplayed,
  mergeUserData,
  parseDatePlayed,
  setLikes,
  shownData,
  userDataDto,
} from "../userdata.js";
import { actingUser, findItem, ok, param } from "./common.js";

type Change = (data: UserData, context: RouteContext) => UserData;

/**
 * Runs one user-data change. `legacy10_8`: Jellyfin 10.8's played/favorite/rating handlers
 * dereference a missing item → 500 instead of 404 (target-apis §5.2).
 */
function apply(
  context: RouteContext,
  userId: string | undefined,
  change: Change,
  emptyBody = false,
  recursive = false,
) {
  const p = context.personality;
  const user: StoredUser = actingUser(context, userId);
  let item: StoredItem;
  try {
    item = findItem(
      context,
      param(context, p.kind === "jellyfin" ? "itemid" : context.params.itemid ? "itemid" : "id"),
    );
  } catch (error) {
    if (
      p.kind === "jellyfin" &&
      !p.atLeast("10.9") &&
      error instanceof HttpError &&
      error.failure === "not-found"
    ) {
      throw serverError();
    }
    throw error;
  }
  // Marking a Series/Season/album played or unplayed marks every playable item under it.
  if (recursive && item.isFolder) {
    for (const leaf of context.store.leavesUnder(item)) {
      context.store.setData(user.id, leaf, change(context.store.getData(user.id, leaf), context));
    }
  }
  const current = context.store.getData(user.id, item);
  const next = change(current, context);
  context.store.setData(user.id, item, next);
  // Jellyfin logs the caller's session as the user these two routes name (notifier.ts).
  if (change === played || change === unplayed) context.notifier?.bind(context.authClient, user.id);
  // A read (the GET routes give the value back as it is) saves nothing.
  if (next !== current) context.notifier?.saved(user.id);
  if (emptyBody) return { status: 200 };
  const shown = shownData(p, context.store, user.id, item);
  return ok(userDataDto(p, item, shown, context.store.dataKey(item, context.store)));
}

const played: Change = (data, context) => {
  const date = parseDatePlayed(context.query.get("datePlayed"));
  if (date === "invalid")
    throw invalid("datePlayed", `The value '${context.query.get("datePlayed")}' is not valid.`);
  return markPlayed(context.personality, data, date, context.now());
};
const unplayed: Change = (data) => markUnplayed(data);
const favorite: Change = (data) => ({ ...data, isFavorite: true });
const unfavorite: Change = (data) => ({ ...data, isFavorite: false });
const like: Change = (data, context) => {
  const likes = context.query.bool("likes");
  if (likes === undefined) throw invalid("likes", "The likes field is required.");
  return setLikes(data, likes);
};
const unlike: Change = (data) => setLikes(data, null);
const update: Change = (data, context) => {
  if (!context.body || typeof context.body !== "object" || Array.isArray(context.body)) {
    throw invalid("", "A non-empty request body is required.");
  }
  return mergeUserData(data, context.body as Record<string, unknown>);
};

export function userDataRoutes(p: Personality): Route[] {
  const jf = p.kind === "jellyfin";
  const modern = jf && p.atLeast("10.9");
  const u = jf ? "{userId}" : "{UserId}";
  const i = jf ? "{itemId}" : "{Id}";
  const recursive = (change: Change) => change === played || change === unplayed;
  const legacy = (method: "POST" | "DELETE", path: string, operation: string, change: Change): Route => ({
    method,
    path,
    ...(modern ? { operation, hidden: true } : {}),
    auth: "user",
    handler: (c) => apply(c, c.params.userid, change, false, recursive(change)),
  });
  const routes: Route[] = [
    legacy("POST", `/Users/${u}/PlayedItems/${i}`, "POST /UserPlayedItems/{itemId}", played),
    legacy("DELETE", `/Users/${u}/PlayedItems/${i}`, "DELETE /UserPlayedItems/{itemId}", unplayed),
    legacy("POST", `/Users/${u}/FavoriteItems/${i}`, "POST /UserFavoriteItems/{itemId}", favorite),
    legacy("DELETE", `/Users/${u}/FavoriteItems/${i}`, "DELETE /UserFavoriteItems/{itemId}", unfavorite),
    legacy("POST", `/Users/${u}/Items/${i}/Rating`, "POST /UserItems/{itemId}/Rating", like),
    legacy("DELETE", `/Users/${u}/Items/${i}/Rating`, "DELETE /UserItems/{itemId}/Rating", unlike),
  ];
  if (modern) {
    const byQuery = (method: "POST" | "DELETE" | "GET", path: string, change: Change): Route => ({
      method,
      path,
      auth: "user",
      handler: (c) => apply(c, c.query.get("userId"), change, false, recursive(change)),
    });
    routes.push(
      byQuery("POST", "/UserPlayedItems/{itemId}", played),
      byQuery("DELETE", "/UserPlayedItems/{itemId}", unplayed),
      byQuery("POST", "/UserFavoriteItems/{itemId}", favorite),
      byQuery("DELETE", "/UserFavoriteItems/{itemId}", unfavorite),
      byQuery("POST", "/UserItems/{itemId}/Rating", like),
      byQuery("DELETE", "/UserItems/{itemId}/Rating", unlike),
      byQuery("GET", "/UserItems/{itemId}/UserData", (data) => data),
      byQuery("POST", "/UserItems/{itemId}/UserData", update),
      {
        method: "POST",
        path: "/Users/{userId}/Items/{itemId}/UserData",
        operation: "POST /UserItems/{itemId}/UserData",
        hidden: true,
        auth: "user",
        handler: (c) => apply(c, c.params.userid, update),
      },
      {
        method: "GET",
        path: "/Users/{userId}/Items/{itemId}/UserData",
        operation: "GET /UserItems/{itemId}/UserData",
        hidden: true,
        auth: "user",
        handler: (c) => apply(c, c.params.userid, (data) => data),
      },
    );
  }
  if (!jf) {
    routes.push({
      // The spec documents "200, empty response"; what Emby really returns is [UNCERTAIN], so the
      // sandbox sends nothing and clients must read the state back.
      method: "POST",
      path: "/Users/{UserId}/Items/{ItemId}/UserData",
      auth: "user",
      handler: (c) => apply(c, c.params.userid, update, true),
    });
  }
  return routes;
}
