import { performance } from "node:perf_hooks";
import type { JsonObject, Resource } from "../model/resource.js";
import { computeAccessMatrix, type AccessMatrix } from "./access-matrix.js";
import { buildAccessModel } from "./mesh-model.js";

/**
 * A synthetic mesh of N workloads and M AuthorizationPolicies, and the time the access matrix takes
 * on it. The requirement: 500 workloads and 2,000 policies in under one second.
 */

export interface AccessBenchOptions {
  workloads?: number;
  policies?: number;
  namespaces?: number;
}

export interface AccessBenchResult {
  workloads: number;
  policies: number;
  sources: number;
  targets: number;
  cells: number;
  /** Indexing the resources (MeshIndex, policy and selector indexes). */
  indexMs: number;
  /** Computing every cell. */
  matrixMs: number;
  totalMs: number;
  nonDenied: number;
}

function resource(apiVersion: string, kind: string, namespace: string, name: string, object: JsonObject): Resource {
  return {
    apiVersion,
    kind,
    name,
    namespace,
    object: { apiVersion, kind, metadata: { name, namespace, ...((object["metadata"] as JsonObject | undefined) ?? {}) }, ...object },
    origin: { file: "bench (generated)", line: 1, locate: () => ({ file: "bench (generated)", line: 1 }) },
  };
}

/**
 * Namespaces `team-00…`, each with workloads `svc-000…` described by annotated Services (one HTTP port,
 * own service account), STRICT mTLS and a RequestAuthentication per namespace, and four policies per workload on average: an
 * ALLOW from two neighbours with methods/paths, an ALLOW from the next namespace, an ALLOW for the
 * ingress gateway with a JWT, and a DENY on `/admin*`.
 */
export function generateAccessBenchConfig(options: AccessBenchOptions = {}): Resource[] {
  const workloads = options.workloads ?? 500;
  const policies = options.policies ?? 2000;
  const namespaces = options.namespaces ?? 25;
  const resources: Resource[] = [];
  const nsOf = (i: number) => `team-${String(i % namespaces).padStart(2, "0")}`;
  const nameOf = (i: number) => `svc-${String(i).padStart(3, "0")}`;
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${String(n).padStart(2, "0")}`;
    resources.push(resource("security.istio.io/v1", "PeerAuthentication", ns, "default", { spec: { mtls: { mode: "STRICT" } } }));
    resources.push(resource("security.istio.io/v1", "RequestAuthentication", ns, "jwt", { spec: { jwtRules: [{ issuer: "https://idp.example.com" }] } }));
  }
  for (let i = 0; i < workloads; i++) {
    resources.push(
      resource("v1", "Service", nsOf(i), nameOf(i), {
        metadata: { annotations: { "mesh-policy.io/service-account": nameOf(i) } },
        spec: { selector: { app: nameOf(i) }, ports: [{ name: "http-api", port: 80, targetPort: 8080 }] },
      }),
    );
  }
  const principal = (i: number) => `cluster.local/ns/${nsOf(i)}/sa/${nameOf(i)}`;
  const shapes = [
    (i: number) => ({
      action: "ALLOW",
      rules: [{ from: [{ source: { principals: [principal(i + namespaces), principal(i + 2 * namespaces)] } }], to: [{ operation: { methods: ["GET", "POST"], paths: ["/api/*"], ports: ["8080"] } }] }],
    }),
    (i: number) => ({ action: "ALLOW", rules: [{ from: [{ source: { namespaces: [nsOf(i + 1)] } }], to: [{ operation: { paths: ["/public/*"] } }] }] }),
    () => ({
      action: "ALLOW",
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"], requestPrincipals: ["*"] } }], to: [{ operation: { methods: ["GET"] } }] }],
    }),
    () => ({ action: "DENY", rules: [{ to: [{ operation: { paths: ["/admin*"] } }] }] }),
  ];
  for (let p = 0; p < policies; p++) {
    const i = p % workloads;
    const shape = shapes[Math.floor(p / workloads) % shapes.length] ?? shapes[0];
    resources.push(
      resource("security.istio.io/v1", "AuthorizationPolicy", nsOf(i), `policy-${String(p).padStart(4, "0")}`, {
        spec: { selector: { matchLabels: { app: nameOf(i) } }, ...(shape?.(i) ?? {}) },
      }),
    );
  }
  return resources;
}

/** Generates the configuration, then times indexing and the matrix (best of `runs`). */
export function benchAccessMatrix(options: AccessBenchOptions & { runs?: number } = {}): AccessBenchResult {
  const resources = generateAccessBenchConfig(options);
  let best: AccessBenchResult | undefined;
  for (let run = 0; run < (options.runs ?? 3); run++) {
    const t0 = performance.now();
    const model = buildAccessModel(resources);
    const t1 = performance.now();
    const matrix: AccessMatrix = computeAccessMatrix(model, { environment: "bench" });
    const t2 = performance.now();
    let nonDenied = 0;
    for (const row of matrix.cells) for (const cell of row) if (cell.status !== "denied") nonDenied++;
    const result: AccessBenchResult = {
      workloads: model.workloads.length,
      policies: model.policyModel.authorizationPolicies().length,
      sources: matrix.sources.length,
      targets: matrix.targets.length,
      cells: matrix.sources.length * matrix.targets.length,
      indexMs: Math.round((t1 - t0) * 10) / 10,
      matrixMs: Math.round((t2 - t1) * 10) / 10,
      totalMs: Math.round((t2 - t0) * 10) / 10,
      nonDenied,
    };
    if (best === undefined || result.totalMs < best.totalMs) best = result;
  }
  return best as AccessBenchResult;
}
