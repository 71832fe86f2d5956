import { isAmbientNamespace } from "../../../mesh/ambient.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import { duplicateNamespaceWide, OLDEST_WINS } from "../../namespace-wide-duplicates.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "duplicate-namespace-wide-sidecar",
  code: "IST0111",
  severity: "error",
  summary: "At most one Sidecar without a workloadSelector per namespace",
  appliesTo: ["Sidecar"],
  reads: ["Sidecar", "Namespace"],
  check(index) {
    // In an ambient namespace no pod has a sidecar: sidecar-in-ambient-mode (IST0167) reports these instead.
    const namespaces = new Map(index.kind("Namespace").map((ns) => [ns.name, ns]));
    const sidecars = index.istio("Sidecar").filter((sidecar) => !isAmbientNamespace(namespaces.get(namespaceOf(sidecar))));
    return duplicateNamespaceWide(sidecars, {
      plural: "Sidecars",
      selectorField: "workloadSelector",
      consequence: OLDEST_WINS,
      fix: "Merge them into one, or give the others a workloadSelector",
    });
  },
};

export default rule;
