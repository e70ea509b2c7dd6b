import type { ActionOf, Category, Compared, PlanUserData } from "../../planner/index.js";

/** Human forms of user-data values, shared by the plan and drift renderers. */

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const text = new Date(iso).toISOString();
  const day = text.slice(0, 10);
  const time = text.slice(11, 19);
  return time === "00:00:00" ? day : `${day} ${time}`;
}

export function formatPosition(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

const yesNo = (value: boolean | undefined) => (value ? "yes" : "no");
const rating = (value: number | null | undefined) =>
  value === null || value === undefined ? "—" : String(value);

type Field = keyof PlanUserData;

const LABELS: Record<Field, string> = {
  played: "played",
  playCount: "plays",
  lastPlayedAt: "last played",
  positionMs: "position",
  rating: "rating",
  isFavorite: "favorite",
};

export const CATEGORY_FIELDS: Record<"watched" | "progress" | "ratings", Field[]> = {
  watched: ["played", "playCount", "lastPlayedAt"],
  progress: ["positionMs"],
  ratings: ["rating", "isFavorite"],
};

export function formatValue(field: Field, value: PlanUserData[Field] | undefined): string {
  switch (field) {
    case "played":
    case "isFavorite":
      return yesNo(value as boolean | undefined);
    case "playCount":
      return String(value ?? 0);
    case "lastPlayedAt":
      return formatDate(value as string | null | undefined);
    case "positionMs":
      return formatPosition((value as number | undefined) ?? 0);
    case "rating":
      return rating(value as number | null | undefined);
  }
}

/** "played: no → yes, plays: 0 → 3" for the fields of one category that the action sets. */
export function describeChange(
  action: Pick<ActionOf<"set-user-data">, "before" | "set">,
  category: Category,
  arrow = "→",
): string {
  const fields = category in CATEGORY_FIELDS ? CATEGORY_FIELDS[category as keyof typeof CATEGORY_FIELDS] : [];
  return fields
    .filter((field) => field in action.set)
    .map(
      (field) =>
        `${LABELS[field]}: ${formatValue(field, action.before[field])} ${arrow} ${formatValue(field, action.set[field])}`,
    )
    .join(", ");
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "a, b, c and 2 more": names in a sentence, at most `limit` of them. */
export function nameList(names: readonly string[], limit = 5): string {
  const shown = names.slice(0, limit).join(", ");
  return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

/**
 * What a plan or verify compared and what it could not, for people (issue 13: a "no changes"
 * or "no drift" is only true of what was compared). `seeUsers` says what to do about accounts
 * left out, `seeItems` where the items that matter are listed.
 */
export function comparedLines(
  compared: Compared,
  listedUnmatched: number,
  hints: { users: string; items: string },
): string[] {
  const { users, items } = compared;
  const accounts = `${users.compared} of ${plural(users.compared + users.notCompared, "Plex account")}`;
  const itemText =
    items === null ? "" : `, ${items.matched} of ${plural(items.matched + items.unmatched, "Plex item")}`;
  const lines = [`Compared: ${accounts}${itemText}.`];
  const notCompared: string[] = [];
  if (users.notCompared > 0) {
    const names = nameList(compared.notComparedUsers.map((user) => `${user.name} (${user.reason})`));
    notCompared.push(
      `  ${plural(users.notCompared, "Plex account")} with no target user: ${names} — ${hints.users}`,
    );
  }
  if (items !== null && items.unmatched > 0) {
    const listed =
      listedUnmatched === 0
        ? "none of them carries history, playlists or collections"
        : `${listedUnmatched} with history, playlists or collections; ${hints.items}`;
    notCompared.push(`  ${plural(items.unmatched, "Plex item")} with no target item (${listed})`);
  }
  if (notCompared.length > 0) lines.push("Not compared:", ...notCompared);
  return lines;
}

/** True when there was nothing at all to compare: no account with a target user, or no item paired. */
export function nothingCompared(compared: Compared): string | null {
  if (compared.users.compared === 0) return "no Plex account has a target user";
  if (compared.items !== null && compared.items.matched === 0) {
    const total = compared.items.unmatched;
    if (total === 0) return "the selected libraries hold no items";
    return total === 1
      ? "the one Plex item has no target item"
      : `none of the ${total} Plex items has a target item`;
  }
  return null;
}

/**
 * Old Plex databases store dates as local wall-clock text with no zone; plexodus reads them in
 * one zone (the machine's unless --plex-timezone says otherwise). Said only when such dates
 * were read, with the way to change it (issue 13 item 9).
 */
export function localTimeLines(local: { zone: string; dates: number } | null | undefined): string[] {
  if (!local) return [];
  return [
    `Dates: ${plural(local.dates, "date")} in the Plex database ${local.dates === 1 ? "is" : "are"} local time without a zone; read as ${local.zone} time.`,
    "  If the Plex server's clock was set to another zone, pass --plex-timezone ZONE (or set PLEXODUS_PLEX_TIMEZONE).",
  ];
}
