import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { loadSchemaIndex, schemaCatalogDir, type SchemaEntry } from "./schema-catalog.js";

/** kubeconform's template variables; it lower-cases ResourceKind. */
const SCHEMA_LOCATION_TEMPLATE = "{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json";

/**
 * Where kubeconform (v0.8.0, pkg/registry) looks for `entry` under the template above. It splits
 * apiVersion on "/" and takes the first part as Group, so core kinds ("v1") land in `v1/`.
 */
export function kubeconformFileOf(entry: Pick<SchemaEntry, "apiVersion" | "kind">): string {
  const parts = entry.apiVersion.split("/");
  const group = parts[0] ?? entry.apiVersion;
  const version = parts[parts.length - 1] ?? entry.apiVersion;
  return `${group}/${entry.kind.toLowerCase()}_${version}.json`;
}

/**
 * Writes every catalog schema in kubeconform's layout under `dir`, for offline use with
 * `kubeconform -schema-location '<schemaLocation>'`.
 */
export async function exportKubeconformSchemas(dir: string): Promise<{ files: number; schemaLocation: string }> {
  const root = resolve(dir);
  const catalogDir = schemaCatalogDir();
  const entries = loadSchemaIndex().entries;
  for (const entry of entries) {
    const target = join(root, kubeconformFileOf(entry));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(catalogDir, entry.file), target);
  }
  return { files: entries.length, schemaLocation: `${root}/${SCHEMA_LOCATION_TEMPLATE}` };
}
