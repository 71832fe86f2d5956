import path from "node:path";
import { parseAllDocuments } from "yaml";
import { isJsonObject, type JsonObject } from "../src/model/resource.js";
import { downloadGoModule, readModuleFile } from "../src/schemas/fetch-module.js";
import { readSources } from "../src/schemas/sources.js";
import { REPO_ROOT } from "./harness-binaries.js";

/** The CRD sources of tools/schemas/sources.json: the same pinned files our schemas come from. */
export type CrdSource = "istio" | "argo-cd";

const cache = new Map<CrdSource, Promise<JsonObject[]>>();

/**
 * The CustomResourceDefinitions of Istio (istio.io/api v1.31.4) or Argo CD (v3.5.7), read from
 * the Go module zip that tools/schemas/sources.json pins (through the Go module proxy, or the
 * module cache once downloaded). The harness installs exactly what our schemas were built from.
 */
export function pinnedCrds(source: CrdSource): Promise<JsonObject[]> {
  let crds = cache.get(source);
  if (crds === undefined) {
    crds = readCrds(source);
    cache.set(source, crds);
  }
  return crds;
}

async function readCrds(name: CrdSource): Promise<JsonObject[]> {
  const sources = await readSources(path.join(REPO_ROOT, "tools", "schemas", "sources.json"));
  const source = sources.find((s) => s.name === name);
  if (source === undefined) throw new Error(`tools/schemas/sources.json has no source "${name}"`);
  const zip = await downloadGoModule(source.module, source.version);
  const crds: JsonObject[] = [];
  for (const file of source.files) {
    const text = await readModuleFile(zip, source.module, source.version, file);
    for (const document of parseAllDocuments(text)) {
      const object: unknown = document.toJS();
      if (isJsonObject(object) && object["kind"] === "CustomResourceDefinition") crds.push(object);
    }
  }
  if (crds.length === 0) throw new Error(`no CustomResourceDefinition in ${source.module}@${source.version} ${source.files.join(", ")}`);
  return crds;
}
