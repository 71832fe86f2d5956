import { parseAllDocuments } from "yaml";
import { toCelRule, type CelRule } from "./cel-rules.js";
import { convertNode } from "./convert-node.js";
import { type DefinitionLibrary } from "./definitions.js";
import { expectJsonObject, expectString, isJsonObject, type JsonObject } from "./json-value.js";
import { apiVersionOf, assembleKindSchema, DNS_SUBDOMAIN_NAME, type KindSchema } from "./kind-schema.js";

export interface CrdConversion {
  kinds: KindSchema[];
  rules: CelRule[];
}

/** Parses a multi-document YAML file that must contain only CustomResourceDefinitions. */
export function parseCrdDocuments(text: string, file: string): JsonObject[] {
  const crds: JsonObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? "YAML error"}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const crd = expectJsonObject(value, file);
    if (crd["apiVersion"] !== "apiextensions.k8s.io/v1" || crd["kind"] !== "CustomResourceDefinition") {
      throw new Error(`${file}: expected only apiextensions.k8s.io/v1 CustomResourceDefinitions`);
    }
    crds.push(crd);
  }
  return crds;
}

/**
 * One schema per served version of the CRD. `metaLibrary` must hold the Kubernetes ObjectMeta
 * definitions: a CRD only says `metadata: {type: object}`, the API server validates it as ObjectMeta.
 */
export function convertCrd(crd: JsonObject, metaLibrary: DefinitionLibrary, comment: string): CrdConversion {
  const spec = expectJsonObject(crd["spec"], "CRD spec");
  const group = expectString(spec["group"], "CRD spec.group");
  const kind = expectString(expectJsonObject(spec["names"], "CRD spec.names")["kind"], "CRD spec.names.kind");
  const versions = spec["versions"];
  if (!Array.isArray(versions)) throw new Error(`CRD ${kind}.${group}: spec.versions must be an array`);

  const result: CrdConversion = { kinds: [], rules: [] };
  for (const entry of versions) {
    const version = expectJsonObject(entry, `CRD ${kind}.${group} version`);
    if (version["served"] !== true) continue;
    const name = expectString(version["name"], `CRD ${kind}.${group} version name`);
    const apiVersion = apiVersionOf(group, name);
    const schema = isJsonObject(version["schema"]) ? version["schema"]["openAPIV3Schema"] : undefined;
    if (!isJsonObject(schema)) throw new Error(`CRD ${apiVersion} ${kind}: no schema.openAPIV3Schema`);
    try {
      const root = convertNode(schema, "", {
        flavor: "crd",
        onRule: (path, rule) => result.rules.push(toCelRule(apiVersion, kind, path, rule)),
      });
      result.kinds.push(assembleKindSchema({ group, version: name, kind }, root, metaLibrary, comment, { name: DNS_SUBDOMAIN_NAME }));
    } catch (error) {
      throw new Error(`${apiVersion} ${kind}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return result;
}
