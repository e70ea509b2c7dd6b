import { afterEach, expect, it } from "vitest";
import { sampleTargetLibrary } from "../../src/sample/index.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { type ConnectedTarget, connectTarget } from "../../src/targets/detect.js";
import { cloneLibrary, readEndState } from "./end-state.js";

/** The live comparison's tools, checked on sandboxes: a clone reads back as its original. */
const open: { box: Sandbox; target: ConnectedTarget }[] = [];

afterEach(async () => {
  for (const { box, target } of open.splice(0)) {
    target.close();
    await box.stop();
  }
});

async function serve(library = sampleTargetLibrary()) {
  const box = await startSandbox({ kind: "jellyfin", version: "12.0", library, validate: true });
  const target = await connectTarget({
    url: box.url,
    apiKey: box.apiKey,
    kind: "jellyfin",
    timeout: 10,
    concurrency: 4,
  });
  open.push({ box, target });
  return target;
}

it("clones a server's users, items, user data, playlists and collections into a sandbox", async () => {
  const original = await serve();
  const state = await readEndState(original);
  // The sample holds watched state, a private playlist and a collection: the check has content.
  expect(Object.keys(state.userData).length).toBeGreaterThan(0);
  expect(Object.keys(state.playlists).length).toBeGreaterThan(0);
  expect(Object.keys(state.collections).length).toBeGreaterThan(0);

  const clone = await serve(await cloneLibrary(original, "clone"));
  expect(await readEndState(clone)).toEqual(state);
});

it("sees a changed mark as a different end state", async () => {
  const target = await serve();
  const before = await readEndState(target);
  const users = await target.listUsers();
  const item = (await target.index()).items.find((i) => i.kind === "movie")!;
  await target.setUserData(users[0]!.id, item.id, { played: true, playCount: 9 });
  expect(await readEndState(target)).not.toEqual(before);
});
