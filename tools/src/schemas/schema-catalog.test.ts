import { existsSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { addKubernetesKeywords } from "./kubernetes-keywords.js";
import { loadSchemaIndex, readSchema, schemaCatalogDir } from "./schema-catalog.js";

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats.default(ajv);
  addKubernetesKeywords(ajv);
  return ajv;
}

const ajv = newAjv();
const validators = new Map<string, ValidateFunction>();

function validatorFor(apiVersion: string, kind: string): ValidateFunction {
  const entry = loadSchemaIndex().find(apiVersion, kind);
  if (entry === undefined) throw new Error(`no schema for ${apiVersion} ${kind}`);
  let validate = validators.get(entry.file);
  if (validate === undefined) {
    validate = ajv.compile(readSchema(entry));
    validators.set(entry.file, validate);
  }
  return validate;
}

function errorsOf(doc: { apiVersion: string; kind: string; [field: string]: unknown }): string[] {
  const validate = validatorFor(doc.apiVersion, doc.kind);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

const meta = (name: string, namespace = "mesh") => ({ name, namespace, labels: { app: name }, annotations: { owner: "mesh-team" } });

const validExamples: Array<{ apiVersion: string; kind: string; [key: string]: unknown }> = [
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta("web"),
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }, { name: "grpc", port: 9090, targetPort: 9090 }] },
  },
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "mesh", labels: { "istio-injection": "enabled" } } },
  { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("web"), automountServiceAccountToken: false },
  {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: meta("web"),
    spec: {
      hosts: ["web.mesh.svc.cluster.local"],
      gateways: ["mesh"],
      http: [
        {
          match: [{ uri: { prefix: "/api" }, headers: { "x-canary": { exact: "true" } } }],
          route: [
            { destination: { host: "web", subset: "v2", port: { number: 80 } }, weight: 10 },
            { destination: { host: "web", subset: "v1" }, weight: 90 },
          ],
          timeout: "5s",
          retries: { attempts: 3, perTryTimeout: "2s", retryOn: "5xx" },
        },
      ],
    },
  },
  {
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: meta("web"),
    spec: {
      host: "web",
      trafficPolicy: {
        tls: { mode: "ISTIO_MUTUAL" },
        connectionPool: { http: { http1MaxPendingRequests: 100 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s" },
        loadBalancer: { simple: "LEAST_REQUEST" },
      },
      subsets: [
        { name: "v1", labels: { version: "v1" } },
        { name: "v2", labels: { version: "v2" } },
      ],
    },
  },
  {
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: meta("ingress", "istio-system"),
    spec: {
      selector: { istio: "ingressgateway" },
      servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["*.example.com"], tls: { mode: "SIMPLE", credentialName: "example-cert" } }],
    },
  },
  {
    apiVersion: "networking.istio.io/v1",
    kind: "Sidecar",
    metadata: meta("default"),
    spec: { egress: [{ hosts: ["./*", "istio-system/*"] }], outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } },
  },
  {
    apiVersion: "networking.istio.io/v1",
    kind: "ServiceEntry",
    metadata: meta("external-api"),
    spec: {
      hosts: ["api.example.com"],
      location: "MESH_EXTERNAL",
      resolution: "DNS",
      ports: [{ number: 443, name: "https", protocol: "TLS" }],
    },
  },
  {
    apiVersion: "networking.istio.io/v1alpha3",
    kind: "EnvoyFilter",
    metadata: meta("lua", "istio-system"),
    spec: {
      workloadSelector: { labels: { app: "web" } },
      configPatches: [
        {
          applyTo: "HTTP_FILTER",
          match: { context: "SIDECAR_INBOUND", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
          patch: {
            operation: "INSERT_BEFORE",
            value: { name: "envoy.lua", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua" } },
          },
        },
      ],
    },
  },
  {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: meta("allow-frontend"),
    spec: {
      selector: { matchLabels: { app: "web" } },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: ["cluster.local/ns/mesh/sa/frontend"] } }],
          to: [{ operation: { methods: ["GET"], paths: ["/api/*"] } }],
          when: [{ key: "request.headers[x-env]", values: ["prod"] }],
        },
      ],
    },
  },
  {
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
    metadata: meta("default", "istio-system"),
    spec: { mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } },
  },
  {
    apiVersion: "security.istio.io/v1",
    kind: "RequestAuthentication",
    metadata: meta("jwt"),
    spec: {
      selector: { matchLabels: { app: "web" } },
      jwtRules: [{ issuer: "https://issuer.example.com", jwksUri: "https://issuer.example.com/jwks.json", forwardOriginalToken: true }],
    },
  },
  {
    apiVersion: "telemetry.istio.io/v1",
    kind: "Telemetry",
    metadata: meta("mesh-default", "istio-system"),
    spec: {
      accessLogging: [{ providers: [{ name: "envoy" }] }],
      tracing: [{ randomSamplingPercentage: 10 }],
      metrics: [{ providers: [{ name: "prometheus" }], overrides: [{ match: { metric: "REQUEST_COUNT" }, tagOverrides: { request_host: { operation: "REMOVE" } } }] }],
    },
  },
  {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: "mesh-policy", namespace: "argocd", finalizers: ["resources-finalizer.argocd.argoproj.io"] },
    spec: {
      project: "mesh",
      source: { repoURL: "https://git.example.com/mesh-policy.git", targetRevision: "main", path: "overlays/prod", kustomize: { namePrefix: "prod-" } },
      destination: { server: "https://kubernetes.default.svc", namespace: "istio-system" },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"], retry: { limit: 3 } },
    },
  },
  {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: "mesh", namespace: "argocd" },
    spec: {
      description: "Istio mesh policy",
      sourceRepos: ["https://git.example.com/mesh-policy.git"],
      destinations: [{ server: "https://kubernetes.default.svc", namespace: "*" }],
      clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
      namespaceResourceWhitelist: [{ group: "networking.istio.io", kind: "*" }],
    },
  },
];

describe("schema catalog", () => {
  it("is found next to the sources, from src/ as from dist/", () => {
    expect(schemaCatalogDir()).toMatch(/[/\\]tools[/\\]schemas$/);
    expect(existsSync(join(schemaCatalogDir(), "sources.json"))).toBe(true);
  });

  it("indexes every kind once and finds entries by apiVersion and kind", () => {
    const index = loadSchemaIndex();
    expect(index).toBe(loadSchemaIndex());
    const keys = index.entries.map((e) => `${e.apiVersion} ${e.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(index.find("v1", "Service")).toEqual({ apiVersion: "v1", kind: "Service", file: "json/core/v1/service.json", source: "kubernetes" });
    expect(index.find("networking.istio.io/v1beta1", "VirtualService")?.source).toBe("istio");
    expect(index.find("argoproj.io/v1alpha1", "ApplicationSet")?.source).toBe("argo-cd");
    expect(index.find("v1", "ServiceList")).toBeUndefined();
    expect(index.find("v1", "Status")).toBeUndefined();
    for (const entry of index.entries) expect(existsSync(join(schemaCatalogDir(), entry.file))).toBe(true);
  });

  it("caches parsed schemas", () => {
    const entry = loadSchemaIndex().find("v1", "Service");
    expect(entry).toBeDefined();
    if (entry) expect(readSchema(entry)).toBe(readSchema(entry));
  });

  it("compiles every schema with ajv in strict mode", () => {
    const fresh = newAjv();
    for (const entry of loadSchemaIndex().entries) {
      expect(() => fresh.compile(readSchema(entry)), `${entry.apiVersion} ${entry.kind}`).not.toThrow();
    }
  });

  it.each(validExamples.map((doc) => [`${doc.apiVersion} ${doc.kind}`, doc] as const))("accepts a valid %s", (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each(validExamples.map((doc) => [`${doc.apiVersion} ${doc.kind}`, doc] as const))(
    "rejects unknown fields in spec and metadata of %s",
    (_name, doc) => {
      const specField = doc["spec"] === undefined ? "automountServiceAccountTokens" : "spec";
      const withUnknownSpecField =
        doc["spec"] === undefined ? { ...doc, [specField]: true } : { ...doc, spec: { ...(doc["spec"] as object), unknownField: 1 } };
      expect(errorsOf(withUnknownSpecField).join("\n")).toMatch(/must NOT have additional properties/);
      const withUnknownMetaField = { ...doc, metadata: { ...(doc["metadata"] as object), lables: { app: "x" } } };
      expect(errorsOf(withUnknownMetaField)).toEqual([
        `/metadata must NOT have additional properties {"additionalProperty":"lables"}`,
      ]);
    },
  );

  it("checks types, enums, int-or-string and required fields", () => {
    const service = validExamples[0] as { apiVersion: string; kind: string; spec: { ports: object[] } };
    expect(errorsOf({ ...service, spec: { ports: [{ port: "80" }] } }).join("\n")).toMatch(/port must be integer/);
    expect(errorsOf({ ...service, spec: { ports: [{ port: 80, targetPort: true }] } })).not.toEqual([]);
    expect(errorsOf({ ...service, spec: { ports: [{ name: "http" }] } }).join("\n")).toMatch(/must have required property 'port'/);
    expect(errorsOf({ apiVersion: "v1", kind: "Service", spec: {} }).join("\n")).toMatch(/required property 'metadata'/);
    const peer = { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: meta("x") };
    expect(errorsOf({ ...peer, spec: { mtls: { mode: "STRICTER" } } }).join("\n")).toMatch(/must be equal to one of the allowed values/);
    expect(errorsOf({ ...peer, spec: { portLevelMtls: { "80": { mode: "STRICT", extra: 1 } } } })).not.toEqual([]);
  });

  it("rejects duplicate keys in a custom resource's list-map and names that are not DNS-1123 subdomains, as the API server does", () => {
    const wasm = (env: object[]) => ({
      apiVersion: "extensions.istio.io/v1alpha1",
      kind: "WasmPlugin",
      metadata: meta("filter"),
      spec: { url: "oci://ghcr.io/acme/filter:v1", vmConfig: { env } },
    });
    expect(errorsOf(wasm([{ name: "A", value: "1" }, { name: "B", value: "2" }]))).toEqual([]);
    expect(errorsOf(wasm([{ name: "A", value: "1" }, { name: "B" }, { name: "A", value: "3" }, { name: "A" }]))).toEqual([
      `/spec/vmConfig/env/2 duplicate key {"keys":["name"],"duplicateOf":0,"values":[["name","A"]]}`,
    ]);
    const serviceEntry = validExamples.find((d) => d.kind === "ServiceEntry") as { spec: { ports: object[] } } & (typeof validExamples)[number];
    const twoPorts = { ...serviceEntry, spec: { ...serviceEntry.spec, ports: [{ number: 443, name: "https", protocol: "TLS" }, { number: 8443, name: "https", protocol: "TLS" }] } };
    expect(errorsOf(twoPorts).join("\n")).toMatch(/^\/spec\/ports\/1 duplicate key/);
    for (const name of ["Bad_Name", "-web", "web.", "a".repeat(254)]) {
      expect(errorsOf({ ...serviceEntry, metadata: meta(name) }).join("\n")).toMatch(/^\/metadata\/name must (match pattern|NOT have more than 253)/);
    }
    expect(errorsOf({ ...serviceEntry, metadata: meta("api.v2-example") })).toEqual([]);
  });

  it("rejects a kind or apiVersion that does not match the schema", () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } };
    expect(validatorFor("v1", "Namespace")({ ...ns, apiVersion: "v2" })).toBe(false);
    expect(validatorFor("v1", "Namespace")({ ...ns, kind: "Namespaces" })).toBe(false);
  });

  it("keeps preserve-unknown-fields parts open (EnvoyFilter patch value, Argo CD Helm valuesObject)", () => {
    const envoyFilter = validExamples.find((d) => d.kind === "EnvoyFilter");
    expect(envoyFilter).toBeDefined();
    const app = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "x" },
      spec: {
        project: "default",
        destination: { name: "in-cluster" },
        source: { repoURL: "https://charts.example.com", chart: "web", targetRevision: "1.0.0", helm: { valuesObject: { any: { thing: [1, "a"] } } } },
      },
    };
    expect(errorsOf(app)).toEqual([]);
  });
});
