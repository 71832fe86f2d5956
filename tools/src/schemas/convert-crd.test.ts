import { describe, expect, it } from "vitest";
import { convertCrd, parseCrdDocuments } from "./convert-crd.js";
import { OBJECT_META } from "./definitions.js";
import { type JsonObject } from "./json-value.js";
import { DNS_SUBDOMAIN_NAME } from "./kind-schema.js";

const metaLibrary = new Map<string, JsonObject>([
  [OBJECT_META, { type: "object", properties: { name: { type: "string" } }, additionalProperties: false }],
]);

const yaml = `
# leading comment document
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.io
spec:
  group: example.io
  names: {kind: Gadget, plural: gadgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        required: [spec]
        properties:
          metadata: {type: object}
          spec:
            type: object
            x-kubernetes-validations:
            - rule: "has(self.port) || has(self.name)"
              message: "port or name"
            properties:
              port:
                x-kubernetes-int-or-string: true
                anyOf: [{type: integer}, {type: string}]
              name: {type: string, nullable: true}
              rules:
                type: array
                items:
                  type: object
                  properties:
                    from:
                      type: string
                      x-kubernetes-validations:
                      - rule: "self != 'x'"
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
  - name: v1alpha1
    served: false
    storage: false
    schema:
      openAPIV3Schema: {type: object}
`;

describe("parseCrdDocuments", () => {
  it("returns the CRDs and skips empty documents", () => {
    expect(parseCrdDocuments(yaml, "x.yaml").map((crd) => (crd["metadata"] as JsonObject)["name"])).toEqual(["gadgets.example.io"]);
  });

  it("rejects anything that is not a CRD", () => {
    expect(() => parseCrdDocuments("apiVersion: v1\nkind: ConfigMap\n", "x.yaml")).toThrow(/only apiextensions/);
  });
});

describe("convertCrd", () => {
  const [crd] = parseCrdDocuments(yaml, "x.yaml");
  const { kinds, rules } = convertCrd(crd as JsonObject, metaLibrary, "test");

  it("emits one schema per served version", () => {
    expect(kinds.map((k) => `${k.apiVersion} ${k.kind}`)).toEqual(["example.io/v1 Gadget"]);
  });

  it("substitutes ObjectMeta for metadata (a custom resource's name is a DNS-1123 subdomain) and makes the rest strict", () => {
    expect(kinds[0]?.schema).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      $comment: "test",
      type: "object",
      required: ["apiVersion", "kind", "metadata", "spec"],
      additionalProperties: false,
      properties: {
        apiVersion: { type: "string", const: "example.io/v1" },
        kind: { type: "string", const: "Gadget" },
        metadata: { allOf: [{ $ref: `#/definitions/${OBJECT_META}` }, { type: "object", properties: { name: DNS_SUBDOMAIN_NAME } }] },
        spec: {
          type: "object",
          additionalProperties: false,
          properties: {
            port: { anyOf: [{ type: "integer" }, { type: "string" }] },
            name: { type: ["string", "null"] },
            rules: {
              type: "array",
              items: { type: "object", properties: { from: { type: "string" } }, additionalProperties: false },
            },
          },
        },
        status: { type: "object" },
      },
      definitions: { [OBJECT_META]: metaLibrary.get(OBJECT_META) },
    });
  });

  it("collects CEL rules with object paths", () => {
    expect(rules).toEqual([
      { apiVersion: "example.io/v1", kind: "Gadget", path: "/spec", rule: "has(self.port) || has(self.name)", message: "port or name" },
      { apiVersion: "example.io/v1", kind: "Gadget", path: "/spec/rules/*/from", rule: "self != 'x'", message: "failed rule: self != 'x'" },
    ]);
  });
});
