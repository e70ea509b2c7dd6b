/**
 * The trimmed OpenAPI extracts, loaded through imports so the build copies them into dist/
 * next to the code (the package ships dist/, not src/). Made by scripts/extract-openapi.mjs.
 */
const EXTRACTS: Record<string, () => Promise<{ default: unknown }>> = {
  "jellyfin-10.8": () => import("./jellyfin-10.8.json", { with: { type: "json" } }),
  "jellyfin-10.9": () => import("./jellyfin-10.9.json", { with: { type: "json" } }),
  "jellyfin-10.10": () => import("./jellyfin-10.10.json", { with: { type: "json" } }),
  "jellyfin-10.11": () => import("./jellyfin-10.11.json", { with: { type: "json" } }),
  "jellyfin-12.0": () => import("./jellyfin-12.0.json", { with: { type: "json" } }),
  "emby-4.7": () => import("./emby-4.7.json", { with: { type: "json" } }),
  "emby-4.8": () => import("./emby-4.8.json", { with: { type: "json" } }),
  "emby-4.9": () => import("./emby-4.9.json", { with: { type: "json" } }),
};

export async function loadOpenApiExtract(name: string): Promise<unknown> {
  const load = EXTRACTS[name];
  if (!load) throw new Error(`sandbox: no OpenAPI extract named ${name}`);
  return (await load()).default;
}
