import { istioSuppressedCodes, suppressesCode } from "../mesh/analyze-suppress.js";
import type { Finding } from "../model/finding.js";
import { refOf, type Resource } from "../model/resource.js";
import { checkAdmission } from "./admission/check-admission.js";
import { apiServerFindings } from "./api-server-validation.js";
import { ADMISSION_RULE } from "./schema-rules.js";

/**
 * What the API server would refuse (or warn about) at apply time beyond the schema: its own
 * validation of object metadata and built-in kinds, then Istio's validating webhook and its CRDs'
 * CEL rules. An Istio finding carries the code `istioctl analyze` gives the same message, and, like
 * there, Istio's `galley.istio.io/analyze-suppress` annotation suppresses it (counted in `suppressed`).
 */
export function admissionFindings(resource: Resource): { findings: Finding[]; suppressed: number } {
  const codes = istioSuppressedCodes(resource);
  const findings: Finding[] = [...apiServerFindings(resource)];
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
