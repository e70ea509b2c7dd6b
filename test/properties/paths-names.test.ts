import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sanitizeUserName } from "../../src/match/names.js";
import { cleanPath, PathMapper, pathKey } from "../../src/match/paths.js";
import { mapUsers } from "../../src/match/users.js";
import type { SourceUser, TargetUser } from "../../src/model/index.js";
import { nameKey } from "../../src/model/index.js";
import { dialectFor } from "../../src/targets/families.js";

/**
 * Properties of the path mapper and of user naming that test/match/** does not already cover:
 * idempotence of path cleaning and mapping, Windows prefixes, and collision resolution.
 */

const segment = fc
  .stringMatching(/^[A-Za-z0-9 ._'"()\-äöüÉ]{1,8}$/)
  .filter((s) => s.trim() === s && s !== "." && s !== "..");
const segments = fc.array(segment, { minLength: 1, maxLength: 6 });
const posixPath = segments.map((s) => `/${s.join("/")}`);
const windowsPath = fc
  .tuple(fc.constantFrom("C:", "d:", "\\\\nas\\share", "\\\\NAS\\Media"), segments)
  .map(([root, s]) => `${root}\\${s.join("\\")}`);
const anyPath = fc.oneof(posixPath, windowsPath, fc.string({ maxLength: 40 }));

describe("path mapper properties", () => {
  it("cleaning and keying are idempotent", () => {
    fc.assert(
      fc.property(anyPath, (path) => {
        expect(cleanPath(cleanPath(path))).toBe(cleanPath(path));
        expect(pathKey(pathKey(path))).toBe(pathKey(path));
      }),
      { numRuns: 1000 },
    );
  });

  it("mapping a cleaned path is mapping the path; with disjoint targets, mapping twice is mapping once", () => {
    const mapping = fc.tuple(fc.oneof(posixPath, windowsPath), segments).map(([from, to]) => ({
      from,
      to: `/target/${to.join("/")}`,
    }));
    fc.assert(
      fc.property(fc.array(mapping, { maxLength: 4 }), fc.oneof(posixPath, windowsPath), (mappings, path) => {
        const mapper = new PathMapper(mappings);
        expect(mapper.rewrite(cleanPath(path))).toBe(mapper.rewrite(path));
        // No FROM starts with /target, so a rewritten path is not rewritten again.
        expect(mapper.rewrite(mapper.rewrite(path))).toBe(mapper.rewrite(path));
        expect(mapper.map(path)).toBe(pathKey(mapper.rewrite(path)));
      }),
      { numRuns: 500 },
    );
  });

  it("the longest covering Windows prefix wins, whatever the case or separator of the path", () => {
    fc.assert(
      fc.property(windowsPath, fc.integer({ min: 1, max: 5 }), fc.boolean(), (path, cut, flip) => {
        const parts = path.split("\\");
        const rootParts = path.startsWith("\\\\") ? 4 : 1;
        const shortFrom = parts.slice(0, rootParts).join("\\");
        const longFrom = parts.slice(0, Math.min(parts.length, rootParts + cut)).join("\\");
        const mapper = new PathMapper([
          { from: shortFrom, to: "/short" },
          { from: longFrom, to: "/long" },
        ]);
        const asked = flip ? path.toUpperCase().replace(/\\/g, "/") : path;
        const expected = longFrom.length > shortFrom.length ? "/long" : "/short";
        expect(mapper.rewrite(asked).startsWith(expected)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

const accountName = fc.oneof(
  fc.constantFrom(
    "Bob",
    "bob",
    "BOB!",
    "Bob?",
    "Zoë",
    "Zoe\u0308",
    "山田",
    "👩‍👧",
    "",
    " ",
    "+plus+",
    "x".repeat(70),
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
);
const TARGETS = [
  dialectFor("jellyfin", "10.10.7").userNames,
  dialectFor("jellyfin", "10.11.0").userNames,
  dialectFor("emby", "4.9.3.0").userNames,
];

describe("user naming properties", () => {
  it("collisions are resolved: every account gets its own valid target user, independent of input order", () => {
    fc.assert(
      fc.property(
        fc.array(accountName, { maxLength: 12 }),
        fc.array(accountName, { maxLength: 4 }),
        fc.constantFrom(...TARGETS),
        fc.integer(),
        (names, existingNames, target, seed) => {
          const sources: SourceUser[] = names.map((name, i) => ({
            id: String(i + 1),
            name: name === "" ? `account-${i + 1}` : name,
            isOwner: i === 0,
            isPlaceholder: false,
            unknownFields: [],
            inferredFields: [],
          }));
          const existing: TargetUser[] = [
            ...new Map(existingNames.filter((n) => n.trim() !== "").map((n) => [nameKey(n), n])).values(),
          ].map((name, i) => ({ id: `t${i}`, name, isAdmin: false }));
          const options = { userMap: [], createUsers: true, nameRule: target };
          const result = mapUsers(sources, existing, options);
          // Every account is paired (creation is allowed), each to a different target user.
          expect(result.mapped.length + result.unmapped.length).toBe(sources.length);
          const keys = result.mapped.map((m) => nameKey(m.targetName));
          expect(new Set(keys).size).toBe(keys.length);
          const ids = result.mapped.map((m) => m.targetUserId).filter((id) => id !== null);
          expect(new Set(ids).size).toBe(ids.length);
          // Names to be created are ones the target accepts (sanitizing changes nothing more).
          for (const m of result.mapped.filter((x) => x.targetUserId === null)) {
            expect(sanitizeUserName(m.targetName, target)).toBe(m.targetName);
            expect(Array.from(m.targetName).length).toBeLessThanOrEqual(64);
          }
          // The same accounts in another order pair the same way.
          const turn = sources.length === 0 ? 0 : Math.abs(seed) % sources.length;
          const shuffled = [...sources.slice(turn), ...sources.slice(0, turn)].reverse();
          const again = mapUsers(shuffled, existing, options);
          const byId = (r: typeof result) =>
            [...r.mapped].sort((a, b) => Number(a.sourceUserId) - Number(b.sourceUserId));
          expect(byId(again)).toEqual(byId(result));
        },
      ),
      { numRuns: 500 },
    );
  });
});
