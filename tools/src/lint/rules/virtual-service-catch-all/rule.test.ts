import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-catch-all", () => {
  it("flags VirtualServices without a catch-all for some proxies: sidecars (error), gateways only (warning)", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.severity, f.location?.line, f.location?.pointer])).toEqual([
      ["vapora-backend", "error", 11, "/spec/http/0"],
      ["public", "warning", 30, "/spec/http/0"],
      ["vapora-agents", "error", 58, "/spec/http/1"],
      ["vapora-frontend", "warning", 86, "/spec/http/1"],
      ["vapora-llm-router", "error", 110, "/spec/http/1"],
    ]);
    expect(findings[0]?.message).toBe(
      "no catch-all http route: a request that matches none of its 1 route(s) " +
        'gets 404 (Envoy flag NR), with no fallback to the Service. Add a last route without "match" that sends the rest ' +
        "to the default destination",
    );
    // sourceLabels select proxies: for the clients they do not select, only http[1] is left.
    expect(findings[2]?.message).toBe(
      "no catch-all http route for sidecars that match none of its sourceLabels/sourceNamespace selectors: of its 2 " +
        "route(s), only http[1] apply to them (istiod drops the matches whose sourceLabels, sourceNamespace or gateways " +
        "do not select the proxy), and a request that matches none of those gets 404 (Envoy flag NR), with no fallback " +
        'to the Service. Add a last route without "match" that sends the rest to the default destination',
    );
    expect(findings[3]?.message).toContain("no catch-all http route for gateway istio-ingress/public proxies that match none");
    expect(findings[4]?.message).toContain("The same holds for sidecars in namespace tools.");
  });

  it("accepts a final match-less route, prefix /, routes only for selected clients, per-gateway catch-alls, delegates and TCP-only services", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
