import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../model/resource.js";
import { canonicalJson, normalizeObject } from "./normalize.js";

const yaml = (text: string) => parse(text) as JsonObject;

describe("normalizeObject", () => {
  it("drops kustomize's build annotations, an annotations map they leave empty, and creationTimestamp: null", () => {
    const rendered = yaml(`
apiVersion: v1
kind: Service
metadata:
  annotations:
    config.kubernetes.io/origin: |
      path: ../../base/api/service.yaml
    alpha.config.kubernetes.io/transformations: |
      - path: patch.yaml
  creationTimestamp: null
  name: api
spec:
  ports: [{ name: http, port: 80 }]
`);
    expect(normalizeObject(rendered)).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "api" },
      spec: { ports: [{ name: "http", port: 80 }] },
    });
  });

  it("keeps the annotations a person wrote", () => {
    const object = yaml(`
metadata:
  annotations:
    config.kubernetes.io/origin: "path: a.yaml"
    mesh-policy.io/suppress: "rule: reason"
`);
    expect(normalizeObject(object)).toEqual({ metadata: { annotations: { "mesh-policy.io/suppress": "rule: reason" } } });
  });

  it("drops null, {} and [] fields, cascading, but keeps list items and empty selectors", () => {
    const object = yaml(`
spec:
  hosts: []
  gateways: null
  trafficPolicy: { tls: {}, connectionPool: { http: null } }
  rules: [{}]
  selector: {}
  from: [{ namespaceSelector: {} }, null]
status: {}
`);
    expect(normalizeObject(object)).toEqual({ spec: { from: [{ namespaceSelector: {} }, null], rules: [{}], selector: {} } });
  });

  it("sorts keys, so key order does not matter", () => {
    const a = normalizeObject(yaml("kind: A\nspec: { b: 1, a: [ { y: 1, x: 2 } ] }\napiVersion: v1\n"));
    const b = normalizeObject(yaml("apiVersion: v1\nspec:\n  a:\n  - x: 2\n    y: 1\n  b: 1\nkind: A\n"));
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(Object.keys(a)).toEqual(["apiVersion", "kind", "spec"]);
  });

  it("keeps the type of a value: a quoted number is not a number", () => {
    expect(canonicalJson(normalizeObject(yaml('port: "80"')))).not.toBe(canonicalJson(normalizeObject(yaml("port: 80"))));
  });

  it("does not change its input", () => {
    const object = yaml("metadata:\n  annotations:\n    config.kubernetes.io/origin: x\n  name: a\n");
    const copy = structuredClone(object);
    normalizeObject(object);
    expect(object).toEqual(copy);
  });
});
