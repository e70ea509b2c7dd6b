import { describe, expect, it } from "vitest";
import { call, sandbox, userId } from "./helpers.js";

/** target-apis §12.3: Jellyfin 12 users. */

describe("jellyfin@12.0 users", () => {
  it("refuses the names '.' and '..' (400) that 10.11 accepts; other dotted names pass", async () => {
    const next = await sandbox({ kind: "jellyfin", version: "12.0" });
    const old = await sandbox({ kind: "jellyfin", version: "10.11" });
    for (const name of [".", ".."]) {
      const refused = await call(next, "POST", "/Users/New", { body: { Name: name } });
      expect(refused.status).toBe(400);
      expect(refused.headers.get("content-type")).toContain("text/plain");
      expect((await call(old, "POST", "/Users/New", { body: { Name: name } })).status).toBe(200);
    }
    for (const name of ["...", "a.b", ".hidden", "grandma+tv"]) {
      expect((await call(next, "POST", "/Users/New", { body: { Name: name } })).status).toBe(200);
    }
    expect(next.violations).toEqual([]);
  });

  it("reports HasPassword and HasConfiguredPassword as true for every user", async () => {
    for (const [version, expected] of [
      ["12.0", true],
      ["10.11", false],
    ] as const) {
      const box = await sandbox({ kind: "jellyfin", version });
      const bob = (await call(box, "GET", `/Users/${await userId(box, "bob")}`)).body;
      expect(bob).toMatchObject({ HasPassword: expected, HasConfiguredPassword: expected });
      expect(box.violations).toEqual([]);
    }
  });

  it("has no POST /Users/{userId}/EasyPassword (404)", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "12.0" });
    const bob = await userId(box, "bob");
    const answer = await call(box, "POST", `/Users/${bob}/EasyPassword`, { body: { NewPw: "1234" } });
    expect(answer.status).toBe(404);
  });
});
