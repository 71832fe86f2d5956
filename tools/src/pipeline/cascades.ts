import type { Finding } from "../model/finding.js";
import { pointerSegments } from "../model/resource.js";

/**
 * Findings that follow from another one on the same object and field, so that one mistake is
 * reported once: a route destination whose host does not exist cannot have a subset or a port
 * that exists either.
 */
const CASCADES: ReadonlyArray<{ cause: string; effects: readonly string[] }> = [
  {
    cause: "virtual-service-destination-host-not-found",
    effects: [
      "virtual-service-subset-not-found",
      "virtual-service-subset-defined-elsewhere",
      "virtual-service-destination-port-not-exposed",
      "virtual-service-destination-port-required",
    ],
  },
];

/** The checks whose findings a finding of `ruleId` hides on the same destination; none when it hides nothing. */
export function cascadeEffectsOf(ruleId: string): readonly string[] {
  return CASCADES.find((c) => c.cause === ruleId)?.effects ?? [];
}

/** The findings without those that follow from another finding of the same environment, object and destination. */
export function dropCascades(findings: readonly Finding[]): Finding[] {
  const causes = new Set<string>();
  const effectOf = new Map<string, string>();
  for (const { cause, effects } of CASCADES) for (const effect of effects) effectOf.set(effect, cause);
  for (const finding of findings) {
    if (cascadeEffectsOf(finding.ruleId).length > 0) causes.add(keyOf(finding, finding.ruleId));
  }
  if (causes.size === 0) return [...findings];
  return findings.filter((finding) => {
    const cause = effectOf.get(finding.ruleId);
    return cause === undefined || !causes.has(keyOf(finding, cause));
  });
}

/** The environment, the object and the field's parent (the destination both findings are about). */
function keyOf(finding: Finding, cause: string): string {
  const resource = finding.resource;
  const segments = pointerSegments(finding.location?.pointer ?? "");
  return JSON.stringify([
    cause,
    finding.environment ?? "",
    resource === undefined ? [] : [resource.kind, resource.namespace ?? "", resource.name],
    segments.slice(0, -1),
  ]);
}
