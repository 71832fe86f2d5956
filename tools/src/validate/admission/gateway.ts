import type { JsonObject, Resource } from "../../model/resource.js";
import { isIpAddress } from "../../mesh/addresses.js";
import { isDns1123Label, namespacedHostErrors } from "./hosts.js";
import { isHttpProtocol, isTlsProtocol, parseProtocol } from "../../mesh/protocol.js";
import { portError } from "./ports.js";
import { arr, bool, FieldPath, has, nonEmpty, num, obj, strings, text, type Problems } from "./report.js";

// Cipher suites Envoy's BoringSSL knows (security.ValidCipherSuites); others are ignored with a warning.
const CIPHER_SUITES = new Set([
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "ECDHE-ECDSA-AES128-SHA",
  "ECDHE-RSA-AES128-SHA",
  "ECDHE-ECDSA-AES256-SHA",
  "ECDHE-RSA-AES256-SHA",
  "AES128-GCM-SHA256",
  "AES256-GCM-SHA384",
  "AES128-SHA",
  "AES256-SHA",
  "DES-CBC3-SHA",
]);

function validCipher(cs: string): boolean {
  if (cs === "" || cs === "ALL") return true;
  if (!/^[\p{L}\p{N}]/u.test(cs)) return true; // `-X` / `+X` expressions are passed through
  return CIPHER_SUITES.has(cs);
}

/** The three CRD CEL rules on ServerTLSSettings (Gateway servers and Sidecar ingress). */
export function checkTlsCertificateSourcesCel(problems: Problems, tls: JsonObject, at: FieldPath): boolean {
  const credentialName = has(tls, "credentialName");
  const credentialNames = has(tls, "credentialNames");
  const certificates = has(tls, "tlsCertificates");
  if (credentialName && credentialNames) problems.error(at, "only one of credentialName or credentialNames can be set");
  // Two CRD rules test the same pair (credentialNames with tlsCertificates) under two messages; one problem is enough.
  if (credentialNames && certificates) problems.error(at, "only one of credentialNames or tlsCertificates can be set");
  return (credentialName && credentialNames) || (credentialNames && certificates);
}

/** istiod validateTLSOptions: ServerTLSSettings of a Gateway server or a Sidecar ingress listener. */
export function checkServerTls(problems: Problems, tls: JsonObject, at: FieldPath, celFailed = checkTlsCertificateSourcesCel(problems, tls, at)): void {
  const mode = text(tls, "mode") === "" ? "PASSTHROUGH" : text(tls, "mode");
  const minVersion = text(tls, "minProtocolVersion");
  const ciphers = strings(tls["cipherSuites"]).map(([c]) => c);
  if ((minVersion === "TLSV1_0" || minVersion === "TLSV1_1") && ciphers.length === 0) {
    problems.warn(at.field("minProtocolVersion"), "TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.");
  }
  const invalid = new Set<string>();
  const valid = new Set<string>();
  const duplicate = new Set<string>();
  for (const cs of ciphers) {
    if (!validCipher(cs)) invalid.add(cs);
    else if (valid.has(cs)) duplicate.add(cs);
    else valid.add(cs);
  }
  if (invalid.size > 0) problems.warn(at.field("cipherSuites"), `ignoring invalid cipher suites: [${[...invalid].sort().join(" ")}]`);
  if (duplicate.size > 0) problems.warn(at.field("cipherSuites"), `ignoring duplicate cipher suites: [${[...duplicate].sort().join(" ")}]`);

  const serverCertificate = text(tls, "serverCertificate") !== "";
  const privateKey = text(tls, "privateKey") !== "";
  const ca = text(tls, "caCertificates") !== "";
  const credentialName = text(tls, "credentialName") !== "";
  const credentialNames = nonEmpty(tls, "credentialNames");
  const certificates = arr(tls["tlsCertificates"]);
  if (mode === "ISTIO_MUTUAL") {
    if (serverCertificate) problems.error(at.field("serverCertificate"), "ISTIO_MUTUAL TLS cannot have associated server certificate");
    if (privateKey) problems.error(at.field("privateKey"), "ISTIO_MUTUAL TLS cannot have associated private key");
    if (ca) problems.error(at.field("caCertificates"), "ISTIO_MUTUAL TLS cannot have associated CA bundle");
    if (certificates.length > 0) problems.error(at.field("tlsCertificates"), "ISTIO_MUTUAL TLS cannot have associated tlsCertificates");
    if (credentialName) problems.error(at.field("credentialName"), "ISTIO_MUTUAL TLS cannot have associated credentialName");
    if (credentialNames) problems.error(at.field("credentialNames"), "ISTIO_MUTUAL TLS cannot have associated credentialNames");
    return;
  }
  if (mode === "PASSTHROUGH" || mode === "AUTO_PASSTHROUGH") {
    if (text(tls, "caCrl") !== "" || serverCertificate || privateKey || ca || certificates.length > 0 || credentialName || credentialNames) {
      problems.warn(at, `${mode} mode does not use certificates, they will be ignored`);
    }
  }
  const sources = [serverCertificate && privateKey, credentialName, credentialNames, certificates.length > 0].filter(Boolean).length;
  if (sources > 1 && !celFailed) {
    problems.error(at, "only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified");
  }
  const terminating = mode === "SIMPLE" || mode === "MUTUAL" || mode === "OPTIONAL_MUTUAL";
  if (terminating && (credentialName || credentialNames)) return; // certificates come from the credential
  if (terminating) {
    const prefix = mode === "SIMPLE" ? "SIMPLE TLS" : "MUTUAL TLS";
    if (mode !== "SIMPLE" && !ca) problems.error(at, `${prefix} requires a client CA bundle (caCertificates), or use credentialName`);
    if (certificates.length > 2) problems.warn(at.field("tlsCertificates"), `${prefix} can support up to 2 server certificates`);
    const toVerify = certificates.length > 0 ? certificates.map((c) => obj(c)) : [tls];
    for (const cert of toVerify) {
      if (text(cert, "serverCertificate") === "") problems.error(at, `${prefix} requires a server certificate: set credentialName (a Kubernetes secret), or serverCertificate and privateKey`);
      if (text(cert, "privateKey") === "") problems.error(at, `${prefix} requires a private key: set credentialName (a Kubernetes secret), or serverCertificate and privateKey`);
    }
  }
  if (text(tls, "caCrl") !== "") {
    if (credentialName) problems.error(at.field("caCrl"), "CRL is not supported with credentialName. CRL has to be specified in the credential");
    if (mode === "SIMPLE") problems.error(at.field("caCrl"), "CRL is not supported with SIMPLE TLS");
  }
}

/** istiod ValidateUnixAddress (the part after unix://). */
export function unixAddressError(address: string): string | undefined {
  if (address === "") return "unix address must not be empty";
  if (address.startsWith("@")) return undefined;
  if (!address.startsWith("/") || address.endsWith("/")) return `${address} is not an absolute path to a file`;
  return undefined;
}

function checkServer(problems: Problems, server: JsonObject, at: FieldPath): void {
  const hosts = strings(server["hosts"]);
  if (hosts.length === 0) problems.error(at.field("hosts"), "server config must contain at least one host");
  for (const [host, i] of hosts) {
    for (const err of namespacedHostErrors(host, true)) problems.error(at.field("hosts").index(i), `'${host}': ${err}`);
  }
  const bind = text(server, "bind");
  const port = obj(server["port"]);
  let portValid = false;
  if (port === undefined) {
    problems.error(at.field("port"), "port is required");
  } else {
    const pp = at.field("port");
    const before = problems.list.length;
    const protocol = text(port, "protocol");
    if (parseProtocol(protocol) === "Unsupported") {
      problems.error(pp.field("protocol"), `invalid protocol '${protocol}', supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
    }
    const number = num(port["number"]) ?? 0;
    if (number > 0 || !bind.startsWith("unix://")) {
      const err = portError(number);
      if (err !== undefined) problems.error(pp.field("number"), err);
    }
    if ((num(port["targetPort"]) ?? 0) > 0) problems.error(pp.field("targetPort"), "targetPort has no impact on Gateways: remove it");
    if (text(port, "name") === "") problems.error(pp.field("name"), "port name must be set");
    portValid = problems.list.length === before;
  }
  if (bind.startsWith("unix://")) {
    const err = unixAddressError(bind.slice("unix://".length));
    if (err !== undefined) problems.error(at.field("bind"), err);
    if (port !== undefined && (num(port["number"]) ?? 0) !== 0) problems.error(at.field("port").field("number"), "port number must be 0 for unix domain socket");
  } else if (bind !== "" && !isIpAddress(bind)) {
    problems.error(at.field("bind"), `${bind} is not a valid IP`);
  }
  const tls = obj(server["tls"]);
  if (tls !== undefined) checkServerTls(problems, tls, at.field("tls"));
  if (portValid && port !== undefined) {
    const protocol = parseProtocol(text(port, "protocol"));
    if (isTlsProtocol(protocol) && !has(server, "tls")) {
      problems.error(at.field("tls"), `server must have TLS settings for HTTPS/TLS protocols: add tls with mode SIMPLE and a credentialName`);
    } else if (!isTlsProtocol(protocol) && tls !== undefined) {
      if (isHttpProtocol(protocol)) {
        const mode = text(tls, "mode");
        const passthrough = mode === "" || mode === "PASSTHROUGH" || mode === "AUTO_PASSTHROUGH";
        if (!passthrough || text(tls, "caCertificates") !== "" || text(tls, "privateKey") !== "" || text(tls, "serverCertificate") !== "") {
          problems.error(at.field("tls"), "server cannot have TLS settings for plain text HTTP ports (only httpsRedirect); use protocol HTTPS to terminate TLS");
        }
      } else {
        problems.error(at.field("tls"), "server cannot have TLS settings for non HTTPS/TLS ports");
      }
    }
  }
}

export function checkGateway(resource: Resource, problems: Problems): void {
  if (!isDns1123Label(resource.name)) {
    problems.error(FieldPath.root.at("metadata", "name"), `invalid gateway name: '${resource.name}' (a Gateway name must be a DNS label: no dots)`);
  }
  const spec = obj(resource.object["spec"]);
  if (spec === undefined) return;
  const at = FieldPath.root.field("spec");
  const servers = arr(spec["servers"]);
  if (servers.length === 0) problems.error(at.field("servers"), "gateway must have at least one server");
  const portNames = new Set<string>();
  servers.forEach((item, i) => {
    const sp = at.field("servers").index(i);
    const server = obj(item);
    if (server === undefined) {
      problems.error(sp, "server may not be nil");
      return;
    }
    checkServer(problems, server, sp);
    const port = obj(server["port"]);
    if (port === undefined) return;
    const name = text(port, "name");
    if (portNames.has(name)) problems.error(sp.field("port").field("name"), `port names in servers must be unique: duplicate name ${name}`);
    portNames.add(name);
    if (!isHttpProtocol(parseProtocol(text(port, "protocol"))) && bool(obj(server["tls"])?.["httpsRedirect"])) {
      problems.warn(sp.field("tls").field("httpsRedirect"), "tls.httpsRedirect should only be used with http servers");
    }
  });
}
