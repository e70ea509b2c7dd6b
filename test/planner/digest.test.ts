import { describe, expect, it } from "vitest";
import {
  ActionDigests,
  canonicalJson,
  digestPlan,
  PlanDigestStream,
  sha256,
} from "../../src/planner/digest.js";

describe("action digests", () => {
  it("give each action's full SHA-256 as hex, in plan order, and nothing outside the plan", () => {
    const actions = [
      { key: "a", n: 1 },
      { key: "b", n: [2, 3] },
      { n: 4, key: "c" },
    ];
    const digests = digestPlan({ version: 1, actions }).actions;
    expect(digests).toBeInstanceOf(ActionDigests);
    expect(digests.length).toBe(3);
    actions.forEach((action, i) => {
      expect(digests.at(i)).toBe(sha256(canonicalJson(action)));
    });
    expect(digests.at(3)).toBeUndefined();
    expect(digests.at(-1)).toBeUndefined();
    expect(digests.at(0.5)).toBeUndefined();
  });
});

describe("canonical JSON", () => {
  // Written out by hand: plan files and journals from earlier versions hold digests of this
  // text, so any change to it, however fast, breaks their integrity checks and resumes.
  it("sorts keys by UTF-16 code units, drops undefined members, and adds no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: undefined, B: { z: 0.5, y: -2 } })).toBe(
      '{"B":{"y":-2,"z":0.5},"a":[true,null,"x"],"b":1}',
    );
    expect(canonicalJson({ é: 1, z: 2, "": 3 })).toBe('{"":3,"z":2,"é":1}');
    expect(canonicalJson([1, undefined, 2])).toBe("[1,,2]");
    expect(canonicalJson('quote " and \n')).toBe('"quote \\" and \\n"');
    expect(canonicalJson([0, -0, 0.1, -2.5e-7, 1e21, Number.NaN, Number.POSITIVE_INFINITY, false])).toBe(
      "[0,0,0.1,-2.5e-7,1e+21,null,null,false]",
    );
  });

  it("gives objects with the same members the same text whatever their order, each time", () => {
    const a = { type: "set-user-data", user: { name: "ann", id: "u1" }, set: { played: true } };
    const b = { set: { played: true }, user: { id: "u1", name: "ann" }, type: "set-user-data" };
    const text = '{"set":{"played":true},"type":"set-user-data","user":{"id":"u1","name":"ann"}}';
    for (let round = 0; round < 3; round++) {
      expect(canonicalJson(a)).toBe(text);
      expect(canonicalJson(b)).toBe(text);
    }
  });

  it("tells apart keys that contain the separator its shape cache joins keys with", () => {
    expect(canonicalJson({ "a\u0000b": 1 })).toBe('{"a\\u0000b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe('{"a":1,"b":2}');
    expect(canonicalJson({ "b\u0000a": 1 })).toBe('{"b\\u0000a":1}');
  });

  it("handles objects with more keys than it keeps shapes of", () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${39 - i}`, i]));
    const text = canonicalJson(many);
    expect(text.startsWith('{"k0":39,"k1":38,"k10":29,')).toBe(true);
    expect(JSON.parse(text)).toEqual(many);
  });

  it("keeps a plan's digest of the same content across versions", () => {
    // The SHA-256 of this text, written out: what every version has hashed for this content.
    const content = {
      version: 1,
      actions: [
        { key: "watched:ann:i1", type: "set-user-data", set: { played: true, playCount: 3 } },
        { type: "create-user", key: "user:bob", user: { name: "bob" } },
      ],
    };
    expect(digestPlan(content).digest).toBe(
      sha256(
        '{"actions":[{"key":"watched:ann:i1","set":{"playCount":3,"played":true},"type":"set-user-data"},' +
          '{"key":"user:bob","type":"create-user","user":{"name":"bob"}}],"version":1}',
      ),
    );
  });
});

describe("plan digest stream", () => {
  const content = {
    version: 1,
    counts: { watched: 200 },
    actions: Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, n: i, set: { played: i % 2 === 0 } })),
    skipped: [],
    users: [{ name: "ann" }],
  };

  it("hashes the same bytes as the whole content's canonical JSON, with or without actions", () => {
    expect(digestPlan(content).digest).toBe(sha256(canonicalJson(content)));
    const { actions: _, ...withoutActions } = content;
    expect(digestPlan(withoutActions as never).digest).toBe(sha256(canonicalJson(withoutActions)));
    expect(digestPlan({ actions: [] }).digest).toBe(sha256('{"actions":[]}'));
  });

  it("gives the same digests worked out a piece at a time, and actions asked for out of turn", () => {
    const whole = digestPlan(content);
    const stream = new PlanDigestStream(content);
    expect(stream.at(150)).toBe(whole.actions.at(150));
    expect(stream.at(0)).toBe(whole.actions.at(0));
    expect(stream.done).toBeUndefined();
    let steps = 0;
    while (!stream.advance(0)) steps += 1;
    // A zero budget still hashes 64 actions a step.
    expect(steps).toBe(3);
    const done = stream.done!;
    expect(done.digest).toBe(whole.digest);
    expect(done.sections).toEqual(whole.sections);
    for (let i = 0; i < content.actions.length; i++) expect(stream.at(i)).toBe(whole.actions.at(i));
    expect(stream.at(200)).toBeUndefined();
    expect(stream.complete()).toBe(done);
  });
});
