import type { JsonObject } from "../../model/resource.js";
import { isDns1123Label } from "./hosts.js";
import { arr, type FieldPath, type Problems } from "./report.js";

/**
 * istiod validateExportTo for VirtualService, DestinationRule and ServiceEntry: `.`, `*`, a namespace,
 * or (ServiceEntry only) `~`; no duplicates (`.` counts as the object's namespace); `*` and `~` alone.
 */
export function checkExportTo(
  problems: Problems,
  spec: JsonObject | undefined,
  at: FieldPath,
  namespace: string | undefined,
  options: { serviceEntry?: boolean; destinationRuleWithSelector?: boolean } = {},
): void {
  const list = arr(spec?.["exportTo"]);
  if (list.length === 0) return;
  const path = at.field("exportTo");
  const ns = namespace ?? ".";
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    if (typeof raw !== "string") return;
    const key = raw === "." ? ns : raw;
    if (seen.has(key)) {
      problems.error(
        path.index(i),
        key !== raw ? `duplicate entries in exportTo: . and current namespace ${ns}` : `duplicate entries in exportTo for entry ${raw}`,
      );
      return;
    }
    if (raw === "~") {
      if (options.serviceEntry === true) seen.add(key);
      else problems.error(path.index(i), "exportTo ~ (none) is not allowed for Istio configuration objects");
      return;
    }
    if (raw !== "." && raw !== "*" && !isDns1123Label(raw)) {
      problems.error(path.index(i), `'${raw}': only .,*,~, or a valid DNS 1123 label is allowed as exportTo entry`);
      return;
    }
    seen.add(key);
  });
  if (options.destinationRuleWithSelector === true && seen.size > 0) {
    if (seen.has(ns)) {
      if (seen.size > 1) problems.error(path, "destination rule with workload selector cannot have multiple entries in exportTo");
    } else {
      problems.error(path, "destination rule with workload selector cannot have exportTo beyond current namespace (use '.')");
    }
  }
  if (seen.has("*") && list.length > 1) {
    problems.error(path, "cannot have both public (*) and non-public exportTo values for a resource");
  }
  if (seen.has("~") && list.length > 1) problems.error(path, "cannot export service entry to no one (~) and someone");
}
