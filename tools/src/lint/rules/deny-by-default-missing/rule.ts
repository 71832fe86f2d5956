import type { Resource } from "../../../model/resource.js";
import { isAllowNothing } from "../../../mesh/authorization-policy.js";
import { ROOT_NAMESPACE, namespaceOf } from "../../../mesh/hosts.js";
import { isNamespaceWide } from "../../../mesh/policy-scope.js";
import { listNames } from "../../messages.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "deny-by-default-missing",
  severity: "warning",
  summary: "Every namespace with workloads denies by default (an allow-nothing AuthorizationPolicy)",
  appliesTo: ["Namespace", "Service", "Deployment", "StatefulSet", "DaemonSet", "Pod"],
  reads: ["AuthorizationPolicy", "Namespace", "Service", "Deployment", "StatefulSet", "DaemonSet", "Pod"],
  *check(index) {
    // Only a whole environment shows that no such policy exists anywhere.
    if (index.environment === undefined) return;
    const denyByDefault = new Set<string>();
    for (const policy of index.istio("AuthorizationPolicy")) {
      if (isAllowNothing(policy) && isNamespaceWide(policy)) denyByDefault.add(namespaceOf(policy));
    }
    if (denyByDefault.has(ROOT_NAMESPACE)) return;
    const namespaceObjects = new Map(index.kind("Namespace").map((ns) => [ns.name, ns] as const));
    for (const namespace of index.namespacesWithWorkloads()) {
      if (denyByDefault.has(namespace)) continue;
      const workloads = index.workloadsIn(namespace);
      const anchor: Resource | undefined = namespaceObjects.get(namespace) ?? workloads[0]?.source;
      if (anchor === undefined) continue;
      const where = anchor.kind === "Namespace" ? "this namespace" : `namespace ${namespace}`;
      yield {
        resource: anchor,
        pointer: "",
        message:
          `${where} has workloads (${listNames(workloads.map((w) => w.name))}) but no allow-nothing AuthorizationPolicy ` +
          `(spec: {}, no selector), neither in it nor mesh-wide in ${ROOT_NAMESPACE}, so a workload no ALLOW policy ` +
          `selects accepts every request. Add an AuthorizationPolicy with spec: {} to ${anchor.kind === "Namespace" ? "it" : namespace}`,
      };
    }
  },
};

export default rule;
