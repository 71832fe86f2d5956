import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import { describeMtls, mtlsModeOf } from "../../../mesh/peer-authentication.js";
import { PolicyModel } from "../../../mesh/policy-model.js";
import { listNames } from "../../messages.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "peer-authentication-port-is-service-port",
  severity: "error",
  summary: "PeerAuthentication portLevelMtls keys are the workload's (target) ports, not the Service ports in front of them",
  appliesTo: ["PeerAuthentication"],
  reads: ["PeerAuthentication", "Service", "Deployment", "Pod", "WorkloadEntry"],
  *check(index) {
    const model = PolicyModel.of(index);
    for (const policy of index.istio("PeerAuthentication")) {
      // Only the workload-level policy of a workload counts (root-namespace ones with a selector are
      // ignored, and for a workload several select only the oldest applies).
      const workloads = model.peerAuthenticationWorkloads(policy, { withInferredPods: true });
      if (workloads.length === 0) continue;
      for (const [key, entry] of Object.entries(objectAt(objectAt(policy.object, "spec"), "portLevelMtls"))) {
        if (!/^\d+$/.test(key)) continue;
        const port = Number(key);
        const mistake = model.servicePortInsteadOfTarget(workloads, port);
        if (mistake === undefined) continue;
        const mode = isJsonObject(entry) ? mtlsModeOf(entry["mode"]) : undefined;
        const first = workloads.find((w) => mistake.workloads.includes(w.name));
        const fallback = first === undefined ? "" : ` (${describeMtls(model.effectiveMtls(first))})`;
        yield {
          resource: policy,
          pointer: pointerOf("spec", "portLevelMtls", key),
          message:
            `portLevelMtls[${key}]: ${port} is the port of Service ${listNames(mistake.services)}, but that traffic ` +
            `reaches ${listNames(mistake.workloads)} on target port ${mistake.targets.join("/")}, and portLevelMtls keys ` +
            `are workload ports, so ${mode === undefined ? "this setting" : `this ${mode} setting`} never applies to it: ` +
            `it gets the workload's mode instead${fallback}. Use the target (container) port ` +
            `${mistake.targets.map((p) => `"${p}"`).join(" or ")} as the key`,
        };
      }
    }
  },
};

export default rule;
