import { pointerSegments, type Resource } from "../../src/model/resource.js";
import { checkAdmission, type AdmissionProblem } from "../../src/validate/admission/check-admission.js";
import { CEL_MESSAGE_ALIASES, CEL_RULES_COVERED } from "../../src/validate/admission/cel-coverage.js";
import { apiServerFindings } from "../../src/validate/api-server-validation.js";
import { SchemaValidator } from "../../src/validate/schema-validation.js";
import { runtimeSchemaCompiler } from "../../src/validate/schema-ajv.js";

/** validate's verdict on one object, split the way the API server's is not: what the CRD (schema, CEL) rejects, and what istiod's webhook alone does. */
export interface ValidateVerdict {
  /** Errors the API server itself would give: the JSON schema (list-map keys, custom resource names), then ObjectMeta and built-in kinds' validation. */
  schema: string[];
  /** Admission errors that implement a CRD's CEL rule: the API server itself enforces those. */
  cel: AdmissionProblem[];
  /** Admission errors of istiod's validating webhook only: an API server without istiod accepts them. */
  webhook: AdmissionProblem[];
}

const validator = new SchemaValidator(runtimeSchemaCompiler());

/**
 * What `mesh-policy validate` decides: the schema first, then (only for a schema-valid object, as
 * the pipeline does) the admission checks, split into CEL and webhook problems.
 */
export function validateVerdict(resource: Resource): ValidateVerdict {
  const schemaFindings = validator.validate(resource);
  const findings = schemaFindings.length > 0 ? schemaFindings : apiServerFindings(resource);
  const schema = findings.map((f) => `${f.location?.pointer ?? ""}: ${f.message}`);
  if (schema.length > 0) return { schema, cel: [], webhook: [] };
  const errors = checkAdmission(resource).filter((p) => p.severity === "error");
  return { schema, cel: errors.filter((p) => isCelProblem(resource.kind, p)), webhook: errors.filter((p) => !isCelProblem(resource.kind, p)) };
}

/** validate's schema + CEL verdict: what the API server (schemas, CEL rules; no webhook) should say too. */
export function schemaAndCelAccept(verdict: ValidateVerdict): boolean {
  return verdict.schema.length === 0 && verdict.cel.length === 0;
}

const DURATION_RULE = "must be a valid duration greater than 1ms";

/**
 * A problem is a CEL rule's when a covered rule of its kind sits at (or above) its field and says
 * the same. A value that is not a duration at all fails a duration rule too (the API server: "type
 * conversion error ... evaluating rule: must be a valid duration greater than 1ms").
 */
export function isCelProblem(kind: string, problem: AdmissionProblem): boolean {
  const at = pointerSegments(problem.pointer);
  return CEL_RULES_COVERED.some((rule) => {
    if (rule.kind !== kind) return false;
    const message = CEL_MESSAGE_ALIASES[rule.message] ?? rule.message;
    const unparseableDuration = rule.message === DURATION_RULE && / is not a duration such as /.test(problem.message);
    if (!problem.message.includes(message) && !problem.message.includes(rule.message) && !unparseableDuration) return false;
    const path = pointerSegments(rule.path);
    return path.length <= at.length && path.every((segment, i) => segment === "*" || segment === at[i]);
  });
}
