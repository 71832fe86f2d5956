import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const vs = (spec: unknown): string => specYaml("VirtualService", spec);
const to = (host: string, extra: Record<string, unknown> = {}): unknown => ({ destination: { host, ...extra } });

describe("VirtualService admission", () => {
  it("accepts the reference page's examples (match/rewrite, retries, fault, mirror, CORS, weights, redirect, direct response)", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-route
  namespace: bookinfo
spec:
  hosts:
  - reviews.prod.svc.cluster.local
  http:
  - name: reviews-v2-routes
    match:
    - uri:
        prefix: /wpcatalog
    - uri:
        prefix: /consumercatalog
    rewrite:
      uri: /newcatalog
    route:
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v2
  - name: ratings
    match:
    - headers:
        end-user:
          exact: jason
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error,connect-failure,refused-stream
    fault:
      delay:
        percentage:
          value: 0.1
        fixedDelay: 5s
    mirror:
      host: httpbin
      subset: v2
    mirrorPercentage:
      value: 100.0
    corsPolicy:
      allowOrigins:
      - exact: https://example.com
      allowMethods:
      - POST
      - GET
      allowCredentials: false
      allowHeaders:
      - X-Foo-Bar
      maxAge: "24h"
    route:
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v1
      weight: 75
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v2
      weight: 25
    timeout: 10s
  - name: moved
    match:
    - uri:
        exact: /v1/getProductRatings
    redirect:
      uri: /v1/bookRatings
      authority: newratings.default.svc.cluster.local
  - name: gone
    match:
    - uri:
        prefix: /old
    directResponse:
      status: 503
      body:
        string: unknown error
  - name: catch-all
    route:
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v1
`;
    expect(lines(check(yaml))).toEqual([]);
  });

  describe("durations (CEL: at least 1ms; istiod: whole milliseconds)", () => {
    it("rejects a number without unit, with the brief's message", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")], retries: { attempts: 3, perTryTimeout: "2" } }] })))).toEqual([
        "error /spec/http/0/retries/perTryTimeout: spec.http[0].retries.perTryTimeout: '2' is not a duration such as 2s",
      ]);
    });
    it("rejects 0s and sub-millisecond precision, accepts Go forms such as 1m30s and 1.5s", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")], timeout: "0s" }, { route: [to("r")], timeout: "1500us" }] })))).toEqual([
        "error /spec/http/0/timeout: spec.http[0].timeout: '0s' must be a valid duration greater than 1ms",
        "error /spec/http/1/timeout: spec.http[1].timeout: '1500us': only durations to ms precision are supported (use whole milliseconds, such as 1ms)",
        "warning /spec/http/1: spec.http[1]: virtualService rule #1 not used (only the last rule can have no matches)",
      ]);
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")], timeout: "1m30s", retries: { attempts: 2, perTryTimeout: "1.5s", backoff: "25ms" } }] })))).toEqual([]);
    });
    it("wants corsPolicy.maxAge in whole seconds", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")], corsPolicy: { maxAge: "1500ms" } }] })))).toEqual([
        "error /spec/http/0/corsPolicy/maxAge: spec.http[0].corsPolicy.maxAge: '1500ms': max_age duration is accurate only to seconds precision (use whole seconds)",
      ]);
    });
  });

  describe("an http route does exactly one of route, redirect, direct_response, delegate", () => {
    it("rejects a rule with only a fault (no route), as the webhook did in the bookstore incident", () => {
      const spec = { hosts: ["r"], http: [{ match: [{ headers: { "x-chaos": { exact: "on" } } }], fault: { delay: { fixedDelay: "5s", percentage: { value: 100 } } } }, { route: [to("r")] }] };
      expect(lines(check(vs(spec)))).toEqual([
        "error /spec/http/0: spec.http[0]: HTTP route, redirect or direct_response is required (add a route with a destination)",
      ]);
    });
    it("rejects route with redirect, and rewrite with redirect", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")], redirect: { uri: "/v2" }, rewrite: { uri: "/v3" } }] })))).toEqual([
        "error /spec/http/0: spec.http[0]: HTTP route cannot contain both route and redirect",
        "error /spec/http/0: spec.http[0]: HTTP route rule cannot contain both rewrite and redirect",
      ]);
    });
    it("rejects route with direct_response, and mirror with mirrors", () => {
      const spec = { hosts: ["r"], http: [{ route: [to("r")], directResponse: { status: 200 }, mirror: { host: "m" }, mirrors: [{ destination: { host: "m" } }] }] };
      expect(lines(check(vs(spec)))).toEqual([
        "error /spec/http/0: spec.http[0]: HTTP route cannot contain both route and direct_response",
        "error /spec/http/0: spec.http[0]: HTTP route cannot contain both mirror and mirrors",
      ]);
    });
    it("rejects a root (delegating) route that also routes, and a delegate route that delegates again", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ name: "root", delegate: { name: "d" }, route: [to("r")] }] })))).toEqual([
        "error /spec/http/0/route: spec.http[0].route: root HTTP route root must not specify route: a route with delegate takes its destinations from the delegate",
      ]);
      expect(lines(check(vs({ gateways: ["gw"], http: [{ delegate: { name: "d2" } }] })))).toEqual([
        "error /spec/gateways: spec.gateways: delegate virtual service must have no gateways specified (a VirtualService without hosts is a delegate)",
        "error /spec/http/0/delegate: spec.http[0].delegate: delegate HTTP route cannot contain delegate (only one level of delegation)",
        "error /spec/http/0: spec.http[0]: HTTP route, redirect or direct_response is required (add a route with a destination)",
      ]);
    });
    it("requires some route at all", () => {
      expect(lines(check(vs({ hosts: ["r"] })))).toEqual(["error /spec: spec: http, tcp or tls must be provided in virtual service"]);
    });
  });

  describe("weights (relative since 1.15: non-negative, some positive when several)", () => {
    it("accepts 100/0", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [{ ...(to("r", { subset: "a" }) as object), weight: 100 }, { ...(to("r", { subset: "b" }) as object), weight: 0 }] }] })))).toEqual([]);
    });
    it("rejects a negative weight and an all-zero split", () => {
      const spec = { hosts: ["r"], http: [{ route: [{ ...(to("r") as object), weight: -1 }, { ...(to("r") as object), weight: 2 }] }, { match: [{ port: 80 }], route: [to("r"), to("q")] }] };
      expect(lines(check(vs(spec)))).toEqual([
        "error /spec/http/0/route/0/weight: spec.http[0].route[0].weight: weight -1 < 0",
        "error /spec/http/1/route: spec.http[1].route: total destination weight = 0: give at least one destination a positive weight",
        "warning /spec/http/1: spec.http[1]: virtualService rule #1 not used (route without matches defined before)",
      ]);
    });
  });

  describe("retries", () => {
    it("rejects unknown retryOn policies (and spaces after commas)", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")], retries: { attempts: 2, retryOn: "5xx, retriable-4xx,503,999,reset-everything" } }] })))).toEqual([
        "error /spec/http/0/retries/retryOn: spec.http[0].retries.retryOn: ' retriable-4xx' is not a valid retryOn policy (use Envoy retry conditions such as 5xx, gateway-error, connect-failure, refused-stream, unavailable, cancelled, or HTTP status codes, comma-separated without spaces)",
        "error /spec/http/0/retries/retryOn: spec.http[0].retries.retryOn: '999' is not a valid retryOn policy (use Envoy retry conditions such as 5xx, gateway-error, connect-failure, refused-stream, unavailable, cancelled, or HTTP status codes, comma-separated without spaces)",
        "error /spec/http/0/retries/retryOn: spec.http[0].retries.retryOn: 'reset-everything' is not a valid retryOn policy (use Envoy retry conditions such as 5xx, gateway-error, connect-failure, refused-stream, unavailable, cancelled, or HTTP status codes, comma-separated without spaces)",
      ]);
    });
    it("rejects a retry policy whose attempts are 0 (retries off)", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")], retries: { perTryTimeout: "2s" } }] })))).toEqual([
        "error /spec/http/0/retries: spec.http[0].retries: http retry policy configured when attempts are set to 0 (disabled): set attempts, or remove perTryTimeout, retryOn and retryRemoteLocalities",
      ]);
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")], retries: { attempts: 0 } }] })))).toEqual([]);
    });
  });

  describe("hosts", () => {
    it("rejects * on the mesh, bad names and overlapping hosts; takes IPs and * on gateways", () => {
      expect(lines(check(vs({ hosts: ["*", "a.*.com", "reviews", "*.example.com", "api.example.com"], http: [{ route: [to("r")] }] })))).toEqual([
        "error /spec/hosts/0: spec.hosts[0]: wildcard host * is not allowed for virtual services bound to the mesh gateway",
        "error /spec/hosts/1: spec.hosts[1]: domain name 'a.*.com' invalid (label '*' invalid)",
      ]);
      expect(lines(check(vs({ hosts: ["reviews", "*.example.com", "api.example.com"], http: [{ route: [to("r")] }] })))).toEqual([
        "error /spec/hosts/2: spec.hosts[2]: duplicate hosts in virtual service: *.example.com & api.example.com",
      ]);
      expect(lines(check(vs({ hosts: ["*"], gateways: ["istio-ingress/public"], http: [{ route: [to("r")] }] })))).toEqual([]);
      expect(lines(check(vs({ hosts: ["10.0.0.1"], gateways: ["istio-ingress/public"], http: [{ route: [to("r")] }] })))).toEqual([]);
      // istiod's duplicate check treats * as covering any host, IPs included.
      expect(lines(check(vs({ hosts: ["*", "10.0.0.1"], gateways: ["istio-ingress/public"], http: [{ route: [to("r")] }] })))).toEqual([
        "error /spec/hosts/1: spec.hosts[1]: duplicate hosts in virtual service: * & 10.0.0.1",
      ]);
    });
    it("rejects JWT claim routing outside gateways", () => {
      const spec = { hosts: ["r"], http: [{ match: [{ headers: { "@request.auth.claims.group": { exact: "admin" } } }], route: [to("r")] }, { route: [to("r")] }] };
      expect(lines(check(vs(spec)))).toEqual([
        "error /spec/http/0/match/0/headers/@request.auth.claims.group: spec.http[0].match[0].headers[@request.auth.claims.group]: JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway, found no gateways: []",
      ]);
      expect(lines(check(vs({ ...spec, gateways: ["gw"] })))).toEqual([]);
    });
    it("checks gateway names (namespace/name), warning on the legacy name.namespace form", () => {
      expect(lines(check(vs({ hosts: ["r.example.com"], gateways: ["Bad_NS/gw", "gw.istio-system"], http: [{ route: [to("r")] }] })))).toEqual([
        "error /spec/gateways/0: spec.gateways[0]: invalid value for namespace: 'Bad_NS'",
        "warning /spec/gateways/1: spec.gateways[1]: using legacy gatewayName format 'gw.istio-system'; prefer the <namespace>/<name> format: 'istio-system/gw'",
      ]);
    });
  });

  describe("matches", () => {
    it("warns about upper-case header names, rejects invalid ones and empty prefixes", () => {
      const spec = { hosts: ["r"], http: [{ match: [{ headers: { "End-User": { exact: "jason" }, "x y": { prefix: "" } } }], route: [to("r")] }, { route: [to("r")] }] };
      expect(lines(check(vs(spec)))).toEqual([
        "warning /spec/http/0/match/0/headers/End-User: spec.http[0].match[0].headers[End-User]: header names in matches must be lower-case (the VirtualService API requires it): write 'end-user'",
        "error /spec/http/0/match/0/headers/x y: spec.http[0].match[0].headers[x y]: header name x y is not a valid header name",
        "error /spec/http/0/match/0/headers/x y/prefix: spec.http[0].match[0].headers[x y].prefix: prefix string match should not be empty (remove the match to match everything)",
      ]);
    });
    it("rejects regexes RE2 cannot run", () => {
      const spec = { hosts: ["r"], http: [{ match: [{ uri: { regex: "/api/(?!internal).*" } }, { uri: { regex: "/(a" } }, { uri: { regex: "(?i)/Users/[0-9]+" } }], route: [to("r")] }] };
      expect(lines(check(vs(spec)))).toEqual([
        "error /spec/http/0/match/0/uri/regex: spec.http[0].match[0].uri.regex: '/api/(?!internal).*': look-around assertions such as (?=...) are not supported by RE2",
        "error /spec/http/0/match/1/uri/regex: spec.http[0].match[1].uri.regex: '/(a': Unterminated group; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)",
      ]);
    });
    it("warns about rules no request can reach (istioctl IST0130/IST0131)", () => {
      const spec = {
        hosts: ["r"],
        http: [
          { name: "api", match: [{ uri: { prefix: "/api" } }], route: [to("r")] },
          { name: "api-v2", match: [{ uri: { prefix: "/api/v2" } }], route: [to("r")] },
          { name: "again", match: [{ name: "dup", uri: { prefix: "/api" } }], route: [to("r")] },
          { name: "default", route: [to("r")] },
          { name: "second-default", route: [to("r")] },
        ],
      };
      expect(lines(check(vs(spec)))).toEqual([
        'warning /spec/http/2/match/0: spec.http[2].match[0]: virtualService rule "again" match "dup" is not used (duplicate/overlapping match in rule "api")',
        'warning /spec/http/2: spec.http[2]: virtualService rule "again" not used (all matches used by prior rules)',
        'warning /spec/http/4: spec.http[4]: virtualService rule "second-default" not used (only the last rule can have no matches)',
        'warning /spec/http/1/match/0: spec.http[1].match[0]: virtualService rule "api-v2" match #0 of prefix /api/v2 is not used (duplicate/overlapping match in rule #0 of prefix /api on "api")',
      ]);
    });
  });

  it("tells a presence match from no match when looking for duplicates", () => {
    const spec = { hosts: ["r"], http: [{ match: [{ headers: { "x-debug": {} } }], route: [to("r")] }, { match: [{ ignoreUriCase: false }], route: [to("r")] }, { match: [{}], route: [to("r")] }] };
    expect(lines(check(vs(spec)))).toEqual([
      "warning /spec/http/2/match/0: spec.http[2].match[0]: virtualService rule #2 match #0 is not used (duplicate/overlapping match in rule #1)",
      "warning /spec/http/2: spec.http[2]: virtualService rule #2 not used (all matches used by prior rules)",
    ]);
  });

  describe("destinations, redirects, faults, headers", () => {
    it("rejects * as a destination, bad subset names and port 0", () => {
      expect(lines(check(vs({ hosts: ["r"], http: [{ route: [{ destination: { host: "*", subset: "V_1", port: { number: 0 } } }] }] })))).toEqual([
        "error /spec/http/0/route/0/destination/host: spec.http[0].route[0].destination.host: invalid destination host *: name the service to send traffic to",
        "error /spec/http/0/route/0/destination/subset: spec.http[0].route[0].destination.subset: subset name is invalid: V_1 (use a DNS label such as v1 or canary)",
        "error /spec/http/0/route/0/destination/port/number: spec.http[0].route[0].destination.port.number: port number 0 must be in the range 1..65535",
      ]);
    });
    it("checks redirects, direct responses and faults", () => {
      const spec = {
        hosts: ["r"],
        http: [
          { match: [{ uri: { prefix: "/a" } }], redirect: { uri: "/b", redirectCode: 200 } },
          { match: [{ uri: { prefix: "/b" } }], directResponse: { status: 700 } },
          { match: [{ uri: { prefix: "/c" } }], route: [to("r")], fault: { abort: { percentage: { value: 50 } }, delay: { exponentialDelay: "1s" } } },
          { route: [to("r")], fault: {} },
        ],
      };
      expect(lines(check(vs(spec)))).toEqual([
        "error /spec/http/0/redirect/redirectCode: spec.http[0].redirect.redirectCode: 200 is not a valid redirect code, must be 3xx",
        "error /spec/http/1/directResponse/status: spec.http[1].directResponse.status: HTTP status 700 is not in range 200-599",
        "warning /spec/http/2/fault/abort: spec.http[2].fault.abort: abort configured, but error type not set: set httpStatus or grpcStatus",
        "error /spec/http/2/fault/delay/exponentialDelay: spec.http[2].fault.delay.exponentialDelay: exponentialDelay not supported yet: use fixedDelay",
        "error /spec/http/3/fault: spec.http[3].fault: HTTP fault injection must have an abort and/or a delay",
      ]);
    });
    it("takes a redirect prefixRewrite as istiod does: alone, and under prefix matches only", () => {
      const spec = {
        hosts: ["r"],
        http: [
          { match: [{ uri: { prefix: "/old/" } }], redirect: { prefixRewrite: "/new/" } },
          { match: [{ uri: { exact: "/x" } }], redirect: { prefixRewrite: "/y" } },
          { match: [{ uri: { prefix: "/z" } }], redirect: { uri: "/a", prefixRewrite: "/b" } },
        ],
      };
      expect(lines(check(vs(spec)))).toEqual([
        "error /spec/http/1/redirect/prefixRewrite: spec.http[1].redirect.prefixRewrite: redirect prefix_rewrite requires all URI matches to use prefix match type (match[0] does not)",
        "error /spec/http/2/redirect: spec.http[2].redirect: redirect may only specify one of uri or prefix_rewrite",
      ]);
    });
    it("rejects header operations on pseudo headers and Host, bad %-formats, and two authority rewrites", () => {
      const spec = {
        hosts: ["r"],
        http: [
          {
            route: [to("r")],
            rewrite: { authority: "a.example.com" },
            headers: { request: { set: { ":path": "/x", host: "b.example.com" } }, response: { add: { "x-pct": "100%" }, remove: ["Host"] } },
          },
        ],
      };
      expect(lines(check(vs(spec)))).toEqual([
        `error /spec/http/0/headers/request/set/:path: spec.http[0].headers.request.set[:path]: invalid header ':path': header cannot have ":" prefix`,
        "error /spec/http/0/headers/response/add/x-pct: spec.http[0].headers.response.add[x-pct]: header value configuration: invalid header configuration. Un-escaped % (write %% for a literal percent)",
        "error /spec/http/0/headers/response/remove/0: spec.http[0].headers.response.remove[0]: invalid header 'Host': cannot set Host header",
        "error /spec/http/0/headers/request/set/host: spec.http[0].headers.request.set[host]: authority header cannot be set multiple times: have 'a.example.com', attempting to set 'b.example.com'",
      ]);
    });
  });

  describe("tls and tcp routes", () => {
    it("wants SNI hosts inside the VirtualService hosts, and a route", () => {
      const spec = { hosts: ["*.bookinfo.com"], gateways: ["mygateway"], tls: [{ match: [{ port: 443, sniHosts: ["login.bookinfo.com", "login.example.com"] }] }] };
      expect(lines(check(vs(spec)))).toEqual([
        "error /spec/tls/0/match/0/sniHosts/1: spec.tls[0].match[0].sniHosts[1]: SNI host 'login.example.com' is not a compatible subset of any of the virtual service hosts: [*.bookinfo.com]",
        "error /spec/tls/0: spec.tls[0]: TLS route is required (add a route with a destination)",
      ]);
    });
    it("takes the SNI names Envoy generates for AUTO_PASSTHROUGH on gateways", () => {
      const route = [{ destination: { host: "reviews.default.svc.cluster.local" } }];
      const spec = (sni: string) => ({ hosts: [sni], gateways: ["istio-system/cross-network"], tls: [{ match: [{ sniHosts: [sni] }], route }] });
      expect(lines(check(vs(spec("outbound_.9080_._.reviews.default.svc.cluster.local"))))).toEqual([]);
      expect(lines(check(vs(spec("outbound_.http_._.reviews.default.svc.cluster.local"))))).toContain(
        "error /spec/hosts/0: spec.hosts[0]: domain name 'outbound_.http_._.reviews.default.svc.cluster.local' invalid (label 'http' invalid). should follow outbound_.<port>_.<subset>_.<hostname> format",
      );
    });
    it("accepts the reference tcp example, rejects bad subnets", () => {
      expect(lines(check(vs({ hosts: ["mongo.prod.svc.cluster.local"], tcp: [{ match: [{ port: 27017 }], route: [{ destination: { host: "mongo.backup.svc.cluster.local", port: { number: 5555 } } }] }] })))).toEqual([]);
      expect(lines(check(vs({ hosts: ["m"], tcp: [{ match: [{ destinationSubnets: ["10.0.0.0/33"] }], route: [to("m")] }] })))).toEqual([
        "error /spec/tcp/0/match/0/destinationSubnets/0: spec.tcp[0].match[0].destinationSubnets[0]: 10.0.0.0/33 is not a valid CIDR block",
      ]);
    });
  });

  it("checks exportTo", () => {
    expect(lines(check(vs({ hosts: ["r"], http: [{ route: [to("r")] }], exportTo: ["ns", ".", "~", "*"] })))).toEqual([
      "error /spec/exportTo/1: spec.exportTo[1]: duplicate entries in exportTo: . and current namespace ns",
      "error /spec/exportTo/2: spec.exportTo[2]: exportTo ~ (none) is not allowed for Istio configuration objects",
      "error /spec/exportTo: spec.exportTo: cannot have both public (*) and non-public exportTo values for a resource",
    ]);
  });

  it("never throws on odd input", () => {
    for (const spec of [null, [], "x", { http: "x" }, { http: [null, 1, { route: "x", match: [null] }] }, { hosts: [1, null], tls: [{ match: [null] }] }]) {
      expect(() => check(vs(spec))).not.toThrow();
    }
  });
});
