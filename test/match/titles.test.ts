import { describe, expect, it } from "vitest";
import { normalizeTitle, titleYearKey } from "../../src/match/titles.js";

describe("normalizeTitle", () => {
  it.each([
    ["The Matrix", "matrix"],
    ["Amélie", "amelie"],
    ["L'Âge d'or", "age dor"],
    ["L’Avventura", "avventura"],
    ["Das Boot", "boot"],
    ["Los Olvidados", "olvidados"],
    ["Mission: Impossible – Fallout", "mission impossible fallout"],
    ["Straße", "strasse"],
    ["The", "the"],
    ["A", "a"],
    ["Alien", "alien"],
  ])("%s → %s", (title, expected) => {
    expect(normalizeTitle(title)).toBe(expected);
  });

  it("needs a year and a title for the title + year key", () => {
    expect(titleYearKey("Heat", null)).toBeNull();
    expect(titleYearKey("!!!", 1999)).toBeNull();
    expect(titleYearKey("The Heat", 2013)).toBe(titleYearKey("heat", 2013));
    expect(titleYearKey("Heat", 1995)).not.toBe(titleYearKey("Heat", 2013));
  });
});
