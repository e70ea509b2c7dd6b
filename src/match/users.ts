import type { Mapping } from "../config/values.js";
import { ConfigError } from "../errors.js";
import type { SourceUser, TargetUser, UserNameRule } from "../model/index.js";
import { nameKey } from "../model/index.js";
import { sanitizeUserName, suffixedName } from "./names.js";
import type { UserMapping, UserMappingResult, UserMiss } from "./types.js";

export interface MapUsersOptions {
  userMap: Mapping[];
  createUsers: boolean;
  /** The target's user-name rule (from its dialect), for names that must be made valid. */
  nameRule: UserNameRule;
}

/** Source ids are decimal strings; order them as numbers without losing precision. */
export function compareSourceIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Pairs every source account with a target user (SEMANTICS §1). Rules, first that applies:
 * `--user-map`, same name, sanitized name, create. Claims are made in that order over all
 * accounts (so an exact name always beats another account's sanitized name), and within a
 * rule by source id, which makes the outcome independent of input order and stable across
 * reruns.
 *
 * No target user is ever given to two accounts. An explicit `--user-map` of two selected
 * accounts to one target user is a configuration error: their histories would overwrite
 * each other. An implicit match to a user that is already taken falls through to the next
 * rule (a suffixed name, created with --create-users, else reported).
 */
export function mapUsers(
  sourceUsers: SourceUser[],
  targetUsers: TargetUser[],
  options: MapUsersOptions,
): UserMappingResult {
  const users = [...sourceUsers].sort((a, b) => compareSourceIds(a.id, b.id));
  const targets = indexTargets(targetUsers);
  const explicit = explicitTargets(users, options.userMap);
  const taken = new Set<string>();
  const decided = new Map<string, UserMapping | UserMiss>();
  const claim = (user: SourceUser, mapping: Omit<UserMapping, "sourceUserId">) => {
    taken.add(nameKey(mapping.targetName));
    decided.set(user.id, { sourceUserId: user.id, ...mapping });
  };

  for (const user of users) {
    const wanted = explicit.get(user.id);
    if (wanted === undefined) continue;
    const existing = targets.get(nameKey(wanted))?.[0];
    if (existing) {
      claim(user, { targetName: existing.name, targetUserId: existing.id, rule: "user-map" });
    } else if (options.createUsers) {
      requireValidName(wanted, options.nameRule);
      claim(user, { targetName: wanted, targetUserId: null, rule: "user-map" });
    } else {
      decided.set(user.id, {
        sourceUserId: user.id,
        reason: "map-target-missing",
        detail: `--user-map names target user "${wanted}", who does not exist; create it or pass --create-users`,
      });
    }
  }

  // Same name: accounts whose spelling matches exactly go first, so "bob" beats "Bob".
  for (const exactCase of [true, false]) {
    for (const user of users) {
      if (decided.has(user.id)) continue;
      const key = nameKey(user.name);
      if (taken.has(key)) continue;
      const existing = targets.get(key)?.find((t) => !exactCase || t.name === user.name);
      if (existing) claim(user, { targetName: existing.name, targetUserId: existing.id, rule: "name" });
    }
  }

  for (const user of users) {
    if (decided.has(user.id)) continue;
    const base = sanitizeUserName(user.name, options.nameRule);
    let n = 1;
    while (taken.has(nameKey(suffixedName(base, n)))) n++;
    const name = suffixedName(base, n);
    const existing = targets.get(nameKey(name))?.[0];
    if (existing) {
      claim(user, { targetName: existing.name, targetUserId: existing.id, rule: "sanitized-name" });
    } else if (options.createUsers) {
      claim(user, { targetName: name, targetUserId: null, rule: "create" });
    } else {
      decided.set(user.id, {
        sourceUserId: user.id,
        reason: "unmapped",
        detail: unmappedDetail(user, base, n),
      });
    }
  }

  const result: UserMappingResult = { mapped: [], unmapped: [] };
  for (const user of users) {
    const outcome = decided.get(user.id);
    if (outcome === undefined) continue;
    if ("reason" in outcome) result.unmapped.push(outcome);
    else result.mapped.push(outcome);
  }
  return result;
}

function indexTargets(targetUsers: TargetUser[]): Map<string, TargetUser[]> {
  const byName = new Map<string, TargetUser[]>();
  const sorted = [...targetUsers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const user of sorted) {
    const key = nameKey(user.name);
    const list = byName.get(key);
    if (list) list.push(user);
    else byName.set(key, [user]);
  }
  return byName;
}

/**
 * Source id → target name from `--user-map`, for the selected accounts only. Entries naming
 * other accounts are ignored and never echoed: they are excluded or unselected users (a name
 * that matches no Plex account at all was refused earlier, by src/scope).
 */
function explicitTargets(users: SourceUser[], userMap: Mapping[]): Map<string, string> {
  const byPlexName = new Map<string, string>();
  for (const entry of userMap) {
    const key = nameKey(entry.from.trim());
    const to = entry.to.trim();
    const earlier = byPlexName.get(key);
    if (earlier !== undefined && nameKey(earlier) !== nameKey(to)) {
      throw new ConfigError(`--user-map maps "${entry.from}" twice, to "${earlier}" and to "${to}"`, {
        hint: "Give each Plex account one target user.",
      });
    }
    byPlexName.set(key, to);
  }
  const result = new Map<string, string>();
  const ownerOfTarget = new Map<string, SourceUser>();
  for (const user of users) {
    const to = byPlexName.get(nameKey(user.name));
    if (to === undefined) continue;
    const other = ownerOfTarget.get(nameKey(to));
    if (other) {
      throw new ConfigError(
        `--user-map maps both "${other.name}" and "${user.name}" to target user "${to}"`,
        {
          hint: "Two Plex accounts cannot share one target user: their watch states would overwrite each other.",
        },
      );
    }
    ownerOfTarget.set(nameKey(to), user);
    result.set(user.id, to);
  }
  return result;
}

function requireValidName(name: string, rule: UserNameRule): void {
  const valid = sanitizeUserName(name, rule);
  if (valid !== name) {
    throw new ConfigError(`--user-map target "${name}" is not a valid ${rule.server} user name`, {
      hint: `Use a name such as "${valid}" (letters, digits, spaces and - ' . _ @).`,
    });
  }
}

function unmappedDetail(user: SourceUser, base: string, n: number): string {
  const tried = nameKey(base) === nameKey(user.name) ? `"${user.name}"` : `"${user.name}" or "${base}"`;
  const taken = n > 1 ? ` (the target user "${base}" is already paired with another Plex account)` : "";
  return `no target user named ${tried}${taken}; use --user-map or --create-users`;
}
