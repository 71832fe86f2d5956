import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TempTree } from "../../test/helpers/hostile-input.js";
import { runCli } from "../../test/helpers/run-cli.js";
import { UserError } from "../model/errors.js";
import { detectDrift } from "../drift/detect-drift.js";

/**
 * Hostile API servers (a real kube-apiserver never behaves like this, so these are plain HTTP
 * servers): one that accepts requests and never answers, one whose answer never ends.
 */
type Behaviour = "silent" | "endless";

async function hostileServer(behaviour: Behaviour): Promise<{ url: string; server: Server; open: Set<ServerResponse> }> {
  const open = new Set<ServerResponse>();
  const server = createServer((_request, response) => {
    open.add(response);
    response.on("close", () => open.delete(response));
    if (behaviour === "silent") return;
    response.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, " ");
    const pump = () => {
      while (response.write(chunk));
      response.once("drain", pump);
    };
    response.write("{");
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, open };
}

const kubeconfig = (server: string) =>
  [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: hostile",
    "  cluster:",
    `    server: ${server}`,
    "    insecure-skip-tls-verify: true",
    "users:",
    "- name: someone",
    "  user:",
    "    token: not-a-real-token",
    "contexts:",
    "- name: hostile",
    "  context: { cluster: hostile, user: someone }",
    "current-context: hostile",
    "",
  ].join("\n");

let repo: TempTree;
let hostile: { url: string; server: Server; open: Set<ServerResponse> } | undefined;

beforeEach(async () => {
  repo = await TempTree.create({
    "environments/prod/kustomization.yaml": "resources:\n- service-account.yaml\n",
    "environments/prod/service-account.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n",
  });
});

afterEach(async () => {
  for (const response of hostile?.open ?? []) response.destroy();
  hostile?.server.close();
  hostile = undefined;
  await repo.remove();
});

async function against(behaviour: Behaviour): Promise<string> {
  hostile = await hostileServer(behaviour);
  await repo.write({ "kubeconfig.yaml": kubeconfig(hostile.url) });
  return repo.path("kubeconfig.yaml");
}

describe("drift against a cluster that misbehaves stays bounded", () => {
  it("aborts a request the cluster never answers, and says which and where", async () => {
    const config = await against("silent");
    const run = detectDrift({ repoRoot: repo.root, environment: "prod", kubeconfig: config, timeoutMs: 1_000, render: { cacheDir: false } });
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(/^the cluster's answer to GET ServiceAccount shop\/api \(context hostile, server http:\/\/127\.0\.0\.1:\d+\) was refused: it did not complete within 1 s and was aborted \(--limit cluster-time\)/);
  });
});

// Every command that talks to a cluster goes through the same bounded requests.
describe.each([
  { command: "drift", args: ["drift", "prod"] },
  { command: "check --server-dry-run", args: ["check", "prod", "--server-dry-run"] },
])("$command against a cluster that misbehaves", ({ args }) => {
  it("exits (exit 2) once its request timed out: nothing keeps it waiting", async () => {
    await against("silent");
    const run = await runCli([...args, "--kubeconfig", "kubeconfig.yaml", "--limit", "cluster-time=2s", "--no-cache"], { cwd: repo.root });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/did not complete within 2 s and was aborted \(--limit cluster-time\)/);
  });

  it("cuts off a response that never ends at the size limit", async () => {
    await against("endless");
    const run = await runCli([...args, "--kubeconfig", "kubeconfig.yaml", "--limit", "cluster-response=1MiB", "--no-cache"], { cwd: repo.root });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/its response is larger than 1048576 bytes and was cut off \(--limit cluster-response\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
