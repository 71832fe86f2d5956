import { isDeepStrictEqual } from "node:util";
import { stringify } from "yaml";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import { isJsonObject, type JsonObject } from "../model/resource.js";
import type { CatalogWorkload } from "./catalog.js";

/** The patch file of an environment that sizes connection pools, one DestinationRule per workload. */
export const LIMITS_FILE = "limits.yaml";

/** What a limits.yaml sizes: DestinationRule name → its connectionPool. */
export function poolsIn(text: string): Map<string, JsonObject> {
  const pools = new Map<string, JsonObject>();
  for (const document of parseYamlDocuments(text).documents) {
    const value = document.value;
    if (!isJsonObject(value) || value["kind"] !== "DestinationRule") continue;
    const metadata = value["metadata"];
    const spec = value["spec"];
    const trafficPolicy = isJsonObject(spec) ? spec["trafficPolicy"] : undefined;
    const pool = isJsonObject(trafficPolicy) ? trafficPolicy["connectionPool"] : undefined;
    if (isJsonObject(metadata) && typeof metadata["name"] === "string" && isJsonObject(pool)) pools.set(metadata["name"], pool);
  }
  return pools;
}

/**
 * The document a new workload gets in an environment's limits.yaml, when the other workloads of
 * the catalog have theirs there (undefined otherwise): the sizes of the first workload whose
 * catalog pool is the same as the new one's (so that it is sized like its peers in this
 * environment), else the catalog's own sizes; a comment says which, and that it is the place to
 * size it for the environment.
 */
export function limitsDocument(text: string, workload: CatalogWorkload, others: readonly CatalogWorkload[], namespace: string): string | undefined {
  const pools = poolsIn(text);
  const sized = others.filter((other) => pools.has(other.name));
  if (sized.length === 0 || pools.has(workload.name)) return undefined;
  const peer = sized.find((other) => isDeepStrictEqual(other.connectionPool, workload.connectionPool));
  const pool = peer === undefined ? workload.connectionPool : (pools.get(peer.name) as JsonObject);
  const why =
    peer === undefined
      ? `# ${workload.name}: the catalog's sizes (no other workload has its pool); size it for this environment here.`
      : `# ${workload.name}: sized like ${peer.name} here (the same pool in the catalog); change it for this environment here.`;
  const object = {
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: { name: workload.name, namespace },
    spec: { trafficPolicy: { connectionPool: pool } },
  };
  return `${why}\n${stringify(object, { indent: 2, lineWidth: 0 })}`;
}

/** `text` with `document` appended as one more YAML document. */
export function appendDocument(text: string, document: string): string {
  const body = text.endsWith("\n") || text === "" ? text : `${text}\n`;
  return `${body}---\n${document}`;
}
