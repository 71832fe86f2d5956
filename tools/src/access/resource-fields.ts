/**
 * Field readers shared by the access engine. The generic ones come from the lint index (stable,
 * committed API); the rest are the small exportTo helpers routing and DestinationRule lookup need.
 */
export { arrayAt, namespaceOf, objectAt, resolveHost, selectorMap, serviceHost, stringMap } from "../lint/mesh-index.js";

/**
 * `exportTo` as written (§4.3): absent or empty = every namespace (`*`); `.` = the declaring namespace;
 * `~` = nobody; otherwise the listed namespaces.
 */
export function isExportedToNamespace(exportTo: readonly string[], declaringNamespace: string, clientNamespace: string): boolean {
  if (exportTo.length === 0) return true;
  return exportTo.some((entry) => {
    const e = entry.trim();
    return e === "*" || e === clientNamespace || (e === "." && declaringNamespace === clientNamespace);
  });
}
