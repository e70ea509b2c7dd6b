import { describe, expect, it } from "vitest";
import { DEBOUNCE_MS, UserDataNotifier } from "../../src/sandbox/notifier.js";
import { call, sandbox, userId } from "./helpers.js";

const PLEXODUS = { Client: "plexodus", DeviceId: "d1" };

function notifier() {
  let now = 1_000;
  const violations: string[] = [];
  const model = new UserDataNotifier(violations, () => now);
  return { model, violations, advance: (ms: number) => (now += ms) };
}

describe("the sandbox's model of Jellyfin's user-data change notifier", () => {
  it("a user deleted while their saved changes wait and a session is bound to them is what crashes the server", () => {
    const { model, violations } = notifier();
    model.bind(PLEXODUS, "u1");
    model.saved("u1");
    model.deleting("u1", "sam");
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/DELETE user sam: .*UserDataChangeNotifier/);
  });

  it("is safe once saves paused for the debounce, or with no session bound to the user", () => {
    const quiet = notifier();
    quiet.model.bind(PLEXODUS, "u1");
    quiet.model.saved("u1");
    quiet.advance(DEBOUNCE_MS);
    quiet.model.deleting("u1", "sam");
    expect(quiet.violations).toEqual([]);

    const unbound = notifier();
    unbound.model.saved("u1");
    unbound.model.deleting("u1", "sam");
    expect(unbound.violations).toEqual([]);
  });

  it("any user's save restarts the timer, and binding follows the latest user a session named", () => {
    const { model, violations, advance } = notifier();
    model.bind(PLEXODUS, "u1");
    model.saved("u1");
    for (let i = 0; i < 5; i++) {
      advance(DEBOUNCE_MS - 100);
      model.saved("u2");
    }
    // u1's changes still wait: saves never paused for the debounce.
    model.deleting("u1", "sam");
    expect(violations).toHaveLength(1);
    // The session now stands for u2: deleting u1 is safe, deleting u2 is not.
    model.bind({ client: "plexodus", deviceid: "d1" }, "u2");
    model.saved("u1");
    model.deleting("u1", "sam");
    expect(violations).toHaveLength(1);
    model.deleting("u2", "kim");
    expect(violations).toHaveLength(2);
  });
});

// 12.0.0 was seen to exit; 10.9-10.11 run the same code (docs/targets.md).
describe.each(["10.9", "10.10", "10.11", "12.0"])(
  "the Jellyfin %s sandbox, deleting a user right after their data changed",
  (version) => {
    it("records the crash when a played route bound the session; not after a plain write or a read", async () => {
      const box = await sandbox({ kind: "jellyfin", version });
      const bob = await userId(box, "bob");
      const heat = box.idOf("heat");
      // A read and a body write: nothing binds the caller's session to bob.
      await call(box, "GET", `/UserItems/${heat}/UserData?userId=${bob}`);
      await call(box, "POST", `/UserItems/${heat}/UserData?userId=${bob}`, { body: { PlayCount: 2 } });
      const alice = await userId(box, "alice");
      await call(box, "POST", `/UserPlayedItems/${heat}?userId=${alice}`);
      expect((await call(box, "DELETE", `/Users/${bob}`)).status).toBeLessThan(300);
      expect(box.violations).toEqual([]);
      // Marking unplayed binds the session to alice; deleting her at once is what crashes it.
      await call(box, "DELETE", `/UserPlayedItems/${heat}?userId=${alice}`);
      expect((await call(box, "DELETE", `/Users/${alice}`)).status).toBeLessThan(300);
      expect(box.violations).toEqual([expect.stringMatching(/DELETE user alice: .*UserDataChangeNotifier/)]);
    });
  },
);

describe("the Jellyfin 10.8 sandbox", () => {
  it("records nothing: 10.8's played routes log the session as the caller, not as the user they name", async () => {
    const box = await sandbox({ kind: "jellyfin", version: "10.8" });
    const alice = await userId(box, "alice");
    const heat = box.idOf("heat");
    await call(box, "DELETE", `/Users/${alice}/PlayedItems/${heat}`);
    expect((await call(box, "DELETE", `/Users/${alice}`)).status).toBeLessThan(300);
    expect(box.violations).toEqual([]);
  });
});
