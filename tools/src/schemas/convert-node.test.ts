import { describe, expect, it } from "vitest";
import { convertNode, type ConvertNodeOptions } from "./convert-node.js";
import { type JsonObject } from "./json-value.js";

const crd: ConvertNodeOptions = { flavor: "crd" };
const openapi: ConvertNodeOptions = { flavor: "openapi", sourceRefPrefix: "#/components/schemas/" };

describe("convertNode", () => {
  it("turns x-kubernetes-int-or-string into integer-or-string, keeping string keywords on the string branch", () => {
    const source = {
      "x-kubernetes-int-or-string": true,
      anyOf: [{ type: "integer" }, { type: "string" }],
      pattern: "^[0-9]+%?$",
    };
    expect(convertNode(source, "", crd)).toEqual({
      anyOf: [{ type: "integer" }, { type: "string", pattern: "^[0-9]+%?$" }],
    });
  });

  it("treats the OpenAPI int-or-string format the same way", () => {
    expect(convertNode({ type: "string", format: "int-or-string" }, "", openapi)).toEqual({
      anyOf: [{ type: "integer" }, { type: "string" }],
    });
  });

  it("applies nullable: a null type, null in enums, anyOf for untyped schemas", () => {
    expect(convertNode({ type: "integer", format: "int32", nullable: true }, "", crd)).toEqual({
      type: ["integer", "null"],
      format: "int32",
    });
    expect(convertNode({ type: "string", enum: ["A", "B"], nullable: true }, "", crd)).toEqual({
      type: ["string", "null"],
      enum: ["A", "B", null],
    });
    expect(convertNode({ "x-kubernetes-int-or-string": true, nullable: true }, "", crd)).toEqual({
      anyOf: [{ anyOf: [{ type: "integer" }, { type: "string" }] }, { type: "null" }],
    });
    expect(convertNode({ $ref: "#/components/schemas/a.B", nullable: true }, "", openapi)).toEqual({
      anyOf: [{ $ref: "#/definitions/a.B" }, { type: "null" }],
    });
  });

  it("closes objects with properties, keeps maps, and drops documentation keys", () => {
    const source = {
      type: "object",
      description: "a thing",
      properties: {
        name: { type: "string", description: "the name", default: "x" },
        labels: { type: "object", additionalProperties: { type: "string" } },
      },
      required: ["name"],
    };
    expect(convertNode(source, "", crd)).toEqual({
      type: "object",
      properties: {
        name: { type: "string" },
        labels: { type: "object", additionalProperties: { type: "string" } },
      },
      required: ["name"],
      additionalProperties: false,
    });
  });

  it("keeps objects open where x-kubernetes-preserve-unknown-fields is set", () => {
    const source = {
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
      properties: { conditions: { type: "array", items: { type: "object", properties: { type: { type: "string" } } } } },
    };
    expect(convertNode(source, "", crd)).toEqual({
      type: "object",
      properties: {
        conditions: {
          type: "array",
          items: { type: "object", properties: { type: { type: "string" } }, additionalProperties: false },
        },
      },
    });
    expect(convertNode({ "x-kubernetes-preserve-unknown-fields": true }, "", crd)).toEqual({});
  });

  it("closes a bare CRD object (the API server prunes all of its fields) but not a built-in one", () => {
    expect(convertNode({ type: "object" }, "", crd)).toEqual({ type: "object", additionalProperties: false });
    expect(convertNode({ type: "object" }, "", openapi)).toEqual({ type: "object" });
  });

  it("lets embedded resources carry apiVersion, kind and metadata", () => {
    const source = {
      type: "object",
      "x-kubernetes-embedded-resource": true,
      properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
    };
    expect(convertNode(source, "", crd)).toEqual({
      type: "object",
      properties: {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: { type: "object" },
        spec: { type: "object" },
      },
      additionalProperties: false,
    });
  });

  it("rewrites $refs to local definitions and unwraps allOf-wrapped refs", () => {
    const source = {
      type: "object",
      properties: {
        spec: { allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.ServiceSpec" }], default: {}, description: "x" },
        items: { type: "array", items: { $ref: "#/components/schemas/io.k8s.api.core.v1.Port" } },
      },
    };
    expect(convertNode(source, "", openapi)).toEqual({
      type: "object",
      properties: {
        spec: { $ref: "#/definitions/io.k8s.api.core.v1.ServiceSpec" },
        items: { type: "array", items: { $ref: "#/definitions/io.k8s.api.core.v1.Port" } },
      },
      additionalProperties: false,
    });
    expect(() => convertNode({ $ref: "https://example.com/x.json" }, "", openapi)).toThrow(/unsupported \$ref/);
  });

  it("strips x-kubernetes-* extensions and formats ajv-formats does not share with Kubernetes, keeping a CRD list-map's keys", () => {
    const source = {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: {
        type: "object",
        "x-kubernetes-map-type": "atomic",
        properties: {
          name: { type: "string", format: "dns1123-label" },
          at: { type: "string", format: "date-time" },
          timeout: { type: "string", format: "duration" },
        },
      },
    };
    expect(convertNode(source, "", crd)).toEqual({
      type: "array",
      items: {
        type: "object",
        properties: { name: { type: "string" }, at: { type: "string", format: "date-time" }, timeout: { type: "string" } },
        additionalProperties: false,
      },
      "x-kubernetes-list-map-keys": ["name"],
    });
    // Built-in kinds: list types only steer server-side apply.
    expect(convertNode(source, "", openapi)).not.toHaveProperty("x-kubernetes-list-map-keys");
    expect(() => convertNode({ type: "array", "x-kubernetes-list-type": "map", items: { type: "object" } }, "/spec/ports", crd)).toThrow(
      /"\/spec\/ports": x-kubernetes-list-type map needs x-kubernetes-list-map-keys/,
    );
  });

  it("enforces x-kubernetes-list-type: set on CRDs only", () => {
    const source = { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } };
    expect(convertNode(source, "", crd)).toEqual({ type: "array", items: { type: "string" }, uniqueItems: true });
    expect(convertNode(source, "", openapi)).toEqual({ type: "array", items: { type: "string" } });
  });

  it("converts OpenAPI 3.0 boolean exclusive bounds", () => {
    expect(convertNode({ type: "number", minimum: 0, exclusiveMinimum: true, maximum: 1 }, "", crd)).toEqual({
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1,
    });
  });

  it("declares the properties that value-validation branches require, without closing them", () => {
    const source = {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "string" } },
      oneOf: [{ not: { anyOf: [{ required: ["a"] }, { required: ["b"] }] } }, { required: ["a"] }, { required: ["b"] }],
    };
    const converted = convertNode(source, "", crd);
    expect(converted["oneOf"]).toEqual([
      { not: { anyOf: [{ required: ["a"], properties: { a: true } }, { required: ["b"], properties: { b: true } }] } },
      { required: ["a"], properties: { a: true } },
      { required: ["b"], properties: { b: true } },
    ]);
    expect(converted["additionalProperties"]).toBe(false);
  });

  it("reports CEL rules with their path into the object", () => {
    const rules: Array<[string, JsonObject]> = [];
    const source = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          "x-kubernetes-validations": [{ rule: "has(self.a)", message: "a is required" }],
          properties: {
            rules: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  "a/b": { type: "string", "x-kubernetes-validations": [{ rule: "self != ''" }] },
                  labels: {
                    type: "object",
                    additionalProperties: { type: "string", "x-kubernetes-validations": [{ rule: "size(self) < 63" }] },
                  },
                },
              },
            },
          },
        },
      },
    };
    convertNode(source, "", { flavor: "crd", onRule: (path, rule) => rules.push([path, rule]) });
    expect(rules).toEqual([
      ["/spec", { rule: "has(self.a)", message: "a is required" }],
      ["/spec/rules/*/a~1b", { rule: "self != ''" }],
      ["/spec/rules/*/labels/*", { rule: "size(self) < 63" }],
    ]);
  });

  it("fails loudly on keywords it does not know", () => {
    expect(() => convertNode({ type: "object", properties: { a: { type: "string", "x-new-thing": 1 } } }, "", crd)).toThrow(
      'schema at "/a": unsupported keyword "x-new-thing"',
    );
  });
});
