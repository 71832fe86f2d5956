import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { INDEX_FILE } from "./catalog-layout.js";

export interface SchemaEntry {
  apiVersion: string;
  kind: string;
  /** Relative to the catalog directory (tools/schemas), e.g. "json/core/v1/service.json". */
  file: string;
  /** Which source the schema was generated from (a `name` in sources.json). */
  source: string;
}

export interface SchemaIndex {
  readonly entries: readonly SchemaEntry[];
  find(apiVersion: string, kind: string): SchemaEntry | undefined;
}

/** Absolute path of tools/schemas; this module is two levels below tools/ in src/ and in dist/. */
export function schemaCatalogDir(): string {
  return resolve(fileURLToPath(new URL("../../schemas", import.meta.url)));
}

let cachedIndex: SchemaIndex | undefined;
const cachedSchemas = new Map<string, object>();

export function loadSchemaIndex(): SchemaIndex {
  cachedIndex ??= createSchemaIndex(readJson(join(schemaCatalogDir(), INDEX_FILE)) as SchemaEntry[]);
  return cachedIndex;
}

export function createSchemaIndex(entries: readonly SchemaEntry[]): SchemaIndex {
  const byKey = new Map(entries.map((entry) => [indexKey(entry.apiVersion, entry.kind), entry]));
  return {
    entries,
    find: (apiVersion, kind) => byKey.get(indexKey(apiVersion, kind)),
  };
}

/** The parsed schema of `entry`. Cached and shared between callers: do not modify it. */
export function readSchema(entry: SchemaEntry): object {
  let schema = cachedSchemas.get(entry.file);
  if (schema === undefined) {
    schema = readJson(join(schemaCatalogDir(), entry.file)) as object;
    cachedSchemas.set(entry.file, schema);
  }
  return schema;
}

function indexKey(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read schema catalog file ${file} (run \`npm run schemas:update\`?): ${String(error)}`);
  }
}
