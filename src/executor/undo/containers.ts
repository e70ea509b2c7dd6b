import {
  type Container,
  type ContainerApi,
  collectionApi,
  type Member,
  playlistApi,
} from "../actions/containers.js";
import type { RunContext, Undo } from "../context.js";
import type { JournalRow } from "../journal/index.js";

interface ContainerWanted {
  create?: boolean;
  title?: string;
  itemIds?: string[];
  add?: string[];
}

/**
 * Rollback of a playlist or collection action: a container the migration created is
 * deleted (unless it now holds items the migration never put there: then it is a conflict
 * and stays); entries or members added to an existing one are removed by their ids.
 */
export async function restoreContainer(row: JournalRow, ctx: RunContext): Promise<Undo> {
  const isPlaylist = row.type === "create-playlist" || row.type === "add-playlist-entries";
  if (isPlaylist && row.userId === null) return { kind: "already" };
  const api: ContainerApi = isPlaylist ? playlistApi(ctx.adapter, row.userId!) : collectionApi(ctx.adapter);
  const wanted = (row.wanted ?? {}) as ContainerWanted;
  const list = await ctx.lookup(() => api.list());
  const byTitle = () => {
    const same = list.filter((c) => c.title === row.title);
    return same.length === 1 ? same[0] : undefined;
  };

  let ownId = row.created.playlistId ?? row.created.collectionId;
  // A creation whose confirmation was lost is recognised by its title, as apply does.
  if (ownId === undefined && row.status === "prior-recorded" && wanted.create === true) ownId = byTitle()?.id;
  if (ownId !== undefined) {
    const own = list.find((c) => c.id === ownId);
    if (own === undefined) return { kind: "already" };
    return deleteOwn(row, own, wanted, api, ctx);
  }

  const targetId = row.created.addedTo ?? (row.type.startsWith("add-") ? row.itemId : byTitle()?.id);
  const container = list.find((c) => c.id === targetId);
  if (container === undefined) return { kind: "already" };
  const added = new Set(row.created.entryIds ?? row.created.memberIds ?? []);
  // An append whose confirmation was lost: what appeared since the recorded prior is ours.
  if (row.status === "prior-recorded" && Array.isArray(row.prior) && wanted.add !== undefined) {
    const before = new Set((row.prior as Member[]).map((m) => m.entryId));
    const ours = new Set(wanted.add);
    for (const m of container.members) if (!before.has(m.entryId) && ours.has(m.itemId)) added.add(m.entryId);
  }
  const present = container.members.filter((m) => added.has(m.entryId)).map((m) => m.entryId);
  if (present.length === 0) return { kind: "already" };
  await ctx.undoWrite(() => api.remove(container.id, present));
  return { kind: "restored" };
}

async function deleteOwn(
  row: JournalRow,
  own: Container,
  wanted: ContainerWanted,
  api: ContainerApi,
  ctx: RunContext,
): Promise<Undo> {
  const result = row.result as { itemIds?: string[] } | null;
  const ours = new Set([...(wanted.itemIds ?? []), ...(wanted.add ?? []), ...(result?.itemIds ?? [])]);
  const foreign = own.members.filter((m) => !ours.has(m.itemId));
  if (foreign.length > 0) {
    return {
      kind: "conflict",
      reason: `the ${api.noun} now holds ${foreign.length} item(s) the migration did not add; left as it is`,
    };
  }
  await ctx.undoWrite(() => api.delete(own.id));
  return { kind: "restored" };
}
