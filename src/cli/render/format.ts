import type { ActionOf, Category, PlanUserData } from "../../planner/index.js";

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
