import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv";
import { listMapDuplicates } from "../schemas/kubernetes-keywords.js";
import { schemaCatalogDir, type SchemaEntry } from "../schemas/schema-catalog.js";

/**
 * The schema validators compiled at build time (ajv standalone code, `compile-validators`), next
 * to the compiled code that generated them: tools/dist/validators. Run from the sources (tests)
 * there are none, and schemas are compiled at run time.
 */
export function validatorsDir(): string {
  return fileURLToPath(new URL("../validators", import.meta.url));
}

/** tools/schemas/json/core/v1/service.json → core.v1.service.cjs (CommonJS: ajv's standalone code requires its runtime). */
export function validatorFileName(entry: SchemaEntry): string {
  return `${entry.file.replace(/^json\//, "").replace(/\.json$/, "").replaceAll("/", ".")}.cjs`;
}

/** A compiled module's one export: given the list-map keyword's runtime, the validate function. */
export type ValidatorModule = (duplicates: typeof listMapDuplicates) => ValidateFunction;

const load = createRequire(import.meta.url);

/** The build-time validator of `entry`'s schema; undefined when there is none, or the schema is newer than it. */
export function compiledValidator(entry: SchemaEntry): ValidateFunction | undefined {
  const file = join(validatorsDir(), validatorFileName(entry));
  const built = statSync(file, { throwIfNoEntry: false });
  if (built === undefined || built.mtimeMs < statSync(join(schemaCatalogDir(), entry.file)).mtimeMs) return undefined;
  return (load(file) as ValidatorModule)(listMapDuplicates);
}
