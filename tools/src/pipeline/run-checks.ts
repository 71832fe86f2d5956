import { applyConfig, type MeshPolicyConfig } from "../config/mesh-policy-config.js";
import { compareFindings, type Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { dropCascades } from "./cascades.js";
import { mergeAcrossEnvironments } from "./merge-findings.js";
import type { CheckTarget } from "./targets.js";

export interface RunSummary {
  environments: number;
  resources: number;
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
}

export interface RunResult {
  findings: Finding[];
  summary: RunSummary;
}

export interface CheckStages {
  validate: boolean;
  lint: boolean;
  skipKinds?: ReadonlySet<string>;
  /** Also run the real kubeconform binary on the same objects (the repository root finds it). */
  kubeconform?: { repoRoot: string };
  /**
   * The repository's .mesh-policy.yaml (rules turned off or given another severity): applied
   * before one finding hides another, so that a check turned off hides nothing.
   */
  config?: MeshPolicyConfig;
}

/**
 * Each stage's code, loaded only when the stage runs: the validators and Istio's admission rules,
 * the lint rules, the kubeconform runner for --kubeconform. Node loads a module once, so a second
 * call answers with the first's.
 */
function stageModules(stages: Pick<CheckStages, "validate" | "lint" | "kubeconform">) {
  return Promise.all([
    stages.validate ? Promise.all([import("../validate/schema-validation.js"), import("../validate/admission-findings.js")]) : undefined,
    stages.lint ? import("../lint/run-lint.js") : undefined,
    stages.kubeconform === undefined ? undefined : import("../validate/kubeconform.js"),
  ]);
}

/**
 * Starts loading the stages' code while the caller renders (mostly waiting for files and
 * kustomize): runChecks then finds it loaded. A failure to load is reported by runChecks.
 */
export function preloadStages(stages: Pick<CheckStages, "validate" | "lint">): void {
  stageModules(stages).catch(() => undefined);
}

/**
 * Validates and/or lints each target; findings carry their environment (or, the same in several,
 * their environments: reported once), leave out what follows from another finding, and come out
 * sorted.
 */
export async function runChecks(targets: readonly CheckTarget[], stages: CheckStages): Promise<RunResult> {
  const [validation, lint, kubeconform] = await stageModules(stages);
  const validator = validation === undefined ? undefined : new validation[0].SchemaValidator();
  const admissionFindings = validation?.[1].admissionFindings;
  const findings: Finding[] = [];
  let suppressed = 0;
  for (const target of targets) {
    const perTarget: Finding[] = [...target.loadFindings];
    if (validator !== undefined && admissionFindings !== undefined) {
      await validator.prepare(target.resources, stages.skipKinds);
      const rejected = new Set<Resource>();
      for (const resource of target.resources) {
        const problems = validator.validate(resource, stages.skipKinds);
        if (problems.length > 0) rejected.add(resource);
        // Admission rules assume a well-typed object: only once the schema accepts it.
        else {
          const admission = admissionFindings(resource);
          problems.push(...admission.findings);
          suppressed += admission.suppressed;
        }
        perTarget.push(...problems);
      }
      if (stages.kubeconform !== undefined && kubeconform !== undefined) {
        const verdicts = await kubeconform.runKubeconform(stages.kubeconform.repoRoot, target.resources, { skipKinds: [...(stages.skipKinds ?? [])] });
        perTarget.push(...kubeconform.kubeconformFindings(target.resources, verdicts, rejected));
      }
    }
    if (lint !== undefined) {
      const linted = lint.lintResources(target.resources, target.environment === undefined ? {} : { environment: target.environment });
      perTarget.push(...linted.findings);
      suppressed += linted.suppressed;
    }
    const configured = stages.config === undefined ? perTarget : applyConfig(perTarget, stages.config);
    for (const finding of dropCascades(configured)) {
      findings.push(target.environment === undefined ? finding : { ...finding, environment: target.environment });
    }
  }
  const merged = mergeAcrossEnvironments(findings).sort(compareFindings);
  return {
    findings: merged,
    summary: {
      environments: targets.filter((t) => t.environment !== undefined).length,
      resources: targets.reduce((sum, t) => sum + t.resources.length, 0),
      errors: merged.filter((f) => f.severity === "error").length,
      warnings: merged.filter((f) => f.severity === "warning").length,
      infos: merged.filter((f) => f.severity === "info").length,
      suppressed,
    },
  };
}
