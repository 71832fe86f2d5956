import { ISTIO_SUPPRESS_ANNOTATION, istioSuppressedCodes, suppressesCode } from "../mesh/analyze-suppress.js";
import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { objectAt, stringMap } from "../mesh/fields.js";
import { LINT_RULES } from "./registry.js";

/** Ours: `rule-id[,rule-id]: why it is fine here`, several separated by `;`. The reason is required. */
export const SUPPRESS_ANNOTATION = "mesh-policy.io/suppress";
export const SUPPRESSION_RULE = "suppression-reason";

// Read lazily: the registry imports every rule, and the rules need not load to parse annotations.
let knownRuleIds: Set<string> | undefined;
const KNOWN_RULE_IDS = (): Set<string> => (knownRuleIds ??= new Set(LINT_RULES.map((rule) => rule.id)));

export interface Suppressions {
  /** True when this resource suppresses this rule (by id, or by IST code through Istio's annotation). */
  covers(resource: Resource, ruleId: string, code: string | undefined): boolean;
  /** Suppressions written without a reason: findings of their own. */
  problems: Finding[];
}

export function readSuppressions(resources: readonly Resource[]): Suppressions {
  const byResource = new Map<Resource, { ids: Set<string>; codes: Set<string> }>();
  const problems: Finding[] = [];
  for (const resource of resources) {
    const annotations = stringMap(objectAt(resource.object, "metadata")["annotations"]);
    const ours = annotations[SUPPRESS_ANNOTATION];
    const istio = annotations[ISTIO_SUPPRESS_ANNOTATION];
    if (ours === undefined && istio === undefined) continue;
    const ids = new Set<string>();
    for (const clause of (ours ?? "").split(";").map((c) => c.trim()).filter((c) => c !== "")) {
      const colon = clause.indexOf(":");
      const reason = colon === -1 ? "" : clause.slice(colon + 1).trim();
      const ruleIds = (colon === -1 ? clause : clause.slice(0, colon)).split(",").map((id) => id.trim()).filter((id) => id !== "");
      if (reason === "") {
        problems.push({
          ruleId: SUPPRESSION_RULE,
          severity: "error",
          message:
            `suppression of ${ruleIds.join(", ")} has no reason, so it is not applied; write ` +
            `"${ruleIds.join(",")}: <why this is safe here>" in the ${SUPPRESS_ANNOTATION} annotation`,
          resource: refOf(resource),
          location: resource.origin.locate("/metadata/annotations"),
        });
        continue;
      }
      for (const id of ruleIds) {
        if (!KNOWN_RULE_IDS().has(id)) {
          problems.push({
            ruleId: SUPPRESSION_RULE,
            severity: "warning",
            message: `suppression names "${id}", which is not a mesh-policy lint rule, so it suppresses nothing; see docs/rules.md for the rule ids`,
            resource: refOf(resource),
            location: resource.origin.locate("/metadata/annotations"),
          });
        }
        ids.add(id);
      }
    }
    byResource.set(resource, { ids, codes: istioSuppressedCodes(resource) });
  }
  return {
    problems,
    covers(resource, ruleId, code) {
      const entry = byResource.get(resource);
      if (entry === undefined) return false;
      return entry.ids.has(ruleId) || suppressesCode(entry.codes, code);
    },
  };
}
