import type { Finding } from "../model/finding.js";
import { isJsonObject, type Resource } from "../model/resource.js";
import { environmentInputs, type EnvironmentInputs } from "../render/environments.js";
import { displayPath } from "../util/display-path.js";
import { UserError } from "../model/errors.js";
import type { Catalog } from "./catalog.js";
import { GENERATED_ROOT } from "./policy-files.js";
import { LIMITS_FILE } from "./limits-stub.js";
import { CATALOG_FILE } from "./catalog.js";

/** A workload of the catalog that no environment deploys. */
export const WORKLOAD_UNREACHED_RULE = "catalog-workload-unreached";
/** A workload without connection-pool sizes in an environment that sizes the other workloads. */
export const WORKLOAD_POOLS_RULE = "catalog-workload-pool-sizes";

/**
 * What `mesh-policy new workload` wires beyond the catalog, checked for every workload: its
 * generated folder is reached by some environment's kustomization (else Argo CD never applies
 * it: an error, not the warning an unused hand-written folder gets), and in each rendered
 * environment where a patch sizes the connection pools of other workloads, one sizes its pool too.
 */
export async function checkCatalogWiring(
  repoRoot: string,
  catalog: Catalog,
  renderedEnvironments: ReadonlyMap<string, readonly Resource[]>,
  reached?: EnvironmentInputs,
): Promise<Finding[]> {
  return [...(await unreachedWorkloads(repoRoot, catalog, reached)), ...missingPoolSizes(catalog, renderedEnvironments)];
}

async function unreachedWorkloads(repoRoot: string, catalog: Catalog, known: EnvironmentInputs | undefined): Promise<Finding[]> {
  const inputs = known ?? (await environmentInputs(repoRoot).catch((error: unknown) => {
    if (error instanceof UserError) return undefined;
    throw error;
  }));
  // No environments; or one whose kustomization does not load (reported when it is rendered), so what it reaches is unknown.
  if (inputs === undefined || inputs.files.size === 0 || !inputs.complete) return [];
  const reached = new Set([...inputs.files].map((file) => displayPath(file, repoRoot)));
  return catalog.workloads
    .filter((workload) => !reached.has(`${GENERATED_ROOT}/${workload.folder}/kustomization.yaml`))
    .map((workload) => ({
      ruleId: WORKLOAD_UNREACHED_RULE,
      severity: "error" as const,
      message:
        `${workload.name} (${GENERATED_ROOT}/${workload.folder}/, generated from ${CATALOG_FILE}) is deployed by no environment: ` +
        `no environments/<env>/kustomization.yaml reaches ${GENERATED_ROOT}/${workload.folder}/kustomization.yaml; ` +
        `add "- ${workload.folder}" to resources in ${GENERATED_ROOT}/kustomization.yaml (mesh-policy new workload does), or take the workload out of the catalog`,
      location: { file: `${GENERATED_ROOT}/${workload.folder}/kustomization.yaml`, line: 1 },
    }));
}

/**
 * Per rendered environment: the catalog workloads whose DestinationRule gets its connection pool
 * from a file of the environment (a patch), and those that keep the catalog's; the latter are
 * findings when there are any of the former.
 */
function missingPoolSizes(catalog: Catalog, renderedEnvironments: ReadonlyMap<string, readonly Resource[]>): Finding[] {
  const findings: Finding[] = [];
  for (const [environment, resources] of renderedEnvironments) {
    const sizedIn = new Map<string, string>();
    const unsized: string[] = [];
    for (const workload of catalog.workloads) {
      const rule = resources.find((r) => r.kind === "DestinationRule" && r.name === workload.name && (r.namespace ?? catalog.namespace) === catalog.namespace);
      const pool = rule === undefined ? undefined : poolOf(rule);
      if (rule === undefined || pool === undefined) continue;
      const file = rule.origin.locate("/spec/trafficPolicy/connectionPool").file;
      if (file === CATALOG_FILE || file.startsWith(`${GENERATED_ROOT}/`)) unsized.push(workload.name);
      else sizedIn.set(workload.name, file);
    }
    if (sizedIn.size === 0) continue;
    const files = [...new Set(sizedIn.values())].sort();
    const file = files.find((f) => f.endsWith(`/${LIMITS_FILE}`)) ?? (files[0] as string);
    for (const name of unsized) {
      findings.push({
        ruleId: WORKLOAD_POOLS_RULE,
        severity: "error",
        message:
          `${name} has no connection-pool sizes in ${environment}, where ${[...sizedIn.keys()].sort().join(", ")} have theirs (${files.join(", ")}): ` +
          `it would run with the catalog's sizes; add a DestinationRule ${name} document with its trafficPolicy.connectionPool to ${file}`,
        environment,
        location: { file, line: 1 },
      });
    }
  }
  return findings;
}

function poolOf(rule: Resource): unknown {
  const spec = rule.object["spec"];
  const trafficPolicy = isJsonObject(spec) ? spec["trafficPolicy"] : undefined;
  return isJsonObject(trafficPolicy) ? trafficPolicy["connectionPool"] : undefined;
}
