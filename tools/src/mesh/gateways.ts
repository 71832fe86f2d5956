import { arrayAt, namespaceOf, objectAt, stringMap, type MeshIndex, type Workload } from "../lint/mesh-index.js";
import { isJsonObject, type Resource } from "../model/resource.js";
import { labelsMatch } from "./selector.js";

/**
 * Istio Gateways as `istioctl analyze`'s gateway analyzers read them: the selector (a label map; a
 * Gateway selects pods in every namespace, Istio's default), and each server's port, hosts as written,
 * bind and TLS certificate source. Built once per index.
 */

export interface GatewayServer {
  /** Index in spec.servers. */
  index: number;
  port: number | undefined;
  hosts: string[];
  bind: string;
  /** How the server's certificate is named, when it is: a credential (secret) name, or certificate and key files. */
  certificate: { kind: "credential"; name: string } | { kind: "files"; certificate: string; privateKey: string } | undefined;
  credentialName: string;
}

export interface GatewayInfo {
  resource: Resource;
  namespace: string;
  /** spec.selector with string values only (Istio's decoder rejects the others). */
  selector: Record<string, string>;
  /** The selector as Kubernetes prints it: `k=v,k2=v2` sorted by key; "" when empty. */
  selectorText: string;
  servers: GatewayServer[];
}

export interface GatewayModel {
  gateways: GatewayInfo[];
  /** The workloads a Gateway's selector matches, in every namespace (an empty selector matches all). */
  podsOf(gateway: GatewayInfo): readonly Workload[];
}

const models = new WeakMap<MeshIndex, GatewayModel>();

export function gatewayModel(index: MeshIndex): GatewayModel {
  let model = models.get(index);
  if (model === undefined) {
    model = buildModel(index);
    models.set(index, model);
  }
  return model;
}

function buildModel(index: MeshIndex): GatewayModel {
  const gateways = index.istio("Gateway").map(readGateway);
  // Workloads of every namespace by label, so that a selector costs its rarest label's posting list.
  const byLabel = new Map<string, Workload[]>();
  for (const workload of index.workloads) {
    for (const [key, value] of Object.entries(workload.labels)) {
      const list = byLabel.get(`${key}=${value}`);
      if (list === undefined) byLabel.set(`${key}=${value}`, [workload]);
      else list.push(workload);
    }
  }
  const bySelector = new Map<string, Workload[]>();
  return {
    gateways,
    podsOf(gateway) {
      let found = bySelector.get(gateway.selectorText);
      if (found === undefined) {
        let candidates: readonly Workload[] = index.workloads;
        for (const [key, value] of Object.entries(gateway.selector)) {
          const list = byLabel.get(`${key}=${value}`) ?? [];
          if (list.length < candidates.length) candidates = list;
        }
        found = candidates.filter((w) => labelsMatch(gateway.selector, w.labels));
        bySelector.set(gateway.selectorText, found);
      }
      return found;
    },
  };
}

function readGateway(resource: Resource): GatewayInfo {
  const spec = objectAt(resource.object, "spec");
  const selector = stringMap(spec["selector"]);
  const servers = arrayAt(spec, "servers").flatMap((server, index): GatewayServer[] => {
    if (!isJsonObject(server)) return [];
    const port = objectAt(server, "port")["number"];
    const tls = isJsonObject(server["tls"]) ? server["tls"] : undefined;
    const text = (key: string): string => (tls !== undefined && typeof tls[key] === "string" ? tls[key] : "");
    const credentialName = text("credentialName");
    let certificate: GatewayServer["certificate"];
    if (tls !== undefined) {
      if (credentialName !== "") certificate = { kind: "credential", name: credentialName };
      else if (text("serverCertificate") !== "" && text("privateKey") !== "") {
        certificate = { kind: "files", certificate: text("serverCertificate"), privateKey: text("privateKey") };
      }
    }
    return [
      {
        index,
        port: typeof port === "number" ? port : undefined,
        hosts: arrayAt(server, "hosts").filter((h): h is string => typeof h === "string"),
        bind: typeof server["bind"] === "string" ? server["bind"] : "",
        certificate,
        credentialName,
      },
    ];
  });
  return { resource, namespace: namespaceOf(resource), selector, selectorText: formatSelectorText(selector), servers };
}

/** Kubernetes' `labels.SelectorFromSet(...).String()`: `k=v` pairs sorted by key, comma-separated. */
export function formatSelectorText(selector: Record<string, string>): string {
  return Object.keys(selector)
    .sort()
    .map((key) => `${key}=${selector[key] ?? ""}`)
    .join(",");
}

/** Every label of `smaller` is in `larger` with the same value (Istio's selectorSubset). */
export function isSelectorSubset(smaller: Record<string, string>, larger: Record<string, string>): boolean {
  return labelsMatch(smaller, larger);
}

/** Istio's names for the Gateways it generates for Kubernetes Gateways carry this mark (kube.IsInternalGatewayReference). */
const INTERNAL_GATEWAY_MARK = "~istio-autogenerated-k8s-gateway~";

/** A VirtualService `gateways` entry (its name part) that names one of the Gateways Istio generates internally. */
export function isInternalGatewayReference(name: string): boolean {
  return name.includes(INTERNAL_GATEWAY_MARK);
}

/**
 * The server hosts of a Gateway that VirtualServices of `namespace` may bind: `host`, `*\/host`, and
 * `ns/host` where ns is that namespace (`.` is the Gateway's own).
 */
export function gatewayHostsFor(gateway: Resource, namespace: string): string[] {
  const result: string[] = [];
  for (const server of arrayAt(objectAt(gateway.object, "spec"), "servers")) {
    for (const entry of arrayAt(server, "hosts")) {
      if (typeof entry !== "string") continue;
      const slash = entry.indexOf("/");
      if (slash === -1) {
        result.push(entry);
        continue;
      }
      const scope = entry.slice(0, slash);
      const host = entry.slice(slash + 1);
      if (scope === "*" || scope === namespace || (scope === "." && namespaceOf(gateway) === namespace)) result.push(host);
    }
  }
  return [...new Set(result)];
}
