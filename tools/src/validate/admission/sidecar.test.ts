import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const sc = (spec: unknown): string => specYaml("Sidecar", spec);

describe("Sidecar admission", () => {
  it("accepts the reference page's examples", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: ratings
  namespace: prod-us1
spec:
  workloadSelector:
    labels:
      app: ratings
  ingress:
  - port:
      number: 9080
      protocol: HTTP
      name: somename
    defaultEndpoint: unix:///var/run/someuds.sock
  - port:
      number: 8443
      protocol: HTTPS
      name: httpsport
    defaultEndpoint: 127.0.0.1:8080
    tls:
      mode: SIMPLE
      privateKey: "/etc/istio/secret/key.pem"
      serverCertificate: "/etc/istio/secret/cert.pem"
  egress:
  - port:
      number: 9080
      protocol: HTTP
      name: egresshttp
    hosts:
    - "prod-us1/*"
  - hosts:
    - "./*"
    - "istio-system/*"
  outboundTrafficPolicy:
    mode: ALLOW_ANY
    egressProxy:
      host: foo.bar.com
      subset: v1
      port:
        number: 443
`;
    expect(lines(check(yaml))).toEqual([]);
  });

  it("wants namespace/host egress hosts, FQDNs, wildcards only as the first label", () => {
    expect(lines(check(sc({ egress: [{ hosts: ["default/*", "reviews", "./reviews", "prod/*.example.*", "~/*"] }] })))).toEqual([
      "error /spec/egress/0/hosts/1: spec.egress[0].hosts[1]: 'reviews': host must be of form namespace/dnsName",
      "error /spec/egress/0/hosts/2: spec.egress[0].hosts[2]: './reviews': short names (non FQDN) are not allowed",
      "error /spec/egress/0/hosts/3: spec.egress[0].hosts[3]: 'prod/*.example.*': domain name '*.example.*' invalid (label '*' invalid)",
    ]);
  });

  it("warns about duplicated egress hosts and */* with others", () => {
    expect(lines(check(sc({ egress: [{ hosts: ["*/*", "prod/*", "prod/a.example.com"] }] })))).toEqual([
      "warning /spec/egress/0/hosts/2: spec.egress[0].hosts[2]: duplicated egress host: prod/a.example.com",
      "warning /spec/egress/0/hosts: spec.egress[0].hosts: `*/*` host select all resources, no other hosts can be added",
    ]);
  });

  it("keeps the catch-all egress listener last and listener ports unique", () => {
    const spec = {
      egress: [
        { hosts: ["./*"] },
        { port: { number: 9080, protocol: "HTTP", name: "a" }, hosts: ["./*"] },
        { port: { number: 9080, protocol: "HTTP", name: "b" }, hosts: ["./*"] },
      ],
    };
    expect(lines(check(sc(spec)))).toEqual([
      "error /spec/egress/0: spec.egress[0]: sidecar: the egress listener with empty port should be the last listener in the list",
      "error /spec/egress/2/port/number: spec.egress[2].port.number: sidecar: ports on IP bound listeners must be unique",
    ]);
  });

  it("checks ingress listeners: port, default endpoint, TLS", () => {
    const spec = {
      ingress: [
        { defaultEndpoint: "127.0.0.1:8080" },
        { port: { number: 8080, protocol: "HTTP", name: "http" }, defaultEndpoint: "10.0.0.1:8080" },
        { port: { number: 8443, protocol: "HTTPS", name: "https" }, tls: { mode: "ISTIO_MUTUAL", credentialName: "c" } },
        { port: { number: 9090, protocol: "HTTP", name: "http-2" }, tls: { mode: "SIMPLE", serverCertificate: "/c.pem", privateKey: "/k.pem" } },
      ],
    };
    expect(lines(check(sc(spec)))).toEqual([
      "error /spec/ingress/0/port: spec.ingress[0].port: sidecar: port is required for ingress listeners",
      "error /spec/ingress/1/defaultEndpoint: spec.ingress[1].defaultEndpoint: sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset",
      "error /spec/ingress/2/tls/credentialName: spec.ingress[2].tls.credentialName: sidecar: credentialName is not currently supported",
      "error /spec/ingress/2/tls/mode: spec.ingress[2].tls.mode: configuration is invalid: cannot set mode to ISTIO_MUTUAL in sidecar ingress tls",
      "error /spec/ingress/2/tls/credentialName: spec.ingress[2].tls.credentialName: ISTIO_MUTUAL TLS cannot have associated credentialName",
      "error /spec/ingress/3/tls: spec.ingress[3].tls: server cannot have TLS settings for non HTTPS/TLS ports (set the port protocol to HTTPS or TLS)",
    ]);
  });

  it("warns about HTTP pool settings on a TCP port and checks inbound pools", () => {
    const spec = {
      ingress: [{ port: { number: 5432, protocol: "TCP", name: "tcp-db" }, connectionPool: { http: { http2MaxRequests: 10 } } }],
      inboundConnectionPool: { http: { idleTimeout: "0s" } },
    };
    expect(lines(check(sc(spec)))).toEqual([
      `warning /spec/ingress/0/connectionPool/http: spec.ingress[0].connectionPool.http: sidecar: HTTP connection pool settings are configured for port 5432 ('tcp-db') but its protocol is not HTTP (TCP); only TCP settings will apply`,
      "error /spec/inboundConnectionPool/http/idleTimeout: spec.inboundConnectionPool.http.idleTimeout: '0s' must be a valid duration greater than 1ms",
    ]);
  });

  it("rejects an empty Sidecar, an egress proxy without ALLOW_ANY, a selector without labels (warning)", () => {
    expect(lines(check(sc({})))).toEqual(["error /spec: spec: sidecar: empty configuration provided: set egress, ingress, outboundTrafficPolicy or inboundConnectionPool"]);
    expect(lines(check(sc({ workloadSelector: { labels: {} }, outboundTrafficPolicy: { mode: "REGISTRY_ONLY", egressProxy: { host: "proxy.example.com", port: { number: 3128 } } } })))).toEqual([
      "warning /spec/workloadSelector: spec.workloadSelector: sidecar: workload selector specified without labels, will be applied to all services in namespace",
      "error /spec/outboundTrafficPolicy/egressProxy: spec.outboundTrafficPolicy.egressProxy: sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode",
    ]);
  });

  it("never throws on odd input", () => {
    for (const spec of [null, { egress: [null, { hosts: [null] }] }, { ingress: [{ port: "x", tls: 3 }] }]) expect(() => check(sc(spec))).not.toThrow();
  });
});
