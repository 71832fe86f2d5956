import type { Ajv, ErrorObject, SchemaValidateFunction } from "ajv";

/**
 * Keyword of our schemas for a CRD list with `x-kubernetes-list-type: map`: the names of the
 * fields that identify an item (Kubernetes' `x-kubernetes-list-map-keys`, kept under its own
 * name). No two items may have the same values there; an item that lacks a key field counts as
 * "unspecified" for it, the same for every item (apiextensions-apiserver `validateListMap`).
 */
export const LIST_MAP_KEYS = "x-kubernetes-list-map-keys";

/** Registers the keywords our schemas use beyond draft-07 (JSON-Schema validators that do not know them ignore them). */
export function addKubernetesKeywords(ajv: Ajv): void {
  ajv.addKeyword({ keyword: LIST_MAP_KEYS, type: "array", schemaType: "array", errors: true, validate: validateListMapKeys as SchemaValidateFunction });
}

function validateListMapKeys(keys: string[], data: unknown[], _schema: unknown, context?: { instancePath?: string }): boolean {
  const seen = new Map<string, { first: number; count: number }>();
  const errors: ErrorObject[] = [];
  data.forEach((item, index) => {
    const values = keys.map((key) => (typeof item === "object" && item !== null && key in item ? (item as Record<string, unknown>)[key] : UNSPECIFIED));
    const id = JSON.stringify(values, (_key, value: unknown) => (value === UNSPECIFIED ? { unspecified: true } : value));
    const earlier = seen.get(id);
    if (earlier === undefined) {
      seen.set(id, { first: index, count: 1 });
      return;
    }
    // Like the API server, only the second appearance of a key is reported.
    if (earlier.count++ > 1) return;
    const first = earlier.first;
    errors.push({
      keyword: LIST_MAP_KEYS,
      instancePath: `${context?.instancePath ?? ""}/${index}`,
      schemaPath: `#/${LIST_MAP_KEYS}`,
      params: { keys, duplicateOf: first, values: keys.map((key, i) => [key, values[i] === UNSPECIFIED ? undefined : values[i]]) },
      message: `duplicate key`,
    });
  });
  validateListMapKeys.errors = errors;
  return errors.length === 0;
}
validateListMapKeys.errors = [] as ErrorObject[];

const UNSPECIFIED = Symbol("unspecified");
