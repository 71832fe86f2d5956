import { resourcesFromYaml } from "../../load/resources-from-yaml.js";
import type { Resource } from "../../model/resource.js";
import { INTERNAL_FAILURE, checkAdmission, type AdmissionProblem } from "./check-admission.js";

export const API_VERSIONS: Readonly<Record<string, string>> = {
  VirtualService: "networking.istio.io/v1",
  DestinationRule: "networking.istio.io/v1",
  Gateway: "networking.istio.io/v1",
  ServiceEntry: "networking.istio.io/v1",
  Sidecar: "networking.istio.io/v1",
  WorkloadEntry: "networking.istio.io/v1",
  WorkloadGroup: "networking.istio.io/v1",
  EnvoyFilter: "networking.istio.io/v1alpha3",
  ProxyConfig: "networking.istio.io/v1beta1",
  AuthorizationPolicy: "security.istio.io/v1",
  PeerAuthentication: "security.istio.io/v1",
  RequestAuthentication: "security.istio.io/v1",
  Telemetry: "telemetry.istio.io/v1",
  WasmPlugin: "extensions.istio.io/v1alpha1",
  TrafficExtension: "extensions.istio.io/v1alpha1",
};

/** The one resource in a YAML text. */
export function resourceOf(yaml: string): Resource {
  const { resources, findings } = resourcesFromYaml(yaml, "x.yaml");
  if (findings.length > 0 || resources.length !== 1 || resources[0] === undefined) {
    throw new Error(`expected one resource: ${JSON.stringify(findings)}`);
  }
  return resources[0];
}

/**
 * Admission problems of the one resource in a YAML text. Throws when a check threw (checkAdmission
 * turns that into a "stopped early" problem), so that a test cannot pass over a crash.
 */
export function check(yaml: string): AdmissionProblem[] {
  return withoutCrash(checkAdmission(resourceOf(yaml)));
}

/** The problems, unless one says a check threw (then throws, naming it). */
export function withoutCrash(problems: AdmissionProblem[]): AdmissionProblem[] {
  const crash = problems.find((p) => p.message.startsWith(INTERNAL_FAILURE));
  if (crash !== undefined) throw new Error(`checkAdmission crashed: ${crash.message}`);
  return problems;
}

/** A resource of `kind` named x in namespace ns with this spec (any JSON value), as YAML text. */
export function specYaml(kind: string, spec: unknown, metadata: Record<string, unknown> = {}): string {
  const apiVersion = API_VERSIONS[kind] ?? "networking.istio.io/v1";
  return JSON.stringify({ apiVersion, kind, metadata: { name: "x", namespace: "ns", ...metadata }, spec }, null, 2);
}

/** Problems as `severity pointer: message` lines: compact and exact in assertions. */
export function lines(problems: readonly AdmissionProblem[]): string[] {
  return problems.map((p) => `${p.severity} ${p.pointer}: ${p.message}`);
}

export function errors(problems: readonly AdmissionProblem[]): AdmissionProblem[] {
  return problems.filter((p) => p.severity === "error");
}
