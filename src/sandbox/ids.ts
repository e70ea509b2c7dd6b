import { createHash } from "node:crypto";

export type SandboxKind = "jellyfin" | "emby";

/**
 * Ids as each server spells them, derived deterministically from the library so two runs over
 * the same library produce comparable dumps. Jellyfin: GUIDs in "N" format (32 lowercase hex)
 * for everything. Emby: 32-hex user ids, short decimal item ids.
 */
export class IdFactory {
  private nextNumber = 100_001;
  private created = 0;

  constructor(readonly kind: SandboxKind) {}

  private static hex(text: string): string {
    return createHash("sha1").update(text).digest("hex").slice(0, 32);
  }

  userId(name: string): string {
    return IdFactory.hex(`${this.kind}|user|${name.toLowerCase()}`);
  }

  /** `key` is stable for library items (ref or position); runtime items get a sequence. */
  itemId(key?: string): string {
    if (this.kind === "emby") return String(this.nextNumber++);
    return IdFactory.hex(`${this.kind}|item|${key ?? `created-${++this.created}`}`);
  }

  serverId(serverName: string): string {
    return IdFactory.hex(`${this.kind}|server|${serverName}`);
  }

  token(seed: string): string {
    return IdFactory.hex(`${this.kind}|token|${seed}`);
  }
}

const N_GUID = /^[0-9a-f]{32}$/i;
const DASHED_GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** Guid.Parse: N or dashed (optionally braced) form; returns the N form, or null if malformed. */
export function parseGuid(text: string): string | null {
  if (N_GUID.test(text)) return text.toLowerCase();
  if (DASHED_GUID.test(text)) return text.replace(/[{}-]/g, "").toLowerCase();
  return null;
}

export const EMPTY_GUID = "00000000000000000000000000000000";
