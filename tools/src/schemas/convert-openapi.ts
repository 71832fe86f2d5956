import { convertNode } from "./convert-node.js";
import { type DefinitionLibrary } from "./definitions.js";
import { isJsonObject, type JsonObject } from "./json-value.js";
import { assembleKindSchema, type GroupVersionKind, type KindSchema } from "./kind-schema.js";

const SOURCE_REF_PREFIX = "#/components/schemas/";

/** Group and version served by a Kubernetes `api/openapi-spec/v3/*_openapi.json` file, from its name. */
export function groupVersionOfSpecFile(file: string): { group: string; version: string } {
  const base = file.split("/").pop() ?? file;
  const core = /^api__(v[0-9a-z]+)_openapi\.json$/.exec(base);
  if (core?.[1] !== undefined) return { group: "", version: core[1] };
  const named = /^apis__([a-z0-9.-]+)__(v[0-9a-z]+)_openapi\.json$/.exec(base);
  if (named?.[1] !== undefined && named[2] !== undefined) return { group: named[1], version: named[2] };
  throw new Error(`cannot tell the API group/version of ${file} (expected api__<v>_openapi.json or apis__<group>__<v>_openapi.json)`);
}

function schemasOf(document: unknown): JsonObject {
  const components = isJsonObject(document) ? document["components"] : undefined;
  const schemas = isJsonObject(components) ? components["schemas"] : undefined;
  if (!isJsonObject(schemas)) throw new Error("OpenAPI document has no components.schemas");
  return schemas;
}

/** Converts every named schema of an OpenAPI v3 document. */
export function convertOpenApiDefinitions(document: unknown): DefinitionLibrary {
  const library = new Map<string, JsonObject>();
  for (const [name, schema] of Object.entries(schemasOf(document))) {
    try {
      library.set(name, convertNode(schema, "", { flavor: "openapi", sourceRefPrefix: SOURCE_REF_PREFIX }));
    } catch (error) {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return library;
}

/**
 * The top-level kinds the document serves for its own group/version. Skipped: List kinds, kinds
 * of other groups that appear as subresource bodies (Scale, Eviction, TokenRequest...) and the
 * meta kinds that carry many group-version-kinds (Status, DeleteOptions, WatchEvent...).
 */
export function kindsOfOpenApiDocument(document: unknown, served: { group: string; version: string }): Array<{ name: string; gvk: GroupVersionKind }> {
  const kinds: Array<{ name: string; gvk: GroupVersionKind }> = [];
  for (const [name, schema] of Object.entries(schemasOf(document))) {
    const gvks = isJsonObject(schema) ? schema["x-kubernetes-group-version-kind"] : undefined;
    if (!Array.isArray(gvks) || gvks.length !== 1 || !isJsonObject(gvks[0])) continue;
    const { group, version, kind } = gvks[0];
    if (typeof group !== "string" || typeof version !== "string" || typeof kind !== "string") continue;
    if (group !== served.group || version !== served.version || kind.endsWith("List")) continue;
    if (name.startsWith("io.k8s.apimachinery.")) continue;
    kinds.push({ name, gvk: { group, version, kind } });
  }
  return kinds;
}

export interface OpenApiConversion {
  kinds: KindSchema[];
  /** All converted definitions of the document (CRD conversion borrows ObjectMeta from here). */
  library: DefinitionLibrary;
}

export function convertOpenApiDocument(document: unknown, file: string, comment: string): OpenApiConversion {
  const served = groupVersionOfSpecFile(file);
  const library = convertOpenApiDefinitions(document);
  const kinds = kindsOfOpenApiDocument(document, served).map(({ name, gvk }) =>
    assembleKindSchema(gvk, library.get(name) as JsonObject, library, comment),
  );
  return { kinds, library };
}
