import { parseProtocol } from "../../mesh/protocol.js";
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

/** istiod ValidateProtocol: empty (sniffing) or a known protocol. */
export function protocolError(value: string): string | undefined {
  if (value === "" || parseProtocol(value) !== "Unsupported") return undefined;
  return `unsupported protocol: ${value} (use HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, TLS, TCP, UDP, Mongo, Redis or MySQL)`;
}
