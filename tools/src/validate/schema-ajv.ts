import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { addKubernetesKeywords } from "../schemas/kubernetes-keywords.js";

/**
 * The ajv that validates objects against the catalog's schemas: every error (allErrors), with the
 * offending value and its schema (verbose, for the messages), Kubernetes' formats and keywords.
 * `source` keeps the generated code, for validators compiled at build time (compile-validators).
 */
export function schemaAjv(options: { source?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    ...(options.source === true ? { code: { source: true } } : {}),
  });
  addFormats.default(ajv);
  addKubernetesKeywords(ajv);
  return ajv;
}
