import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ARGOCD_NAMESPACE } from "../../harness/argocd.js";
import { Harness, type KubeCluster } from "../../harness/harness.js";
import { GitRepository } from "../../test/helpers/git-repository.js";
import type { CommandContext } from "../cli/commands.js";
import { runDriftCommand } from "../cli/drift-command.js";
import { parseCommonOptions } from "../cli/options.js";
import { UserError } from "../model/errors.js";
import type { JsonObject } from "../model/resource.js";
import { detectDrift, type DriftReport } from "./detect-drift.js";
import { formatDriftText } from "./format-drift.js";
import { SHOP_PROD_FILES } from "../../test/fixtures/shop-prod.js";

/** The project and the Application that deploys prod from this repository (automated, no self-heal: hand edits stay). */
function argocdFiles(repoURL: string): Record<string, string> {
  return {
    "argocd/project.yaml": [
      "apiVersion: argoproj.io/v1alpha1",
      "kind: AppProject",
      "metadata:",
      "  name: mesh-policy",
      "  namespace: argocd",
      "spec:",
      "  sourceRepos:",
      `    - ${repoURL}`,
      "  destinations:",
      "    - name: prod",
      "      namespace: shop",
      "  clusterResourceWhitelist:",
      "    - group: ''",
      "      kind: Namespace",
      "  namespaceResourceWhitelist:",
      "    - group: '*'",
      "      kind: '*'",
      "---",
      "apiVersion: argoproj.io/v1alpha1",
      "kind: Application",
      "metadata:",
      "  name: policy-prod",
      "  namespace: argocd",
      "spec:",
      "  project: mesh-policy",
      "  source:",
      `    repoURL: ${repoURL}`,
      "    targetRevision: main",
      "    path: environments/prod",
      "  destination:",
      "    name: prod",
      "    namespace: shop",
      "  syncPolicy:",
      "    automated:",
      "      prune: false",
      "      selfHeal: false",
      "",
    ].join("\n"),
  };
}

let harness: Harness;
let management: KubeCluster;
let prod: KubeCluster;
let repository: GitRepository;

const VIRTUAL_SERVICE = { apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespace: "shop", name: "api" };
const POLICY = { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", namespace: "shop", name: "api-allow-web" };
const NAMESPACE = { apiVersion: "v1", kind: "Namespace", name: "shop" };

const detect = (kubeconfig = prod.kubeconfig): Promise<DriftReport> => detectDrift({ repoRoot: repository.root, environment: "prod", kubeconfig, render: { cacheDir: false } });

function context(args: string[], kubeconfig = prod.kubeconfig): CommandContext {
  return { repoRoot: repository.root, cwd: repository.root, options: { ...parseCommonOptions(args), kubeconfig } };
}

beforeAll(async () => {
  harness = await Harness.start("drift");
  [management, prod] = await Promise.all([harness.cluster("argocd", { crds: ["argo-cd"] }), harness.cluster("prod", { crds: ["istio"] })]);
  repository = await GitRepository.create("mesh-policy-drift-");
  await repository.write({ ...SHOP_PROD_FILES, ...argocdFiles(`file://${repository.root}`) });
  const commit = await repository.commit("prod policy");
  await harness.argocd({ management, clusters: { prod } });
  for (const document of parseAllDocuments(await readFile(path.join(repository.root, "argocd/project.yaml"), "utf8"))) {
    await management.api.apply(document.toJS() as JsonObject, "kubectl");
  }
  // Argo CD has synced the render: every object applied, the last sync of this commit succeeded.
  await management.api.waitForObject({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", namespace: ARGOCD_NAMESPACE, name: "policy-prod" }, "synced", (app) => {
    const status = app["status"] as { sync?: { status?: string; revision?: string }; operationState?: { phase?: string } } | undefined;
    return status?.sync?.status === "Synced" && status.sync.revision === commit && status.operationState?.phase === "Succeeded" ? true : undefined;
  });
}, 240_000);

afterAll(async () => {
  await harness?.stop();
  await repository?.dispose();
});

describe("drift against kube-apiserver v1.34.2 after Argo CD v3.5.7 synced the environment", () => {
  it("is in sync when the cluster holds what Argo CD applied: defaults, status, tracking and server fields aside", async () => {
    const report = await detect();
    expect(report).toMatchObject({ version: 1, environment: "prod", application: "policy-prod", revision: null, rendered: 5, inSync: 5, missing: [], extra: [], changed: [] });
    expect(report.cluster).toEqual({ context: "prod", server: prod.server });
    // What the API server and Argo CD really added, which drift must not report.
    const service = await prod.api.get({ apiVersion: "v1", kind: "Service", namespace: "shop", name: "api" });
    expect(service?.["spec"]).toMatchObject({ type: "ClusterIP", clusterIP: expect.stringMatching(/^10\.96\./) as unknown, ports: [{ protocol: "TCP", targetPort: 8080 }] });
    expect((service?.["metadata"] as JsonObject)["annotations"]).toMatchObject({ "argocd.argoproj.io/tracking-id": "policy-prod:/Service:shop/api" });

    const output = path.join(repository.root, "drift.txt");
    expect(await runDriftCommand(context(["prod", "--output", output]))).toBe(0);
    expect(await readFile(output, "utf8")).toBe(
      `mesh-policy drift: prod (policy-prod) against context prod, ${prod.server}\n\n` + "in sync: 5 objects rendered: 5 in sync, 0 missing, 0 changed; 0 extra in the cluster\n",
    );
  });

  it("reports fields changed by hand with the repository's file and line", async () => {
    await prod.api.mergePatch(VIRTUAL_SERVICE, {
      spec: { http: [{ name: "default", route: [{ destination: { host: "api", subset: "stable" }, weight: 50 }, { destination: { host: "api", subset: "canary" }, weight: 50 }] }] },
    });
    await prod.api.mergePatch(NAMESPACE, { metadata: { labels: { "istio-injection": null } } });
    try {
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
      const json = path.join(repository.root, "drift.json");
      expect(await runDriftCommand(context(["prod", "--format", "json", "--output", json]))).toBe(1);
      expect(JSON.parse(await readFile(json, "utf8"))).toMatchObject({ version: 1, changed: [{ kind: "Namespace" }, { kind: "VirtualService" }] });
    } finally {
      await prod.api.mergePatch(VIRTUAL_SERVICE, {
        spec: { http: [{ name: "default", route: [{ destination: { host: "api", subset: "stable" }, weight: 80 }, { destination: { host: "api", subset: "canary" }, weight: 20 }] }] },
      });
      await prod.api.mergePatch(NAMESPACE, { metadata: { labels: { "istio-injection": "enabled" } } });
    }
    expect((await detect()).changed).toEqual([]);
  });

  it("masks a credential the cluster holds where the repository sets a field, in text and JSON", async () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrZWQifQ.c2lnbmF0dXJlLW9mLWEtdG9rZW4";
    await prod.api.mergePatch(POLICY, { spec: { rules: [{ from: [{ source: { principals: [jwt] } }] }] } });
    try {
      const report = await detect();
      expect(report.changed.map((c) => [c.kind, c.changes.map((f) => [f.path, f.old, f.new])])).toEqual([
        ["AuthorizationPolicy", [["spec.rules[0].from[0].source.principals", ["***"], ["cluster.local/ns/shop/sa/web"]]]],
      ]);
      const json = path.join(repository.root, "drift.json");
      expect(await runDriftCommand(context(["prod", "--format", "json", "--output", json]))).toBe(1);
      for (const output of [formatDriftText(report), await readFile(json, "utf8")]) {
        expect(output).toContain("***");
        expect(output).not.toContain("c2lnbmF0dXJlLW9mLWEtdG9rZW4");
      }
    } finally {
      await prod.api.mergePatch(POLICY, { spec: { rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }] }] } });
    }
    expect((await detect()).changed).toEqual([]);
  });

  it("reports an object deleted by hand as missing", async () => {
    const saved = await prod.api.get(POLICY);
    await prod.api.delete(POLICY);
    try {
      const report = await detect();
      expect(report.missing).toEqual([
        { group: "security.istio.io", kind: "AuthorizationPolicy", namespace: "shop", name: "api-allow-web", apiVersion: "security.istio.io/v1", source: "environments/prod/api.yaml", reason: "not-found" },
      ]);
      expect(report.inSync).toBe(4);
      expect(await runDriftCommand(context(["prod", "--output", path.join(repository.root, "drift.txt")]))).toBe(1);
    } finally {
      const { metadata, ...rest } = saved as JsonObject & { metadata: JsonObject };
      await prod.api.apply({ ...rest, metadata: { name: metadata["name"], namespace: metadata["namespace"], annotations: metadata["annotations"] } });
    }
    expect((await detect()).missing).toEqual([]);
  });

  it("reports objects added by hand in a managed namespace, unless another Application tracks them", async () => {
    const policy = (name: string, tracking?: string): JsonObject => ({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name, namespace: "shop", ...(tracking === undefined ? {} : { annotations: { "argocd.argoproj.io/tracking-id": `${tracking}:security.istio.io/AuthorizationPolicy:shop/${name}` } }) },
      spec: { action: "ALLOW", rules: [{}] },
    });
    const added = [policy("allow-everyone"), policy("left-behind", "policy-prod"), policy("someone-elses", "other-app")];
    for (const object of added) await prod.api.apply(object);
    try {
      const report = await detect();
      expect(report.extra).toEqual([
        { group: "security.istio.io", kind: "AuthorizationPolicy", namespace: "shop", name: "allow-everyone", apiVersion: "security.istio.io/v1", tracking: "untracked" },
        { group: "security.istio.io", kind: "AuthorizationPolicy", namespace: "shop", name: "left-behind", apiVersion: "security.istio.io/v1", tracking: "this-application" },
      ]);
      expect(formatDriftText(report)).toContain("  extra   AuthorizationPolicy shop/allow-everyone: not in the repository, not tracked by Argo CD (created by hand?)\n");
    } finally {
      for (const object of added) await prod.api.delete({ ...POLICY, name: String((object["metadata"] as JsonObject)["name"]) });
    }
  });

  it("reports every object missing from a cluster without them, and a kind it does not serve as such", async () => {
    const bare = await harness.cluster("bare");
    const report = await detect(bare.kubeconfig);
    expect(report.missing.map((m) => [m.kind, m.reason])).toEqual([
      ["AuthorizationPolicy", "kind-not-served"],
      ["Namespace", "not-found"],
      ["Service", "not-found"],
      ["ServiceAccount", "not-found"],
      ["VirtualService", "kind-not-served"],
    ]);
    expect(formatDriftText(report)).toContain(
      "  missing VirtualService shop/api (environments/prod/api.yaml): the cluster does not serve networking.istio.io/v1 VirtualService (is its CRD installed?)\n",
    );
  });

  it("fails with a clear error (exit 2 through UserError) when the cluster cannot be reached or refuses the credentials", async () => {
    const unreachable = path.join(repository.root, "unreachable.json");
    await writeFile(unreachable, (await readFile(prod.kubeconfig, "utf8")).replace(prod.server, "https://127.0.0.1:9"));
    const run = runDriftCommand(context(["prod"], unreachable));
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(/^cannot reach the cluster for GET .* \(context prod, server https:\/\/127\.0\.0\.1:9\): .*ECONNREFUSED.*; check the kubeconfig/);
    await expect(detect(prod.unprivilegedKubeconfig)).rejects.toThrow(/^the cluster refused GET .* \(HTTP 403, context prod, server https:\/\/127\.0\.0\.1:\d+\): the kubeconfig's credentials may not read it/);
    await expect(detect(path.join(repository.root, "nope.yaml"))).rejects.toThrow(/--kubeconfig .*nope\.yaml: no such file/);
    await expect(detectDrift({ repoRoot: repository.root, environment: "qa", kubeconfig: prod.kubeconfig })).rejects.toThrow(/unknown environment "qa"/);
  });
});
