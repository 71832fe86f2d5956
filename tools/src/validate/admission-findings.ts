import { istioSuppressedCodes, suppressesCode } from "../mesh/analyze-suppress.js";
import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { checkAdmission } from "./admission/check-admission.js";

export const ADMISSION_RULE = "admission";

/**
 * What Istio's validating webhook and its CRDs' CEL rules would refuse (or warn about) at apply time.
 * A finding carries the code `istioctl analyze` gives the same message, and, like there, Istio's
 * `galley.istio.io/analyze-suppress` annotation suppresses it (counted in `suppressed`).
 */
export function admissionFindings(resource: Resource): { findings: Finding[]; suppressed: number } {
  const codes = istioSuppressedCodes(resource);
  const findings: Finding[] = [];
  let suppressed = 0;
  for (const problem of checkAdmission(resource)) {
    if (suppressesCode(codes, problem.code)) {
      suppressed++;
      continue;
    }
    findings.push({
      ruleId: ADMISSION_RULE,
      ...(problem.code === undefined ? {} : { code: problem.code }),
      severity: problem.severity,
      message: problem.message,
      resource: refOf(resource),
      location: resource.origin.locate(problem.pointer),
    });
  }
  return { findings, suppressed };
}
