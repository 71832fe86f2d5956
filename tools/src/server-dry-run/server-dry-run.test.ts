import { createServer, type Server, type Socket } from "node:net";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness, type KubeCluster } from "../../harness/harness.js";
import { REPO_ROOT, runCli } from "../../test/helpers/run-cli.js";
import { ApiClient } from "../cluster/api-client.js";
import { loadKubeconfig } from "../cluster/kubeconfig.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { renderEnvironment } from "../render/render-environment.js";
import { dryRunResources } from "./server-dry-run.js";
import { SHOP_PROD_FILES } from "../../test/fixtures/shop-prod.js";

let harness: Harness;
/** Istio's CRDs and the namespaces the environments render into. */
let cluster: KubeCluster;
/** No CRDs, no namespaces: a cluster Istio was never installed on. */
let bare: KubeCluster;
let fixture: string;

const API_FILE = "environments/prod/api.yaml";
const API_YAML = SHOP_PROD_FILES[API_FILE] ?? "";

async function writeFixture(files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(fixture, file)), { recursive: true });
    await writeFile(path.join(fixture, file), text);
  }
}

type Report = { findings: Finding[] };
const serverFindings = (stdout: string): Finding[] => (JSON.parse(stdout) as Report).findings.filter((f) => f.ruleId === "server-dry-run");

beforeAll(async () => {
  harness = await Harness.start("server-dry-run");
  cluster = await harness.cluster("istio", { crds: ["istio"] });
  bare = await harness.cluster("bare");
  for (const name of ["shop", "vapora", "istio-ingress"]) await cluster.api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  fixture = path.join(harness.dir, "repository");
  await writeFixture(SHOP_PROD_FILES);
}, 180_000);

afterAll(() => harness?.stop());

describe("mesh-policy check --server-dry-run against kube-apiserver v1.34.2 with Istio's CRDs", () => {
  it("accepts every object of every environment of this repository, and persists none of them", async () => {
    const before = await harness.etcdKeys(`${cluster.etcdPrefix}/`);
    const run = await runCli(["check", "--server-dry-run", "--kubeconfig", cluster.kubeconfig, "--format", "json"], { cwd: REPO_ROOT, env: harness.commandEnv });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(serverFindings(run.stdout)).toEqual([]);
    expect(run.exitCode).toBe(0);
    // Nothing was written: the same keys at the same revisions, and no policy object exists.
    const after = await harness.etcdKeys(`${cluster.etcdPrefix}/`);
    const changed = [...after].filter(([key, revision]) => before.get(key) !== revision).map(([key]) => key);
    expect(changed.filter((key) => !key.includes("/leases/") && !key.includes("/events/"))).toEqual([]);
    expect(await cluster.api.list("networking.istio.io/v1", "VirtualService", "vapora")).toEqual([]);
    expect(await cluster.api.list("v1", "Service", "vapora")).toEqual([]);
    expect(await cluster.api.get({ apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", namespace: "vapora", name: "deny-all" })).toBeUndefined();
  });

  it("reports what the API server rejects at the source file and line of the field it names", async () => {
    await writeFixture({ [API_FILE]: API_YAML.replace("    - name: default\n", "    - name: default\n      timeout: 5x\n") });
    const run = await runCli(["check", "--server-dry-run", "--kubeconfig", cluster.kubeconfig, "--format", "json", "--no-cache"], { cwd: fixture, env: harness.commandEnv });
    const findings = serverFindings(run.stdout);
    // The CRD's CEL rule on the field (Istio's own message).
    expect(findings.map((f) => [f.severity, f.location?.file, f.location?.line, f.resource?.kind, f.message])).toEqual([
      [
        "error",
        API_FILE,
        29,
        "VirtualService",
        `the API server rejects it (context istio): spec.http[0].timeout: Invalid value: "string": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: must be a valid duration greater than 1ms`,
      ],
    ]);
    expect(run.exitCode).toBe(1);
    await writeFixture({ [API_FILE]: API_YAML });
  });

  it("masks a credential the API server quotes in a rejection, in every format", async () => {
    const token = "s3cr3tT0kenValue42";
    await writeFixture({ [API_FILE]: API_YAML.replace("  name: api\n  namespace: shop\n---", `  name: api\n  namespace: shop\n  labels:\n    auth: "Bearer ${token}"\n---`) });
    try {
      const json = await runCli(["check", "--server-dry-run", "--kubeconfig", cluster.kubeconfig, "--format", "json", "--no-cache"], { cwd: fixture, env: harness.commandEnv });
      expect(serverFindings(json.stdout).map((f) => [f.resource?.kind, f.message])).toEqual([
        ["ServiceAccount", expect.stringMatching(/^the API server rejects it \(context istio\): metadata\.labels: Invalid value: "Bearer \*\*\*": /) as unknown],
      ]);
      const sarif = await runCli(["check", "--server-dry-run", "--kubeconfig", cluster.kubeconfig, "--format", "sarif"], { cwd: fixture, env: harness.commandEnv });
      for (const run of [json, sarif]) {
        expect(run.exitCode).toBe(1);
        expect(run.stdout + run.stderr).not.toContain(token);
      }
    } finally {
      await writeFixture({ [API_FILE]: API_YAML });
    }
  });

  it("reports a field the API server does not know (strict field validation) at its line", async () => {
    const virtualService = (await renderedFixture()).find((r) => r.kind === "VirtualService");
    if (virtualService === undefined) throw new Error("the fixture renders a VirtualService");
    (virtualService.object["spec"] as Record<string, unknown>)["hostz"] = ["api"];
    const client = await ApiClient.connect(loadKubeconfig({ kubeconfig: cluster.kubeconfig }));
    const [verdict] = await dryRunResources(client, [virtualService]);
    expect(verdict).toMatchObject({ outcome: "rejected", status: 400, causes: [{ field: "spec.hostz", message: 'unknown field "spec.hostz"' }] });
    // Once the object exists: still rejected (decoding comes first), and a valid one is judged as the update a server-side apply would be.
    const created = structuredClone(virtualService.object);
    delete (created["spec"] as Record<string, unknown>)["hostz"];
    await cluster.api.apply(created);
    try {
      const [update] = await dryRunResources(client, [virtualService]);
      expect(update).toMatchObject({ outcome: "rejected", causes: [{ field: "spec.hostz" }] });
      const [unchanged] = await dryRunResources(client, [{ ...virtualService, object: created }]);
      expect(unchanged).toMatchObject({ outcome: "accepted" });
    } finally {
      await cluster.api.delete({ apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespace: "shop", name: "api" });
    }
  });

  it("cannot judge objects of a kind the cluster does not serve, or in a namespace it does not have: never a silent pass", async () => {
    const run = await runCli(["check", "--server-dry-run", "--kubeconfig", bare.kubeconfig, "--format", "json", "--no-cache"], { cwd: fixture, env: harness.commandEnv });
    expect(serverFindings(run.stdout).map((f) => [f.severity, f.location?.line, f.message])).toEqual([
      // Namespace shop is rendered here, so its objects are judged once it exists.
      ["error", 19, "not checked by the API server (context bare): the cluster does not serve networking.istio.io/v1 VirtualService (is its CRD installed?)"],
      ["error", 39, "not checked by the API server (context bare): the cluster does not serve security.istio.io/v1 AuthorizationPolicy (is its CRD installed?)"],
      ["warning", 1, "2 objects in namespace shop not checked by the API server (context bare): the namespace does not exist there yet (this render creates it); dry-run against a cluster that has it"],
    ]);
    expect(run.exitCode).toBe(1);
  });

  it("uses the context named by --context, and refuses --kubeconfig without --server-dry-run", async () => {
    const two = path.join(harness.dir, "two-contexts.json");
    const config = JSON.parse(await readFile(cluster.kubeconfig, "utf8")) as { clusters: Array<{ name: string; cluster: { server: string } }>; contexts: Array<{ name: string; context: object }>; "current-context": string };
    config.clusters.push({ name: "gone", cluster: { server: "https://127.0.0.1:9" } });
    config.contexts.push({ name: "gone", context: { cluster: "gone", user: "istio-user" } });
    config["current-context"] = "gone";
    await writeFile(two, JSON.stringify(config));
    const viaContext = await runCli(["check", "--server-dry-run", "--kubeconfig", two, "--context", "istio", "--format", "json", "--no-cache"], { cwd: fixture, env: harness.commandEnv });
    expect(serverFindings(viaContext.stdout)).toEqual([]);
    const current = await runCli(["check", "--server-dry-run", "--kubeconfig", two, "--no-cache"], { cwd: fixture, env: harness.commandEnv });
    expect(current.stderr).toMatch(/^mesh-policy: cannot reach the cluster for GET \/api\/v1 \(context gone, server https:\/\/127\.0\.0\.1:9\): ECONNREFUSED .*; check the kubeconfig/m);
    expect(current.exitCode).toBe(2);
    const unknown = await runCli(["check", "--server-dry-run", "--kubeconfig", two, "--context", "nope"], { cwd: fixture, env: harness.commandEnv });
    expect(unknown.stderr).toMatch(/--context nope: the kubeconfig .* has no such context \(it has: istio, gone\)/);
    expect(unknown.exitCode).toBe(2);
    const withoutFlag = await runCli(["check", "--kubeconfig", two], { cwd: fixture, env: harness.commandEnv });
    expect(withoutFlag.stderr).toBe("mesh-policy: check takes --kubeconfig and --context only with --server-dry-run\n");
    expect(withoutFlag.exitCode).toBe(2);
  });

  it("stops at credentials the cluster refuses (exit 2), naming the context", async () => {
    const run = await runCli(["check", "--server-dry-run", "--kubeconfig", cluster.unprivilegedKubeconfig, "--no-cache"], { cwd: fixture, env: harness.commandEnv });
    expect(run.stderr).toMatch(/^mesh-policy: the cluster refused .* \(HTTP 403, context istio, server https:\/\/127\.0\.0\.1:\d+\): .*harness-nobody.*; use a user that may do this\n$/m);
    expect(run.exitCode).toBe(2);
  });

  it("an admission plugin's 403 judges the object, not the credentials: a finding at its line, exit 1", async () => {
    // No namespace controller runs in the harness: a deleted namespace stays Terminating, and
    // NamespaceLifecycle forbids (HTTP 403) anything new in it.
    await bare.api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
    await bare.api.delete({ apiVersion: "v1", kind: "Namespace", name: "shop" });
    const run = await runCli(["check", "--server-dry-run", "--kubeconfig", bare.kubeconfig, "--format", "json", "--no-cache"], { cwd: fixture, env: harness.commandEnv });
    expect(run.stderr).not.toMatch(/refused|use a user that may do this/);
    const terminating = serverFindings(run.stdout).filter((f) => f.message.includes("being terminated"));
    expect(terminating.length).toBeGreaterThan(0);
    for (const finding of terminating) {
      expect(finding).toMatchObject({
        severity: "error",
        message: "the API server rejects it (context bare): metadata.namespace: namespace shop is being terminated",
        location: { file: "environments/prod/api.yaml", pointer: "/metadata/namespace" },
      });
    }
    expect(run.exitCode).toBe(1);
  });

  it("gives up on a server that never answers, within the request timeout", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const config = path.join(harness.dir, "silent.json");
    await writeFile(config, (await readFile(cluster.kubeconfig, "utf8")).replace(cluster.server, `https://127.0.0.1:${port}`));
    try {
      const client = await ApiClient.connect(loadKubeconfig({ kubeconfig: config }), { timeoutMs: 300 });
      const [resource] = await renderedFixture();
      if (resource === undefined) throw new Error("fixture renders three objects");
      await expect(dryRunResources(client, [resource])).rejects.toThrow(
        /^the cluster's answer to GET \/api\/v1 \(context istio, server https:\/\/127\.0\.0\.1:\d+\) was refused: it did not complete within 0\.3 s and was aborted \(--limit cluster-time\); check that the API server is reachable/,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

async function renderedFixture(): Promise<Resource[]> {
  const rendered = await renderEnvironment(fixture, "prod", { cacheDir: false });
  return rendered.resources.map((r) => ({ ...r, object: structuredClone(r.object) }));
}
