import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const dr = (spec: unknown): string => specYaml("DestinationRule", spec);

describe("DestinationRule admission", () => {
  it("accepts the reference page's examples", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: bookinfo-ratings
  namespace: bookinfo
spec:
  host: ratings.prod.svc.cluster.local
  trafficPolicy:
    loadBalancer:
      simple: LEAST_REQUEST
      localityLbSetting:
        enabled: true
        distribute:
        - from: us-west/zone1/*
          to:
            "us-west/zone1/*": 80
            "us-west/zone2/*": 20
    connectionPool:
      tcp:
        maxConnections: 100
        connectTimeout: 30ms
        tcpKeepalive:
          time: 7200s
          interval: 75s
      http:
        http2MaxRequests: 1000
        maxRequestsPerConnection: 10
    outlierDetection:
      consecutive5xxErrors: 7
      interval: 5m
      baseEjectionTime: 15m
    portLevelSettings:
    - port:
        number: 80
      loadBalancer:
        simple: LEAST_REQUEST
    - port:
        number: 9080
      tls:
        mode: MUTUAL
        clientCertificate: /etc/certs/myclientcert.pem
        privateKey: /etc/certs/client_private_key.pem
        caCertificates: /etc/certs/rootcacerts.pem
  subsets:
  - name: testversion
    labels:
      version: v3
    trafficPolicy:
      loadBalancer:
        consistentHash:
          httpCookie:
            name: user
            ttl: 0s
  - name: failover
    labels:
      version: v4
    trafficPolicy:
      loadBalancer:
        localityLbSetting:
          failover:
          - from: us-east
            to: eu-west
      outlierDetection:
        consecutive5xxErrors: 1
`;
    expect(lines(check(yaml))).toEqual([]);
  });

  it("rejects duplicate and invalid subset names and labels", () => {
    const spec = { host: "reviews", subsets: [{ name: "v1", labels: { version: "v1" } }, { name: "v1" }, { name: "Canary_2", labels: { "team/": "a b" } }] };
    expect(lines(check(dr(spec)))).toEqual([
      "error /spec/subsets/1/name: spec.subsets[1].name: duplicate subset names: v1 (Istio keeps the first, this one is ignored)",
      "error /spec/subsets/2/name: spec.subsets[2].name: subset name is invalid: Canary_2 (use a DNS label such as v1 or canary)",
      "error /spec/subsets/2/labels/team~1: spec.subsets[2].labels[team/]: invalid tag key: 'team/' (a label key is [prefix/]name, letters, digits, '-', '_' and '.')",
      "error /spec/subsets/2/labels/team~1: spec.subsets[2].labels[team/]: invalid tag value: 'a b' (a label value is letters, digits, '-', '_' and '.', starting and ending alphanumeric)",
    ]);
  });

  it("rejects an IP or a malformed name as host", () => {
    expect(lines(check(dr({ host: "10.0.0.1" })))).toEqual([
      "error /spec/host: spec.host: domain name '10.0.0.1' invalid (top level domain '1' cannot be all-numeric)",
    ]);
    expect(lines(check(dr({ host: "*.prod.svc.cluster.local" })))).toEqual([]);
  });

  it("rejects empty policies and pools, negative limits, out-of-range percentages", () => {
    const spec = {
      host: "reviews",
      trafficPolicy: {
        connectionPool: { http: { http1MaxPendingRequests: -1, h2UpgradePolicy: "UPGRADE", useClientProtocol: true } },
        outlierDetection: { maxEjectionPercent: 150, consecutiveErrors: 5, consecutiveLocalOriginFailures: 3 },
      },
      subsets: [{ name: "v1", trafficPolicy: {} }, { name: "v2", trafficPolicy: { connectionPool: {} } }],
    };
    expect(lines(check(dr(spec)))).toEqual([
      "warning /spec/trafficPolicy/outlierDetection/consecutiveErrors: spec.trafficPolicy.outlierDetection.consecutiveErrors: outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead",
      "error /spec/trafficPolicy/outlierDetection/consecutiveLocalOriginFailures: spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures: outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false; set splitExternalLocalOriginErrors: true",
      "error /spec/trafficPolicy/outlierDetection/maxEjectionPercent: spec.trafficPolicy.outlierDetection.maxEjectionPercent: percentage 150 is not in range 0..100",
      "error /spec/trafficPolicy/connectionPool/http/http1MaxPendingRequests: spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests: http1 max pending requests must be non-negative (found -1)",
      "error /spec/trafficPolicy/connectionPool/http/useClientProtocol: spec.trafficPolicy.connectionPool.http.useClientProtocol: use client protocol must not be true when H2UpgradePolicy is UPGRADE",
      "error /spec/subsets/0/trafficPolicy: spec.subsets[0].trafficPolicy: traffic policy must have at least one field",
      "error /spec/subsets/1/trafficPolicy/connectionPool: spec.subsets[1].trafficPolicy.connectionPool: connection pool must have at least one field (http or tcp)",
    ]);
  });

  it("checks durations: at least 1ms (CEL), whole milliseconds (istiod); tcp idleTimeout 0s turns the timeout off", () => {
    const spec = {
      host: "reviews",
      trafficPolicy: {
        connectionPool: { tcp: { connectTimeout: "500us", idleTimeout: "0s" }, http: { idleTimeout: "1.5ms" } },
        outlierDetection: { interval: "10" },
      },
    };
    expect(lines(check(dr(spec)))).toEqual([
      "error /spec/trafficPolicy/outlierDetection/interval: spec.trafficPolicy.outlierDetection.interval: '10' is not a duration such as 2s",
      "error /spec/trafficPolicy/connectionPool/http/idleTimeout: spec.trafficPolicy.connectionPool.http.idleTimeout: '1.5ms': only durations to ms precision are supported (use whole milliseconds, such as 1ms)",
      "error /spec/trafficPolicy/connectionPool/tcp/connectTimeout: spec.trafficPolicy.connectionPool.tcp.connectTimeout: '500us' must be a valid duration greater than 1ms",
    ]);
  });

  it("checks load balancer settings: cookies, maglev, locality weights and failover", () => {
    const spec = {
      host: "reviews",
      trafficPolicy: {
        loadBalancer: {
          consistentHash: { httpCookie: { ttl: "10s" }, maglev: { tableSize: 1000 } },
          localityLbSetting: { distribute: [{ from: "us-west/*", to: { "us-west/zone1/*": 80, "us-west/zone2/*": 10 } }] },
        },
      },
      subsets: [
        { name: "a", trafficPolicy: { loadBalancer: { localityLbSetting: { failover: [{ from: "us-east", to: "us-east" }] } } } },
        { name: "b", trafficPolicy: { loadBalancer: { warmup: { duration: "30s", aggression: 0 } } } },
        { name: "c", trafficPolicy: { loadBalancer: { warmup: { duration: "30s", aggression: 0.5 } } } },
      ],
    };
    expect(lines(check(dr(spec)))).toEqual([
      "error /spec/trafficPolicy/loadBalancer/consistentHash/httpCookie: spec.trafficPolicy.loadBalancer.consistentHash.httpCookie: name required for HttpCookie",
      "error /spec/trafficPolicy/loadBalancer/consistentHash/maglev/tableSize: spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: tableSize must be a prime number for maglev (found 1000; 65537 is the default)",
      "error /spec/trafficPolicy/loadBalancer/localityLbSetting/distribute/0/to: spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to: total locality weight 90 != 100",
      "warning /spec/subsets/0/trafficPolicy/loadBalancer/localityLbSetting: spec.subsets[0].trafficPolicy.loadBalancer.localityLbSetting: outlier detection policy must be provided for failover: without outlierDetection no endpoint is ever ejected, so traffic never fails over",
      "error /spec/subsets/0/trafficPolicy/loadBalancer/localityLbSetting/failover/0: spec.subsets[0].trafficPolicy.loadBalancer.localityLbSetting.failover[0]: locality lb failover settings must specify different regions",
      "error /spec/subsets/1/trafficPolicy/loadBalancer/warmup/aggression: spec.subsets[1].trafficPolicy.loadBalancer.warmup.aggression: aggression should be greater than 0 (found 0)",
    ]);
  });

  it("follows istiod on the rest of the traffic policy: retryBudget counts, an empty list does not, keepalive needs both durations", () => {
    expect(lines(check(dr({ host: "reviews", trafficPolicy: { retryBudget: { percent: 20 } } })))).toEqual([]);
    expect(lines(check(dr({ host: "reviews", trafficPolicy: { portLevelSettings: [] } })))).toEqual([
      "error /spec/trafficPolicy: spec.trafficPolicy: traffic policy must have at least one field",
    ]);
    const spec = {
      host: "reviews",
      trafficPolicy: {
        connectionPool: { http: { http2KeepAlive: { interval: "30s" } } },
        loadBalancer: {
          consistentHash: { httpCookie: { name: "user", attributes: [{ name: "SameSite", value: "Lax" }, { name: "SameSite" }] } },
          localityLbSetting: { enabled: true },
          zoneAwareLbSetting: { failoverPriority: ["topology.kubernetes.io/zone"] },
        },
      },
    };
    expect(lines(check(dr(spec)))).toEqual([
      "error /spec/trafficPolicy/connectionPool/http/http2KeepAlive/timeout: spec.trafficPolicy.connectionPool.http.http2KeepAlive.timeout: http2 keepalive timeout is required",
      "error /spec/trafficPolicy/loadBalancer/consistentHash/httpCookie/attributes/1/name: spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[1].name: duplicate cookie attribute name: SameSite",
      "error /spec/trafficPolicy/loadBalancer: spec.trafficPolicy.loadBalancer: only one of localityLbSetting and zoneAwareLbSetting can be set",
      "error /spec/trafficPolicy/loadBalancer/zoneAwareLbSetting/failoverPriority/0: spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failoverPriority[0]: 'failover_priority' for zone aware lb must not use topology label 'topology.kubernetes.io/zone'; region- and zone-level routing are handled automatically",
      "warning /spec/trafficPolicy/loadBalancer/zoneAwareLbSetting: spec.trafficPolicy.loadBalancer.zoneAwareLbSetting: outlier detection policy must be provided for failover: without outlierDetection no endpoint is ever ejected, so traffic never fails over",
    ]);
  });

  it("checks client TLS: MUTUAL needs a certificate and key, credentialName excludes files", () => {
    const spec = {
      host: "reviews",
      trafficPolicy: {
        portLevelSettings: [
          { port: { number: 443 }, tls: { mode: "MUTUAL", caCertificates: "/ca.pem" } },
          { port: { number: 8443 }, tls: { mode: "SIMPLE", credentialName: "client-credential", caCertificates: "/ca.pem" } },
          { tls: { mode: "ISTIO_MUTUAL" } },
          { port: { number: 9000 } },
        ],
      },
    };
    expect(lines(check(dr(spec)))).toEqual([
      "error /spec/trafficPolicy/portLevelSettings/0/tls: spec.trafficPolicy.portLevelSettings[0].tls: client certificate required for mutual tls (set clientCertificate, or credentialName)",
      "error /spec/trafficPolicy/portLevelSettings/0/tls: spec.trafficPolicy.portLevelSettings[0].tls: private key required for mutual tls (set privateKey, or credentialName)",
      "error /spec/trafficPolicy/portLevelSettings/1/tls: spec.trafficPolicy.portLevelSettings[1].tls: cannot specify client certificates or CA certificate or CA CRL If credentialName is set",
      "error /spec/trafficPolicy/portLevelSettings/2: spec.trafficPolicy.portLevelSettings[2]: portTrafficPolicy must have valid port",
      "error /spec/trafficPolicy/portLevelSettings/3: spec.trafficPolicy.portLevelSettings[3]: port traffic policy must have at least one field",
    ]);
  });

  it("keeps a DestinationRule with a workload selector in its namespace", () => {
    expect(lines(check(dr({ host: "reviews", workloadSelector: { matchLabels: { app: "a" } }, exportTo: ["*"] })))).toEqual([
      "error /spec/exportTo: spec.exportTo: destination rule with workload selector cannot have exportTo beyond current namespace (use '.')",
    ]);
    expect(lines(check(dr({ host: "reviews", workloadSelector: { matchLabels: { app: "a" } }, exportTo: ["."] })))).toEqual([]);
  });

  it("never throws on odd input", () => {
    for (const spec of [null, { trafficPolicy: [] }, { subsets: [null, 3, { trafficPolicy: { portLevelSettings: [null] } }] }, { trafficPolicy: { loadBalancer: { localityLbSetting: { distribute: [null, { to: null }] } } } }]) {
      expect(() => check(dr(spec))).not.toThrow();
    }
  });
});
