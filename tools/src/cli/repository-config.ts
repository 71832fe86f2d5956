import { applyConfig, loadConfig, type MeshPolicyConfig } from "../config/mesh-policy-config.js";
import type { Finding } from "../model/finding.js";
import type { RunResult } from "../pipeline/run-checks.js";
import { listEnvironments } from "../render/environments.js";
import { INPUT_ERROR_RULES } from "./findings-exit-code.js";

/** The repository's .mesh-policy.yaml, checked against the checks and environments that exist. */
export async function repositoryConfig(repoRoot: string): Promise<MeshPolicyConfig> {
  return loadConfig(repoRoot, async () => {
    // Every check's implementation is loaded to list their ids: only when there is a file to check.
    const { allChecks } = await import("../pipeline/check-catalog.js");
    return {
      checks: allChecks().map((check) => check.id),
      inputChecks: INPUT_ERROR_RULES,
      environments: await listEnvironments(repoRoot).catch(() => []),
    };
  });
}

/** A run's findings and counts as the configuration wants them. */
export function configuredResult(result: RunResult, config: MeshPolicyConfig): RunResult {
  const findings: Finding[] = applyConfig(result.findings, config);
  const count = (severity: Finding["severity"]) => findings.filter((f) => f.severity === severity).length;
  return { findings, summary: { ...result.summary, errors: count("error"), warnings: count("warning"), infos: count("info") } };
}
