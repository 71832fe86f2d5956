import { pointerOf } from "../../../model/resource.js";
import { actionOf, authorizationRules, portNumbers } from "../../../mesh/authorization-policy.js";
import { arrayAt } from "../../../mesh/fields.js";
import { PolicyModel } from "../../../mesh/policy-model.js";
import { listNames } from "../../messages.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "authorization-port-is-service-port",
  severity: "error",
  summary: "AuthorizationPolicy ports are the workload's (target) ports, not the Service ports in front of them",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy", "Service", "Deployment", "Pod"],
  *check(index) {
    const model = PolicyModel.of(index);
    for (const policy of index.istio("AuthorizationPolicy")) {
      // Where no object describes the pods, the Services selecting them say where they listen.
      const workloads = model.authorizationPolicyWorkloads(policy, { withInferredPods: true });
      if (workloads.length === 0) continue;
      const action = actionOf(policy);
      for (const rule of authorizationRules(policy)) {
        // Every place a port is written: operation ports/notPorts and `when destination.port`.
        const places: Array<{ path: string; pointer: string; values: unknown[]; negated: boolean }> = [];
        for (const [j, { operation }] of rule.operations.entries()) {
          for (const field of ["ports", "notPorts"] as const) {
            for (const [k, value] of arrayAt(operation, field).entries()) {
              places.push({
                path: `rules[${rule.index}].to[${j}].operation.${field}`,
                pointer: pointerOf("spec", "rules", rule.index, "to", j, "operation", field, k),
                values: [value],
                negated: field === "notPorts",
              });
            }
          }
        }
        for (const [k, { condition }] of rule.conditions.entries()) {
          if (condition["key"] !== "destination.port") continue;
          for (const field of ["values", "notValues"] as const) {
            for (const [v, value] of arrayAt(condition, field).entries()) {
              places.push({
                path: `rules[${rule.index}].when[${k}] destination.port ${field}`,
                pointer: pointerOf("spec", "rules", rule.index, "when", k, field, v),
                values: [value],
                negated: field === "notValues",
              });
            }
          }
        }
        for (const place of places) {
          const port = portNumbers(place.values)[0];
          if (port === undefined) continue;
          const mistake = model.servicePortInsteadOfTarget(workloads, port);
          if (mistake === undefined) continue;
          const written = mistake.targets;
          yield {
            resource: policy,
            pointer: place.pointer,
            message:
              `${place.path}: ${port} is the port of Service ${listNames(mistake.services)}, but that traffic reaches ` +
              `${listNames(mistake.workloads)} on target port ${written.join("/")}, and the sidecar matches AuthorizationPolicy ` +
              `ports against the workload port, so ${place.negated ? "excluding it has no effect on that traffic" : `this ${action} rule never matches that traffic`}. ` +
              `Write the target (container) port ${written.map((p) => `"${p}"`).join(" or ")} instead`,
          };
        }
      }
    }
  },
};

export default rule;
