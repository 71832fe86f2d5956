import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const se = (spec: unknown, metadata: Record<string, unknown> = {}): string => specYaml("ServiceEntry", spec, metadata);
const http = { number: 80, name: "http", protocol: "HTTP" };

describe("ServiceEntry admission", () => {
  it("accepts the reference page's examples (DNS, STATIC with CIDR VIPs, unix socket, wildcard NONE)", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-svc-https
spec:
  hosts:
  - api.dropboxapi.com
  - www.googleapis.com
  - api.facebook.com
  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: https
    protocol: TLS
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-svc-mongocluster
spec:
  hosts:
  - mymongodb.somedomain
  addresses:
  - 192.192.192.192/24
  ports:
  - number: 27018
    name: mongodb
    protocol: MONGO
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints:
  - address: 2.2.2.2
  - address: 3.3.3.3
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: unix-domain-socket-example
spec:
  hosts:
  - "example.unix.local"
  location: MESH_EXTERNAL
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: STATIC
  endpoints:
  - address: unix:///var/run/example/socket
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-svc-wildcard-example
spec:
  hosts:
  - "*.bar.com"
  location: MESH_EXTERNAL
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: NONE
`;
    for (const doc of yaml.split("\n---\n")) expect(lines(check(doc))).toEqual([]);
  });

  it("rejects * as a host, warns about partial wildcards", () => {
    expect(lines(check(se({ hosts: ["*", "*foo.example.com"], ports: [http] })))).toEqual([
      "error /spec/hosts/0: spec.hosts[0]: hostname cannot be wildcard: name the external host, or a wildcard domain such as *.example.com",
      "warning /spec/hosts/1: spec.hosts[1]: partial wildcard '*foo.example.com' not allowed",
    ]);
  });

  it("allows CIDR addresses only with NONE or STATIC", () => {
    expect(lines(check(se({ hosts: ["db.example.com"], addresses: ["10.0.0.0/16", "10.1.0.0/33"], ports: [http], resolution: "DNS" })))).toEqual([
      "error /spec/addresses/0: spec.addresses[0]: CIDR addresses are allowed only for NONE/STATIC resolution types (resolution is DNS)",
      "error /spec/addresses/1: spec.addresses[1]: 10.1.0.0/33 is not a valid CIDR block",
    ]);
  });

  it("matches endpoints to the resolution", () => {
    expect(lines(check(se({ hosts: ["a.example.com"], ports: [http], endpoints: [{ address: "10.0.0.1" }] })))).toEqual([
      "error /spec/endpoints: spec.endpoints: NONE mode cannot set endpoints (use resolution STATIC or DNS to list endpoints)",
    ]);
    expect(lines(check(se({ hosts: ["a.example.com"], ports: [http], resolution: "STATIC", endpoints: [{ address: "db.example.com", ports: { https: 8443 } }] })))).toEqual([
      "error /spec/endpoints/0/address: spec.endpoints[0].address: endpoint address 'db.example.com' is not a valid IP address (resolution STATIC needs IP addresses; use DNS for host names)",
      "error /spec/endpoints/0/ports/https: spec.endpoints[0].ports[https]: endpoint port 8443 is not defined by the service entry (no port named 'https')",
    ]);
    expect(lines(check(se({ hosts: ["a.example.com"], ports: [http], resolution: "DNS_ROUND_ROBIN", endpoints: [{ address: "a1.example.com" }, { address: "a2.example.com" }] })))).toEqual([
      "error /spec/endpoints: spec.endpoints: DNS_ROUND_ROBIN mode cannot have multiple endpoints (found 2; use DNS)",
    ]);
    expect(lines(check(se({ hosts: ["*.example.com"], ports: [http], resolution: "DNS" })))).toEqual([
      "error /spec/hosts/0: spec.hosts[0]: hosts must be FQDN if no endpoints are provided for resolution mode DNS ('*.example.com')",
    ]);
  });

  it("wants IP or FQDN endpoint addresses with DNS resolution, never a unix socket", () => {
    expect(lines(check(se({ hosts: ["a.example.com"], ports: [http], resolution: "DNS", endpoints: [{ address: "unix:///var/run/a.sock" }] })))).toEqual([
      "error /spec/endpoints/0/address: spec.endpoints[0].address: endpoint address 'unix:///var/run/a.sock' is not a valid FQDN or an IP address",
    ]);
  });

  it("checks resolution DYNAMIC_DNS as istiod does: wildcard hosts, no addresses or endpoints, HTTP-like or TLS ports", () => {
    const ok = { hosts: ["*.example.com"], ports: [http, { number: 443, name: "tls", protocol: "TLS" }], resolution: "DYNAMIC_DNS" };
    expect(lines(check(se(ok)))).toEqual([]);
    const bad = { hosts: ["api.example.com"], addresses: ["10.0.0.1"], ports: [{ number: 5432, name: "tcp", protocol: "TCP" }], resolution: "DYNAMIC_DNS", location: "MESH_INTERNAL" };
    expect(lines(check(se(bad, { labels: { "istio.io/use-waypoint": "waypoint" } })))).toEqual([
      "error /spec/hosts/0: spec.hosts[0]: host must be wildcarded for resolution mode DYNAMIC_DNS ('api.example.com'): resolution DYNAMIC_DNS resolves the host of each request",
      "error /spec/addresses: spec.addresses: addresses cannot be set for resolution type DYNAMIC_DNS: HTTP route domains are generated from the hosts only",
      "error /spec/ports/0/protocol: spec.ports[0].protocol: only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS",
      "error /spec/location: spec.location: location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints (label istio.io/use-waypoint: waypoint)",
    ]);
  });

  it("rejects several hosts on a plain TCP port unless resolution is NONE", () => {
    const spec = { hosts: ["a.example.com", "b.example.com"], ports: [{ number: 3306, name: "tcp-mysql", protocol: "TCP" }], resolution: "DNS" };
    expect(lines(check(se(spec)))).toEqual([
      "error /spec/ports/0: spec.ports[0]: multiple hosts provided with non-HTTP, non-TLS ports: plain TCP cannot tell the hosts apart; use one ServiceEntry per host or an HTTP/TLS port",
    ]);
    expect(lines(check(se({ ...spec, resolution: "NONE" })))).toEqual([]);
  });

  it("checks ports: unique names and numbers, DNS-label names, known protocols", () => {
    const ports = [http, { number: 80, name: "http", protocol: "HTTP" }, { number: 8080, name: "Web_Port", protocol: "QUIC" }];
    expect(lines(check(se({ hosts: ["a.example.com"], ports })))).toEqual([
      "error /spec/ports/1/name: spec.ports[1].name: service entry port name 'http' already defined",
      "error /spec/ports/1/number: spec.ports[1].number: port number cannot be duplicated: 80 is also spec.ports[0]",
      "error /spec/ports/2/name: spec.ports[2].name: invalid port name: 'Web_Port' (use a DNS label such as http-web)",
      "error /spec/ports/2/protocol: spec.ports[2].protocol: unsupported protocol: QUIC (use HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, TLS, TCP, UDP, Mongo, Redis or MySQL)",
    ]);
  });

  it("warns about TCP ports without addresses when IP auto-allocation is turned off", () => {
    const spec = { hosts: ["db.example.com"], ports: [{ number: 5432, name: "tcp", protocol: "TCP" }], resolution: "DNS" };
    expect(lines(check(se(spec)))).toEqual([]);
    expect(lines(check(se(spec, { annotations: { "networking.istio.io/enable-autoallocate-ip": "false" } })))).toEqual([
      "warning /spec/ports/0: spec.ports[0]: addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled",
    ]);
  });

  it("takes ~ in exportTo, alone", () => {
    expect(lines(check(se({ hosts: ["a.example.com"], ports: [http], exportTo: ["~"] })))).toEqual([]);
    expect(lines(check(se({ hosts: ["a.example.com"], ports: [http], exportTo: ["~", "."] })))).toEqual([
      "error /spec/exportTo: spec.exportTo: cannot export service entry to no one (~) and someone",
    ]);
  });

  it("never throws on odd input", () => {
    for (const spec of [null, { hosts: null, ports: [null, "x"], endpoints: [null, { ports: [] }] }, { resolution: 3, addresses: [null] }]) {
      expect(() => check(se(spec))).not.toThrow();
    }
  });
});
