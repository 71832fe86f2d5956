import { isJsonObject, type JsonObject } from "../model/resource.js";

/**
 * Annotations kustomize adds to describe the build, not the object (`buildMetadata:
 * [originAnnotations, transformerAnnotations]`). Moving a file changes them without changing
 * anything a workload sees, so they are left out of the comparison.
 */
export const BUILD_METADATA_ANNOTATIONS: ReadonlySet<string> = new Set([
  "config.kubernetes.io/origin",
  "alpha.config.kubernetes.io/transformations",
]);

/**
 * The canonical form of a rendered object, for comparison: keys sorted; kustomize's build
 * annotations dropped; `null`, `{}` and `[]` field values dropped (the API server stores an unset
 * field for them, and proto3 repeated fields have no presence), cascading upwards so that
 * `metadata: { annotations: {} }` and `creationTimestamp: null` disappear. Two renders that differ
 * only in formatting (indentation, key order, quoting, comments) have equal canonical forms.
 *
 * Kept on purpose: list items (`rules: [{}]` in an AuthorizationPolicy allows everything, `[]`
 * nothing) and empty label selectors (`namespaceSelector: {}` selects every namespace; absent
 * selects none), whose emptiness means something.
 */
export function normalizeObject(object: JsonObject): JsonObject {
  return normalizeMap(object, true);
}

function normalizeMap(map: JsonObject, root: boolean): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(map).sort(compareKeys)) {
    let value = map[key];
    if (root && key === "metadata" && isJsonObject(value)) value = withoutBuildAnnotations(value);
    const normalized = normalizeValue(value);
    if (isDroppable(key, normalized)) continue;
    out[key] = normalized;
  }
  return out;
}

function normalizeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (isJsonObject(value)) return normalizeMap(value, false);
  return value;
}

function withoutBuildAnnotations(metadata: JsonObject): JsonObject {
  const annotations = metadata["annotations"];
  if (!isJsonObject(annotations)) return metadata;
  if (!Object.keys(annotations).some((key) => BUILD_METADATA_ANNOTATIONS.has(key))) return metadata;
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!BUILD_METADATA_ANNOTATIONS.has(key)) kept[key] = value;
  }
  return { ...metadata, annotations: kept };
}

function isDroppable(key: string, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isJsonObject(value)) return !isSelectorKey(key) && Object.keys(value).length === 0;
  return false;
}

/** `selector`, `podSelector`, `namespaceSelector`, …: an empty one selects everything. */
function isSelectorKey(key: string): boolean {
  return key === "selector" || key.endsWith("Selector");
}

/** Code-point order, the same on every machine (localeCompare is not). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A string that is equal for two values exactly when their canonical forms are equal. */
export function canonicalJson(normalized: unknown): string {
  return JSON.stringify(normalized);
}
