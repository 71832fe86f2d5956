import type { Resource } from "../model/resource.js";
import { compareStrings } from "../util/compare-strings.js";
import { objectAt } from "./fields.js";
import { namespaceOf } from "./hosts.js";

/**
 * Istio's order for "the oldest wins" (`sortConfigByCreationTime`): creationTimestamp (absent counts as
 * oldest, as Go's zero time), then name, then namespace, compared as Go compares strings (bytes).
 * Rendered config has no timestamps, so there the order is by name.
 */
export function compareByAge(a: Resource, b: Resource): number {
  const ta = creationTime(a);
  const tb = creationTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareStrings(a.name, b.name) || compareStrings(namespaceOf(a), namespaceOf(b));
}

function creationTime(resource: Resource): number {
  const value = objectAt(resource.object, "metadata")["creationTimestamp"];
  const parsed = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? -Infinity : parsed;
}
