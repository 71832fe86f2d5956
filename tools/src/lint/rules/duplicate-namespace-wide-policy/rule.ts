import { ROOT_NAMESPACE } from "../../mesh-index.js";
import { namespaceWideByNamespace } from "../../policy-model.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "duplicate-namespace-wide-policy",
  severity: "error",
  summary: "At most one PeerAuthentication and one RequestAuthentication without a selector per namespace",
  appliesTo: ["PeerAuthentication", "RequestAuthentication"],
  reads: ["PeerAuthentication", "RequestAuthentication"],
  *check(index) {
    for (const kind of ["PeerAuthentication", "RequestAuthentication"] as const) {
      for (const [namespace, group] of namespaceWideByNamespace(index.istio(kind))) {
        if (group.length < 2) continue;
        const scope = namespace === ROOT_NAMESPACE ? "mesh-wide (root namespace)" : `in namespace ${namespace}`;
        for (const resource of group) {
          const others = group.filter((r) => r !== resource).map((r) => r.name);
          yield {
            resource,
            pointer: "/spec",
            ...(kind === "RequestAuthentication" ? { severity: "warning" as const } : {}),
            message:
              kind === "PeerAuthentication"
                ? `one of ${group.length} PeerAuthentications without a selector ${scope} (also: ${others.join(", ")}): ` +
                  `Istio uses only the oldest by creation time and ignores the others, so which mTLS mode applies ` +
                  `depends on the order they were created. Keep one, or give the others a selector`
                : `one of ${group.length} RequestAuthentications without a selector ${scope} (also: ${others.join(", ")}): ` +
                  `Istio applies all of them and combines their jwtRules, so a token from any of their issuers is ` +
                  `accepted for every workload here. Merge them into one, or give the others a selector`,
          };
        }
      }
    }
  },
};

export default rule;
