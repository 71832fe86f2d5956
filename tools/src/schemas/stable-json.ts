import { isJsonObject, type JsonValue } from "./json-value.js";

// Sorts object keys recursively (array order is kept: it is meaningful in enum, required, anyOf...).
export function sortKeysDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isJsonObject(value)) return value;
  const sorted: Record<string, JsonValue> = {};
  for (const key of Object.keys(value).sort(compareStrings)) {
    sorted[key] = sortKeysDeep(value[key] as JsonValue);
  }
  return sorted;
}

export function stringifyStable(value: JsonValue, indent?: number): string {
  return `${JSON.stringify(sortKeysDeep(value), null, indent)}\n`;
}

export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
