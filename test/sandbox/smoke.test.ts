import { describe, expect, it } from "vitest";
import { countOf } from "../helpers/sample-target.js";
import { call, PERSONALITIES, sandbox, userId } from "./helpers.js";

describe.each(PERSONALITIES)("sandbox $kind@$version basics", (personality) => {
  it("answers System/Info/Public, users and a movie query within the spec", async () => {
    const box = await sandbox(personality);
    const info = await call(box, "GET", "/System/Info/Public", { token: null });
    expect(info.status).toBe(200);
    const alice = await userId(box, "alice");
    const userQuery = box.kind === "jellyfin" && personality.version !== "10.8" ? `userId=${alice}&` : "";
    const path = userQuery ? `/Items?${userQuery}` : `/Users/${alice}/Items?`;
    const items = await call(
      box,
      "GET",
      `${path}recursive=true&includeItemTypes=Movie&fields=ProviderIds,Path,MediaSources`,
    );
    expect(items.status).toBe(200);
    expect((items.body as { TotalRecordCount: number }).TotalRecordCount).toBe(countOf(["Movie"]));
    expect(box.violations).toEqual([]);
  });
});
