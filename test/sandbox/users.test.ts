import { describe, expect, it } from "vitest";
import { userNames } from "../helpers/sample-target.js";
import { call, EMBY, isJellyfin12, JELLYFIN, login, PERSONALITIES, sandbox, userId } from "./helpers.js";

/** target-apis §3: users. */

describe.each(PERSONALITIES)("$kind@$version users", ({ kind, version }) => {
  it("creates a user, rejects a case-insensitive duplicate with 400, sets a password, deletes", async () => {
    const box = await sandbox({ kind, version });
    const created = await call(box, "POST", "/Users/New", { body: { Name: "Carol" } });
    expect(created.status).toBe(200);
    const carol = created.body as {
      Id: string;
      Name: string;
      HasPassword: boolean;
      Policy: Record<string, unknown>;
    };
    // Jellyfin 12 reports HasPassword true for everyone (obsolete, no longer computed).
    expect(carol).toMatchObject({ Name: "Carol", HasPassword: isJellyfin12(kind, version) });
    expect(carol.Id).toMatch(/^[0-9a-f]{32}$/);
    expect(carol.Policy.IsAdministrator).toBe(false);
    const duplicate = await call(box, "POST", "/Users/New", { body: { Name: "carol" } });
    expect(duplicate.status).toBe(400);
    expect(duplicate.headers.get("content-type")).toContain("text/plain");
    const passwordPath =
      kind === "jellyfin" && version !== "10.8"
        ? `/Users/Password?userId=${carol.Id}`
        : `/Users/${carol.Id}/Password`;
    const body = kind === "emby" ? { Id: carol.Id, NewPw: "s3cret" } : { NewPw: "s3cret" };
    expect([200, 204]).toContain((await call(box, "POST", passwordPath, { body })).status);
    expect(await login(box, "Carol", "s3cret")).toMatch(/^[0-9a-f]{32}$/);
    expect([200, 204]).toContain((await call(box, "DELETE", `/Users/${carol.Id}`)).status);
    expect(box.dump().users.map((u) => u.name)).toEqual(userNames());
    expect(box.violations).toEqual([]);
  });

  it("updates a policy read-modify-write; refuses to demote the last admin (403)", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const user = (await call(box, "GET", `/Users/${bob}`)).body as { Policy: Record<string, unknown> };
    const policy = { ...user.Policy, IsHidden: true };
    expect([200, 204]).toContain((await call(box, "POST", `/Users/${bob}/Policy`, { body: policy })).status);
    expect(
      ((await call(box, "GET", `/Users/${bob}`)).body as { Policy: { IsHidden: boolean } }).Policy.IsHidden,
    ).toBe(true);
    const admin = await userId(box, "admin");
    const adminPolicy = (
      (await call(box, "GET", `/Users/${admin}`)).body as { Policy: Record<string, unknown> }
    ).Policy;
    const demote = await call(box, "POST", `/Users/${admin}/Policy`, {
      body: { ...adminPolicy, IsAdministrator: false },
    });
    expect(demote.status).toBe(403);
    expect(box.violations).toEqual([]);
  });

  it("a disabled user's token is refused (401)", async () => {
    const box = await sandbox({ kind, version });
    const token = await login(box, "alice", "alice");
    const alice = await userId(box, "alice");
    const policy = ((await call(box, "GET", `/Users/${alice}`)).body as { Policy: Record<string, unknown> })
      .Policy;
    await call(box, "POST", `/Users/${alice}/Policy`, { body: { ...policy, IsDisabled: true } });
    expect((await call(box, "GET", `/Users/${alice}`, { token })).status).toBe(401);
  });
});

describe.each(JELLYFIN)("jellyfin@$version user names and policy schema", ({ kind, version }) => {
  it("applies the username rule of its version ('+' only from 10.11; no edge spaces)", async () => {
    const box = await sandbox({ kind, version });
    const from1011 = version === "10.11" || version === "12.0";
    const plus = await call(box, "POST", "/Users/New", { body: { Name: "grandma+tv" } });
    expect(plus.status).toBe(from1011 ? 200 : 400);
    const email = await call(box, "POST", "/Users/New", { body: { Name: "a@b.c" } });
    expect(email.status).toBe(200);
    const slash = await call(box, "POST", "/Users/New", { body: { Name: "a/b" } });
    expect(slash.status).toBe(400);
    if (from1011)
      expect((await call(box, "POST", "/Users/New", { body: { Name: " pad" } })).status).toBe(400);
  });

  it("10.9+ policies must carry the provider ids (400 without them)", async () => {
    const box = await sandbox({ kind, version });
    const bob = await userId(box, "bob");
    const answer = await call(box, "POST", `/Users/${bob}/Policy`, { body: { IsHidden: true } });
    expect(answer.status).toBe(version === "10.8" ? 204 : 400);
  });
});

describe.each(EMBY)("emby@$version user listing", ({ kind, version }) => {
  it("answers /Users/Query (documented) and /Users (undocumented array)", async () => {
    const box = await sandbox({ kind, version });
    const query = (await call(box, "GET", "/Users/Query?StartIndex=1&Limit=1")).body as {
      Items: { Name: string }[];
      TotalRecordCount: number;
    };
    // Emby lists users by name.
    const byName = userNames().sort((a, b) => a.localeCompare(b));
    expect(query).toMatchObject({ TotalRecordCount: byName.length, Items: [{ Name: byName[1] }] });
    const array = (await call(box, "GET", "/Users")).body as { Name: string }[];
    expect(array.map((u) => u.Name)).toEqual(byName);
    expect(box.violations).toEqual([]);
  });
});
