import { environmentsOf, type Finding } from "../model/finding.js";
import { compareStrings } from "../util/compare-strings.js";

/**
 * One finding per mistake: findings that are the same in several environments (the same check,
 * object, message, file, line and field: a mistake in a file they share) become one, which lists
 * the environments. A finding only one environment has keeps its `environment`.
 */
export function mergeAcrossEnvironments(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, { finding: Finding; environments: Set<string> }>();
  const merged: Finding[] = [];
  for (const finding of findings) {
    const environments = environmentsOf(finding);
    if (environments.length === 0) {
      merged.push(finding);
      continue;
    }
    const key = identityOf(finding);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { finding, environments: new Set(environments) });
    else for (const environment of environments) group.environments.add(environment);
  }
  for (const { finding, environments } of groups.values()) {
    const { environment: _one, environments: _several, ...rest } = finding;
    const sorted = [...environments].sort(compareStrings);
    merged.push(sorted.length === 1 ? { ...rest, environment: sorted[0] as string } : { ...rest, environments: sorted });
  }
  return merged;
}

function identityOf(finding: Finding): string {
  const { resource, location } = finding;
  return JSON.stringify([
    finding.ruleId,
    finding.code ?? "",
    finding.severity,
    finding.message,
    resource === undefined ? [] : [resource.apiVersion, resource.kind, resource.namespace ?? "", resource.name],
    location === undefined ? [] : [location.file, location.line, location.pointer ?? ""],
  ]);
}
