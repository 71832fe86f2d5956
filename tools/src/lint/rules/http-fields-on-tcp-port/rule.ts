import { type AuthorizationRule, HTTP_OPERATION_FIELDS, HTTP_SOURCE_FIELDS, type PortScope, actionOf, authorizationRules, portScopeOf } from "../../../mesh/authorization-policy.js";
import { arrayAt } from "../../../mesh/fields.js";
import { PolicyModel } from "../../../mesh/policy-model.js";
import { protocolOfServicePort } from "../../../mesh/protocol.js";
import { listNames } from "../../messages.js";
import type { LintRule } from "../../rule.js";


interface HttpField {
  field: string;
  pointer: string;
  /** The ports this field's part of the rule applies to. */
  scope: PortScope;
}

const rule: LintRule = {
  id: "http-fields-on-tcp-port",
  severity: "error",
  summary: "AuthorizationPolicy rules with HTTP-only fields do not apply to TCP ports of the workload",
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
        const fields = httpFields(rule);
        const first = fields[0];
        if (first === undefined) continue;
        // ALLOW: the whole rule is skipped on a TCP chain, so every port of the rule counts.
        // DENY/AUDIT/CUSTOM: only the field is dropped, on the ports of the part that holds it.
        const scopes = action === "ALLOW" ? [portScopeOf(rule)] : fields.map((f) => f.scope);
        const tcpPorts = new Set<number>();
        const where = new Set<string>();
        for (const workload of workloads) {
          for (const scope of scopes) {
            for (const port of model.portsInScope(workload, scope)) {
              if (model.portProtocol(workload, port) !== "tcp") continue;
              tcpPorts.add(port);
              for (const ref of model.servicePortsAt(workload, port)) {
                if (protocolOfServicePort(ref.port) === "tcp") where.add(`${ref.service.resource.name} "${ref.port.name ?? ref.port.port}"`);
              }
            }
          }
        }
        if (tcpPorts.size === 0) continue;
        const ports = [...tcpPorts].sort((a, b) => a - b);
        const names = [...new Set(fields.map((f) => f.field))];
        yield {
          resource: policy,
          pointer: first.pointer,
          message:
            `rules[${rule.index}]: ${names.join(", ")} ${names.length > 1 ? "are" : "is"} HTTP-only, but the rule applies to ` +
            `TCP port${ports.length > 1 ? "s" : ""} ${ports.join(", ")} of the workload (Service port ${listNames([...where])}): ` +
            (action === "ALLOW"
              ? "on a TCP port Istio skips the whole ALLOW rule, so it allows nothing there. "
              : `on a TCP port Istio drops only these fields, so this ${action} rule matches every connection its other conditions match. `) +
            `Limit the rule to HTTP ports with to.operation.ports, or declare the port HTTP (name "http-..." or appProtocol: http)`,
        };
      }
    }
  },
};

export default rule;

function httpFields(rule: AuthorizationRule): HttpField[] {
  const found: HttpField[] = [];
  const ruleScope = portScopeOf(rule);
  for (const { source, pointer } of rule.sources) {
    for (const field of HTTP_SOURCE_FIELDS) if (arrayAt(source, field).length > 0) found.push({ field, pointer: `${pointer}/${field}`, scope: ruleScope });
  }
  for (const { operation, pointer } of rule.operations) {
    const scope = portScopeOf(rule, [operation]);
    for (const field of HTTP_OPERATION_FIELDS) if (arrayAt(operation, field).length > 0) found.push({ field, pointer: `${pointer}/${field}`, scope });
  }
  for (const { condition, pointer } of rule.conditions) {
    const key = condition["key"];
    if (typeof key === "string" && key.startsWith("request.")) found.push({ field: `when ${key}`, pointer, scope: ruleScope });
  }
  return found;
}
