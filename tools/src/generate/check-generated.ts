import { access } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import type { EnvironmentInputs } from "../render/environments.js";
import { CATALOG_FILE } from "./catalog.js";
import { CATALOG_RULE, CatalogError } from "./catalog-error.js";
import { checkCatalogWiring } from "./check-wiring.js";
import { compareWithTree, driftFindings, generateInMemory } from "./generate.js";

/**
 * What `mesh-policy check` reports about the generated files: one `generated-stale` finding per
 * stale, missing or extra file under base/<folder>/ (at line 1 of that file), or one `catalog`
 * finding at the catalog line when the catalog does not evaluate; and how the workloads are wired
 * (check-wiring: deployed by an environment, pools sized where the others' are, in the rendered
 * environments given). No catalog, no findings: a repository without
 * base/catalog/catalog.jsonnet has nothing generated. Reads only.
 */
export async function checkGenerated(
  repoRoot: string,
  renderedEnvironments: ReadonlyMap<string, readonly Resource[]> = new Map(),
  reached?: EnvironmentInputs,
): Promise<Finding[]> {
  const catalogExists = await access(path.join(repoRoot, CATALOG_FILE)).then(
    () => true,
    () => false,
  );
  if (!catalogExists) return [];
  try {
    const { catalog, files } = await generateInMemory(repoRoot);
    return [...driftFindings((await compareWithTree(repoRoot, files)).drift), ...(await checkCatalogWiring(repoRoot, catalog, renderedEnvironments, reached))];
  } catch (error) {
    if (error instanceof CatalogError) {
      return [{ ruleId: CATALOG_RULE, severity: "error", message: error.reason, location: { file: error.location.file, line: error.location.line } }];
    }
    if (error instanceof UserError) {
      return [{ ruleId: CATALOG_RULE, severity: "error", message: error.message, location: { file: CATALOG_FILE, line: 1 } }];
    }
    throw error;
  }
}
