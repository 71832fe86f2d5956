import { pointerOf } from "../../../model/resource.js";
import type { DestinationRuleInfo } from "../../mesh-index.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "conflicting-destination-rules",
  severity: "warning",
  summary: "DestinationRules merged for one host do not both set a traffic policy or define the same subset",
  appliesTo: ["DestinationRule"],
  reads: ["DestinationRule"],
  *check(index) {
    for (const [namespace, byHost] of index.destinationRuleGroups()) {
      for (const [host, rules] of byHost) {
        if (rules.length < 2) continue;
        const name = (dr: DestinationRuleInfo) => `${dr.namespace}/${dr.resource.name}`;
        const withPolicy = rules.filter((dr) => dr.hasTrafficPolicy);
        if (withPolicy.length > 1) {
          for (const dr of withPolicy) {
            yield {
              resource: dr.resource,
              pointer: pointerOf("spec", "trafficPolicy"),
              message:
                `DestinationRule ${withPolicy.filter((o) => o !== dr).map(name).join(", ")} also sets a trafficPolicy ` +
                `for ${host} in namespace ${namespace}: Istio merges these DestinationRules but keeps only the first ` +
                `trafficPolicy (oldest by creation time), so the other is silently ignored. Keep the traffic policy ` +
                `in one DestinationRule, or merge them`,
            };
          }
        }
        const definers = new Map<string, DestinationRuleInfo[]>();
        for (const dr of rules) {
          for (const subsetName of new Set(dr.subsets.map((s) => s.name))) {
            const list = definers.get(subsetName);
            if (list === undefined) definers.set(subsetName, [dr]);
            else list.push(dr);
          }
        }
        for (const dr of rules) {
          for (const subset of dr.subsets) {
            const others = (definers.get(subset.name) ?? []).filter((o) => o !== dr);
            if (others.length === 0) continue;
            yield {
              resource: dr.resource,
              pointer: pointerOf("spec", "subsets", subset.index),
              message:
                `subset "${subset.name}" of ${host} is also defined by DestinationRule ${others.map(name).join(", ")} ` +
                `in namespace ${namespace}: Istio merges these DestinationRules and keeps only the first definition ` +
                `(oldest by creation time). Define the subset once`,
            };
          }
        }
      }
    }
  },
};

export default rule;
