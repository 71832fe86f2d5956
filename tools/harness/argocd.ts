import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { connect } from "node:net";
import path from "node:path";
import type { KubeCluster } from "./harness.js";
import type { HarnessBinaries } from "./harness-binaries.js";
import type { ProcessGroup, Service } from "./processes.js";
import { freePort, waitFor } from "./wait-for.js";

export const ARGOCD_NAMESPACE = "argocd";

export interface ArgoCdOptions {
  binaries: HarnessBinaries;
  processes: ProcessGroup;
  dir: string;
  /** Where Argo CD runs (its "in-cluster", https://kubernetes.default.svc): its namespace, Applications and settings. Needs the argo-cd CRDs. */
  management: KubeCluster;
  /** Clusters registered under a name, as `argocd cluster add CONTEXT --name NAME` does: what `destination.name` refers to. */
  clusters: Readonly<Record<string, KubeCluster>>;
  /** Extra `argocd-cm` keys. */
  settings?: Readonly<Record<string, string>>;
}

export interface ArgoCd {
  namespace: string;
  redis: Service;
  repoServer: Service;
  controller: Service;
}

/** How often the controller compares every Application with Git (and the repo-server forgets a branch's commit). */
export const RECONCILIATION_TIMEOUT = "10s";
const START_TIMEOUT_MS = 90_000;

/**
 * Argo CD as local processes: redis, argocd-repo-server and argocd-application-controller (one
 * binary, selected by ARGOCD_BINARY_NAME), with ARGOCD_FAKE_IN_CLUSTER=true and KUBECONFIG so
 * that the in-cluster destination is the management API server. The repo-server renders with the
 * kustomize of .tools/bin (the version Argo CD bundles) and has Argo CD's git-verify-wrapper.sh on
 * its PATH; TMPDIR and HOME are inside the harness folder.
 */
export async function startArgoCd(options: ArgoCdOptions): Promise<ArgoCd> {
  const { binaries, processes, dir, management } = options;
  await mkdir(path.join(dir, "tmp"), { recursive: true });
  for (const sub of ["tls", "ssh", "gpg", "home"]) await mkdir(path.join(dir, sub), { recursive: true });
  await installSettings(options);

  const baseEnv: Record<string, string> = {
    PATH: [binaries.toolsBin, "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
    HOME: path.join(dir, "home"),
    TMPDIR: path.join(dir, "tmp"),
    KUBECONFIG: management.kubeconfig,
    ARGOCD_FAKE_IN_CLUSTER: "true",
    ARGOCD_RECONCILIATION_TIMEOUT: RECONCILIATION_TIMEOUT,
    ARGOCD_RECONCILIATION_JITTER: "0s",
    ARGOCD_TLS_DATA_PATH: path.join(dir, "tls"),
    ARGOCD_SSH_DATA_PATH: path.join(dir, "ssh"),
    ARGOCD_GNUPGHOME: path.join(dir, "gpg"),
    ARGOCD_GPG_ENABLED: "false",
    GIT_CONFIG_NOSYSTEM: "1",
  };

  const redisPort = await freePort();
  const redis = processes.start("redis", binaries.redisServer, {
    args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    env: { PATH: baseEnv.PATH ?? "" },
  });
  await waitFor(`redis on port ${redisPort}`, () => redisPing(redisPort), { timeoutMs: START_TIMEOUT_MS, services: [redis] });

  const repoPort = await freePort();
  const repoMetrics = await freePort();
  const repoServer = processes.start("argocd-repo-server", binaries.argocd, {
    args: ["--port", String(repoPort), "--metrics-port", String(repoMetrics), "--redis", `127.0.0.1:${redisPort}`, "--loglevel", "info"],
    env: { ...baseEnv, ARGOCD_BINARY_NAME: "argocd-repo-server" },
  });
  await waitFor(`argocd-repo-server on port ${repoPort}`, () => tcpOpen(repoPort), { timeoutMs: START_TIMEOUT_MS, services: [repoServer] });

  const controllerMetrics = await freePort();
  const controller = processes.start("argocd-application-controller", binaries.argocd, {
    args: [
      "--namespace", ARGOCD_NAMESPACE,
      "--redis", `127.0.0.1:${redisPort}`,
      "--repo-server", `127.0.0.1:${repoPort}`,
      "--metrics-port", String(controllerMetrics),
      "--loglevel", "info",
    ],
    env: { ...baseEnv, ARGOCD_BINARY_NAME: "argocd-application-controller" },
  });
  await waitFor(
    "argocd-application-controller healthz",
    async () => ((await fetch(`http://127.0.0.1:${controllerMetrics}/healthz`, { signal: AbortSignal.timeout(2_000) })).status === 200 ? true : undefined),
    { timeoutMs: START_TIMEOUT_MS, services: [controller, repoServer, redis] },
  );
  return { namespace: ARGOCD_NAMESPACE, redis, repoServer, controller };
}

/** The argocd namespace, argocd-cm, argocd-secret and one cluster Secret per registered cluster. */
async function installSettings(options: ArgoCdOptions): Promise<void> {
  const { api } = options.management;
  const labels = { "app.kubernetes.io/part-of": "argocd" };
  await api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ARGOCD_NAMESPACE } });
  await api.apply({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "argocd-cm", namespace: ARGOCD_NAMESPACE, labels: { ...labels, "app.kubernetes.io/name": "argocd-cm" } },
    data: { ...(options.settings ?? {}) },
  });
  await api.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "argocd-secret", namespace: ARGOCD_NAMESPACE, labels: { ...labels, "app.kubernetes.io/name": "argocd-secret" } },
    stringData: { "server.secretkey": randomBytes(32).toString("hex") },
  });
  for (const [name, cluster] of Object.entries(options.clusters)) {
    await api.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `cluster-${name}`, namespace: ARGOCD_NAMESPACE, labels: { ...labels, "argocd.argoproj.io/secret-type": "cluster" } },
      stringData: {
        name,
        server: cluster.server,
        config: JSON.stringify({ bearerToken: cluster.token, tlsClientConfig: { caData: cluster.caData } }),
      },
    });
  }
}

function redisPing(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (value: true | undefined): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(2_000, () => done(undefined));
    socket.on("error", () => done(undefined));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => done(data.toString().startsWith("+PONG") ? true : undefined));
  });
}

function tcpOpen(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.on("error", () => resolve(undefined));
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
  });
}
