import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { pushTo } from "../mesh/fields.js";

/**
 * A policy repository of `services` services in 20 namespaces, five objects per service (Service,
 * ServiceAccount, VirtualService, DestinationRule, AuthorizationPolicy: service i is called by
 * service i-1) plus each namespace's Namespace, deny-all and STRICT mTLS, rendered by one
 * environment (`prod`). Committed twice: `base` and `head`, where head allows one more caller of
 * service 0 (a one-object change).
 */

const SCALE_NAMESPACES = 20;

export interface ScaleRepo {
  root: string;
  /** Objects one environment renders. */
  objects: number;
}

export async function writeScaleRepo(root: string, services: number): Promise<ScaleRepo> {
  const namespaces = Math.min(SCALE_NAMESPACES, services);
  const byNamespace = new Map<string, unknown[]>();
  const nsOf = (i: number) => `team-${String(i % namespaces).padStart(2, "0")}`;
  const push = (namespace: string, document: unknown) => pushTo(byNamespace, namespace, document);
  for (let n = 0; n < namespaces; n++) {
    const namespace = nsOf(n);
    push(namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { "istio-injection": "enabled" } } });
    push(namespace, { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: "deny-all", namespace }, spec: {} });
    push(namespace, { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace }, spec: { mtls: { mode: "STRICT" } } });
  }
  for (let i = 0; i < services; i++) {
    const name = `svc-${i}`;
    const namespace = nsOf(i);
    const caller = (i + services - 1) % services;
    for (const document of serviceObjects(name, namespace, [`cluster.local/ns/${nsOf(caller)}/sa/svc-${caller}`])) push(namespace, document);
  }
  await mkdir(path.join(root, "base"), { recursive: true });
  const files: string[] = [];
  for (const [namespace, documents] of [...byNamespace.entries()].sort()) {
    const file = `${namespace}.yaml`;
    files.push(file);
    await writeFile(path.join(root, "base", file), documents.map((d) => stringify(d)).join("---\n"));
  }
  await writeFile(path.join(root, "base", "kustomization.yaml"), stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: files }));
  await mkdir(path.join(root, "environments", "prod"), { recursive: true });
  await writeFile(path.join(root, "environments", "prod", "kustomization.yaml"), stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", buildMetadata: ["originAnnotations"], resources: ["../../base"] }));
  git(root, "init", "--quiet", "--initial-branch=main");
  git(root, "add", ".");
  git(root, "commit", "--quiet", "-m", "base");
  git(root, "tag", "base");

  // The one-object change: service 0 also admits service 2's identity.
  const first = nsOf(0);
  const policyFile = path.join(root, "base", `${first}.yaml`);
  const documents = byNamespace.get(first) ?? [];
  const index = documents.findIndex((d) => (d as { kind: string; metadata: { name: string } }).metadata.name === "allow-svc-0");
  const extra = `cluster.local/ns/${nsOf(2 % services)}/sa/svc-${2 % services}`;
  documents[index] = serviceObjects("svc-0", first, [`cluster.local/ns/${nsOf(services - 1)}/sa/svc-${services - 1}`, extra])[4];
  await writeFile(policyFile, documents.map((d) => stringify(d)).join("---\n"));
  git(root, "commit", "--quiet", "-am", "allow one more caller");
  git(root, "tag", "head");
  return { root, objects: [...byNamespace.values()].reduce((n, list) => n + list.length, 0) };
}

function serviceObjects(name: string, namespace: string, callers: readonly string[]): unknown[] {
  const metadata = { name, namespace };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { ...metadata, annotations: { "mesh-policy.io/service-account": name } },
      spec: { selector: { app: name }, ports: [{ name: "http-api", port: 8080, targetPort: 9080 }] },
    },
    {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata,
      spec: { hosts: [name], http: [{ route: [{ destination: { host: name, port: { number: 8080 } } }], timeout: "10s" }] },
    },
    {
      apiVersion: "networking.istio.io/v1",
      kind: "DestinationRule",
      metadata,
      spec: { host: name, trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } }, outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s" } } },
    },
    {
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: `allow-${name}`, namespace },
      spec: {
        selector: { matchLabels: { app: name } },
        rules: [{ from: [{ source: { principals: callers } }], to: [{ operation: { ports: ["9080"], methods: ["GET", "POST"], paths: ["/api/*"] } }] }],
      },
    },
  ];
}

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd, stdio: "ignore" });
}
