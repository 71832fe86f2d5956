import { pointerOf } from "../../../model/resource.js";
import { actionOf, authorizationRules } from "../../../mesh/authorization-policy.js";
import { arrayAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "authorization-method-case",
  severity: "error",
  summary: "AuthorizationPolicy methods are upper-case, the only form a request can have",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy"],
  *check(index) {
    for (const policy of index.istio("AuthorizationPolicy")) {
      const action = actionOf(policy);
      for (const rule of authorizationRules(policy)) {
        for (const [j, { operation }] of rule.operations.entries()) {
          for (const field of ["methods", "notMethods"] as const) {
            for (const [k, value] of arrayAt(operation, field).entries()) {
              if (typeof value !== "string" || value === value.toUpperCase()) continue;
              yield {
                resource: policy,
                pointer: pointerOf("spec", "rules", rule.index, "to", j, "operation", field, k),
                message:
                  `rules[${rule.index}].to[${j}].operation.${field}: "${value}" never matches: methods are compared ` +
                  `case-sensitively and Istio rejects requests whose method is not upper-case with 400, ` +
                  `so ${consequence(action, field)}. Write "${value.toUpperCase()}"`,
              };
            }
          }
        }
      }
    }
  },
};

export default rule;

function consequence(action: string, field: "methods" | "notMethods"): string {
  return field === "notMethods"
    ? `the notMethods condition excludes nothing and this ${action} rule covers every method`
    : `this ${action} rule never applies to that method`;
}
