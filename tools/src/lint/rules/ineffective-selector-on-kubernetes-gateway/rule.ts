import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { objectAt, pushTo } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import { labelsMatch, selectorMap } from "../../../mesh/selector.js";
import type { Workload } from "../../../mesh/workloads.js";
import type { LintRule } from "../../rule.js";

const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
const POLICY_KINDS = ["AuthorizationPolicy", "RequestAuthentication", "Telemetry", "WasmPlugin"] as const;

const rule: LintRule = {
  id: "ineffective-selector-on-kubernetes-gateway",
  code: "IST0166",
  severity: "warning",
  summary: "A policy meant for a Kubernetes Gateway's pods names the Gateway with targetRef, not a selector",
  appliesTo: [...POLICY_KINDS],
  reads: [...POLICY_KINDS, "Service", "Deployment", "Pod"],
  *check(index) {
    // The pods Istio deploys for Kubernetes Gateways carry the Gateway's name as a label; a Service that selects
    // them by it implies them where nothing describes them (istioctl, reading the cluster, sees them).
    const gatewayPods = new Map<string, Workload[]>();
    for (const workload of [...index.workloads, ...index.inferredWorkloads]) {
      if (workload.labels[GATEWAY_NAME_LABEL] !== undefined) pushTo(gatewayPods, workload.namespace, workload);
    }
    if (gatewayPods.size === 0) return;
    for (const kind of POLICY_KINDS) {
      for (const policy of index.istio(kind)) {
        const spec = objectAt(policy.object, "spec");
        // As istioctl: a policy with a (singular) targetRef is left alone, one without a selector too.
        if (isJsonObject(spec["targetRef"]) || !isJsonObject(spec["selector"])) continue;
        const labels = selectorMap(objectAt(spec, "selector")["matchLabels"]);
        if (labels === null) continue;
        const gateways = new Set((gatewayPods.get(namespaceOf(policy)) ?? []).filter((w) => labelsMatch(labels, w.labels)).map((w) => w.labels[GATEWAY_NAME_LABEL]));
        for (const gateway of [...gateways].sort()) {
          yield {
            resource: policy,
            pointer: pointerOf("spec", "selector"),
            message:
              `the selector matches the pods of Kubernetes Gateway ${String(gateway)}, where a selector has no effect: Istio ` +
              `attaches policies to Kubernetes Gateways by targetRefs. Replace the selector with targetRefs: [{kind: Gateway, ` +
              `group: gateway.networking.k8s.io, name: ${String(gateway)}}]`,
          };
        }
      }
    }
  },
};

export default rule;
