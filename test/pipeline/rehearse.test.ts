import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/load.js";
import { PlexodusError } from "../../src/errors.js";
import { makePlan } from "../../src/pipeline/plan.js";
import { rehearse } from "../../src/pipeline/rehearse.js";
import { connectReadOnly, ReadOnlyGuard } from "../../src/pipeline/snapshot.js";
import { sampleTargetLibrary } from "../../src/sample/index.js";
import type { Sandbox, SandboxLibrary } from "../../src/sandbox/index.js";
import { QUIET } from "../helpers/interaction.js";
import { sampleRun } from "../helpers/sample-run.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** The sample target with `films` more films nobody has watched. */
function targetWith(films: number): SandboxLibrary {
  const library = sampleTargetLibrary();
  const movies = library.libraries.find((section) => section.collectionType === "movies")!;
  for (let n = 1; n <= films; n++) {
    movies.items!.push({
      type: "Movie",
      name: `Film ${n}`,
      providerIds: { Tmdb: String(900_000 + n) },
      path: `/m/f${n}.mkv`,
    });
  }
  return library;
}

async function setUp(library: SandboxLibrary): Promise<{ box: Sandbox; config: Config }> {
  return sampleRun(cleanups, { library });
}

describe("rehearse (pipeline)", () => {
  it("reads the target with plan's paged reads: 1,500 more films cost exactly one more index page", async () => {
    const reads: number[] = [];
    for (const films of [0, 1_500]) {
      const { box, config } = await setUp(targetWith(films));
      let start = box.requests.length;
      await makePlan(config, QUIET);
      const planReads = box.requests.length - start;

      start = box.requests.length;
      const rehearsal = await rehearse(config, QUIET, () => undefined);
      const sent = box.requests.slice(start);
      expect(sent.every((request) => request.method === "GET")).toBe(true);
      expect(rehearsal.reads).toBe(sent.length);
      expect(rehearsal.reads).toBe(planReads);
      expect(rehearsal.counts.items).toBeGreaterThan(films);
      reads.push(rehearsal.reads);
    }
    // Pages of 1,000: the films library goes from one page to two; nothing else grows.
    expect(reads[1]! - reads[0]!).toBe(1);
    expect(reads[0]!).toBeLessThan(40);
    // Two plans and two whole rehearsals: a count, not a timing, so a busy machine gets time.
  }, 120_000);

  it("stops a write to the real target before it is sent", async () => {
    const { box, config } = await setUp(sampleTargetLibrary());
    const guard = new ReadOnlyGuard();
    const target = await connectReadOnly(config, QUIET, guard);
    try {
      const start = box.requests.length;
      const attempt = target.createUser("mallory", "secret");
      await expect(attempt).rejects.toBeInstanceOf(PlexodusError);
      await expect(attempt).rejects.toMatchObject({ category: "bug" });
      expect(box.requests.slice(start)).toEqual([]);
      expect(guard.reads).toBeGreaterThan(0);
    } finally {
      target.close();
    }
  });
});
