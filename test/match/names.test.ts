import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_USER_NAME_LENGTH, sanitizeUserName, suffixedName } from "../../src/match/names.js";
import type { TargetKind, UserNameRule } from "../../src/model/index.js";
import { dialectFor } from "../../src/targets/families.js";

/** The rule the connected target's dialect gives the matcher. */
const ruleOf = (kind: TargetKind, version: string): UserNameRule => dialectFor(kind, version).userNames;

/**
 * The targets' own rules, written out independently of the implementation. .NET's `\w` is
 * [\p{L}\p{Mn}\p{Nd}\p{Pc}] over UTF-16 code units, so only BMP characters can match.
 */
/** No surrogate pairs: every code point fits one UTF-16 unit. */
const hasOnlyBmp = (text: string) => Array.from(text).every((c) => c.length === 1);
const JELLYFIN_10_8 = /^[\p{L}\p{Mn}\p{Nd}\p{Pc} \-'._@]+$/u;
const JELLYFIN_10_11 = /^(?!\s)[\p{L}\p{Mn}\p{Nd}\p{Pc} \-'._@+]+(?<!\s)$/u;
/** Jellyfin 12: as 10.11, and not "." or "..". */
const JELLYFIN_12 = /^(?!\.\.?$)(?!\s)[\p{L}\p{Mn}\p{Nd}\p{Pc} \-'._@+]+(?<!\s)$/u;

const TARGETS: [UserNameRule, RegExp][] = [
  [ruleOf("jellyfin", "10.8.13"), JELLYFIN_10_8],
  [ruleOf("jellyfin", "10.10.7"), JELLYFIN_10_8],
  [ruleOf("jellyfin", "10.11.11"), JELLYFIN_10_11],
  [ruleOf("jellyfin", "12.0.0"), JELLYFIN_12],
  // Emby's rule is unknown; we hold it to the strictest rule (10.8 characters, no surrounding spaces).
  [ruleOf("emby", "4.8.11.0"), JELLYFIN_10_11],
  [ruleOf("emby", "4.8.11.0"), JELLYFIN_10_8],
];

const jf1011 = ruleOf("jellyfin", "10.11.11");
const jf108 = ruleOf("jellyfin", "10.8.13");
const emby = ruleOf("emby", "4.9.3.0");

const names = fc.oneof(
  fc.constantFrom(".", "..", " . ", ".. ", "...", "\u0000."),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ maxLength: 120 }),
);

describe("sanitizeUserName", () => {
  it("keeps letters of any script and the allowed punctuation", () => {
    expect(sanitizeUserName("Zoë", jf1011)).toBe("Zoë");
    expect(sanitizeUserName("山田 太郎", jf1011)).toBe("山田 太郎");
    expect(sanitizeUserName("o'brien-smith_jr.@home", jf108)).toBe("o'brien-smith_jr.@home");
  });

  it("replaces rejected characters with _ and trims surrounding spaces", () => {
    expect(sanitizeUserName("  alice/bob!  ", jf1011)).toBe("alice_bob_");
    expect(sanitizeUserName("dad 🎬", jf1011)).toBe("dad _");
  });

  it("accepts + only on Jellyfin 10.11 and later", () => {
    expect(sanitizeUserName("john+doe@example.com", jf1011)).toBe("john+doe@example.com");
    expect(sanitizeUserName("john+doe@example.com", ruleOf("jellyfin", "12.0.0"))).toBe(
      "john+doe@example.com",
    );
    expect(sanitizeUserName("john+doe@example.com", jf108)).toBe("john_doe@example.com");
    expect(sanitizeUserName("john+doe@example.com", emby)).toBe("john_doe@example.com");
  });

  it("never gives Jellyfin 12 the names . and .., which it refuses", () => {
    const jf12 = ruleOf("jellyfin", "12.0.0");
    expect(sanitizeUserName(".", jf12)).toBe("_");
    expect(sanitizeUserName(" .. ", jf12)).toBe("__");
    expect(sanitizeUserName("...", jf12)).toBe("...");
    expect(sanitizeUserName("..", ruleOf("jellyfin", "13.0.0"))).toBe("__");
    // Older servers take them as they are.
    expect(sanitizeUserName("..", jf1011)).toBe("..");
  });

  it("falls back to the strict rule when the Jellyfin version cannot be read", () => {
    expect(sanitizeUserName("a+b", ruleOf("jellyfin", "unstable"))).toBe("a_b");
    expect(sanitizeUserName("a+b", ruleOf("jellyfin", "10.11.0-rc2"))).toBe("a+b");
  });

  it("follows the rule it is given, whatever the server", () => {
    const lettersOnly: UserNameRule = { server: "test 1.0", accepts: /^[a-z]+$/, char: /^[a-z]$/ };
    expect(sanitizeUserName("Anna-Lena 2", lettersOnly)).toBe("_nna__ena__");
  });

  it("replaces spacing marks and characters outside the BMP, which .NET's \\w rejects", () => {
    expect(sanitizeUserName("कि", jf1011)).toBe("क_");
    expect(sanitizeUserName("𠀋x", jf1011)).toBe("_x");
  });

  it("composes decomposed accents", () => {
    expect(sanitizeUserName("Zoe\u0308", jf1011)).toBe("Zoë");
  });

  it("never returns an empty name", () => {
    expect(sanitizeUserName("   ", jf1011)).toBe("user");
    expect(sanitizeUserName("", emby)).toBe("user");
  });

  it("caps long names", () => {
    const long = sanitizeUserName("a".repeat(200), jf1011);
    expect(Array.from(long)).toHaveLength(MAX_USER_NAME_LENGTH);
    expect(sanitizeUserName(`${"a".repeat(63)} b`, jf1011)).toBe("a".repeat(63));
  });

  it("always gives a name the target accepts", () => {
    for (const [targetInfo, pattern] of TARGETS) {
      fc.assert(
        fc.property(names, (name) => {
          const out = sanitizeUserName(name, targetInfo);
          expect(out).toMatch(pattern);
          expect(hasOnlyBmp(out)).toBe(true);
          expect(Array.from(out).length).toBeLessThanOrEqual(MAX_USER_NAME_LENGTH);
        }),
        { numRuns: 300 },
      );
    }
  });

  it("is idempotent", () => {
    for (const [targetInfo] of TARGETS) {
      fc.assert(
        fc.property(names, (name) => {
          const once = sanitizeUserName(name, targetInfo);
          expect(sanitizeUserName(once, targetInfo)).toBe(once);
        }),
        { numRuns: 300 },
      );
    }
  });

  it("keeps suffixed names valid and within the cap", () => {
    fc.assert(
      fc.property(names, fc.integer({ min: 2, max: 9999 }), (name, n) => {
        const out = suffixedName(sanitizeUserName(name, jf108), n);
        expect(out).toMatch(JELLYFIN_10_11);
        expect(out.endsWith(`-${n}`)).toBe(true);
        expect(Array.from(out).length).toBeLessThanOrEqual(MAX_USER_NAME_LENGTH);
      }),
    );
  });
});
