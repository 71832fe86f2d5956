import { readFile } from "node:fs/promises";
import { expectJsonObject, expectString } from "./json-value.js";

export type SourceFormat = "openapi-v3" | "crd-yaml";

export interface SchemaSource {
  /** Short name recorded in index.json as `source`. */
  name: string;
  format: SourceFormat;
  /** Go module path, fetched through the Go module proxy. */
  module: string;
  version: string;
  /** Paths inside the module zip (without the `<module>@<version>/` prefix). */
  files: string[];
}

const FORMATS: readonly SourceFormat[] = ["openapi-v3", "crd-yaml"];

export async function readSources(file: string): Promise<SchemaSource[]> {
  return parseSources(JSON.parse(await readFile(file, "utf8")));
}

export function parseSources(raw: unknown): SchemaSource[] {
  const list = expectJsonObject(raw, "sources.json")["sources"];
  if (!Array.isArray(list) || list.length === 0) throw new Error("sources.json: `sources` must be a non-empty array");
  const sources = list.map((item, i) => parseSource(item, `sources.json: sources[${i}]`));
  const names = new Set(sources.map((s) => s.name));
  if (names.size !== sources.length) throw new Error("sources.json: source names must be unique");
  return sources;
}

function parseSource(raw: unknown, what: string): SchemaSource {
  const obj = expectJsonObject(raw, what);
  const format = expectString(obj["format"], `${what}.format`);
  if (!FORMATS.includes(format as SourceFormat)) throw new Error(`${what}.format: must be one of ${FORMATS.join(", ")}`);
  const files = obj["files"];
  if (!Array.isArray(files) || files.length === 0) throw new Error(`${what}.files: must be a non-empty array`);
  return {
    name: expectString(obj["name"], `${what}.name`),
    format: format as SourceFormat,
    module: expectString(obj["module"], `${what}.module`),
    version: expectString(obj["version"], `${what}.version`),
    files: files.map((f, i) => expectString(f, `${what}.files[${i}]`)),
  };
}
