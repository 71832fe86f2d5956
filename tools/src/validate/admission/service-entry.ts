import type { JsonObject, Resource } from "../../model/resource.js";
import { checkExportTo } from "./export-to.js";
import { isCidr, isIpAddress } from "../../mesh/addresses.js";
import { fqdnError, partialWildcardError, wildcardDomainError } from "./hosts.js";
import { isHttpProtocol, isTcpProtocol, isTlsProtocol, parseProtocol } from "../../mesh/protocol.js";
import { portNameError, protocolError } from "./ports.js";
import { checkLabels, checkLabelsSelector } from "./selectors.js";
import { arr, entries, FieldPath, has, nonEmpty, num, obj, objects, strings, text, type Problems } from "./report.js";

// The CRD's rule for endpoint port names (`size(key) < 63` and this pattern).
const CEL_PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/**
 * An endpoint address and ports (ServiceEntry endpoints; WorkloadEntry spec; WorkloadGroup template):
 * the CRD's CEL rules. Returns false when the CEL rules already rejected the address.
 */
export function checkEndpointCel(problems: Problems, endpoint: JsonObject, at: FieldPath, requireAddress = true): boolean {
  const address = text(endpoint, "address");
  let ok = true;
  if (requireAddress && !has(endpoint, "address") && !has(endpoint, "network")) {
    problems.error(at, "Address is required (set address, or network for an endpoint reached through a gateway)");
    ok = false;
  }
  if (address.startsWith("unix://")) {
    if (has(endpoint, "ports")) problems.error(at.field("ports"), `UDS may not include ports (${address} is a unix domain socket)`);
    if (address.endsWith("/")) {
      problems.error(at.field("address"), `UDS may not be a dir: '${address}'`);
      ok = false;
    }
    const first = address.slice(7, 8);
    if (first !== "/" && first !== "@") {
      problems.error(at.field("address"), `UDS must be an absolute path or abstract socket: '${address}' (unix:///path or unix://@name)`);
      ok = false;
    }
  }
  for (const [name, port] of entries(endpoint["ports"])) {
    if (!(name.length < 63 && CEL_PORT_NAME.test(name))) problems.error(at.field("ports").key(name), `port name must be valid: '${name}' is not a DNS label`);
    const n = num(port);
    if (n !== undefined && !(n > 0 && n <= 65535)) problems.error(at.field("ports").key(name), `port must be between 1-65535 (found ${n})`);
  }
  return ok;
}

/**
 * istiod validateWorkloadEntry beyond the CEL rules: the address is an IP (or, when `allowFqdn`, a DNS
 * name), endpoint ports are declared by the ServiceEntry (`servicePorts`), labels are well formed.
 */
export function checkEndpointWebhook(
  problems: Problems,
  endpoint: JsonObject,
  at: FieldPath,
  servicePorts: Set<string> | undefined,
  address: "ip" | "ip-or-fqdn" | "dns-endpoint",
): void {
  const value = text(endpoint, "address");
  if (address !== "dns-endpoint" && value === "" && text(endpoint, "network") !== "") {
    problems.warn(at, `address is unset with network '${text(endpoint, "network")}'`);
  }
  if (value.startsWith("unix://") && address !== "dns-endpoint") {
    if (servicePorts !== undefined && servicePorts.size !== 1) {
      problems.error(at.field("address"), "exactly 1 service port required for unix endpoints");
    }
  } else if (address === "ip" && value !== "" && !isIpAddress(value)) {
    problems.error(at.field("address"), `endpoint address '${value}' is not a valid IP address (resolution STATIC needs IP addresses; use DNS for host names)`);
  } else if ((address === "dns-endpoint" || value !== "") && !isIpAddress(value) && fqdnError(value) !== undefined) {
    problems.error(at.field("address"), `endpoint address '${value}' is not a valid FQDN or an IP address`);
  }
  if (servicePorts !== undefined) {
    for (const [name, port] of entries(endpoint["ports"])) {
      if (!servicePorts.has(name)) problems.error(at.field("ports").key(name), `endpoint port ${String(port)} is not defined by the service entry (no port named '${name}')`);
    }
  }
  checkLabels(problems, endpoint["labels"], at.field("labels"));
}

export function checkServiceEntry(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkLabelsSelector(problems, spec, at, "service entry");
  const resolution = text(spec, "resolution") === "" ? "NONE" : text(spec, "resolution");
  if (has(spec, "workloadSelector") && has(spec, "endpoints")) {
    problems.error(at, "only one of WorkloadSelector or Endpoints can be set: select workloads, or list endpoints");
  }

  const hosts = strings(spec["hosts"]);
  if (hosts.length === 0) problems.error(at.field("hosts"), "service entry must have at least one host");
  for (const [host, i] of hosts) {
    const hp = at.field("hosts").index(i);
    if (host === "*") {
      problems.error(hp, "hostname cannot be wildcard: name the external host, or a wildcard domain such as *.example.com");
      continue;
    }
    const err = wildcardDomainError(host);
    if (err !== undefined) problems.error(hp, err);
    const partial = resolution === "DYNAMIC_DNS" ? undefined : partialWildcardError(host);
    if (partial !== undefined) problems.warn(hp, partial);
  }

  const addresses = strings(spec["addresses"]);
  let cidrReported = false;
  for (const [address, i] of addresses) {
    const ap = at.field("addresses").index(i);
    if (address.includes("/")) {
      if (!cidrReported && resolution !== "NONE" && resolution !== "STATIC") {
        problems.error(ap, `CIDR addresses are allowed only for NONE/STATIC resolution types (resolution is ${resolution})`);
        cidrReported = true;
      }
    }
    const bad = address.split("/").length - 1 === 1 ? !isCidr(address) : !isIpAddress(address);
    if (bad) problems.error(ap, address.includes("/") ? `${address} is not a valid CIDR block` : `${address} is not a valid IP`);
  }

  const portNames = new Set<string>();
  const numbers = new Map<number, number>();
  const autoAllocate = obj(obj(resource.object["metadata"])?.["annotations"])?.["networking.istio.io/enable-autoallocate-ip"] !== "false";
  arr(spec["ports"]).forEach((item, i) => {
    const pp = at.field("ports").index(i);
    const port = obj(item);
    if (port === undefined) {
      problems.error(pp, "service entry port may not be null");
      return;
    }
    const name = text(port, "name");
    if (portNames.has(name)) problems.error(pp.field("name"), `service entry port name '${name}' already defined`);
    portNames.add(name);
    const number = num(port["number"]) ?? 0;
    if (numbers.has(number)) problems.error(pp.field("number"), `port number cannot be duplicated: ${number} is also spec.ports[${numbers.get(number)}]`);
    else numbers.set(number, i);
    if (has(port, "targetPort")) {
      const target = num(port["targetPort"]) ?? 0;
      if (!(target > 0 && target <= 65535)) problems.error(pp.field("targetPort"), `port must be between 1-65535 (found ${target})`);
    }
    const protocol = text(port, "protocol");
    if (addresses.length === 0 && !autoAllocate && (protocol === "" || protocol === "TCP")) {
      problems.warn(pp, "addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled");
    }
    const nameErr = portNameError(name);
    if (nameErr !== undefined) problems.error(pp.field("name"), nameErr);
    const protocolErr = protocolError(protocol);
    if (protocolErr !== undefined) problems.error(pp.field("protocol"), protocolErr);
    if (!(number > 0 && number <= 65535)) problems.error(pp.field("number"), `port must be between 1-65535 (found ${number})`);
  });

  const endpoints = objects(spec["endpoints"]);
  const ep = at.field("endpoints");
  if (resolution === "NONE") {
    if (has(spec, "endpoints")) problems.error(ep, "NONE mode cannot set endpoints (use resolution STATIC or DNS to list endpoints)");
    if (has(spec, "workloadSelector")) problems.warn(at.field("workloadSelector"), "workloadSelector should not be set when resolution mode is NONE");
  }
  for (const [endpoint, i] of endpoints) {
    const addressOk = checkEndpointCel(problems, endpoint, ep.index(i));
    if (!addressOk) continue;
    if (resolution === "STATIC") {
      checkEndpointWebhook(problems, endpoint, ep.index(i), portNames, "ip");
    } else if (resolution === "DNS" || resolution === "DNS_ROUND_ROBIN") {
      checkEndpointWebhook(problems, endpoint, ep.index(i), portNames, "dns-endpoint");
    }
  }
  if (resolution === "DNS" || resolution === "DNS_ROUND_ROBIN") {
    if (endpoints.length === 0) {
      for (const [host, i] of hosts) {
        if (host !== "*" && fqdnError(host) !== undefined) {
          problems.error(at.field("hosts").index(i), `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution} ('${host}')`);
        }
      }
    }
    if (resolution === "DNS_ROUND_ROBIN" && arr(spec["endpoints"]).length > 1) {
      problems.error(ep, `DNS_ROUND_ROBIN mode cannot have multiple endpoints (found ${arr(spec["endpoints"]).length}; use DNS)`);
    }
    if (addresses.length > 0 && hosts.length > 1 && objects(spec["ports"]).some(([p]) => isTcpProtocol(parseProtocol(text(p, "protocol"))))) {
      problems.warn(at.field("hosts"), "service entry can not have more than one host specified simultaneously with address and tcp port");
    }
  }
  if (resolution === "DYNAMIC_DNS") checkDynamicDns(problems, resource, spec, at);
  if (resolution !== "NONE" && hosts.length > 1) {
    const plain = objects(spec["ports"]).find(([p]) => {
      const protocol = parseProtocol(text(p, "protocol"));
      return !isHttpProtocol(protocol) && !isTlsProtocol(protocol);
    });
    if (plain !== undefined) {
      problems.error(
        at.field("ports").index(plain[1]),
        "multiple hosts provided with non-HTTP, non-TLS ports: plain TCP cannot tell the hosts apart; use one ServiceEntry per host or an HTTP/TLS port",
      );
    }
  }
  if (nonEmpty(spec, "exportTo")) checkExportTo(problems, spec, at, resource.namespace, { serviceEntry: true });
}

/** The label that puts a ServiceEntry's traffic through a waypoint ("none" opts out). */
const USE_WAYPOINT_LABEL = "istio.io/use-waypoint";
/** The protocols the dynamic forward proxy serves (istiod ValidateServiceEntry, resolution DYNAMIC_DNS). */
const DYNAMIC_DNS_PROTOCOLS = new Set(["HTTP", "TLS", "GRPC", "HTTP2"]);

/** istiod's rules for resolution DYNAMIC_DNS: wildcard hosts, no addresses or endpoints, HTTP/TLS/GRPC/HTTP2 ports. */
function checkDynamicDns(problems: Problems, resource: Resource, spec: JsonObject, at: FieldPath): void {
  const why = "resolution DYNAMIC_DNS resolves the host of each request";
  for (const [host, i] of strings(spec["hosts"])) {
    if (!host.startsWith("*")) problems.error(at.field("hosts").index(i), `host must be wildcarded for resolution mode DYNAMIC_DNS ('${host}'): ${why}`);
  }
  if (arr(spec["addresses"]).length > 0) {
    problems.error(at.field("addresses"), "addresses cannot be set for resolution type DYNAMIC_DNS: HTTP route domains are generated from the hosts only");
  }
  if (arr(spec["endpoints"]).length > 0) {
    problems.error(at.field("endpoints"), "endpoints cannot be set for resolution type DYNAMIC_DNS: the destination address comes from the request's host");
  }
  for (const [port, i] of objects(spec["ports"])) {
    if (!DYNAMIC_DNS_PROTOCOLS.has(parseProtocol(text(port, "protocol")))) {
      problems.error(at.field("ports").index(i).field("protocol"), "only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS");
    }
  }
  const location = text(spec, "location") === "" ? "MESH_EXTERNAL" : text(spec, "location");
  const waypoint = text(obj(obj(resource.object["metadata"])?.["labels"]), USE_WAYPOINT_LABEL);
  if (location === "MESH_INTERNAL" && waypoint !== "" && waypoint.toLowerCase() !== "none") {
    problems.error(at.field("location"), `location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints (label ${USE_WAYPOINT_LABEL}: ${waypoint})`);
  }
}
