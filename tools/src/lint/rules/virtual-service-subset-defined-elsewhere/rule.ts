import type { LintRule } from "../../rule.js";
import { missingSubsets } from "../../subset-references.js";
import { missingSubsetReport } from "../virtual-service-subset-not-found/rule.js";

const rule: LintRule = {
  id: "virtual-service-subset-defined-elsewhere",
  severity: "error",
  summary: "A subset a VirtualService routes to is defined by the DestinationRule that applies, not only by another one for the host",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "DestinationRule", "Service", "ServiceEntry"],
  *check(index) {
    for (const missing of missingSubsets(index)) {
      // The subset is nowhere defined for the host: virtual-service-subset-not-found (IST0101) reports it.
      if (missing.seenByIstioctl) continue;
      yield missingSubsetReport(missing);
    }
  },
};

export default rule;
