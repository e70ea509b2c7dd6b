/** What the journal holds per plan action, and how a row of the `actions` table reads back. */

export type ActionStatus = "pending" | "prior-recorded" | "done" | "conflict" | "failed" | "rolled-back";
export type RollbackStatus = "done" | "conflict" | "failed" | "kept";

/** Things an action created on the target, kept so rollback can remove exactly them. */
export interface Created {
  userId?: string;
  playlistId?: string;
  collectionId?: string;
  /** Playlist entry ids the migration added. */
  entryIds?: string[];
  /** Collection members (item ids) the migration added. */
  memberIds?: string[];
  /** The existing playlist or collection that entryIds/memberIds were added to. */
  addedTo?: string;
  /** The created user exists but its password is not set yet: never confirmed until it is. */
  passwordPending?: boolean;
}

/** What the executor tells the journal about an action when it registers it. */
export interface ActionInfo {
  type: string;
  fingerprint: string;
  userId: string | null;
  userName: string | null;
  itemId: string | null;
  title: string | null;
}

export interface JournalRow extends ActionInfo {
  key: string;
  status: ActionStatus;
  /** Value read just before the latest write (JSON). */
  prior: unknown;
  /** Value before the migration first wrote; rollback restores this (JSON). */
  original: unknown;
  /** Every field any write of this action set. */
  fields: string[];
  wanted: unknown;
  result: unknown;
  created: Created;
  reason: string | null;
  attempts: number;
  seq: number | null;
  rollbackStatus: RollbackStatus | null;
  rollbackReason: string | null;
}

export interface RawRow {
  [column: string]: unknown;
}

/** A registered action as its first INSERT writes it. */
export function pendingRow(key: string, info: ActionInfo): JournalRow {
  return {
    key,
    type: info.type,
    fingerprint: info.fingerprint,
    userId: info.userId,
    userName: info.userName,
    itemId: info.itemId,
    title: info.title,
    status: "pending",
    prior: null,
    original: null,
    fields: [],
    wanted: null,
    result: null,
    created: {},
    reason: null,
    attempts: 0,
    seq: null,
    rollbackStatus: null,
    rollbackReason: null,
  };
}

export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function parse(text: unknown): unknown {
  return typeof text === "string" ? JSON.parse(text) : null;
}

export function mergeCreated(a: Created, b: Created): Created {
  const out: Created = { ...a, ...b };
  if (a.entryIds || b.entryIds) out.entryIds = [...new Set([...(a.entryIds ?? []), ...(b.entryIds ?? [])])];
  if (a.memberIds || b.memberIds)
    out.memberIds = [...new Set([...(a.memberIds ?? []), ...(b.memberIds ?? [])])];
  return out;
}

export function toRow(raw: RawRow): JournalRow {
  return {
    key: raw.key as string,
    type: raw.type as string,
    fingerprint: raw.fingerprint as string,
    userId: (raw.user_id as string | null) ?? null,
    userName: (raw.user_name as string | null) ?? null,
    itemId: (raw.item_id as string | null) ?? null,
    title: (raw.title as string | null) ?? null,
    status: raw.status as ActionStatus,
    prior: parse(raw.prior),
    original: parse(raw.original),
    fields: parse(raw.fields) as string[],
    wanted: parse(raw.wanted),
    result: parse(raw.result),
    created: parse(raw.created) as Created,
    reason: (raw.reason as string | null) ?? null,
    attempts: raw.attempts as number,
    seq: (raw.seq as number | null) ?? null,
    rollbackStatus: (raw.rollback_status as RollbackStatus | null) ?? null,
    rollbackReason: (raw.rollback_reason as string | null) ?? null,
  };
}
