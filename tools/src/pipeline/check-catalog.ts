import { ARGOCD_CHECKS } from "../argocd/check-argocd.js";
import { CATALOG_RULE } from "../generate/catalog-error.js";
import { GENERATED_STALE_RULE } from "../generate/generate.js";
import { WORKLOAD_POOLS_RULE, WORKLOAD_UNREACHED_RULE } from "../generate/check-wiring.js";
import { LINT_RULES } from "../lint/registry.js";
import { RENDER_RULE } from "./targets.js";
import { KUSTOMIZATION_RULE, UNREACHED_RULE } from "../render/check-kustomizations.js";
import { PATCH_TARGET_RULE } from "../render/check-patch-targets.js";
import { SUPPRESSION_RULE } from "../lint/suppressions.js";
import { INPUT_FILE_RULE } from "../load/load-paths.js";
import { RESOURCE_SHAPE_RULE, YAML_SYNTAX_RULE } from "../load/resources-from-yaml.js";
import type { Severity } from "../model/finding.js";
import { compareStrings } from "../util/compare-strings.js";
import { API_VALIDATION_RULE } from "../validate/api-server-validation.js";
import { ADMISSION_RULE, KUBECONFORM_RULE, SCHEMA_RULE } from "../validate/schema-rules.js";
import { SERVER_DRY_RUN_RULE } from "../server-dry-run/dry-run-findings.js";
import { WORKFLOW_RULE } from "../workflows/check-workflows.js";

/** What reporters need to know about a check, whether a lint rule or a built-in stage; reporters receive these. */
export interface CheckDescriptor {
  id: string;
  code?: string;
  severity: Severity;
  summary: string;
  /** Repository-relative path of the check's documentation. */
  docs: string;
}

const BUILT_IN: readonly CheckDescriptor[] = [
  ...ARGOCD_CHECKS,
  { id: GENERATED_STALE_RULE, severity: "error", summary: "Every file generated from base/catalog is what the catalog generates now (run mesh-policy generate)", docs: "README.md" },
  { id: CATALOG_RULE, severity: "error", summary: "base/catalog/catalog.jsonnet evaluates and passes its checks", docs: "README.md" },
  { id: WORKLOAD_UNREACHED_RULE, severity: "error", summary: "Every workload of the catalog is deployed: some environment's kustomization reaches base/<folder>/", docs: "README.md" },
  { id: WORKLOAD_POOLS_RULE, severity: "error", summary: "Every workload has connection-pool sizes in an environment that sizes the others (limits.yaml)", docs: "README.md" },
  { id: KUSTOMIZATION_RULE, severity: "error", summary: "Every kustomization and component under base/ and overlays/ loads in kustomize (no unknown fields, no broken references)", docs: "README.md" },
  { id: UNREACHED_RULE, severity: "warning", summary: "Every kustomization, component and YAML file under base/ and overlays/ is used by some environment", docs: "README.md" },
  { id: PATCH_TARGET_RULE, severity: "error", summary: "Every patch target selects an object (kustomize skips a patch that selects nothing without a word)", docs: "README.md" },
  { id: RENDER_RULE, severity: "error", summary: "Every environment renders with kustomize (exit 2 when one does not)", docs: "README.md" },
  { id: INPUT_FILE_RULE, severity: "error", summary: "Every file given can be read", docs: "README.md" },
  { id: YAML_SYNTAX_RULE, severity: "error", summary: "Every file is valid YAML (no duplicate keys)", docs: "README.md" },
  { id: RESOURCE_SHAPE_RULE, severity: "error", summary: "Every document is an object with apiVersion, kind and metadata.name", docs: "README.md" },
  { id: API_VALIDATION_RULE, severity: "error", summary: "Every object passes the Kubernetes API server's own validation beyond the schema (names per kind, labels, annotations, Service ports and target ports, ConfigMap and Secret keys, the API approval of CRDs in Kubernetes' own groups)", docs: "README.md" },
  { id: ADMISSION_RULE, severity: "error", summary: "Every Istio object passes the admission rules Istio enforces beyond its schema (CRD CEL rules, istiod's validating webhook)", docs: "tools/src/validate/admission/README.md" },
  {
    id: SERVER_DRY_RUN_RULE,
    severity: "error",
    summary: "check --server-dry-run: the cluster's API server and admission webhooks accept every rendered object (a dry-run, nothing persisted)",
    docs: "README.md",
  },
  { id: SCHEMA_RULE, severity: "error", summary: "Every object matches the JSON schema of its apiVersion and kind, unknown fields rejected", docs: "tools/schemas/README.md" },
  { id: SUPPRESSION_RULE, severity: "error", summary: "Every suppression annotation gives a reason and names a rule that exists", docs: "README.md" },
  { id: KUBECONFORM_RULE, severity: "error", summary: "kubeconform (validate --kubeconform) accepts every object our schema check accepts", docs: "tools/schemas/README.md" },
  { id: WORKFLOW_RULE, severity: "error", summary: "Workflows are valid YAML, call existing npm scripts and mesh-policy commands, and pin actions to commits", docs: "README.md" },
];

/** Built-in checks first, then the lint rules, each sorted by id. */
export function allChecks(): CheckDescriptor[] {
  const rules = LINT_RULES.map((rule) => ({
    id: rule.id,
    ...(rule.code === undefined ? {} : { code: rule.code }),
    severity: rule.severity,
    summary: rule.summary,
    docs: `tools/src/lint/rules/${rule.id}/README.md`,
  }));
  const byId = (a: CheckDescriptor, b: CheckDescriptor) => compareStrings(a.id, b.id);
  return [...[...BUILT_IN].sort(byId), ...rules.sort(byId)];
}
