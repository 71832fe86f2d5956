import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const gw = (servers: unknown[], name = "x"): string => specYaml("Gateway", { selector: { istio: "ingressgateway" }, servers }, { name });
const https = (tls: unknown, extra: Record<string, unknown> = {}): unknown => ({
  port: { number: 443, name: "https", protocol: "HTTPS" },
  hosts: ["bookinfo.example.com"],
  tls,
  ...extra,
});

describe("Gateway admission", () => {
  it("accepts the reference page's example", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: my-gateway
  namespace: some-config-namespace
spec:
  selector:
    app: my-gateway-controller
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - uk.bookinfo.com
    - eu.bookinfo.com
    tls:
      httpsRedirect: true
  - port:
      number: 443
      name: https-443
      protocol: HTTPS
    hosts:
    - uk.bookinfo.com
    - eu.bookinfo.com
    tls:
      mode: SIMPLE
      serverCertificate: /etc/certs/servercert.pem
      privateKey: /etc/certs/privatekey.pem
  - port:
      number: 9443
      name: https-9443
      protocol: HTTPS
    hosts:
    - "bookinfo-namespace/*.bookinfo.com"
    tls:
      mode: SIMPLE
      credentialName: bookinfo-secret
  - port:
      number: 9080
      name: http-wildcard
      protocol: HTTP
    hosts:
    - "ns1/*"
    - "ns2/foo.bar.com"
  - port:
      number: 2379
      name: mongo
      protocol: MONGO
    hosts:
    - "*"
  - port:
      number: 15443
      name: tls-passthrough
      protocol: TLS
    hosts:
    - "*.global"
    - 10.0.0.1
    tls:
      mode: AUTO_PASSTHROUGH
`;
    expect(lines(check(yaml))).toEqual([]);
  });

  describe("TLS modes", () => {
    it("SIMPLE needs credentialName, or serverCertificate and privateKey", () => {
      expect(lines(check(gw([https({ mode: "SIMPLE" })])))).toEqual([
        "error /spec/servers/0/tls: spec.servers[0].tls: SIMPLE TLS requires a server certificate: set credentialName (a Kubernetes secret), or serverCertificate and privateKey",
        "error /spec/servers/0/tls: spec.servers[0].tls: SIMPLE TLS requires a private key: set credentialName (a Kubernetes secret), or serverCertificate and privateKey",
      ]);
    });
    it("MUTUAL with files needs the client CA bundle too; with credentialName nothing else", () => {
      expect(lines(check(gw([https({ mode: "MUTUAL", serverCertificate: "/c.pem", privateKey: "/k.pem" })])))).toEqual([
        "error /spec/servers/0/tls: spec.servers[0].tls: MUTUAL TLS requires a client CA bundle (caCertificates), or use credentialName",
      ]);
      expect(lines(check(gw([https({ mode: "MUTUAL", credentialName: "bookinfo-secret" })])))).toEqual([]);
    });
    it("ISTIO_MUTUAL takes no certificates; PASSTHROUGH ignores them", () => {
      expect(lines(check(gw([https({ mode: "ISTIO_MUTUAL", credentialName: "s" })])))).toEqual([
        "error /spec/servers/0/tls/credentialName: spec.servers[0].tls.credentialName: ISTIO_MUTUAL TLS cannot have associated credentialName",
      ]);
      expect(lines(check(gw([https({ mode: "PASSTHROUGH", credentialName: "s" })])))).toEqual([
        "warning /spec/servers/0/tls: spec.servers[0].tls: PASSTHROUGH mode does not use certificates, they will be ignored",
      ]);
    });
    it("takes one certificate source", () => {
      expect(lines(check(gw([https({ mode: "SIMPLE", credentialName: "s", serverCertificate: "/c.pem", privateKey: "/k.pem" })])))).toEqual([
        "error /spec/servers/0/tls: spec.servers[0].tls: only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified",
      ]);
    });
    it("warns about old TLS versions without ciphers and about unknown ciphers", () => {
      expect(lines(check(gw([https({ mode: "SIMPLE", credentialName: "s", minProtocolVersion: "TLSV1_1" }), https({ mode: "SIMPLE", credentialName: "s", cipherSuites: ["ECDHE-RSA-AES128-GCM-SHA256", "RC4-SHA"] }, { port: { number: 8443, name: "https-2", protocol: "HTTPS" } })])))).toEqual([
        "warning /spec/servers/0/tls/minProtocolVersion: spec.servers[0].tls.minProtocolVersion: TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.",
        "warning /spec/servers/1/tls/cipherSuites: spec.servers[1].tls.cipherSuites: ignoring invalid cipher suites: [RC4-SHA]",
      ]);
    });
  });

  describe("ports and protocols", () => {
    it("requires TLS settings on HTTPS, refuses them on plain HTTP (but httpsRedirect) and TCP", () => {
      const servers = [
        { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["a.example.com"] },
        { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["a.example.com"], tls: { mode: "SIMPLE", credentialName: "s" } },
        { port: { number: 3306, name: "mysql", protocol: "TCP" }, hosts: ["a.example.com"], tls: { httpsRedirect: true } },
      ];
      expect(lines(check(gw(servers)))).toEqual([
        "error /spec/servers/0/tls: spec.servers[0].tls: server must have TLS settings for HTTPS/TLS protocols: add tls with mode SIMPLE and a credentialName",
        "error /spec/servers/1/tls: spec.servers[1].tls: server cannot have TLS settings for plain text HTTP ports (only httpsRedirect); use protocol HTTPS to terminate TLS",
        "error /spec/servers/2/tls: spec.servers[2].tls: server cannot have TLS settings for non HTTPS/TLS ports",
        "warning /spec/servers/2/tls/httpsRedirect: spec.servers[2].tls.httpsRedirect: tls.httpsRedirect should only be used with http servers",
      ]);
    });
    it("rejects unknown protocols, port 0, targetPort, missing and duplicate port names", () => {
      const servers = [
        { port: { number: 0, name: "web", protocol: "HTTP3", targetPort: 8080 }, hosts: ["a.example.com"] },
        { port: { number: 81, name: "web", protocol: "HTTP" }, hosts: ["a.example.com"] },
        { port: { number: 82, protocol: "HTTP" }, hosts: ["a.example.com"] },
      ];
      expect(lines(check(gw(servers)))).toEqual([
        `error /spec/servers/0/port/protocol: spec.servers[0].port.protocol: invalid protocol 'HTTP3', supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`,
        "error /spec/servers/0/port/number: spec.servers[0].port.number: port number 0 must be in the range 1..65535",
        "error /spec/servers/0/port/targetPort: spec.servers[0].port.targetPort: targetPort has no impact on Gateways: remove it",
        "error /spec/servers/1/port/name: spec.servers[1].port.name: port names in servers must be unique: duplicate name web",
        "error /spec/servers/2/port/name: spec.servers[2].port.name: port name must be set",
      ]);
    });
  });

  it("checks hosts: FQDN or `*`/`*.x` as the first label, optional namespace/, IPs allowed", () => {
    const servers = [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["reviews", "Bad_NS/a.example.com", "a.*.example.com", "*foo.example.com", "./*"] }];
    expect(lines(check(gw(servers)))).toEqual([
      "error /spec/servers/0/hosts/0: spec.servers[0].hosts[0]: 'reviews': short names (non FQDN) are not allowed",
      "error /spec/servers/0/hosts/1: spec.servers[0].hosts[1]: 'Bad_NS/a.example.com': invalid namespace value 'Bad_NS' in gateway",
      "error /spec/servers/0/hosts/2: spec.servers[0].hosts[2]: 'a.*.example.com': domain name 'a.*.example.com' invalid (label '*' invalid)",
      "error /spec/servers/0/hosts/2: spec.servers[0].hosts[2]: 'a.*.example.com': partial wildcard 'a.*.example.com' not allowed",
      "error /spec/servers/0/hosts/3: spec.servers[0].hosts[3]: '*foo.example.com': partial wildcard '*foo.example.com' not allowed",
    ]);
  });

  it("wants a DNS-label name and at least one server", () => {
    expect(lines(check(specYaml("Gateway", { servers: [] }, { name: "my.gateway" })))).toEqual([
      "error /metadata/name: metadata.name: invalid gateway name: 'my.gateway' (a Gateway name must be a DNS label: no dots)",
      "error /spec/servers: spec.servers: gateway must have at least one server",
    ]);
  });

  it("never throws on odd input", () => {
    for (const servers of [[null], [{ port: null, tls: [] }], [{ hosts: "x", port: { number: "80" } }]]) expect(() => check(gw(servers))).not.toThrow();
  });
});
