import { describe, expect, it } from "vitest";
import { convertOpenApiDocument, groupVersionOfSpecFile } from "./convert-openapi.js";

const META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

function ref(name: string): { allOf: Array<{ $ref: string }>; default: object } {
  return { allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} };
}

const document = {
  openapi: "3.0.0",
  components: {
    schemas: {
      [META]: { type: "object", properties: { name: { type: "string" }, labels: { type: "object", additionalProperties: { type: "string" } } } },
      "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta": { type: "object", properties: { continue: { type: "string" } } },
      "io.k8s.apimachinery.pkg.apis.meta.v1.Status": {
        type: "object",
        properties: { code: { type: "integer" } },
        "x-kubernetes-group-version-kind": [{ group: "", kind: "Status", version: "v1" }],
      },
      "io.example.v1.Widget": {
        type: "object",
        properties: {
          apiVersion: { type: "string" },
          kind: { type: "string" },
          metadata: ref(META),
          spec: ref("io.example.v1.WidgetSpec"),
        },
        required: ["spec"],
        "x-kubernetes-group-version-kind": [{ group: "example.io", kind: "Widget", version: "v1" }],
      },
      "io.example.v1.WidgetSpec": {
        type: "object",
        properties: {
          port: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString" },
          children: { type: "array", items: { $ref: "#/components/schemas/io.example.v1.WidgetSpec" } },
        },
      },
      "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] },
      "io.example.v1.Unused": { type: "object", properties: { x: { type: "string" } } },
      "io.example.v1.WidgetList": {
        type: "object",
        properties: { items: { type: "array", items: { $ref: "#/components/schemas/io.example.v1.Widget" } } },
        "x-kubernetes-group-version-kind": [{ group: "example.io", kind: "WidgetList", version: "v1" }],
      },
      "io.example.v1.Scale": {
        type: "object",
        properties: { replicas: { type: "integer" } },
        "x-kubernetes-group-version-kind": [{ group: "autoscaling", kind: "Scale", version: "v1" }],
      },
    },
  },
};

describe("groupVersionOfSpecFile", () => {
  it("reads the group and version from Kubernetes spec file names", () => {
    expect(groupVersionOfSpecFile("api/openapi-spec/v3/api__v1_openapi.json")).toEqual({ group: "", version: "v1" });
    expect(groupVersionOfSpecFile("api/openapi-spec/v3/apis__networking.k8s.io__v1_openapi.json")).toEqual({
      group: "networking.k8s.io",
      version: "v1",
    });
    expect(() => groupVersionOfSpecFile("swagger.json")).toThrow(/cannot tell/);
  });
});

describe("convertOpenApiDocument", () => {
  const { kinds, library } = convertOpenApiDocument(document, "apis__example.io__v1_openapi.json", "test");

  it("emits only the document's own top-level kinds (no List, no foreign or meta kinds)", () => {
    expect(kinds.map((k) => `${k.apiVersion} ${k.kind}`)).toEqual(["example.io/v1 Widget"]);
    expect(library.has(META)).toBe(true);
  });

  it("pins apiVersion/kind, requires metadata and copies only the reachable definitions", () => {
    const schema = kinds[0]?.schema;
    expect(schema).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      $comment: "test",
      type: "object",
      properties: {
        apiVersion: { type: "string", const: "example.io/v1" },
        kind: { type: "string", const: "Widget" },
        metadata: { $ref: `#/definitions/${META}` },
        spec: { $ref: "#/definitions/io.example.v1.WidgetSpec" },
      },
      required: ["apiVersion", "kind", "metadata", "spec"],
      additionalProperties: false,
      definitions: {
        [META]: {
          type: "object",
          properties: { name: { type: "string" }, labels: { type: "object", additionalProperties: { type: "string" } } },
          additionalProperties: false,
        },
        "io.example.v1.WidgetSpec": {
          type: "object",
          properties: {
            port: { $ref: "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString" },
            children: { type: "array", items: { $ref: "#/definitions/io.example.v1.WidgetSpec" } },
          },
          additionalProperties: false,
        },
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { anyOf: [{ type: "integer" }, { type: "string" }] },
      },
    });
  });
});
