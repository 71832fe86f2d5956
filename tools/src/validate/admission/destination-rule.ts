import type { Resource } from "../../model/resource.js";
import { subsetNameError } from "./destinations.js";
import { checkExportTo } from "./export-to.js";
import { wildcardDomainError } from "./hosts.js";
import { checkLabels, checkMatchLabelsSelector } from "./selectors.js";
import { arr, FieldPath, has, obj, str, text, type Problems } from "./report.js";
import { checkTrafficPolicy } from "./traffic-policy.js";

export function checkDestinationRule(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  const host = text(spec, "host");
  const hostErr = wildcardDomainError(host);
  if (hostErr !== undefined) problems.error(at.field("host"), hostErr);
  checkTrafficPolicy(problems, spec, at);
  const names = new Set<string>();
  arr(spec["subsets"]).forEach((item, i) => {
    const sp = at.field("subsets").index(i);
    const subset = obj(item);
    if (subset === undefined) {
      problems.error(sp, "subset may not be null");
      return;
    }
    const name = str(subset["name"]) ?? "";
    if (names.has(name)) problems.error(sp.field("name"), `duplicate subset names: ${name} (Istio keeps the first, this one is ignored)`);
    names.add(name);
    const nameErr = subsetNameError(name);
    if (nameErr !== undefined) problems.error(sp.field("name"), nameErr);
    checkLabels(problems, subset["labels"], sp.field("labels"));
    checkTrafficPolicy(problems, subset, sp);
  });
  checkExportTo(problems, spec, at, resource.namespace, { destinationRuleWithSelector: has(spec, "workloadSelector") });
  checkMatchLabelsSelector(problems, spec, "workloadSelector", at);
}
