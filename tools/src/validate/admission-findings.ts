import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { checkAdmission } from "./admission/check-admission.js";

export const ADMISSION_RULE = "admission";

/** What Istio's validating webhook and its CRDs' CEL rules would refuse (or warn about) at apply time. */
export function admissionFindings(resource: Resource): Finding[] {
  return checkAdmission(resource).map((problem) => ({
    ruleId: ADMISSION_RULE,
    severity: problem.severity,
    message: problem.message,
    resource: refOf(resource),
    location: resource.origin.locate(problem.pointer),
  }));
}
