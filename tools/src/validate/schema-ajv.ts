import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { addKubernetesKeywords } from "../schemas/kubernetes-keywords.js";
import { readSchema, type SchemaEntry } from "../schemas/schema-catalog.js";

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

export type SchemaCompiler = (entry: SchemaEntry) => ValidateFunction;

/** Compiles a schema when it is met: for a schema without a current build-time validator, and for tests run from the sources. */
export function runtimeSchemaCompiler(): SchemaCompiler {
  let ajv: Ajv | undefined;
  return (entry) => (ajv ??= schemaAjv()).compile(readSchema(entry));
}
