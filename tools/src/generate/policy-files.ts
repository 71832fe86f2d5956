import type { JsonObject } from "../model/resource.js";
import type { Catalog, CatalogCall, CatalogWorkload } from "./catalog.js";
import { formatGeneratedFile } from "./format-generated.js";

/** A file `generate` writes, in memory. */
export interface GeneratedFile {
  /** Repository-relative, forward slashes: base/<folder>/<name>. */
  path: string;
  content: string;
}

/** Where generated files go: base/<folder>/ of each workload. */
export const GENERATED_ROOT = "base";

/**
 * Sync waves (docs/delivery.md): identities and registry entries (-2) before the subsets (-1)
 * before the allow rules, routes and egress restrictions (0); deny-all and STRICT mTLS (1) are
 * hand-written in base/mesh/.
 */
export const SYNC_WAVES = {
  ServiceAccount: "-2",
  Service: "-2",
  ServiceEntry: "-2",
  DestinationRule: "-1",
  AuthorizationPolicy: "0",
  VirtualService: "0",
  Sidecar: "0",
} as const;

type GeneratedKind = keyof typeof SYNC_WAVES;

const WAVE_REASONS: Record<GeneratedKind, string> = {
  ServiceAccount: "the identity exists before any policy names its principal",
  Service: "the Service exists before routes, Sidecars and policies refer to it",
  ServiceEntry: "the external hosts are in the registry before the Sidecar (wave 0) restricts egress to it",
  DestinationRule: "subsets exist before the VirtualServices (wave 0) route to them",
  AuthorizationPolicy: "ALLOW rules exist before deny-all and STRICT mTLS (wave 1)",
  VirtualService: "routes only after their DestinationRule subsets (wave -1) exist",
  Sidecar: "egress is narrowed only after the hosts it lists (wave -2) exist",
};

/** The files of every workload folder, in a fixed order; also the order of kustomization.yaml. */
export const GENERATED_FILE_NAMES = [
  "service-account.yaml",
  "service.yaml",
  "virtual-service.yaml",
  "destination-rule.yaml",
  "authorization-policy.yaml",
  "sidecar.yaml",
  "service-entry.yaml",
] as const;

interface FileSpec {
  name: (typeof GENERATED_FILE_NAMES)[number];
  description: string[];
  objects: JsonObject[];
}

/** Every file the catalog generates, sorted by path. Pure: the same catalog gives the same bytes. */
export function generatePolicyFiles(catalog: Catalog): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const workload of catalog.workloads) {
    const specs = workloadFiles(catalog, workload);
    const folder = `${GENERATED_ROOT}/${workload.folder}`;
    for (const spec of specs) files.push({ path: `${folder}/${spec.name}`, content: formatGeneratedFile(spec.description, spec.objects) });
    files.push({ path: `${folder}/kustomization.yaml`, content: kustomizationFile(workload, specs) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function workloadFiles(catalog: Catalog, workload: CatalogWorkload): FileSpec[] {
  const { name } = workload;
  const callers = catalog.calls.filter((call) => call.toKind === "workload" && call.to === name);
  const waveLine = (kind: GeneratedKind) => `Sync wave ${SYNC_WAVES[kind]} (docs/delivery.md): ${WAVE_REASONS[kind]}.`;
  const specs: FileSpec[] = [
    {
      name: "service-account.yaml",
      description: [
        `The pods' identity: their mTLS principal is ${principalOf(catalog, workload)}, which is what the ` +
          "AuthorizationPolicies of the services this workload calls list in `principals`.",
        waveLine("ServiceAccount"),
      ],
      objects: [serviceAccountOf(catalog, workload)],
    },
    {
      name: "service.yaml",
      description: [
        "Describes the pods to the mesh-policy tools: spec.selector = pod labels, targetPort = container port " +
          "(what AuthorizationPolicy `ports` must use), annotations = service account and versions. The selector " +
          "leaves out the version label, so every version is an endpoint and the DestinationRule subsets split them. " +
          "Port names follow Istio's <protocol>[-suffix] convention, so the protocol is known without sniffing.",
        waveLine("Service"),
      ],
      objects: [serviceOf(catalog, workload)],
    },
    {
      name: "virtual-service.yaml",
      description: [
        `In-mesh routing to ${name} (callers' sidecars). One rule, with no \`match\`: it is the catch-all, so every ` +
          "path is routed (a VirtualService whose rules match nothing answers 404 NR instead of falling back to the " +
          "default route). The catalog checks that (1 + attempts) x perTryTimeout <= timeout.",
        `Weights: route[i] is version ${workload.versions.map((v, i) => `${i} = ${v.name}`).join(", ")}; ` +
          "overlays/canary-routing and environments/<env>/routing.yaml set /spec/http/0/route/{0,1}/weight where canaries are on.",
        waveLine("VirtualService"),
      ],
      objects: [virtualServiceOf(catalog, workload)],
    },
    {
      name: "destination-rule.yaml",
      description: [
        `Client-side policy for calls to ${name}. No \`tls\` block on purpose: auto mTLS already sends ISTIO_MUTUAL ` +
          "to sidecar endpoints, and any DR `tls` block turns auto mTLS off for this host. connectionPool sizes are " +
          "set per environment in environments/<env>/limits.yaml.",
        waveLine("DestinationRule"),
      ],
      objects: [destinationRuleOf(catalog, workload)],
    },
  ];
  if (callers.length > 0) {
    specs.push({
      name: "authorization-policy.yaml",
      description: [
        `Who may call ${name}: ${unique(callers.map((call) => call.from)).join(", ")}. Everything else is denied by ` +
          "base/mesh/deny-all.yaml. One rule per distinct operation; `from` and `to` in the same rule are ANDed, the " +
          "principals of one rule ORed. Ports are container ports: the check runs on the pod's inbound listener, after " +
          "the Service port was translated.",
        waveLine("AuthorizationPolicy"),
      ],
      objects: [authorizationPolicyOf(catalog, workload, callers)],
    });
  }
  const registryOnly = workload.sidecar.outboundTrafficPolicy === "REGISTRY_ONLY";
  specs.push({
    name: "sidecar.yaml",
    description: [
      `What ${name} may call. Only these hosts get outbound config in its sidecar, and ` +
        (registryOnly
          ? "REGISTRY_ONLY blocks anything else, unknown external hosts included (502 for HTTP, connection reset for TLS/TCP) instead of passing it through."
          : `${workload.sidecar.outboundTrafficPolicy} passes anything else through.`),
      waveLine("Sidecar"),
    ],
    objects: [sidecarOf(catalog, workload)],
  });
  if (workload.external.length > 0) {
    specs.push({
      name: "service-entry.yaml",
      description: [
        `External services ${name} owns, in the mesh's registry so that REGISTRY_ONLY Sidecars can reach them; who ` +
          "may call them is each caller's Sidecar (the catalog's calls).",
        waveLine("ServiceEntry"),
      ],
      objects: workload.external.map((external) => serviceEntryOf(catalog, external)),
    });
  }
  return specs;
}

function kustomizationFile(workload: CatalogWorkload, specs: readonly FileSpec[]): string {
  const handWritten = workload.extraResources.length === 0 ? [] : [`Hand-written, listed from the catalog's extraResources: ${workload.extraResources.join(", ")}.`];
  return formatGeneratedFile(
    [`${workload.name}: identity, Service, routing, resilience, who may call it, and what it may call.`, ...handWritten],
    [
      {
        apiVersion: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources: [...specs.map((spec) => spec.name), ...workload.extraResources],
      },
    ],
  );
}

function metadataOf(catalog: Catalog, name: string, kind: GeneratedKind, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): JsonObject {
  return {
    name,
    namespace: catalog.namespace,
    ...(extra.labels === undefined ? {} : { labels: extra.labels }),
    annotations: { "argocd.argoproj.io/sync-wave": SYNC_WAVES[kind], ...extra.annotations },
  };
}

function principalOf(catalog: Catalog, workload: CatalogWorkload): string {
  return `${catalog.trustDomain}/ns/${catalog.namespace}/sa/${workload.serviceAccount}`;
}

function serviceAccountOf(catalog: Catalog, workload: CatalogWorkload): JsonObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: metadataOf(catalog, workload.serviceAccount, "ServiceAccount", { labels: workload.labels }),
  };
}

function serviceOf(catalog: Catalog, workload: CatalogWorkload): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadataOf(catalog, workload.name, "Service", {
      labels: workload.labels,
      annotations: {
        "mesh-policy.io/service-account": workload.serviceAccount,
        "mesh-policy.io/versions": workload.versions.map((v) => v.name).join(","),
      },
    }),
    spec: {
      selector: workload.labels,
      ports: workload.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol })),
    },
  };
}

function virtualServiceOf(catalog: Catalog, workload: CatalogWorkload): JsonObject {
  const port = workload.ports[0];
  if (port === undefined) throw new Error(`workload ${workload.name} has no port`);
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: metadataOf(catalog, workload.name, "VirtualService"),
    spec: {
      hosts: [workload.name],
      gateways: ["mesh"],
      http: [
        {
          name: "default",
          route: workload.versions.map((version) => ({
            destination: { host: workload.name, subset: version.name, port: { number: port.port } },
            weight: version.weight,
          })),
          timeout: workload.route.timeout,
          retries: { ...workload.route.retries },
        },
      ],
    },
  };
}

function destinationRuleOf(catalog: Catalog, workload: CatalogWorkload): JsonObject {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: metadataOf(catalog, workload.name, "DestinationRule"),
    spec: {
      host: workload.name,
      trafficPolicy: { connectionPool: workload.connectionPool, outlierDetection: workload.outlierDetection },
      subsets: workload.versions.map((version) => ({ name: version.name, labels: version.labels })),
    },
  };
}

/**
 * Calls with the same operation (ports, methods, paths) and the same JWT requirement share one
 * rule, at the place of the first of them; its principals keep the calls' order.
 */
function authorizationPolicyOf(catalog: Catalog, workload: CatalogWorkload, callers: readonly CatalogCall[]): JsonObject {
  const rules = new Map<string, { call: CatalogCall; principals: string[] }>();
  for (const call of callers) {
    const key = JSON.stringify([call.targetPorts, call.methods, call.paths, call.requireJwt]);
    const rule = rules.get(key);
    if (rule === undefined) rules.set(key, { call, principals: [call.principal] });
    else if (!rule.principals.includes(call.principal)) rule.principals.push(call.principal);
  }
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: metadataOf(catalog, `allow-${workload.name}`, "AuthorizationPolicy"),
    spec: {
      selector: { matchLabels: workload.labels },
      action: "ALLOW",
      rules: [...rules.values()].map(({ call, principals }) => ({
        from: [{ source: { principals, ...(call.requireJwt ? { requestPrincipals: ["*"] } : {}) } }],
        to: [
          {
            operation: {
              ports: call.targetPorts.map(String),
              ...(call.methods.length > 0 ? { methods: call.methods } : {}),
              ...(call.paths.length > 0 ? { paths: call.paths } : {}),
            },
          },
        ],
      })),
    },
  };
}

/** The callees of the workload's calls, in the calls' order, then the always-allowed hosts. */
function sidecarOf(catalog: Catalog, workload: CatalogWorkload): JsonObject {
  const externals = new Map(catalog.workloads.flatMap((w) => w.external.map((e) => [e.name, e] as const)));
  const hosts: string[] = [];
  for (const call of catalog.calls) {
    if (call.from !== workload.name) continue;
    if (call.toKind === "workload") hosts.push(`./${call.to}.${catalog.namespace}.svc.cluster.local`);
    else hosts.push(...(externals.get(call.to)?.hosts ?? []).map((host) => `./${host}`));
  }
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "Sidecar",
    metadata: metadataOf(catalog, workload.name, "Sidecar"),
    spec: {
      workloadSelector: { labels: workload.labels },
      egress: [{ hosts: unique([...hosts, ...workload.sidecar.extraEgressHosts]) }],
      outboundTrafficPolicy: { mode: workload.sidecar.outboundTrafficPolicy },
    },
  };
}

function serviceEntryOf(catalog: Catalog, external: Catalog["workloads"][number]["external"][number]): JsonObject {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "ServiceEntry",
    metadata: metadataOf(catalog, external.name, "ServiceEntry"),
    spec: {
      hosts: external.hosts,
      exportTo: external.exportTo,
      location: external.location,
      resolution: external.resolution,
      ports: external.ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol })),
    },
  };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
