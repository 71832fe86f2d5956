import { pointerOf } from "../../../model/resource.js";
import type { DestinationRuleInfo, DestinationRuleMergeGroup } from "../../../mesh/destination-rule.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "conflicting-destination-rules",
  severity: "warning",
  summary: "DestinationRules merged for one host do not both set a traffic policy or define the same subset",
  appliesTo: ["DestinationRule"],
  reads: ["DestinationRule"],
  *check(index) {
    const name = (dr: DestinationRuleInfo) => `${dr.namespace}/${dr.resource.name}`;
    // A rule can meet the same other rule in both of Istio's indexes: one finding per place, others unioned.
    const policies = new Map<DestinationRuleInfo, { group: DestinationRuleMergeGroup; others: Set<DestinationRuleInfo> }>();
    const subsets = new Map<string, { dr: DestinationRuleInfo; subset: DestinationRuleInfo["subsets"][number]; group: DestinationRuleMergeGroup; others: Set<DestinationRuleInfo> }>();
    for (const group of index.destinationRuleMergeGroups()) {
      const withPolicy = group.rules.filter((dr) => dr.hasTrafficPolicy);
      if (withPolicy.length > 1) {
        for (const dr of withPolicy) {
          const entry = policies.get(dr) ?? { group, others: new Set() };
          for (const other of withPolicy) if (other !== dr) entry.others.add(other);
          policies.set(dr, entry);
        }
      }
      const definers = new Map<string, DestinationRuleInfo[]>();
      for (const dr of group.rules) {
        for (const subsetName of new Set(dr.subsets.map((s) => s.name))) definers.set(subsetName, [...(definers.get(subsetName) ?? []), dr]);
      }
      for (const dr of group.rules) {
        for (const subset of dr.subsets) {
          const others = (definers.get(subset.name) ?? []).filter((o) => o !== dr);
          if (others.length === 0) continue;
          const key = `${name(dr)}\u0000${subset.index}`;
          const entry = subsets.get(key) ?? { dr, subset, group, others: new Set() };
          for (const other of others) entry.others.add(other);
          subsets.set(key, entry);
        }
      }
    }
    for (const [dr, { group, others }] of policies) {
      yield {
        resource: dr.resource,
        pointer: pointerOf("spec", "trafficPolicy"),
        message:
          `DestinationRule ${[...others].map(name).join(", ")} also sets a trafficPolicy ` +
          `for ${group.host} in namespace ${group.namespace}: Istio merges these DestinationRules${supersetNote(group)} but keeps only the first ` +
          `trafficPolicy (oldest by creation time), so the other is silently ignored. Keep the traffic policy ` +
          `in one DestinationRule, or merge them`,
      };
    }
    for (const { dr, subset, group, others } of subsets.values()) {
      yield {
        resource: dr.resource,
        pointer: pointerOf("spec", "subsets", subset.index),
        message:
          `subset "${subset.name}" of ${group.host} is also defined by DestinationRule ${[...others].map(name).join(", ")} ` +
          `in namespace ${group.namespace}: Istio merges these DestinationRules${supersetNote(group)} and keeps only the first definition ` +
          `(oldest by creation time). Define the subset once`,
      };
    }
  },
};

export default rule;

/** For a merge that happened because one exportTo covers another (not because they are equal), say so. */
function supersetNote(group: DestinationRuleMergeGroup): string {
  const first = group.rules[0];
  const wider = group.rules.filter((_, i) => i > 0 && group.how[i - 1] === "superset");
  if (first === undefined || wider.length === 0) return "";
  const exportTo = (dr: DestinationRuleInfo) => `[${dr.exportToAsWritten.join(", ")}]`;
  return (
    ` (the exportTo ${wider.map(exportTo).join(", ")} of ${wider.map((dr) => dr.resource.name).join(", ")} includes ` +
    `every namespace of ${first.resource.name}'s ${exportTo(first)}, so Istio merges ${wider.length > 1 ? "them" : "it"} into ${first.resource.name})`
  );
}
