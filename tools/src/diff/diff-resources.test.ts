import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import type { Resource } from "../model/resource.js";
import { diffResources } from "./diff-resources.js";

function load(text: string, file = "test.yaml"): Resource[] {
  const loaded = resourcesFromYaml(text, file);
  if (loaded.findings.length > 0) throw new Error(loaded.findings[0]?.message);
  return loaded.resources;
}

const virtualService = (http: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api]
  http:
${http}`;

describe("diffResources", () => {
  it("reports a changed field with its path, pointer, old and new value and its line", () => {
    const before = load(virtualService("  - route:\n    - destination: { host: api }\n      weight: 90\n    - destination: { host: api, subset: canary }\n      weight: 10\n"));
    const after = load(virtualService("  - route:\n    - destination: { host: api }\n      weight: 80\n    - destination: { host: api, subset: canary }\n      weight: 20\n"));
    const diff = diffResources(before, after);
    expect(diff).toMatchObject({ added: [], removed: [], unchanged: 0 });
    expect(diff.changed).toEqual([
      {
        group: "networking.istio.io",
        kind: "VirtualService",
        namespace: "shop",
        name: "api",
        apiVersion: "networking.istio.io/v1",
        source: "test.yaml",
        changes: [
          { path: "spec.http[0].route[0].weight", pointer: "/spec/http/0/route/0/weight", op: "changed", old: 90, new: 80, source: { file: "test.yaml", line: 12 } },
          { path: "spec.http[0].route[1].weight", pointer: "/spec/http/0/route/1/weight", op: "changed", old: 10, new: 20, source: { file: "test.yaml", line: 14 } },
        ],
      },
    ]);
  });

  it("matches list items by name: an inserted route is one change, not a change of every later route", () => {
    const routes = ["a", "b", "c"].map((n) => `  - name: ${n}\n    route: [{ destination: { host: ${n} } }]\n`);
    const before = load(virtualService(routes.join("")));
    const after = load(virtualService([routes[0], "  - name: new\n    route: [{ destination: { host: new } }]\n", routes[1], routes[2]].join("")));
    expect(diffResources(before, after).changed[0]?.changes).toEqual([
      {
        path: "spec.http[name=new]",
        pointer: "/spec/http/1",
        op: "added",
        new: { name: "new", route: [{ destination: { host: "new" } }] },
        source: { file: "test.yaml", line: 12 },
      },
    ]);
  });

  it("reports a change in the order of named routes (Istio takes the first that matches)", () => {
    const before = load(virtualService("  - name: a\n    timeout: 1s\n  - name: b\n    timeout: 2s\n"));
    const after = load(virtualService("  - name: b\n    timeout: 2s\n  - name: a\n    timeout: 1s\n"));
    expect(diffResources(before, after).changed[0]?.changes).toMatchObject([
      { path: "spec.http", op: "reordered", old: ["a", "b"], new: ["b", "a"] },
    ]);
  });

  it("compares lists without names by index, and lists of plain values whole", () => {
    const before = load(virtualService("  - timeout: 1s\n  - timeout: 2s\n"));
    const after = load(virtualService("  - timeout: 1s\n  - timeout: 3s\n  - timeout: 4s\n").replace("hosts: [api]", "hosts: [api, api.shop]"));
    expect(diffResources(before, after).changed[0]?.changes).toMatchObject([
      { path: "spec.hosts", op: "changed", old: ["api"], new: ["api", "api.shop"] },
      { path: "spec.http[1].timeout", op: "changed", old: "2s", new: "3s" },
      { path: "spec.http[2]", op: "added", new: { timeout: "4s" } },
    ]);
  });

  it("reports a field that changes type, and fields added and removed", () => {
    const before = load("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, annotations: { sidecar.istio.io/inject: 'false' } }\ndata: { a: x, b: 'y' }\n");
    const after = load("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, annotations: { sidecar.istio.io/inject: 'true' } }\ndata: { a: [x], c: z }\n");
    expect(diffResources(before, after).changed[0]?.changes.map(({ path, op, old, new: next }) => ({ path, op, old, new: next }))).toEqual([
      { path: "data.a", op: "changed", old: "x", new: ["x"] },
      { path: "data.b", op: "removed", old: "y", new: undefined },
      { path: "data.c", op: "added", old: undefined, new: "z" },
      { path: 'metadata.annotations["sidecar.istio.io/inject"]', op: "changed", old: "false", new: "true" },
    ]);
  });

  it("matches objects by group, kind, namespace and name (a version change is a change of apiVersion)", () => {
    const before = load("apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: { name: g, namespace: 'n' }\nspec: { selector: { istio: ingress } }\n");
    const after = load("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: g, namespace: 'n' }\nspec: { selector: { istio: ingress } }\n");
    const diff = diffResources(before, after);
    expect([diff.added, diff.removed]).toEqual([[], []]);
    expect(diff.changed[0]?.changes).toMatchObject([{ path: "apiVersion", old: "networking.istio.io/v1beta1", new: "networking.istio.io/v1" }]);
  });

  it("counts unchanged objects, ignores build metadata, and sorts by kind, namespace, name, group", () => {
    const object = (kind: string, ns: string, name: string, extra = "") =>
      `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  annotations: { config.kubernetes.io/origin: "path: ${extra}x.yaml" }\n---\n`;
    const before = load(object("Service", "b", "s") + object("ConfigMap", "a", "gone"));
    const after = load(object("Service", "b", "s", "moved/") + object("Service", "a", "z") + object("ConfigMap", "b", "a") + object("Service", "a", "a"));
    const diff = diffResources(before, after);
    expect(diff.unchanged).toBe(1);
    expect(diff.changed).toEqual([]);
    expect(diff.added.map((r) => `${r.kind} ${r.namespace}/${r.name}`)).toEqual(["ConfigMap b/a", "Service a/a", "Service a/z"]);
    expect(diff.removed.map((r) => r.name)).toEqual(["gone"]);
  });

  it("never returns a secret value: Secret data, credential fields, env values named like credentials", () => {
    const before = load(`
apiVersion: v1
kind: Secret
metadata: { name: s }
data: { password: b2xk, user: dQ== }
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: r }
spec:
  jwtRules:
  - issuer: https://issuer
    forwardOriginalToken: false
    clientSecret: first
---
apiVersion: v1
kind: Secret
metadata: { name: gone }
stringData: { apiKey: removed-value }
`);
    const after = load(`
apiVersion: v1
kind: Secret
metadata: { name: s }
data: { password: bmV3, token: dG9r, user: dQ== }
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: r }
spec:
  jwtRules:
  - issuer: https://issuer
    forwardOriginalToken: true
    clientSecret: second
`);
    const diff = diffResources(before, after);
    const json = JSON.stringify(diff);
    for (const value of ["b2xk", "bmV3", "dG9r", "dQ==", "first", "second", "removed-value"]) expect(json).not.toContain(value);
    expect(diff.removed[0]?.object).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "gone" }, stringData: { apiKey: "***" } });
    expect(diff.changed.map((c) => [c.kind, c.changes.map(({ path, op, old, new: next, masked }) => ({ path, op, old, new: next, masked }))])).toEqual([
      [
        "RequestAuthentication",
        [
          { path: "spec.jwtRules[0].clientSecret", op: "changed", old: "***", new: "***", masked: true },
          // A boolean is no secret.
          { path: "spec.jwtRules[0].forwardOriginalToken", op: "changed", old: false, new: true, masked: undefined },
        ],
      ],
      [
        "Secret",
        [
          { path: "data.password", op: "changed", old: "***", new: "***", masked: true },
          { path: "data.token", op: "added", old: undefined, new: "***", masked: true },
        ],
      ],
    ]);
  });

  it("masks secrets inside a larger value that is added whole", () => {
    const before = load("apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: { env: [{ name: A, value: a }] }\n");
    const after = load("apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: { env: [{ name: A, value: a }, { name: API_TOKEN, value: t0k3n }] }\n");
    expect(diffResources(before, after).changed[0]?.changes).toMatchObject([
      { path: "spec.env[name=API_TOKEN]", op: "added", new: { name: "API_TOKEN", value: "***" }, masked: true },
    ]);
  });

  it("keeps two objects of one identity on one side apart", () => {
    const text = "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: g }\n---\napiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: { name: g }\n";
    const diff = diffResources([], load(text));
    expect(diff.added.map((r) => r.apiVersion)).toEqual(["networking.istio.io/v1", "networking.istio.io/v1beta1"]);
  });

  // Speed is measured by `npm run bench`, not asserted here.
  it("pairs thousands of objects by identity", () => {
    const many = (n: number, weight: number) =>
      Array.from({ length: n }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata: { name: s${i}, namespace: 'n' }\nspec: { ports: [{ name: http, port: ${i % 7 === 0 ? weight : 80} }] }\n`).join("---\n");
    const before = load(many(5_000, 80));
    const after = load(many(5_000, 81));
    const diff = diffResources(before, after);
    expect(diff.changed).toHaveLength(Math.ceil(5_000 / 7));
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
  });
});
