import { pointerOf } from "../../../model/resource.js";
import { actionOf, authorizationRules, isDryRun } from "../../../mesh/authorization-policy.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "split-from-to-rules",
  severity: "warning",
  summary: "An ALLOW policy does not split one rule's `from` and `to` into two list items",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy"],
  *check(index) {
    for (const policy of index.istio("AuthorizationPolicy")) {
      if (actionOf(policy) !== "ALLOW" || isDryRun(policy)) continue;
      const rules = authorizationRules(policy);
      const fromOnly = rules.filter((r) => r.hasFrom && !r.hasTo && !r.hasWhen).map((r) => r.index);
      if (fromOnly.length === 0) continue;
      for (const rule of rules) {
        if (!rule.hasTo || rule.hasFrom || rule.hasWhen) continue;
        // The `- from:` item this `- to:` item was most likely meant to join: the nearest one before it, else after it.
        const partner = [...fromOnly].reverse().find((i) => i < rule.index) ?? fromOnly.find((i) => i > rule.index) ?? 0;
        yield {
          resource: policy,
          pointer: pointerOf("spec", "rules", rule.index),
          message:
            `rules[${rule.index}] has only "to" and rules[${partner}] only "from": as separate list items they are two ` +
            `rules, and rules are ORed, so rules[${rule.index}] allows these operations to any caller and ` +
            `rules[${partner}] allows anything to those callers. If they belong together, write "to:" in the same list ` +
            `item as "from:" (no "-" before "to")`,
        };
      }
    }
  },
};

export default rule;
