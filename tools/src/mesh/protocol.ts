import type { ServicePort } from "./service-registry.js";

/**
 * Istio's port protocols: the one copy of `protocol.Parse` and `kube.ConvertProtocol`
 * (istio/istio pkg/config/protocol/instance.go, pkg/config/kube/conversion.go) used by lint, access and admission.
 */

/** Istio's `protocol.Instance`; "Unsupported" stands for `UnsupportedProtocol` (Istio then sniffs the protocol). */
export type Protocol =
  | "TCP"
  | "UDP"
  | "GRPC"
  | "GRPC-Web"
  | "HTTP"
  | "HTTP_PROXY"
  | "HTTP2"
  | "HTTPS"
  | "TLS"
  | "Mongo"
  | "Redis"
  | "MySQL"
  | "Unsupported";

const BY_NAME: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ["tcp", "TCP"],
  ["udp", "UDP"],
  ["grpc", "GRPC"],
  ["grpc-web", "GRPC-Web"],
  ["http", "HTTP"],
  ["http_proxy", "HTTP_PROXY"],
  ["http2", "HTTP2"],
  ["https", "HTTPS"],
  ["tls", "TLS"],
  ["mongo", "Mongo"],
  ["redis", "Redis"],
  ["mysql", "MySQL"],
]);

/** Kubernetes' standard appProtocol values, which ConvertProtocol maps itself (only in appProtocol, never in a name). */
const KUBERNETES_APP_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ["kubernetes.io/h2c", "HTTP2"],
  ["kubernetes.io/ws", "HTTP"],
  ["kubernetes.io/wss", "HTTPS"],
]);

/** Ports Istio treats as TCP instead of sniffing when nothing declares a protocol (`wellKnownPorts`): SMTP, DNS, MySQL, MongoDB. */
export const WELL_KNOWN_TCP_PORTS: ReadonlySet<number> = new Set([25, 53, 3306, 27017]);

/** Istio `protocol.Parse`: a protocol name, case-insensitive. */
export function parseProtocol(value: string): Protocol {
  return BY_NAME.get(value.toLowerCase()) ?? "Unsupported";
}

export const isHttpProtocol = (p: Protocol): boolean => p === "HTTP" || p === "HTTP2" || p === "HTTP_PROXY" || p === "GRPC" || p === "GRPC-Web";
export const isTlsProtocol = (p: Protocol): boolean => p === "HTTPS" || p === "TLS";
export const isTcpProtocol = (p: Protocol): boolean => p === "TCP" || p === "HTTPS" || p === "TLS" || p === "Mongo" || p === "Redis" || p === "MySQL";

/** The parts of a Kubernetes Service port that decide its protocol. */
export interface ServicePortProtocolInput {
  /** `port`, for the well-known TCP ports. */
  port?: number | undefined;
  name?: string | undefined;
  /** Kubernetes' L4 `protocol` (TCP by default). */
  protocol?: string | undefined;
  appProtocol?: string | undefined;
}

/**
 * Istio `kube.ConvertProtocol`: UDP ports are UDP; otherwise `appProtocol` wins over the name, Kubernetes'
 * `kubernetes.io/h2c|ws|wss` appProtocols map to HTTP2, HTTP and HTTPS, a `grpc-web` prefix is GRPC-Web, else the
 * `<protocol>[-suffix]` prefix is parsed. Unknown → "Unsupported" (sniffed), except on the well-known TCP ports.
 */
export function convertProtocol(port: ServicePortProtocolInput): Protocol {
  if (port.protocol?.toUpperCase() === "UDP") return "UDP";
  let name = port.name ?? "";
  if (port.appProtocol !== undefined) {
    name = port.appProtocol;
    const kubernetes = KUBERNETES_APP_PROTOCOLS.get(name);
    if (kubernetes !== undefined) return kubernetes;
  }
  if (name.toLowerCase().startsWith("grpc-web")) return "GRPC-Web";
  const dash = name.indexOf("-");
  const parsed = parseProtocol(dash === -1 ? name : name.slice(0, dash));
  if (parsed === "Unsupported" && port.port !== undefined && WELL_KNOWN_TCP_PORTS.has(port.port)) return "TCP";
  return parsed;
}

/** What a workload port carries, as authorization sees it; `unknown`: nothing declares it, so Istio sniffs (HTTP can still be HTTP). */
export type PortProtocol = "http" | "tcp" | "udp" | "unknown";

/** The protocol family of a Service port (convertProtocol): HTTP-like, TCP-like, UDP, or unknown (sniffed). */
export function protocolOfServicePort(port: ServicePort): PortProtocol {
  const protocol = convertProtocol(port);
  if (protocol === "UDP") return "udp";
  if (isHttpProtocol(protocol)) return "http";
  return isTcpProtocol(protocol) ? "tcp" : "unknown";
}
