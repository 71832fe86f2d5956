import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness, type KubeCluster } from "../../harness/harness.js";
import { isJsonObject, type JsonObject } from "../../src/model/resource.js";
import { runCli } from "../helpers/run-cli.js";
import { waitForApplication, waitForSynced } from "./argo-cd-application.js";
import { RepositoryClone } from "./repository-clone.js";

const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
type Environment = (typeof ENVIRONMENTS)[number];

let harness: Harness;
let management: KubeCluster;
const clusters = {} as Record<Environment, KubeCluster>;
let repository: RepositoryClone;

/**
 * The prod sync window (Monday to Friday 09:00-17:00 UTC) decides when Argo CD may sync prod; the
 * test cannot choose the time it runs at, so the setup commit opens the window at all times. The
 * window's own semantics are tested in tools/src/argocd/sync-window.test.ts and by promote's gate.
 */
function openProdWindow(file: string, text: string): string {
  if (file !== "argocd/projects/mesh-policy.yaml") return text;
  const opened = text.replace(/schedule: "0 9 \* \* 1-5"\n(\s+)duration: 8h/, 'schedule: "* * * * *"\n$1duration: 24h');
  if (opened === text) throw new Error(`${file}: the prod sync window is not the one this test opens; update the test`);
  return opened;
}

async function objectsIn(file: string): Promise<JsonObject[]> {
  return parseAllDocuments(await readFile(file, "utf8"))
    .map((d) => d.toJS() as unknown)
    .filter(isJsonObject);
}

beforeAll(async () => {
  harness = await Harness.start("gitops");
  [management, clusters.dev, clusters.staging, clusters.prod] = await Promise.all([
    harness.cluster("argocd", { crds: ["argo-cd"] }),
    harness.cluster("vapora-dev", { crds: ["istio"] }),
    harness.cluster("vapora-staging", { crds: ["istio"] }),
    harness.cluster("vapora-prod", { crds: ["istio"] }),
  ]);
  // The control plane's Applications install Istio from its Helm charts, which cannot be fetched
  // (or run: no kubelet) here. What the policy depends on is provided as they would: the CRDs
  // (istio-base; installed with each cluster above) and the namespaces istiod and the gateway
  // create, istio-ingress labelled for injection as the gateway Application's managedNamespaceMetadata does.
  for (const cluster of Object.values(clusters)) {
    await cluster.api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "istio-system" } });
    await cluster.api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "istio-ingress", labels: { "istio-injection": "enabled" } } });
  }
  repository = await RepositoryClone.create(harness.dir, openProdWindow);
  await harness.argocd({ management, clusters: { "vapora-dev": clusters.dev, "vapora-staging": clusters.staging, "vapora-prod": clusters.prod } });
  // Bootstrap as docs/delivery.md says: the AppProjects, then the app of apps.
  for (const file of ["projects/istio-system.yaml", "projects/mesh-policy-root.yaml", "projects/mesh-policy.yaml", "root.yaml"]) {
    for (const object of await objectsIn(path.join(repository.work, "argocd", file))) await management.api.apply(object, "kubectl");
  }
}, 240_000);

afterAll(() => harness?.stop());

const POLICY_TIMEOUT_MS = 300_000;

function live(environment: Environment, apiVersion: string, kind: string, name: string, namespace = "vapora"): Promise<JsonObject | undefined> {
  return clusters[environment].api.get({ apiVersion, kind, namespace, name });
}

/** The methods the ALLOW policy of vapora-frontend grants the ingress gateway, in a cluster. */
async function frontendMethods(environment: Environment): Promise<unknown> {
  const policy = await live(environment, "security.istio.io/v1", "AuthorizationPolicy", "allow-vapora-frontend");
  const rules = (policy?.["spec"] as { rules?: Array<{ to?: Array<{ operation?: { methods?: string[] } }> }> } | undefined)?.rules;
  return rules?.[0]?.to?.[0]?.operation?.methods;
}

async function driftOf(environment: Environment): Promise<JsonObject> {
  const drift = await runCli(["drift", environment, "--kubeconfig", clusters[environment].kubeconfig, "--format", "json"], { cwd: repository.work, env: harness.commandEnv });
  expect(drift.stderr).toBe("");
  return JSON.parse(drift.stdout) as JsonObject;
}

let pin = "";

describe("the GitOps loop with Argo CD v3.5.7 and this repository's argocd/", () => {
  it("syncs what main renders to dev and staging, and prod's pinned commit to prod", async () => {
    const main = await repository.git("rev-parse", "HEAD");
    pin = /targetRevision: ([0-9a-f]{40})/.exec(await repository.read("argocd/applications/mesh-policy-prod.yaml"))?.[1] ?? "";
    await Promise.all([
      waitForSynced(management.api, "mesh-policy-root", main),
      waitForSynced(management.api, "mesh-policy-dev", main),
      waitForSynced(management.api, "mesh-policy-staging", main),
      waitForSynced(management.api, "mesh-policy-prod", pin),
    ]);
    // Every object each environment renders is in its cluster as rendered (prod: at its pin).
    for (const environment of ENVIRONMENTS) {
      const drift = await driftOf(environment);
      expect(drift).toMatchObject({ environment, application: `mesh-policy-${environment}`, missing: [], changed: [], extra: [] });
      expect(drift["inSync"]).toBe(drift["rendered"]);
      expect(drift["revision"]).toBe(environment === "prod" ? pin : null);
    }
  }, POLICY_TIMEOUT_MS);

  it("applied identities and ALLOW rules in earlier sync waves than deny-all and STRICT mTLS", async () => {
    const created = async (apiVersion: string, kind: string): Promise<Array<{ name: string; wave: number; at: number }>> =>
      (await clusters.dev.api.list(apiVersion, kind, "vapora")).map((object) => {
        const metadata = object["metadata"] as { name: string; creationTimestamp: string; annotations?: Record<string, string> };
        return { name: `${kind}/${metadata.name}`, wave: Number(metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0), at: Date.parse(metadata.creationTimestamp) };
      });
    const objects = [
      ...(await created("v1", "ServiceAccount")).filter((o) => o.name !== "ServiceAccount/default"),
      ...(await created("v1", "Service")),
      ...(await created("security.istio.io/v1", "AuthorizationPolicy")),
      ...(await created("security.istio.io/v1", "PeerAuthentication")),
      ...(await created("networking.istio.io/v1", "VirtualService")),
      ...(await created("networking.istio.io/v1", "DestinationRule")),
    ];
    const waveOf = (name: string) => objects.find((o) => o.name === name)?.wave;
    expect([waveOf("ServiceAccount/vapora-backend"), waveOf("AuthorizationPolicy/allow-vapora-backend"), waveOf("AuthorizationPolicy/deny-all"), waveOf("PeerAuthentication/default")]).toEqual([-2, 0, 1, 1]);
    // Every object of a wave was created (whole seconds) before any object of a later wave.
    for (const earlier of objects) {
      for (const later of objects.filter((o) => o.wave > earlier.wave)) expect(earlier.at, `${earlier.name} (wave ${earlier.wave}) before ${later.name} (wave ${later.wave})`).toBeLessThan(later.at);
    }
  });

  it("brings a merged policy change to dev and staging; prod stays on its pin", async () => {
    // As a pull request would: the catalog changed, the policy regenerated, both merged together.
    const catalog = (await repository.read("base/catalog/catalog.jsonnet")).replace("ports=['http-web'], methods=['GET', 'HEAD']", "ports=['http-web'], methods=['GET', 'HEAD', 'OPTIONS']");
    await writeFile(path.join(repository.work, "base/catalog/catalog.jsonnet"), catalog);
    const generate = await runCli(["generate"], { cwd: repository.work, env: harness.commandEnv });
    expect(generate.exitCode).toBe(0);
    const change = await repository.merge("test: allow CORS preflight to the frontend");
    await Promise.all([
      // argocd/ did not change: the root compares at the new commit and has nothing to apply.
      waitForApplication(management.api, "mesh-policy-root", `Synced at ${change.slice(0, 12)}`, (s) => (s.sync === "Synced" && s.revision === change ? s : undefined)),
      waitForSynced(management.api, "mesh-policy-dev", change),
      waitForSynced(management.api, "mesh-policy-staging", change),
    ]);
    expect(await frontendMethods("dev")).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(await frontendMethods("staging")).toEqual(["GET", "HEAD", "OPTIONS"]);
    // The root has applied argocd/ at this commit: prod's Application still names its pin and runs it.
    expect(await waitForApplication(management.api, "mesh-policy-prod", "still at its pin", (s) => (s.targetRevision === pin ? s : undefined))).toMatchObject({ sync: "Synced", revision: pin });
    expect(await frontendMethods("prod")).not.toContain("OPTIONS");
    expect(await driftOf("prod")).toMatchObject({ revision: pin, missing: [], changed: [] });
  }, POLICY_TIMEOUT_MS);

  it("changes prod when `mesh-policy promote staging prod` is merged, to the commit staging runs", async () => {
    const staging = await repository.git("rev-parse", "origin/main");
    const promote = await runCli(["promote", "staging", "prod", "--min-soak-hours", "0"], { cwd: repository.work, env: harness.commandEnv });
    expect(promote.stderr).toContain(`promoted staging to prod: argocd/applications/mesh-policy-prod.yaml now pins ${staging}`);
    expect(promote.exitCode).toBe(0);
    const merged = await repository.merge(`test: promote staging to prod (${staging.slice(0, 12)})`);
    await waitForSynced(management.api, "mesh-policy-root", merged);
    expect(await waitForSynced(management.api, "mesh-policy-prod", staging)).toMatchObject({ targetRevision: staging });
    expect(await frontendMethods("prod")).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(await driftOf("prod")).toMatchObject({ revision: staging, missing: [], changed: [], extra: [] });
  }, POLICY_TIMEOUT_MS);

  // The two bad commits below fail in two environments at once, and are reverted together: each
  // recovery waits for the Application's next retry (a minute with the Applications' backoff).
  let refusedCommit = "";

  it("refuses, through the AppProject, a kind and a namespace the project does not permit: nothing of the commit is applied", async () => {
    const refused = [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: smuggled",
      "  namespace: vapora",
      "data:",
      "  note: a kind the project does not list",
      "---",
      "apiVersion: networking.istio.io/v1",
      "kind: Sidecar",
      "metadata:",
      "  name: default",
      "  namespace: kube-system",
      "spec:",
      "  outboundTrafficPolicy:",
      "    mode: ALLOW_ANY",
      "",
    ].join("\n");
    const kustomization = await repository.read("environments/staging/kustomization.yaml");
    refusedCommit = await repository.merge("test: objects the project must refuse, in staging", {
      "environments/staging/refused.yaml": refused,
      "environments/staging/kustomization.yaml": kustomization.replace("resources:\n  - ../../base\n", "resources:\n  - ../../base\n  - refused.yaml\n"),
    });
    // Argo CD checks every object against the project before it applies any of them.
    const state = await waitForApplication(management.api, "mesh-policy-staging", "refusing the commit", (s) =>
      s.operation?.revision === refusedCommit && /not permitted/.test(s.operation.message) ? s : undefined,
    );
    expect(state.operation?.message).toContain("namespace kube-system is not permitted in project 'mesh-policy'");
    expect(state.operation?.message).toContain("resource :ConfigMap is not permitted in project mesh-policy");
    expect(await live("staging", "v1", "ConfigMap", "smuggled")).toBeUndefined();
    expect(await live("staging", "networking.istio.io/v1", "Sidecar", "default", "kube-system")).toBeUndefined();
  }, POLICY_TIMEOUT_MS);

  it("recovers from a commit the API server rejects once it is reverted: the next retry takes the revert (retry.refresh)", async () => {
    const rejected = await repository.merge("test: trace 150% of requests in dev", {
      "environments/dev/telemetry.yaml": (await repository.read("environments/dev/telemetry.yaml")).replace("value: 100", "value: 150"),
    });
    const failing = await waitForApplication(management.api, "mesh-policy-dev", "failing to sync the bad commit", (s) =>
      s.operation?.revision === rejected && /randomSamplingPercentage/.test(s.operation.message) ? s : undefined,
    );
    expect(failing.operation?.message).toMatch(/spec\.tracing\[0\]\.randomSamplingPercentage: Invalid value: 150: .* should be less than or equal to 100.*Retrying attempt #1/s);
    const revert = await repository.revert(rejected, refusedCommit);
    const [dev, staging] = await Promise.all([waitForSynced(management.api, "mesh-policy-dev", revert), waitForSynced(management.api, "mesh-policy-staging", revert)]);
    // The sync that succeeded is a retry of the failed operation, which took the latest commit.
    expect(dev.operation?.retryCount).toBeGreaterThanOrEqual(1);
    expect(staging.operation?.retryCount).toBeGreaterThanOrEqual(1);
    const telemetry = await live("dev", "telemetry.istio.io/v1", "Telemetry", "default");
    expect((telemetry?.["spec"] as { tracing: Array<{ randomSamplingPercentage: number }> }).tracing[0]?.randomSamplingPercentage).toBe(100);
    for (const environment of ["dev", "staging"] as const) expect(await driftOf(environment)).toMatchObject({ missing: [], changed: [], extra: [] });
  }, POLICY_TIMEOUT_MS);
});
