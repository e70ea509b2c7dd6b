#!/usr/bin/env node
/**
 * Trims the official OpenAPI documents in ../shared/reference to the operations the sandbox
 * serves and the schemas they reach, converted from OpenAPI 3.0 (nullable) to plain JSON Schema
 * so ajv can compile them. Output: src/sandbox/openapi/<kind>-<version>.json (committed, so tests
 * run without ../shared). Run: node scripts/extract-openapi.mjs [referenceDir]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const referenceDir = resolve(process.argv[2] ?? join(root, "..", "shared", "reference"));
const outDir = join(root, "src", "sandbox", "openapi");

const SOURCES = {
  "jellyfin-10.8": "jellyfin-openapi-10.8.13.json",
  "jellyfin-10.9": "jellyfin-openapi-10.9.11.json",
  "jellyfin-10.10": "jellyfin-openapi-10.10.7.json",
  "jellyfin-10.11": "jellyfin-openapi-10.11.11.json",
  // 12.0 final's document is not stored; rc1's is the closest (target-apis §12, SOURCES.md).
  "jellyfin-12.0": "jellyfin-openapi-12.0.0-rc1.json",
  "emby-4.7": "emby-openapi-4.7.5.json",
  "emby-4.8": "emby-openapi-4.8.11.json",
  // 4.9.5.0 is JSON-identical to 4.9.3.0 apart from info.version (target-apis §13); this one
  // extract serves Emby 4.9 and 4.10, which has no document here.
  "emby-4.9": "emby-openapi-4.9.5.0.json",
};

/** Operations the sandbox serves; the ones a version lacks are simply absent from its extract. */
const JELLYFIN_OPERATIONS = [
  "GET /System/Info/Public",
  "GET /System/Ping",
  "GET /Users",
  "POST /Users",
  "GET /Users/Me",
  "GET /Users/Public",
  "GET /Users/{userId}",
  "POST /Users/{userId}",
  "DELETE /Users/{userId}",
  "POST /Users/New",
  "POST /Users/AuthenticateByName",
  "POST /Users/{userId}/Policy",
  "POST /Users/{userId}/Password",
  "POST /Users/Password",
  "GET /Items",
  "GET /Users/{userId}/Items",
  "GET /Items/{itemId}",
  "DELETE /Items/{itemId}",
  "GET /Items/{itemId}/Collections",
  "GET /Users/{userId}/Items/{itemId}",
  "GET /Shows/{seriesId}/Episodes",
  "GET /Shows/{seriesId}/Seasons",
  "GET /Library/VirtualFolders",
  "GET /UserViews",
  "GET /Users/{userId}/Views",
  "POST /UserPlayedItems/{itemId}",
  "DELETE /UserPlayedItems/{itemId}",
  "POST /Users/{userId}/PlayedItems/{itemId}",
  "DELETE /Users/{userId}/PlayedItems/{itemId}",
  "POST /UserFavoriteItems/{itemId}",
  "DELETE /UserFavoriteItems/{itemId}",
  "POST /Users/{userId}/FavoriteItems/{itemId}",
  "DELETE /Users/{userId}/FavoriteItems/{itemId}",
  "POST /UserItems/{itemId}/Rating",
  "DELETE /UserItems/{itemId}/Rating",
  "POST /Users/{userId}/Items/{itemId}/Rating",
  "DELETE /Users/{userId}/Items/{itemId}/Rating",
  "GET /UserItems/{itemId}/UserData",
  "POST /UserItems/{itemId}/UserData",
  "POST /Playlists",
  "GET /Playlists/{playlistId}",
  "POST /Playlists/{playlistId}",
  "GET /Playlists/{playlistId}/Items",
  "POST /Playlists/{playlistId}/Items",
  "DELETE /Playlists/{playlistId}/Items",
  "GET /Playlists/{playlistId}/Users",
  "POST /Collections",
  "POST /Collections/{collectionId}/Items",
  "DELETE /Collections/{collectionId}/Items",
];

const EMBY_OPERATIONS = [
  "GET /System/Info/Public",
  "GET /System/Ping",
  "GET /Users/Query",
  "GET /Users/Public",
  "GET /Users/{Id}",
  "POST /Users/{Id}",
  "DELETE /Users/{Id}",
  "POST /Users/New",
  "POST /Users/AuthenticateByName",
  "POST /Users/{Id}/Policy",
  "POST /Users/{Id}/Password",
  "GET /Items",
  "GET /Users/{UserId}/Items",
  "GET /Users/{UserId}/Items/{Id}",
  "DELETE /Items/{Id}",
  "GET /Shows/{Id}/Episodes",
  "GET /Shows/{Id}/Seasons",
  "GET /Library/VirtualFolders/Query",
  "GET /Users/{UserId}/Views",
  "POST /Users/{UserId}/PlayedItems/{Id}",
  "DELETE /Users/{UserId}/PlayedItems/{Id}",
  "POST /Users/{UserId}/FavoriteItems/{Id}",
  "DELETE /Users/{UserId}/FavoriteItems/{Id}",
  "POST /Users/{UserId}/Items/{Id}/Rating",
  "DELETE /Users/{UserId}/Items/{Id}/Rating",
  "POST /Users/{UserId}/Items/{ItemId}/UserData",
  "POST /Playlists",
  "GET /Playlists/{Id}/Items",
  "POST /Playlists/{Id}/Items",
  "DELETE /Playlists/{Id}/Items",
  "POST /Collections",
  "POST /Collections/{Id}/Items",
  "DELETE /Collections/{Id}/Items",
];

const DROP_KEYS = new Set(["description", "example", "examples", "summary", "externalDocs", "xml", "title"]);
const JSON_TYPES = ["application/json", 'application/json; profile="PascalCase"', "text/json"];

/** OpenAPI 3.0 schema → JSON Schema (nullable → type/anyOf with null), without prose. */
function convert(schema) {
  if (Array.isArray(schema)) return schema.map(convert);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROP_KEYS.has(key) || key.startsWith("x-") || key === "nullable") continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    } else {
      out[key] = convert(value);
    }
  }
  if (schema.nullable !== true) return out;
  if (typeof out.type === "string" && !out.enum) return { ...out, type: [out.type, "null"] };
  return { anyOf: [{ type: "null" }, out] };
}

function collectRefs(node, into) {
  if (Array.isArray(node)) for (const v of node) collectRefs(v, into);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") into.add(value.replace("#/components/schemas/", ""));
      else collectRefs(value, into);
    }
  }
}

function jsonSchemaOf(content) {
  if (!content) return undefined;
  for (const type of JSON_TYPES) if (content[type]?.schema) return convert(content[type].schema);
  return undefined;
}

function extract(kind, doc) {
  const wanted = kind === "jellyfin" ? JELLYFIN_OPERATIONS : EMBY_OPERATIONS;
  const operations = {};
  for (const key of wanted) {
    const [method, path] = key.split(" ");
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (!op) continue;
    const parameters = (op.parameters ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required === true,
      schema: convert(p.schema ?? {}),
    }));
    const responses = {};
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      if (!status.startsWith("2")) continue;
      responses[status] = { schema: jsonSchemaOf(response.content) ?? null };
    }
    operations[key] = {
      operationId: op.operationId,
      deprecated: op.deprecated === true,
      parameters,
      requestBody: op.requestBody
        ? {
            required: op.requestBody.required === true,
            schema: jsonSchemaOf(op.requestBody.content) ?? null,
            contentTypes: Object.keys(op.requestBody.content ?? {}),
          }
        : null,
      responses,
    };
  }
  const schemas = {};
  const pending = new Set();
  collectRefs(operations, pending);
  while (pending.size > 0) {
    const [name] = pending;
    pending.delete(name);
    if (schemas[name]) continue;
    const source = doc.components.schemas[name];
    if (!source) throw new Error(`${kind}: schema ${name} is referenced but missing`);
    schemas[name] = convert(source);
    const more = new Set();
    collectRefs(schemas[name], more);
    for (const ref of more) if (!schemas[ref]) pending.add(ref);
  }
  return { operations, components: { schemas } };
}

/**
 * Where a document disagrees with what its server really sends, the extract follows the server
 * and says so here. Jellyfin 10.8 serialises VirtualFolderInfo.CollectionType lowercase although
 * its spec enum reads "Movies"/"TvShows" (JF@v10.8.13 VirtualFolderInfo.cs, JsonLowerCaseConverter;
 * target-apis §4.3).
 */
const DEVIATIONS = {
  "jellyfin-10.8": (schemas) => {
    const options = schemas.CollectionTypeOptions;
    if (options?.enum) options.enum = options.enum.map((value) => value.toLowerCase());
  },
};

for (const [name, file] of Object.entries(SOURCES)) {
  const doc = JSON.parse(readFileSync(join(referenceDir, file), "utf8"));
  const kind = name.split("-")[0];
  const trimmed = { source: file, specVersion: doc.info?.version, ...extract(kind, doc) };
  DEVIATIONS[name]?.(trimmed.components.schemas);
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(trimmed)}\n`);
  console.log(
    `${name}: ${Object.keys(trimmed.operations).length} operations, ${Object.keys(trimmed.components.schemas).length} schemas`,
  );
}
