import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { resourcesFromYaml } from "../../src/load/resources-from-yaml.js";
import { lintResources } from "../../src/lint/run-lint.js";
import type { LintRule } from "../../src/lint/rule.js";
import type { Finding } from "../../src/model/finding.js";

/** Lints one fixture file with one rule (as if it were `environment`); findings name the file by its base name. */
export async function lintFixture(rule: LintRule, fixture: URL, environment?: string): Promise<Finding[]> {
  const file = fileURLToPath(fixture);
  const loaded = resourcesFromYaml(await readFile(file, "utf8"), path.basename(file));
  if (loaded.findings.length > 0) throw new Error(`fixture ${file} does not load: ${loaded.findings[0]?.message}`);
  return lintResources(loaded.resources, { rules: [rule], ...(environment === undefined ? {} : { environment }) }).findings;
}
