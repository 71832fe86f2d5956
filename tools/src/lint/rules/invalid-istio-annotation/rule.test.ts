import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("invalid-istio-annotation", () => {
  it("flags interception mode, CIDR, port and quantity values the injector rejects", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0125", "warning", "vapora-backend-0", 8, "/metadata/annotations/sidecar.istio.io~1interceptionMode"],
      [rule.id, "IST0125", "warning", "vapora-backend-0", 9, "/metadata/annotations/traffic.sidecar.istio.io~1excludeOutboundIPRanges"],
      [rule.id, "IST0125", "warning", "vapora-backend-0", 10, "/metadata/annotations/traffic.sidecar.istio.io~1excludeInboundPorts"],
      [rule.id, "IST0125", "warning", "vapora-backend-0", 11, "/metadata/annotations/sidecar.istio.io~1proxyMemory"],
    ]);
    expect(findings[0]?.message).toBe(
      "annotation \"sidecar.istio.io/interceptionMode\": \"tproxy\" is not an interception mode: use REDIRECT, " +
        "TPROXY or NONE. The sidecar injector rejects the value, so the pod is not injected as intended. Fix " +
        "the value",
    );
  });

  it("accepts valid values and leaves misplaced annotations alone", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
