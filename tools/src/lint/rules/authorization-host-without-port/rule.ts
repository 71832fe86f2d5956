import { pointerOf } from "../../../model/resource.js";
import { actionOf, authorizationRules } from "../../../mesh/authorization-policy.js";
import { arrayAt } from "../../../mesh/fields.js";
import type { LintRule, RuleReport } from "../../rule.js";

const rule: LintRule = {
  id: "authorization-host-without-port",
  severity: "warning",
  summary: "AuthorizationPolicy hosts list `host:*` next to every exact `host`",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy"],
  *check(index) {
    for (const policy of index.istio("AuthorizationPolicy")) {
      const action = actionOf(policy);
      for (const rule of authorizationRules(policy)) {
        for (const [j, { operation }] of rule.operations.entries()) {
          for (const field of ["hosts", "notHosts"] as const) {
            const values = arrayAt(operation, field);
            const present = new Set(values.filter((v): v is string => typeof v === "string").map((v) => v.toLowerCase()));
            for (const [k, value] of values.entries()) {
              // Only exact values: `*` forms are prefix/suffix/presence matches, and `host:port` is already explicit.
              if (typeof value !== "string" || value.includes("*") || value.includes(":")) continue;
              if (present.has(`${value.toLowerCase()}:*`)) continue;
              // A miss widens access in a DENY `hosts` and an ALLOW `notHosts`: that is a hole, not just a 403.
              const widens = (action === "DENY" || action === "CUSTOM") === (field === "hosts");
              const report: RuleReport = {
                resource: policy,
                pointer: pointerOf("spec", "rules", rule.index, "to", j, "operation", field, k),
                message:
                  `rules[${rule.index}].to[${j}].operation.${field}: "${value}" is an exact match on the Host ` +
                  `(:authority) header, which misses "${value}:<port>" (clients and gateways send the port when it ` +
                  `is not the default), so ${consequence(action, field, value)}. Add "${value}:*" to the same list`,
                ...(widens && action !== "AUDIT" ? { severity: "error" as const } : {}),
              };
              yield report;
            }
          }
        }
      }
    }
  },
};

export default rule;

function consequence(action: string, field: "hosts" | "notHosts", value: string): string {
  if (field === "hosts") {
    return action === "ALLOW" ? "such requests are not allowed by this rule" : `this ${action} rule does not apply to such requests`;
  }
  return `requests to "${value}:<port>" count as not "${value}" and this ${action} rule applies to them`;
}
