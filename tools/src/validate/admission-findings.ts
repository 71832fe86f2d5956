import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { checkAdmission } from "./admission/check-admission.js";
import { apiServerFindings } from "./api-server-validation.js";

export const ADMISSION_RULE = "admission";

/**
 * What the API server would refuse (or warn about) at apply time beyond the schema: its own
 * validation of object metadata and built-in kinds, then Istio's validating webhook and its CRDs'
 * CEL rules.
 */
export function admissionFindings(resource: Resource): Finding[] {
  return [...apiServerFindings(resource), ...istioAdmissionFindings(resource)];
}

function istioAdmissionFindings(resource: Resource): Finding[] {
  return checkAdmission(resource).map((problem) => ({
    ruleId: ADMISSION_RULE,
    severity: problem.severity,
    message: problem.message,
    resource: refOf(resource),
    location: resource.origin.locate(problem.pointer),
  }));
}
