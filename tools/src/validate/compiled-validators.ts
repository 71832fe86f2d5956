import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import type { ValidateFunction } from "ajv";
import { listMapDuplicates } from "../schemas/list-map.js";
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

/**
 * V8's code for a validator module, made at build time beside it: `<module>.v8cache`, the SHA-256
 * of the module's text and that of V8's data, then the data. A validator is hundreds of kilobytes
 * of code that V8 would otherwise parse and compile in every run.
 */
export const CODE_CACHE_SUFFIX = ".v8cache";
const DIGEST_BYTES = 32;

export interface LoadedValidatorModule {
  factory: ValidatorModule;
  /** The script V8 compiled, or took from the code cache. */
  script: Script;
  /** Whether V8 used the code cache (there was one for this text, made by this V8 with these flags). */
  fromCodeCache: boolean;
}

/** Runs the validator module in `file`, with its code cache when the cache was made from this very text. */
export function loadValidatorModule(file: string): LoadedValidatorModule {
  const source = readFileSync(file, "utf8");
  const cachedData = codeCacheFor(file, source);
  const script = new Script(`(function (module, require) {${source}\n})`, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  const module: { exports: unknown } = { exports: undefined };
  (script.runInThisContext() as (module: { exports: unknown }, require: NodeJS.Require) => void)(module, createRequire(file));
  return { factory: module.exports as ValidatorModule, script, fromCodeCache: cachedData !== undefined && script.cachedDataRejected !== true };
}

function digest(content: string | Buffer): Buffer {
  return createHash("sha256").update(content).digest();
}

/** A code cache file: the digests of the module's text and of V8's data, then the data. */
export function codeCacheFile(source: string, data: Buffer): Buffer {
  return Buffer.concat([digest(source), digest(data), data]);
}

/**
 * The code cache of `file`, when it was made from this very text and is whole: V8 itself compares
 * only the text's length, and does not check its data in release builds.
 */
function codeCacheFor(file: string, source: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(`${file}${CODE_CACHE_SUFFIX}`);
  } catch {
    return undefined;
  }
  const data = cache.subarray(2 * DIGEST_BYTES);
  const whole = data.length > 0 && cache.subarray(0, DIGEST_BYTES).equals(digest(source)) && cache.subarray(DIGEST_BYTES, 2 * DIGEST_BYTES).equals(digest(data));
  return whole ? data : undefined;
}

/** The build-time validator of `entry`'s schema; undefined when there is none, or the schema is newer than it. */
export function compiledValidator(entry: SchemaEntry): ValidateFunction | undefined {
  const file = join(validatorsDir(), validatorFileName(entry));
  const built = statSync(file, { throwIfNoEntry: false });
  if (built === undefined || built.mtimeMs < statSync(join(schemaCatalogDir(), entry.file)).mtimeMs) return undefined;
  return loadValidatorModule(file).factory(listMapDuplicates);
}
