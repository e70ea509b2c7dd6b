import type { Config } from "../../../config/load.js";
import type { Snapshot } from "../../../model/index.js";
import type { Plan } from "../../../planner/index.js";
import { plural } from "../format.js";
import type { ReportOption } from "./data.js";

/** What scope left out, as counts (prepare.ts): names of excluded things are never kept. */
export interface Excluded {
  users: number;
  libraries: number;
  items: number;
}

/**
 * The options that shaped a run, for the report's header. Names appear only when they are
 * of included people and libraries: excluded ones are counted, path maps are counted (a path
 * can name a library), and no secret option is ever read.
 */
export function reportOptions(
  config: Partial<Config>,
  plan: Plan,
  scope?: { snapshot: Snapshot; excluded: Excluded },
): ReportOption[] {
  const out: ReportOption[] = [
    { name: "mode", value: plan.options.mode },
    { name: "categories", value: plan.options.kinds.join(", ") },
    {
      name: "favorite-min-rating",
      value: plan.options.favoriteMinRating === null ? "off" : String(plan.options.favoriteMinRating),
    },
  ];
  if (config.createUsers !== undefined)
    out.push({ name: "create-users", value: config.createUsers ? "yes" : "no" });
  const people = new Set(plan.users.map((user) => user.sourceName.trim().toLowerCase()));
  const userMap = (config.userMap ?? []).filter((m) => people.has(m.from.trim().toLowerCase()));
  if (userMap.length > 0)
    out.push({ name: "user-map", value: userMap.map((m) => `${m.from}=${m.to}`).join(", ") });
  if ((config.pathMap ?? []).length > 0) {
    out.push({
      name: "path-map",
      value: `${plural(config.pathMap!.length, "prefix", "prefixes")} rewritten`,
    });
  }
  if (scope) {
    const libraries = new Set(scope.snapshot.libraries.map((library) => library.name.trim().toLowerCase()));
    const libraryMap = (config.libraryMap ?? []).filter((m) => libraries.has(m.from.trim().toLowerCase()));
    if (libraryMap.length > 0)
      out.push({ name: "library-map", value: libraryMap.map((m) => `${m.from}=${m.to}`).join(", ") });
    out.push({
      name: "libraries",
      value: scope.snapshot.libraries.map((library) => library.name).join(", ") || "none",
    });
    const { users, libraries: left, items } = scope.excluded;
    if (users > 0 || left > 0) {
      out.push({
        name: "left out",
        value: `${plural(users, "account")}, ${plural(left, "library", "libraries")} (${plural(items, "item")}), by --users/--exclude-users/--libraries/--exclude-libraries`,
      });
    }
  }
  if (config.concurrency !== undefined) out.push({ name: "concurrency", value: String(config.concurrency) });
  return out;
}
