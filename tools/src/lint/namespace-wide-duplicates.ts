import type { Resource } from "../model/resource.js";
import { pushTo } from "../mesh/fields.js";
import { ROOT_NAMESPACE, namespaceOf } from "../mesh/hosts.js";
import { isNamespaceWide } from "../mesh/policy-scope.js";
import { compareByAge } from "../mesh/resource-order.js";
import type { RuleReport } from "./rule.js";

/**
 * One report per object when a namespace holds several namespace-wide objects of one kind.
 * `consequence` says what Istio then does, `fix` what to do, both as the end of a sentence.
 * `isNamespaceWide` replaces the usual test (no selector, no targetRef) where an istioctl check reads it otherwise.
 */
export function* duplicateNamespaceWide(
  resources: readonly Resource[],
  describe: {
    plural: string;
    selectorField: string;
    consequence: string;
    fix: string;
    severity?: RuleReport["severity"];
    isNamespaceWide?: (resource: Resource) => boolean;
  },
): Iterable<RuleReport> {
  for (const [namespace, group] of namespaceWideByNamespace(resources, describe.isNamespaceWide ?? isNamespaceWide)) {
    if (group.length < 2) continue;
    const scope = namespace === ROOT_NAMESPACE ? "in the root namespace (mesh-wide)" : `in namespace ${namespace}`;
    for (const resource of group) {
      const others = group.filter((r) => r !== resource).map((r) => r.name);
      yield {
        resource,
        pointer: "/spec",
        ...(describe.severity === undefined ? {} : { severity: describe.severity }),
        message:
          `one of ${group.length} ${describe.plural} without a ${describe.selectorField} ${scope} (also: ${others.join(", ")}): ` +
          `${describe.consequence}. ${describe.fix}`,
      };
    }
  }
}

export const OLDEST_WINS = "Istio uses only the oldest by creation time and ignores the others, so which one applies depends on the order they were created";

/** The namespace-wide objects (by default: no selector, no targetRef) grouped by namespace, oldest first (compareByAge). */
function namespaceWideByNamespace(resources: readonly Resource[], isWide: (resource: Resource) => boolean): Map<string, Resource[]> {
  const groups = new Map<string, Resource[]>();
  for (const resource of resources) if (isWide(resource)) pushTo(groups, namespaceOf(resource), resource);
  for (const group of groups.values()) group.sort(compareByAge);
  return groups;
}
