/** File names inside tools/schemas (the catalog directory). */
export const SOURCES_FILE = "sources.json";
export const INDEX_FILE = "index.json";
export const CEL_RULES_FILE = "cel-rules.json";
export const SCHEMA_DIR = "json";

/** The generated entries of the catalog directory, replaced together by a build. */
export const GENERATED_ENTRIES: readonly string[] = [SCHEMA_DIR, CEL_RULES_FILE, INDEX_FILE];

/** `json/<group or "core">/<version>/<kind lower-case>.json`, relative to the catalog directory. */
export function schemaFileOf(group: string, version: string, kind: string): string {
  return `${SCHEMA_DIR}/${group === "" ? "core" : group}/${version}/${kind.toLowerCase()}.json`;
}
