import { isJsonObject } from "../model/resource.js";

/**
 * Label selectors: the one reader and the one matcher of the model. Kubernetes and Istio take only a map of string values; anything else is rejected by
 * the API server's schema and Istio's decoder, so such a selector selects nothing (it is never the
 * empty, select-everything selector).
 */

/** A label map as read: `labels` (`{}` when absent), or why it is invalid. */
export type LabelMapRead = { labels: Record<string, string>; invalid: undefined } | { labels: undefined; invalid: string };

/**
 * Reads a label map (matchLabels, a Service selector, workloadSelector labels, subset labels, sourceLabels)
 * written at `path`: `{}` when absent (undefined or null); invalid when it is not a map or a value is not a string.
 */
export function readLabelMap(value: unknown, path: string): LabelMapRead {
  if (value === undefined || value === null) return { labels: {}, invalid: undefined };
  if (!isJsonObject(value)) return { labels: undefined, invalid: `${path} is ${JSON.stringify(value)}, not a map` };
  const labels: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "string") return { labels: undefined, invalid: `${path}.${key} is ${JSON.stringify(entry)}, not a string (quote it)` };
    labels[key] = entry;
  }
  return { labels, invalid: undefined };
}

/**
 * The labels of a selector (matchLabels, a Service selector, workloadSelector labels, subset labels):
 * `{}` when absent, and null when it is invalid (see readLabelMap). Callers must treat null as "matches
 * nothing", never as the empty (select-all) selector.
 */
export function selectorMap(value: unknown): Record<string, string> | null {
  return readLabelMap(value, "labels").labels ?? null;
}

/**
 * A workload selector `{ matchLabels: {...} }`: `labels` undefined when absent or empty (namespace-wide),
 * `invalid` when the selector, its matchLabels or a value has the wrong type (it applies to no workload).
 */
export function readMatchLabels(selector: unknown): { labels: Record<string, string> | undefined; invalid: string | undefined } {
  if (selector === undefined || selector === null) return { labels: undefined, invalid: undefined };
  if (!isJsonObject(selector)) return { labels: undefined, invalid: `selector is ${JSON.stringify(selector)}, not a map` };
  const read = readLabelMap(selector["matchLabels"], "selector.matchLabels");
  if (read.invalid !== undefined) return { labels: undefined, invalid: read.invalid };
  return { labels: Object.keys(read.labels).length > 0 ? read.labels : undefined, invalid: undefined };
}

/** Kubernetes matchLabels semantics: every selector label is among the labels; never for a null (invalid) selector. */
export function labelsMatch(selector: Readonly<Record<string, string>> | null, labels: Readonly<Record<string, string>>): boolean {
  if (selector === null) return false;
  for (const key of Object.keys(selector)) if (!Object.hasOwn(labels, key) || labels[key] !== selector[key]) return false;
  return true;
}

/** Labels as `k=v,k2=v2`, the way Kubernetes prints a selector. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/** A selector's entries as written, for messages (`app=5` for a selector selectorMap rejects). */
export function formatSelector(value: unknown): string {
  if (!isJsonObject(value)) return "";
  return Object.entries(value)
    .map(([key, entry]) => `${key}=${typeof entry === "string" ? entry : JSON.stringify(entry)}`)
    .join(",");
}
