import { join } from "node:path";
import {
  CEL_RULES_FILE,
  GENERATED_ENTRIES,
  INDEX_FILE,
  SOURCES_FILE,
  schemaFileOf,
} from "./catalog-layout.js";
import { sortCelRules, type CelRule } from "./cel-rules.js";
import { convertCrd, parseCrdDocuments } from "./convert-crd.js";
import { convertOpenApiDocument } from "./convert-openapi.js";
import { OBJECT_META, type DefinitionLibrary } from "./definitions.js";
import { downloadGoModule, readModuleFile } from "./fetch-module.js";
import { type JsonValue } from "./json-value.js";
import { type KindSchema } from "./kind-schema.js";
import { schemaCatalogDir, type SchemaEntry } from "./schema-catalog.js";
import { readSources, type SchemaSource } from "./sources.js";
import { compareStrings, stringifyStable } from "./stable-json.js";
import { replaceCatalogEntries } from "./write-catalog.js";
import { isEntryPoint } from "../util/is-entry-point.js";

export interface BuildSummary {
  kinds: number;
  rules: number;
  files: number;
  bytes: number;
}

interface SourcedKind {
  source: SchemaSource;
  kind: KindSchema;
}

interface Conversion {
  kinds: SourcedKind[];
  rules: CelRule[];
  /** Converted definitions of the Kubernetes spec that holds ObjectMeta. */
  metaLibrary?: DefinitionLibrary;
}

/** Fetches the pinned sources, converts them and replaces the generated part of the catalog. */
export async function buildSchemaCatalog(
  catalogDir: string = schemaCatalogDir(),
  log: (message: string) => void = (message) => console.error(message),
): Promise<BuildSummary> {
  const sources = await readSources(join(catalogDir, SOURCES_FILE));
  const converted: Conversion = { kinds: [], rules: [] };

  // OpenAPI sources first: CRD conversion needs ObjectMeta from the Kubernetes spec.
  const ordered = [...sources.filter((s) => s.format === "openapi-v3"), ...sources.filter((s) => s.format === "crd-yaml")];
  for (const source of ordered) {
    log(`fetching ${source.module}@${source.version}`);
    const zip = await downloadGoModule(source.module, source.version);
    for (const file of source.files) {
      const text = await readModuleFile(zip, source.module, source.version, file);
      try {
        convertSourceFile(source, file, text, converted);
      } catch (error) {
        throw new Error(`${source.module}@${source.version} ${file}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }
  }

  const { kinds, rules } = converted;
  const files = renderCatalog(kinds, rules);
  await replaceCatalogEntries(catalogDir, GENERATED_ENTRIES, files);
  const bytes = [...files.values()].reduce((sum, content) => sum + Buffer.byteLength(content), 0);
  return { kinds: kinds.length, rules: rules.length, files: files.size, bytes };
}

function convertSourceFile(source: SchemaSource, file: string, text: string, into: Conversion): void {
  const comment = `Generated from ${source.module}@${source.version} ${file} by tools/src/schemas/build-schemas.ts; do not edit.`;
  if (source.format === "openapi-v3") {
    const { kinds, library } = convertOpenApiDocument(JSON.parse(text), file, comment);
    if (into.metaLibrary === undefined && library.has(OBJECT_META)) into.metaLibrary = library;
    into.kinds.push(...kinds.map((kind) => ({ source, kind })));
    return;
  }
  const metaLibrary = into.metaLibrary;
  if (metaLibrary === undefined) throw new Error(`CRDs need an openapi-v3 source that defines ${OBJECT_META}`);
  for (const crd of parseCrdDocuments(text, file)) {
    const { kinds, rules } = convertCrd(crd, metaLibrary, comment);
    into.kinds.push(...kinds.map((kind) => ({ source, kind })));
    into.rules.push(...rules);
  }
}

/** The generated files (relative path -> content), deterministic for the same inputs. */
export function renderCatalog(kinds: readonly SourcedKind[], rules: readonly CelRule[]): Map<string, string> {
  const files = new Map<string, string>();
  const index: SchemaEntry[] = [];
  for (const { source, kind } of kinds) {
    const file = schemaFileOf(kind.group, kind.version, kind.kind);
    if (files.has(file)) throw new Error(`${kind.apiVersion} ${kind.kind} is defined twice (${file})`);
    files.set(file, stringifyStable(kind.schema, 1));
    index.push({ apiVersion: kind.apiVersion, kind: kind.kind, file, source: source.name });
  }
  index.sort((a, b) => compareStrings(a.apiVersion, b.apiVersion) || compareStrings(a.kind, b.kind));
  files.set(INDEX_FILE, stringifyStable(index as unknown as JsonValue, 1));
  files.set(CEL_RULES_FILE, stringifyStable(sortCelRules(rules) as unknown as JsonValue, 1));
  return new Map([...files].sort(([a], [b]) => compareStrings(a, b)));
}

if (isEntryPoint(import.meta.url)) {
  buildSchemaCatalog().then(
    (summary) => {
      console.error(
        `wrote ${summary.kinds} schemas, ${summary.rules} CEL rules (${summary.files} files, ${(summary.bytes / 1024 / 1024).toFixed(1)} MiB)`,
      );
    },
    (error: unknown) => {
      console.error(`schemas:update failed, the catalog was left unchanged: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
