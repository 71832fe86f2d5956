import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { isJsonObject, type JsonObject } from "../src/model/resource.js";
import { startArgoCd, type ArgoCd, type ArgoCdOptions } from "./argocd.js";
import { ClusterApi } from "./cluster-api.js";
import { harnessBinaries, type HarnessBinaries } from "./harness-binaries.js";
import { pinnedCrds, type CrdSource } from "./pinned-crds.js";
import { ProcessGroup, type Service } from "./processes.js";
import { freePort, waitFor } from "./wait-for.js";

/** A kube-apiserver of the harness: one "cluster", with its own etcd key prefix. */
export interface KubeCluster {
  name: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** A kubeconfig file for an admin (group system:masters) of this cluster. */
  kubeconfig: string;
  /** A kubeconfig file for a user the API server knows but RBAC grants nothing. */
  unprivilegedKubeconfig: string;
  /** The bearer token of the admin, and the base64 PEM of the server certificate (its own CA). */
  token: string;
  caData: string;
  /** Where this cluster keeps its objects in etcd. */
  etcdPrefix: string;
  api: ClusterApi;
  service: Service;
}

export interface ClusterOptions {
  /** Pinned CRDs to install and wait for (Established, and served by discovery). */
  crds?: readonly CrdSource[];
}

const START_TIMEOUT_MS = 90_000;

/**
 * Real Kubernetes (and Argo CD) processes for one test file, inside one folder: etcd (Debian's
 * etcd-server), any number of kube-apiservers v1.34.2 sharing it under their own key prefix, and
 * on demand redis and Argo CD's repo-server and application-controller. Everything listens on
 * free loopback ports; {@link stop} stops every process by process group and removes the folder
 * (kept when MESH_POLICY_HARNESS_KEEP=1, for its logs). Start it in `beforeAll` and stop it in
 * `afterAll`: that runs when tests fail too.
 */
export class Harness {
  readonly clusters = new Map<string, KubeCluster>();
  /**
   * For commands a test runs beside the harness (the CLI): their temporary files and render
   * cache inside the harness folder, so that they neither leave anything behind nor meet other
   * tests' temporary folders.
   */
  readonly commandEnv: Record<string, string>;
  private argo: ArgoCd | undefined;

  private constructor(
    readonly dir: string,
    readonly binaries: HarnessBinaries,
    readonly processes: ProcessGroup,
    readonly etcdUrl: string,
    private readonly certificate: { cert: string; key: string; serviceAccountKey: string; caData: string },
    private readonly tokens: { admin: string; unprivileged: string; file: string },
  ) {
    this.commandEnv = { TMPDIR: path.join(dir, "tmp"), MESH_POLICY_CACHE_DIR: path.join(dir, "render-cache") };
  }

  static async start(label: string): Promise<Harness> {
    const binaries = harnessBinaries();
    const dir = await mkdtemp(path.join(tmpdir(), `mesh-policy-harness-${label}-`));
    const processes = new ProcessGroup(dir);
    await mkdir(path.join(dir, "tmp"));
    try {
      const certificate = await makeCertificate(binaries.openssl, dir);
      const admin = randomBytes(24).toString("hex");
      const unprivileged = randomBytes(24).toString("hex");
      const tokenFile = path.join(dir, "tokens.csv");
      await writeFile(tokenFile, `${admin},harness-admin,harness-admin,"system:masters"\n${unprivileged},harness-nobody,harness-nobody\n`, { mode: 0o600 });
      const etcdUrl = await startEtcd(processes, binaries.etcd, dir);
      return new Harness(dir, binaries, processes, etcdUrl, certificate, { admin, unprivileged, file: tokenFile });
    } catch (error) {
      await processes.stopAll();
      throw error;
    }
  }

  /** Starts a kube-apiserver named `name` (its etcd prefix and kubeconfig context are named after it). */
  async cluster(name: string, options: ClusterOptions = {}): Promise<KubeCluster> {
    const dir = path.join(this.dir, `cluster-${name}`);
    await mkdir(dir, { recursive: true });
    const etcdPrefix = `/${name}/registry`;
    const kubeconfig = path.join(dir, "kubeconfig.json");
    const unprivilegedKubeconfig = path.join(dir, "kubeconfig-unprivileged.json");
    let service: Service | undefined;
    let server = "";
    for (let attempt = 0; service === undefined; attempt++) {
      const port = await freePort();
      server = `https://127.0.0.1:${port}`;
      await writeFile(kubeconfig, kubeconfigText(name, server, this.certificate.caData, this.tokens.admin), { mode: 0o600 });
      await writeFile(unprivilegedKubeconfig, kubeconfigText(name, server, this.certificate.caData, this.tokens.unprivileged), { mode: 0o600 });
      const started = this.processes.start(`kube-apiserver-${name}`, this.binaries.kubeApiserver, {
        args: [
          `--etcd-servers=${this.etcdUrl}`,
          `--etcd-prefix=${etcdPrefix}`,
          "--bind-address=127.0.0.1",
          "--advertise-address=127.0.0.1",
          `--secure-port=${port}`,
          `--tls-cert-file=${this.certificate.cert}`,
          `--tls-private-key-file=${this.certificate.key}`,
          `--token-auth-file=${this.tokens.file}`,
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          `--service-account-key-file=${this.certificate.serviceAccountKey}`,
          `--service-account-signing-key-file=${this.certificate.serviceAccountKey}`,
          "--service-cluster-ip-range=10.96.0.0/16",
          "--authorization-mode=RBAC",
          "--endpoint-reconciler-type=none",
          "--enable-priority-and-fairness=false",
          "--profiling=false",
          `--cert-dir=${path.join(dir, "certs")}`,
        ],
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir },
      });
      const ready = await waitReady(`kube-apiserver ${name} on ${server}`, started, kubeconfig).catch((error: unknown) => error as Error);
      if (!(ready instanceof Error)) service = started;
      else if (attempt < 2 && /address already in use/.test(started.logTail(50))) await this.processes.stop(started);
      else throw ready;
    }
    for (const source of options.crds ?? []) await installCrds(kubeconfig, await pinnedCrds(source));
    const cluster: KubeCluster = {
      name,
      server,
      kubeconfig,
      unprivilegedKubeconfig,
      token: this.tokens.admin,
      caData: this.certificate.caData,
      etcdPrefix,
      api: await ClusterApi.connect(kubeconfig),
      service,
    };
    this.clusters.set(name, cluster);
    return cluster;
  }

  /** Starts redis, argocd-repo-server and argocd-application-controller against `options.management`. */
  async argocd(options: Omit<ArgoCdOptions, "binaries" | "processes" | "dir">): Promise<ArgoCd> {
    this.argo = await startArgoCd({ ...options, binaries: this.binaries, processes: this.processes, dir: path.join(this.dir, "argocd") });
    return this.argo;
  }

  /** The etcd keys under `prefix` with their modification revisions (what is really stored). */
  async etcdKeys(prefix: string): Promise<Map<string, number>> {
    const encode = (text: string): string => Buffer.from(text).toString("base64");
    const rangeEnd = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const response = await fetch(`${this.etcdUrl}/v3/kv/range`, {
      method: "POST",
      body: JSON.stringify({ key: encode(prefix), range_end: encode(rangeEnd), keys_only: true }),
      signal: AbortSignal.timeout(10_000),
    });
    const body: unknown = await response.json();
    const kvs = isJsonObject(body) && Array.isArray(body["kvs"]) ? body["kvs"] : [];
    const keys = new Map<string, number>();
    for (const kv of kvs) {
      if (isJsonObject(kv) && typeof kv["key"] === "string") keys.set(Buffer.from(kv["key"], "base64").toString("utf8"), Number(kv["mod_revision"] ?? 0));
    }
    return keys;
  }

  async stop(): Promise<void> {
    await this.processes.stopAll();
    if (process.env["MESH_POLICY_HARNESS_KEEP"] === "1") {
      process.stderr.write(`harness folder kept (MESH_POLICY_HARNESS_KEEP=1): ${this.dir}\n`);
      return;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Until /readyz answers 200 (every post-start hook done, etcd reachable). */
async function waitReady(what: string, service: Service, kubeconfig: string): Promise<true> {
  const api = await ClusterApi.connect(kubeconfig);
  return waitFor(
    what,
    async () => ((await api.client.request({ method: "GET", path: "/readyz" })).status === 200 ? true : undefined),
    { timeoutMs: START_TIMEOUT_MS, services: [service] },
  );
}

async function startEtcd(processes: ProcessGroup, etcd: string, dir: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const client = await freePort();
    const peer = await freePort();
    const url = `http://127.0.0.1:${client}`;
    const service = processes.start("etcd", etcd, {
      args: [
        "--name=harness",
        `--data-dir=${path.join(dir, `etcd-${attempt}`)}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-cluster=harness=http://127.0.0.1:${peer}`,
        "--logger=zap",
        "--log-level=warn",
      ],
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ETCD_UNSUPPORTED_ARCH: "" },
    });
    const ready = await waitFor(
      `etcd on ${url}`,
      async () => {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
        const body: unknown = await response.json();
        return isJsonObject(body) && body["health"] === "true" ? true : undefined;
      },
      { timeoutMs: START_TIMEOUT_MS, services: [service] },
    ).catch((error: unknown) => error as Error);
    if (!(ready instanceof Error)) return url;
    if (attempt >= 2 || !/address already in use/.test(service.logTail(50))) throw ready;
    await processes.stop(service);
  }
}

/** One self-signed certificate for 127.0.0.1 (every API server of the harness serves it) and a service-account key. */
async function makeCertificate(openssl: string, dir: string): Promise<{ cert: string; key: string; serviceAccountKey: string; caData: string }> {
  const cert = path.join(dir, "tls.crt");
  const key = path.join(dir, "tls.key");
  const serviceAccountKey = path.join(dir, "service-account.key");
  await execa(openssl, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=mesh-policy-harness",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
  await execa(openssl, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", serviceAccountKey]);
  return { cert, key, serviceAccountKey, caData: (await readFile(cert)).toString("base64") };
}

function kubeconfigText(name: string, server: string, caData: string, token: string): string {
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server, "certificate-authority-data": caData } }],
      users: [{ name: `${name}-user`, user: { token } }],
      contexts: [{ name, context: { cluster: name, user: `${name}-user` } }],
      "current-context": name,
    },
    null,
    2,
  );
}

/** Creates the CRDs and waits until each is Established and its group/version serves the kind. */
async function installCrds(kubeconfig: string, crds: readonly JsonObject[]): Promise<void> {
  const api = await ClusterApi.connect(kubeconfig);
  for (const crd of crds) {
    const response = await api.client.request({ method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd });
    if (response.status !== 201 && response.status !== 409) throw new Error(`cannot create CRD ${JSON.stringify((crd["metadata"] as JsonObject)["name"])}: ${api.client.describeFailure(response)}`);
  }
  for (const crd of crds) {
    const name = String((crd["metadata"] as JsonObject)["name"]);
    const spec = crd["spec"] as { group: string; names: { plural: string }; versions: Array<{ name: string; served: boolean }> };
    await waitFor(
      `CRD ${name} established and served`,
      async () => {
        const got = await api.client.request({ method: "GET", path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}` });
        const conditions = isJsonObject(got.body) && isJsonObject(got.body["status"]) ? got.body["status"]["conditions"] : undefined;
        const established = Array.isArray(conditions) && conditions.some((c) => isJsonObject(c) && c["type"] === "Established" && c["status"] === "True");
        if (!established) return undefined;
        for (const version of spec.versions.filter((v) => v.served)) {
          const discovery = await api.client.request({ method: "GET", path: `/apis/${spec.group}/${version.name}` });
          const resources = isJsonObject(discovery.body) ? discovery.body["resources"] : undefined;
          if (!Array.isArray(resources) || !resources.some((r) => isJsonObject(r) && r["name"] === spec.names.plural)) return undefined;
        }
        return true;
      },
      { timeoutMs: START_TIMEOUT_MS },
    );
  }
}
