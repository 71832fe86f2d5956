import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCatalog } from "./build-schemas.js";
import { type KindSchema } from "./kind-schema.js";
import { schemaCatalogDir } from "./schema-catalog.js";
import { parseSources, readSources, type SchemaSource } from "./sources.js";

const source: SchemaSource = { name: "test", format: "crd-yaml", module: "example.io/m", version: "v1.0.0", files: ["a.yaml"] };

function kind(group: string, version: string, name: string): KindSchema {
  const apiVersion = group === "" ? version : `${group}/${version}`;
  return { group, version, kind: name, apiVersion, schema: { type: "object", properties: { b: {}, a: {} } } };
}

describe("renderCatalog", () => {
  it("writes stable file names, sorted index entries and sorted keys", () => {
    const files = renderCatalog(
      [{ source, kind: kind("example.io", "v1", "Widget") }, { source, kind: kind("", "v1", "ConfigMap") }],
      [],
    );
    expect([...files.keys()]).toEqual(["cel-rules.json", "index.json", "json/core/v1/configmap.json", "json/example.io/v1/widget.json"]);
    expect(JSON.parse(files.get("index.json") ?? "")).toEqual([
      { apiVersion: "example.io/v1", kind: "Widget", file: "json/example.io/v1/widget.json", source: "test" },
      { apiVersion: "v1", kind: "ConfigMap", file: "json/core/v1/configmap.json", source: "test" },
    ]);
    expect(files.get("json/core/v1/configmap.json")).toBe('{\n "properties": {\n  "a": {},\n  "b": {}\n },\n "type": "object"\n}\n');
  });

  it("refuses a kind defined by two sources", () => {
    const twice = [{ source, kind: kind("", "v1", "ConfigMap") }, { source, kind: kind("", "v1", "ConfigMap") }];
    expect(() => renderCatalog(twice, [])).toThrow(/defined twice/);
  });
});

describe("sources.json", () => {
  it("pins the three sources", async () => {
    const sources = await readSources(join(schemaCatalogDir(), "sources.json"));
    expect(sources.map((s) => `${s.name} ${s.module}@${s.version}`)).toEqual([
      "kubernetes k8s.io/kubernetes@v1.34.2",
      "istio istio.io/api@v1.31.4",
      "argo-cd github.com/argoproj/argo-cd/v3@v3.5.7",
    ]);
  });

  it("rejects malformed entries", () => {
    expect(() => parseSources({ sources: [{ ...source, format: "swagger" }] })).toThrow(/format/);
    expect(() => parseSources({ sources: [source, source] })).toThrow(/unique/);
  });
});
