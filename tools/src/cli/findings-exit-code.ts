import { SEVERITY_RANK, type Finding, type Severity } from "../model/finding.js";
import { INPUT_FILE_RULE } from "../load/load-paths.js";
import { YAML_SYNTAX_RULE } from "../load/resources-from-yaml.js";
import { CATALOG_RULE } from "../generate/catalog-error.js";
import { RENDER_RULE } from "../pipeline/targets.js";
import { KUSTOMIZATION_RULE } from "../render/check-kustomizations.js";
import { EXIT } from "./exit-codes.js";
import type { FailOn } from "./option-table.js";

/** Input that could not be read at all (a file, YAML, the Jsonnet catalog): exit 2, not 1. */
export const INPUT_ERROR_RULES: ReadonlySet<string> = new Set([YAML_SYNTAX_RULE, INPUT_FILE_RULE, CATALOG_RULE, RENDER_RULE, KUSTOMIZATION_RULE]);

/** Files that could not be read or parsed are input errors (exit 2); other findings follow --fail-on. */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): number {
  if (findings.some((f) => INPUT_ERROR_RULES.has(f.ruleId))) return EXIT.usage;
  if (failOn === "never") return EXIT.clean;
  const threshold = SEVERITY_RANK[failOn as Severity];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? EXIT.findings : EXIT.clean;
}
