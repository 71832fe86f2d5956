import { objectAt, stringMap } from "../fields.js";
import type { MeshIndex } from "../mesh-index.js";
import type { Resource } from "../../model/resource.js";
import { isCidr } from "../addresses.js";
import { parseGoBool } from "../dry-run.js";
import catalog from "./istio-annotations.json" with { type: "json" };

/**
 * The annotations Istio defines: istio-annotations.json, generated from `annotation/annotations.yaml` of
 * the istio.io/api Go module at the version tools/schemas/sources.json pins (generate-annotations.ts),
 * and how `istioctl analyze` (annotations.K8sAnalyzer) reads them.
 */

export interface IstioAnnotation {
  name: string;
  deprecated: boolean;
  /** The kinds it belongs on (`Any`: every kind). */
  resources: readonly string[];
}

export const ANNOTATION_CATALOG: { module: string; version: string } = { module: catalog.module, version: catalog.version };

const BY_NAME: ReadonlyMap<string, IstioAnnotation> = new Map(catalog.annotations.map((a) => [a.name, a]));

export const ISTIO_ANNOTATION_NAMES: ReadonlySet<string> = new Set(BY_NAME.keys());

export function istioAnnotation(name: string): IstioAnnotation | undefined {
  return BY_NAME.get(name);
}

/** Istio's domains as a user reads them: `istio.io/...` and `<anything>.istio.io/...` (sidecar.istio.io, proxy.istio.io, ...). */
export function isIstioDomain(key: string): boolean {
  const slash = key.indexOf("/");
  if (slash === -1) return false;
  const domain = key.slice(0, slash);
  return domain === "istio.io" || domain.endsWith(".istio.io");
}

/**
 * The annotations istioctl's annotation analyzer looks at: `kubernetes.io/ingress.class`, and every key
 * whose part before the first `/` ends in `istio.io` (a wider test than isIstioDomain: `notistio.io/x` too).
 */
export function isAnalyzedByIstioctl(key: string): boolean {
  return key === "kubernetes.io/ingress.class" || (key.split("/")[0] ?? "").endsWith("istio.io");
}

/** Set by Istio itself (istiod, the gateway controller, revisions): istioctl never reports them. */
export const ALWAYS_IGNORED_ANNOTATIONS: ReadonlySet<string> = new Set(["sidecar.istio.io/status", "gateway.istio.io/controller-version", "istio.io/rev"]);

/** The kinds istioctl's annotation analyzer reads (core Namespace, Service, Pod, and apps Deployment). */
export function isAnnotationAnalyzedKind(apiVersion: string, kind: string): boolean {
  return (apiVersion === "v1" && (kind === "Namespace" || kind === "Service" || kind === "Pod")) || (apiVersion === "apps/v1" && kind === "Deployment");
}

export interface AnalyzedAnnotation {
  resource: Resource;
  key: string;
  value: string;
  /** Istio's definition of the annotation; undefined when Istio defines none of that name. */
  definition: IstioAnnotation | undefined;
}

/**
 * The annotations istioctl's annotation analyzer reads: on Namespaces, Services, Pods and Deployments,
 * those of Istio's (isAnalyzedByIstioctl) apart from the ones Istio sets itself.
 */
export function* analyzedAnnotations(index: MeshIndex): Iterable<AnalyzedAnnotation> {
  for (const resource of index.resources) {
    if (!isAnnotationAnalyzedKind(resource.apiVersion, resource.kind)) continue;
    for (const [key, value] of Object.entries(stringMap(objectAt(resource.object, "metadata")["annotations"]))) {
      if (!isAnalyzedByIstioctl(key) || ALWAYS_IGNORED_ANNOTATIONS.has(key)) continue;
      yield { resource, key, value, definition: istioAnnotation(key) };
    }
  }
}

/**
 * The value checks istio's sidecar injector runs on its annotations (pkg/kube/inject AnnotationValidation):
 * the problem with `value`, or undefined when it is valid or the annotation has no check.
 */
export function annotationValueProblem(name: string, value: string): string | undefined {
  const check = VALUE_CHECKS[name];
  return check === undefined ? undefined : check(value);
}

type ValueCheck = (value: string) => string | undefined;

const uint = (bits: number): ValueCheck => (value) =>
  /^\d+$/.test(value) && BigInt(value) < 2n ** BigInt(bits) ? undefined : `"${value}" is not an unsigned ${bits}-bit integer`;

const port = (value: string): string | undefined => uint(16)(value.trim()) === undefined ? undefined : `"${value.trim()}" is not a port (0-65535)`;

const portList =
  (allowStar: boolean): ValueCheck =>
  (value) => {
    if (allowStar && value === "*") return undefined;
    const trimmed = value.trim();
    if (trimmed === "") return undefined;
    for (const entry of trimmed.split(",")) {
      const problem = port(entry);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };

const cidrList =
  (allowStar: boolean): ValueCheck =>
  (value) => {
    if (allowStar && value === "*") return undefined;
    if (value === "") return undefined;
    const bad = value.split(",").find((cidr) => !isCidr(cidr));
    return bad === undefined ? undefined : `"${bad}" is not a CIDR such as 10.0.0.0/8`;
  };

const INTERFACE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

const interfaces: ValueCheck = (value) => {
  if (value === "") return undefined;
  for (const raw of value.split(",")) {
    const name = raw.trim();
    if (name === "") return "an interface name is empty";
    if (name.length > 15) return `interface name "${name}" is longer than 15 characters`;
    if (!INTERFACE_NAME.test(name)) return `interface name "${name}" has characters an interface name cannot have`;
  }
  return undefined;
};

// Kubernetes' resource.Quantity: a signed decimal number, then a binary (Ki..Ei), decimal (m, k, M..E) or exponent suffix.
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$/;

const quantity: ValueCheck = (value) =>
  QUANTITY.test(value) ? undefined : `"${value}" is not a Kubernetes quantity such as 100m, 128Mi or 1`;

const VALUE_CHECKS: Readonly<Record<string, ValueCheck>> = {
  "sidecar.istio.io/interceptionMode": (value) =>
    ["REDIRECT", "TPROXY", "NONE"].includes(value) ? undefined : `"${value}" is not an interception mode: use REDIRECT, TPROXY or NONE`,
  "status.sidecar.istio.io/port": port,
  "readiness.status.sidecar.istio.io/initialDelaySeconds": uint(32),
  "readiness.status.sidecar.istio.io/periodSeconds": uint(32),
  "readiness.status.sidecar.istio.io/failureThreshold": uint(32),
  "traffic.sidecar.istio.io/includeOutboundIPRanges": cidrList(true),
  "traffic.sidecar.istio.io/excludeOutboundIPRanges": cidrList(false),
  "traffic.sidecar.istio.io/includeInboundPorts": portList(true),
  "traffic.sidecar.istio.io/excludeInboundPorts": portList(false),
  "traffic.sidecar.istio.io/excludeOutboundPorts": portList(false),
  "traffic.sidecar.istio.io/excludeInterfaces": interfaces,
  "traffic.sidecar.istio.io/kubevirtInterfaces": interfaces,
  "istio.io/reroute-virtual-interfaces": interfaces,
  "prometheus.istio.io/merge-metrics": (value) => (parseGoBool(value) === undefined ? `"${value}" is not a boolean (true or false)` : undefined),
  "sidecar.istio.io/proxyCPU": quantity,
  "sidecar.istio.io/proxyMemory": quantity,
  "sidecar.istio.io/proxyCPULimit": quantity,
  "sidecar.istio.io/proxyMemoryLimit": quantity,
};
