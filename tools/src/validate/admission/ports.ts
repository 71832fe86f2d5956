import { isDns1123Label } from "./hosts.js";

/** istiod ValidatePort. */
export function portError(port: number): string | undefined {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return undefined;
  return `port number ${port} must be in the range 1..65535`;
}

/** istiod ValidatePortName: a DNS-1123 label. */
export function portNameError(name: string): string | undefined {
  return isDns1123Label(name) ? undefined : `invalid port name: '${name}' (use a DNS label such as http-web)`;
}

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

/** Istio protocol.Parse (case-insensitive). */
export function parseProtocol(value: string): Protocol {
  switch (value.toLowerCase()) {
    case "tcp":
      return "TCP";
    case "udp":
      return "UDP";
    case "grpc":
      return "GRPC";
    case "grpc-web":
      return "GRPC-Web";
    case "http":
      return "HTTP";
    case "http_proxy":
      return "HTTP_PROXY";
    case "http2":
      return "HTTP2";
    case "https":
      return "HTTPS";
    case "tls":
      return "TLS";
    case "mongo":
      return "Mongo";
    case "redis":
      return "Redis";
    case "mysql":
      return "MySQL";
    default:
      return "Unsupported";
  }
}

export const isHttpProtocol = (p: Protocol): boolean => ["HTTP", "HTTP2", "HTTP_PROXY", "GRPC", "GRPC-Web"].includes(p);
export const isTlsProtocol = (p: Protocol): boolean => p === "HTTPS" || p === "TLS";
export const isTcpProtocol = (p: Protocol): boolean => ["TCP", "HTTPS", "TLS", "Mongo", "Redis", "MySQL"].includes(p);

/** istiod ValidateProtocol: empty (sniffing) or a known protocol. */
export function protocolError(value: string): string | undefined {
  if (value === "" || parseProtocol(value) !== "Unsupported") return undefined;
  return `unsupported protocol: ${value} (use HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, TLS, TCP, UDP, Mongo, Redis or MySQL)`;
}
