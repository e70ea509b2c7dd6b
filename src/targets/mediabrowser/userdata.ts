import { ServiceError } from "../../http/errors.js";
import { EMPTY_USER_DATA, type TargetUserData, TargetUserDataSchema } from "../../model/index.js";
import type { Progress } from "../../progress.js";
import type { UserDataChange, UserDataSent } from "../types.js";
import { batches, checkId, fetchAll, listing, mapLimit, type Wire } from "./context.js";
import { INDEXED_TYPES, ItemWire, msToTicks, toUserData, UserDataWire } from "./schema.js";

/** A write's answer: the stored state, or nothing. Built once: a zod schema is costly to make. */
const WriteAnswer = UserDataWire.nullish();

/** User data of many items, read in id batches through the list route (field gating applied). */
export async function readUserData(
  wire: Wire,
  userId: string,
  itemIds: readonly string[],
  progress?: Progress,
): Promise<Map<string, TargetUserData>> {
  checkId(wire, userId, "user");
  const wanted = new Set(itemIds);
  const out = new Map<string, TargetUserData>();
  for (const id of wanted) out.set(id, { ...EMPTY_USER_DATA });
  const task = progress?.task("reading target user data", wanted.size);
  const groups = batches([...wanted]);
  const { dialect } = wire;
  await mapLimit(groups, wire.concurrency, async (ids) => {
    const fields = dialect.userDataFields.length > 0 ? dialect.userDataFields : undefined;
    const items = await fetchAll(
      wire,
      dialect.items(userId),
      listing(wire, INDEXED_TYPES, { ids, enableUserData: true, fields }),
      ItemWire,
      undefined,
      ids.length,
    );
    for (const item of items) if (wanted.has(item.Id)) out.set(item.Id, toUserData(item.UserData));
    task?.tick(ids.length);
  });
  task?.finish();
  return out;
}

export async function getUserData(wire: Wire, userId: string, itemId: string): Promise<TargetUserData> {
  checkId(wire, userId, "user");
  checkId(wire, itemId, "item");
  const route = wire.dialect.userData(userId, itemId);
  if (route.answer === "userData") {
    return toUserData(await wire.http.get(route.path, { query: route.query, schema: UserDataWire }));
  }
  const item = await wire.http.get(route.path, { query: route.query, schema: ItemWire });
  return toUserData(item.UserData);
}

/**
 * One absolute write from a fresh read (the caller's, when it just made one), read back: the
 * stored state comes from the write's answer where the server documents one, else from a read.
 */
export async function setUserData(
  wire: Wire,
  userId: string,
  itemId: string,
  change: UserDataChange,
  fresh?: TargetUserData,
): Promise<TargetUserData> {
  const sent = await sendUserData(wire, userId, itemId, change, fresh);
  return sent.stored ?? sent.confirm(await getUserData(wire, userId, itemId));
}

/**
 * One absolute write, without a read-back where the answer does not tell the stored state: the
 * caller reads the item (any read, a batch of many) and hands it to `confirm`. Clearing a
 * date or a rating takes the dedicated DELETE routes, because the write body treats null as
 * "leave alone" (Jellyfin) or is [UNCERTAIN] (Emby). Emby gets the full intended object so a
 * replace-style server cannot lose fields; Jellyfin, a documented partial merge, gets only
 * what changes. Either way the stored state must equal what was asked: a mismatch is an error.
 */
export async function sendUserData(
  wire: Wire,
  userId: string,
  itemId: string,
  change: UserDataChange,
  fresh?: TargetUserData,
): Promise<UserDataSent> {
  const { dialect, http } = wire;
  const route = dialect.userDataWrite(userId, itemId);
  if (route === null) {
    throw new ServiceError("failed", `${dialect.kind} ${dialect.version} has no absolute user-data write`, {
      hint: dialect.hints.noUserDataWrite,
    });
  }
  const current = fresh ?? (await getUserData(wire, userId, itemId));
  const given = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  const intended = TargetUserDataSchema.parse({ ...current, ...given });

  let send: Partial<TargetUserData> = dialect.fullUserDataWrites ? intended : given;
  const cleared: (keyof TargetUserData)[] = [];
  if (intended.lastPlayedAt === null && current.lastPlayedAt !== null) {
    cleared.push("lastPlayedAt");
    // Marking unplayed is the only way to clear the date; it also zeroes count and position.
    const played = dialect.played(userId, itemId);
    await http.delete(played.path, { query: played.query });
    send = {
      ...send,
      played: intended.played,
      playCount: intended.playCount,
      positionMs: intended.positionMs,
    };
  }
  if (intended.rating === null && current.rating !== null) {
    cleared.push("rating");
    const rating = dialect.rating(userId, itemId);
    await http.delete(rating.path, { query: rating.query });
  }
  const body = toBody(wire, send);
  // Only what was written is checked: a field left alone may change beside the write — Jellyfin
  // 12 shows a series as played once its last episode is (observed on 12.0.0), and plexodus
  // may be writing that episode at the same moment.
  const checked = new Set([...keysOf(send), ...cleared]);
  const confirm = (stored: TargetUserData): TargetUserData => {
    const differences = compare(intended, stored, checked);
    if (differences.length > 0) {
      throw new ServiceError(
        "failed",
        `${http.serverUrl} did not store the user data of item ${itemId} for user ${userId} as asked: ${differences.join("; ")}`,
        {
          hint: "The server's user-data semantics differ from what plexodus expects; report this with the server version.",
        },
      );
    }
    return stored;
  };
  if (Object.keys(body).length > 0) {
    // Where the write answers the stored state, that answer is the read-back: one request per change.
    const answer = await http.post(route.path, {
      query: route.query,
      body,
      ...(dialect.userDataWriteAnswers ? { schema: WriteAnswer } : {}),
    });
    if (answer) return { stored: confirm(toUserData(answer)) };
  }
  return { confirm };
}

function toBody(wire: Wire, fields: Partial<TargetUserData>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (fields.played !== undefined) body.Played = fields.played;
  if (fields.playCount !== undefined) body.PlayCount = fields.playCount;
  if (fields.lastPlayedAt) body.LastPlayedDate = wire.dialect.writeDate(fields.lastPlayedAt);
  if (fields.positionMs !== undefined) body.PlaybackPositionTicks = msToTicks(fields.positionMs);
  if (fields.rating !== undefined && fields.rating !== null) body.Rating = fields.rating;
  if (fields.isFavorite !== undefined) body.IsFavorite = fields.isFavorite;
  return body;
}

function keysOf(fields: Partial<TargetUserData>): (keyof TargetUserData)[] {
  return (Object.keys(fields) as (keyof TargetUserData)[]).filter((key) => fields[key] !== undefined);
}

/**
 * Differences that matter among `fields` (all when not given), described; dates to the second
 * (servers may drop milliseconds).
 */
export function compare(
  asked: TargetUserData,
  got: TargetUserData,
  fields?: ReadonlySet<keyof TargetUserData>,
): string[] {
  const out: string[] = [];
  const say = (field: keyof TargetUserData, a: unknown, b: unknown) => {
    if (!fields || fields.has(field)) out.push(`${field} asked ${a}, stored ${b}`);
  };
  if (asked.played !== got.played) say("played", asked.played, got.played);
  if (asked.playCount !== got.playCount) say("playCount", asked.playCount, got.playCount);
  if (msToTicks(asked.positionMs) !== msToTicks(got.positionMs))
    say("positionMs", asked.positionMs, got.positionMs);
  if (asked.isFavorite !== got.isFavorite) say("isFavorite", asked.isFavorite, got.isFavorite);
  const askedDate = asked.lastPlayedAt?.getTime() ?? null;
  const gotDate = got.lastPlayedAt?.getTime() ?? null;
  if ((askedDate === null) !== (gotDate === null) || Math.abs((askedDate ?? 0) - (gotDate ?? 0)) >= 1000) {
    say("lastPlayedAt", asked.lastPlayedAt?.toISOString() ?? null, got.lastPlayedAt?.toISOString() ?? null);
  }
  const askedRating = asked.rating;
  const gotRating = got.rating;
  if (
    (askedRating === null) !== (gotRating === null) ||
    Math.abs((askedRating ?? 0) - (gotRating ?? 0)) > 1e-6
  ) {
    say("rating", askedRating, gotRating);
  }
  return out;
}
