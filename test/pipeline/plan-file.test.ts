import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPlanFile, writePlanFile } from "../../src/pipeline/plan-file.js";
import { planFileText } from "../../src/pipeline/plan-text.js";
import { canonicalJson, digestPlan, integrityOf, planDigests, sha256 } from "../../src/planner/digest.js";
import type { Action, Plan } from "../../src/planner/plan.js";

/** A plan with every action type, text that JSON escapes, empty lists and an absent field. */
function samplePlan(actions: Action[] = sampleActions()): Plan {
  return {
    version: 1,
    createdAt: "2024-06-02T10:00:00.000Z",
    source: {
      kind: "plex-db",
      serverName: "Wohnzimmer \u201cPlex\u201d",
      serverId: "abc",
      schemaFingerprint: "f",
      localTimeZone: null,
    },
    target: { kind: "jellyfin", version: "12.0", serverId: "t1", serverName: "J", url: "http://127.0.0.1:1" },
    options: { mode: "merge", kinds: ["users", "watched"], favoriteMinRating: null },
    users: [{ sourceUserId: "1", sourceName: "Zoë", targetName: "zoe", targetUserId: null, rule: "create" }],
    actions,
    skipped: [],
    unmatched: [
      {
        itemKey: "9",
        title: 'Tab\there "quoted" \\ back',
        kind: "movie",
        library: "Films",
        reason: "no-candidate",
        detail: "none",
      },
    ],
    limitations: [],
    counts: { users: 1, watched: 2, progress: 0, ratings: 0, playlists: 1, collections: 1 },
    matching: undefined,
  };
}

function sampleActions(): Action[] {
  const zoe = { name: "zoe", id: null };
  return [
    { key: "user/zoe", type: "create-user", user: zoe, sourceUserId: "1" },
    {
      key: "userdata/zoe/i1/0123456789ab",
      type: "set-user-data",
      user: zoe,
      itemId: "i1",
      title: "Amélie (2001) \u{1F3AC} line\nbreak",
      sourceItemKeys: ["10", "11"],
      categories: ["watched", "ratings"],
      before: {
        played: false,
        playCount: 0,
        lastPlayedAt: null,
        positionMs: 0,
        rating: null,
        isFavorite: false,
      },
      set: { played: true, playCount: 3, lastPlayedAt: "2024-01-01T00:00:00.000Z", rating: 7.5 },
    },
    { key: "playlist/zoe/Mix", type: "create-playlist", user: zoe, title: "Mix", itemIds: ["i1", "i2"] },
    {
      key: "collection-members/Box/abc",
      type: "add-collection-members",
      collectionId: "c1",
      title: "Box",
      before: [],
      itemIds: ["i3"],
    },
  ];
}

/** What the plan file held when it was written with one JSON.stringify call. */
function wholeText(plan: Plan): string {
  return `${JSON.stringify({ ...plan, integrity: integrityOf(plan) }, null, 2)}\n`;
}

function streamedText(plan: Plan): string {
  let text = "";
  planFileText(plan, planDigests(plan), (piece) => {
    text += piece;
  });
  return text;
}

describe("plan file text", () => {
  it("is byte for byte the single JSON.stringify of the plan and its integrity block", () => {
    const plan = samplePlan();
    expect(streamedText(plan)).toBe(wholeText(plan));
  });

  it("matches it for a plan without actions", () => {
    const plan = samplePlan([]);
    expect(streamedText(plan)).toBe(wholeText(plan));
  });

  it("matches it when action keys repeat or look like array indices (the object form)", () => {
    const [create, data] = sampleActions();
    for (const actions of [
      [create!, data!, { ...data!, set: { played: false } }],
      [data!, { ...create!, key: "42" }],
    ] as Action[][]) {
      const plan = samplePlan(actions);
      expect(streamedText(plan)).toBe(wholeText(plan));
    }
  });

  it("is what writePlanFile writes, and reads back with its digests intact", () => {
    const dir = mkdtempSync(join(tmpdir(), "plexodus-plan-file-"));
    try {
      const plan = samplePlan();
      const file = join(dir, "plan.json");
      writePlanFile(file, plan);
      expect(readFileSync(file, "utf8")).toBe(wholeText(plan));
      const back = readPlanFile(file);
      expect(planDigests(back)).toEqual(planDigests(plan));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("plan digests", () => {
  it("hash the canonical JSON of the whole content and of each action, as when assembled whole", () => {
    const plan = samplePlan();
    const { matching: _absent, ...content } = plan;
    const digests = digestPlan(plan);
    expect(digests.digest).toBe(sha256(canonicalJson(content)));
    expect(Array.from({ length: digests.actions.length }, (_, i) => digests.actions.at(i))).toEqual(
      plan.actions.map((action) => sha256(canonicalJson(action))),
    );
    expect(digestPlan({ ...plan, integrity: { whatever: 1 } } as never)).toEqual(digests);
    expect(digestPlan({ ...plan, actions: [] }).digest).toBe(
      sha256(canonicalJson({ ...content, actions: [] })),
    );
  });

  it("reuse the text of frozen values only while everything inside them is frozen too", () => {
    const inner = ["a"];
    const outer = Object.freeze({ list: inner, user: Object.freeze({ name: "zoe", id: null }) });
    expect(canonicalJson(outer)).toBe('{"list":["a"],"user":{"id":null,"name":"zoe"}}');
    inner.push("b");
    expect(canonicalJson(outer)).toBe('{"list":["a","b"],"user":{"id":null,"name":"zoe"}}');
  });
});
