import { isJsonObject, type JsonObject } from "../model/resource.js";

/**
 * Defensive readers of parsed YAML: every object reaching the model passed no schema yet (lint runs on
 * files as written), so a field of the wrong type reads as absent instead of throwing.
 */

export function objectAt(value: unknown, key: string): JsonObject {
  const child = isJsonObject(value) ? value[key] : undefined;
  return isJsonObject(child) ? child : {};
}

export function arrayAt(value: unknown, key: string): unknown[] {
  const child = isJsonObject(value) ? value[key] : undefined;
  return Array.isArray(child) ? child : [];
}

export function stringMap(value: unknown): Record<string, string> {
  if (!isJsonObject(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === "string") result[key] = entry;
  return result;
}

/** The strings of a list, numbers as their decimal text (proto string lists written as YAML numbers, such as ports). */
export function stringValues(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === "number" ? String(v) : v)).filter((v): v is string => typeof v === "string") : [];
}

/** A JSON serialisation with sorted keys, so that equal objects compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
