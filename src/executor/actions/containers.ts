import type { TargetAdapter } from "../../targets/types.js";
import { type Outcome, type RunContext, unique } from "../context.js";
import type { Created } from "../journal/index.js";

/**
 * Playlists and collections behave alike here: a titled container of items that the
 * migration creates or appends to. Collections have no entry ids; a member's item id
 * stands in for it.
 */
export interface Member {
  itemId: string;
  entryId: string;
}
export interface Container {
  id: string;
  title: string;
  members: Member[];
}

export interface ContainerApi {
  noun: "playlist" | "collection";
  list(): Promise<Container[]>;
  create(title: string, itemIds: readonly string[]): Promise<Container>;
  add(id: string, itemIds: readonly string[]): Promise<void>;
  /** Removes entries (playlists) or members (collections: entry id = item id). */
  remove(id: string, entryIds: readonly string[]): Promise<void>;
  delete(id: string): Promise<void>;
  /** How the journal names what this container kind created or added. */
  created(id: string): Created;
  added(id: string, entryIds: string[]): Created;
}

export function playlistApi(adapter: TargetAdapter, userId: string): ContainerApi {
  return {
    noun: "playlist",
    list: async () =>
      (await adapter.listPlaylists(userId)).map((p) => ({ id: p.id, title: p.title, members: p.entries })),
    create: async (title, itemIds) => {
      const p = await adapter.createPlaylist(userId, title, itemIds);
      return { id: p.id, title: p.title, members: p.entries };
    },
    add: (id, itemIds) => adapter.addToPlaylist(userId, id, itemIds),
    remove: (id, entryIds) => adapter.removeFromPlaylist(userId, id, entryIds),
    delete: (id) => adapter.deletePlaylist(userId, id),
    created: (id) => ({ playlistId: id }),
    added: (id, entryIds) => ({ addedTo: id, entryIds }),
  };
}

export function collectionApi(adapter: TargetAdapter): ContainerApi {
  const toContainer = (c: { id: string; title: string; memberIds: string[] }): Container => ({
    id: c.id,
    title: c.title,
    members: c.memberIds.map((itemId) => ({ itemId, entryId: itemId })),
  });
  return {
    noun: "collection",
    list: async () => (await adapter.listCollections()).map(toContainer),
    create: async (title, itemIds) => toContainer(await adapter.createCollection(title, itemIds)),
    add: (id, itemIds) => adapter.addToCollection(id, itemIds),
    remove: (id, itemIds) => adapter.removeFromCollection(id, itemIds),
    delete: (id) => adapter.deleteCollection(id),
    created: (id) => ({ collectionId: id }),
    added: (id, memberIds) => ({ addedTo: id, memberIds }),
  };
}

interface ContainerAction {
  key: string;
  title: string;
  itemIds: string[];
}

const summary = (c: Container) => ({ id: c.id, title: c.title, itemIds: c.members.map((m) => m.itemId) });

/**
 * One attempt of create-playlist / create-collection. The title is looked up first (exact,
 * case-sensitive), so a retry after a lost response never makes a second one; an existing
 * container of that title gains the missing items instead (SEMANTICS §4, §5).
 */
export async function createContainer(
  action: ContainerAction,
  api: ContainerApi,
  ctx: RunContext,
): Promise<Outcome> {
  const row = ctx.journal.get(action.key)!;
  const same = (await ctx.lookup(() => api.list())).filter((c) => c.title === action.title);
  if (same.length > 1) {
    const reason = `${same.length} ${api.noun}s titled ${JSON.stringify(action.title)} exist; cannot tell which to use`;
    ctx.journal.settle(action.key, "conflict", reason);
    return { kind: "conflict", reason };
  }
  const existing = same[0];
  if (existing !== undefined) {
    const wanted = row.wanted as { create?: boolean } | null;
    const createdId = row.created.playlistId ?? row.created.collectionId;
    const ours = createdId === existing.id || (row.status === "prior-recorded" && wanted?.create === true);
    return appendMissing(action, existing, ours ? api.created(existing.id) : null, api, ctx);
  }

  const itemIds = unique(action.itemIds);
  const made = await ctx.write(
    () => ctx.journal.recordPrior(action.key, null, { create: true, title: action.title, itemIds }),
    () => api.create(action.title, itemIds),
  );
  ctx.journal.confirm(action.key, summary(made), api.created(made.id));
  return leftOut(action, made, api, ctx) ?? { kind: "applied" };
}

/** One attempt of add-playlist-entries / add-collection-members to a container by id. */
export async function addToContainer(
  action: ContainerAction & { id: string },
  api: ContainerApi,
  ctx: RunContext,
): Promise<Outcome> {
  const container = (await ctx.lookup(() => api.list())).find((c) => c.id === action.id);
  if (container === undefined) {
    const reason = `the ${api.noun} ${JSON.stringify(action.title)} no longer exists on the target`;
    ctx.journal.settle(action.key, "conflict", reason);
    return { kind: "conflict", reason };
  }
  return appendMissing(action, container, null, api, ctx);
}

/**
 * Appends the items the container lacks, in plan order. Entries that appeared since the
 * recorded prior value and are ours to add count as added by the migration (a write whose
 * response was lost). Appending never removes or reorders, so a container that changed since
 * planning is not a conflict. `ownCreation` is set when the migration created the container.
 */
async function appendMissing(
  action: ContainerAction,
  container: Container,
  ownCreation: Created | null,
  api: ContainerApi,
  ctx: RunContext,
): Promise<Outcome> {
  const row = ctx.journal.get(action.key)!;
  const wanted = unique(action.itemIds);
  const wantedSet = new Set(wanted);
  const have = new Set(container.members.map((m) => m.itemId));
  const missing = wanted.filter((id) => !have.has(id));
  const priorMembers =
    row.status === "prior-recorded" && Array.isArray(row.prior) ? (row.prior as Member[]) : null;
  const base = new Set((priorMembers ?? container.members).map((m) => m.entryId));
  const ours = (c: Container) =>
    c.members.filter((m) => !base.has(m.entryId) && wantedSet.has(m.itemId)).map((m) => m.entryId);
  const record = (c: Container): Created => ({ ...(ownCreation ?? {}), ...api.added(c.id, ours(c)) });

  if (missing.length === 0) {
    if (row.status === "prior-recorded" || ownCreation !== null) {
      ctx.journal.confirm(action.key, summary(container), record(container));
      return { kind: "applied" };
    }
    ctx.journal.settle(action.key, "done");
    return { kind: "already-done" };
  }

  await ctx.write(
    () => ctx.journal.recordPrior(action.key, priorMembers ?? container.members, { add: missing }),
    () => api.add(container.id, missing),
  );
  // The add answers with no entry ids; read them back so rollback can remove exactly these.
  const after = (await ctx.lookup(() => api.list())).find((c) => c.id === container.id);
  if (after === undefined) {
    const reason = `the ${api.noun} ${JSON.stringify(action.title)} vanished right after items were added`;
    ctx.journal.settle(action.key, "conflict", reason);
    return { kind: "conflict", reason };
  }
  ctx.journal.confirm(action.key, summary(after), record(after));
  return leftOut(action, after, api, ctx) ?? { kind: "applied" };
}

/** A target that silently drops items (Jellyfin 10.8 media-type filter) fails loudly here. */
function leftOut(action: ContainerAction, c: Container, api: ContainerApi, ctx: RunContext): Outcome | null {
  const have = new Set(c.members.map((m) => m.itemId));
  const dropped = unique(action.itemIds).filter((id) => !have.has(id));
  if (dropped.length === 0) return null;
  const reason = `the target left ${dropped.length} of ${unique(action.itemIds).length} items out of the ${api.noun}`;
  ctx.journal.settle(action.key, "failed", reason);
  return { kind: "failed", reason };
}
