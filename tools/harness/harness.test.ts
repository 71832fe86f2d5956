import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterApi } from "./cluster-api.js";
import { Harness, type KubeCluster } from "./harness.js";
import { ProcessGroup } from "./processes.js";
import { waitFor } from "./wait-for.js";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the harness's API server", () => {
  let harness: Harness;
  let cluster: KubeCluster;

  beforeAll(async () => {
    harness = await Harness.start("self-test");
    cluster = await harness.cluster("one", { crds: ["istio"] });
  }, 180_000);
  afterAll(() => harness?.stop());

  it("is kube-apiserver v1.34.2 on loopback, serving the pinned Istio CRDs, behind a token", async () => {
    expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const version = await cluster.api.client.request({ method: "GET", path: "/version" });
    expect(version.body).toMatchObject({ gitVersion: "v1.34.2", major: "1", minor: "34" });
    expect(await cluster.api.client.resource("networking.istio.io/v1", "VirtualService")).toEqual({ name: "virtualservices", namespaced: true });
    expect(await cluster.api.client.resource("extensions.istio.io/v1alpha1", "WasmPlugin")).toEqual({ name: "wasmplugins", namespaced: true });
    const unprivileged = await ClusterApi.connect(cluster.unprivilegedKubeconfig);
    expect((await unprivileged.client.request({ method: "GET", path: "/api/v1/namespaces" })).status).toBe(403);
  });

  it("stores objects in etcd under the cluster's own prefix", async () => {
    await cluster.api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "harness-check" } });
    const keys = await harness.etcdKeys(`${cluster.etcdPrefix}/namespaces/`);
    expect([...keys.keys()]).toContain(`${cluster.etcdPrefix}/namespaces/harness-check`);
  });
});

describe("ProcessGroup", () => {
  it("stops a service with everything it forked (its process group), also after the leader exited", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mesh-policy-processes-"));
    const group = new ProcessGroup(dir);
    try {
      const forking = group.start("forking", "/bin/sh", { args: ["-c", "sleep 300 & echo $! > child.pid; wait"], env: { PATH: "/usr/bin:/bin" } });
      const leaderGone = group.start("leader-gone", "/bin/sh", { args: ["-c", "sleep 300 & echo $! > orphan.pid; exit 0"], env: { PATH: "/usr/bin:/bin" } });
      const pidIn = (file: string) => waitFor(file, async () => Number((await readFile(path.join(dir, file), "utf8")).trim()) || undefined, { timeoutMs: 10_000 });
      const child = await pidIn("child.pid");
      const orphan = await pidIn("orphan.pid");
      await waitFor("the leader to exit", async () => (leaderGone.exit === undefined ? undefined : true), { timeoutMs: 10_000 });
      expect([isRunning(forking.pid), isRunning(child), isRunning(orphan)]).toEqual([true, true, true]);
      await group.stopAll();
      await waitFor("every process to be gone", async () => (isRunning(child) || isRunning(orphan) || isRunning(forking.pid) ? undefined : true), { timeoutMs: 10_000 });
      expect(forking.exit?.signal).toBe("SIGTERM");
    } finally {
      await group.stopAll();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a service that dies while it is awaited, with its log", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mesh-policy-processes-"));
    const group = new ProcessGroup(dir);
    try {
      const dying = group.start("dying", "/bin/sh", { args: ["-c", "echo 'bind: address already in use' >&2; exit 3"], env: { PATH: "/usr/bin:/bin" } });
      await expect(waitFor("never", async () => undefined, { timeoutMs: 30_000, services: [dying] })).rejects.toThrow(
        /^dying exited \(\{"code":3,"signal":null\}\) while waiting for never; its log .*dying\.log\):\nbind: address already in use$/,
      );
      expect(existsSync(path.join(dir, "dying.log"))).toBe(true);
    } finally {
      await group.stopAll();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
