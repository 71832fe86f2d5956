import { pointerOf } from "../../../model/resource.js";
import { actionOf, authorizationRules, isDryRun } from "../../../mesh/authorization-policy.js";
import { ROOT_NAMESPACE, namespaceOf } from "../../../mesh/hosts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "allow-policy-allows-everything",
  severity: "error",
  summary: "No ALLOW AuthorizationPolicy has a rule without from, to and when (a rule that matches every request)",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy"],
  *check(index) {
    for (const policy of index.istio("AuthorizationPolicy")) {
      // A dry-run policy only logs; it grants nothing.
      if (actionOf(policy) !== "ALLOW" || isDryRun(policy)) continue;
      const scope = namespaceOf(policy) === ROOT_NAMESPACE ? "the workloads it selects in every namespace" : "the workloads it selects";
      for (const rule of authorizationRules(policy)) {
        if (rule.hasFrom || rule.hasTo || rule.hasWhen) continue;
        yield {
          resource: policy,
          pointer: pointerOf("spec", "rules", rule.index),
          message:
            `rules[${rule.index}] has no from, to or when, so it matches every request: this ALLOW policy lets anyone ` +
            `call ${scope} on any port and path, and it cancels deny-by-default (allow-nothing) for them. ` +
            `Add the from/to/when conditions the rule is meant to have, or delete it`,
        };
      }
    }
  },
};

export default rule;
