import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness, type KubeCluster } from "../../harness/harness.js";
import { ApiClient } from "../../src/cluster/api-client.js";
import { loadKubeconfig } from "../../src/cluster/kubeconfig.js";
import { resourcesFromYaml } from "../../src/load/resources-from-yaml.js";
import { apiGroupOf, type JsonObject, type Resource } from "../../src/model/resource.js";
import { listEnvironments } from "../../src/render/environments.js";
import { renderEnvironment } from "../../src/render/render-environment.js";
import { loadSchemaIndex } from "../../src/schemas/schema-catalog.js";
import { dryRunResources, type DryRunVerdict } from "../../src/server-dry-run/server-dry-run.js";
import { REPO_ROOT } from "../helpers/run-cli.js";
import { makeMutants, type Mutant } from "./mutants.js";
import { schemaAndCelAccept, validateVerdict, type ValidateVerdict } from "./validate-verdict.js";
import { justification } from "./webhook-rules.js";

/**
 * Differential validation: the real kube-apiserver v1.34.2, with the pinned Istio and Argo CD
 * CRDs installed, is the oracle for what `validate` promises. Server-side dry-run judges every
 * object (schema, CEL rules, list-map keys, names); validate's schema + CEL verdict must be the
 * same. istiod's webhook is not running here, so where validate rejects what this API server
 * accepts, the rejection must be one of istiod's webhook rules (./webhook-rules.ts names each).
 */

/** 1,200 per run; MESH_POLICY_MUTANTS asks for more (exploring). */
const MUTANTS = Number(process.env["MESH_POLICY_MUTANTS"] ?? 1_200);
/** A fixed seed: the same mutants every run; MESH_POLICY_MUTANT_SEED tries others. */
const SEED = Number(process.env["MESH_POLICY_MUTANT_SEED"] ?? 20261206);
const CRD_GROUP = /(^|\.)istio\.io$|^argoproj\.io$/;

let harness: Harness;
let cluster: KubeCluster;
let client: ApiClient;

beforeAll(async () => {
  harness = await Harness.start("differential");
  cluster = await harness.cluster("oracle", { crds: ["istio", "argo-cd"] });
  client = await ApiClient.connect(loadKubeconfig({ kubeconfig: cluster.kubeconfig }));
}, 180_000);

afterAll(() => harness?.stop());

interface Comparison {
  resource: Resource;
  server: DryRunVerdict;
  ours: ValidateVerdict;
}

/** Dry-runs the objects (creating the namespaces they name, and their default ServiceAccount, first) and pairs each with validate's verdict. */
async function compare(resources: readonly Resource[]): Promise<Comparison[]> {
  const namespaces = new Set(resources.map((r) => r.namespace).filter((n): n is string => n !== undefined && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n)));
  for (const name of namespaces) {
    await cluster.api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
    // What a cluster's controller manager (not run here) creates in every namespace; the ServiceAccount admission plugin looks a Pod's up.
    await cluster.api.apply({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: name } });
  }
  const verdicts = await dryRunResources(client, resources);
  return resources.map((resource, i) => ({ resource, server: verdicts[i] as DryRunVerdict, ours: validateVerdict(resource) }));
}

function describeComparison({ resource, server, ours }: Comparison): string {
  const said = server.outcome === "accepted" ? "accepts" : server.outcome === "rejected" ? `rejects: ${server.message}` : `cannot judge: ${server.message}`;
  return `${resource.origin.file}:${resource.origin.line} ${resource.kind} ${resource.namespace ?? ""}/${resource.name}: the API server ${said}; validate: ${JSON.stringify(ours)}`;
}

/** Where validate's schema + CEL verdict is not the API server's. */
function disagreements(comparisons: readonly Comparison[]): string[] {
  return comparisons.filter((c) => c.server.outcome === "not-checked" || (c.server.outcome === "accepted") !== schemaAndCelAccept(c.ours)).map(describeComparison);
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.parentPath.includes("node_modules"))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => file.split(path.sep).includes("fixtures"))
    .sort();
}

async function loadFixtures(): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const file of await yamlFilesUnder(path.join(REPO_ROOT, "tools"))) {
    const loaded = resourcesFromYaml(await readFile(file, "utf8"), path.relative(REPO_ROOT, file));
    // Only objects the schema catalog knows: fixtures also hold kustomizations and broken YAML on purpose.
    resources.push(...loaded.resources.filter((r) => loadSchemaIndex().find(r.apiVersion, r.kind) !== undefined));
  }
  return resources;
}

async function renderedEnvironments(): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const environment of await listEnvironments(REPO_ROOT)) resources.push(...(await renderEnvironment(REPO_ROOT, environment, { cacheDir: false })).resources);
  return resources;
}

async function argocdObjects(): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const entry of await readdir(path.join(REPO_ROOT, "argocd"), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".yaml")) continue;
    const file = path.join(entry.parentPath, entry.name);
    resources.push(...resourcesFromYaml(await readFile(file, "utf8"), path.relative(REPO_ROOT, file)).resources);
  }
  return resources;
}

function asResource(mutant: Mutant): Resource {
  const [resource] = resourcesFromYaml(JSON.stringify(mutant.object), `mutant ${mutant.id}`).resources;
  if (resource === undefined) throw new Error(`mutant ${mutant.id} is not an object`);
  return resource;
}

describe("validate against the API server: schema + CEL verdicts are the same", () => {
  it("on every object every environment renders", async () => {
    const resources = await renderedEnvironments();
    expect(resources.length).toBeGreaterThan(90);
    expect(disagreements(await compare(resources))).toEqual([]);
  }, 300_000);

  it("on every object under argocd/", async () => {
    const resources = await argocdObjects();
    expect(resources.map((r) => r.kind)).toContain("AppProject");
    expect(disagreements(await compare(resources))).toEqual([]);
  });

  it("on every object of every test fixture, valid and invalid", async () => {
    const comparisons = await compare(await loadFixtures());
    expect(comparisons.length).toBeGreaterThan(100);
    // Both kinds of verdict occur: the fixtures hold objects the server rejects too.
    expect(comparisons.some((c) => c.server.outcome === "rejected")).toBe(true);
    expect(disagreements(comparisons)).toEqual([]);
  });
});

describe(`validate against the API server: ${MUTANTS} mutants of valid objects (seed ${SEED})`, () => {
  let comparisons: Array<Comparison & { mutant: Mutant }>;

  beforeAll(async () => {
    const valid = [...(await renderedEnvironments()), ...(await argocdObjects()), ...(await loadFixtures()).filter((r) => r.origin.file.startsWith("tools/test/differential/"))];
    const sources = valid.filter((r) => CRD_GROUP.test(apiGroupOf(r.apiVersion))).map((r) => ({ origin: `${r.kind} ${r.namespace ?? ""}/${r.name}`, object: r.object as JsonObject }));
    const mutants = makeMutants(sources, MUTANTS, SEED);
    const compared = await compare(mutants.map(asResource));
    comparisons = compared.map((c, i) => ({ ...c, mutant: mutants[i] as Mutant }));
  }, 600_000);

  it("are generated: every operator, every kind of the sources", () => {
    expect(comparisons.length).toBeGreaterThanOrEqual(1_000);
    expect(new Set(comparisons.map((c) => c.mutant.operator)).size).toBe(7);
    expect(new Set(comparisons.map((c) => c.resource.kind))).toEqual(
      new Set(["AuthorizationPolicy", "DestinationRule", "EnvoyFilter", "Gateway", "PeerAuthentication", "RequestAuthentication", "ServiceEntry", "Sidecar", "Telemetry", "VirtualService", "WasmPlugin", "TrafficExtension", "WorkloadEntry", "WorkloadGroup", "ProxyConfig", "AppProject", "Application"]),
    );
  });

  it("none that the API server rejects passes validate", () => {
    const missed = comparisons.filter((c) => c.server.outcome === "rejected" && schemaAndCelAccept(c.ours) && c.ours.webhook.length === 0);
    expect(missed.map((c) => `${c.mutant.id} ${c.mutant.change}: ${describeComparison(c)}`)).toEqual([]);
    expect(comparisons.filter((c) => c.server.outcome === "not-checked").map(describeComparison)).toEqual([]);
  });

  it("where the API server rejects, validate's schema and CEL rules reject too (not only the webhook checks)", () => {
    const webhookOnly = comparisons.filter((c) => c.server.outcome === "rejected" && schemaAndCelAccept(c.ours));
    expect(webhookOnly.map((c) => `${c.mutant.id} ${c.mutant.change}: ${describeComparison(c)}`)).toEqual([]);
  });

  it("where validate is stricter than the API server, an istiod webhook rule justifies each rejection", () => {
    const stricter = comparisons.filter((c) => c.server.outcome === "accepted" && (!schemaAndCelAccept(c.ours) || c.ours.webhook.length > 0));
    const unexplained: string[] = [];
    const byRule = new Map<string, number>();
    for (const c of stricter) {
      if (c.ours.cel.length > 0) unexplained.push(`${c.mutant.id} ${c.mutant.change}: a CEL rule rejects what the API server's CEL accepts: ${describeComparison(c)}`);
      for (const problem of [...c.ours.schema.map((message) => ({ message, schema: true })), ...c.ours.webhook.map((p) => ({ message: p.message, schema: false }))]) {
        const rule = justification(c.resource, problem.message, { fromSchema: problem.schema });
        if (rule === undefined) unexplained.push(`${c.mutant.id} ${c.mutant.change}: no istiod webhook rule for "${problem.message}" (${describeComparison(c)})`);
        else byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
      }
    }
    expect(unexplained).toEqual([]);
    // Some mutants are stricter-than-the-server cases: the webhook rules are exercised.
    expect(byRule.size).toBeGreaterThan(5);
  });
});
