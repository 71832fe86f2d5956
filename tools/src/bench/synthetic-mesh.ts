import { stringify } from "yaml";

const OBJECTS_PER_WORKLOAD = 7;

/**
 * A multi-document YAML stream shaped like a real mesh policy: for each workload a ServiceAccount,
 * Service, VirtualService, DestinationRule, AuthorizationPolicy, Sidecar and PeerAuthentication,
 * where workload i is called by workload i-1, and each namespace's deny-all and STRICT mTLS.
 * About `objects` documents in all.
 */
export function syntheticMeshYaml(objects: number): { yaml: string; workloads: number } {
  const workloads = Math.max(1, Math.round(objects / OBJECTS_PER_WORKLOAD));
  const documents: unknown[] = [];
  for (let i = 0; i < workloads; i++) {
    const name = `svc-${i}`;
    const namespace = `team-${i % 20}`;
    const caller = `svc-${i === 0 ? workloads - 1 : i - 1}`;
    const callerNamespace = `team-${(i === 0 ? workloads - 1 : i - 1) % 20}`;
    const host = `${name}.${namespace}.svc.cluster.local`;
    const metadata = { name, namespace };
    documents.push(
      { apiVersion: "v1", kind: "ServiceAccount", metadata },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { ...metadata, annotations: { "mesh-policy.io/service-account": name, "mesh-policy.io/versions": "stable,canary" } },
        spec: { selector: { app: name }, ports: [{ name: "http-api", port: 8080, targetPort: 9080 }] },
      },
      {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata,
        spec: {
          hosts: [name],
          http: [
            {
              match: [{ uri: { prefix: "/api/" } }],
              route: [
                { destination: { host: name, subset: "stable", port: { number: 8080 } }, weight: 90 },
                { destination: { host: name, subset: "canary", port: { number: 8080 } }, weight: 10 },
              ],
              timeout: "10s",
              retries: { attempts: 2, perTryTimeout: "3s", retryOn: "connect-failure,refused-stream,503" },
            },
            { route: [{ destination: { host: name, subset: "stable", port: { number: 8080 } } }] },
          ],
        },
      },
      {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata,
        spec: {
          host: name,
          trafficPolicy: {
            connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 100, http2MaxRequests: 1000 } },
            outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
          },
          subsets: [
            { name: "stable", labels: { version: "stable" } },
            { name: "canary", labels: { version: "canary" } },
          ],
        },
      },
      {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: `allow-${name}`, namespace },
        spec: {
          selector: { matchLabels: { app: name } },
          rules: [
            {
              from: [{ source: { principals: [`cluster.local/ns/${callerNamespace}/sa/${caller}`] } }],
              to: [{ operation: { ports: ["9080"], methods: ["GET", "POST"], paths: ["/api/*"] } }],
            },
          ],
        },
      },
      {
        apiVersion: "networking.istio.io/v1",
        kind: "Sidecar",
        metadata,
        spec: {
          workloadSelector: { labels: { app: name } },
          egress: [{ hosts: [`./${host}`, "istio-system/*"] }],
          outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
        },
      },
      {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata,
        spec: { selector: { matchLabels: { app: name } }, mtls: { mode: "STRICT" } },
      },
    );
  }
  // The zero-trust baseline of every namespace: deny by default, STRICT mTLS.
  for (let team = 0; team < Math.min(20, workloads); team++) {
    const metadata = { name: "default", namespace: `team-${team}` };
    documents.push(
      { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { ...metadata, name: "deny-all" }, spec: {} },
      { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata, spec: { mtls: { mode: "STRICT" } } },
    );
  }
  return { yaml: documents.map((d) => stringify(d)).join("---\n"), workloads };
}
