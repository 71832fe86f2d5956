import { SEVERITY_RANK, type Finding } from "../model/finding.js";
import { pointerSegments } from "../model/resource.js";
import { ADMISSION_RULE } from "../validate/schema-rules.js";

/**
 * Findings that follow from another one on the same object, or say the same thing as another,
 * so that one mistake is reported once.
 */
interface Cascade {
  cause: { ruleId: string; code?: string };
  /** The checks whose findings the cause hides. */
  effects: readonly string[];
  /** What the two findings must share besides the environment and the object: the field itself, or the field's parent. */
  same: "field" | "parent";
}

const CASCADES: readonly Cascade[] = [
  // A route destination whose host does not exist cannot have a subset or a port that exists either.
  {
    cause: { ruleId: "virtual-service-destination-host-not-found" },
    effects: [
      "virtual-service-subset-not-found",
      "virtual-service-subset-defined-elsewhere",
      "virtual-service-destination-port-not-exposed",
      "virtual-service-destination-port-required",
    ],
    same: "parent",
  },
  // istiod's own warnings (istioctl's IST0130 and IST0131) and the stricter lint rules that also
  // catch them say the same of the same route or match: `check` reports it once, with Istio's code.
  { cause: { ruleId: ADMISSION_RULE, code: "IST0130" }, effects: ["virtual-service-unreachable-route"], same: "field" },
  { cause: { ruleId: ADMISSION_RULE, code: "IST0131" }, effects: ["virtual-service-shadowed-match"], same: "field" },
];

/** The checks whose findings `finding` hides on the same object; none when it hides nothing. */
export function cascadeEffectsOf(finding: Pick<Finding, "ruleId" | "code">): readonly string[] {
  return CASCADES.filter((cascade) => isCause(finding, cascade)).flatMap((cascade) => cascade.effects);
}

/** The findings without those that follow from, or repeat, another finding of the same environment and object. */
export function dropCascades(findings: readonly Finding[]): Finding[] {
  // The severity of each cause: a finding made more severe than its cause (.mesh-policy.yaml) is kept.
  const causes = new Map<string, number>();
  for (const finding of findings) {
    for (const cascade of CASCADES) {
      if (!isCause(finding, cascade)) continue;
      for (const effect of cascade.effects) {
        const key = keyOf(finding, effect, cascade.same);
        causes.set(key, Math.max(causes.get(key) ?? 0, SEVERITY_RANK[finding.severity]));
      }
    }
  }
  if (causes.size === 0) return [...findings];
  return findings.filter(
    (finding) =>
      !CASCADES.some((cascade) => cascade.effects.includes(finding.ruleId) && (causes.get(keyOf(finding, finding.ruleId, cascade.same)) ?? -1) >= SEVERITY_RANK[finding.severity]),
  );
}

function isCause(finding: Pick<Finding, "ruleId" | "code">, cascade: Cascade): boolean {
  return finding.ruleId === cascade.cause.ruleId && (cascade.cause.code === undefined || finding.code === cascade.cause.code);
}

/** The hidden check, the environment, the object and the field (or its parent) both findings are about. */
function keyOf(finding: Finding, effect: string, same: Cascade["same"]): string {
  const resource = finding.resource;
  const segments = pointerSegments(finding.location?.pointer ?? "");
  return JSON.stringify([
    effect,
    finding.environment ?? "",
    resource === undefined ? [] : [resource.kind, resource.namespace ?? "", resource.name],
    same === "parent" ? segments.slice(0, -1) : segments,
  ]);
}
