import type { JsonObject, Resource } from "../../model/resource.js";
import { checkDestination } from "./destinations.js";
import { checkServerTls, checkTlsCertificateSourcesCel, unixAddressError } from "./gateway.js";
import { isIpAddress } from "../../mesh/addresses.js";
import { fqdnError, namespacedHostErrors } from "./hosts.js";
import { isHttpProtocol, isTlsProtocol, parseProtocol } from "../../mesh/protocol.js";
import { portError, portNameError, protocolError } from "./ports.js";
import { checkLabelsSelector } from "./selectors.js";
import { arr, bool, FieldPath, has, nonEmpty, num, obj, strings, text, type Problems } from "./report.js";
import { checkConnectionPool } from "./traffic-policy.js";

function checkSidecarPort(problems: Problems, port: JsonObject, at: FieldPath, bind: string, egress: boolean, captureMode: string): void {
  const name = text(port, "name");
  if (name !== "") {
    const err = portNameError(name);
    if (err !== undefined) problems.error(at.field("name"), err);
  }
  const protocolErr = protocolError(text(port, "protocol"));
  if (protocolErr !== undefined) problems.error(at.field("protocol"), protocolErr);
  if ((num(port["targetPort"]) ?? 0) > 0) problems.error(at.field("targetPort"), "targetPort has no impact on Sidecars: remove it");
  const number = num(port["number"]) ?? 0;
  if (egress && number === 0) {
    // A unix domain socket listener.
    if (!bind.startsWith("unix://")) problems.error(at.field("number"), "sidecar: ports with 0 value must have a unix domain socket bind address");
    else {
      const err = unixAddressError(bind.slice("unix://".length));
      if (err !== undefined) problems.error(at.field("number"), err);
    }
    if (captureMode !== "" && captureMode !== "DEFAULT" && captureMode !== "NONE") {
      problems.error(at.field("number"), "sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners");
    }
    return;
  }
  const err = portError(number);
  if (err !== undefined) problems.error(at.field("number"), err);
}

function checkDefaultEndpoint(problems: Problems, endpoint: string, at: FieldPath): void {
  if (endpoint.startsWith("unix://")) {
    const err = unixAddressError(endpoint.slice("unix://".length));
    if (err !== undefined) problems.error(at, err);
    return;
  }
  // net.SplitHostPort: host:port or [v6]:port.
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(endpoint);
  if (m === null) {
    problems.error(at, `address ${endpoint}: the defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset`);
    return;
  }
  const host = m[1] ?? m[2] ?? "";
  const port = m[3] ?? "";
  if (host !== "" && !["127.0.0.1", "0.0.0.0", "::1", "::"].includes(host)) {
    problems.error(at, "sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset");
  }
  if (!/^[+-]?\d+$/.test(port)) problems.error(at, `sidecar: defaultEndpoint port (${port}) is not a number`);
  else {
    const err = portError(Number(port));
    if (err !== undefined) problems.error(at, err);
  }
}

function checkIngress(problems: Problems, spec: JsonObject, at: FieldPath): void {
  const ports = new Set<number>();
  arr(spec["ingress"]).forEach((item, i) => {
    const ip = at.field("ingress").index(i);
    const ingress = obj(item);
    if (ingress === undefined) {
      problems.error(ip, "sidecar: ingress may not be null");
      return;
    }
    const port = obj(ingress["port"]);
    if (port === undefined) {
      problems.error(ip.field("port"), "sidecar: port is required for ingress listeners");
      checkConnectionPool(problems, ingress, ip); // the CRD's CEL rules still apply
      return;
    }
    const bind = text(ingress, "bind");
    checkSidecarPort(problems, port, ip.field("port"), bind, false, "");
    if (bind !== "" && !isIpAddress(bind)) problems.error(ip.field("bind"), `${bind} is not a valid IP`);
    const number = num(port["number"]) ?? 0;
    if (ports.has(number)) problems.error(ip.field("port").field("number"), "sidecar: ports on IP bound listeners must be unique");
    ports.add(number);
    const endpoint = text(ingress, "defaultEndpoint");
    if (endpoint !== "") checkDefaultEndpoint(problems, endpoint, ip.field("defaultEndpoint"));
    const tls = obj(ingress["tls"]);
    if (tls !== undefined) {
      const tp = ip.field("tls");
      const celFailed = checkTlsCertificateSourcesCel(problems, tls, tp);
      if (nonEmpty(tls, "subjectAltNames")) problems.error(tp.field("subjectAltNames"), "sidecar: subjectAltNames is not supported in ingress tls");
      if (bool(tls["httpsRedirect"])) problems.error(tp.field("httpsRedirect"), "sidecar: httpsRedirect is not supported");
      if (text(tls, "credentialName") !== "" && !celFailed) problems.error(tp.field("credentialName"), "sidecar: credentialName is not currently supported");
      if (nonEmpty(tls, "credentialNames") && !celFailed) problems.error(tp.field("credentialNames"), "sidecar: credentialNames is not currently supported");
      if (nonEmpty(tls, "tlsCertificates") && !celFailed) problems.error(tp.field("tlsCertificates"), "sidecar: tls_certificates is not currently supported");
      const mode = text(tls, "mode");
      if (mode === "ISTIO_MUTUAL" || mode === "AUTO_PASSTHROUGH") {
        problems.error(tp.field("mode"), `configuration is invalid: cannot set mode to ${mode} in sidecar ingress tls`);
      }
      if (!isTlsProtocol(parseProtocol(text(port, "protocol")))) {
        problems.error(tp, "server cannot have TLS settings for non HTTPS/TLS ports (set the port protocol to HTTPS or TLS)");
      }
      checkServerTls(problems, tls, tp, celFailed);
    }
    checkConnectionPool(problems, ingress, ip);
    if (has(obj(ingress["connectionPool"]), "http") && !isHttpProtocol(parseProtocol(text(port, "protocol")))) {
      problems.warn(
        ip.field("connectionPool").field("http"),
        `sidecar: HTTP connection pool settings are configured for port ${number} ('${text(port, "name")}') but its protocol is not HTTP (${text(port, "protocol")}); only TCP settings will apply`,
      );
    }
  });
}

function checkEgress(problems: Problems, spec: JsonObject, at: FieldPath, namespace: string | undefined): void {
  const list = arr(spec["egress"]);
  const ports = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  list.forEach((item, index) => {
    const ep = at.field("egress").index(index);
    const egress = obj(item);
    if (egress === undefined) {
      problems.error(ep, "egress listener may not be null");
      return;
    }
    const port = obj(egress["port"]);
    if (port === undefined) {
      if (catchAll) {
        problems.error(ep, "sidecar: egress can have only one listener with empty port");
        return;
      }
      if (index === list.length - 1) catchAll = true;
      else problems.error(ep, "sidecar: the egress listener with empty port should be the last listener in the list");
    } else {
      const bind = text(egress, "bind");
      checkSidecarPort(problems, port, ep.field("port"), bind, true, text(egress, "captureMode"));
      const number = num(port["number"]) ?? 0;
      if (number !== 0 && bind !== "" && !isIpAddress(bind)) problems.error(ep.field("bind"), `${bind} is not a valid IP`);
      if (number === 0) {
        if (sockets.has(bind)) problems.error(ep.field("bind"), "sidecar: unix domain socket values for listeners must be unique");
        sockets.add(bind);
      } else {
        if (ports.has(number)) problems.error(ep.field("port").field("number"), "sidecar: ports on IP bound listeners must be unique");
        ports.add(number);
      }
    }
    const hosts = strings(egress["hosts"]);
    if (hosts.length === 0) {
      problems.error(ep.field("hosts"), "sidecar: egress listener must contain at least one host");
      return;
    }
    const byNamespace = new Map<string, Set<string>>();
    for (const [host, i] of hosts) {
      const hp = ep.field("hosts").index(i);
      const slash = host.indexOf("/");
      if (slash !== -1 && !host.startsWith("~")) {
        const ns = host.slice(0, slash) === "." && namespace !== undefined ? namespace : host.slice(0, slash);
        const svc = host.slice(slash + 1);
        const seen = byNamespace.get(ns) ?? new Set<string>();
        byNamespace.set(ns, seen);
        if (svc !== "*" ? seen.has(svc) || seen.has("*") : seen.size > 0) problems.warn(hp, `duplicated egress host: ${host}`);
        seen.add(svc);
      }
      for (const err of namespacedHostErrors(host, false)) problems.error(hp, `'${host}': ${err}`);
    }
    if (byNamespace.get("*")?.has("*") === true && byNamespace.size !== 1) {
      problems.warn(ep.field("hosts"), "`*/*` host select all resources, no other hosts can be added");
    }
  });
}

function checkOutboundTrafficPolicy(problems: Problems, spec: JsonObject, at: FieldPath): void {
  const policy = obj(spec["outboundTrafficPolicy"]);
  const proxy = obj(policy?.["egressProxy"]);
  if (policy === undefined || proxy === undefined) return;
  const path = at.field("outboundTrafficPolicy");
  if (text(policy, "mode") !== "ALLOW_ANY") {
    problems.error(path.field("egressProxy"), "sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode");
    return;
  }
  const err = fqdnError(text(proxy, "host"));
  if (err !== undefined) problems.error(path.field("egressProxy").field("host"), err);
  if (!has(proxy, "port")) {
    problems.error(path.field("egressProxy").field("port"), "sidecar: egress_proxy port must be non-nil");
    return;
  }
  if (err === undefined) checkDestination(problems, proxy, path.field("egressProxy"));
}

export function checkSidecar(resource: Resource, problems: Problems): void {
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  checkLabelsSelector(problems, spec, at, "sidecar");
  if (!nonEmpty(spec, "egress") && !nonEmpty(spec, "ingress") && !has(spec, "outboundTrafficPolicy") && !has(spec, "inboundConnectionPool")) {
    problems.error(at, "sidecar: empty configuration provided: set egress, ingress, outboundTrafficPolicy or inboundConnectionPool");
    return;
  }
  checkIngress(problems, spec, at);
  checkConnectionPool(problems, spec, at, "inboundConnectionPool");
  checkEgress(problems, spec, at, resource.namespace);
  checkOutboundTrafficPolicy(problems, spec, at);
}
