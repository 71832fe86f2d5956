import { SEVERITY_RANK, type Finding, type Severity } from "../model/finding.js";
import { INPUT_FILE_RULE } from "../load/load-paths.js";
import { YAML_SYNTAX_RULE } from "../load/resources-from-yaml.js";

export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;

export const FAIL_ON = ["error", "warning", "info", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Files that could not be read or parsed are input errors (exit 2); other findings follow --fail-on. */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): number {
  if (findings.some((f) => f.ruleId === YAML_SYNTAX_RULE || f.ruleId === INPUT_FILE_RULE)) return EXIT.usage;
  if (failOn === "never") return EXIT.clean;
  const threshold = SEVERITY_RANK[failOn as Severity];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? EXIT.findings : EXIT.clean;
}
