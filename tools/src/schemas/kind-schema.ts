import { DEFINITIONS_REF_PREFIX } from "./convert-node.js";
import { collectDefinitions, OBJECT_META, type DefinitionLibrary } from "./definitions.js";
import { hoistRepeatedSubschemas } from "./hoist-repeated.js";
import { isJsonObject, type JsonObject } from "./json-value.js";
import { DNS1123_SUBDOMAIN_PATTERN, SUBDOMAIN_MAX } from "../validate/name-formats.js";

export interface GroupVersionKind {
  /** "" for the core group. */
  group: string;
  version: string;
  kind: string;
}

/** One generated, self-contained schema for a top-level kind. */
export interface KindSchema extends GroupVersionKind {
  apiVersion: string;
  schema: JsonObject;
}

export const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

export function apiVersionOf(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

/**
 * The name of a custom resource: a DNS-1123 subdomain (apiextensions-apiserver validates custom
 * resources' ObjectMeta with `NameIsDNSSubdomain`). Built-in kinds each have their own rule.
 */
export const DNS_SUBDOMAIN_NAME: JsonObject = { type: "string", maxLength: SUBDOMAIN_MAX, pattern: DNS1123_SUBDOMAIN_PATTERN };

export interface AssembleOptions {
  /** A schema for metadata.name, on top of ObjectMeta's (custom resources: {@link DNS_SUBDOMAIN_NAME}). */
  name?: JsonObject;
}

/**
 * Turns the converted root schema of a kind into a self-contained document: apiVersion and kind
 * are pinned, metadata is the (strict) Kubernetes ObjectMeta, and every reachable definition is
 * copied into `definitions`.
 */
export function assembleKindSchema(
  gvk: GroupVersionKind,
  root: JsonObject,
  library: DefinitionLibrary,
  comment: string,
  options: AssembleOptions = {},
): KindSchema {
  const apiVersion = apiVersionOf(gvk.group, gvk.version);
  const properties: JsonObject = isJsonObject(root["properties"]) ? { ...root["properties"] } : {};
  properties["apiVersion"] = { type: "string", const: apiVersion };
  properties["kind"] = { type: "string", const: gvk.kind };
  const objectMeta = { $ref: DEFINITIONS_REF_PREFIX + OBJECT_META };
  properties["metadata"] = options.name === undefined ? objectMeta : { allOf: [objectMeta, { type: "object", properties: { name: options.name } }] };
  const sourceRequired = Array.isArray(root["required"]) ? root["required"] : [];
  const required = [...new Set(["apiVersion", "kind", "metadata", ...sourceRequired])];
  const hoisted = hoistRepeatedSubschemas({ ...root, type: "object", properties, required });
  const schema: JsonObject = { $schema: DRAFT_07, $comment: comment, ...hoisted.body };
  const definitions = collectDefinitions(hoisted.body, new Map([...library, ...hoisted.definitions]));
  if (Object.keys(definitions).length > 0) schema["definitions"] = definitions;
  return { ...gvk, apiVersion, schema };
}
