import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "./resources-from-yaml.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("resourcesFromYaml", () => {
  it("reports invalid YAML with its file and line, and loads nothing from that document", () => {
    const { resources, findings } = resourcesFromYaml(fixture("bad-indentation.yaml"), "bad-indentation.yaml");
    expect(resources).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: "yaml-syntax", severity: "error", location: { file: "bad-indentation.yaml", line: 9 } });
    expect(findings[0]?.message).toMatch(/^invalid YAML: .+; fix the syntax/);
  });

  it("treats a duplicate key as invalid YAML, as the API server's strict decoding does", () => {
    const { findings } = resourcesFromYaml(fixture("duplicate-key.yaml"), "duplicate-key.yaml");
    expect(findings.map((f) => [f.ruleId, f.location?.line])).toEqual([["yaml-syntax", 5]]);
  });

  it("skips empty documents and comment-only files", () => {
    expect(resourcesFromYaml(fixture("blank.yaml"), "blank.yaml")).toEqual({ resources: [], findings: [] });
  });

  it("reports a document without kind, and one that is not a mapping", () => {
    expect(resourcesFromYaml(fixture("missing-kind.yaml"), "missing-kind.yaml").findings).toEqual([
      {
        ruleId: "resource-shape",
        severity: "error",
        message: "missing kind: every object needs one, such as VirtualService",
        location: { file: "missing-kind.yaml", line: 1, pointer: "/kind" },
      },
    ]);
    expect(resourcesFromYaml(fixture("not-an-object.yaml"), "not-an-object.yaml").findings[0]?.message).toMatch(/not a Kubernetes object/);
  });

  it("reports an object without a name at its metadata", () => {
    const { findings } = resourcesFromYaml("apiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\n", "s.yaml");
    expect(findings[0]).toMatchObject({ message: "Service has no metadata.name: give the object a name", location: { line: 3 } });
  });

  it("locates fields by JSON pointer, falling back to the nearest existing parent", () => {
    const text = "# banner\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n    name: http\n";
    const [service] = resourcesFromYaml(text, "s.yaml").resources;
    expect(service?.origin.line).toBe(3);
    expect(service?.origin.locate("/spec/ports/0/name")).toEqual({ file: "s.yaml", line: 10, pointer: "/spec/ports/0/name" });
    expect(service?.origin.locate("/spec/ports/0/targetPort").line).toBe(9);
    expect(service?.origin.locate("/spec/selector").line).toBe(7);
  });

  it("expands a List into its items, each located at its own line", () => {
    const text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: b\n";
    const { resources } = resourcesFromYaml(text, "list.yaml");
    expect(resources.map((r) => [r.name, r.origin.line, r.origin.locate("/metadata/name").line])).toEqual([
      ["a", 4, 7],
      ["b", 8, 11],
    ]);
  });
});
