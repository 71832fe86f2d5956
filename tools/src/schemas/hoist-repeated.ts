import { createHash } from "node:crypto";
import { DEFINITIONS_REF_PREFIX } from "./convert-node.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.js";
import { sortKeysDeep } from "./stable-json.js";

/** Subschemas smaller than this (serialized) are left inline. */
const MIN_HOISTED_LENGTH = 1000;

/**
 * Moves subschemas that occur more than once in `body` into shared definitions and refers to
 * them with `$ref`. CRDs inline everything (Argo CD's ApplicationSet repeats the Application
 * spec in every generator); sharing cuts the file size and ajv's compile time by an order of
 * magnitude without changing what validates.
 */
export function hoistRepeatedSubschemas(body: JsonObject): { body: JsonObject; definitions: Map<string, JsonObject> } {
  const occurrences = new Map<string, { count: number; label: string }>();
  forEachSubschema(body, "root", (schema, label) => {
    if (!isHoistable(schema)) return;
    const key = canonical(schema);
    if (key.length < MIN_HOISTED_LENGTH) return;
    const seen = occurrences.get(key);
    if (seen) seen.count += 1;
    else occurrences.set(key, { count: 1, label });
  });

  const names = new Map<string, string>();
  for (const [key, { count, label }] of occurrences) {
    if (count > 1) names.set(key, `${label}.${createHash("sha256").update(key).digest("hex").slice(0, 8)}`);
  }
  const definitions = new Map<string, JsonObject>();
  const replace = (schema: JsonObject): JsonObject => {
    const name = isHoistable(schema) ? names.get(canonical(schema)) : undefined;
    if (name === undefined) return mapSubschemas(schema, replace);
    if (!definitions.has(name)) definitions.set(name, mapSubschemas(schema, replace));
    return { $ref: DEFINITIONS_REF_PREFIX + name };
  };
  return { body: mapSubschemas(body, replace), definitions };
}

// Only schemas that state their own type: a hoisted schema is compiled without its parent's
// type context, and ajv's strictTypes rejects e.g. a lone `required`.
function isHoistable(schema: JsonObject): boolean {
  return schema["type"] !== undefined;
}

function canonical(schema: JsonObject): string {
  return JSON.stringify(sortKeysDeep(schema));
}

/** Visits every subschema below `schema` (not `schema` itself), parents first, in sorted key order. */
function forEachSubschema(schema: JsonObject, label: string, visit: (schema: JsonObject, label: string) => void): void {
  mapSubschemas(schema, (sub, subLabel) => {
    visit(sub, subLabel);
    forEachSubschema(sub, subLabel, visit);
    return sub;
  }, label);
}

function mapSubschemas(
  schema: JsonObject,
  map: (sub: JsonObject, label: string) => JsonObject,
  label = "root",
): JsonObject {
  const out: JsonObject = {};
  const apply = (value: JsonValue, subLabel: string): JsonValue => (isJsonObject(value) ? map(value, subLabel) : value);
  for (const key of Object.keys(schema).sort()) {
    const value = schema[key] as JsonValue;
    if (key === "properties" && isJsonObject(value)) {
      const props: JsonObject = {};
      for (const name of Object.keys(value).sort()) props[name] = apply(value[name] as JsonValue, name);
      out[key] = props;
    } else if (key === "items" || key === "additionalProperties") {
      out[key] = apply(value, `${label}${key === "items" ? "Item" : "Value"}`);
    } else if (key === "not") {
      out[key] = apply(value, label);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((sub) => apply(sub, label));
    } else {
      out[key] = value;
    }
  }
  return out;
}
