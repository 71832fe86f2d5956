import { DEFINITIONS_REF_PREFIX } from "./convert-node.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.js";
import { compareStrings } from "./stable-json.js";

/** Converted named schemas (`#/definitions/<name>`), e.g. everything in one OpenAPI document. */
export type DefinitionLibrary = ReadonlyMap<string, JsonObject>;

export const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/** The definitions reachable from `root` through `#/definitions/...` refs, sorted by name. */
export function collectDefinitions(root: JsonValue, library: DefinitionLibrary): JsonObject {
  const found = new Set<string>();
  const pending = [...refsIn(root)];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (found.has(name)) continue;
    const definition = library.get(name);
    if (definition === undefined) throw new Error(`unresolved $ref to definition "${name}"`);
    found.add(name);
    pending.push(...refsIn(definition));
  }
  const definitions: JsonObject = {};
  for (const name of [...found].sort(compareStrings)) definitions[name] = library.get(name) as JsonObject;
  return definitions;
}

function refsIn(value: JsonValue): string[] {
  const refs: string[] = [];
  const walk = (node: JsonValue): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isJsonObject(node)) return;
    for (const [key, child] of Object.entries(node)) {
      if (key === "$ref" && typeof child === "string" && child.startsWith(DEFINITIONS_REF_PREFIX)) {
        refs.push(child.slice(DEFINITIONS_REF_PREFIX.length));
      } else if (key !== "enum" && key !== "const") {
        walk(child);
      }
    }
  };
  walk(value);
  return refs;
}
