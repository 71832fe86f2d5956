import type { ErrorObject } from "ajv";

/**
 * Keyword of our schemas for a CRD list with `x-kubernetes-list-type: map`: the names of the
 * fields that identify an item (Kubernetes' `x-kubernetes-list-map-keys`, kept under its own
 * name). No two items may have the same values there; an item that lacks a key field counts as
 * "unspecified" for it, the same for every item (apiextensions-apiserver `validateListMap`).
 */
export const LIST_MAP_KEYS = "x-kubernetes-list-map-keys";

/**
 * What the code ajv generates for the keyword calls, under this name: a validator compiled ahead
 * of time (ajv standalone code) receives it as a parameter of its module (compile-validators).
 */
export const LIST_MAP_DUPLICATES = "listMapDuplicates";

/**
 * The errors of the items of `data` whose `keys` repeat an earlier item's: one per repeated key,
 * as ajv reports a keyword's errors (in verbose mode with the keyword's schema and data).
 */
export function listMapDuplicates(keys: string[], data: unknown[], instancePath: string, schemaPath: string, verbose: boolean): ErrorObject[] {
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
      instancePath: `${instancePath}/${index}`,
      schemaPath,
      params: { keys, duplicateOf: first, values: keys.map((key, i) => [key, values[i] === UNSPECIFIED ? undefined : values[i]]) },
      message: `duplicate key`,
      ...(verbose ? { schema: keys, data } : {}),
    });
  });
  return errors;
}

const UNSPECIFIED = Symbol("unspecified");
