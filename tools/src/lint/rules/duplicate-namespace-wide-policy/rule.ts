import { duplicateNamespaceWide } from "../../namespace-wide-duplicates.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "duplicate-namespace-wide-policy",
  severity: "error",
  summary: "At most one PeerAuthentication and one RequestAuthentication without a selector per namespace",
  appliesTo: ["PeerAuthentication", "RequestAuthentication"],
  reads: ["PeerAuthentication", "RequestAuthentication"],
  *check(index) {
    yield* duplicateNamespaceWide(index.istio("PeerAuthentication"), {
      plural: "PeerAuthentications",
      selectorField: "selector",
      consequence:
        "Istio uses only the oldest by creation time and ignores the others, so which mTLS mode applies depends on the order they were created",
      fix: "Keep one, or give the others a selector",
    });
    yield* duplicateNamespaceWide(index.istio("RequestAuthentication"), {
      plural: "RequestAuthentications",
      selectorField: "selector",
      consequence: "Istio applies all of them and combines their jwtRules, so a token from any of their issuers is accepted for every workload here",
      fix: "Merge them into one, or give the others a selector",
      severity: "warning",
    });
  },
};

export default rule;
