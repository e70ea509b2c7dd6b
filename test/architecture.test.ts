import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The import rules of docs/architecture.md, checked on the import statements of src/. */

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function typeScriptFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const STATEMENTS = [
  // import … from "x", export … from "x" (also across lines)
  /(?:^|\n)\s*(?:import|export)\b[^;]*?[\s}*]from\s*["']([^"']+)["']/g,
  // import "x"
  /(?:^|\n)\s*import\s*["']([^"']+)["']/g,
  // import("x")
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** Relative imports of one file, as root-relative paths of the .ts files they name. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = STATEMENTS.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!));
  return specifiers
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) =>
      relative(root, join(root, dirname(file), specifier))
        .split("\\")
        .join("/")
        .replace(/\.js$/, ".ts"),
    );
}

const graph = typeScriptFiles("src").map((file) => ({ file, imports: importsOf(file) }));

/** "file → import" for every import of a file under `from` that lands under `to`. */
function violations(from: string, to: string, except: (file: string) => boolean = () => false): string[] {
  return graph
    .filter(({ file }) => file.startsWith(from) && !except(file))
    .flatMap(({ file, imports }) =>
      imports.filter((target) => target.startsWith(to)).map((target) => `${file} → ${target}`),
    );
}

// The bundled sample (src/sample) replaces src/demo and the fixtures imports of the demo and
// the Plex sandbox, which then renders from the scenario instead of through the readers.
// These two rules turn on by themselves once it lands.
const sampleLanded = !existsSync(join(root, "src/demo"));

describe("import rules (docs/architecture.md)", () => {
  it("reads the imports it checks", () => {
    expect(graph.length).toBeGreaterThan(50);
    const program = graph.find((node) => node.file === "src/cli/program.ts")!;
    expect(program.imports).toContain("src/cli/commands/index.ts");
  });

  it("command files never import each other (commands/index.ts registers them all)", () => {
    expect(violations("src/cli/commands/", "src/cli/commands/", (f) => f.endsWith("/index.ts"))).toEqual([]);
  });

  it("nothing outside src/cli imports it: the layers below return data, the CLI renders", () => {
    expect(violations("src/", "src/cli/", (file) => file.startsWith("src/cli/"))).toEqual([]);
  });

  it("only src/cli writes to the terminal", () => {
    const writers = graph
      .filter(({ file }) => !file.startsWith("src/cli/"))
      .filter(({ file }) =>
        /\bconsole\.|\bprocess\.(stdout|stderr)\b/.test(readFileSync(join(root, file), "utf8")),
      )
      .map(({ file }) => file);
    expect(writers).toEqual([]);
  });

  it("src/readers never imports src/sandbox", () => {
    expect(violations("src/readers/", "src/sandbox/")).toEqual([]);
  });

  it.skipIf(!sampleLanded)("src/sandbox never imports src/readers (enabled when src/sample lands)", () => {
    expect(violations("src/sandbox/", "src/readers/")).toEqual([]);
  });

  it.skipIf(!sampleLanded)("src/ never imports fixtures/ (enabled when src/sample lands)", () => {
    expect(violations("src/", "fixtures/")).toEqual([]);
  });
});
