import { namespaceOf } from "../../../mesh/hosts.js";
import type { LintRule, RuleReport } from "../../rule.js";
import { missingSubsets, type MissingSubset } from "../../subset-references.js";

const rule: LintRule = {
  id: "virtual-service-subset-not-found",
  code: "IST0101",
  severity: "error",
  summary: "Every subset a VirtualService routes or mirrors to is defined by a DestinationRule for its host",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "DestinationRule", "Service", "ServiceEntry"],
  *check(index) {
    for (const missing of missingSubsets(index)) {
      // Defined for the host elsewhere, though not by the DestinationRule that applies: a stricter check than
      // istioctl's, virtual-service-subset-defined-elsewhere.
      if (!missing.seenByIstioctl) continue;
      yield missingSubsetReport(missing);
    }
  },
};

export default rule;

/**
 * The finding for a subset the applicable DestinationRule does not define (shared with virtual-service-subset-defined-elsewhere):
 * a warning when no DestinationRule applies and the host's service is of another namespace (its DestinationRule may live
 * in another repository).
 */
export function missingSubsetReport(missing: MissingSubset): RuleReport {
  const { vs, destination, applied, definers } = missing;
  const namespace = namespaceOf(vs);
  const what = `${destination.label}: subset "${destination.subset ?? ""}" of "${destination.host}"`;
  const pointer = `${destination.pointer}/subset`;
  const elsewhere =
    definers.length === 0
      ? ""
      : `; ${definers.map((dr) => `${dr.namespace}/${dr.resource.name}`).join(", ")} define${definers.length === 1 ? "s" : ""} ` +
        `it but do${definers.length === 1 ? "es" : ""} not apply to clients in namespace ${namespace}`;
  if (applied !== undefined) {
    const names = applied.rules.map((dr) => `${dr.namespace}/${dr.resource.name}`).join(", ");
    const subsets = [...new Set(applied.rules.flatMap((dr) => dr.subsets.map((s) => s.name)))];
    return {
      resource: vs,
      pointer,
      message:
        `${what} is not defined by DestinationRule ${names}, the one that applies to ${applied.host} from ` +
        `namespace ${namespace} (subsets: ${subsets.length > 0 ? subsets.join(", ") : "none"})` +
        elsewhere +
        `. Istio has no cluster for the subset, so requests routed to it fail with 503. Add the subset to that DestinationRule`,
    };
  }
  return {
    resource: vs,
    pointer,
    ...(missing.local ? {} : { severity: "warning" as const }),
    message:
      `${what} is defined by no DestinationRule for ${missing.host} that applies here (searched namespaces ${missing.searched.join(", ")}` +
      elsewhere +
      `). Istio has no cluster for the subset, so requests routed to it fail with 503. Add a DestinationRule ` +
      `for the host with this subset, or route without the subset`,
  };
}
