import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/run-cli.js";
import { findKubeconform } from "../validate/kubeconform.js";
import { exportKubeconformSchemas, kubeconformFileOf } from "./export-kubeconform.js";
import { loadSchemaIndex } from "./schema-catalog.js";

const valid = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: mesh
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: mesh
spec:
  hosts: [web.mesh.svc.cluster.local]
  http:
  - route:
    - destination: {host: web.mesh.svc.cluster.local, port: {number: 80}}
      weight: 100
    timeout: 5s
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: mesh-policy
  namespace: argocd
spec:
  project: default
  source: {repoURL: "https://git.example.com/mesh-policy.git", targetRevision: main, path: overlays/prod}
  destination: {server: "https://kubernetes.default.svc", namespace: istio-system}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
`;

const invalid = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
spec:
  hosts: [web]
  htpp:
  - route:
    - destination: {host: web}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  lables: {app: web}
spec:
  ports:
  - {port: 80}
`;

interface KubeconformReport {
  resources: Array<{ kind: string; status: string; msg: string }>;
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

describe("exportKubeconformSchemas", () => {
  let kubeconform: string;
  let dir: string;
  let schemaLocation: string;

  beforeAll(async () => {
    kubeconform = await findKubeconform(REPO_ROOT);
    dir = await mkdtemp(join(tmpdir(), "kubeconform-schemas-"));
    const exported = await exportKubeconformSchemas(join(dir, "schemas"));
    schemaLocation = exported.schemaLocation;
    expect(exported.files).toBe(loadSchemaIndex().entries.length);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function runKubeconform(name: string, manifests: string): Promise<{ exitCode: number | undefined; report: KubeconformReport }> {
    const file = join(dir, name);
    await writeFile(file, manifests);
    const result = await execa(kubeconform, ["-strict", "-summary", "-output", "json", "-schema-location", schemaLocation, file], {
      reject: false,
    });
    return { exitCode: result.exitCode, report: JSON.parse(result.stdout) as KubeconformReport };
  }

  it("uses kubeconform's layout (core kinds under v1/)", () => {
    expect(kubeconformFileOf({ apiVersion: "v1", kind: "Service" })).toBe("v1/service_v1.json");
    expect(kubeconformFileOf({ apiVersion: "networking.istio.io/v1", kind: "VirtualService" })).toBe(
      "networking.istio.io/virtualservice_v1.json",
    );
    expect(schemaLocation).toBe(`${join(dir, "schemas")}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`);
  });

  it("lets kubeconform accept valid Kubernetes, Istio and Argo CD resources offline", async () => {
    const { exitCode, report } = await runKubeconform("valid.yaml", valid);
    expect(report.summary).toEqual({ valid: 3, invalid: 0, errors: 0, skipped: 0 });
    expect(exitCode).toBe(0);
  });

  it("lets kubeconform reject unknown fields", async () => {
    const { exitCode, report } = await runKubeconform("invalid.yaml", invalid);
    expect(report.summary).toEqual({ valid: 0, invalid: 2, errors: 0, skipped: 0 });
    // kubeconform validates concurrently: the order of resources is not stable.
    const byKind = new Map(report.resources.map((r) => [r.kind, r]));
    expect(byKind.get("VirtualService")?.status).toBe("statusInvalid");
    expect(byKind.get("VirtualService")?.msg).toMatch(/additional properties 'htpp' not allowed/);
    expect(byKind.get("Service")?.status).toBe("statusInvalid");
    expect(byKind.get("Service")?.msg).toMatch(/additional properties 'lables' not allowed/);
    expect(exitCode).toBe(1);
  });

  it("lets kubeconform compile every exported schema", async () => {
    // A schema kubeconform cannot compile is reported as missing ("errors"), not as invalid.
    const stubs = loadSchemaIndex()
      .entries.map((e) => `apiVersion: ${e.apiVersion}\nkind: ${e.kind}\nmetadata:\n  name: x\n`)
      .join("---\n");
    const { report } = await runKubeconform("stubs.yaml", stubs);
    expect(report.summary.errors).toBe(0);
    expect(report.summary.valid + report.summary.invalid).toBe(loadSchemaIndex().entries.length);
  });
});
