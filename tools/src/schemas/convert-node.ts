import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.js";
import { LIST_MAP_KEYS } from "./list-map.js";

/**
 * Converts one Kubernetes-flavoured OpenAPI v3 schema node (from the built-in OpenAPI spec or
 * from a CRD's openAPIV3Schema) into a draft-07 JSON Schema that ajv accepts in strict mode and
 * that is as strict as the API server: unknown fields are errors.
 */
export interface ConvertNodeOptions {
  /**
   * "crd": structural-schema semantics (an object without properties/additionalProperties and
   * without x-kubernetes-preserve-unknown-fields has all its fields pruned, so only `{}` is valid;
   * x-kubernetes-list-type=set is enforced). "openapi": built-in types, where a bare object
   * (RawExtension, FieldsV1) holds arbitrary JSON.
   */
  flavor: "crd" | "openapi";
  /** Prefix of `$ref`s in the source, e.g. "#/components/schemas/". */
  sourceRefPrefix?: string;
  /** Called for every x-kubernetes-validations rule with its path into the object. */
  onRule?: (path: string, rule: JsonObject) => void;
}

export const DEFINITIONS_REF_PREFIX = "#/definitions/";

/** Formats kept because ajv-formats knows them and they mean the same as in Kubernetes. */
const KEPT_FORMATS = new Set(["byte", "date", "date-time", "double", "float", "int32", "int64"]);

/** Documentation-only or server-side-apply keys: they do not change what the API server accepts. */
const DROPPED_KEYS = new Set([
  "description",
  "title",
  "default",
  "example",
  "externalDocs",
  "readOnly",
  "writeOnly",
  "deprecated",
  "discriminator",
  "x-kubernetes-map-type",
  "x-kubernetes-patch-merge-key",
  "x-kubernetes-patch-strategy",
  "x-kubernetes-unions",
  "x-kubernetes-group-version-kind",
  "x-kubernetes-selectable-fields",
]);

const COPIED_KEYS = new Set([
  "type",
  "enum",
  "const",
  "required",
  "maximum",
  "minimum",
  "multipleOf",
  "maxLength",
  "minLength",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
]);

const STRING_KEYWORDS = new Set(["maxLength", "minLength", "pattern", "format"]);
const NUMBER_KEYWORDS = new Set(["maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf"]);

interface NodeFlags {
  nullable: boolean;
  intOrString: boolean;
  preserveUnknown: boolean;
  embeddedResource: boolean;
  listType: string | undefined;
  listMapKeys: JsonValue | undefined;
}

/** Converts `node`, found at `path` (JSON-pointer-like, `*` for items and map values) of the object. */
export function convertNode(node: JsonValue, path: string, options: ConvertNodeOptions): JsonObject {
  return convertAt(node, path, options, true);
}

// `structural` is false below allOf/anyOf/oneOf/not: those only add value validations
// and must not close objects (their properties are declared in the structural part).
function convertAt(node: JsonValue, path: string, options: ConvertNodeOptions, structural: boolean): JsonObject {
  if (!isJsonObject(node)) throw new Error(`schema at "${path}" is not an object`);
  const out: JsonObject = {};
  const flags: NodeFlags = { nullable: false, intOrString: false, preserveUnknown: false, embeddedResource: false, listType: undefined, listMapKeys: undefined };
  let exclusiveMaximum = false;
  let exclusiveMinimum = false;

  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (COPIED_KEYS.has(key)) {
      out[key] = value;
      continue;
    }
    switch (key) {
      case "$ref":
        out["$ref"] = rewriteRef(value, path, options);
        break;
      case "format":
        if (value === "int-or-string") flags.intOrString = true;
        else if (typeof value === "string" && KEPT_FORMATS.has(value)) out["format"] = value;
        break;
      case "pattern":
        out["pattern"] = checkPattern(value, path);
        break;
      case "exclusiveMaximum":
        exclusiveMaximum = value === true;
        break;
      case "exclusiveMinimum":
        exclusiveMinimum = value === true;
        break;
      case "nullable":
        flags.nullable = value === true;
        break;
      case "x-kubernetes-int-or-string":
        flags.intOrString = value === true;
        break;
      case "x-kubernetes-preserve-unknown-fields":
        flags.preserveUnknown = value === true;
        break;
      case "x-kubernetes-embedded-resource":
        flags.embeddedResource = value === true;
        break;
      case "x-kubernetes-list-type":
        flags.listType = typeof value === "string" ? value : undefined;
        break;
      case "x-kubernetes-list-map-keys":
        flags.listMapKeys = value;
        break;
      case "x-kubernetes-validations":
        reportRules(value, path, options);
        break;
      case "properties":
        out["properties"] = convertProperties(value, path, options, structural);
        break;
      case "additionalProperties":
        out["additionalProperties"] =
          typeof value === "boolean" ? value : convertAt(value, `${path}/*`, options, structural);
        break;
      case "items":
        if (Array.isArray(value)) throw new Error(`schema at "${path}": tuple "items" is not supported`);
        out["items"] = convertAt(value, `${path}/*`, options, structural);
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        if (!Array.isArray(value)) throw new Error(`schema at "${path}": "${key}" must be an array`);
        out[key] = value.map((sub) => convertAt(sub, path, options, false));
        break;
      case "not":
        out["not"] = convertAt(value, path, options, false);
        break;
      default:
        throw new Error(`schema at "${path}": unsupported keyword "${key}"`);
    }
  }

  // OpenAPI 3.0 booleans become draft-07 numbers.
  if (exclusiveMaximum && typeof out["maximum"] === "number") {
    out["exclusiveMaximum"] = out["maximum"];
    delete out["maximum"];
  }
  if (exclusiveMinimum && typeof out["minimum"] === "number") {
    out["exclusiveMinimum"] = out["minimum"];
    delete out["minimum"];
  }
  if (options.flavor === "crd") enforceListType(out, flags, path);

  const typed = flags.intOrString ? applyIntOrString(out) : out;
  if (structural) closeObject(typed, flags, options);
  else declareRequired(typed);
  const result = flags.nullable ? allowNull(typed) : typed;
  return simplifyRef(result);
}

/**
 * The API server checks the uniqueness invariants of a CRD's lists (apiextensions-apiserver
 * `listtype.ValidateListSetsAndMaps`): a `set` holds no item twice (`uniqueItems`), a `map` no two
 * items with the same key fields ({@link LIST_MAP_KEYS}, a keyword of our own that the validator
 * registers). Built-in kinds' list types only steer server-side apply: not enforced there.
 */
function enforceListType(out: JsonObject, flags: NodeFlags, path: string): void {
  if (flags.listType === "set") out["uniqueItems"] = true;
  if (flags.listType !== "map") return;
  const keys = flags.listMapKeys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((key) => typeof key === "string")) {
    throw new Error(`schema at "${path}": x-kubernetes-list-type map needs x-kubernetes-list-map-keys (field names)`);
  }
  out[LIST_MAP_KEYS] = keys;
}

function convertProperties(value: JsonValue, path: string, options: ConvertNodeOptions, structural: boolean): JsonObject {
  if (!isJsonObject(value)) throw new Error(`schema at "${path}": "properties" must be an object`);
  const props: JsonObject = {};
  for (const [name, sub] of Object.entries(value)) {
    props[name] = convertAt(sub, `${path}/${escapePointer(name)}`, options, structural);
  }
  return props;
}

function rewriteRef(value: JsonValue, path: string, options: ConvertNodeOptions): string {
  const prefix = options.sourceRefPrefix;
  if (typeof value !== "string" || prefix === undefined || !value.startsWith(prefix)) {
    throw new Error(`schema at "${path}": unsupported $ref ${JSON.stringify(value)}`);
  }
  return DEFINITIONS_REF_PREFIX + value.slice(prefix.length);
}

function checkPattern(value: JsonValue, path: string): string {
  if (typeof value !== "string") throw new Error(`schema at "${path}": "pattern" must be a string`);
  try {
    // ajv compiles patterns with the "u" flag; fail the build rather than ship a schema ajv rejects.
    new RegExp(value, "u");
  } catch (error) {
    throw new Error(`schema at "${path}": pattern ${JSON.stringify(value)} is not a valid JS regexp: ${String(error)}`);
  }
  return value;
}

function reportRules(value: JsonValue, path: string, options: ConvertNodeOptions): void {
  if (!Array.isArray(value)) throw new Error(`schema at "${path}": x-kubernetes-validations must be an array`);
  for (const rule of value) {
    if (!isJsonObject(rule) || typeof rule["rule"] !== "string") {
      throw new Error(`schema at "${path}": x-kubernetes-validations entry without a rule`);
    }
    options.onRule?.(path, rule);
  }
}

/** `anyOf: [{type: integer}, {type: string}]`, moving string/number keywords into their branch (ajv strictTypes). */
function applyIntOrString(schema: JsonObject): JsonObject {
  const integerBranch: JsonObject = { type: "integer" };
  const stringBranch: JsonObject = { type: "string" };
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "type") continue;
    if ((key === "anyOf" || key === "oneOf") && isPlainIntOrString(value)) continue;
    if (STRING_KEYWORDS.has(key)) stringBranch[key] = value;
    else if (NUMBER_KEYWORDS.has(key)) integerBranch[key] = value;
    else rest[key] = value;
  }
  const anyOf = [integerBranch, stringBranch];
  if (rest["anyOf"] === undefined) return { ...rest, anyOf };
  const { anyOf: otherAnyOf, ...others } = rest;
  return { ...others, allOf: [{ anyOf }, { anyOf: otherAnyOf as JsonValue }] };
}

function isPlainIntOrString(value: JsonValue): boolean {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const types = value.map((branch) => (isJsonObject(branch) && Object.keys(branch).length === 1 ? branch["type"] : undefined));
  return types.includes("integer") && types.includes("string");
}

function closeObject(schema: JsonObject, flags: NodeFlags, options: ConvertNodeOptions): void {
  if (schema["type"] === undefined) {
    if (schema["properties"] !== undefined || schema["additionalProperties"] !== undefined) schema["type"] = "object";
    else if (schema["items"] !== undefined) schema["type"] = "array";
  }
  if (schema["type"] !== "object") return;
  if (flags.embeddedResource && !flags.preserveUnknown) {
    // The API server accepts (and validates itself) the TypeMeta/ObjectMeta of an embedded object.
    const props = isJsonObject(schema["properties"]) ? schema["properties"] : {};
    props["apiVersion"] ??= { type: "string" };
    props["kind"] ??= { type: "string" };
    props["metadata"] ??= { type: "object" };
    schema["properties"] = props;
  }
  if (flags.preserveUnknown || schema["additionalProperties"] !== undefined) return;
  if (schema["properties"] !== undefined || options.flavor === "crd") schema["additionalProperties"] = false;
}

// ajv's strictRequired wants every required name declared next to it. In value-validation
// branches (Istio's "one of" encoding: `oneOf: [{required: [a]}, ...]`) the property is declared
// in the structural part; `true` re-declares it without adding any constraint.
function declareRequired(schema: JsonObject): void {
  const required = schema["required"];
  if (!Array.isArray(required) || required.length === 0) return;
  const props: JsonObject = isJsonObject(schema["properties"]) ? schema["properties"] : {};
  for (const name of required) if (typeof name === "string") props[name] ??= true;
  schema["properties"] = props;
}

function allowNull(schema: JsonObject): JsonObject {
  const type = schema["type"];
  if (typeof type !== "string") return { anyOf: [schema, { type: "null" }] };
  const result: JsonObject = { ...schema, type: [type, "null"] };
  if (Array.isArray(schema["enum"]) && !schema["enum"].includes(null)) result["enum"] = [...schema["enum"], null];
  if (schema["const"] !== undefined) {
    delete result["const"];
    result["enum"] = [schema["const"], null];
  }
  return result;
}

// Draft-07 ignores keywords next to $ref, so a $ref must stand alone.
function simplifyRef(schema: JsonObject): JsonObject {
  const keys = Object.keys(schema);
  const allOf = schema["allOf"];
  if (keys.length === 1 && Array.isArray(allOf) && allOf.length === 1 && isJsonObject(allOf[0])) {
    const only = allOf[0];
    if (Object.keys(only).length === 1 && typeof only["$ref"] === "string") return only;
  }
  if (schema["$ref"] === undefined || keys.length === 1) return schema;
  const { $ref, ...rest } = schema;
  const existing = Array.isArray(rest["allOf"]) ? rest["allOf"] : [];
  return { ...rest, allOf: [{ $ref: $ref as JsonValue }, ...existing] };
}

export function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}
