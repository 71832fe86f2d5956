import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { downloadGoModule, readModuleFile } from "../../schemas/fetch-module.js";
import { readSources } from "../../schemas/sources.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { isEntryPoint } from "../../util/is-entry-point.js";

/**
 * Regenerates istio-annotations.json, the annotations Istio defines, from `annotation/annotations.yaml`
 * of the istio.io/api Go module at the version tools/schemas/sources.json pins for the `istio` schemas
 * (one pin for both). Run: `npm run build && node tools/dist/mesh/istio-annotations/generate-annotations.js`.
 */

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const OUTPUT = "tools/src/mesh/istio-annotations/istio-annotations.json";
const SOURCES = "tools/schemas/sources.json";
const ISTIO_API = "istio.io/api";
const MODULE_FILE = "annotation/annotations.yaml";

export interface AnnotationCatalog {
  $comment: string;
  module: string;
  version: string;
  file: string;
  annotations: Array<{ name: string; deprecated: boolean; resources: string[] }>;
}

/** The catalog for one annotations.yaml text: every annotation, sorted by name. */
export function catalogFromYaml(text: string, version: string): AnnotationCatalog {
  const document = parse(text) as { annotations?: unknown };
  if (!Array.isArray(document.annotations)) throw new Error(`${MODULE_FILE}: no "annotations" list`);
  const annotations = document.annotations.map((entry: unknown, i: number) => {
    const item = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof item["name"] !== "string") throw new Error(`${MODULE_FILE}: annotations[${i}] has no name`);
    const resources = Array.isArray(item["resources"]) ? item["resources"].filter((r): r is string => typeof r === "string") : [];
    return { name: item["name"], deprecated: item["deprecated"] === true, resources };
  });
  annotations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    $comment: `Generated from ${ISTIO_API}@${version} ${MODULE_FILE} by generate-annotations.ts; do not edit. See istio-annotations.ts.`,
    module: ISTIO_API,
    version,
    file: MODULE_FILE,
    annotations,
  };
}

export async function generateAnnotationCatalog(): Promise<AnnotationCatalog> {
  const sources = await readSources(path.join(REPO_ROOT, SOURCES));
  const istio = sources.find((s) => s.module === ISTIO_API);
  if (istio === undefined) throw new Error(`${SOURCES} pins no ${ISTIO_API} version`);
  const zip = await downloadGoModule(ISTIO_API, istio.version);
  const catalog = catalogFromYaml(await readModuleFile(zip, ISTIO_API, istio.version, MODULE_FILE), istio.version);
  await writeFileAtomic(path.join(REPO_ROOT, OUTPUT), `${JSON.stringify(catalog, null, 2)}\n`);
  return catalog;
}

if (isEntryPoint(import.meta.url)) {
  generateAnnotationCatalog().then(
    (catalog) => console.error(`wrote ${catalog.annotations.length} annotations of ${ISTIO_API}@${catalog.version} to ${OUTPUT}`),
    (error: unknown) => {
      console.error(`generating ${OUTPUT} failed, the file was left unchanged: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
