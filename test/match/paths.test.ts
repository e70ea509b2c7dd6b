import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanPath, PathMapper, pathKey } from "../../src/match/paths.js";

describe("pathKey", () => {
  it("normalizes separators, repeated and trailing slashes", () => {
    expect(pathKey("/media//movies/")).toBe("/media/movies");
    expect(pathKey("/media\\movies\\a.mkv")).toBe("/media/movies/a.mkv");
  });

  it("compares POSIX paths exactly and Windows-style paths ignoring case", () => {
    expect(pathKey("/Media/A.mkv")).not.toBe(pathKey("/media/a.mkv"));
    expect(pathKey("D:\\Media\\A.mkv")).toBe(pathKey("d:/media/a.mkv"));
    expect(pathKey("\\\\NAS\\Share\\A.mkv")).toBe("//nas/share/a.mkv");
  });

  it("composes decomposed characters", () => {
    expect(pathKey("/m/Ame\u0301lie.mkv")).toBe(pathKey("/m/Amélie.mkv"));
  });

  it("keeps drive roots and the POSIX root", () => {
    expect(cleanPath("D:\\")).toBe("D:/");
    expect(cleanPath("/")).toBe("/");
  });

  it("drops a space that a dropped trailing separator exposes (found by the property test)", () => {
    expect(cleanPath("! \\")).toBe("!");
    expect(cleanPath("/a/ /")).toBe("/a");
  });
});

describe("PathMapper", () => {
  it("rewrites the longest matching prefix", () => {
    const mapper = new PathMapper([
      { from: "/data", to: "/srv" },
      { from: "/data/tv", to: "/tv" },
    ]);
    expect(mapper.map("/data/tv/show/e1.mkv")).toBe("/tv/show/e1.mkv");
    expect(mapper.map("/data/movies/a.mkv")).toBe("/srv/movies/a.mkv");
  });

  it("matches whole path segments only", () => {
    const mapper = new PathMapper([{ from: "/data/tv", to: "/tv" }]);
    expect(mapper.map("/data/tv2/a.mkv")).toBe("/data/tv2/a.mkv");
    expect(mapper.map("/data/tv")).toBe("/tv");
  });

  it("maps Windows prefixes case-insensitively and keeps the rest's case", () => {
    const mapper = new PathMapper([{ from: "D:\\Media", to: "/media" }]);
    expect(mapper.rewrite("d:\\MEDIA\\Movies\\Heat.mkv")).toBe("/media/Movies/Heat.mkv");
    expect(mapper.map("D:/Media/Movies/Heat.mkv")).toBe("/media/Movies/Heat.mkv");
  });

  it("maps to Windows and UNC targets", () => {
    const mapper = new PathMapper([
      { from: "/data", to: "\\\\nas\\media" },
      { from: "/music", to: "E:\\" },
    ]);
    expect(mapper.rewrite("/data/Movies/A.mkv")).toBe("//nas/media/Movies/A.mkv");
    expect(mapper.map("/data/Movies/A.mkv")).toBe("//nas/media/movies/a.mkv");
    expect(mapper.rewrite("/music/A/b.flac")).toBe("E:/A/b.flac");
  });

  const segment = fc
    .stringMatching(/^[A-Za-z0-9 ._-]{1,8}$/)
    .filter((s) => s.trim() === s && s !== "." && s !== "..");
  const posixPath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join("/")}`);

  it("property: the longest covering prefix wins", () => {
    fc.assert(
      fc.property(posixPath, fc.integer({ min: 1, max: 5 }), (path, cut) => {
        const parts = path.split("/").slice(1);
        const prefixes = Array.from(
          { length: Math.min(cut, parts.length) },
          (_, i) => `/${parts.slice(0, i + 1).join("/")}`,
        );
        const mappings = prefixes.map((from, i) => ({ from, to: `/target${i}` }));
        const longest = prefixes.length - 1;
        const expected = `/target${longest}${path.slice(prefixes[longest]!.length)}`;
        // Order of the options must not matter.
        expect(new PathMapper(mappings).map(path)).toBe(expected);
        expect(new PathMapper([...mappings].reverse()).map(path)).toBe(expected);
      }),
    );
  });

  it("property: paths no prefix covers come back normalized, and mapping them again changes nothing", () => {
    const mapper = new PathMapper([
      { from: "/mapped", to: "/elsewhere" },
      { from: "Z:\\Mapped", to: "/z" },
    ]);
    const anyPath = fc.oneof(
      posixPath,
      fc.string({ maxLength: 40 }),
      fc.array(segment, { minLength: 1, maxLength: 4 }).map((p) => `C:\\${p.join("\\")}`),
    );
    fc.assert(
      fc.property(anyPath, (path) => {
        fc.pre(!pathKey(path).startsWith("/mapped") && !pathKey(path).startsWith("z:/mapped"));
        const once = mapper.map(path);
        expect(once).toBe(pathKey(path));
        expect(mapper.map(once)).toBe(once);
        expect(pathKey(once)).toBe(once);
      }),
    );
  });
});
