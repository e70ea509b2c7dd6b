import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { normalizeKey, OPTION_BY_KEY, OPTIONS } from "../../src/config/options.js";
import { packageRoot } from "../../src/paths.js";

const text = readFileSync(join(packageRoot(), "plexodus.example.yaml"), "utf8");
const lines = text.split("\n");

/** Each commented-out option: its key and its lines ("# key: …" plus "#   - …" under it). */
function optionBlocks(): Array<{ key: string; lines: string[]; explained: string[] }> {
  const blocks: Array<{ key: string; lines: string[]; explained: string[] }> = [];
  let explained: string[] = [];
  for (const line of lines) {
    const start = /^# ([a-z][a-z-]*):/.exec(line);
    if (start) {
      blocks.push({ key: start[1]!, lines: [line], explained });
      explained = [];
    } else if (/^# {3}- /.test(line) && blocks.length > 0) {
      blocks.at(-1)!.lines.push(line);
    } else if (line.startsWith("##")) {
      explained.push(line);
    }
  }
  return blocks;
}

const dir = mkdtempSync(join(tmpdir(), "plexodus-example-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads a config file holding these uncommented lines, as `--config FILE` does. */
function load(uncommented: string[]) {
  const file = join(dir, "config.yaml");
  writeFileSync(file, `${uncommented.map((line) => line.replace(/^# /, "")).join("\n")}\n`);
  return loadConfig({ flags: {}, env: {}, configFile: file });
}

/** Options that are refused without their partner (config/load.ts checkCombinations). */
const PARTNERS: Record<string, string> = { plexUrl: "plexToken", tautulliUrl: "tautulliApiKey" };

describe("plexodus.example.yaml", () => {
  const blocks = optionBlocks();

  it("names every option of the option table once, and nothing else", () => {
    const keys = blocks.map((block) => normalizeKey(block.key));
    expect([...keys].sort()).toEqual(OPTIONS.map((option) => option.key).sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("explains every option and names its environment variable", () => {
    for (const block of blocks) {
      const spec = OPTION_BY_KEY.get(normalizeKey(block.key))!;
      expect(block.explained.length, block.key).toBeGreaterThan(0);
      if (spec.env) expect(block.explained.join("\n"), block.key).toContain(spec.env);
    }
  });

  it("loads with --config as it is (everything commented out: the defaults)", () => {
    expect(YAML.parse(text)).toBeNull();
    expect(load([])).toMatchObject({ mode: "merge", concurrency: 4, targetKind: "auto" });
  });

  it.each(optionBlocks().map((block) => [block.key, block] as const))(
    "loads with --config once %s is uncommented, giving that option a value",
    (_, block) => {
      const key = normalizeKey(block.key);
      const partner = PARTNERS[key];
      const extra = partner ? blocks.find((b) => normalizeKey(b.key) === partner)!.lines : [];
      const config = load([...block.lines, ...extra]) as unknown as Record<string, unknown>;
      expect(config[key], block.key).toBeDefined();
      expect(config.origins).toHaveProperty(key);
    },
  );
});
