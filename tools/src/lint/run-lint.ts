import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { MeshIndex } from "../mesh/mesh-index.js";
import { LINT_RULES } from "./registry.js";
import type { LintRule, RuleReport } from "./rule.js";
import { readSuppressions } from "./suppressions.js";

export interface LintResult {
  findings: Finding[];
  suppressed: number;
}

/** Runs the rules over one set of resources (an environment, or the files given), indexed once. */
export function lintResources(
  resources: readonly Resource[],
  options: { rules?: readonly LintRule[]; environment?: string } = {},
): LintResult {
  const index = new MeshIndex(resources, options.environment);
  const rules = options.rules ?? LINT_RULES;
  const suppressions = readSuppressions(resources);
  const findings: Finding[] = [...suppressions.problems];
  let suppressed = 0;
  for (const rule of rules) {
    for (const report of rule.check(index)) {
      if (suppressions.covers(report.resource, rule.id, rule.code)) {
        suppressed++;
        continue;
      }
      findings.push(findingOf(rule, report, report.severity ?? rule.severity));
    }
  }
  return { findings, suppressed };
}

function findingOf(rule: LintRule, report: RuleReport, severity: Finding["severity"]): Finding {
  return {
    ruleId: rule.id,
    ...(rule.code === undefined ? {} : { code: rule.code }),
    severity,
    message: report.message,
    resource: refOf(report.resource),
    location: report.resource.origin.locate(report.pointer, report.related),
  };
}
