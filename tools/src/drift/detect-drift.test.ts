import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandContext } from "../cli/commands.js";
import { runDriftCommand } from "../cli/drift-command.js";
import { parseCommonOptions } from "../cli/options.js";
import { UserError } from "../model/errors.js";
import type { JsonObject } from "../model/resource.js";
import { renderEnvironment } from "../render/render-environment.js";
import { detectDrift, type DriftReport } from "./detect-drift.js";
import { kubeconfigFor, startFakeApiServer, type FakeApiServer } from "./fixtures/fake-api-server.js";
import { formatDriftText } from "./format-drift.js";

const REPO_URL = "https://example.com/shop/policy.git";

/** A tiny repository: environment prod renders a Namespace, a ServiceAccount, a Service, a VirtualService and an ALLOW policy. */
const FILES: Record<string, string> = {
  "environments/prod/kustomization.yaml": [
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    "buildMetadata: [originAnnotations]",
    "resources:",
    "  - namespace.yaml",
    "  - api.yaml",
    "",
  ].join("\n"),
  "environments/prod/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n",
  "environments/prod/api.yaml": [
    "apiVersion: v1",
    "kind: ServiceAccount",
    "metadata:",
    "  name: api",
    "  namespace: shop",
    "---",
    "apiVersion: v1",
    "kind: Service",
    "metadata:",
    "  name: api",
    "  namespace: shop",
    "spec:",
    "  selector:",
    "    app: api",
    "  ports:",
    "    - name: http",
    "      port: 8080",
    "---",
    "apiVersion: networking.istio.io/v1",
    "kind: VirtualService",
    "metadata:",
    "  name: api",
    "  namespace: shop",
    "spec:",
    "  hosts:",
    "    - api",
    "  http:",
    "    - name: default",
    "      route:",
    "        - destination:",
    "            host: api",
    "            subset: stable",
    "          weight: 80",
    "        - destination:",
    "            host: api",
    "            subset: canary",
    "          weight: 20",
    "---",
    "apiVersion: security.istio.io/v1",
    "kind: AuthorizationPolicy",
    "metadata:",
    "  name: api-allow-web",
    "  namespace: shop",
    "spec:",
    "  selector:",
    "    matchLabels:",
    "      app: api",
    "  action: ALLOW",
    "  rules:",
    "    - from:",
    "        - source:",
    "            principals: [cluster.local/ns/shop/sa/web]",
    "",
  ].join("\n"),
  "argocd/project.yaml": [
    "apiVersion: argoproj.io/v1alpha1",
    "kind: AppProject",
    "metadata:",
    "  name: mesh-policy",
    "spec:",
    "  sourceRepos:",
    `    - ${REPO_URL}`,
    "---",
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    "  name: policy-prod",
    "spec:",
    "  project: mesh-policy",
    "  source:",
    `    repoURL: ${REPO_URL}`,
    "    path: environments/prod",
    "  destination:",
    "    name: prod",
    "    namespace: shop",
    "",
  ].join("\n"),
};

const KINDS = [
  { apiVersion: "v1", kind: "Namespace", namespaced: false },
  { apiVersion: "v1", kind: "ServiceAccount", namespaced: true },
  { apiVersion: "v1", kind: "Service", namespaced: true },
  { apiVersion: "v1", kind: "ConfigMap", namespaced: true },
  { apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespaced: true },
  { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", namespaced: true },
  { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", namespaced: true },
];

let root: string;
let server: FakeApiServer;
let kubeconfig: string;
let rendered: JsonObject[];

/**
 * What the API server holds after Argo CD applied the render: the same objects plus what the
 * server and kubectl add (uid, resourceVersion, managedFields, status, defaults, annotations).
 */
function asLive(object: JsonObject): JsonObject {
  const live = structuredClone(object) as JsonObject & { metadata: JsonObject & { annotations?: Record<string, string>; labels?: Record<string, string> } };
  const { metadata } = live;
  const annotations = { ...(metadata.annotations ?? {}) };
  delete annotations["config.kubernetes.io/origin"];
  const id = `${String(live["kind"])}:${String(metadata["namespace"] ?? "")}/${String(metadata["name"])}`;
  metadata.annotations = { ...annotations, "argocd.argoproj.io/tracking-id": `policy-prod:${id}`, "kubectl.kubernetes.io/last-applied-configuration": "{}" };
  metadata["uid"] = `uid-${id}`;
  metadata["resourceVersion"] = "4242";
  metadata["generation"] = 3;
  metadata["creationTimestamp"] = "2024-01-01T00:00:00Z";
  metadata["managedFields"] = [{ manager: "argocd-controller", operation: "Apply", apiVersion: String(live["apiVersion"]) }];
  if (live["kind"] === "Namespace") {
    metadata.labels = { ...(metadata.labels ?? {}), "kubernetes.io/metadata.name": String(metadata["name"]) };
    live["spec"] = { finalizers: ["kubernetes"] };
    live["status"] = { phase: "Active" };
  }
  if (live["kind"] === "Service") {
    const spec = live["spec"] as { ports: Array<Record<string, unknown>> } & JsonObject;
    spec.ports = spec.ports.map((port) => ({ ...port, protocol: "TCP", targetPort: port["port"] }));
    Object.assign(spec, { type: "ClusterIP", clusterIP: "10.0.0.12", clusterIPs: ["10.0.0.12"], sessionAffinity: "None", ipFamilies: ["IPv4"] });
    live["status"] = { loadBalancer: {} };
  }
  if (live["kind"] === "ServiceAccount") live["secrets"] = [{ name: "api-token-x" }];
  return live;
}

function liveObject(kind: string, name: string): JsonObject {
  const found = rendered.find((o) => o["kind"] === kind && (o["metadata"] as JsonObject)["name"] === name);
  if (found === undefined) throw new Error(`no rendered ${kind} ${name}`);
  return asLive(found);
}

function context(args: string[]): CommandContext {
  return { repoRoot: root, cwd: root, options: { ...parseCommonOptions(args), kubeconfig } as CommandContext["options"] };
}

const detect = (): Promise<DriftReport> => detectDrift({ repoRoot: root, environment: "prod", kubeconfig, render: { cacheDir: false } });

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "mesh-policy-drift-"));
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  rendered = (await renderEnvironment(root, "prod", { cacheDir: false })).resources.map((r) => r.object);
  server = await startFakeApiServer(structuredClone(KINDS));
  for (const object of rendered) server.put(asLive(object));
  // What every namespace has, and Istio adds: never "extra".
  server.put({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: "shop" } });
  server.put({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "istio-ca-root-cert", namespace: "shop" }, data: {} });
  kubeconfig = path.join(root, "kubeconfig.yaml");
  await writeFile(kubeconfig, kubeconfigFor(server.url));
});

afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe("detectDrift against a fake API server (no real cluster here)", () => {
  it("is in sync when the cluster holds what the repository renders, defaults, status and annotations aside", async () => {
    const report = await detect();
    expect(report).toMatchObject({ version: 1, environment: "prod", application: "policy-prod", rendered: 5, inSync: 5, missing: [], extra: [], changed: [] });
    expect(report.cluster).toEqual({ context: "fake-prod", server: server.url });
    expect(server.requests).toContain("GET /apis/networking.istio.io/v1/namespaces/shop/virtualservices/api");
    expect(server.requests).toContain("GET /apis/security.istio.io/v1/namespaces/shop/authorizationpolicies");

    const output = path.join(root, "drift.txt");
    expect(await runDriftCommand(context(["prod", "--output", output]))).toBe(0);
    expect(await readFile(output, "utf8")).toBe(
      `mesh-policy drift: prod (policy-prod) against context fake-prod, ${server.url}\n\n` +
        "in sync: 5 objects rendered: 5 in sync, 0 missing, 0 changed; 0 extra in the cluster\n",
    );
  });

  it("reports an object the cluster does not have as missing, and a kind it does not serve as such", async () => {
    server.remove("security.istio.io/v1", "AuthorizationPolicy", "shop", "api-allow-web");
    server.kinds = server.kinds.filter((k) => k.kind !== "VirtualService");
    const report = await detect();
    expect(report.missing).toEqual([
      { group: "security.istio.io", kind: "AuthorizationPolicy", namespace: "shop", name: "api-allow-web", apiVersion: "security.istio.io/v1", source: "environments/prod/api.yaml", reason: "not-found" },
      { group: "networking.istio.io", kind: "VirtualService", namespace: "shop", name: "api", apiVersion: "networking.istio.io/v1", source: "environments/prod/api.yaml", reason: "kind-not-served" },
    ]);
    expect(report.inSync).toBe(3);
    expect(formatDriftText(report)).toContain(
      "  missing VirtualService shop/api (environments/prod/api.yaml): the cluster does not serve networking.istio.io/v1 VirtualService (is its CRD installed?)\n",
    );
    expect(await runDriftCommand(context(["prod", "--output", path.join(root, "drift.txt")]))).toBe(1);
  });

  it("reports objects of a rendered kind in a managed namespace that the repository does not render, unless another Application tracks them", async () => {
    const policy = (name: string, tracking?: string): JsonObject => ({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name, namespace: "shop", ...(tracking === undefined ? {} : { annotations: { "argocd.argoproj.io/tracking-id": `${tracking}:security.istio.io/AuthorizationPolicy:shop/${name}` } }) },
      spec: { action: "ALLOW", rules: [{}] },
    });
    server.put(policy("allow-everyone"));
    server.put(policy("left-behind", "policy-prod"));
    server.put(policy("someone-elses", "other-app"));
    const report = await detect();
    expect(report.extra).toEqual([
      { group: "security.istio.io", kind: "AuthorizationPolicy", namespace: "shop", name: "allow-everyone", apiVersion: "security.istio.io/v1", tracking: "untracked" },
      { group: "security.istio.io", kind: "AuthorizationPolicy", namespace: "shop", name: "left-behind", apiVersion: "security.istio.io/v1", tracking: "this-application" },
    ]);
    expect(formatDriftText(report)).toContain("  extra   AuthorizationPolicy shop/allow-everyone: not in the repository, not tracked by Argo CD (created by hand?)\n");
  });

  it("reports a field the repository sets that the cluster holds differently, with the repository's file and line", async () => {
    const virtualService = liveObject("VirtualService", "api");
    const route = ((virtualService["spec"] as JsonObject)["http"] as JsonObject[])[0]?.["route"] as JsonObject[];
    (route[0] as JsonObject)["weight"] = 50;
    (route[1] as JsonObject)["weight"] = 50;
    server.put(virtualService);
    const namespace = liveObject("Namespace", "shop");
    delete ((namespace["metadata"] as JsonObject)["labels"] as JsonObject)["istio-injection"];
    server.put(namespace);
    const report = await detect();
    expect(report.inSync).toBe(3);
    expect(report.changed.map((c) => [c.kind, c.name, c.changes.map((f) => [f.path, f.op, f.old, f.new, f.source?.line])])).toEqual([
      ["Namespace", "shop", [["metadata.labels", "added", undefined, { "istio-injection": "enabled" }, 5]]],
      [
        "VirtualService",
        "api",
        [
          ["spec.http[name=default].route[0].weight", "changed", 50, 80, 33],
          ["spec.http[name=default].route[1].weight", "changed", 50, 20, 37],
        ],
      ],
    ]);
    expect(formatDriftText(report)).toContain(
      "  changed VirtualService shop/api (environments/prod/api.yaml): - cluster, + repository\n" +
        "    @@ spec.http[name=default].route[0].weight @@ environments/prod/api.yaml:33\n    - 50\n    + 80\n",
    );
    const json = path.join(root, "drift.json");
    expect(await runDriftCommand(context(["prod", "--format", "json", "--output", json]))).toBe(1);
    expect(JSON.parse(await readFile(json, "utf8"))).toMatchObject({ version: 1, changed: [{ kind: "Namespace" }, { kind: "VirtualService" }] });
  });

  it("fails with a clear error (exit 2 through UserError) when the cluster cannot be reached", async () => {
    await server.close();
    server = await startFakeApiServer([]); // closed again in afterEach
    const unreachable = path.join(root, "unreachable.yaml");
    await writeFile(unreachable, kubeconfigFor("http://127.0.0.1:9", "gone"));
    const run = runDriftCommand({ ...context(["prod"]), options: { ...context(["prod"]).options, kubeconfig: unreachable } as CommandContext["options"] });
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(/^cannot reach the cluster for GET .* \(context gone, server http:\/\/127\.0\.0\.1:9\): .*ECONNREFUSED.*; check the kubeconfig/);
  });

  it("fails with a clear error when the cluster refuses the credentials, or the kubeconfig does not exist", async () => {
    await writeFile(kubeconfig, kubeconfigFor(server.url).replace("token: test-token", "token: wrong"));
    await expect(detect()).rejects.toThrow(/^the cluster refused GET .* \(HTTP 401, context fake-prod, server http:\/\/127\.0\.0\.1:\d+\): the kubeconfig's credentials were not accepted/);
    await expect(detectDrift({ repoRoot: root, environment: "prod", kubeconfig: path.join(root, "nope.yaml"), render: { cacheDir: false } })).rejects.toThrow(/--kubeconfig .*nope\.yaml: no such file/);
    await expect(detectDrift({ repoRoot: root, environment: "qa", kubeconfig })).rejects.toThrow(/unknown environment "qa"/);
  });
});
